package simulate

import (
	"net/netip"
	"slices"
	"strings"
)

// Request is one web request of a trace.
type Request struct {
	// T is when it arrives, in seconds from the trace's start.
	T       float64           `json:"t"`
	IP      string            `json:"ip"`
	Method  string            `json:"method,omitempty"`
	Path    string            `json:"path"`
	Query   string            `json:"query,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Cookies map[string]string `json:"cookies,omitempty"`
	// Client names who sends it, for the report; Legitimate says whether
	// blocking it hurts.
	Client     string `json:"client,omitempty"`
	Legitimate bool   `json:"legitimate,omitempty"`
}

// Options shape the estimate.
type Options struct {
	// Lag is how long WAF may take to start limiting a key once its count
	// exceeds the limit, and to stop once it falls back: "usually below 30
	// seconds" (WAF developer guide). Default 30 s.
	Lag float64
	// Tolerance is how far from the limit WAF's estimate of the rate may
	// act, as a fraction: it limits "near" the limit. Default 0.05, an
	// assumption (AWS gives no figure).
	Tolerance float64
}

func (o Options) withDefaults() Options {
	if o.Lag == 0 {
		o.Lag = 30
	}
	if o.Tolerance == 0 {
		o.Tolerance = 0.05
	}
	return o
}

// bound is one way WAF may react: early (at limit×(1−tolerance), at
// once, and for a lag after the rate falls) or late (at
// limit×(1+tolerance), a lag after, and at once when it falls).
type bound struct {
	name                  string
	factor                float64
	startDelay, stopDelay float64
}

func bounds(o Options) []bound {
	return []bound{
		{name: "early", factor: 1 - o.Tolerance, startDelay: 0, stopDelay: o.Lag},
		{name: "late", factor: 1 + o.Tolerance, startDelay: o.Lag, stopDelay: 0},
	}
}

// Outcome is what the ACL does to one request.
type Outcome struct {
	Allowed bool
	Status  int
	// RetryAfter is the Retry-After header of the response, if any.
	RetryAfter string
	// Rule is the rule that terminated it ("" for the default action).
	Rule string
	// Counted are the count-action rules that would have blocked it.
	Counted []string
}

type keyState struct {
	times              []float64
	limited            bool
	overSince, okSince float64
	peak               int
}

type engine struct {
	acl   ACL
	b     bound
	state map[string]map[string]*keyState // rule → key → state
	// checked is the last second the counts were checked at.
	checked int
}

func newEngine(acl ACL, b bound) *engine {
	e := &engine{acl: acl, b: b, state: map[string]map[string]*keyState{}, checked: -1}
	for _, r := range acl.Rules {
		if r.Rate != nil {
			e.state[r.Name] = map[string]*keyState{}
		}
	}
	return e
}

// check runs WAF's periodic evaluation of every key's count, once a
// second, up to second now.
func (e *engine) check(now int) {
	for s := e.checked + 1; s <= now; s++ {
		t := float64(s)
		for _, r := range e.acl.Rules {
			if r.Rate == nil {
				continue
			}
			threshold := float64(r.Rate.Limit) * e.b.factor
			for _, k := range e.state[r.Name] {
				cut := 0
				for cut < len(k.times) && k.times[cut] <= t-float64(r.Rate.WindowSec) {
					cut++
				}
				k.times = k.times[cut:]
				n := len(k.times)
				k.peak = max(k.peak, n)
				if float64(n) > threshold {
					k.okSince = -1
					if k.overSince < 0 {
						k.overSince = t
					}
					if !k.limited && t-k.overSince >= e.b.startDelay {
						k.limited = true
					}
				} else {
					k.overSince = -1
					if k.okSince < 0 {
						k.okSince = t
					}
					if k.limited && t-k.okSince >= e.b.stopDelay {
						k.limited = false
					}
				}
			}
		}
	}
	if now > e.checked {
		e.checked = now
	}
}

// eval is what the ACL does to req, counting it where it is counted.
func (e *engine) eval(req Request) Outcome {
	e.check(int(req.T))
	var out Outcome
	for _, r := range e.acl.Rules {
		hit := false
		if r.Rate != nil {
			if r.Rate.ScopeDown != nil && !r.Rate.ScopeDown.matches(req) {
				continue // only requests that match the scope-down are counted
			}
			key, ok := r.Rate.key(req)
			if !ok {
				continue // a request without a key's component is not counted
			}
			k := e.state[r.Name][key]
			if k == nil {
				k = &keyState{overSince: -1, okSince: -1}
				e.state[r.Name][key] = k
			}
			k.times = append(k.times, req.T)
			hit = k.limited
		} else {
			hit = r.Match != nil && r.Match.matches(req)
		}
		if !hit {
			continue
		}
		switch r.Action {
		case Count:
			if r.Rate != nil {
				out.Counted = append(out.Counted, r.Name)
			}
			continue
		case Allow:
			out.Allowed, out.Status, out.Rule = true, 200, r.Name
		default:
			out.Status, out.Rule = r.Status, r.Name
			out.RetryAfter = r.Headers["Retry-After"]
		}
		return out
	}
	if e.acl.DefaultBlock {
		out.Status = 403
		return out
	}
	out.Allowed, out.Status = true, 200
	return out
}

// peak is the highest count a rule saw for any key.
func (e *engine) peak(rule string) int {
	n := 0
	for _, k := range e.state[rule] {
		n = max(n, k.peak)
	}
	return n
}

// key is a request's aggregation key for the rule, and whether it has
// every component.
func (r *RateRule) key(req Request) (string, bool) {
	parts := make([]string, 0, len(r.Keys))
	for _, k := range r.Keys {
		var v string
		switch {
		case k == "ip":
			v = req.IP
		case k == "forwarded-ip":
			addr, ok := forwarded(req, r.ForwardedHeader)
			switch {
			case ok:
				v = addr
			case r.FallbackMatch:
				v = "(no forwarded address)"
			default:
				return "", false
			}
		case k == "constant":
			v = "*"
		case k == "path":
			v = req.Path
		case k == "method":
			v = req.Method
		case strings.HasPrefix(k, "header:"):
			v = header(req, strings.TrimPrefix(k, "header:"))
		case strings.HasPrefix(k, "cookie:"):
			v = req.Cookies[strings.TrimPrefix(k, "cookie:")]
		case strings.HasPrefix(k, "query:"):
			v = queryArg(req.Query, strings.TrimPrefix(k, "query:"))
		}
		if v == "" {
			return "", false
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "|"), true
}

func header(req Request, name string) string {
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// forwarded is the first address in a forwarded-IP header, as WAF takes
// it.
func forwarded(req Request, name string) (string, bool) {
	first, _, _ := strings.Cut(header(req, name), ",")
	a, err := netip.ParseAddr(strings.TrimSpace(first))
	if err != nil {
		return "", false
	}
	return a.String(), true
}

func queryArg(q, name string) string {
	for _, kv := range strings.Split(q, "&") {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

func (s *Statement) matches(req Request) bool {
	switch {
	case s.Opaque != "":
		return false
	case s.Or != nil:
		return slices.ContainsFunc(s.Or, func(x *Statement) bool { return x.matches(req) })
	case s.And != nil:
		for _, x := range s.And {
			if !x.matches(req) {
				return false
			}
		}
		return true
	case s.Not != nil:
		return !s.Not.matches(req)
	case s.IPs != nil:
		ip := req.IP
		if s.ForwardedHeader != "" {
			var ok bool
			if ip, ok = forwarded(req, s.ForwardedHeader); !ok {
				return false
			}
		}
		a, err := netip.ParseAddr(ip)
		return err == nil && slices.ContainsFunc(s.IPs, func(p netip.Prefix) bool { return p.Contains(a) })
	}
	var v string
	switch {
	case s.Field == "uri":
		v = req.Path
	case s.Field == "method":
		v = req.Method
	case s.Field == "query":
		v = req.Query
	case strings.HasPrefix(s.Field, "header:"):
		v = header(req, strings.TrimPrefix(s.Field, "header:"))
	}
	search := s.Search
	for _, t := range s.Transforms {
		switch t {
		case "LOWERCASE":
			v = strings.ToLower(v)
		case "URL_DECODE":
			// Traces carry decoded paths.
		}
	}
	switch s.Position {
	case "EXACTLY":
		return v == search
	case "STARTS_WITH":
		return strings.HasPrefix(v, search)
	case "ENDS_WITH":
		return strings.HasSuffix(v, search)
	case "CONTAINS", "CONTAINS_WORD":
		return strings.Contains(v, search)
	}
	return false
}
