package tests

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/ratelimit"
	"github.com/example/hardening/ratelimit/limits"
	"github.com/example/hardening/ratelimit/wcu"
	"github.com/example/hardening/stackconfig"
)

// The WAF API's shapes (wafv2 CreateWebACL), into which the registered
// inputs decode: encoding/json matches field names without regard to case,
// and the provider's names are the API's in camel case.
type (
	wafRule struct {
		Name     string
		Priority int
		Action   *struct {
			Block *struct {
				CustomResponse *struct {
					ResponseCode          int
					CustomResponseBodyKey string
					ResponseHeaders       []struct{ Name, Value string }
				}
			}
			Count *struct{}
		}
		OverrideAction *struct {
			None  *struct{}
			Count *struct{}
		}
		Statement        wafStatement
		VisibilityConfig struct {
			CloudWatchMetricsEnabled bool
			SampledRequestsEnabled   bool
			MetricName               string
		}
	}
	wafStatement struct {
		RateBasedStatement *struct {
			Limit               int64
			EvaluationWindowSec int
			AggregateKeyType    string
			CustomKeys          []map[string]json.RawMessage
			ForwardedIPConfig   *struct{ HeaderName, FallbackBehavior string }
			ScopeDownStatement  *wafStatement
		}
		ManagedRuleGroupStatement *struct {
			VendorName, Name    string
			RuleActionOverrides []struct {
				Name        string
				ActionToUse map[string]json.RawMessage
			}
			ManagedRuleGroupConfigs []map[string]json.RawMessage
		}
		IPSetReferenceStatement *struct {
			ARN                    string
			IPSetForwardedIPConfig *struct{ HeaderName, FallbackBehavior, Position string }
		}
		ByteMatchStatement *struct {
			SearchString         string
			PositionalConstraint string
			FieldToMatch         map[string]json.RawMessage
			TextTransformations  []struct {
				Priority int
				Type     string
			}
		}
		OrStatement         *struct{ Statements []wafStatement }
		AndStatement        *struct{ Statements []wafStatement }
		NotStatement        *struct{ Statements []wafStatement }
		LabelMatchStatement *struct{ Scope, Key string }
		RegexMatchStatement *struct {
			RegexString  string
			FieldToMatch struct {
				URIPath      *struct{}
				SingleHeader *struct{ Name string }
			}
			TextTransformations []struct {
				Priority int
				Type     string
			}
		}
	}
)

// wafRequest is what the body-size rule sees of a request: its path, its
// Content-Length header if any, and the labels earlier rules added.
type wafRequest struct {
	path          string
	contentLength string // "" when absent
	labels        []string
}

// matches evaluates the statements the body-size rule uses, as WAF does:
// label matches, regex matches on the URI path or one header after their
// text transformations (an absent header matches no regex), and AND, OR
// and NOT (WAF developer guide, "Rule statements").
func (s wafStatement) matches(t *testing.T, r wafRequest) bool {
	t.Helper()
	all := func(ss []wafStatement, any bool) bool {
		for _, x := range ss {
			if x.matches(t, r) == any {
				return any
			}
		}
		return !any
	}
	switch {
	case s.OrStatement != nil:
		return all(s.OrStatement.Statements, true)
	case s.AndStatement != nil:
		return all(s.AndStatement.Statements, false)
	case s.NotStatement != nil:
		require.Len(t, s.NotStatement.Statements, 1, "a NOT statement negates one statement")
		return !s.NotStatement.Statements[0].matches(t, r)
	case s.LabelMatchStatement != nil:
		require.Equal(t, "LABEL", s.LabelMatchStatement.Scope)
		return slices.Contains(r.labels, s.LabelMatchStatement.Key)
	case s.RegexMatchStatement != nil:
		re := s.RegexMatchStatement
		value, present := r.path, true
		if h := re.FieldToMatch.SingleHeader; h != nil {
			require.Equal(t, "content-length", h.Name)
			value, present = r.contentLength, r.contentLength != ""
		}
		if !present {
			return false
		}
		for _, tt := range re.TextTransformations {
			switch tt.Type {
			case "LOWERCASE":
				value = strings.ToLower(value)
			case "NONE":
			default:
				require.Failf(t, "precondition", "transformation %s is not modelled", tt.Type)
			}
		}
		return regexp.MustCompile(re.RegexString).MatchString(value)
	}
	require.Failf(t, "precondition", "statement %+v is not modelled", s)
	return false
}

