package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Summary is the count of each outcome.
func (r Report) Summary() string {
	return fmt.Sprintf("pass %d, fail %d, not checked %d", r.Count(Pass), r.Count(Fail), r.Count(NotChecked))
}

// WriteTable writes one row per check: status, check, evidence.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "verify %s at %s\n\n", r.Stack, orDash(r.Endpoint))
	fmt.Fprintln(tw, "STATUS\tCHECK\tEVIDENCE")
	for _, res := range r.Results {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", res.Status, res.Check, oneLine(res.Evidence))
	}
	fmt.Fprintf(tw, "\n%s\n", r.Summary())
	return tw.Flush()
}

// jsonReport is the JSON document: the report and its counts.
type jsonReport struct {
	Report
	Pass       int `json:"pass"`
	Fail       int `json:"fail"`
	NotChecked int `json:"notChecked"`
}

// WriteJSON writes the report as one JSON document.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Report: r, Pass: r.Count(Pass), Fail: r.Count(Fail), NotChecked: r.Count(NotChecked)})
}

// WriteMarkdown writes a summary for a workflow's job summary
// ($GITHUB_STEP_SUMMARY): the counts, then the failures and the checks not
// made first, so that what needs a look is on top.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Deployed stack `%s`\n\n", r.Stack)
	fmt.Fprintf(&b, "Endpoint: %s. %s.\n\n", orDash(r.Endpoint), r.Summary())
	b.WriteString("| status | check | evidence |\n|---|---|---|\n")
	for _, s := range []Status{Fail, NotChecked, Pass} {
		for _, res := range r.Results {
			if res.Status == s {
				fmt.Fprintf(&b, "| %s | `%s` | %s |\n", icon(s), res.Check, cell(res.Evidence))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func icon(s Status) string {
	switch s {
	case Pass:
		return "✅ pass"
	case Fail:
		return "❌ fail"
	}
	return "⚪ not checked"
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(oneLine(s), "|", `\|`)
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
