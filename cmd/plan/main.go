// Command plan shows what a stack would create and judges it against the
// compliance rules, without an AWS account: it runs the real program under
// the mock harness with the stack's real Pulumi.<stack>.yaml.
//
//	go run ./cmd/plan -stack dev                      # tree, counts and findings table
//	go run ./cmd/plan -stack prod -json               # the plan as JSON
//	go run ./cmd/plan -stack prod -format sarif       # findings as SARIF 2.1.0
//	go run ./cmd/plan -stack prod -format markdown    # findings for a pull-request comment
//	go run ./cmd/plan -stack prod -from-preview p.json -format json
//
// With -from-preview the rules judge a real `pulumi preview --json` file
// instead of the mock-recorded graph. A configuration error prints every
// validation message and exits 1; so do blocking findings (mandatory and
// not suppressed) and suppressions that match nothing.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/mockaws"
	"github.com/example/hardening/plan"
	"github.com/example/hardening/stackconfig"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "dev", "stack name: reads Pulumi.<stack>.yaml")
	dir := fs.String("dir", ".", "project directory (holds Pulumi.yaml)")
	asJSON := fs.Bool("json", false, "write the plan as JSON instead of the tree and findings")
	format := fs.String("format", "", "write only the findings: json, sarif or markdown")
	fromPreview := fs.String("from-preview", "", "judge this `pulumi preview --json` file instead of the mock-recorded plan")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	switch *format {
	case "", "table", "json", "sarif", "markdown":
	default:
		fmt.Fprintf(stderr, "plan: -format %q: use json, sarif or markdown\n", *format)
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitFindings
	}
	s, err := mockaws.LoadStack(*dir, *stack)
	if err != nil {
		return fail(err)
	}
	// Validate first, so that a config error reads as the list of its
	// problems rather than through the Pulumi runtime's error wrapping.
	cfg, err := stackconfig.Parse(s.Value, s.IsSecret)
	if err != nil {
		return fail(fmt.Errorf("Pulumi.%s.yaml: %w", *stack, err))
	}
	var graph *compliance.Graph
	source := "offline plan under mocks"
	if *fromPreview != "" {
		f, err := os.Open(*fromPreview)
		if err != nil {
			return fail(err)
		}
		graph, err = compliance.ReadPreview(f)
		f.Close()
		if err != nil {
			return fail(err)
		}
		source = "pulumi preview " + filepath.Base(*fromPreview)
	} else {
		m, err := s.Run(baseline.Run)
		if err != nil {
			return fail(fmt.Errorf("stack %s: %w", *stack, err))
		}
		report := plan.NewReport(s.Project, s.Name, *dir, m.Resources())
		switch {
		case *asJSON:
			if err := report.WriteJSON(stdout); err != nil {
				return fail(err)
			}
			return exitOK
		case *format == "" || *format == "table":
			if err := report.WriteTree(stdout); err != nil {
				return fail(err)
			}
			fmt.Fprintln(stdout)
		}
		graph = plan.ComplianceGraph(m.Resources())
	}
	rules := compliance.Rules()
	rep, suppressErr := compliance.Evaluate(graph, rules, cfg.Compliance.Suppressions)
	rep.Project, rep.Stack, rep.Source = s.Project, s.Name, source
	root, _ := filepath.Abs(*dir)
	switch *format {
	case "json":
		err = compliance.WriteJSON(stdout, rep)
	case "sarif":
		err = compliance.WriteSARIF(stdout, rep, rules, root)
	case "markdown":
		err = compliance.WriteMarkdown(stdout, rep)
	default:
		err = compliance.WriteTable(stdout, rep)
	}
	if err := errors.Join(err, suppressErr); err != nil {
		return fail(err)
	}
	if b := rep.Blocking(); len(b) > 0 {
		fmt.Fprintf(stderr, "plan: %s: %d blocking finding(s), the first: %s\n", *stack, len(b), b[0].Message)
		return exitFindings
	}
	return exitOK
}
