package reach

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Report is what the plan command writes about one stack's network: its
// flows, how they differ from the intent, and, with a base, what a change
// adds and removes.
type Report struct {
	Stack    string      `json:"stack"`
	Source   string      `json:"source,omitempty"`
	Parties  []PartyInfo `json:"parties"`
	Flows    []Flow      `json:"flows"`
	Findings []Finding   `json:"findings"`
	// Added and Removed are the flows the change adds and removes against
	// the base (a previous report).
	Added   []Flow `json:"added,omitempty"`
	Removed []Flow `json:"removed,omitempty"`
	// Based is true when the report was compared with a base.
	Based bool `json:"based,omitempty"`
}

// NewReport is a stack's report of res.
func NewReport(stack, source string, res Result) Report {
	return Report{Stack: stack, Source: source, Parties: res.Parties, Flows: res.Flows, Findings: res.Findings}
}

// ReadReport reads a report that WriteJSON wrote.
func ReadReport(r io.Reader) (Report, error) {
	var rep Report
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return Report{}, fmt.Errorf("read reachability report: %w", err)
	}
	return rep, nil
}

// Compare sets what r adds and removes against base: flows by source,
// destination, protocol and ports, and their status.
func (r *Report) Compare(base Report) {
	key := func(f Flow) string { return f.Key() + " " + string(f.Status) }
	had := map[string]bool{}
	for _, f := range base.Flows {
		had[key(f)] = true
	}
	has := map[string]bool{}
	for _, f := range r.Flows {
		has[key(f)] = true
		if !had[key(f)] {
			r.Added = append(r.Added, f)
		}
	}
	for _, f := range base.Flows {
		if !has[key(f)] {
			r.Removed = append(r.Removed, f)
		}
	}
	r.Based = true
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Counts are the number of flows by status.
func (r Report) Counts() map[Status]int {
	out := map[Status]int{}
	for _, f := range r.Flows {
		out[f.Status]++
	}
	return out
}

func rulesOf(h Hop) string {
	if len(h.Rules) == 0 {
		if h.Detail != "" {
			return h.Detail
		}
		return "-"
	}
	return strings.Join(h.Rules, ", ")
}

// WriteTable writes the flows, each with its hops, and the findings.
func (r Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	c := r.Counts()
	fmt.Fprintf(&b, "reachability of %s: %d flows the security groups admit (%d admitted end to end, %d dropped by another hop, %d not judged)\n\n",
		r.Stack, len(r.Flows), c[Admitted], c[Dropped], c[NotJudged])
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FROM\tTO\tPROTOCOL\tPORTS\tSTATUS\tINTENDED")
	for _, f := range r.Flows {
		intended := f.Intended
		switch {
		case intended == "":
			intended = "NOT INTENDED"
		case f.Accepted != "":
			intended = "accepted: " + intended
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.From, f.To, f.Protocol, dash(f.Ports), f.Status, intended)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\nhops (the rules that admit each flow):\n")
	for _, f := range r.Flows {
		fmt.Fprintf(&b, "\n%s: %s\n", f.What(), f.Status)
		if f.Accepted != "" {
			fmt.Fprintf(&b, "  accepted: %s\n", f.Accepted)
		}
		if f.Note != "" {
			fmt.Fprintf(&b, "  note: %s\n", f.Note)
		}
		for _, h := range f.Hops {
			fmt.Fprintf(&b, "  %-40s %-12s %s\n", h.Name, h.Verdict, rulesOf(h))
		}
	}
	r.writeChanges(&b, false)
	b.WriteString("\n")
	writeFindings(&b, r.Findings, false)
	_, err := io.WriteString(w, b.String())
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeFindings(b *strings.Builder, fs []Finding, md bool) {
	failing := 0
	for _, f := range fs {
		if f.Kind != Unjudged {
			failing++
		}
	}
	if md {
		fmt.Fprintf(b, "**%d finding(s)** against the intended flows (network.VPCArgs.Intent)\n\n", failing)
	} else {
		fmt.Fprintf(b, "findings: %d against the intended flows (network.VPCArgs.Intent)\n", failing)
	}
	for _, f := range fs {
		if md {
			fmt.Fprintf(b, "- %s: %s\n", f.Kind, mdEscape(f.Message))
		} else {
			fmt.Fprintf(b, "  %s: %s\n", f.Kind, f.Message)
		}
	}
	if md && len(fs) > 0 {
		b.WriteString("\n")
	}
}

func (r Report) writeChanges(b *strings.Builder, md bool) {
	if !r.Based {
		return
	}
	if md {
		fmt.Fprintf(b, "\n**Against the base branch:** %d flow(s) added, %d removed\n\n", len(r.Added), len(r.Removed))
		for _, f := range r.Added {
			fmt.Fprintf(b, "- added: `%s` (%s)\n", f.What(), f.Status)
		}
		for _, f := range r.Removed {
			fmt.Fprintf(b, "- removed: `%s` (%s)\n", f.What(), f.Status)
		}
		return
	}
	fmt.Fprintf(b, "\nagainst the base: %d flow(s) added, %d removed\n", len(r.Added), len(r.Removed))
	for _, f := range r.Added {
		fmt.Fprintf(b, "  + %s (%s)\n", f.What(), f.Status)
	}
	for _, f := range r.Removed {
		fmt.Fprintf(b, "  - %s (%s)\n", f.What(), f.Status)
	}
}

// WriteChanges writes, in Markdown, the flows the change adds and removes
// against the base, for a pull-request comment.
func (r Report) WriteChanges(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Reachability changes of %s\n", r.Stack)
	if !r.Based {
		b.WriteString("\nNo base to compare with (the base branch's plan has no reachability report).\n")
	} else {
		r.writeChanges(&b, true)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// WriteMarkdown writes the flow matrix, a Mermaid diagram of the tiers
// and the admitted flows, the changes against the base and the findings,
// for a pull-request comment or a page.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	c := r.Counts()
	fmt.Fprintf(&b, "### Reachability of %s\n\n", r.Stack)
	fmt.Fprintf(&b, "%d flows the security groups admit: %d admitted end to end, %d dropped by another hop, %d not judged.\n\n",
		len(r.Flows), c[Admitted], c[Dropped], c[NotJudged])
	b.WriteString("| from | to | protocol | ports | status | intended |\n|---|---|---|---|---|---|\n")
	for _, f := range r.Flows {
		intended := f.Intended
		switch {
		case intended == "":
			intended = "**not intended**"
		case f.Accepted != "":
			intended = "accepted: " + f.Accepted
		}
		status := string(f.Status)
		if f.Note != "" {
			status += ": " + f.Note
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", f.From, f.To, f.Protocol, dash(f.Ports), mdEscape(status), mdEscape(intended))
	}
	b.WriteString("\n")
	r.WriteMermaid(&b)
	r.writeChanges(&b, true)
	b.WriteString("\n")
	writeFindings(&b, r.Findings, true)
	b.WriteString("<details><summary>Hops of each flow (the rules that admit it)</summary>\n\n")
	for _, f := range r.Flows {
		fmt.Fprintf(&b, "**%s**: %s\n\n| hop | verdict | rules |\n|---|---|---|\n", mdEscape(f.What()), f.Status)
		for _, h := range f.Hops {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", h.Name, h.Verdict, mdEscape(rulesOf(h)))
		}
		b.WriteString("\n")
	}
	b.WriteString("</details>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMermaid writes a Mermaid flowchart: the tiers as boxes, each party
// in its tier, and an arrow per admitted flow (dotted for flows another
// hop drops; a flow that is not intended in red).
func (r Report) WriteMermaid(b *strings.Builder) {
	ids := map[string]string{}
	id := func(label string) string {
		if v, ok := ids[label]; ok {
			return v
		}
		v := fmt.Sprintf("n%d", len(ids))
		ids[label] = v
		return v
	}
	b.WriteString("```mermaid\nflowchart LR\n")
	tiers := map[string][]PartyInfo{}
	var order []string
	outside := []string{}
	for _, p := range r.Parties {
		switch {
		case p.Kind == "internet":
			outside = append(outside, p.Label)
		case p.Kind == "gateway endpoint" || p.Tier == "":
			outside = append(outside, p.Label)
		default:
			if _, ok := tiers[p.Tier]; !ok {
				order = append(order, p.Tier)
			}
			tiers[p.Tier] = append(tiers[p.Tier], p)
		}
	}
	// Sources named after pieces of the internet are drawn outside too.
	for _, f := range r.Flows {
		for _, end := range []string{f.From, f.To} {
			if strings.HasPrefix(end, "internet") && !slices.Contains(outside, end) {
				outside = append(outside, end)
			}
		}
	}
	tierRank := map[string]int{"public": 0, "private": 1, "isolated": 2}
	slices.SortStableFunc(order, func(x, y string) int {
		rx, okx := tierRank[x]
		ry, oky := tierRank[y]
		switch {
		case okx && oky:
			return rx - ry
		case okx:
			return -1
		case oky:
			return 1
		}
		return strings.Compare(x, y)
	})
	for _, o := range outside {
		fmt.Fprintf(b, "  %s([\"%s\"])\n", id(o), o)
	}
	for _, t := range order {
		fmt.Fprintf(b, "  subgraph %s[\"%s tier\"]\n", "tier_"+t, t)
		for _, p := range tiers[t] {
			label := p.Label
			if len(p.Members) > 0 {
				label += "<br/>" + strings.Join(p.Members, "<br/>")
			} else if p.Declared {
				label += "<br/>(deployed elsewhere)"
			}
			fmt.Fprintf(b, "    %s[\"%s\"]\n", id(p.Label), label)
		}
		b.WriteString("  end\n")
	}
	type edge struct{ from, to string }
	labels := map[edge][]string{}
	admitted, unintended := map[edge]bool{}, map[edge]bool{}
	var edges []edge
	for _, f := range r.Flows {
		e := edge{f.From, f.To}
		if _, ok := labels[e]; !ok {
			edges = append(edges, e)
		}
		label := string(f.Protocol)
		if f.Ports != "" {
			label += " " + f.Ports
		}
		if f.Status != Admitted {
			label += " (" + string(f.Status) + ")"
		}
		labels[e] = append(labels[e], label)
		admitted[e] = admitted[e] || f.Status == Admitted
		unintended[e] = unintended[e] || f.Intended == ""
	}
	var red []int
	for i, e := range edges {
		arrow := "-->"
		if !admitted[e] {
			arrow = "-.->" // another hop drops every flow of the arrow
		}
		fmt.Fprintf(b, "  %s %s|\"%s\"| %s\n", id(e.from), arrow, strings.Join(labels[e], "<br/>"), id(e.to))
		if unintended[e] {
			red = append(red, i)
		}
	}
	for _, i := range red {
		fmt.Fprintf(b, "  linkStyle %d stroke:#d33,stroke-width:3px\n", i)
	}
	b.WriteString("```\n")
}
