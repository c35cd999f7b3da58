package tests

import (
	"bytes"
	"strings"
	"testing"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/ratelimit/simulate"

	"github.com/stretchr/testify/assert"

	"github.com/stretchr/testify/require"
)

// simulated simulates the built-in scenarios over a stack's plan, after
// change edits the web ACL's rules input.
func simulated(t *testing.T, stack string, change func(rules []any)) map[string]simulate.Result {
	t.Helper()
	g := graphOf(t, stack)
	if change != nil {
		for _, r := range g.Resources {
			if r.Type == restype.WAFv2WebACL {
				change(r.Inputs["rules"].([]any))
			}
		}
	}
	acl, err := simulate.FromGraph(g)
	if err != nil {
		require.NoError(t, err)
	}
	scenarios, err := simulate.Builtin()
	if err != nil {
		require.NoError(t, err)
	}
	rep, err := simulate.Simulate(stack, acl, scenarios, simulate.Options{})
	if err != nil {
		require.NoError(t, err)
	}
	out := map[string]simulate.Result{}
	for _, r := range rep.Results {
		out[r.Name] = r
	}
	return out
}

// rateStatement is the rate-based statement of the named rule.
func rateStatement(t *testing.T, rules []any, name string) map[string]any {
	t.Helper()
	for _, r := range rules {
		m := r.(map[string]any)
		if m["name"] == name {
			return m["statement"].(map[string]any)["rateBasedStatement"].(map[string]any)
		}
	}
	require.Failf(t, "precondition", "no rule %s", name)
	return nil
}

func TestWAFSimulation(t *testing.T) {
	prod := simulated(t, "prod", nil)
	t.Run("prod/one IP flooding is blocked by rate-site with 429 and Retry-After, visitors unhurt", func(t *testing.T) {
		r := prod["ip-flood"]
		if !r.Passed() || r.StoppedAfter.Late < 0 || r.StoppedAfter.Late > 120 || r.LegitBlocked.Early != 0 {
			require.Failf(t, "precondition", "%+v", r)
		}
		// 2000 requests in 300 s at 50 a second take 40 s; the late bound
		// waits for 105% and 30 s more.
		if r.StoppedAfter.Early < 38 || r.StoppedAfter.Early > 42 || r.StoppedAfter.Late < 70 || r.StoppedAfter.Late > 75 {
			assert.Failf(t, "check", "stopped after %v s, want about 40 (early) and 72 (late)", r.StoppedAfter)
		}
		for _, c := range r.Clients {
			if c.Client == "flood" && c.Responses["429 Retry-After: 300 (rate-site)"] == 0 {
				assert.Failf(t, "check", "flood responses %v, want 429 with Retry-After 300 from rate-site", c.Responses)
			}
		}
	})
	t.Run("prod/credential stuffing from many IPs is stopped by rate-auth", func(t *testing.T) {
		if r := prod["credential-stuffing"]; !r.Passed() || len(r.StoppedBy) != 1 || r.StoppedBy[0] != "rate-auth" {
			assert.Failf(t, "check", "%+v", r)
		}
	})
	t.Run("prod/an office at 90% of the site limit is not blocked", func(t *testing.T) {
		if r := prod["office-at-the-edge"]; !r.Passed() || r.LegitBlocked.Early != 0 {
			assert.Failf(t, "check", "%+v", r)
		}
	})
	// A finding, not a wish: rate-site (per IP, priority 100) counts the
	// flooding user's requests before rate-per-user (keyed on user and IP)
	// sees them, so it blocks the NAT's address for everyone behind it.
	t.Run("prod/a user flooding behind a shared NAT gets the NAT's other users blocked by rate-site", func(t *testing.T) {
		r := prod["nat-api-flood"]
		if r.Passed() || r.LegitBlocked.Late == 0 || len(r.Failures) != 1 || !strings.Contains(r.Failures[0], "legitimate traffic is hurt") || !strings.Contains(r.Failures[0], "by rate-site (limit 2000 per 300 s, keyed on ip") {
			assert.Failf(t, "check", "failures %v, legitimate blocked %v", r.Failures, r.LegitBlocked)
		}
	})
	t.Run("dev/the rate rules count, and the report says so", func(t *testing.T) {
		r := simulated(t, "dev", nil)["ip-flood"]
		if !r.CountOnly || r.LegitBlocked.Early != 0 || !r.Passed() {
			assert.Failf(t, "check", "%+v", r)
		}
		var out bytes.Buffer
		rep := simulate.Report{Stack: "dev", Results: []simulate.Result{r}}
		if err := rep.WriteText(&out); err != nil || !strings.Contains(out.String(), "counted, not blocked (the rule's action is count)") {
			assert.Failf(t, "check", "%v\n%s", err, out.String())
		}
	})
	t.Run("prod/a site limit raised a thousandfold fails the flood, naming the rule", func(t *testing.T) {
		r := simulated(t, "prod", func(rules []any) {
			st := rateStatement(t, rules, "rate-site")
			st["limit"] = st["limit"].(float64) * 1000
		})["ip-flood"]
		if r.Passed() || !strings.Contains(r.Failures[0], "the abuse is not stopped: rate-site (limit 2000000 per 300 s, action block; its count peaks at 15000) does not limit it") {
			assert.Failf(t, "check", "failures %v", r.Failures)
		}
	})
	t.Run("prod/a scope-down that no longer matches the sign-in path fails the stuffing, naming the rule", func(t *testing.T) {
		r := simulated(t, "prod", func(rules []any) {
			st := rateStatement(t, rules, "rate-auth")
			for _, s := range st["scopeDownStatement"].(map[string]any)["orStatement"].(map[string]any)["statements"].([]any) {
				bm := s.(map[string]any)["byteMatchStatement"].(map[string]any)
				if bm["searchString"] == "/login" {
					bm["searchString"] = "/signin"
				}
			}
		})["credential-stuffing"]
		if r.Passed() || !strings.Contains(r.Failures[0], "rate-auth (limit 100 per 60 s, action block; its count peaks at 0)") {
			assert.Failf(t, "check", "failures %v", r.Failures)
		}
	})
	t.Run("prod/the managed groups are opaque and said to be", func(t *testing.T) {
		acl, err := simulate.FromGraph(graphOf(t, "prod"))
		if err != nil {
			require.NoError(t, err)
		}
		if len(acl.Opaque) != 5 || !strings.Contains(acl.Opaque[0], "AWS managed rule group") {
			assert.Failf(t, "check", "opaque %v", acl.Opaque)
		}
	})
	t.Run("a plan whose rules are not known yet is refused, not simulated", func(t *testing.T) {
		g := graphOf(t, "prod")
		for i := range g.Resources {
			if g.Resources[i].Type == restype.WAFv2WebACL {
				g.Resources[i].Inputs["rules"] = compliance.Unknown{}
			}
		}
		if _, err := simulate.FromGraph(g); err == nil || !strings.Contains(err.Error(), "not known until the deployment") {
			assert.Failf(t, "check", "error %v", err)
		}
	})
}
