package compliance

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/example/hardening/internal/problem"
)

// Suppression waives one rule for matching resources, with a reason, in
// the style of cdk-nag suppressions. Suppressed findings stay in every
// report.
type Suppression struct {
	// Rule is the rule ID.
	Rule string `json:"rule" yaml:"rule"`
	// Resource is a URN, or a pattern (path.Match) of resource names.
	Resource string `json:"resource" yaml:"resource"`
	// Reason says why the finding is accepted; it is required.
	Reason string `json:"reason" yaml:"reason"`
}

func (s Suppression) matches(f Finding) bool {
	if s.Rule != f.Rule {
		return false
	}
	if s.Resource == f.URN {
		return true
	}
	ok, _ := path.Match(s.Resource, f.Name)
	return ok
}

// Finding is one rule failing for one resource.
type Finding struct {
	Rule       string   `json:"rule"`
	Controls   []string `json:"controls,omitempty"`
	Severity   Severity `json:"severity"`
	Mandatory  bool     `json:"mandatory"`
	URN        string   `json:"urn"`
	Type       string   `json:"type"`
	Name       string   `json:"name"`
	Message    string   `json:"message"`
	Suppressed bool     `json:"suppressed"`
	Reason     string   `json:"reason,omitempty"`
	// NotJudged marks a resource the rule could not judge (a value computed
	// at deployment); it does not block.
	NotJudged  bool   `json:"notJudged,omitempty"`
	SourceFile string `json:"sourceFile,omitempty"`
	SourceLine int    `json:"sourceLine,omitempty"`
}

// Report is the outcome of every rule on one stack.
type Report struct {
	Project   string    `json:"project"`
	Stack     string    `json:"stack"`
	Source    string    `json:"source"`
	Rules     int       `json:"rules"`
	Resources int       `json:"resources"`
	Findings  []Finding `json:"findings"`
	// Types are the resource types judged, sorted.
	Types []string `json:"types,omitempty"`
}

// Blocking returns the findings that fail a deployment: mandatory and not
// suppressed.
func (r *Report) Blocking() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Mandatory && !f.Suppressed && !f.NotJudged {
			out = append(out, f)
		}
	}
	return out
}

// NotJudged returns the findings of resources a rule could not judge.
func (r *Report) NotJudged() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.NotJudged {
			out = append(out, f)
		}
	}
	return out
}

