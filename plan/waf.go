package plan

import (
	"fmt"
	"io"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/ratelimit/simulate"
)

// WAFReport simulates the web ACL of g over the built-in scenarios, or
// over those in scenarioFiles and the trace in traceFile when given.
func WAFReport(g *compliance.Graph, stack string, scenarioFiles []string, traceFile string, o simulate.Options) (simulate.Report, error) {
	acl, err := simulate.FromGraph(g)
	if err != nil {
		return simulate.Report{}, err
	}
	var scenarios []simulate.Scenario
	for _, f := range scenarioFiles {
		s, err := simulate.ReadScenario(f)
		if err != nil {
			return simulate.Report{}, err
		}
		scenarios = append(scenarios, s)
	}
	if traceFile != "" {
		s, err := simulate.TraceScenario(traceFile)
		if err != nil {
			return simulate.Report{}, err
		}
		scenarios = append(scenarios, s)
	}
	if len(scenarios) == 0 {
		if scenarios, err = simulate.Builtin(); err != nil {
			return simulate.Report{}, err
		}
	}
	return simulate.Simulate(stack, acl, scenarios, o)
}

// writeWAF writes the simulation, and charts into plotDir when set; it
// returns the scenarios whose expectation failed.
func writeWAF(w io.Writer, rep simulate.Report, format, plotDir string, plot func(dir string, rep simulate.Report) error) ([]simulate.Result, error) {
	var err error
	switch format {
	case "json":
		err = rep.WriteJSON(w)
	case "markdown":
		err = rep.WriteMarkdown(w)
	default:
		err = rep.WriteText(w)
	}
	if err == nil && plotDir != "" {
		if plot == nil {
			return nil, fmt.Errorf("-plot: no chart writer")
		}
		err = plot(plotDir, rep)
	}
	return rep.Failed(), err
}
