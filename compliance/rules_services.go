package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// fewZones says what is wrong when a resource placed in n subnets spans
// fewer than two Availability Zones: fewer than two subnets, or subnets the
// plan registers (its dependencies) all in one zone. Subnets from outside
// the plan are counted, not placed.
func fewZones(g *Graph, r Resource, n int) string {
	if n < 2 {
		return fmt.Sprintf("is in %d subnet(s); give it subnets in two or more Availability Zones", n)
	}
	var zones []string
	subnets := 0
	for _, s := range g.ByType(restype.EC2Subnet) {
		if !slices.Contains(r.Dependencies, s.URN) {
			continue
		}
		subnets++
		z := s.Str("availabilityZone") + s.Str("availabilityZoneId")
		if z != "" && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	if subnets >= n && len(zones) == 1 {
		return fmt.Sprintf("has all %d subnets in %s; give it subnets in two or more Availability Zones", n, zones[0])
	}
	return ""
}

// endpointControls are the FSBP controls that ask each VPC for an
// interface endpoint of one service (Security Hub EC2.10 and EC2.55-60).
var endpointControls = []struct{ control, service, why string }{
	{"EC2.10", "ec2", "instances and tools that call the EC2 API"},
	{"EC2.55", "ecr.api", "ECS or EKS workloads that pull images"},
	{"EC2.56", "ecr.dkr", "ECS or EKS workloads that pull images"},
	{"EC2.57", "ssm", "Systems Manager (Session Manager, Parameter Store)"},
	{"EC2.58", "ssm-contacts", "Incident Manager contacts"},
	{"EC2.60", "ssm-incidents", "Incident Manager"},
}

// endpointRules has one rule per control, so that a stack can waive the
// services it does not use one by one, with its reason.
func endpointRules() []Rule {
	var out []Rule
	for _, e := range endpointControls {
		out = append(out, Rule{
			ID: "ec2-endpoint-" + e.service, Controls: []string{"FSBP " + e.control}, Severity: Low,
			Description: fmt.Sprintf("Every VPC reaches %s through an interface endpoint, not the internet (for %s).", e.service, e.why),
			Check: func(g *Graph) []Violation {
				return forEach(restype.EC2VPC, func(v Resource) string {
					for _, ep := range g.Dependents(v.URN, restype.EC2VPCEndpoint) {
						if strings.HasSuffix(ep.Str("serviceName"), "."+e.service) && ep.Str("vpcEndpointType") == "Interface" {
							return ""
						}
					}
					return fmt.Sprintf("has no interface endpoint for %s; add %q to network.interfaceEndpoints, or suppress with the reason the VPC does not call it", e.service, e.service)
				})(g)
			},
		})
	}
	return out
}

// tlsCerts are the pulumi-tls certificates an imported ACM certificate is
// made from, the leaf (signed by a CA) before a self-signed one.
var tlsCerts = []string{restype.TLSLocallySignedCert, restype.TLSSelfSignedCert}

func serviceRules() []Rule {
	return []Rule{
		// ACM.1 fails a certificate within 30 days of expiry. What a plan
		// decides is whether anything renews it in time: ACM renews a
		// DNS-validated certificate whose record stays; an imported one is
		// renewed only by a `pulumi up` after its early-renewal point.
		{ID: "acm-renewal", Controls: []string{"FSBP ACM.1"}, Severity: Medium,
			Description: "Certificates renew before their last 30 days: ACM-issued ones are DNS-validated (ACM renews them unattended); imported ones come from a pulumi-tls certificate whose earlyRenewalHours is 720 or more, so any `pulumi up` in the last 30 days replaces them.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.ACMCertificate, func(r Resource) string {
					if _, imported := r.Inputs["privateKey"]; !imported {
						if m := r.Str("validationMethod"); m != "DNS" {
							return fmt.Sprintf("is validated by %s, which ACM cannot renew unattended; use DNS validation", m)
						}
						return ""
					}
					for _, typ := range tlsCerts {
						for _, c := range g.ByType(typ) {
							if !slices.Contains(r.Dependencies, c.URN) {
								continue
							}
							if h, _ := c.Num("earlyRenewalHours"); h < 720 {
								return fmt.Sprintf("is imported from %s, which renews only %d hours before expiry; set earlyRenewalHours 720 or more", c.Name, int(h))
							}
							return ""
						}
					}
					return "is imported from outside the stack: nothing renews it; request it from ACM with DNS validation or make it with pulumi-tls"
				})(g)
			}},
		{ID: "access-analyzer-every-region", Controls: []string{"CIS 1.20", "SecurityHub IAM.28"}, Severity: Medium,
			Description: "A stack that runs IAM Access Analyzer runs an account (or organization) analyzer in every Region it deploys to.",
			Check: func(g *Graph) []Violation {
				analyzers := g.ByType(restype.AccessAnalyzerAnalyzer)
				if len(analyzers) == 0 {
					return nil // the account's analyzers belong to another stack
				}
				covered := map[string]bool{}
				for _, a := range analyzers {
					if t := a.Str("type"); t == "ACCOUNT" || t == "ORGANIZATION" || t == "" {
						covered[g.RegionOf(a)] = true
					}
				}
				var out []Violation
				for _, region := range g.Regions() {
					if !covered[region] {
						name := region
						if name == "" {
							name = "the stack's Region"
						}
						out = append(out, Violation{URN: analyzers[0].URN, Message: fmt.Sprintf("%s %s: the stack deploys to %s, which has no account analyzer; add one with a provider for that Region", shortType(analyzers[0].Type), analyzers[0].Name, name)})
					}
				}
				return out
			}},
		// CIS v3.0.0 4.16 "Ensure AWS Security Hub is enabled": the audit
		// runs describe-hub in each Region; Security Hub is Regional, so
		// the Regions the stack deploys to each need a hub.
		{ID: "securityhub-every-region", Controls: []string{"CIS 4.16"}, Severity: Medium,
			Description: "A stack that enables Security Hub enables it (securityhub.Account) in every Region it deploys to (CIS 4.16 audit: describe-hub in each Region); a stack without it leaves it to the account's other stack.",
			Check: func(g *Graph) []Violation {
				hubs := g.ByType(restype.SecurityHubAccount)
				if len(hubs) == 0 {
					return nil // the account's hub belongs to another stack
				}
				for _, p := range g.ByType(restype.ProviderAWS) {
					if p.Unknown("region") {
						// A Region computed at deployment may be any.
						return []Violation{notJudged(hubs[0])}
					}
				}
				covered := map[string]bool{}
				for _, h := range hubs {
					covered[g.RegionOf(h)] = true
				}
				var out []Violation
				for _, region := range g.Regions() {
					if !covered[region] {
						name := region
						if name == "" {
							name = "the stack's Region"
						}
						out = append(out, Violation{URN: hubs[0].URN, Message: fmt.Sprintf("%s %s: the stack deploys to %s, where Security Hub is not enabled; add a securityhub.Account with a provider for that Region", shortType(hubs[0].Type), hubs[0].Name, name)})
					}
				}
				return out
			}},
		{ID: "securityhub-standards", Severity: Medium,
			Description: "Where the stack enables Security Hub, it subscribes to the standards this review judges: FSBP v1.0.0 and CIS AWS Foundations v3.0.0.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.SecurityHubAccount, func(r Resource) string {
					var have []string
					for _, s := range g.ByType(restype.SecurityHubStandardsSubscription) {
						have = append(have, s.Str("standardsArn"))
					}
					for _, want := range []string{"aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/3.0.0"} {
						if !slices.ContainsFunc(have, func(a string) bool { return strings.HasSuffix(a, want) }) {
							return "does not subscribe to " + want + "; add a securityhub.StandardsSubscription"
						}
					}
					return ""
				})(g)
			}},
	}
}
