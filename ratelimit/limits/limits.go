// Package limits is what the ratelimit component and the stack
// configuration share: the rate rule, what the rules do over their limits,
// and where a user's identity is found. It imports only the standard
// library, so the configuration can use it without the AWS provider.
package limits

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/example/hardening/internal/problem"
)

// RateRule is a rate limit over a window, scoped to path prefixes where it
// has any.
type RateRule struct {
	// Limit is the requests allowed per window, 10 to 2,000,000,000.
	Limit int `json:"limit"`
	// WindowSec is the evaluation window: 60, 120, 300 or 600 seconds.
	WindowSec int `json:"windowSec"`
	// Paths are lower-case URI path prefixes the rule applies to.
	Paths []string `json:"paths"`
}

// Mode is what the rate-based rules do over their limits.
type Mode string

// Modes.
const (
	// Block blocks requests over a rate limit with HTTP 429.
	Block Mode = "block"
	// Count only counts them, to tune limits before enforcing.
	Count Mode = "count"
)

// UserKey is where the per-user rule finds a user's identity.
type UserKey string

// Per-user key sources.
const (
	Header UserKey = "header"
	Cookie UserKey = "cookie"
)

// RateLimitedBody is the JSON body of the 429 a rate-based rule answers
// with in block mode.
const RateLimitedBody = `{"error":"too_many_requests","message":"Request rate limit exceeded; retry after the number of seconds in the Retry-After header."}`

// RetryAfterHeader is the header of that 429 that says how long to wait.
const RetryAfterHeader = "Retry-After"

// RetryAfter is the Retry-After value of a rule's 429: its window, in
// seconds, the longest a client may need to wait for its rate to fall.
func RetryAfter(r RateRule) string { return strconv.Itoa(r.WindowSec) }

// Windows are the evaluation windows WAF accepts, in seconds.
var Windows = []int{60, 120, 300, 600}

// pathPrefix is a lower-case absolute URI path prefix (WAF lower-cases the
// request path before it compares).
var pathPrefix = regexp.MustCompile(`^/[a-z0-9._~!$&'()*+,;=:@%/-]{0,199}$`)

// ValidPath reports whether p is a path WAF rules can match: lower-case and
// absolute.
func ValidPath(p string) bool { return pathPrefix.MatchString(p) }

// Check returns every rule r breaks; scoped rules need path prefixes, the
// site-wide rule has none. The ratelimit component and the configuration
// both check rate rules with it.
func (r RateRule) Check(scoped bool) problem.List {
	var out problem.List
	add := out.Add
	if r.Limit < 10 || r.Limit > 2_000_000_000 {
		add("limit", "%d is out of range; WAF allows 10 to 2,000,000,000 requests per window", r.Limit)
	}
	if !slices.Contains(Windows, r.WindowSec) {
		add("windowSec", "%d is not a WAF evaluation window; use one of %v", r.WindowSec, Windows)
	}
	switch {
	case scoped && len(r.Paths) == 0:
		add("paths", "is empty; the rule needs the path prefixes it is scoped to")
	case !scoped && len(r.Paths) > 0:
		add("paths", "is set, but this rule covers the whole site")
	}
	for i, p := range r.Paths {
		if !pathPrefix.MatchString(p) {
			add(fmt.Sprintf("paths[%d]", i), "%q is not a lower-case absolute path prefix (matching lower-cases the request path)", p)
		}
		if slices.Contains(r.Paths[:i], p) {
			add(fmt.Sprintf("paths[%d]", i), "%q is listed twice", p)
		}
	}
	return out
}
