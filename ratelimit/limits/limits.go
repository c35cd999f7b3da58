// Package limits is what the ratelimit component and the stack
// configuration share: the rate rule, what the rules do over their limits,
// and where a user's identity is found. It imports only the standard
// library, so the configuration can use it without the AWS provider.
package limits

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