// Evaluate runs rules over g and applies suppressions. A suppression of an
// unknown rule, without a reason, or that matches no finding is an error,
// so that stale waivers do not pile up.
func Evaluate(g *Graph, rules []Rule, sups []Suppression) (*Report, error) {
	byURN := map[string]Resource{}
	for _, r := range g.Resources {
		byURN[r.URN] = r
	}
	known := map[string]bool{}
	rep := &Report{Rules: len(rules), Resources: len(g.Resources), Findings: []Finding{}}
	for _, r := range g.Resources {
		if i, found := slices.BinarySearch(rep.Types, r.Type); !found {
			rep.Types = slices.Insert(rep.Types, i, r.Type)
		}
	}
	for _, rule := range rules {
		known[rule.ID] = true
		for _, v := range rule.Check(g) {
			res := byURN[v.URN]
			controls := rule.Controls
			if len(v.Controls) > 0 {
				controls = v.Controls
			}
			rep.Findings = append(rep.Findings, Finding{
				Rule: rule.ID, Controls: controls, Severity: rule.Severity, Mandatory: rule.Severity.Mandatory(),
				URN: v.URN, Type: res.Type, Name: res.Name, Message: v.Message, NotJudged: v.NotJudged,
				SourceFile: res.SourceFile, SourceLine: res.SourceLine,
			})
		}
	}
	var errs []error
	for i, s := range sups {
		switch {
		case !known[s.Rule]:
			errs = append(errs, fmt.Errorf("compliance.suppressions[%d]: rule %q does not exist", i, s.Rule))
			continue
		case s.Reason == "":
			errs = append(errs, fmt.Errorf("compliance.suppressions[%d]: %s on %q has no reason", i, s.Rule, s.Resource))
			continue
		}
		matched := false
		for j := range rep.Findings {
			if f := &rep.Findings[j]; s.matches(*f) {
				f.Suppressed, f.Reason, matched = true, s.Reason, true
			}
		}
		if !matched {
			errs = append(errs, fmt.Errorf("compliance.suppressions[%d]: %s on %q matches no finding; remove it", i, s.Rule, s.Resource))
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.Suppressed != b.Suppressed {
			return !a.Suppressed
		}
		if ra, rb := severityRank[a.Severity], severityRank[b.Severity]; ra != rb {
			return ra < rb
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.URN < b.URN
	})
	return rep, errors.Join(errs...)
}

var severityRank = map[Severity]int{Critical: 0, High: 1, Medium: 2, Low: 3}

// ReadSuppressions reads and checks the suppressions of a
// Pulumi.<stack>.yaml (key hardening:compliance). The compliance review
// owns that key: the stack configuration accepts it and leaves it to this
// function, which the plan and the policy pack both call.
func ReadSuppressions(stackFile string) ([]Suppression, error) {
	b, err := os.ReadFile(stackFile)
	if err != nil {
		return nil, fmt.Errorf("read suppressions: %w", err)
	}
	var doc struct {
		Config struct {
			Compliance yaml.Node `yaml:"hardening:compliance"`
		} `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("read suppressions: %s: %w", stackFile, err)
	}
	if doc.Config.Compliance.Kind == 0 {
		return nil, nil // no suppressions
	}
	var section struct {
		Suppressions []Suppression `yaml:"suppressions"`
	}
	if err := doc.Config.Compliance.Decode(&section); err != nil {
		return nil, &SuppressionError{Problems: problem.List{{Setting: "compliance", Message: fmt.Sprintf("cannot be read: %v", err)}}}
	}
	var ps problem.List
	if n := doc.Config.Compliance; n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; k != "suppressions" {
				ps.Add("compliance."+k, "is not a known setting; valid here: suppressions")
			}
		}
	}
	ps = append(ps, CheckSuppressions(section.Suppressions)...)
	if len(ps) > 0 {
		return nil, &SuppressionError{Problems: ps}
	}
	return section.Suppressions, nil
}

// CheckSuppressions reports every suppression that names no rule, matches
// no resource pattern or gives no reason worth the name, each at its key
// path (compliance.suppressions[1].rule).
func CheckSuppressions(sups []Suppression) problem.List {
	var ps problem.List
	for i, s := range sups {
		k := fmt.Sprintf("compliance.suppressions[%d]", i)
		if _, ok := Lookup(s.Rule); !ok {
			ps.Add(k+".rule", "%q is not a rule; the rules are %v", s.Rule, IDs())
		}
		if s.Resource == "" {
			ps.Add(k+".resource", "is empty; give a URN or a resource name pattern")
		} else if _, err := path.Match(s.Resource, ""); err != nil {
			ps.Add(k+".resource", "%q is not a name pattern (path.Match): %v", s.Resource, err)
		}
		if len(s.Reason) < 20 {
			ps.Add(k+".reason", "%q is too short; say why the finding is accepted and until when", s.Reason)
		}
	}
	return ps
}

// SuppressionError is every problem of a stack's suppressions.
type SuppressionError struct {
	Problems problem.List
}

func (e *SuppressionError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid suppressions (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the individual problems, for errors.Is and errors.As.
func (e *SuppressionError) Unwrap() []error { return e.Problems.Errors() }

// ProjectDir is where the policy pack finds the project's stack files:
// override when set, else the working directory if it holds Pulumi.yaml
// (the engine starts the analyzer in the project directory), else its
// parent (the pack's own directory beside the project, as in `go run
// ./policypack` from inside it).
func ProjectDir(override string) (string, error) {
	if override != "" {
		return override, nil
	}
	for _, dir := range []string{".", ".."} {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err == nil {
			return dir, nil
		}
	}
	wd, _ := os.Getwd()
	return "", fmt.Errorf("no Pulumi.yaml in %s or its parent; set HARDENING_PROJECT_DIR to the project directory", wd)
}
