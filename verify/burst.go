package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/example/hardening/ratelimit/limits"
)

// Burst is a bounded burst of requests against the stack's own endpoint,
// meant to pass one rate-based rule's limit and meet its 429.
type Burst struct {
	// Rule names the rule burst ("rateLimit.auth"), for the evidence.
	Rule string
	// Path is requested over and over; the rule must cover it.
	Path string
	// Limit and WindowSec are the rule's.
	Limit, WindowSec int
	// Mode is the rules' mode: only block answers 429.
	Mode limits.Mode
	// MaxRequests and MaxDuration cap the burst: it stops at the first of
	// them or the first 429.
	MaxRequests int
	MaxDuration time.Duration
	// Now is the clock the duration cap reads.
	Now func() time.Time
}

// BurstFor picks the per-IP rule with the lowest limit, so the burst is as
// short as it can be: the site-wide rule on a path only it covers, or the
// authentication rule on its first path. The count cap is three times the
// limit, since WAF estimates the rate and starts blocking "near" the limit,
// and the time cap five minutes, since WAF can take "up to several
// minutes" to start (AWS WAF developer guide, "Rate-based rule caveats").
func BurstFor(site, auth limits.RateRule, mode limits.Mode, now func() time.Time) *Burst {
	b := &Burst{Rule: "rateLimit.site", Path: "/verify/burst", Limit: site.Limit, WindowSec: site.WindowSec}
	if len(auth.Paths) > 0 && auth.Limit < site.Limit {
		b = &Burst{Rule: "rateLimit.auth", Path: auth.Paths[0], Limit: auth.Limit, WindowSec: auth.WindowSec}
	}
	b.Mode, b.MaxRequests, b.MaxDuration, b.Now = mode, 3*b.Limit, 5*time.Minute, now
	return b
}

// CheckBurst sends the burst sequentially and judges the first 429: the
// JSON body and the Retry-After of the rule, after the limit has been
// passed. No 429 within the caps fails.
func CheckBurst(ctx context.Context, e Endpoint) Result {
	const check = "ratelimit.burst"
	b := e.Burst
	switch {
	case b == nil:
		return notChecked(check, "opt-in: give -burst to send a bounded burst against the stack's endpoint")
	case b.Mode != limits.Block:
		return notChecked(check, "rateLimit.mode is %s: the rate rules count and never answer 429", b.Mode)
	}
	c := siteClient(e)
	start := b.Now()
	statuses := map[int]int{}
	for n := 1; n <= b.MaxRequests; n++ {
		if elapsed := b.Now().Sub(start); elapsed > b.MaxDuration {
			return fail(check, "no 429 after %d requests in %s to %s (%s: %d per %d s); statuses %v", n-1, elapsed.Round(time.Second), b.Path, b.Rule, b.Limit, b.WindowSec, counts(statuses))
		}
		resp, body, err := get(ctx, c, e.url(b.Path), nil)
		if err != nil {
			return fail(check, "request %d to %s: %v", n, b.Path, err)
		}
		statuses[resp.StatusCode]++
		if resp.StatusCode != http.StatusTooManyRequests {
			continue
		}
		want := limits.RetryAfter(limits.RateRule{Limit: b.Limit, WindowSec: b.WindowSec})
		got := resp.Header.Get(limits.RetryAfterHeader)
		switch {
		case !sameJSON(body, limits.RateLimitedBody):
			return fail(check, "429 after %d requests, but the body is %q; want the web ACL's %s", n, truncate(body), limits.RateLimitedBody)
		case got != want:
			return fail(check, "429 after %d requests, but Retry-After is %q; want %s (%s's window)", n, got, want, b.Rule)
		case n <= b.Limit:
			// WAF's estimate weighs recent requests and counts this
			// address's earlier traffic in the window: an early 429 is
			// still the rule's, and the evidence says so.
			return pass(check, "429 with the JSON body and Retry-After %s after %d requests, before %s's limit of %d (WAF estimates the rate over its window, earlier traffic included)", got, n, b.Rule, b.Limit)
		}
		return pass(check, "429 with the JSON body and Retry-After %s after %d requests (%s: %d per %d s)", got, n, b.Rule, b.Limit, b.WindowSec)
	}
	return fail(check, "no 429 after %d requests (the cap) to %s (%s: %d per %d s); statuses %v", b.MaxRequests, b.Path, b.Rule, b.Limit, b.WindowSec, counts(statuses))
}

// sameJSON reports whether body is the JSON document want.
func sameJSON(body []byte, want string) bool {
	var a, b any
	if json.Unmarshal(body, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func counts(m map[int]int) string {
	var s string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		s += fmt.Sprintf(" %d×%d", k, m[k])
	}
	if s == "" {
		return "none"
	}
	return s[1:]
}

func truncate(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}
