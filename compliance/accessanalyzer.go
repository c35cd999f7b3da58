package compliance

import (
	"fmt"

	"github.com/example/hardening/internal/restype"
)

// accessAnalyzerRules judge the IAM Access Analyzer analyzers the stack
// registers.
func accessAnalyzerRules() []Rule { return []Rule{accessAnalyzerEveryRegion} }

// accessAnalyzerEveryRegion follows the CIS v3.0.0 1.20 audit ("Ensure
// that IAM Access analyzer is enabled for all regions": `aws
// accessanalyzer list-analyzers` in each Region shows an ACTIVE analyzer)
// and Security Hub IAM.28 (AWS Config iam-external-access-analyzer-enabled:
// an external access analyzer, of type ACCOUNT or ORGANIZATION, in the
// Region). Unused-access analyzers (ACCOUNT_UNUSED_ACCESS,
// ORGANIZATION_UNUSED_ACCESS) do not analyze external access. The type
// defaults to ACCOUNT.
var accessAnalyzerEveryRegion = Rule{ID: "access-analyzer-every-region", Controls: []string{"CIS 1.20", "SecurityHub IAM.28"}, Severity: Medium,
	Source:      "CIS AWS Foundations Benchmark v3.0.0 1.20 audit; https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-28; https://docs.aws.amazon.com/config/latest/developerguide/iam-external-access-analyzer-enabled.html",
	Description: "A stack that runs IAM Access Analyzer runs an external access analyzer (type ACCOUNT or ORGANIZATION) in every Region it deploys to. Part: the Regions the stack deploys to; whether the analyzer is ACTIVE is the deployed account's. Not judged while an analyzer's type or a provider's Region is computed at deployment.",
	Check: func(g *Graph) []Violation {
		analyzers := g.ByType(restype.AccessAnalyzerAnalyzer)
		if len(analyzers) == 0 {
			return nil // the account's analyzers belong to another stack
		}
		if providerRegionUnknown(g) {
			return []Violation{notJudged(analyzers[0])}
		}
		covered, unknown := map[string]bool{}, map[string]bool{}
		for _, a := range analyzers {
			region := g.RegionOf(a)
			switch t := a.Str("type"); {
			case a.Unknown("type"):
				unknown[region] = true
			case t == "ACCOUNT" || t == "ORGANIZATION" || t == "":
				covered[region] = true
			}
		}
		var out []Violation
		for _, region := range g.Regions() {
			switch {
			case covered[region]:
			case unknown[region]:
				out = append(out, notJudged(analyzers[0]))
			default:
				out = append(out, Violation{URN: analyzers[0].URN, Message: fmt.Sprintf("%s %s: the stack deploys to %s, which has no account analyzer; add one with a provider for that Region", shortType(analyzers[0].Type), analyzers[0].Name, regionName(region))})
			}
		}
		return out
	}}
