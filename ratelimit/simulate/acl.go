// Package simulate evaluates the web ACL a plan defines over request
// traces: IP sets, rate-based rules with their aggregation keys, scope-down
// statements and evaluation windows, custom responses, priorities and
// actions. It follows the AWS WAF developer guide's semantics for rate-based
// rules ("Rate-based rule high-level settings", "Rate-based rule caveats"):
// each rule counts, per aggregation key, the requests that reach it and
// match its scope-down statement over its evaluation window, looking back
// from each check; a key is limited once its count exceeds the limit, and
// until it falls back. WAF estimates the rate and acts after a delay that is
// "usually below 30 seconds" and may be minutes, so the simulator runs two
// bounds (an early and a late reaction, see Options) and reports ranges: an
// estimate of AWS's behaviour, not AWS.
//
// AWS managed rule groups are opaque: they are treated as not matching, and
// the report says so.
package simulate

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
)

// ACL is a web ACL as the simulator evaluates it.
type ACL struct {
	Name string
	// DefaultBlock is true when requests no rule terminates are blocked.
	DefaultBlock bool
	Rules        []Rule
	// Opaque are the rules the simulator cannot evaluate (managed rule
	// groups, statements it does not model): they never match.
	Opaque []string
}

// Action is what a rule does to a request it matches.
type Action string

// Actions.
const (
	Allow Action = "allow"
	Block Action = "block"
	Count Action = "count"
	// Challenge stands for CAPTCHA and Challenge, which answer instead of
	// forwarding until the client solves them.
	Challenge Action = "challenge"
)

// Rule is one rule of the ACL in priority order.
type Rule struct {
	Name     string
	Priority int
	Action   Action
	// Status and Headers are the response of a blocking rule (403 unless
	// a custom response says otherwise).
	Status  int
	Headers map[string]string
	// Match is the rule's statement, for a rule that is not rate-based;
	// Rate is its rate-based statement.
	Match *Statement
	Rate  *RateRule
}

// RateRule is a rate-based statement.
type RateRule struct {
	Limit     int
	WindowSec int
	// Keys are the aggregation keys: "ip", "forwarded-ip", "constant", or
	// "header:<name>", "cookie:<name>", "query:<name>", "path", "method".
	Keys []string
	// ForwardedHeader is the header forwarded-ip keys read; FallbackMatch
	// applies the rule to requests without a valid address in it.
	ForwardedHeader string
	FallbackMatch   bool
	// ScopeDown, when set, is what a request must match to be counted and
	// limited.
	ScopeDown *Statement
}

// Statement is a match statement the simulator evaluates.
type Statement struct {
	// Or, And, Not combine statements.
	Or, And []*Statement
	Not     *Statement
	// ByteMatch compares a field to Search.
	Field      string // "uri", "method", "query", "header:<name>"
	Search     string
	Position   string // EXACTLY, STARTS_WITH, ENDS_WITH, CONTAINS, CONTAINS_WORD
	Transforms []string
	// IPs are an IP set's ranges; ForwardedHeader reads the client from a
	// header instead of the source address.
	IPs             []netip.Prefix
	ForwardedHeader string
	// Opaque, when set, names what the simulator cannot evaluate: the
	// statement never matches.
	Opaque string
}

