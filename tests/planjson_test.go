package tests

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan"
)

// TestPlanJSONShowsDependencies: the plan's JSON gives each resource the
// dependencies the ordering rule judges, each naming a planned resource,
// so that a reviewer or a tool reads the same graph.
func TestPlanJSONShowsDependencies(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			code, out, errOut := runPlan("-stack", stack, "-dir", projectCopy(t, stack), "-json")
			require.Equal(t, 0, code, errOut)
			var rep plan.Report
			require.NoError(t, json.Unmarshal([]byte(out), &rep))

			byURN := map[string]plan.Resource{}
			for _, r := range rep.Resources {
				byURN[r.URN] = r
			}
			judged := map[string][]string{}
			for _, r := range graphOf(t, stack).Resources {
				judged[r.URN] = sortedUnique(r.Dependencies)
			}
			for _, r := range rep.Resources {
				assert.Equal(t, judged[r.URN], sortedUnique(r.Dependencies), "%s %s: the JSON's dependencies and the judged graph's", r.Type, r.Name)
				for _, d := range r.Dependencies {
					assert.Contains(t, byURN, d, "%s %s depends on a resource the plan does not hold", r.Type, r.Name)
				}
			}
			waitsFor := func(typ, on string) bool {
				for _, r := range rep.Resources {
					if r.Type != typ {
						continue
					}
					for _, d := range r.Dependencies {
						if byURN[d].Type == on {
							return true
						}
					}
				}
				return false
			}
			assert.True(t, waitsFor(restype.LambdaFunction, restype.IAMRolePolicy), "the rotation function waits for its role policy")
			assert.True(t, waitsFor(restype.LBLoadBalancer, restype.EC2InternetGateway), "the load balancer waits for the internet gateway")
		})
	}
}

func sortedUnique(urns []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range urns {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// TestReachabilityOfABootstrapStack: a bootstrap stack has no network; the
// reachability format says so and succeeds, so CI can ask it of every
// stack file.
func TestReachabilityOfABootstrapStack(t *testing.T) {
	for _, boot := range bootstraps {
		code, out, errOut := runPlan("-stack", boot, "-dir", "..", "-format", "reachability")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "a bootstrap stack has no network to analyze")
	}
}
