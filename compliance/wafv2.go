package compliance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// wafRules judge WAFv2 web ACLs, their logging and rule groups.
func wafRules() []Rule {
	return []Rule{wafRulesHaveActions, wafLogging, wafLoggingKeepsDecisions, wafRuleGroupMetrics, wafMetrics, wafKnownBadInputs, wafRateLimit}
}

// wafRuleCount is how many rules a web ACL declares, in rules or as
// ruleJson (a JSON list of rules), and whether that is known.
func wafRuleCount(r Resource) (int, bool) {
	if r.Unknown("rules") || r.Unknown("ruleJson") {
		return 0, false
	}
	n := len(r.List("rules"))
	if js := r.Str("ruleJson"); js != "" {
		var rules []any
		if json.Unmarshal([]byte(js), &rules) == nil {
			n += len(rules)
		}
	}
	return n, true
}

// wafRulesHaveActions follows Security Hub WAF.10 ("AWS WAF web ACLs should
// have at least one rule or rule group", Config rule
// wafv2-webacl-not-empty: a rule or rule group statement, in rules or
// ruleJson) and Checkov CKV_AWS_175 (rules, each with an action or an
// override action). A rule without an action fails CKV_AWS_175 only.
var wafRulesHaveActions = Rule{ID: "waf-rules-have-actions", Controls: []string{"FSBP WAF.10", "CKV_AWS_175"}, Severity: Medium,
	Source:      "Security Hub WAF.10; AWS Config wafv2-webacl-not-empty; Checkov CKV_AWS_175",
	Description: "Web ACLs have at least one rule or rule group (rules or ruleJson; WAF.10), each rule with an action or override action (CKV_AWS_175). Not judged while the rules are computed at deployment.",
	Check: judgedEach([]string{restype.WAFv2WebACL}, func(r Resource) (string, []string) {
		if n, known := wafRuleCount(r); known && n == 0 {
			return "has no rules; add managed groups and rate-based rules", nil
		}
		for i := range r.List("rules") {
			p := fmt.Sprintf("rules.%d.", i)
			if r.Get(p+"action") == nil && r.Get(p+"overrideAction") == nil {
				return fmt.Sprintf("rule %s has no action", r.Str(p+"name")), []string{"CKV_AWS_175"}
			}
		}
		return "", nil
	})}

// wafLogging follows Security Hub WAF.11 ("AWS WAF web ACL logging should
// be enabled", Config rule wafv2-logging-enabled) and Checkov CKV2_AWS_31:
// a wafv2.WebAclLoggingConfiguration whose resourceArn is the web ACL's.
var wafLogging = Rule{ID: "waf-logging", Controls: []string{"SecurityHub WAF.11", "CKV2_AWS_31"}, Severity: Medium,
	Source:      "Security Hub WAF.11; AWS Config wafv2-logging-enabled; Checkov CKV2_AWS_31",
	Description: "Every web ACL logs: a wafv2.WebAclLoggingConfiguration names it (resourceArn). Not judged while a configuration's resource is computed at deployment and not traceable to a web ACL.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.WAFv2WebACL, func(acl Resource) string {
			unknown := false
			for _, lc := range g.ByType(restype.WAFv2WebACLLoggingConfiguration) {
				if _, byProperty := lc.PropertyDependencies["resourceArn"]; !byProperty {
					// An older preview: the configuration's dependencies name it.
					if slices.Contains(lc.Dependencies, acl.URN) {
						return ""
					}
					unknown = unknown || lc.Unknown("resourceArn")
					continue
				}
				ref := g.outputRefs(lc, "resourceArn", restype.WAFv2WebACL)
				if slices.Contains(ref.urns, acl.URN) {
					return ""
				}
				unknown = unknown || ref.unknown
			}
			if unknown {
				acl.sawUnknown()
			}
			return "does not log; add a wafv2.WebAclLoggingConfiguration"
		})(g)
	}}

// wafLoggingKeepsDecisions is the project's own (docs/compliance.md): a
// logging filter keeps every decision but ALLOW (WAFv2 API,
// ActionCondition).
var wafLoggingKeepsDecisions = Rule{ID: "waf-logging-keeps-decisions", Severity: Medium,
	Source:      "the project's own; WAFv2 API LoggingFilter and ActionCondition",
	Description: "A web ACL's logging filter keeps every decision its rules make but ALLOW: each rule action, BLOCK from the managed groups, and EXCLUDED_AS_COUNT where a managed rule is overridden to Count or excluded (WAFv2 API, ActionCondition).",
	Check:       wafLogsKeepDecisions}

// wafRuleGroupMetrics follows Security Hub WAF.12 ("AWS WAF rules should
// have CloudWatch metrics enabled"), which evaluates
// AWS::WAFv2::RuleGroup (Config rule wafv2-rulegroup-logging-enabled):
// the group's visibilityConfig and each of its rules'. Web ACLs are not
// its (waf-metrics judges them).
var wafRuleGroupMetrics = Rule{ID: "waf-rule-group-metrics", Controls: []string{"FSBP WAF.12"}, Severity: Low,
	Source:      "Security Hub WAF.12; AWS Config wafv2-rulegroup-logging-enabled",
	Description: "WAF rule groups and every rule in them publish CloudWatch metrics (visibilityConfig.cloudwatchMetricsEnabled). Not judged while a setting is computed at deployment.",
	Check:       forEach(restype.WAFv2RuleGroup, metricsOff)}

// metricsOff says which of a web ACL's or rule group's visibility
// configurations, its own or a rule's, publishes no CloudWatch metrics.
func metricsOff(r Resource) string {
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
}

// wafMetrics is the project's own: no published control judges a web
// ACL's metrics (WAF.12 is about rule groups), but the stack's alarms on
// blocked requests read them.
var wafMetrics = Rule{ID: "waf-metrics", Severity: Low,
	Source:      "the project's own: the blocked-request alarms read the web ACL's metrics",
	Description: "Web ACLs and every rule publish CloudWatch metrics.",
	Check:       forEach(restype.WAFv2WebACL, metricsOff)}

// wafKnownBadInputs follows Checkov CKV_AWS_192 ("Ensure WAF prevents
// message lookup in Log4j2"): the AWS known-bad-inputs group in block
// mode, its Log4JRCE rules not counted or excluded.
var wafKnownBadInputs = Rule{ID: "waf-known-bad-inputs", Controls: []string{"CKV_AWS_192"}, Severity: High,
	Source:      "Checkov CKV_AWS_192",
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
	})}

// wafRateLimit is the project's own (no public scanner checks it): a
// rate-based rule within WAF's bounds (CreateWebACL: limit 10 to
// 2,000,000,000, evaluationWindowSec 60, 120, 300 or 600).
var wafRateLimit = Rule{ID: "waf-rate-limit", Severity: High,
	Source:      "the project's own; WAFv2 API RateBasedStatement bounds",
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
	})}

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
