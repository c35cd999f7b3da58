package simulate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stretchr/testify/require"
)

func TestRateRuleSemantics(t *testing.T) {
	api := &Statement{Field: "uri", Search: "/api/", Position: "STARTS_WITH", Transforms: []string{"LOWERCASE"}}
	perUser := Rule{Name: "per-user", Priority: 1, Action: Block, Status: 429, Headers: map[string]string{"Retry-After": "60"},
		Rate: &RateRule{Limit: 10, WindowSec: 60, Keys: []string{"header:authorization", "ip"}, ScopeDown: api}}
	acl := ACL{Rules: []Rule{perUser}}
	cases := []struct {
		name    string
		req     Request
		blocked bool
	}{
		// 20 requests a second for a minute from one key: over 10.
		{"a matching key over its limit is blocked with the custom response", Request{Path: "/API/orders", IP: "192.0.2.1", Headers: map[string]string{"Authorization": "u1"}}, true},
		{"a request outside the scope-down is neither counted nor limited", Request{Path: "/home", IP: "192.0.2.1", Headers: map[string]string{"Authorization": "u1"}}, false},
		{"a request without a key's component is not counted", Request{Path: "/api/orders", IP: "192.0.2.1"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEngine(acl, bound{factor: 1})
			var last Outcome
			for i := 0; i < 1200; i++ {
				r := c.req
				r.T = float64(i) / 20
				last = e.eval(r)
			}
			if got := !last.Allowed; got != c.blocked {
				require.Failf(t, "precondition", "blocked %v, want %v (%+v)", got, c.blocked, last)
			}
			if c.blocked && (last.Status != 429 || last.RetryAfter != "60" || last.Rule != "per-user") {
				assert.Failf(t, "check", "response %+v", last)
			}
		})
	}
	t.Run("the block starts and ends a lag after the count crosses the limit", func(t *testing.T) {
		e := newEngine(ACL{Rules: []Rule{{Name: "site", Action: Block, Status: 403, Rate: &RateRule{Limit: 10, WindowSec: 60, Keys: []string{"ip"}}}}}, bound{factor: 1, startDelay: 30, stopDelay: 30})
		first, last := -1.0, -1.0
		for i := 0; i < 300; i++ {
			out := e.eval(Request{T: float64(i), IP: "192.0.2.9", Path: "/"})
			if !out.Allowed && first < 0 {
				first = float64(i)
			}
			if !out.Allowed {
				last = float64(i)
			}
		}
		// One a second: the 11th request (t=10) passes the limit, the
		// check at t=11 sees it, the block starts 30 s later and, the count
		// never falling, lasts.
		if first != 41 || last != 299 {
			assert.Failf(t, "check", "blocked from %v to %v, want 41 to 299", first, last)
		}
	})
	t.Run("a forwarded address is the header's first", func(t *testing.T) {
		got, ok := forwarded(Request{Headers: map[string]string{"X-Forwarded-For": "198.51.100.4, 10.0.0.1"}}, "x-forwarded-for")
		if !ok || got != "198.51.100.4" {
			assert.Failf(t, "check", "%q %v", got, ok)
		}
	})
}

func TestScenarioAndTraceFormats(t *testing.T) {
	if s, err := Builtin(); err != nil || len(s) != 4 {
		require.Failf(t, "precondition", "%d built-in scenarios, %v", len(s), err)
	}
	_, err := parseScenario([]byte(`{"name":"","duration":0,"clients":[{"name":"x","firstIp":"nope","rate":0,"paths":[]}]}`), "")
	for _, want := range []string{"name: is empty", "duration: 0 is not a positive", `clients[0].firstIp: "nope" is not an IP address`, "clients[0].rate: 0 is not a positive rate", "clients[0].paths: is empty"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			assert.Failf(t, "check", "error %v lacks %q", err, want)
		}
	}
	if _, err := parseScenario([]byte(`{"name":"x","duration":1,"trace":"t","extra":1}`), ""); err == nil || !strings.Contains(err.Error(), "unknown field") {
		assert.Failf(t, "check", "unknown field accepted: %v", err)
	}
	reqs, err := ReadTrace(strings.NewReader("# a comment\n{\"t\":1.5,\"ip\":\"192.0.2.1\",\"path\":\"/login\",\"method\":\"POST\",\"legitimate\":true}\n\n"))
	if err != nil || len(reqs) != 1 || reqs[0].Method != "POST" || !reqs[0].Legitimate || reqs[0].Client != "trace" {
		assert.Failf(t, "check", "%+v %v", reqs, err)
	}
	_, err = ReadTrace(strings.NewReader("{\"t\":-1,\"ip\":\"x\",\"path\":\"login\"}\nnot json\n"))
	for _, want := range []string{"line 1: ip \"x\" is not an IP address", "line 1: path \"login\" does not start with /", "line 1: t -1 is negative", "line 2:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			assert.Failf(t, "check", "error %v lacks %q", err, want)
		}
	}
}
