package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestGuardDutyLabels(t *testing.T) {
	detector := res(restype.GuardDutyDetector, "d", map[string]any{"enable": true})
	feature := func(name string, extra ...string) Resource {
		var add []any
		for _, e := range extra {
			add = append(add, map[string]any{"name": e, "status": "ENABLED"})
		}
		return res(restype.GuardDutyDetectorFeature, "f-"+name, map[string]any{"name": name, "status": "ENABLED", "additionalConfigurations": add}, "d")
	}
	all := func(skip string) *Graph {
		g := graphOf(detector)
		for _, p := range guardDutyPlans {
			if p.name != skip {
				g.Resources = append(g.Resources, feature(p.name, p.additional...))
			}
		}
		return g
	}
	rule := ruleByID(t, "guardduty-protection-plans")
	runCases(t, rule, []ruleCase{
		{"every plan", "FSBP GuardDuty.1", all(""), pass},
		{"no Lambda protection leaves GuardDuty.1 passing", "FSBP GuardDuty.1", all("LAMBDA_NETWORK_LOGS"), pass},
		{"disabled", "FSBP GuardDuty.1", graphOf(res(restype.GuardDutyDetector, "d", map[string]any{"enable": false})), fail},
		{"enable computed", "FSBP GuardDuty.1", graphOf(res(restype.GuardDutyDetector, "d", map[string]any{"enable": Unknown{}})), unjudged},
		{"no Lambda protection", "FSBP GuardDuty.6", all("LAMBDA_NETWORK_LOGS"), fail},
		{"no S3 protection passes GuardDuty.6", "FSBP GuardDuty.6", all("S3_DATA_EVENTS"), pass},
		{"enable computed GuardDuty.6", "FSBP GuardDuty.6", graphOf(res(restype.GuardDutyDetector, "d", map[string]any{"enable": Unknown{}})), unjudged},
	})
}
