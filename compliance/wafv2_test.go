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

func TestWAFProjectRules(t *testing.T) {
	acl := func(rules any, kv ...any) *Graph {
		return graphOf(res(restype.WAFv2WebACL, "acl", withFields(map[string]any{"visibilityConfig": map[string]any{"cloudwatchMetricsEnabled": true}, "rules": rules}, kv...)))
	}
	metrics := func(on any) map[string]any { return map[string]any{"cloudwatchMetricsEnabled": on} }
	rate := func(limit, window any) map[string]any {
		return map[string]any{"name": "per-ip", "visibilityConfig": metrics(true), "statement": map[string]any{"rateBasedStatement": map[string]any{"limit": limit, "evaluationWindowSec": window}}}
	}
	badInputs := func(kv ...any) map[string]any {
		group := withFields(map[string]any{"name": "AWSManagedRulesKnownBadInputsRuleSet", "vendorName": "AWS"}, kv...)
		return map[string]any{"name": "bad-inputs", "visibilityConfig": metrics(true), "overrideAction": map[string]any{"none": map[string]any{}}, "statement": map[string]any{"managedRuleGroupStatement": group}}
	}
	runProjectCases(t, wafMetrics, []projectCase{
		{"every metric on", acl([]any{rate(100.0, 300.0)}), pass, ""},
		{"the web ACL's metrics off", acl([]any{}, "visibilityConfig", metrics(false)), fail, "publishes no metrics"},
		{"a rule's metrics off", acl([]any{map[string]any{"name": "r", "visibilityConfig": metrics(false)}}), fail, "rule r publishes no metrics"},
		{"a rule's metrics computed", acl([]any{map[string]any{"name": "r", "visibilityConfig": metrics(Unknown{})}}), unjudged, ""},
	})
	runProjectCases(t, wafRateLimit, []projectCase{
		{"100 per 5 minutes", acl([]any{rate(100.0, 300.0)}), pass, ""},
		{"no rate-based rule", acl([]any{badInputs()}), fail, "has no rate-based rule"},
		{"a limit under 10", acl([]any{rate(5.0, 300.0)}), fail, "has limit 5"},
		{"a window WAF does not take", acl([]any{rate(100.0, 30.0)}), fail, "per 30s"},
		{"the limit computed", acl([]any{rate(Unknown{}, 300.0)}), unjudged, ""},
	})
	ctl := "CKV_AWS_192"
	runCases(t, wafKnownBadInputs, []ruleCase{
		{"known bad inputs blocked", ctl, acl([]any{badInputs()}), pass},
		{"no known-bad-inputs group", ctl, acl([]any{rate(100.0, 300.0)}), fail},
		{"the group counted", ctl, acl([]any{map[string]any{"name": "bad-inputs", "overrideAction": map[string]any{"count": map[string]any{}}, "statement": map[string]any{"managedRuleGroupStatement": map[string]any{"name": "AWSManagedRulesKnownBadInputsRuleSet"}}}}), fail},
		{"Log4JRCE excluded", ctl, acl([]any{badInputs("excludedRules", []any{map[string]any{"name": "Log4JRCE_HEADER"}})}), fail},
		{"Log4JRCE overridden to block", ctl, acl([]any{badInputs("ruleActionOverrides", []any{map[string]any{"name": "Log4JRCE_BODY", "actionToUse": map[string]any{"block": map[string]any{}}}})}), pass},
		{"the group's name computed", ctl, acl([]any{map[string]any{"statement": map[string]any{"managedRuleGroupStatement": map[string]any{"name": Unknown{}}}}}), unjudged},
	})
	logging := func(filter any) Resource {
		return res(restype.WAFv2WebACLLoggingConfiguration, "log", map[string]any{"loggingFilter": filter}, "acl")
	}
	keep := func(actions ...string) map[string]any {
		var conds []any
		for _, a := range actions {
			conds = append(conds, map[string]any{"actionCondition": map[string]any{"action": a}})
		}
		return map[string]any{"defaultBehavior": "DROP", "filters": []any{map[string]any{"behavior": "KEEP", "requirement": "MEETS_ANY", "conditions": conds}}}
	}
	blocking := res(restype.WAFv2WebACL, "acl", map[string]any{"defaultAction": map[string]any{"allow": map[string]any{}},
		"rules": []any{map[string]any{"name": "per-ip", "action": map[string]any{"block": map[string]any{}}}}})
	runProjectCases(t, wafLoggingKeepsDecisions, []projectCase{
		{"no filter: everything logged", graphOf(blocking, logging(nil)), pass, ""},
		{"BLOCK kept", graphOf(blocking, logging(keep("BLOCK"))), pass, ""},
		{"BLOCK dropped", graphOf(blocking, logging(keep("COUNT"))), fail, "drops the BLOCK decisions"},
		{"the web ACL's rules computed", graphOf(res(restype.WAFv2WebACL, "acl", map[string]any{"rules": Unknown{}}), logging(keep("BLOCK"))), unjudged, ""},
	})
}
