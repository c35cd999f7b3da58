package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestWAFRulesHaveActions(t *testing.T) {
	const e10, c175 = "FSBP WAF.10", "CKV_AWS_175"
	acl := func(kv ...any) *Graph {
		return graphOf(res(restype.WAFv2WebACL, "acl", withFields(map[string]any{"defaultAction": map[string]any{"allow": map[string]any{}}}, kv...)))
	}
	rule := func(action bool) map[string]any {
		r := map[string]any{"name": "r", "priority": 1.0, "statement": map[string]any{"ipSetReferenceStatement": map[string]any{"arn": "arn:ipset"}}}
		if action {
			r["action"] = map[string]any{"block": map[string]any{}}
		}
		return r
	}
	runCases(t, ruleByID(t, "waf-rules-have-actions"), cases(
		both("no rules", acl(), fail, e10, c175),
		both("an empty ruleJson", acl("rules", []any{}, "ruleJson", "[]"), fail, e10),
		both("a rule without an action", acl("rules", []any{rule(false)}), fail, c175),
		both("a rule without an action is a rule", acl("rules", []any{rule(false)}), pass, e10),
		both("a rule", acl("rules", []any{rule(true)}), pass, e10, c175),
		both("a rule in ruleJson", acl("ruleJson", `[{"Name":"r","Priority":1,"Action":{"Block":{}}}]`), pass, e10),
		both("rules computed", acl("rules", Unknown{}), unjudged, e10, c175),
	))
}

func TestWAFLogging(t *testing.T) {
	acl := res(restype.WAFv2WebACL, "acl", map[string]any{})
	other := res(restype.WAFv2WebACL, "other", map[string]any{})
	logs := func(on string) Resource {
		return withRefs(res(restype.WAFv2WebACLLoggingConfiguration, "logs-"+on, map[string]any{"resourceArn": Unknown{}, "logDestinationConfigs": []any{"arn:logs"}}), "resourceArn", on)
	}
	runCases(t, ruleByID(t, "waf-logging"), cases(
		both("no logging", graphOf(acl), fail, "SecurityHub WAF.11", "CKV2_AWS_31"),
		both("another web ACL's logging", graphOf(acl, other, logs("other"), func() Resource {
			l := logs("acl")
			l.Name, l.URN = "logs-x", "urn:logs-x"
			l.PropertyDependencies = map[string][]string{"resourceArn": {"urn:other"}}
			return l
		}()), fail, "SecurityHub WAF.11"),
		both("logged", graphOf(acl, logs("acl")), pass, "SecurityHub WAF.11", "CKV2_AWS_31"),
		both("an older preview: by dependency", graphOf(acl, res(restype.WAFv2WebACLLoggingConfiguration, "logs", map[string]any{"resourceArn": Unknown{}}, "acl")), pass, "CKV2_AWS_31"),
		both("the logged resource computed", graphOf(acl, res(restype.WAFv2WebACLLoggingConfiguration, "logs", map[string]any{"resourceArn": Unknown{}})), unjudged, "SecurityHub WAF.11", "CKV2_AWS_31"),
	))
}

func TestWAFRuleGroupMetrics(t *testing.T) {
	group := func(on any, rule any) *Graph {
		return graphOf(res(restype.WAFv2RuleGroup, "g", map[string]any{"visibilityConfig": map[string]any{"cloudwatchMetricsEnabled": on},
			"rules": []any{map[string]any{"name": "r", "visibilityConfig": map[string]any{"cloudwatchMetricsEnabled": rule}}}}))
	}
	runCases(t, ruleByID(t, "waf-rule-group-metrics"), []ruleCase{
		{"group without metrics", "FSBP WAF.12", group(false, true), fail},
		{"a rule without metrics", "FSBP WAF.12", group(true, false), fail},
		{"all metrics", "FSBP WAF.12", group(true, true), pass},
		{"web ACL without metrics is not WAF.12's", "FSBP WAF.12", graphOf(res(restype.WAFv2WebACL, "acl", map[string]any{"visibilityConfig": map[string]any{"cloudwatchMetricsEnabled": false}})), pass},
		{"computed", "FSBP WAF.12", group(Unknown{}, true), unjudged},
	})
}