// FromGraph reads the web ACL of a plan: the wafv2 WebAcl resource's
// rules input and the IP sets it references. It reads the plan, not the
// configuration, so that a change to the plan is what it simulates.
func FromGraph(g *compliance.Graph) (ACL, error) {
	acls := g.ByType(restype.WAFv2WebACL)
	if len(acls) != 1 {
		return ACL{}, fmt.Errorf("simulate: the plan has %d web ACLs; want one", len(acls))
	}
	w := acls[0]
	acl := ACL{Name: w.Name}
	if w.Get("defaultAction.block") != nil {
		acl.DefaultBlock = true
	}
	if w.Unknown("rules") {
		return ACL{}, fmt.Errorf("simulate: the rules of %s are not known until the deployment", w.Name)
	}
	sets := ipSets(g)
	var errs []string
	for i := range w.List("rules") {
		p := fmt.Sprintf("rules.%d.", i)
		r := Rule{Name: w.Str(p + "name"), Status: 403}
		pr, _ := w.Num(p + "priority")
		r.Priority = int(pr)
		switch {
		case w.Get(p+"action.block") != nil:
			r.Action = Block
			if code, ok := w.Num(p + "action.block.customResponse.responseCode"); ok {
				r.Status = int(code)
			}
			for j := range w.List(p + "action.block.customResponse.responseHeaders") {
				h := fmt.Sprintf("%saction.block.customResponse.responseHeaders.%d.", p, j)
				if r.Headers == nil {
					r.Headers = map[string]string{}
				}
				r.Headers[w.Str(h+"name")] = w.Str(h + "value")
			}
		case w.Get(p+"action.count") != nil:
			r.Action = Count
		case w.Get(p+"action.allow") != nil:
			r.Action = Allow
		case w.Get(p+"action.captcha") != nil || w.Get(p+"action.challenge") != nil:
			r.Action, r.Status = Challenge, 405
		case w.Get(p+"overrideAction") != nil:
			// A rule group: its own rules' actions, which are AWS's.
			r.Action = Block
		}
		st := p + "statement."
		if w.Get(st+"rateBasedStatement") != nil {
			rate, err := rateRule(w, st+"rateBasedStatement.", sets)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", r.Name, err))
				continue
			}
			r.Rate = rate
		} else {
			r.Match = statement(w, st, sets)
		}
		if r.Match != nil && r.Match.Opaque != "" {
			acl.Opaque = append(acl.Opaque, fmt.Sprintf("%s (%s)", r.Name, r.Match.Opaque))
		}
		acl.Rules = append(acl.Rules, r)
	}
	if len(errs) > 0 {
		return ACL{}, fmt.Errorf("simulate: %s", strings.Join(errs, "; "))
	}
	sort.SliceStable(acl.Rules, func(i, j int) bool { return acl.Rules[i].Priority < acl.Rules[j].Priority })
	return acl, nil
}

// ipSets are the addresses of the plan's IP sets, by name and URN.
func ipSets(g *compliance.Graph) map[string][]netip.Prefix {
	out := map[string][]netip.Prefix{}
	for _, s := range g.ByType(restype.WAFv2IpSet) {
		var ps []netip.Prefix
		for i := range s.List("addresses") {
			if p, err := netip.ParsePrefix(s.Str(fmt.Sprintf("addresses.%d", i))); err == nil {
				ps = append(ps, p.Masked())
			}
		}
		// The set's ARN ends in /ipset/<name>/<id>; a preview does not
		// know it, so the name part is matched.
		out["name:"+s.Name] = ps
		out["urn:"+s.URN] = ps
	}
	return out
}

// setFor is the IP set an ARN names: by the name in it
// (".../ipset/<name>/<id>"), else the plan's only one.
func setFor(sets map[string][]netip.Prefix, arn string) ([]netip.Prefix, bool) {
	if parts := strings.Split(arn, "/"); len(parts) >= 3 {
		if ps, ok := sets["name:"+parts[len(parts)-2]]; ok {
			return ps, true
		}
	}
	var only [][]netip.Prefix
	for k, v := range sets {
		if strings.HasPrefix(k, "urn:") {
			only = append(only, v)
		}
	}
	if len(only) == 1 {
		return only[0], true
	}
	return nil, false
}

