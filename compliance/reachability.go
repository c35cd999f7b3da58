package compliance

import (
	"fmt"

	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network/reach"
)

// ReachabilityRule is the ID of the rule that judges the network's flows
// as a whole.
const ReachabilityRule = "ec2-network-flows"

// reachRules judge the network as a whole: which flows its security
// groups, network ACLs and routes admit (network/reach), against the flows
// the network is meant to admit (Graph.Intent).
func reachRules() []Rule {
	return []Rule{ec2NetworkFlows}
}

var ec2NetworkFlows = Rule{ID: ReachabilityRule, Source: "docs/reachability.md: the project's flow analysis (network/reach) against network.VPCArgs.Intent",
	Severity:    High,
	Description: "The security groups admit only the intended flows (network.VPCArgs.Intent), and every hop (security groups at both ends, network ACLs for the request and its reply, routes) admits every expected flow.",
	Check: func(g *Graph) []Violation {
		if g.Intent == nil {
			var out []Violation
			for _, v := range g.ByType(restype.EC2VPC) {
				out = append(out, Violation{URN: v.URN, NotJudged: true, Message: fmt.Sprintf("%s %s: its flows are not judged: the graph was read without the stack's configuration, which declares the intended flows; go run ./cmd/plan -format reachability judges them", shortType(v.Type), v.Name)})
			}
			return out
		}
		return reachViolations(g, reach.Analyze(NetworkOf(g), *g.Intent))
	},
}

// reachViolations are a reachability result's findings, one per resource
// each names; a finding without a resource lands on the VPC.
func reachViolations(g *Graph, res reach.Result) []Violation {
	var vpc string
	if vs := g.ByType(restype.EC2VPC); len(vs) > 0 {
		vpc = vs[0].URN
	}
	known := map[string]bool{}
	for _, r := range g.Resources {
		known[r.URN] = true
	}
	var out []Violation
	seen := map[string]bool{}
	for _, f := range res.Findings {
		urns := f.URNs
		var resources []string
		for _, u := range urns {
			if known[u] {
				resources = append(resources, u)
			}
		}
		if len(resources) == 0 {
			resources = []string{vpc}
		}
		for _, u := range resources {
			key := u + "\x00" + f.Message
			if seen[key] {
				continue
			}
			seen[key] = true
			v := Violation{URN: u, Message: f.Message}
			if f.Kind == reach.Unjudged {
				v.NotJudged, v.Message = true, f.Message+"; "+NotJudgedMessage
			}
			out = append(out, v)
		}
	}
	return out
}