// wafRules returns the web ACL's rules as WAF would receive them.
func wafRules(t *testing.T, acl mockaws.Resource) []wafRule {
	t.Helper()
	b, err := json.Marshal(input(acl, "rules"))
	require.NoError(t, err)
	var rules []wafRule
	require.NoError(t, json.Unmarshal(b, &rules), "rules do not decode as WAF rules")
	return rules
}

func ruleNamed(t *testing.T, rules []wafRule, name string) wafRule {
	t.Helper()
	for _, r := range rules {
		if r.Name == name {
			return r
		}
	}
	require.Failf(t, "no such rule", "no rule %s", name)
	return wafRule{}
}

// scopePaths returns the path prefixes a scope-down statement matches,
// checking that each is a lower-cased STARTS_WITH match on the URI path.
func scopePaths(t *testing.T, s *wafStatement) []string {
	t.Helper()
	if s == nil {
		return nil
	}
	var matches []wafStatement
	if s.OrStatement != nil {
		matches = s.OrStatement.Statements
	} else {
		matches = []wafStatement{*s}
	}
	var paths []string
	for _, m := range matches {
		bm := m.ByteMatchStatement
		require.NotNil(t, bm, "scope-down statement %+v is not a string match", m)
		assert.Contains(t, bm.FieldToMatch, "uriPath", "path match %+v is not a lower-cased prefix match on the URI path", bm)
		assert.Equal(t, "STARTS_WITH", bm.PositionalConstraint, "path match %+v is not a lower-cased prefix match on the URI path", bm)
		if assert.Len(t, bm.TextTransformations, 1, "path match %+v is not a lower-cased prefix match on the URI path", bm) {
			assert.Equal(t, "LOWERCASE", bm.TextTransformations[0].Type, "path match %+v is not a lower-cased prefix match on the URI path", bm)
		}
		paths = append(paths, bm.SearchString)
	}
	return paths
}

// wafRun is one run with the config it ran with.
type wafRun struct {
	name string
	m    *mockaws.Mocks
	cfg  *stackconfig.Config
}

// wafRuns are dev and prod as committed, and prod with every optional rule
// on and the client IP taken from a forwarded header (behind a CDN).
func wafRuns(t *testing.T) []wafRun {
	t.Helper()
	runs := []wafRun{{"dev", deployed(t, "dev"), stackConfig(t, "dev")}, {"prod", deployed(t, "prod"), stackConfig(t, "prod")}}
	s := loadStack(t, "prod")
	setField(t, s, "rateLimit", "ipBlockList", []string{"203.0.113.0/24"})
	setField(t, s, "rateLimit", "botControl", true)
	setField(t, s, "rateLimit", "accountTakeover", map[string]any{"enabled": true, "loginPath": "/login"})
	setField(t, s, "rateLimit", "forwardedIpHeader", "X-Forwarded-For")
	// A forwarded header is trusted only behind a CDN: the load balancer
	// admits the CDN's range alone (a documentation range here).
	setField(t, s, "network", "loadBalancerIngressCidrs", []string{"198.51.100.0/24"})
	setField(t, s, "rateLimit", "perUser", map[string]any{"key": "cookie", "keyName": "session"})
	setField(t, s, "rateLimit", "maxBodyKB", 256)
	m, err := s.Run(baseline.Run)
	require.NoError(t, err, "prod with every WAF option")
	cfg, err := stackconfig.Parse(s.Value, s.IsSecret)
	require.NoError(t, err)
	return append(runs, wafRun{"prod+options", m, cfg})
}

