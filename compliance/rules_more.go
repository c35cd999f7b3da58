package compliance

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

func cognitoRules() []Rule {
	return []Rule{
		{ID: "cognito-threat-protection", Controls: []string{"SecurityHub Cognito.1", "nag COG8"}, Severity: High,
			Description: "User pools are on the PLUS tier with threat protection ENFORCED.",
			Check: forEach(restype.CognitoUserPool, func(r Resource) string {
				if r.Str("userPoolTier") != "PLUS" || r.Str("userPoolAddOns.advancedSecurityMode") != "ENFORCED" {
					return fmt.Sprintf("runs threat protection %q on tier %q; set userPoolTier PLUS and advancedSecurityMode ENFORCED",
						r.Str("userPoolAddOns.advancedSecurityMode"), r.Str("userPoolTier"))
				}
				return ""
			})},
		{ID: "cognito-threat-protection-custom-auth", Controls: []string{"SecurityHub Cognito.4"}, Severity: Medium,
			Description: "Threat protection is enforced for custom authentication too.",
			Check: forEach(restype.CognitoUserPool, func(r Resource) string {
				if r.Str("userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode") != "ENFORCED" {
					return "does not enforce threat protection on custom auth flows; set advancedSecurityAdditionalFlows.customAuthMode ENFORCED"
				}
				return ""
			})},
		{ID: "cognito-mfa", Controls: []string{"SecurityHub Cognito.5", "nag COG2"}, Severity: High,
			Description: "User pools require MFA.",
			Check: forEach(restype.CognitoUserPool, func(r Resource) string {
				if m := r.Str("mfaConfiguration"); m != "ON" {
					return fmt.Sprintf("has MFA %q; set mfaConfiguration ON", m)
				}
				return ""
			})},
		{ID: "cognito-password-policy", Controls: []string{"FSBP Cognito.3", "nag COG1"}, Severity: Medium,
			Description: "Passwords have 14 or more characters of every class; invitations expire within 7 days.",
			Check: forEach(restype.CognitoUserPool, func(r Resource) string {
				n, _ := r.Num("passwordPolicy.minimumLength")
				days, set := r.Num("passwordPolicy.temporaryPasswordValidityDays")
				for _, k := range []string{"requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"} {
					if v, _ := r.Bool("passwordPolicy." + k); !v {
						return fmt.Sprintf("does not require %s; require every character class", strings.TrimPrefix(k, "require"))
					}
				}
				if n < 14 || (set && days > 7) {
					return fmt.Sprintf("accepts passwords of %d characters (temporary ones for %d days); require 14 and at most 7", int(n), int(days))
				}
				return ""
			})},
		{ID: "cognito-deletion-protection", Controls: []string{"SecurityHub Cognito.6"}, Severity: Medium,
			Description: "User pools have deletion protection.",
			Check: forEach(restype.CognitoUserPool, func(r Resource) string {
				if r.Str("deletionProtection") != "ACTIVE" {
					return "can be deleted with its users; set deletionProtection ACTIVE"
				}
				return ""
			})},
		{ID: "cognito-no-guests", Controls: []string{"FSBP Cognito.2", "CKV_AWS_366"}, Severity: High,
			Description: "Identity pools do not give credentials to unauthenticated users.",
			Check: forEach(restype.CognitoIdentityPool, func(r Resource) string {
				if v, _ := r.Bool("allowUnauthenticatedIdentities"); v {
					return "gives AWS credentials to unauthenticated users; set allowUnauthenticatedIdentities: false"
				}
				return ""
			})},
		{ID: "cognito-user-existence", Severity: Medium,
			Description: "App clients do not reveal whether a user exists.",
			Check: forEach(restype.CognitoUserPoolClient, func(r Resource) string {
				if r.Str("preventUserExistenceErrors") != "ENABLED" {
					return "tells sign-in attempts whether a user exists; set preventUserExistenceErrors ENABLED"
				}
				return ""
			})},
		{ID: "cognito-https-callbacks", Severity: Medium,
			Description: "App clients redirect to HTTPS URLs only, without the implicit grant; a public client (no secret) may also use a loopback http://localhost redirect, which stays on a native app's device (RFC 8252 section 7.3).",
			Check: forEach(restype.CognitoUserPoolClient, func(r Resource) string {
				secret, _ := r.Bool("generateSecret")
				for _, k := range []string{"callbackUrls", "logoutUrls"} {
					for _, u := range r.List(k) {
						s, _ := u.(string)
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
			})},
	}
}

func wafRules() []Rule {
	return []Rule{
		{ID: "waf-rules-have-actions", Controls: []string{"FSBP WAF.10", "CKV_AWS_175"}, Severity: Medium,
			Description: "Web ACLs have rules, each with an action.",
			Check: forEach(restype.WAFv2WebACL, func(r Resource) string {
				rules := r.List("rules")
				if len(rules) == 0 && !r.Unknown("rules") {
					return "has no rules; add managed groups and rate-based rules"
				}
				for i := range rules {
					p := fmt.Sprintf("rules.%d.", i)
					if r.Get(p+"action") == nil && r.Get(p+"overrideAction") == nil {
						return fmt.Sprintf("rule %s has no action", r.Str(p+"name"))
					}
				}
				return ""
			})},
		{ID: "waf-logging", Controls: []string{"SecurityHub WAF.11", "CKV2_AWS_31"}, Severity: Medium,
			Description: "Every web ACL logs.",
			Check:       withDependent(restype.WAFv2WebACL, restype.WAFv2WebACLLoggingConfiguration, "does not log; add a wafv2.WebAclLoggingConfiguration")},
		{ID: "waf-logging-keeps-decisions", Severity: Medium,
			Description: "A web ACL's logging filter keeps every decision its rules make but ALLOW: each rule action, BLOCK from the managed groups, and EXCLUDED_AS_COUNT where a managed rule is overridden to Count or excluded (WAFv2 API, ActionCondition).",
			Check:       wafLogsKeepDecisions},
		// Security Hub WAF.12 ("AWS WAF rules should have CloudWatch
		// metrics enabled") evaluates AWS::WAFv2::RuleGroup: the group's
		// visibilityConfig and each of its rules'.
		{ID: "waf-rule-group-metrics", Controls: []string{"FSBP WAF.12"}, Severity: Low,
			Description: "WAF rule groups and every rule in them publish CloudWatch metrics (visibilityConfig.cloudwatchMetricsEnabled). Not judged while a setting is computed at deployment.",
			Check: forEach(restype.WAFv2RuleGroup, func(r Resource) string {
				if v, _ := r.Bool("visibilityConfig.cloudwatchMetricsEnabled"); !v {
					return "publishes no metrics; enable visibilityConfig.cloudwatchMetricsEnabled"
				}
				for i := range r.List("rules") {
					p := fmt.Sprintf("rules.%d.", i)
					if v, _ := r.Bool(p + "visibilityConfig.cloudwatchMetricsEnabled"); !v {
						return fmt.Sprintf("rule %s publishes no metrics; enable cloudwatchMetricsEnabled", r.Str(p+"name"))
					}
				}
				return ""
			})},
		{ID: "waf-metrics", Severity: Low,
			Description: "Web ACLs and every rule publish CloudWatch metrics.",
			Check: forEach(restype.WAFv2WebACL, func(r Resource) string {
				if v, _ := r.Bool("visibilityConfig.cloudwatchMetricsEnabled"); !v {
					return "publishes no metrics; enable visibilityConfig.cloudwatchMetricsEnabled"
				}
				for i := range r.List("rules") {
					p := fmt.Sprintf("rules.%d.", i)
					if v, _ := r.Bool(p + "visibilityConfig.cloudwatchMetricsEnabled"); !v {
						return fmt.Sprintf("rule %s publishes no metrics; enable cloudwatchMetricsEnabled", r.Str(p+"name"))
					}
				}
				return ""
			})},
		{ID: "waf-known-bad-inputs", Controls: []string{"CKV_AWS_192"}, Severity: High,
			Description: "Web ACLs run AWS's known-bad-inputs group (Log4j) in block mode, with no Log4JRCE rule counted or excluded.",
			Check: forEach(restype.WAFv2WebACL, func(r Resource) string {
				for i := range r.List("rules") {
					p := fmt.Sprintf("rules.%d.", i)
					if r.Str(p+"statement.managedRuleGroupStatement.name") != "AWSManagedRulesKnownBadInputsRuleSet" {
						continue
					}
					if r.Get(p+"overrideAction.count") != nil {
						return "counts known bad inputs instead of blocking them; set overrideAction none"
					}
					for _, k := range []string{"ruleActionOverrides", "excludedRules"} {
						for j := range r.List(p + "statement.managedRuleGroupStatement." + k) {
							q := fmt.Sprintf("%sstatement.managedRuleGroupStatement.%s.%d.", p, k, j)
							if n := r.Str(q + "name"); strings.HasPrefix(n, "Log4JRCE") && (k == "excludedRules" || r.Get(q+"actionToUse.block") == nil) {
								return fmt.Sprintf("lets %s through (%s); block Log4Shell", n, k)
							}
						}
					}
					return ""
				}
				return "does not block known bad inputs such as Log4Shell; add AWSManagedRulesKnownBadInputsRuleSet"
			})},
		{ID: "waf-rate-limit", Severity: High,
			Description: "Web ACLs have a rate-based rule within WAF's bounds.",
			Check: forEach(restype.WAFv2WebACL, func(r Resource) string {
				found := false
				for i := range r.List("rules") {
					p := fmt.Sprintf("rules.%d.statement.rateBasedStatement.", i)
					limit, ok := r.Num(p + "limit")
					if !ok {
						continue
					}
					found = true
					w, set := r.Num(p + "evaluationWindowSec")
					if limit < 10 || limit > 2e9 || (set && w != 60 && w != 120 && w != 300 && w != 600) {
						return fmt.Sprintf("rate rule %d has limit %d per %ds; use 10 to 2,000,000,000 per 60, 120, 300 or 600 s", i, int(limit), int(w))
					}
				}
				if !found {
					return "has no rate-based rule; add one per client IP"
				}
				return ""
			})},
	}
}

// wafDecisions are the logged actions a web ACL's rules can produce.
func wafDecisions(acl Resource) []string {
	var out []string
	add := func(a string) {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	if acl.Get("defaultAction.block") != nil {
		add("BLOCK")
	}
	for i := range acl.List("rules") {
		p := fmt.Sprintf("rules.%d.", i)
		for _, a := range []string{"block", "count", "captcha", "challenge"} {
			if acl.Get(p+"action."+a) != nil {
				add(strings.ToUpper(a))
			}
		}
		g := p + "statement.managedRuleGroupStatement."
		if acl.Get(g+"name") == nil {
			continue
		}
		switch {
		case acl.Get(p+"overrideAction.count") != nil:
			add("COUNT")
		default:
			add("BLOCK") // the managed groups' rules block
		}
		if len(acl.List(g+"excludedRules")) > 0 {
			add("EXCLUDED_AS_COUNT")
		}
		for j := range acl.List(g + "ruleActionOverrides") {
			o := fmt.Sprintf("%sruleActionOverrides.%d.actionToUse.", g, j)
			if acl.Get(o+"count") != nil {
				add("EXCLUDED_AS_COUNT")
			}
			for _, a := range []string{"block", "captcha", "challenge"} {
				if acl.Get(o+a) != nil {
					add(strings.ToUpper(a))
				}
			}
		}
	}
	return out
}

// wafLogsKeepDecisions checks each logging configuration against the web
// ACL it logs (the one it depends on): a filter that drops by default keeps
// only what its KEEP filters name.
func wafLogsKeepDecisions(g *Graph) []Violation {
	return forEach(restype.WAFv2WebACLLoggingConfiguration, func(lc Resource) string {
		if lc.Get("loggingFilter") == nil || lc.Str("loggingFilter.defaultBehavior") == "KEEP" {
			return "" // everything is logged, or only explicit DROP filters narrow it
		}
		kept := map[string]bool{}
		for i := range lc.List("loggingFilter.filters") {
			f := fmt.Sprintf("loggingFilter.filters.%d.", i)
			if lc.Str(f+"behavior") != "KEEP" {
				continue
			}
			// A MEETS_ALL filter of several conditions keeps less than each.
			if conds := lc.List(f + "conditions"); lc.Str(f+"requirement") == "MEETS_ANY" || len(conds) == 1 {
				for j := range conds {
					if a := lc.Str(fmt.Sprintf("%sconditions.%d.actionCondition.action", f, j)); a != "" {
						kept[a] = true
					}
				}
			}
		}
		var dropped []string
		for _, acl := range g.ByType(restype.WAFv2WebACL) {
			if !slices.Contains(lc.Dependencies, acl.URN) {
				continue
			}
			if acl.Unknown("rules") || acl.Unknown("defaultAction") {
				lc.sawUnknown()
			}
			for _, a := range wafDecisions(acl) {
				if !kept[a] {
					dropped = append(dropped, a)
				}
			}
		}
		if len(dropped) > 0 {
			return fmt.Sprintf("drops the %s decisions of its web ACL's rules from the logs; keep them in its KEEP filter", strings.Join(dropped, ", "))
		}
		return ""
	})(g)
}

// wholeAccount matches an AWS principal that is an account: its ID or
// its root ARN.
var wholeAccount = regexp.MustCompile(`^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$`)

// secretName matches input and variable names that hold credentials.
var secretName = regexp.MustCompile(`(?i)(password|passwd|secret|token|private_?key|privatekeypem|api_?key|credential)`)

// secretInputs are inputs that hold secrets whatever their name says.
var secretInputs = map[string][]string{
	restype.SecretsManagerSecretVersion: {"secretString", "secretBinary"},
	restype.ACMCertificate:              {"privateKey"},
	restype.RandomPassword:              {"result"},
}

func projectRules() []Rule {
	return []Rule{
		{ID: "elb-target-port-open", Severity: High,
			Description: "Every target group's port (and a numeric health-check port) is opened by an egress rule of the load balancer's security groups and admitted by a security group from them, so the port the load balancer forwards to is the port the network opens.",
			Check:       targetPortsOpen},
		{ID: "no-plaintext-secrets", Severity: Critical,
			Description: "No input that holds a password, token, key or secret value is left unsecret.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				// Input names repeat across resources: match each once.
				named := map[string]bool{}
				for _, r := range g.Resources {
					for k, v := range r.Inputs {
						isNamed, seen := named[k]
						if !seen {
							isNamed = secretName.MatchString(k) && !nonSecretNames[k]
							named[k] = isNamed
						}
						if !isNamed && !contains(secretInputs[r.Type], k) {
							continue
						}
						switch x := v.(type) {
						case string:
							if x != "" {
								out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: input %s is in plain text in the state and the plan; wrap it with pulumi.ToSecret", shortType(r.Type), r.Name, k)})
							}
						case Unknown:
							// A preview knows whether a value not computed
							// yet is secret (it renders one as [secret]):
							// this one will be stored in plain text.
							out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: input %s is computed at deployment from an output not marked secret, so its value lands in plain text in the state; wrap it with pulumi.ToSecret", shortType(r.Type), r.Name, k)})
						}
					}
				}
				return out
			}},
	}
}

// nonSecretNames are inputs whose names look secret but hold references.
var nonSecretNames = map[string]bool{
	"secretId": true, "secretArn": true, "kmsKeyId": true, "tokenValidityUnits": true, "enableTokenRevocation": true,
	"refreshTokenValidity": true, "accessTokenValidity": true, "idTokenValidity": true, "refreshTokenRotation": true,
	"generateSecret": true, "secretName": true, "recoveryWindowInDays": true, "secretStringWo": true,
	"tokenDomains": true, "passwordPolicy": true, "secretsManagerArn": true, "forceOverwriteReplicaSecret": true,
}
