package compliance

import (
	"fmt"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// cognitoRules judge user pools, their app clients and identity pools.
func cognitoRules() []Rule {
	return []Rule{cognitoThreatProtection, cognitoThreatProtectionCustomAuth, cognitoMFA, cognitoPasswordPolicy, cognitoPasswordLength,
		cognitoDeletionProtection, cognitoNoGuests, cognitoUserExistence, cognitoHTTPSCallbacks}
}

// cognitoThreatProtection follows Security Hub Cognito.1 ("Cognito user
// pools should have threat protection activated with full function
// enforcement mode for standard authentication", Config rule
// cognito-user-pool-advanced-security-enabled, SecurityMode ENFORCED):
// userPoolAddOns.advancedSecurityMode ENFORCED. cdk-nag COG8 asks for the
// PLUS feature plan too (userPoolTier), without which ENFORCED is refused
// (FeatureUnavailableInTierException); a pool ENFORCED on another tier
// fails COG8 only.
var cognitoThreatProtection = Rule{ID: "cognito-threat-protection", Controls: []string{"SecurityHub Cognito.1", "nag COG8"}, Severity: High,
	Source:      "Security Hub Cognito.1 (SecurityMode ENFORCED); AWS Config cognito-user-pool-advanced-security-enabled; cdk-nag COG8",
	Description: "User pools enforce threat protection for standard authentication (advancedSecurityMode ENFORCED; AUDIT or OFF fail Cognito.1), on the PLUS tier (nag COG8). Not judged while either is computed at deployment.",
	Check: judgedEach([]string{restype.CognitoUserPool}, func(r Resource) (string, []string) {
		mode, tier := r.Str("userPoolAddOns.advancedSecurityMode"), r.Str("userPoolTier")
		switch {
		case mode != "ENFORCED":
			return fmt.Sprintf("runs threat protection %q on tier %q; set userPoolTier PLUS and advancedSecurityMode ENFORCED", mode, tier), nil
		case tier != "PLUS":
			return fmt.Sprintf("enforces threat protection on tier %q, which does not offer it; set userPoolTier PLUS", tier), []string{"nag COG8"}
		}
		return "", nil
	})}

// cognitoThreatProtectionCustomAuth follows Security Hub Cognito.4
// ("Cognito user pools should have threat protection activated with full
// function enforcement mode for custom authentication", Config rule
// cognito-userpool-cust-auth-threat-full-check):
// advancedSecurityAdditionalFlows.customAuthMode ENFORCED.
var cognitoThreatProtectionCustomAuth = Rule{ID: "cognito-threat-protection-custom-auth", Controls: []string{"SecurityHub Cognito.4"}, Severity: Medium,
	Source:      "Security Hub Cognito.4; AWS Config cognito-userpool-cust-auth-threat-full-check",
	Description: "Threat protection is enforced for custom authentication too (userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode ENFORCED). Not judged while it is computed at deployment.",
	Check: forEach(restype.CognitoUserPool, func(r Resource) string {
		if r.Str("userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode") != "ENFORCED" {
			return "does not enforce threat protection on custom auth flows; set advancedSecurityAdditionalFlows.customAuthMode ENFORCED"
		}
		return ""
	})}

// passwordOnly reports whether a user pool signs users in with a password
// only: signInPolicy.allowedFirstAuthFactors unset or just PASSWORD.
func passwordOnly(r Resource) bool {
	for _, f := range r.List("signInPolicy.allowedFirstAuthFactors") {
		if s, _ := f.(string); s != "PASSWORD" {
			return false
		}
	}
	return true
}

// cognitoMFA follows Security Hub Cognito.5 ("MFA should be enabled for
// Cognito user pools", Config rule cognito-user-pool-mfa-enabled: pools
// with a password-only sign-in policy) and cdk-nag COG2 (every pool):
// mfaConfiguration ON; unset is OFF. A passwordless pool without it fails
// COG2 only.
var cognitoMFA = Rule{ID: "cognito-mfa", Controls: []string{"SecurityHub Cognito.5", "nag COG2"}, Severity: High,
	Source:      "Security Hub Cognito.5; AWS Config cognito-user-pool-mfa-enabled; cdk-nag COG2",
	Description: "User pools require MFA (mfaConfiguration ON; unset is OFF). Cognito.5 judges pools whose sign-in policy allows passwords only (signInPolicy.allowedFirstAuthFactors unset or PASSWORD); nag COG2 every pool. Not judged while either is computed at deployment.",
	Check: judgedEach([]string{restype.CognitoUserPool}, func(r Resource) (string, []string) {
		m := r.Str("mfaConfiguration")
		if m == "ON" {
			return "", nil
		}
		msg := fmt.Sprintf("has MFA %q; set mfaConfiguration ON", m)
		if !passwordOnly(r) {
			return msg, []string{"nag COG2"}
		}
		return msg, nil
	})}

// cognitoPasswordPolicy follows Security Hub Cognito.3 ("Password policies
// for Cognito user pools should have strong configurations", Config rule
// cognito-user-pool-password-policy-check at Security Hub's defaults:
// minimum length 8, lowercase, uppercase, numbers and symbols required,
// temporary passwords valid at most 7 days) and cdk-nag COG1 (length 8,
// uppercase, numbers and symbols). A pool without a passwordPolicy gets
// Cognito's default policy, which meets both; in a policy given, an
// unset requirement is false, an unset length 8 and an unset validity 7
// days. The project's 14 characters are cognito-password-length's.
var cognitoPasswordPolicy = Rule{ID: "cognito-password-policy", Controls: []string{"FSBP Cognito.3", "nag COG1"}, Severity: Medium,
	Source:      "Security Hub Cognito.3 (its default parameters); AWS Config cognito-user-pool-password-policy-check; cdk-nag COG1",
	Description: "Passwords have 8 or more characters and require lowercase (Cognito.3), uppercase, numbers and symbols; temporary passwords expire within 7 days (Cognito.3). Not judged while the policy is computed at deployment.",
	Check: judgedEach([]string{restype.CognitoUserPool}, func(r Resource) (string, []string) {
		if r.Get("passwordPolicy") == nil {
			return "", nil
		}
		for _, k := range []string{"requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"} {
			if v, _ := r.Bool("passwordPolicy." + k); !v {
				msg := fmt.Sprintf("does not require %s; require every character class", strings.ToLower(strings.TrimPrefix(k, "require")))
				if k == "requireLowercase" {
					return msg, []string{"FSBP Cognito.3"}
				}
				return msg, nil
			}
		}
		if n, set := r.Num("passwordPolicy.minimumLength"); set && n < 8 {
			return fmt.Sprintf("accepts passwords of %d characters; require 8 or more (the stack's policy is 14)", int(n)), nil
		}
		if days, set := r.Num("passwordPolicy.temporaryPasswordValidityDays"); set && days > 7 {
			return fmt.Sprintf("keeps temporary passwords valid for %d days; 7 at most", int(days)), []string{"FSBP Cognito.3"}
		}
		return "", nil
	})}

// cognitoPasswordLength is the project's own: 14 characters, the length
// the stack's IAM password policy asks too (CIS 1.8), above Cognito.3's
// default of 8.
var cognitoPasswordLength = Rule{ID: "cognito-password-length", Severity: Medium,
	Source:      "the project's own: 14 characters, as CIS 1.8 asks of IAM passwords",
	Description: "User-pool passwords have 14 or more characters (Cognito's default policy has 8). Not judged while the length is computed at deployment.",
	Check: forEach(restype.CognitoUserPool, func(r Resource) string {
		n, set := r.Num("passwordPolicy.minimumLength")
		if !set {
			n = 8
		}
		if n < 14 {
			return fmt.Sprintf("accepts passwords of %d characters; require 14", int(n))
		}
		return ""
	})}

// cognitoDeletionProtection follows Security Hub Cognito.6 ("Cognito user
// pools should have deletion protection enabled", Config rule
// cognito-userpool-deletion-protection-enabled): deletionProtection
// ACTIVE; unset is INACTIVE.
var cognitoDeletionProtection = Rule{ID: "cognito-deletion-protection", Controls: []string{"SecurityHub Cognito.6"}, Severity: Medium,
	Source:      "Security Hub Cognito.6; AWS Config cognito-userpool-deletion-protection-enabled",
	Description: "User pools have deletion protection (deletionProtection ACTIVE; unset is INACTIVE). Not judged while it is computed at deployment.",
	Check: forEach(restype.CognitoUserPool, func(r Resource) string {
		if r.Str("deletionProtection") != "ACTIVE" {
			return "can be deleted with its users; set deletionProtection ACTIVE"
		}
		return ""
	})}

// cognitoNoGuests follows Security Hub Cognito.2 ("Cognito identity pools
// should not allow unauthenticated identities", Config rule
// cognito-identity-pool-unauth-access-check) and Checkov CKV_AWS_366.
var cognitoNoGuests = Rule{ID: "cognito-no-guests", Controls: []string{"FSBP Cognito.2", "CKV_AWS_366"}, Severity: High,
	Source:      "Security Hub Cognito.2; AWS Config cognito-identity-pool-unauth-access-check; Checkov CKV_AWS_366",
	Description: "Identity pools do not give credentials to unauthenticated users (allowUnauthenticatedIdentities unset or false). Not judged while it is computed at deployment.",
	Check: forEach(restype.CognitoIdentityPool, func(r Resource) string {
		if v, _ := r.Bool("allowUnauthenticatedIdentities"); v {
			return "gives AWS credentials to unauthenticated users; set allowUnauthenticatedIdentities: false"
		}
		return ""
	})}

// cognitoUserExistence is the project's own (no public scanner checks it).
var cognitoUserExistence = Rule{ID: "cognito-user-existence", Severity: Medium,
	Source:      "the project's own; Cognito developer guide, managing user existence error responses",
	Description: "App clients do not reveal whether a user exists.",
	Check: forEach(restype.CognitoUserPoolClient, func(r Resource) string {
		if r.Str("preventUserExistenceErrors") != "ENABLED" {
			return "tells sign-in attempts whether a user exists; set preventUserExistenceErrors ENABLED"
		}
		return ""
	})}

// cognitoHTTPSCallbacks is the project's own (no public scanner checks it).
var cognitoHTTPSCallbacks = Rule{ID: "cognito-https-callbacks", Severity: Medium,
	Source:      "the project's own; RFC 8252 section 7.3 for loopback redirects",
	Description: "App clients redirect to HTTPS URLs only, without the implicit grant; a public client (no secret) may also use a loopback http://localhost redirect, which stays on a native app's device (RFC 8252 section 7.3).",
	Check: forEach(restype.CognitoUserPoolClient, func(r Resource) string {
		secret, _ := r.Bool("generateSecret")
		for _, k := range []string{"callbackUrls", "logoutUrls"} {
			for _, u := range r.List(k) {
				s, ok := u.(string)
				if !ok {
					if _, computed := u.(Unknown); computed {
						r.sawUnknown()
					}
					continue
				}
				if !strings.HasPrefix(s, "https://") && (secret || !strings.HasPrefix(s, "http://localhost:") && !strings.HasPrefix(s, "http://localhost/")) {
					return fmt.Sprintf("redirects to %s; use https URLs only", s)
				}
			}
		}
		for _, f := range r.List("allowedOauthFlows") {
			if f == "implicit" {
				return "allows the implicit grant; allow the authorization-code grant only"
			}
		}
		return ""
	})}
