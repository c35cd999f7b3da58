package compliance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// PackName is the policy pack's name.
const PackName = "hardening-compliance"

// SuppressionsOf returns the suppressions of a stack, by name.
type SuppressionsOf func(stack string) ([]Suppression, error)

// Fixed is a SuppressionsOf that gives sups whatever the stack.
func Fixed(sups []Suppression) SuppressionsOf {
	return func(string) ([]Suppression, error) { return sups, nil }
}

// StackOf is the stack of the resources a pack judges, read from their
// URNs ("urn:pulumi:<stack>::<project>::..."): the engine names it there,
// so the pack never judges one stack with another's suppressions.
func StackOf(rs []policyx.AnalyzerResource) (string, error) {
	stack := ""
	for _, r := range rs {
		rest, ok := strings.CutPrefix(r.URN, "urn:pulumi:")
		if !ok {
			continue
		}
		s, _, _ := strings.Cut(rest, "::")
		if stack != "" && s != stack {
			return "", fmt.Errorf("resources of two stacks, %s and %s", stack, s)
		}
		stack = s
	}
	if stack == "" {
		return "", fmt.Errorf("no resource names its stack")
	}
	return stack, nil
}

// Pack is the rules as a Pulumi policy pack: one stack validation policy
// per rule, mandatory for critical and high severity and advisory below,
// reporting each violation against its resource. Findings that the judged
// stack's suppressions (from suppressionsOf, read once per stack) waive
// are not reported; if they cannot be read, every policy fails with why.
func Pack(suppressionsOf SuppressionsOf) (policyx.PolicyPack, error) {
	var (
		mu     sync.Mutex
		loaded = map[string][]Suppression{}
	)
	stackSuppressions := func(rs []policyx.AnalyzerResource) ([]Suppression, error) {
		stack, err := StackOf(rs)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot tell which stack is judged: %w", PackName, err)
		}
		mu.Lock()
		defer mu.Unlock()
		if sups, ok := loaded[stack]; ok {
			return sups, nil
		}
		sups, err := suppressionsOf(stack)
		if err != nil {
			return nil, fmt.Errorf("%s: suppressions of stack %s: %w", PackName, stack, err)
		}
		loaded[stack] = sups
		return sups, nil
	}
	var policies []policyx.Policy
	for _, rule := range Rules() {
		level := policyx.EnforcementLevelAdvisory
		if rule.Severity.Mandatory() {
			level = policyx.EnforcementLevelMandatory
		}
		policies = append(policies, policyx.NewStackValidationPolicy(rule.ID, policyx.StackValidationPolicyArgs{
			Description:      rule.Description + controlsSuffix(rule.Controls),
			EnforcementLevel: level,
			ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
				sups, err := stackSuppressions(args.Resources)
				if err != nil {
					return err
				}
				for _, f := range Findings(FromAnalyzer(args.Resources), rule, sups) {
					// A value computed at deployment cannot be judged in a
					// preview; a violation would block on a guess. The
					// offline plan and -from-preview report these.
					if !f.Suppressed && !f.NotJudged {
						args.Manager.ReportViolation(f.Message, f.URN)
					}
				}
				return nil
			},
		}))
	}
	return policyx.NewPolicyPack(PackName, semver.MustParse(Version), policyx.EnforcementLevelAdvisory, policies)
}

// FromAnalyzer is the graph of the resources a policy pack receives.
func FromAnalyzer(rs []policyx.AnalyzerResource) *Graph {
	g := &Graph{}
	seen := map[string]bool{}
	providers := map[string]policyx.AnalyzerProviderResource{}
	for _, r := range rs {
		seen[r.URN] = true
		p := ProviderURN(r.Provider.URN)
		if p != "" {
			providers[p] = r.Provider
		}
		g.Resources = append(g.Resources, Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, Parent: r.Parent,
			Dependencies: r.Dependencies, Provider: p, Inputs: FromPolicyMap(r.Properties),
			PropertyDependencies: r.PropertyDependencies,
		})
	}
	// The engine sends each resource's provider with it; add those the list
	// lacks, so that their Region is known.
	for urn, p := range providers {
		if !seen[urn] {
			g.Resources = append(g.Resources, Resource{Type: p.Type, Name: p.Name, URN: urn, Inputs: FromPolicyMap(p.Properties)})
		}
	}
	slices.SortFunc(g.Resources[len(rs):], func(a, b Resource) int { return strings.Compare(a.URN, b.URN) })
	return g
}

// Findings runs one rule with suppressions that name it; it ignores
// suppressions that match nothing (Evaluate reports those).
func Findings(g *Graph, rule Rule, sups []Suppression) []Finding {
	var mine []Suppression
	for _, s := range sups {
		if s.Rule == rule.ID && s.Reason != "" {
			mine = append(mine, s)
		}
	}
	rep, _ := Evaluate(g, []Rule{rule}, mine)
	return rep.Findings
}