func TestWebACL(t *testing.T) {
	for _, run := range wafRuns(t) {
		m, rl := run.m, run.cfg.RateLimit
		acl := only(t, m, restype.WAFv2WebACL)
		rules := wafRules(t, acl)
		t.Run(run.name+"/regional, default allow, associated with the load balancer (ELB.16)", func(t *testing.T) {
			assert.Equal(t, "REGIONAL", str(acl, "scope"), "scope")
			assert.NotNil(t, input(acl, "defaultAction.allow"), "defaultAction %v, want allow", input(acl, "defaultAction"))
			assert.Nil(t, input(acl, "defaultAction.block"), "defaultAction %v, want allow", input(acl, "defaultAction"))
			assoc := only(t, m, restype.WAFv2WebACLAssociation)
			assert.Equal(t, output(acl, "arn"), str(assoc, "webAclArn"), "association %v", assoc.Inputs)
			assert.Equal(t, output(only(t, m, restype.LBLoadBalancer), "arn"), str(assoc, "resourceArn"), "association %v", assoc.Inputs)
		})
		t.Run(run.name+"/every rule and the ACL have metrics and sampled requests (WAF.12)", func(t *testing.T) {
			metrics, _ := boolean(acl, "visibilityConfig.cloudwatchMetricsEnabled")
			assert.True(t, metrics, "web ACL metrics off")
			require.NotEmpty(t, rules, "no rules (WAF.10)")
			for _, r := range rules {
				v := r.VisibilityConfig
				assert.True(t, v.CloudWatchMetricsEnabled, "rule %s visibility %+v", r.Name, v)
				assert.True(t, v.SampledRequestsEnabled, "rule %s visibility %+v", r.Name, v)
				assert.Equal(t, rl.MetricPrefix+"-"+r.Name, v.MetricName, "rule %s visibility %+v", r.Name, v)
				assert.True(t, (r.Action == nil) != (r.OverrideAction == nil), "rule %s needs exactly one of action and override action (WAF.10)", r.Name)
			}
		})
		t.Run(run.name+"/rules in order with fixed priorities", func(t *testing.T) {
			var want []string
			if len(rl.IPBlockList) > 0 {
				want = append(want, ratelimit.RuleIPBlockList)
			}
			want = append(want, ratelimit.RuleIPReputation)
			if rl.AnonymousIPList {
				want = append(want, ratelimit.RuleAnonymousIP)
			}
			want = append(want, ratelimit.RuleKnownBadInputs, ratelimit.RuleCommon)
			if rl.MaxBodyKB > limits.CoreBodyLimitKB {
				want = append(want, ratelimit.RuleBodySize)
			}
			want = append(want, ratelimit.RuleSQLi)
			if rl.BotControl {
				want = append(want, ratelimit.RuleBotControl)
			}
			if rl.AccountTakeover.Enabled {
				want = append(want, ratelimit.RuleAccountTakeover)
			}
			want = append(want, ratelimit.RuleRateSite, ratelimit.RuleRateAuth, ratelimit.RuleRatePerUser)
			sorted := slices.Clone(rules)
			slices.SortFunc(sorted, func(a, b wafRule) int { return a.Priority - b.Priority })
			var got []string
			seen := map[int]bool{}
			for _, r := range sorted {
				got = append(got, r.Name)
				assert.False(t, seen[r.Priority], "priority %d used twice", r.Priority)
				seen[r.Priority] = true
				assert.Equal(t, ratelimit.Priorities[r.Name], r.Priority, "rule %s priority, want its fixed one", r.Name)
			}
			assert.Equal(t, want, got, "rules in priority order")
		})
		t.Run(run.name+"/AWS managed groups, Log4j included (CKV_AWS_192)", func(t *testing.T) {
			groups := map[string]string{
				ratelimit.RuleIPReputation: "AWSManagedRulesAmazonIpReputationList", ratelimit.RuleKnownBadInputs: "AWSManagedRulesKnownBadInputsRuleSet",
				ratelimit.RuleCommon: "AWSManagedRulesCommonRuleSet", ratelimit.RuleSQLi: "AWSManagedRulesSQLiRuleSet",
			}
			if rl.AnonymousIPList {
				groups[ratelimit.RuleAnonymousIP] = "AWSManagedRulesAnonymousIpList"
			}
			if rl.BotControl {
				groups[ratelimit.RuleBotControl] = "AWSManagedRulesBotControlRuleSet"
			}
			if rl.AccountTakeover.Enabled {
				groups[ratelimit.RuleAccountTakeover] = "AWSManagedRulesATPRuleSet"
			}
			for rule, group := range groups {
				r := ruleNamed(t, rules, rule)
				g := r.Statement.ManagedRuleGroupStatement
				if !assert.NotNil(t, g, "rule %s runs %+v, want AWS %s", rule, g, group) ||
					!assert.Equal(t, "AWS", g.VendorName, "rule %s runs %+v, want AWS %s", rule, g, group) ||
					!assert.Equal(t, group, g.Name, "rule %s runs %+v, want AWS %s", rule, g, group) {
					continue
				}
				if assert.NotNil(t, r.OverrideAction, "rule %s overrides the group's actions; it must keep them (none)", rule) {
					assert.NotNil(t, r.OverrideAction.None, "rule %s overrides the group's actions; it must keep them (none)", rule)
				}
			}
			if rl.AnonymousIPList {
				g := ruleNamed(t, rules, ratelimit.RuleAnonymousIP).Statement.ManagedRuleGroupStatement
				if assert.Len(t, g.RuleActionOverrides, 1, "anonymous IP overrides %+v; only HostingProviderIPList counts", g.RuleActionOverrides) {
					assert.Equal(t, "HostingProviderIPList", g.RuleActionOverrides[0].Name, "anonymous IP overrides %+v; only HostingProviderIPList counts", g.RuleActionOverrides)
					assert.NotNil(t, g.RuleActionOverrides[0].ActionToUse["count"], "anonymous IP overrides %+v; only HostingProviderIPList counts", g.RuleActionOverrides)
				}
			}
			if rl.AccountTakeover.Enabled {
				g := ruleNamed(t, rules, ratelimit.RuleAccountTakeover).Statement.ManagedRuleGroupStatement
				if assert.Len(t, g.ManagedRuleGroupConfigs, 1, "account takeover config %s", g.ManagedRuleGroupConfigs) {
					assert.Contains(t, string(g.ManagedRuleGroupConfigs[0]["awsManagedRulesAtpRuleSet"]), `"loginPath":"`+rl.AccountTakeover.LoginPath+`"`, "account takeover config %s", g.ManagedRuleGroupConfigs)
				}
			}
		})
		t.Run(run.name+"/rate rules as configured", func(t *testing.T) {
			cases := []struct {
				rule string
				cfg  limits.RateRule
				keys []string
			}{
				{ratelimit.RuleRateSite, rl.Site, nil},
				{ratelimit.RuleRateAuth, rl.Auth, nil},
				{ratelimit.RuleRatePerUser, rl.PerUser.RateRule, []string{string(rl.PerUser.Key), "ip"}},
			}
			for _, c := range cases {
				r := ruleNamed(t, rules, c.rule)
				st := r.Statement.RateBasedStatement
				require.NotNil(t, st, "rule %s is not rate-based", c.rule)
				assert.Equal(t, int64(c.cfg.Limit), st.Limit, "%s: limit", c.rule)
				assert.Equal(t, c.cfg.WindowSec, st.EvaluationWindowSec, "%s: evaluation window", c.rule)
				// nil and empty path lists both mean the whole site.
				if got := scopePaths(t, st.ScopeDownStatement); len(c.cfg.Paths) == 0 {
					assert.Empty(t, got, "%s: scoped", c.rule)
				} else {
					assert.Equal(t, c.cfg.Paths, got, "%s: scoped", c.rule)
				}
				wantAgg := "IP"
				if rl.ForwardedIPHeader != "" {
					wantAgg = "FORWARDED_IP"
					if assert.NotNil(t, st.ForwardedIPConfig, "%s: forwarded IP config", c.rule) {
						assert.Equal(t, rl.ForwardedIPHeader, st.ForwardedIPConfig.HeaderName, "%s: forwarded IP config %+v", c.rule, st.ForwardedIPConfig)
						assert.Equal(t, "MATCH", st.ForwardedIPConfig.FallbackBehavior, "%s: forwarded IP config %+v", c.rule, st.ForwardedIPConfig)
					}
				}
				if c.keys != nil {
					wantAgg = "CUSTOM_KEYS"
					require.Len(t, st.CustomKeys, 2, "%s: custom keys %v", c.rule, st.CustomKeys)
					user, ip := st.CustomKeys[0], st.CustomKeys[1]
					assert.Contains(t, string(user[string(rl.PerUser.Key)]), `"name":"`+rl.PerUser.KeyName+`"`, "%s: user key %v, want %s %s", c.rule, user, rl.PerUser.Key, rl.PerUser.KeyName)
					ipKey := "ip"
					if rl.ForwardedIPHeader != "" {
						ipKey = "forwardedIp"
					}
					assert.Contains(t, ip, ipKey, "%s: second key %v, want %s", c.rule, ip, ipKey)
					assert.Len(t, ip, 1, "%s: second key %v, want %s", c.rule, ip, ipKey)
				}
				assert.Equal(t, wantAgg, st.AggregateKeyType, "%s: aggregate key", c.rule)
				switch rl.Mode {
				case limits.Block:
					b := r.Action.Block
					require.NotNil(t, b, "%s: action %+v, want block with a 429", c.rule, r.Action)
					require.NotNil(t, b.CustomResponse, "%s: action %+v, want block with a 429", c.rule, r.Action)
					require.Equal(t, 429, b.CustomResponse.ResponseCode, "%s: action %+v, want block with a 429", c.rule, r.Action)
					require.NotEmpty(t, b.CustomResponse.CustomResponseBodyKey, "%s: action %+v, want block with a 429", c.rule, r.Action)
					h := b.CustomResponse.ResponseHeaders
					// The window is when the count starts over.
					want := strconv.Itoa(c.cfg.WindowSec)
					if assert.Len(t, h, 1, "%s: headers %+v, want Retry-After %s", c.rule, h, want) {
						assert.Equal(t, "Retry-After", h[0].Name, "%s: headers %+v, want Retry-After %s", c.rule, h, want)
						assert.Equal(t, want, h[0].Value, "%s: headers %+v, want Retry-After %s", c.rule, h, want)
					}
				case limits.Count:
					assert.NotNil(t, r.Action.Count, "%s: action %+v, want count", c.rule, r.Action)
					assert.Nil(t, r.Action.Block, "%s: action %+v, want count", c.rule, r.Action)
				}
			}
		})
		t.Run(run.name+"/429 body is JSON", func(t *testing.T) {
			bodies, _ := input(acl, "customResponseBodies").([]any)
			require.Len(t, bodies, 1, "custom response bodies %v", bodies)
			body := bodies[0].(map[string]any)
			var v map[string]any
			assert.Equal(t, "APPLICATION_JSON", body["contentType"], "body %v", body)
			assert.NoError(t, json.Unmarshal([]byte(body["content"].(string)), &v), "body %v", body)
			assert.NotNil(t, v["error"], "body %v", body)
			if rl.Mode == limits.Block {
				assert.Equal(t, body["key"], ruleNamed(t, rules, ratelimit.RuleRateSite).Action.Block.CustomResponse.CustomResponseBodyKey, "the rate rules do not use the JSON body")
			}
		})
		if len(rl.IPBlockList) > 0 {
			t.Run(run.name+"/block list", func(t *testing.T) {
				set := only(t, m, restype.WAFv2IpSet)
				assert.Equal(t, rl.IPBlockList, strs(set, "addresses"), "ip set %v", set.Inputs)
				assert.Equal(t, "REGIONAL", str(set, "scope"), "ip set %v", set.Inputs)
				r := ruleNamed(t, rules, ratelimit.RuleIPBlockList)
				ref := r.Statement.IPSetReferenceStatement
				require.NotNil(t, ref, "block-list rule %+v", r)
				require.Equal(t, output(set, "arn"), ref.ARN, "block-list rule %+v", r)
				require.NotNil(t, r.Action, "block-list rule %+v", r)
				require.NotNil(t, r.Action.Block, "block-list rule %+v", r)
				if rl.ForwardedIPHeader != "" && assert.NotNil(t, ref.IPSetForwardedIPConfig, "block list ignores the forwarded IP") {
					assert.Equal(t, rl.ForwardedIPHeader, ref.IPSetForwardedIPConfig.HeaderName, "block list ignores the forwarded IP: %+v", ref.IPSetForwardedIPConfig)
				}
			})
		}
	}
}