func rateRule(w compliance.Resource, p string, sets map[string][]netip.Prefix) (*RateRule, error) {
	limit, ok := w.Num(p + "limit")
	if !ok {
		return nil, fmt.Errorf("no known limit")
	}
	win, ok := w.Num(p + "evaluationWindowSec")
	if !ok {
		win = 300 // WAF's default evaluation window
	}
	r := &RateRule{Limit: int(limit), WindowSec: int(win)}
	switch k := w.Str(p + "aggregateKeyType"); k {
	case "", "IP":
		r.Keys = []string{"ip"}
	case "FORWARDED_IP":
		r.Keys = []string{"forwarded-ip"}
	case "CONSTANT":
		r.Keys = []string{"constant"}
	case "CUSTOM_KEYS":
		for i := range w.List(p + "customKeys") {
			c := fmt.Sprintf("%scustomKeys.%d.", p, i)
			switch {
			case w.Get(c+"ip") != nil:
				r.Keys = append(r.Keys, "ip")
			case w.Get(c+"forwardedIp") != nil:
				r.Keys = append(r.Keys, "forwarded-ip")
			case w.Get(c+"header") != nil:
				r.Keys = append(r.Keys, "header:"+strings.ToLower(w.Str(c+"header.name")))
			case w.Get(c+"cookie") != nil:
				r.Keys = append(r.Keys, "cookie:"+w.Str(c+"cookie.name"))
			case w.Get(c+"queryArgument") != nil:
				r.Keys = append(r.Keys, "query:"+w.Str(c+"queryArgument.name"))
			case w.Get(c+"uriPath") != nil:
				r.Keys = append(r.Keys, "path")
			case w.Get(c+"httpMethod") != nil:
				r.Keys = append(r.Keys, "method")
			default:
				return nil, fmt.Errorf("custom key %d is not one the simulator models", i)
			}
		}
	default:
		return nil, fmt.Errorf("aggregate key type %q is not one the simulator models", k)
	}
	if h := w.Str(p + "forwardedIpConfig.headerName"); h != "" {
		r.ForwardedHeader = strings.ToLower(h)
		r.FallbackMatch = w.Str(p+"forwardedIpConfig.fallbackBehavior") == "MATCH"
	}
	if w.Get(p+"scopeDownStatement") != nil {
		r.ScopeDown = statement(w, p+"scopeDownStatement.", sets)
	}
	return r, nil
}

// statement reads a match statement at prefix p.
func statement(w compliance.Resource, p string, sets map[string][]netip.Prefix) *Statement {
	list := func(key string) []*Statement {
		var out []*Statement
		for i := range w.List(p + key + ".statements") {
			out = append(out, statement(w, fmt.Sprintf("%s%s.statements.%d.", p, key, i), sets))
		}
		return out
	}
	switch {
	case w.Get(p+"orStatement") != nil:
		return &Statement{Or: list("orStatement")}
	case w.Get(p+"andStatement") != nil:
		return &Statement{And: list("andStatement")}
	case w.Get(p+"notStatement") != nil:
		return &Statement{Not: statement(w, p+"notStatement.statements.0.", sets)}
	case w.Get(p+"byteMatchStatement") != nil:
		b := p + "byteMatchStatement."
		s := &Statement{Search: w.Str(b + "searchString"), Position: w.Str(b + "positionalConstraint")}
		switch {
		case w.Get(b+"fieldToMatch.uriPath") != nil:
			s.Field = "uri"
		case w.Get(b+"fieldToMatch.method") != nil:
			s.Field = "method"
		case w.Get(b+"fieldToMatch.queryString") != nil:
			s.Field = "query"
		case w.Get(b+"fieldToMatch.singleHeader") != nil:
			s.Field = "header:" + strings.ToLower(w.Str(b+"fieldToMatch.singleHeader.name"))
		default:
			return &Statement{Opaque: "a byte match on a field the simulator does not model"}
		}
		for i := range w.List(b + "textTransformations") {
			s.Transforms = append(s.Transforms, w.Str(fmt.Sprintf("%stextTransformations.%d.type", b, i)))
		}
		return s
	case w.Get(p+"ipSetReferenceStatement") != nil:
		arn := w.Str(p + "ipSetReferenceStatement.arn")
		ps, ok := setFor(sets, arn)
		if !ok {
			return &Statement{Opaque: "an IP set the plan does not resolve"}
		}
		return &Statement{IPs: ps, ForwardedHeader: strings.ToLower(w.Str(p + "ipSetReferenceStatement.ipSetForwardedIpConfig.headerName"))}
	case w.Get(p+"managedRuleGroupStatement") != nil:
		return &Statement{Opaque: "AWS managed rule group " + w.Str(p+"managedRuleGroupStatement.name") + ", whose rules AWS does not publish"}
	}
	var kinds []string
	if m, ok := w.Get(strings.TrimSuffix(p, ".")).(map[string]any); ok {
		for k := range m {
			kinds = append(kinds, k)
		}
	}
	slices.Sort(kinds)
	return &Statement{Opaque: "a " + strings.Join(kinds, ", ") + " the simulator does not model"}
}
