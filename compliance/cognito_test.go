package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

// pool is a cognito.UserPool with inputs kv.
func pool(kv ...any) *Graph {
	return graphOf(res(restype.CognitoUserPool, "pool", withFields(map[string]any{"name": "pool"}, kv...)))
}

func TestCognitoThreatProtection(t *testing.T) {
	const c1, cog8 = "SecurityHub Cognito.1", "nag COG8"
	mode := func(m any, tier any) *Graph {
		return pool("userPoolAddOns", map[string]any{"advancedSecurityMode": m}, "userPoolTier", tier)
	}
	runCases(t, ruleByID(t, "cognito-threat-protection"), cases(
		both("audit only", mode("AUDIT", "PLUS"), fail, c1, cog8),
		both("no add-ons", pool(), fail, c1),
		both("enforced off the PLUS tier", mode("ENFORCED", "ESSENTIALS"), fail, cog8),
		both("enforced off the PLUS tier is Cognito.1's pass", mode("ENFORCED", "ESSENTIALS"), pass, c1),
		both("enforced on PLUS", mode("ENFORCED", "PLUS"), pass, c1, cog8),
		both("mode computed", mode(Unknown{}, "PLUS"), unjudged, c1, cog8),
	))
}

func TestCognitoThreatProtectionCustomAuth(t *testing.T) {
	const c = "SecurityHub Cognito.4"
	custom := func(m any) *Graph {
		return pool("userPoolAddOns", map[string]any{"advancedSecurityMode": "ENFORCED", "advancedSecurityAdditionalFlows": map[string]any{"customAuthMode": m}})
	}
	runCases(t, ruleByID(t, "cognito-threat-protection-custom-auth"), []ruleCase{
		{"audit", c, custom("AUDIT"), fail},
		{"unset", c, pool("userPoolAddOns", map[string]any{"advancedSecurityMode": "ENFORCED"}), fail},
		{"enforced", c, custom("ENFORCED"), pass},
		{"computed", c, custom(Unknown{}), unjudged},
	})
}

func TestCognitoMFA(t *testing.T) {
	const c5, cog2 = "SecurityHub Cognito.5", "nag COG2"
	passwordless := map[string]any{"allowedFirstAuthFactors": []any{"PASSWORD", "WEB_AUTHN"}}
	runCases(t, ruleByID(t, "cognito-mfa"), cases(
		both("unset is OFF", pool(), fail, c5, cog2),
		both("optional", pool("mfaConfiguration", "OPTIONAL"), fail, c5, cog2),
		both("a passwordless pool without MFA", pool("signInPolicy", passwordless), fail, cog2),
		both("a passwordless pool is not Cognito.5's", pool("signInPolicy", passwordless), pass, c5),
		both("a password-only policy stated", pool("signInPolicy", map[string]any{"allowedFirstAuthFactors": []any{"PASSWORD"}}, "mfaConfiguration", "OFF"), fail, c5),
		both("required", pool("mfaConfiguration", "ON"), pass, c5, cog2),
		both("computed", pool("mfaConfiguration", Unknown{}), unjudged, c5, cog2),
	))
}

func TestCognitoPasswordPolicy(t *testing.T) {
	const c3, cog1 = "FSBP Cognito.3", "nag COG1"
	strong := func(kv ...any) *Graph {
		p := withFields(map[string]any{"minimumLength": 8.0, "requireLowercase": true, "requireUppercase": true, "requireNumbers": true, "requireSymbols": true}, kv...)
		return pool("passwordPolicy", p)
	}
	runCases(t, ruleByID(t, "cognito-password-policy"), cases(
		both("six characters", strong("minimumLength", 6.0), fail, c3, cog1),
		both("no symbols", strong("requireSymbols", false), fail, c3, cog1),
		both("no lowercase", strong("requireLowercase", false), fail, c3),
		both("no lowercase is COG1's pass", strong("requireLowercase", false), pass, cog1),
		both("temporary passwords for 10 days", strong("temporaryPasswordValidityDays", 10.0), fail, c3),
		both("an unset requirement in a policy is false", strong("requireNumbers", nil), fail, cog1),
		both("eight characters of every class", strong(), pass, c3, cog1),
		both("no policy: Cognito's default", pool(), pass, c3, cog1),
		both("length computed", strong("minimumLength", Unknown{}), unjudged, c3, cog1),
	))
}

func TestCognitoDeletionProtection(t *testing.T) {
	const c = "SecurityHub Cognito.6"
	runCases(t, ruleByID(t, "cognito-deletion-protection"), []ruleCase{
		{"unset", c, pool(), fail},
		{"inactive", c, pool("deletionProtection", "INACTIVE"), fail},
		{"active", c, pool("deletionProtection", "ACTIVE"), pass},
		{"computed", c, pool("deletionProtection", Unknown{}), unjudged},
	})
}

func TestCognitoNoGuests(t *testing.T) {
	ip := func(v any) *Graph {
		return graphOf(res(restype.CognitoIdentityPool, "ip", map[string]any{"allowUnauthenticatedIdentities": v}))
	}
	runCases(t, ruleByID(t, "cognito-no-guests"), cases(
		both("guests", ip(true), fail, "FSBP Cognito.2", "CKV_AWS_366"),
		both("no guests", ip(false), pass, "FSBP Cognito.2", "CKV_AWS_366"),
		both("computed", ip(Unknown{}), unjudged, "FSBP Cognito.2", "CKV_AWS_366"),
	))
}

func TestCognitoProjectRules(t *testing.T) {
	pool := func(kv ...any) *Graph {
		return graphOf(res(restype.CognitoUserPool, "pool", withFields(map[string]any{}, kv...)))
	}
	client := func(kv ...any) *Graph {
		return graphOf(res(restype.CognitoUserPoolClient, "client", withFields(map[string]any{}, kv...)))
	}
	runProjectCases(t, cognitoPasswordLength, []projectCase{
		{"14 characters", pool("passwordPolicy", map[string]any{"minimumLength": 14.0}), pass, ""},
		{"12 characters", pool("passwordPolicy", map[string]any{"minimumLength": 12.0}), fail, "accepts passwords of 12 characters"},
		{"Cognito's default of 8", pool(), fail, "accepts passwords of 8 characters"},
		{"the length computed", pool("passwordPolicy", map[string]any{"minimumLength": Unknown{}}), unjudged, ""},
	})
	runProjectCases(t, cognitoUserExistence, []projectCase{
		{"errors prevented", client("preventUserExistenceErrors", "ENABLED"), pass, ""},
		{"LEGACY", client("preventUserExistenceErrors", "LEGACY"), fail, "whether a user exists"},
		{"unset", client(), fail, "whether a user exists"},
		{"computed", client("preventUserExistenceErrors", Unknown{}), unjudged, ""},
	})
	runProjectCases(t, cognitoHTTPSCallbacks, []projectCase{
		{"https callbacks", client("generateSecret", true, "callbackUrls", []any{"https://app.example.com/oauth2/idpresponse"}), pass, ""},
		{"an http callback", client("generateSecret", true, "callbackUrls", []any{"http://app.example.com/cb"}), fail, "use https URLs only"},
		{"a loopback redirect of a public client", client("callbackUrls", []any{"http://localhost:8080/cb"}), pass, ""},
		{"a loopback redirect of a confidential client", client("generateSecret", true, "logoutUrls", []any{"http://localhost:8080/"}), fail, "http://localhost:8080/"},
		{"a callback computed", client("generateSecret", true, "callbackUrls", []any{Unknown{}}), unjudged, ""},
	})
}
