package simulate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Report is the simulation of one stack's web ACL over scenarios.
type Report struct {
	Stack   string   `json:"stack"`
	ACL     string   `json:"webAcl"`
	Lag     float64  `json:"lagSeconds"`
	Tol     float64  `json:"tolerance"`
	Opaque  []string `json:"opaque,omitempty"`
	Results []Result `json:"scenarios"`
}

// Simulate runs every scenario over acl.
func Simulate(stack string, acl ACL, scenarios []Scenario, o Options) (Report, error) {
	o = o.withDefaults()
	rep := Report{Stack: stack, ACL: acl.Name, Lag: o.Lag, Tol: o.Tolerance, Opaque: acl.Opaque}
	for _, s := range scenarios {
		res, err := Run(acl, s, o)
		if err != nil {
			return Report{}, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// Failed are the results that miss their expectation.
func (r Report) Failed() []Result {
	var out []Result
	for _, res := range r.Results {
		if !res.Passed() {
			out = append(out, res)
		}
	}
	return out
}

func (r Report) caveat() string {
	return fmt.Sprintf("An estimate of AWS WAF's behaviour, not AWS: each figure is given for an early and a late reaction "+
		"(limiting at %.0f%% or %.0f%% of the limit, starting at once or %g s after the count passes it, ending %g s or at once after it falls back), "+
		"since WAF estimates rates and acts after a delay that is usually below 30 s.",
		(1-r.Tol)*100, (1+r.Tol)*100, r.Lag, r.Lag)
}

func (r Report) opaqueNote() string {
	if len(r.Opaque) == 0 {
		return ""
	}
	return "Treated as not matching (their rules are AWS's and not published): " + strings.Join(r.Opaque, "; ") + "."
}

func stopped(res Result) string {
	s := res.StoppedAfter
	switch {
	case s.Early < 0 && s.Late < 0:
		return "not stopped"
	case s.Late < 0:
		return fmt.Sprintf("stopped after %d s at the earliest, not at all at the latest", s.Early)
	}
	verb := "blocked"
	if res.CountOnly {
		verb = "counted, not blocked (the rule's action is count)"
	}
	return fmt.Sprintf("%s after %s s by %s", verb, s, strings.Join(res.StoppedBy, ", "))
}

func hurt(res Result) string {
	switch l := res.LegitBlocked; {
	case l.Early == 0 && l.Late == 0:
		return "legitimate traffic not hurt"
	case l.Late == 0:
		return fmt.Sprintf("legitimate traffic may be hurt: up to %d requests blocked (early bound) by %s", l.Early, strings.Join(res.LegitBy, ", "))
	}
	return fmt.Sprintf("legitimate traffic hurt: %s requests blocked by %s", res.LegitBlocked, strings.Join(res.LegitBy, ", "))
}

func responses(c ClientResult) string {
	var parts []string
	for k, n := range c.Responses {
		parts = append(parts, fmt.Sprintf("%d × %s", n, k))
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

// timeline is the allowed and blocked requests a second, late bound,
// averaged per step seconds.
func timeline(res Result, step int) [][3]string {
	var out [][3]string
	for t := 0; t < len(res.Series); t += step {
		a, b := 0, 0
		for _, s := range res.Series[t:min(t+step, len(res.Series))] {
			a += s.Allowed
			b += s.Blocked
		}
		out = append(out, [3]string{fmt.Sprintf("%d-%d s", t, min(t+step, len(res.Series))), fmt.Sprintf("%.1f", float64(a)/float64(step)), fmt.Sprintf("%.1f", float64(b)/float64(step))})
	}
	return out
}

// WriteText writes each scenario: its clients' requests allowed and
// blocked, the responses, when the abuse is stopped, whether legitimate
// traffic was hurt, and the expectation.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "WAF simulation of %s (web ACL %s)\n%s\n", r.Stack, r.ACL, r.caveat())
	if n := r.opaqueNote(); n != "" {
		fmt.Fprintln(&b, n)
	}
	for _, res := range r.Results {
		fmt.Fprintf(&b, "\nscenario %s: %s\n", res.Name, res.Description)
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  CLIENT\tLEGITIMATE\tREQUESTS\tALLOWED\tBLOCKED\tRESPONSES (late bound)")
		for _, c := range res.Clients {
			fmt.Fprintf(tw, "  %s\t%v\t%d\t%s\t%s\t%s\n", c.Client, c.Legitimate, c.Requests, c.Allowed, c.Blocked, responses(c))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(&b, "  abuse: %s; %s\n", stopped(res), hurt(res))
		fmt.Fprintf(&b, "  over time (late bound, requests a second, allowed / blocked):")
		for _, row := range timeline(res, 60) {
			fmt.Fprintf(&b, " %s %s/%s;", row[0], row[1], row[2])
		}
		b.WriteString("\n")
		if res.Passed() {
			fmt.Fprintf(&b, "  expectation met\n")
		}
		for _, f := range res.Failures {
			fmt.Fprintf(&b, "  EXPECTATION FAILED: %s\n", f)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the scenarios as tables.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### WAF simulation of %s\n\n%s\n", r.Stack, r.caveat())
	if n := r.opaqueNote(); n != "" {
		fmt.Fprintf(&b, "\n%s\n", n)
	}
	b.WriteString("\n| scenario | abuse | legitimate traffic | expectation |\n|---|---|---|---|\n")
	for _, res := range r.Results {
		verdict := "met"
		if !res.Passed() {
			verdict = "**failed**: " + strings.Join(res.Failures, "; ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", res.Name, stopped(res), hurt(res), verdict)
	}
	for _, res := range r.Results {
		fmt.Fprintf(&b, "\n**%s**: %s\n\n| client | legitimate | requests | allowed | blocked | responses (late bound) |\n|---|---|---|---|---|---|\n", res.Name, res.Description)
		for _, c := range res.Clients {
			fmt.Fprintf(&b, "| %s | %v | %d | %s | %s | %s |\n", c.Client, c.Legitimate, c.Requests, c.Allowed, c.Blocked, responses(c))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteSeries writes a scenario's requests a second as CSV: second,
// allowed and blocked in the late bound, allowed and blocked in the early.
func WriteSeries(w io.Writer, res Result) error {
	var b strings.Builder
	b.WriteString("second,allowed_late,blocked_late,allowed_early,blocked_early\n")
	for _, s := range res.Series {
		fmt.Fprintf(&b, "%d,%d,%d,%d,%d\n", s.T, s.Allowed, s.Blocked, s.EarlyAllowed, s.Early)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
