package plan

import (
	"fmt"
	"io"
	"os"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/network/reach"
)

// Reachability is the reachability report of a graph whose Intent is set,
// compared with the report in baseFile when one is given.
func Reachability(g *compliance.Graph, stack, source, baseFile string) (reach.Report, error) {
	if g.Intent == nil {
		return reach.Report{}, fmt.Errorf("reachability of %s: no intended flows", stack)
	}
	rep := reach.NewReport(stack, source, reach.Analyze(compliance.NetworkOf(g), *g.Intent))
	if baseFile != "" {
		f, err := os.Open(baseFile) // #nosec G304 -- a path the user gives on the command line
		if err != nil {
			return reach.Report{}, fmt.Errorf("-base: %w", err)
		}
		defer func() { _ = f.Close() }() // read-only
		base, err := reach.ReadReport(f)
		if err != nil {
			return reach.Report{}, fmt.Errorf("-base %s: %w", baseFile, err)
		}
		rep.Compare(base)
	}
	return rep, nil
}

// writeReachability writes the report as a table, JSON or Markdown, and
// the blocking findings of the reachability rule after the stack's
// suppressions.
func writeReachability(w io.Writer, g *compliance.Graph, sups []compliance.Suppression, stack, source, baseFile, format string) ([]compliance.Finding, error) {
	rep, err := Reachability(g, stack, source, baseFile)
	if err != nil {
		return nil, err
	}
	switch format {
	case "json":
		err = rep.WriteJSON(w)
	case "markdown":
		err = rep.WriteMarkdown(w)
	case "diff":
		err = rep.WriteChanges(w)
	default:
		err = rep.WriteTable(w)
	}
	rule, _ := compliance.Lookup(compliance.ReachabilityRule)
	var blocking []compliance.Finding
	for _, f := range compliance.Findings(g, rule, sups) {
		if f.Suppressed && format == "" {
			fmt.Fprintf(w, "  suppressed (%s): %s\n", f.Reason, f.Message)
		}
		if f.Mandatory && !f.Suppressed && !f.NotJudged {
			blocking = append(blocking, f)
		}
	}
	return blocking, err
}