func TestPrioritiesStableWhenRulesAreAdded(t *testing.T) {
	before := map[string]int{}
	for _, r := range wafRules(t, only(t, deployed(t, "prod"), restype.WAFv2WebACL)) {
		before[r.Name] = r.Priority
	}
	s := loadStack(t, "prod")
	setField(t, s, "rateLimit", "ipBlockList", []string{"203.0.113.0/24"})
	setField(t, s, "rateLimit", "botControl", true)
	m, err := s.Run(baseline.Run)
	require.NoError(t, err)
	after := wafRules(t, only(t, m, restype.WAFv2WebACL))
	require.Len(t, after, len(before)+2, "rules after adding two, had %d", len(before))
	for _, r := range after {
		if p, ok := before[r.Name]; ok {
			assert.Equal(t, p, r.Priority, "rule %s moved", r.Name)
		}
	}
}

func TestWAFLogging(t *testing.T) {
	for _, run := range wafRuns(t) {
		m, rl := run.m, run.cfg.RateLimit
		t.Run(run.name, func(t *testing.T) {
			stack := strings.Split(run.name, "+")[0]
			lg := find(t, m, restype.CloudWatchLogGroup, "for WAF", func(r mockaws.Resource) bool { return strings.HasPrefix(str(r, "name"), "aws-waf-logs-") })
			assert.Equal(t, "aws-waf-logs-hardening-"+stack, str(lg, "name"), "log group")
			assert.Equal(t, output(only(t, m, restype.KMSKey), "arn"), str(lg, "kmsKeyId"), "log group key")
			assert.Equal(t, rl.LogRetentionDays, num(lg, "retentionInDays"), "log group retention")
			lc := only(t, m, restype.WAFv2WebACLLoggingConfiguration)
			assert.Equal(t, output(only(t, m, restype.WAFv2WebACL), "arn"), str(lc, "resourceArn"), "logging %v", lc.Inputs)
			assert.Equal(t, []string{output(lg, "arn").(string)}, strs(lc, "logDestinationConfigs"), "logging %v", lc.Inputs)
			var redacted []string
			fields, _ := input(lc, "redactedFields").([]any)
			for _, f := range fields {
				if h, ok := f.(map[string]any)["singleHeader"].(map[string]any); ok {
					redacted = append(redacted, h["name"].(string))
				}
			}
			for _, h := range []string{"authorization", "cookie"} {
				assert.Contains(t, redacted, h, "header %s is not redacted (WAF.11): %v", h, redacted)
			}
			b, _ := json.Marshal(input(lc, "loggingFilter"))
			var filter struct {
				DefaultBehavior string
				Filters         []struct {
					Behavior, Requirement string
					Conditions            []struct{ ActionCondition struct{ Action string } }
				}
			}
			require.NoError(t, json.Unmarshal(b, &filter))
			kept := map[string]bool{}
			for _, f := range filter.Filters {
				if f.Behavior == "KEEP" && f.Requirement == "MEETS_ANY" {
					for _, c := range f.Conditions {
						kept[c.ActionCondition.Action] = true
					}
				}
			}
			// A managed rule overridden to Count (the hosting-provider
			// rule, the Core rule set's body rule) logs EXCLUDED_AS_COUNT.
			for _, a := range []string{"BLOCK", "COUNT", "EXCLUDED_AS_COUNT"} {
				assert.True(t, kept[a], "filter %+v drops every %s decision", filter, a)
			}
		})
	}
}

