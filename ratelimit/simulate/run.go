package simulate

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Range is a figure in the early and the late bound.
type Range struct{ Early, Late int }

func (r Range) String() string {
	if r.Early == r.Late {
		return fmt.Sprint(r.Early)
	}
	lo, hi := min(r.Early, r.Late), max(r.Early, r.Late)
	return fmt.Sprintf("%d-%d", lo, hi)
}

// ClientResult is what happened to one client's requests.
type ClientResult struct {
	Client     string `json:"client"`
	Legitimate bool   `json:"legitimate"`
	Requests   int    `json:"requests"`
	Allowed    Range  `json:"allowed"`
	Blocked    Range  `json:"blocked"`
	// Counted are requests a counting rule would have blocked.
	Counted Range `json:"counted"`
	// Responses are the blocked responses, late bound: "429 Retry-After:
	// 300 (rate-site)" and how many.
	Responses map[string]int `json:"responses,omitempty"`
}

// Second is the requests of one second.
type Second struct {
	T                   int
	Allowed, Blocked    int // late bound
	EarlyAllowed, Early int // early bound: allowed, blocked
}

// Result is a scenario's outcome.
type Result struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Clients     []ClientResult `json:"clients"`
	// StoppedAfter is the seconds from the abuse's start until it is
	// stopped, per bound; -1 when it is not.
	StoppedAfter Range `json:"stoppedAfter"`
	// StoppedBy are the rules that block (or count) the abuse.
	StoppedBy []string `json:"stoppedBy,omitempty"`
	// CountOnly is true when the abuse is only counted, not blocked.
	CountOnly    bool     `json:"countOnly,omitempty"`
	LegitBlocked Range    `json:"legitimateBlocked"`
	LegitBy      []string `json:"legitimateBlockedBy,omitempty"`
	// Peaks are each rate-based rule's highest count for one key, per
	// bound.
	Peaks    map[string]Range `json:"peaks"`
	Series   []Second         `json:"-"`
	Failures []string         `json:"failures,omitempty"`
	Expect   Expectation      `json:"expect"`
}

// Passed reports whether the scenario met its expectation.
func (r Result) Passed() bool { return len(r.Failures) == 0 }

type boundRun struct {
	outcomes []Outcome
	e        *engine
}

