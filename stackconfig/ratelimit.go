package stackconfig

import (
	"fmt"
	"net/netip"
	"regexp"

	"github.com/example/hardening/ratelimit/limits"
	"github.com/example/hardening/ratelimit/wcu"
)

// RateLimit configures the WAF web ACL on the load balancer (key
// "rateLimit").
type RateLimit struct {
	// Mode is what the rate-based rules do over their limits: block
	// (default) or count.
	Mode limits.Mode `json:"mode"`
	// MetricPrefix starts every rule's CloudWatch metric name. Default
	// "hardening".
	MetricPrefix string `json:"metricPrefix"`
	// IPBlockList are IPv4 CIDRs always blocked. Default none.
	IPBlockList []string `json:"ipBlockList"`
	// BlockWideRanges acknowledges block-list entries shorter than /8,
	// which block a sixteenth of the internet or more (0.0.0.0/0 blocks
	// everyone). Default false.
	BlockWideRanges bool `json:"blockWideRanges"`
	// AnonymousIPList adds the AWS anonymous-IP group (VPNs, Tor, proxies);
	// its hosting-provider rule only counts, so that server-to-server
	// clients are not blocked. Default true.
	AnonymousIPList bool `json:"anonymousIpList"`
	// BotControl adds the AWS Bot Control group (billed per request).
	// Default false.
	BotControl bool `json:"botControl"`
	// AccountTakeover adds AWS account-takeover prevention on the login
	// path (billed per request).
	AccountTakeover AccountTakeover `json:"accountTakeover"`
	// Site limits each client IP over the whole site.
	Site limits.RateRule `json:"site"`
	// Auth limits each client IP more strictly on authentication paths.
	Auth limits.RateRule `json:"auth"`
	// PerUser limits each user (a header or cookie, with the IP) on API
	// paths.
	PerUser PerUserRule `json:"perUser"`
	// MaxBodyKB is the largest request body, in KB, the API paths
	// (perUser.paths) accept. Default 8: the Core rule set blocks every
	// body over 8 KB, the most WAF inspects behind a load balancer. Above
	// 8, the API paths accept bodies up to MaxBodyKB that declare their
	// length (Content-Length), of which WAF inspects only the first 8 KB;
	// other paths keep the 8 KB limit. 8 to 10240.
	MaxBodyKB int `json:"maxBodyKB"`
	// ForwardedIPHeader, when set, takes the client IP from this header
	// (for a stack behind a CDN) instead of the connection. Default none.
	ForwardedIPHeader string `json:"forwardedIpHeader"`
	// LogRetentionDays is the WAF log group's retention. Default 365.
	LogRetentionDays int `json:"logRetentionDays"`
	// Alarms are the blocked-request thresholds.
	Alarms RateAlarms `json:"alarms"`
}

// PerUserRule is a rate limit per user on API paths.
type PerUserRule struct {
	limits.RateRule
	// Key is where the user's identity is: "header" (default) or "cookie".
	Key limits.UserKey `json:"key"`
	// KeyName is the header or cookie name. Default "authorization".
	KeyName string `json:"keyName"`
}

// AccountTakeover configures AWS account-takeover prevention.
type AccountTakeover struct {
	Enabled bool `json:"enabled"`
	// LoginPath is the login endpoint. Default "/login".
	LoginPath string `json:"loginPath"`
}

// RateAlarms are the thresholds of the blocked-request alarms, per
// five minutes.
type RateAlarms struct {
	// RuleBlocked is the threshold of each rate-based rule. Default 100.
	RuleBlocked int `json:"ruleBlocked"`
	// ACLBlocked is the threshold of the whole web ACL. Default 1000.
	ACLBlocked int `json:"aclBlocked"`
}

// DefaultRateLimit returns the WAF defaults.
func DefaultRateLimit() RateLimit {
	return RateLimit{
		Mode:            limits.Block,
		MetricPrefix:    "hardening",
		AnonymousIPList: true,
		AccountTakeover: AccountTakeover{LoginPath: "/login"},
		Site:            limits.RateRule{Limit: 2000, WindowSec: 300},
		Auth:            limits.RateRule{Limit: 100, WindowSec: 60, Paths: []string{"/login", "/oauth2/", "/signup"}},
		PerUser: PerUserRule{
			RateRule: limits.RateRule{Limit: 1000, WindowSec: 300, Paths: []string{"/api/"}},
			Key:      limits.Header,
			KeyName:  "authorization",
		},
		MaxBodyKB:        limits.CoreBodyLimitKB,
		LogRetentionDays: 365,
		Alarms:           RateAlarms{RuleBlocked: 100, ACLBlocked: 1000},
	}
}

