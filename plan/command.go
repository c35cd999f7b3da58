package plan

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/fleet"
	"github.com/example/hardening/internal/lambdabuild"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/network/reach"
	"github.com/example/hardening/plan/tfplan"
	"github.com/example/hardening/ratelimit/simulate"
	"github.com/example/hardening/ratelimit/simulate/chart"
	"github.com/example/hardening/stackconfig"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// Command is the plan command: it parses args, runs, writes to stdout and
// stderr, and returns the exit code. cmd/plan and the tests both call it.
func Command(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "dev", "stack name: reads Pulumi.<stack>.yaml")
	dir := fs.String("dir", ".", "project directory (holds Pulumi.yaml)")
	asJSON := fs.Bool("json", false, "write the plan as JSON instead of the tree and findings")
	format := fs.String("format", "", "write only the findings: json, sarif or markdown; or coverage: the controls each -stack (comma-separated) passes; or reachability: the flows the network admits (-json for machines); or tfplan: the plan as Terraform's JSON plan format, for plan scanners (docs/scanner-reconciliation.md)")
	base := fs.String("base", "", "with -format reachability, reachability-diff or markdown: a previous reachability JSON (the base branch's) to show the flows a change adds and removes")
	simulateWAF := fs.Bool("simulate-waf", false, "evaluate the plan's web ACL over request traces (built-in scenarios, or -scenario/-trace); exits 1 when a scenario's expectation fails")
	var scenarios stringList
	fs.Var(&scenarios, "scenario", "with -simulate-waf: a scenario file (docs/waf-simulation.md; repeatable) instead of the built-in ones")
	trace := fs.String("trace", "", "with -simulate-waf: a trace file (JSON Lines of requests, docs/waf-simulation.md) to replay")
	lag := fs.Float64("waf-lag", 30, "with -simulate-waf: the seconds WAF may take to start and stop limiting")
	plotDir := fs.String("plot", "", "with -simulate-waf: write a PNG chart per scenario (requests a second allowed and blocked) into this directory")
	fromPreview := fs.String("from-preview", "", "judge this `pulumi preview --json` file instead of the mock-recorded plan")
	sourceRoot := fs.String("source-root", "", "the repository root SARIF locations are relative to (default -dir)")
	guard := fs.Bool("guard", false, "with -from-preview: fail on a replacement or deletion of a resource whose loss loses data or cuts access")
	var allow stringList
	fs.Var(&allow, "allow-replace", "a URN the guard lets the preview replace or delete (repeatable; after review)")
	fleetFile := fs.String("fleet", "", "plan every stack of this fleet file (examples/fleet.yaml) in one process and judge them with the compliance and fleet rules")
	changed := fs.String("changed", "", "with -fleet: list the stacks whose digest (program and rendered configuration) differs from this git revision's")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *fleetFile != "" {
		return fleetCommand(stdout, stderr, *dir, *fleetFile, *changed)
	}
	if *guard && *fromPreview == "" {
		fmt.Fprintln(stderr, "plan: -guard needs -from-preview: only a real preview says what would be replaced")
		return exitUsage
	}
	switch *format {
	case "", "table", "json", "sarif", "markdown", "coverage", "reachability", "reachability-diff", "reachability-page", "reachability-summary", "tfplan":
	default:
		fmt.Fprintf(stderr, "plan: -format %q: use json, sarif, markdown, coverage, reachability or tfplan\n", *format)
		return exitUsage
	}
	if *format == "coverage" && (*fromPreview != "" || *asJSON || *guard) {
		fmt.Fprintln(stderr, "plan: -format coverage judges the offline plans of the stacks given with -stack (comma-separated); it takes no -from-preview, -json or -guard")
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitFindings
	}
	// The engine runs the program in the project directory, where the
	// stack's relative paths (secrets.rotationArtifact) resolve; so does
	// the plan. Paths given on the command line stay relative to where it
	// was started.
	for _, p := range []*string{fromPreview, sourceRoot, dir, base, trace, plotDir} {
		if *p != "" {
			abs, err := filepath.Abs(*p)
			if err != nil {
				return fail(err)
			}
			*p = abs
		}
	}
	if wd, err := os.Getwd(); err == nil && wd != *dir {
		if err := os.Chdir(*dir); err != nil {
			return fail(fmt.Errorf("-dir: %w", err))
		}
		defer func() { _ = os.Chdir(wd) }() // best effort: the command is done
	}
	if *format == "coverage" {
		if err := writeCoverage(stdout, *dir, strings.Split(*stack, ",")); err != nil {
			return fail(err)
		}
		return exitOK
	}
	switch *format {
	case "reachability-page":
		if err := writePage(stdout, *dir, strings.Split(*stack, ","), *plotDir); err != nil {
			return fail(err)
		}
		return exitOK
	case "reachability-summary":
		if err := writeSummary(stdout, *dir, strings.Split(*stack, ",")); err != nil {
			return fail(err)
		}
		return exitOK
	}
	s, err := mockaws.LoadStack(*dir, *stack)
	if err != nil {
		return fail(err)
	}
	// Validate first, so that a config error reads as the list of its
	// problems rather than through the Pulumi runtime's error wrapping.
	cfg, sups, err := checkStack(*dir, s)
	if err != nil {
		return fail(err)
	}
	if *fromPreview == "" {
		if err := ensureArtifact(*dir, cfg, stderr); err != nil {
			return fail(err)
		}
	}
	var graph *compliance.Graph
	source := "offline plan under mocks"
	if *fromPreview != "" {
		f, err := os.Open(*fromPreview)
		if err != nil {
			return fail(err)
		}
		graph, err = compliance.ReadPreview(f)
		_ = f.Close() // read-only: a close error loses nothing
		if err != nil {
			return fail(err)
		}
		source = "pulumi preview " + filepath.Base(*fromPreview)
	} else {
		m, err := s.Run(baseline.Run)
		if err != nil {
			return fail(fmt.Errorf("stack %s: %w", *stack, err))
		}
		report := NewReport(s.Project, s.Name, *dir, m.Resources())
		switch {
		case *asJSON && *format != "reachability" && *format != "tfplan" && !*simulateWAF:
			if err := report.WriteJSON(stdout); err != nil {
				return fail(err)
			}
			return exitOK
		case (*format == "" || *format == "table") && !*simulateWAF:
			if err := report.WriteTree(stdout); err != nil {
				return fail(err)
			}
			fmt.Fprintln(stdout)
		}
		graph = ComplianceGraph(m.Resources())
	}
	graph.Intent = baseline.NetworkIntent(s.Project, s.Name, cfg)
	if *format == "tfplan" {
		if err := tfplan.Convert(graph).Write(stdout); err != nil {
			return fail(err)
		}
		return exitOK
	}
	if *simulateWAF {
		for i := range scenarios {
			if abs, err := filepath.Abs(scenarios[i]); err == nil {
				scenarios[i] = abs
			}
		}
		rep, err := WAFReport(graph, *stack, scenarios, *trace, simulate.Options{Lag: *lag})
		if err != nil {
			return fail(err)
		}
		out := *format
		if *asJSON {
			out = "json"
		}
		failed, err := writeWAF(stdout, rep, out, *plotDir, chart.WriteAll)
		if err != nil {
			return fail(err)
		}
		if len(failed) > 0 {
			fmt.Fprintf(stderr, "plan: %s: %d WAF scenario(s) failed their expectation, the first: %s: %s\n", *stack, len(failed), failed[0].Name, failed[0].Failures[0])
			return exitFindings
		}
		return exitOK
	}
	if (*format == "reachability" || *format == "reachability-diff") && cfg.Kind == stackconfig.Bootstrap {
		fmt.Fprintf(stdout, "%s/%s: a bootstrap stack has no network to analyze\n", s.Project, s.Name)
		return exitOK
	}
	if *format == "reachability" || *format == "reachability-diff" {
		out := ""
		switch {
		case *asJSON:
			out = "json"
		case *format == "reachability-diff":
			out = "diff"
		}
		blocking, err := writeReachability(stdout, graph, sups, *stack, source, *base, out)
		if err != nil {
			return fail(err)
		}
		if len(blocking) > 0 {
			fmt.Fprintf(stderr, "plan: %s: %d blocking reachability finding(s), the first: %s\n", *stack, len(blocking), blocking[0].Message)
			return exitFindings
		}
		return exitOK
	}
	rules := compliance.Rules()
	if *guard {
		rules = append(rules, compliance.GuardRule(allow))
	}
	rep, suppressErr := compliance.Evaluate(graph, rules, sups)
	rep.Project, rep.Stack, rep.Source = s.Project, s.Name, source
	if *sourceRoot == "" {
		*sourceRoot = *dir
	}
	root, _ := filepath.Abs(*sourceRoot)
	switch *format {
	case "json":
		err = compliance.WriteJSON(stdout, rep)
	case "sarif":
		err = compliance.WriteSARIF(stdout, rep, rules, root)
	case "markdown":
		// The pull-request comment: the findings, then the network's flows
		// and their diagram (and, with -base, what the change adds and
		// removes).
		err = compliance.WriteMarkdown(stdout, rep)
		if err == nil && graph.Intent != nil { // a bootstrap stack has no network
			var r reach.Report
			if r, err = Reachability(graph, *stack, source, *base); err == nil {
				err = r.WriteMarkdown(stdout)
			}
		}
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

// writeCoverage judges each stack's offline plan and writes the coverage
// report of the controls against them.
func writeCoverage(w io.Writer, dir string, stacks []string) error {
	var reports []*compliance.Report
	for _, name := range stacks {
		g, sups, err := StackGraph(dir, name)
		if err != nil {
			return err
		}
		rep, err := compliance.Evaluate(g, compliance.Rules(), sups)
		if err != nil {
			return fmt.Errorf("stack %s: %w", name, err)
		}
		reports = append(reports, rep)
	}
	return compliance.WriteCoverage(w, compliance.Rules(), stacks, reports)
}

// StackGraph runs a stack's offline plan (the program under the mocks,
// with Pulumi.<stack>.yaml in dir) and returns its compliance graph, its
// network intent set, and the stack file's suppressions.
func StackGraph(dir, name string) (*compliance.Graph, []compliance.Suppression, error) {
	s, err := mockaws.LoadStack(dir, name)
	if err != nil {
		return nil, nil, err
	}
	cfg, sups, err := checkStack(dir, s)
	if err != nil {
		return nil, nil, err
	}
	if err := ensureArtifact(dir, cfg, io.Discard); err != nil {
		return nil, nil, err
	}
	m, err := s.Run(baseline.Run)
	if err != nil {
		return nil, nil, fmt.Errorf("stack %s: %w", name, err)
	}
	g := ComplianceGraph(m.Resources())
	g.Intent = baseline.NetworkIntent(s.Project, s.Name, cfg)
	return g, sups, nil
}

// checkStack validates the stack's configuration and its suppressions
// and returns the suppressions; an error lists every problem of both, so
// one run shows them all.
func checkStack(dir string, s *mockaws.Stack) (*stackconfig.Config, []compliance.Suppression, error) {
	cfg, cfgErr := stackconfig.ParseKeys(s.Keys(), s.Value, s.IsSecret)
	sups, supErr := compliance.ReadSuppressions(filepath.Join(dir, "Pulumi."+s.Name+".yaml"))
	if cfgErr == nil && supErr == nil {
		return cfg, sups, nil
	}
	all := &stackconfig.Error{}
	for _, err := range []error{cfgErr, supErr} {
		var multi interface{ Unwrap() []error }
		switch {
		case err == nil:
		case errors.As(err, &multi):
			all.Problems = append(all.Problems, multi.Unwrap()...)
		default:
			all.Problems = append(all.Problems, err)
		}
	}
	return nil, nil, fmt.Errorf("Pulumi.%s.yaml: %w", s.Name, all)
}

// ensureArtifact builds the rotation function's zip when the stack rotates
// a secret and the zip is missing or older than its sources, so that a
// fresh clone plans with no step before it.
func ensureArtifact(dir string, cfg *stackconfig.Config, log io.Writer) error {
	if !slices.ContainsFunc(cfg.Secrets.Inventory, stackconfig.Secret.Rotated) {
		return nil
	}
	built, err := lambdabuild.Ensure(dir, lambdabuild.Package, cfg.Secrets.RotationArtifact)
	if err != nil {
		return fmt.Errorf("secrets.rotationArtifact: building the rotation function: %w", err)
	}
	if built {
		fmt.Fprintf(log, "plan: built %s, the rotation function (it was missing or older than its sources)\n", cfg.Secrets.RotationArtifact)
	}
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// fleetCommand is plan -fleet: the whole fleet's offline plan, or with
// -changed the stacks a change touches.
func fleetCommand(stdout, stderr io.Writer, dir, path, changed string) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "plan: %v\n", err)
		return exitFindings
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fail(err)
	}
	if path, err = filepath.Abs(path); err != nil {
		return fail(err)
	}
	// The stacks' relative paths (secrets.rotationArtifact) resolve in the
	// project directory, as in the engine.
	if wd, err := os.Getwd(); err == nil && wd != dir {
		if err := os.Chdir(dir); err != nil {
			return fail(fmt.Errorf("-dir: %w", err))
		}
		defer func() { _ = os.Chdir(wd) }() // best effort: the command is done
	}
	if changed != "" {
		names, err := Changed(dir, path, changed)
		if err != nil {
			return fail(err)
		}
		for _, n := range names {
			fmt.Fprintln(stdout, n)
		}
		fmt.Fprintf(stderr, "plan: %d stacks changed since %s\n", len(names), changed)
		return exitOK
	}
	f, err := fleet.Read(path)
	if err != nil {
		return fail(err)
	}
	res, err := PlanFleet(dir, f)
	if err != nil {
		return fail(err)
	}
	if err := res.WriteFleet(stdout, path); err != nil {
		return fail(err)
	}
	if b := compliance.BlockingFleet(res.Fleet, compliance.FleetRules()); res.Blocking > 0 || len(b) > 0 {
		fmt.Fprintf(stderr, "plan: fleet: %d blocking finding(s) and %d blocking fleet violation(s)\n", res.Blocking, len(b))
		return exitFindings
	}
	return exitOK
}
