// Command scanner reconciles the compliance rules with an established
// scanner's: it plans each stack offline, plants single changes into the
// plans, converts every plan to Terraform's JSON plan format
// (plan/tfplan), runs Trivy's AWS misconfiguration checks on it, and
// compares Trivy's verdict with the project's for each check paired with
// a rule's control (mapping.go). tests/scanner/run.sh builds Trivy and
// runs it; docs/scanner-reconciliation.md records what it found and the
// decision on each disagreement.
//
//	go run ./tests/scanner -trivy /tmp/trivy-bin/trivy -out tests/scanner/results.json
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/plan"
	"github.com/example/hardening/plan/tfplan"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "scanner: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("scanner", flag.ContinueOnError)
	dir := fs.String("dir", ".", "project directory (holds Pulumi.yaml)")
	trivy := fs.String("trivy", "trivy", "the trivy binary")
	out := fs.String("out", "", "write the reconciled summary (JSON) to this file")
	work := fs.String("work", "", "directory for the converted plans and Trivy's reports (default: a temporary one)")
	stacks := fs.String("stacks", "dev,prod,bootstrap-dev,bootstrap-prod", "stacks to plan, comma-separated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *work == "" {
		d, err := os.MkdirTemp("", "scanner-")
		if err != nil {
			return fmt.Errorf("work directory: %w", err)
		}
		*work = d
	}
	graphs := map[string]*compliance.Graph{}
	sups := map[string][]compliance.Suppression{}
	for _, name := range strings.Split(*stacks, ",") {
		g, s, err := plan.StackGraph(*dir, name)
		if err != nil {
			return err
		}
		graphs[name], sups[name] = g, s
	}
	var cases []caseInput
	for _, name := range strings.Split(*stacks, ",") {
		cases = append(cases, caseInput{Name: name, Stack: name, Graph: graphs[name]})
	}
	for _, p := range planted {
		g, ok := graphs[p.Stack]
		if !ok {
			continue
		}
		c := cloneGraph(g)
		if err := p.Plant(c); err != nil {
			return fmt.Errorf("planted case %s: %w", p.Name, err)
		}
		cases = append(cases, caseInput{Name: p.Name, Stack: p.Stack, Planted: p.Change, Graph: c})
	}
	summary := Summary{Trivy: trivyVersion(*trivy), Pairs: len(checks)}
	for _, c := range cases {
		// A planted change's finding is expected: suppressions of the
		// stack still apply to the rest of the plan.
		rep, err := compliance.Evaluate(c.Graph, compliance.Rules(), sups[c.Stack])
		if err != nil && c.Planted == "" {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		tp := tfplan.Convert(c.Graph)
		caseDir := filepath.Join(*work, c.Name)
		if err := os.MkdirAll(caseDir, 0o750); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		f, err := os.Create(filepath.Join(caseDir, "tfplan.json")) // #nosec G304 -- the work directory the flag names
		if err != nil {
			return err
		}
		err = errors.Join(tp.Write(f), f.Close())
		if err != nil {
			return err
		}
		results, err := scan(*trivy, caseDir)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		summary.Cases = append(summary.Cases, reconcile(c, rep, tp, results))
	}
	summary.count()
	if err := summary.WriteText(stdout); err != nil {
		return err
	}
	if *out != "" {
		b, err := json.MarshalIndent(summary, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, append(b, '\n'), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", *out, err)
		}
	}
	return nil
}

// caseInput is one plan to scan: a stack's, or one with a planted change.
type caseInput struct {
	Name, Stack, Planted string
	Graph                *compliance.Graph
}

// misconfiguration is one of Trivy's results (its JSON report's
// Results[].Misconfigurations[]).
type misconfiguration struct {
	// ID is the check's ID ("AWS-0065"); AVDID is "AVD-" and it, set when
	// the report is read.
	ID            string `json:"ID"`
	AVDID         string `json:"-"`
	Title         string `json:"Title"`
	Status        string `json:"Status"`
	Message       string `json:"Message"`
	CauseMetadata struct {
		Resource string `json:"Resource"`
	} `json:"CauseMetadata"`
}

// scan runs Trivy's misconfiguration scanner on a directory holding one
// plan, offline, passes included.
func scan(trivy, dir string) ([]misconfiguration, error) {
	report := filepath.Join(dir, "trivy.json")
	cmd := exec.Command(trivy, "config", "--quiet", "--format", "json", "--include-non-failures", // #nosec G204 -- the trivy binary the flag names, with fixed arguments and the work directory
		"--skip-check-update", "--cache-dir", filepath.Join(dir, "cache"), "--output", report, dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("trivy config %s: %w", dir, err)
	}
	b, err := os.ReadFile(report) // #nosec G304 -- the report trivy just wrote in the work directory
	if err != nil {
		return nil, err
	}
	var doc struct {
		Results []struct {
			Target            string             `json:"Target"`
			Misconfigurations []misconfiguration `json:"Misconfigurations"`
		} `json:"Results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("read %s: %w", report, err)
	}
	var out []misconfiguration
	for _, r := range doc.Results {
		for _, m := range r.Misconfigurations {
			m.AVDID = "AVD-" + m.ID
			out = append(out, m)
		}
	}
	return out, nil
}

// trivyVersion is what `trivy --version` prints first.
func trivyVersion(trivy string) string {
	b, err := exec.Command(trivy, "--version").Output() // #nosec G204 -- the trivy binary the flag names
	if err != nil {
		return "unknown: " + err.Error()
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first)
}

// cloneGraph copies a graph deeply enough to plant a change in it.
func cloneGraph(g *compliance.Graph) *compliance.Graph {
	c := &compliance.Graph{Partition: g.Partition, Region: g.Region, Account: g.Account, Intent: g.Intent}
	for _, r := range g.Resources {
		r.Inputs = cloneValue(r.Inputs).(map[string]any)
		r.Dependencies = slices.Clone(r.Dependencies)
		deps := map[string][]string{}
		for k, v := range r.PropertyDependencies {
			deps[k] = slices.Clone(v)
		}
		r.PropertyDependencies = deps
		c.Resources = append(c.Resources, r)
	}
	return c
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	case compliance.Secret:
		return compliance.Secret{Value: cloneValue(x.Value)}
	}
	return v
}
