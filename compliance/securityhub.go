package compliance

import (
	"fmt"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// securityHubRules judge the Security Hub hubs and standards the stack
// registers.
func securityHubRules() []Rule { return []Rule{securityHubEveryRegion, securityHubStandards} }

// regionName is how a finding names a Region ("" is the stack's own, not
// known yet).
func regionName(region string) string {
	if region == "" {
		return "the stack's Region"
	}
	return region
}

// providerRegionUnknown reports whether an AWS provider's Region is
// computed at deployment: it may be any Region.
func providerRegionUnknown(g *Graph) bool {
	for _, p := range g.ByType(restype.ProviderAWS) {
		if p.Unknown("region") {
			return true
		}
	}
	return false
}

// securityHubEveryRegion follows the CIS v3.0.0 4.16 audit ("Ensure AWS
// Security Hub is enabled": `aws securityhub describe-hub` in each Region
// returns a hub). Security Hub is Regional and the stack deploys to every
// Region of its providers, so each of them needs a securityhub.Account
// with that Region's provider. A stack without a hub leaves Security Hub
// to the account's other stack (the coverage report says so).
var securityHubEveryRegion = Rule{ID: "securityhub-every-region", Controls: []string{"CIS 4.16"}, Severity: Medium,
	Source:      "CIS AWS Foundations Benchmark v3.0.0 4.16 audit (describe-hub in each Region); https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html",
	Description: "A stack that enables Security Hub enables it (securityhub.Account) in every Region it deploys to: each of its AWS providers' Regions and those of its resources and secret replicas. Part: the Regions the stack deploys to, not every Region of the account. Not judged while a provider's Region is computed at deployment.",
	Check: func(g *Graph) []Violation {
		hubs := g.ByType(restype.SecurityHubAccount)
		if len(hubs) == 0 {
			return nil // the account's hub belongs to another stack
		}
		if providerRegionUnknown(g) {
			return []Violation{notJudged(hubs[0])}
		}
		covered := map[string]bool{}
		for _, h := range hubs {
			covered[g.RegionOf(h)] = true
		}
		var out []Violation
		for _, region := range g.Regions() {
			if !covered[region] {
				out = append(out, Violation{URN: hubs[0].URN, Message: fmt.Sprintf("%s %s: the stack deploys to %s, where Security Hub is not enabled; add a securityhub.Account with a provider for that Region", shortType(hubs[0].Type), hubs[0].Name, regionName(region))})
			}
		}
		return out
	}}

// hubStandards are the standards this review judges by (audit.Standards):
// FSBP v1.0.0 and CIS AWS Foundations v3.0.0, by their ARN's path.
var hubStandards = []string{"standards/aws-foundational-security-best-practices/v/1.0.0", "standards/cis-aws-foundations-benchmark/v/3.0.0"}

// securityHubStandards is the project's own: the hub in the stack's Region
// subscribes, in that Region, to the standards the review judges by.
// Standards evaluate their controls with AWS Config rules, which need a
// recorder in the Region (Security Hub user guide, "Enabling AWS Config");
// the stack's configuration asserts one in its own Region only
// (audit.configRecorderExists), so the hubs of its other Regions collect
// findings without standards.
var securityHubStandards = Rule{ID: "securityhub-standards", Severity: Medium,
	Source:      "docs/compliance.md; https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-prereq-config.html (standards need AWS Config recording in the Region)",
	Description: "Where the stack enables Security Hub in its own Region, it subscribes there to FSBP v1.0.0 and CIS AWS Foundations v3.0.0. Not judged while a subscription's standard is computed at deployment.",
	Check: func(g *Graph) []Violation {
		subs := g.ByType(restype.SecurityHubStandardsSubscription)
		var out []Violation
		for _, h := range g.ByType(restype.SecurityHubAccount) {
			region := g.RegionOf(h)
			if region != g.Region {
				continue
			}
			have, unknown := map[string]bool{}, false
			for _, s := range subs {
				if g.RegionOf(s) != region {
					continue
				}
				if s.Unknown("standardsArn") {
					unknown = true
					continue
				}
				arn := s.Str("standardsArn")
				for _, want := range hubStandards {
					// The ARN's Region, when it names one, is the hub's.
					if strings.HasSuffix(arn, "::"+want) && (region == "" || strings.Contains(arn, ":"+region+"::")) {
						have[want] = true
					}
				}
			}
			for _, want := range hubStandards {
				switch {
				case have[want]:
				case unknown:
					out = append(out, notJudged(h))
				default:
					out = append(out, Violation{URN: h.URN, Message: fmt.Sprintf("%s %s: does not subscribe to %s in %s; add a securityhub.StandardsSubscription", shortType(h.Type), h.Name, strings.TrimPrefix(want, "standards/"), regionName(region))})
				}
			}
		}
		return out
	}}