func TestWAFAlarms(t *testing.T) {
	for _, run := range wafRuns(t) {
		m, rl := run.m, run.cfg.RateLimit
		acl := only(t, m, restype.WAFv2WebACL)
		topic := output(only(t, m, restype.SNSTopic), "arn").(string)
		want := map[string]int{"ALL": rl.Alarms.ACLBlocked}
		for _, r := range []string{ratelimit.RuleRateSite, ratelimit.RuleRateAuth, ratelimit.RuleRatePerUser} {
			want[rl.MetricPrefix+"-"+r] = rl.Alarms.RuleBlocked
		}
		for rule, threshold := range want {
			t.Run(run.name+"/"+rule, func(t *testing.T) {
				a := find(t, m, restype.CloudWatchMetricAlarm, "on WAF rule "+rule, func(r mockaws.Resource) bool {
					return str(r, "namespace") == "AWS/WAFV2" && str(r, "dimensions.Rule") == rule
				})
				metric := "BlockedRequests"
				if rule != "ALL" && rl.Mode == limits.Count {
					metric = "CountedRequests"
				}
				assert.Equal(t, metric, str(a, "metricName"), "alarm watches %s %v", str(a, "metricName"), input(a, "dimensions"))
				assert.Equal(t, output(acl, "name"), str(a, "dimensions.WebACL"), "alarm watches %s %v", str(a, "metricName"), input(a, "dimensions"))
				assert.Equal(t, "us-east-1", str(a, "dimensions.Region"), "alarm watches %s %v", str(a, "metricName"), input(a, "dimensions"))
				assert.Equal(t, float64(threshold), input(a, "threshold"), "threshold")
				assert.Equal(t, "GreaterThanOrEqualToThreshold", str(a, "comparisonOperator"), "comparison")
				assert.Equal(t, []string{topic}, strs(a, "alarmActions"), "alarm actions, want the alerts topic")
			})
		}
	}
	t.Run("prod blocks; dev may count", func(t *testing.T) {
		assert.Equal(t, limits.Block, stackConfig(t, "prod").RateLimit.Mode, "prod rate rules")
	})
}