// Capacity returns the web ACL's WCUs as this configuration builds it.
func (r RateLimit) Capacity() int {
	total := wcu.IPReputation.Capacity + wcu.KnownBadInputs.Capacity + wcu.CommonRuleSet.Capacity + wcu.SQLi.Capacity
	if len(r.IPBlockList) > 0 {
		total += wcu.IPSet
	}
	if r.AnonymousIPList {
		total += wcu.AnonymousIP.Capacity
	}
	if r.BotControl {
		total += wcu.BotControl.Capacity
	}
	if r.AccountTakeover.Enabled {
		total += wcu.AccountTakeover.Capacity
	}
	total += wcu.RateRule(0, 0)
	total += wcu.RateRule(0, len(r.Auth.Paths))
	total += wcu.RateRule(2, len(r.PerUser.Paths))
	if r.MaxBodyKB > limits.CoreBodyLimitKB {
		total += wcu.BodySizeRule
	}
	return total
}

var (
	metricRE     = regexp.MustCompile(`^[\w#:.\-/]{1,100}$`)
	headerNameRE = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	cookieNameRE = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")
)

// share says how much of the IPv4 space a prefix of bits covers.
func share(bits int) string {
	if bits == 0 {
		return "all IPv4 addresses"
	}
	return fmt.Sprintf("1/%d of all IPv4 addresses", 1<<bits)
}

func (r RateLimit) validate(key string) []error {
	var errs []error
	if r.Mode != limits.Block && r.Mode != limits.Count {
		errs = append(errs, fieldErr(key+".mode", "%q is not a mode; use %q or %q", r.Mode, limits.Block, limits.Count))
	}
	if !metricRE.MatchString(r.MetricPrefix) || r.MetricPrefix == "All" || r.MetricPrefix == "Default_Action" {
		errs = append(errs, fieldErr(key+".metricPrefix", "%q is not a WAF metric name: 1 to 100 letters, digits and _#:.-/ (not All or Default_Action)", r.MetricPrefix))
	}
	seen := map[string]int{}
	for i, c := range r.IPBlockList {
		k := fmt.Sprintf("%s.ipBlockList[%d]", key, i)
		p, err := netip.ParsePrefix(c)
		switch j, dup := seen[c]; {
		case err != nil || !p.Addr().Is4() || p.Masked() != p:
			errs = append(errs, fieldErr(k, "%q is not an IPv4 CIDR with its network address", c))
		case dup:
			errs = append(errs, fieldErr(k, "%q repeats %s.ipBlockList[%d]; WAF refuses a duplicate address in an IP set", c, key, j))
		case p.Bits() < 8 && !r.BlockWideRanges:
			errs = append(errs, fieldErr(k, "%q blocks %s; set %s.blockWideRanges: true if that is meant", c, share(p.Bits()), key))
		}
		seen[c] = i
	}
	errs = append(errs, validateRateRule(key+".site", r.Site, false)...)
	errs = append(errs, validateRateRule(key+".auth", r.Auth, true)...)
	errs = append(errs, validateRateRule(key+".perUser", r.PerUser.RateRule, true)...)
	errs = append(errs, problemsAt(key, limits.CheckMaxBodyKB(r.MaxBodyKB))...)
	switch r.PerUser.Key {
	case limits.Header:
		if !headerNameRE.MatchString(r.PerUser.KeyName) {
			errs = append(errs, fieldErr(key+".perUser.keyName", "%q is not a header name", r.PerUser.KeyName))
		}
	case limits.Cookie:
		if !cookieNameRE.MatchString(r.PerUser.KeyName) {
			errs = append(errs, fieldErr(key+".perUser.keyName", "%q is not a cookie name", r.PerUser.KeyName))
		}
	default:
		errs = append(errs, fieldErr(key+".perUser.key", "%q is not a key source; use %q or %q", r.PerUser.Key, limits.Header, limits.Cookie))
	}
	if r.ForwardedIPHeader != "" && !headerNameRE.MatchString(r.ForwardedIPHeader) {
		errs = append(errs, fieldErr(key+".forwardedIpHeader", "%q is not a header name such as X-Forwarded-For", r.ForwardedIPHeader))
	}
	if r.AccountTakeover.Enabled && !limits.ValidPath(r.AccountTakeover.LoginPath) {
		errs = append(errs, fieldErr(key+".accountTakeover.loginPath", "%q is not a lower-case absolute path", r.AccountTakeover.LoginPath))
	}
	errs = append(errs, validateRetention(key+".logRetentionDays", r.LogRetentionDays)...)
	if r.Alarms.RuleBlocked < 1 {
		errs = append(errs, fieldErr(key+".alarms.ruleBlocked", "%d is not a threshold; use 1 or more blocked requests per 5 minutes", r.Alarms.RuleBlocked))
	}
	if r.Alarms.ACLBlocked < 1 {
		errs = append(errs, fieldErr(key+".alarms.aclBlocked", "%d is not a threshold; use 1 or more blocked requests per 5 minutes", r.Alarms.ACLBlocked))
	}
	if c := r.Capacity(); c > wcu.Limit {
		errs = append(errs, fieldErr(key, "the web ACL would need %d WCUs, over WAF's limit of %d; drop optional groups or scope-down paths", c, wcu.Limit))
	}
	return errs
}

// validateRateRule adds the key path to the rate rule's problems
// (ratelimit/limits holds the rules).
func validateRateRule(key string, r limits.RateRule, scoped bool) []error {
	return problemsAt(key, r.Check(scoped))
}