// Run evaluates acl over the scenario in both bounds.
func Run(acl ACL, s Scenario, o Options) (Result, error) {
	o = o.withDefaults()
	reqs, err := s.Requests()
	if err != nil {
		return Result{}, err
	}
	var runs []boundRun
	for _, b := range bounds(o) {
		e := newEngine(acl, b)
		out := make([]Outcome, len(reqs))
		for i, r := range reqs {
			out[i] = e.eval(r)
		}
		runs = append(runs, boundRun{out, e})
	}
	res := Result{Name: s.Name, Description: s.Description, Peaks: map[string]Range{}, Expect: s.Expect}
	for _, r := range acl.Rules {
		if r.Rate != nil {
			res.Peaks[r.Name] = Range{runs[0].e.peak(r.Name), runs[1].e.peak(r.Name)}
		}
	}
	byClient := map[string]*ClientResult{}
	var order []string
	stoppedBy, legitBy := map[string]bool{}, map[string]bool{}
	blockedAbuse := false
	duration := s.Duration
	for _, r := range reqs {
		duration = max(duration, int(r.T)+1)
	}
	res.Series = make([]Second, duration)
	for i := range res.Series {
		res.Series[i].T = i
	}
	for i, r := range reqs {
		c := byClient[r.Client]
		if c == nil {
			c = &ClientResult{Client: r.Client, Legitimate: r.Legitimate, Responses: map[string]int{}}
			byClient[r.Client] = c
			order = append(order, r.Client)
		}
		c.Requests++
		sec := &res.Series[int(r.T)]
		for bi, run := range runs {
			oc := run.outcomes[i]
			allowed, blocked, counted := &c.Allowed.Early, &c.Blocked.Early, &c.Counted.Early
			if bi == 1 {
				allowed, blocked, counted = &c.Allowed.Late, &c.Blocked.Late, &c.Counted.Late
			}
			if oc.Allowed {
				*allowed++
			} else {
				*blocked++
			}
			if len(oc.Counted) > 0 {
				*counted++
			}
			switch {
			case bi == 0 && oc.Allowed:
				sec.EarlyAllowed++
			case bi == 0:
				sec.Early++
			case oc.Allowed:
				sec.Allowed++
			default:
				sec.Blocked++
			}
			if bi == 1 && !oc.Allowed {
				resp := fmt.Sprint(oc.Status)
				if oc.RetryAfter != "" {
					resp += " Retry-After: " + oc.RetryAfter
				}
				rule := oc.Rule
				if rule == "" {
					rule = "default action"
				}
				c.Responses[resp+" ("+rule+")"]++
			}
			if !r.Legitimate && (bi == 1) {
				if !oc.Allowed {
					stoppedBy[oc.Rule] = true
					blockedAbuse = true
				}
				for _, n := range oc.Counted {
					stoppedBy[n] = true
				}
			}
			if r.Legitimate && !oc.Allowed {
				if bi == 0 {
					res.LegitBlocked.Early++
				} else {
					res.LegitBlocked.Late++
				}
				legitBy[oc.Rule] = true
			}
		}
	}
	for _, n := range order {
		res.Clients = append(res.Clients, *byClient[n])
	}
	res.StoppedAfter = Range{stopTime(reqs, runs[0].outcomes), stopTime(reqs, runs[1].outcomes)}
	res.StoppedBy = keys(stoppedBy)
	res.CountOnly = !blockedAbuse && len(stoppedBy) > 0
	res.LegitBy = keys(legitBy)
	res.Failures = judge(acl, s.Expect, res)
	return res, nil
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// stopTime is the seconds from the first abusive request until, in every
// following second with abusive requests, at least nine in ten of them are
// stopped (blocked, or counted over a counting rule's limit); -1 when that
// never holds.
func stopTime(reqs []Request, out []Outcome) int {
	type tally struct{ n, stopped int }
	seconds := map[int]*tally{}
	start, last := math.MaxInt, -1
	for i, r := range reqs {
		if r.Legitimate {
			continue
		}
		s := int(r.T)
		start, last = min(start, s), max(last, s)
		t := seconds[s]
		if t == nil {
			t = &tally{}
			seconds[s] = t
		}
		t.n++
		if !out[i].Allowed || len(out[i].Counted) > 0 {
			t.stopped++
		}
	}
	if last < 0 {
		return -1
	}
	stop := -1
	for s := last; s >= start; s-- {
		t := seconds[s]
		if t == nil {
			continue
		}
		if t.stopped*10 < t.n*9 {
			break
		}
		stop = s
	}
	if stop < 0 {
		return -1
	}
	return stop - start
}

// judge lists how res misses the expectation.
func judge(acl ACL, x Expectation, res Result) []string {
	var out []string
	rule := func(name string) (Rule, bool) {
		i := slices.IndexFunc(acl.Rules, func(r Rule) bool { return r.Name == name })
		if i < 0 {
			return Rule{}, false
		}
		return acl.Rules[i], true
	}
	if x.StoppedWithin > 0 {
		describe := ""
		if r, ok := rule(x.StoppedBy); ok && r.Rate != nil {
			describe = fmt.Sprintf("%s (limit %d per %d s, action %s; its count peaks at %s)", r.Name, r.Rate.Limit, r.Rate.WindowSec, r.Action, res.Peaks[r.Name])
		} else if x.StoppedBy != "" {
			describe = x.StoppedBy + ", which is not a rate-based rule of the web ACL"
		}
		switch late := res.StoppedAfter.Late; {
		case late < 0:
			out = append(out, fmt.Sprintf("the abuse is not stopped: %s does not limit it", describe))
		case late > x.StoppedWithin:
			out = append(out, fmt.Sprintf("the abuse is stopped only after %d s (late bound), not within %d s: %s", late, x.StoppedWithin, describe))
		case x.StoppedBy != "" && !slices.Contains(res.StoppedBy, x.StoppedBy):
			out = append(out, fmt.Sprintf("the abuse is stopped by %s, not by %s", strings.Join(res.StoppedBy, ", "), describe))
		}
	}
	if x.LegitimateUnhurt && (res.LegitBlocked.Early > 0 || res.LegitBlocked.Late > 0) {
		var by []string
		for _, n := range res.LegitBy {
			if r, ok := rule(n); ok && r.Rate != nil {
				by = append(by, fmt.Sprintf("%s (limit %d per %d s, keyed on %s; its count peaks at %s)", n, r.Rate.Limit, r.Rate.WindowSec, strings.Join(r.Rate.Keys, "+"), res.Peaks[n]))
			} else {
				by = append(by, n)
			}
		}
		out = append(out, fmt.Sprintf("legitimate traffic is hurt: %s of its requests blocked (early-late bound) by %s", res.LegitBlocked, strings.Join(by, ", ")))
	}
	return out
}
