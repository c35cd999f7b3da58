package verify

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/ratelimit/limits"
)

// limiter is a test double of the web ACL's rate rule: after `after`
// requests it answers 429 with the configured body and Retry-After, or
// what its fields break.
type limiter struct {
	after      int64 // 0: never
	body       string
	retryAfter string
	n          atomic.Int64
}

func (l *limiter) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	if n := l.n.Add(1); l.after == 0 || n <= l.after {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(limits.RetryAfterHeader, l.retryAfter)
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprint(w, l.body)
}

func TestCheckBurst(t *testing.T) {
	ca := newCA(t, "test root")
	auth := limits.RateRule{Limit: 10, WindowSec: 60, Paths: []string{"/login"}}
	site := limits.RateRule{Limit: 2000, WindowSec: 300}
	cases := []struct {
		name     string
		l        *limiter
		status   Status
		evidence string
	}{
		{"429 with the body and Retry-After after the limit", &limiter{after: 12, body: limits.RateLimitedBody, retryAfter: "60"}, Pass,
			"429 with the JSON body and Retry-After 60 after 13 requests (rateLimit.auth: 10 per 60 s)"},
		{"the same JSON body with its keys in another order", &limiter{after: 12, retryAfter: "60",
			body: `{"message":"Request rate limit exceeded; retry after the number of seconds in the Retry-After header.","error":"too_many_requests"}`}, Pass, "after 13 requests"},
		{"an early 429 is the rule's, and says so", &limiter{after: 3, body: limits.RateLimitedBody, retryAfter: "60"}, Pass, "before rateLimit.auth's limit of 10"},
		{"no 429 within the cap", &limiter{}, Fail, "no 429 after 30 requests (the cap) to /login (rateLimit.auth: 10 per 60 s); statuses 200×30"},
		{"a 429 with another body", &limiter{after: 12, body: `{"error":"slow down"}`, retryAfter: "60"}, Fail, `the body is "{\"error\":\"slow down\"}"`},
		{"a 429 with another Retry-After", &limiter{after: 12, body: limits.RateLimitedBody, retryAfter: "300"}, Fail, `Retry-After is "300"; want 60 (rateLimit.auth's window)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := startTLS(t, c.l, goodTLS(ca.leaf(t, leafOpts{names: []string{siteName}})))
			b := BurstFor(site, auth, limits.Block, func() time.Time { return testNow })
			b.MaxRequests = 30
			e := Endpoint{HTTPS: mustURL(t, s.URL), ServerName: siteName, Roots: ca.pool(), Burst: b}
			r := CheckBurst(context.Background(), e)
			assert.Equal(t, "ratelimit.burst", r.Check)
			assert.Equal(t, c.status, r.Status, r.Evidence)
			assert.Contains(t, r.Evidence, c.evidence)
		})
	}
	t.Run("the time cap stops a burst that sees no 429", func(t *testing.T) {
		s := startTLS(t, &limiter{}, goodTLS(ca.leaf(t, leafOpts{names: []string{siteName}})))
		// A clock that moves a minute per reading: the cap of five
		// minutes is passed after a few requests, whatever the machine.
		tick := testNow
		b := BurstFor(site, auth, limits.Block, func() time.Time { tick = tick.Add(time.Minute); return tick })
		r := CheckBurst(context.Background(), Endpoint{HTTPS: mustURL(t, s.URL), ServerName: siteName, Roots: ca.pool(), Burst: b})
		assert.Equal(t, Fail, r.Status)
		assert.Contains(t, r.Evidence, "no 429 after 5 requests in 6m0s")
	})
	t.Run("not run unless asked, nor when the rules count", func(t *testing.T) {
		assert.Equal(t, NotChecked, CheckBurst(context.Background(), Endpoint{}).Status)
		r := CheckBurst(context.Background(), Endpoint{Burst: BurstFor(site, auth, limits.Count, time.Now)})
		assert.Equal(t, NotChecked, r.Status)
		assert.Contains(t, r.Evidence, "rateLimit.mode is count")
	})
}

func TestBurstFor(t *testing.T) {
	site := limits.RateRule{Limit: 2000, WindowSec: 300}
	auth := limits.RateRule{Limit: 100, WindowSec: 60, Paths: []string{"/login", "/oauth2/"}}
	b := BurstFor(site, auth, limits.Block, time.Now)
	require.Equal(t, "rateLimit.auth", b.Rule)
	assert.Equal(t, "/login", b.Path)
	assert.Equal(t, 300, b.MaxRequests, "three times the limit")
	assert.Equal(t, 5*time.Minute, b.MaxDuration)
	b = BurstFor(limits.RateRule{Limit: 50, WindowSec: 120}, auth, limits.Block, time.Now)
	assert.Equal(t, "rateLimit.site", b.Rule, "the lower limit is burst")
	assert.Equal(t, 120, b.WindowSec)
}
