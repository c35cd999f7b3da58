package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestSecurityHubEveryRegion(t *testing.T) {
	west := res(restype.ProviderAWS, "west", map[string]any{"region": "us-west-2"})
	inWest := func(r Resource) Resource { r.Provider = "urn:west"; return r }
	hub := res(restype.SecurityHubAccount, "hub", map[string]any{})
	key := res(restype.KMSKey, "k", map[string]any{})
	g := func(rs ...Resource) *Graph { gr := graphOf(rs...); gr.Region = "us-east-1"; return gr }
	unknownRegion := func(rs ...Resource) *Graph { return graphOf(rs...) }
	runCases(t, ruleByID(t, "securityhub-every-region"), []ruleCase{
		{"a replica Region without a hub", "CIS 4.16", g(west, hub, key, inWest(key)), fail},
		{"a hub in each Region", "CIS 4.16", g(west, hub, key, inWest(key), func() Resource { h := inWest(hub); h.URN = "urn:hub-west"; return h }()), pass},
		{"one Region", "CIS 4.16", g(hub, key), pass},
		{"no hub: another stack's", "CIS 4.16", g(key), pass},
		// The stack's Region unknown: the hub is in it, like the key.
		{"Region unknown", "CIS 4.16", unknownRegion(hub, key), pass},
		{"a provider's Region computed", "CIS 4.16", g(res(restype.ProviderAWS, "west", map[string]any{"region": Unknown{}}), hub, inWest(key)), unjudged},
	})
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