// TestAPIBodyLimit: by default the Core rule set blocks every body over 8 KB
// (the most WAF inspects behind a load balancer) and nothing overrides it;
// with rateLimit.maxBodyKB raised, only its body rule counts, and the
// body-size rule after it blocks what the API paths must not accept:
// bodies over 8 KB elsewhere, a Content-Length over the limit, and bodies
// over 8 KB that declare no length.
func TestAPIBodyLimit(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack+"/the Core rule set keeps its 8 KB limit by default", func(t *testing.T) {
			rules := wafRules(t, only(t, deployed(t, stack), restype.WAFv2WebACL))
			assert.Empty(t, ruleNamed(t, rules, ratelimit.RuleCommon).Statement.ManagedRuleGroupStatement.RuleActionOverrides)
			for _, r := range rules {
				assert.NotEqual(t, ratelimit.RuleBodySize, r.Name)
			}
		})
	}
	s := loadStack(t, "prod")
	setField(t, s, "rateLimit", "maxBodyKB", 64)
	setField(t, s, "rateLimit", "perUser", map[string]any{"paths": []string{"/api/", "/v2/"}})
	m, err := s.Run(baseline.Run)
	require.NoError(t, err)
	rules := wafRules(t, only(t, m, restype.WAFv2WebACL))
	crs := ruleNamed(t, rules, ratelimit.RuleCommon)
	t.Run("only the Core rule set's body rule counts", func(t *testing.T) {
		o := crs.Statement.ManagedRuleGroupStatement.RuleActionOverrides
		require.Len(t, o, 1)
		assert.Equal(t, ratelimit.CoreBodyRule, o[0].Name)
		assert.Contains(t, o[0].ActionToUse, "count")
		assert.NotNil(t, crs.OverrideAction.None, "the group keeps its other rules' actions")
	})
	body := ruleNamed(t, rules, ratelimit.RuleBodySize)
	t.Run("the body-size rule blocks after the Core rule set labels", func(t *testing.T) {
		require.NotNil(t, body.Action)
		assert.NotNil(t, body.Action.Block)
		assert.Greater(t, body.Priority, crs.Priority, "a label match sees only labels of rules before it")
		assert.Less(t, body.Priority, ruleNamed(t, rules, ratelimit.RuleSQLi).Priority)
	})
	label := []string{ratelimit.CoreBodyLabel}
	for _, c := range []struct {
		name    string
		req     wafRequest
		blocked bool
	}{
		{"a 20 KB API body with its length passes", wafRequest{"/api/upload", "20480", label}, false},
		{"on the second API path too", wafRequest{"/v2/items", "40000", label}, false},
		{"paths compare lower-cased", wafRequest{"/API/upload", "20480", label}, false},
		{"exactly the limit passes", wafRequest{"/api/upload", "65536", label}, false},
		{"a byte over the limit is blocked", wafRequest{"/api/upload", "65537", label}, true},
		{"a declared 1 MB body is blocked", wafRequest{"/api/upload", "1048576", label}, true},
		{"leading zeros do not hide a length", wafRequest{"/api/upload", "000100000", label}, true},
		{"a length over the limit is blocked on any path", wafRequest{"/static/x", "70000", nil}, true},
		{"over 8 KB outside the API paths is blocked as the Core rule set would", wafRequest{"/login", "20480", label}, true},
		{"a path that only contains an API prefix is not an API path", wafRequest{"/static/api/x", "20480", label}, true},
		{"over 8 KB with no declared length (chunked) is blocked", wafRequest{"/api/upload", "", label}, true},
		{"a small body passes everywhere", wafRequest{"/login", "512", nil}, false},
		{"a small chunked body passes", wafRequest{"/api/upload", "", nil}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.blocked, body.Statement.matches(t, c.req))
		})
	}
	t.Run("its capacity is counted", func(t *testing.T) {
		cfg, err := stackconfig.Parse(s.Value, s.IsSecret)
		require.NoError(t, err)
		// One more API path than prod's, and the body-size rule.
		assert.Equal(t, stackConfig(t, "prod").RateLimit.Capacity()+wcu.PathPrefix+wcu.BodySizeRule, cfg.RateLimit.Capacity())
	})
}
