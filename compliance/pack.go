package compliance

import (
	"context"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// PackName is the policy pack's name.
const PackName = "hardening-compliance"

// Pack is the rules as a Pulumi policy pack: one stack validation policy
// per rule, mandatory for critical and high severity and advisory below,
// reporting each violation against its resource. Findings that sups waive
// are not reported.
func Pack(sups []Suppression) (policyx.PolicyPack, error) {
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
				for _, f := range Findings(FromAnalyzer(args.Resources), rule, sups) {
					if !f.Suppressed {
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
	for _, r := range rs {
		g.Resources = append(g.Resources, Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, Parent: r.Parent,
			Dependencies: r.Dependencies, Inputs: FromPolicyMap(r.Properties),
		})
	}
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
