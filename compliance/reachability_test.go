package compliance_test

import (
	"strings"
	"testing"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network/reach"

	"github.com/stretchr/testify/assert"

	"github.com/stretchr/testify/require"
)

// tiny is a one-zone VPC in the baseline's shape, its references by id:
// a public subnet with the load balancer, a private one with the app and
// an interface endpoint, an isolated one with the database.
type tiny struct{ g *compliance.Graph }

func (n *tiny) add(typ, name, id string, inputs map[string]any) {
	n.g.Resources = append(n.g.Resources, compliance.Resource{Type: typ, Name: name, URN: "urn:" + name, ID: id, Inputs: inputs})
}

func (n *tiny) find(name string) *compliance.Resource {
	for i := range n.g.Resources {
		if n.g.Resources[i].Name == name {
			return &n.g.Resources[i]
		}
	}
	return nil
}

func tcpEntry(acl string, number int, egress bool, cidr string, from, to int, action string) map[string]any {
	return map[string]any{"networkAclId": acl, "ruleNumber": float64(number), "egress": egress, "protocol": "6",
		"ruleAction": action, "cidrBlock": cidr, "fromPort": float64(from), "toPort": float64(to)}
}

func sgRule(owner string, port int, peer map[string]any) map[string]any {
	r := map[string]any{"securityGroupId": owner, "ipProtocol": "tcp", "fromPort": float64(port), "toPort": float64(port)}
	for k, v := range peer {
		r[k] = v
	}
	return r
}

func newTiny() *tiny {
	n := &tiny{g: &compliance.Graph{}}
	n.add(restype.EC2VPC, "vpc", "vpc-1", map[string]any{"cidrBlock": "10.0.0.0/16"})
	for _, s := range []struct{ tier, cidr string }{{"public", "10.0.0.0/24"}, {"private", "10.0.1.0/24"}, {"isolated", "10.0.2.0/24"}} {
		n.add(restype.EC2Subnet, s.tier, "subnet-"+s.tier, map[string]any{"vpcId": "vpc-1", "cidrBlock": s.cidr, "tags": map[string]any{"tier": s.tier}})
		n.add(restype.EC2NetworkACL, "acl-"+s.tier, "acl-"+s.tier, map[string]any{"vpcId": "vpc-1", "subnetIds": []any{"subnet-" + s.tier}})
		n.add(restype.EC2RouteTable, "rt-"+s.tier, "rtb-"+s.tier, map[string]any{"vpcId": "vpc-1"})
		n.add(restype.EC2RouteTableAssociation, "assoc-"+s.tier, "rtbassoc-"+s.tier, map[string]any{"subnetId": "subnet-" + s.tier, "routeTableId": "rtb-" + s.tier})
	}
	n.add(restype.EC2InternetGateway, "igw", "igw-1", map[string]any{"vpcId": "vpc-1"})
	n.add(restype.EC2NatGateway, "nat", "nat-1", map[string]any{"subnetId": "subnet-public"})
	n.add(restype.EC2Route, "public-internet", "r-1", map[string]any{"routeTableId": "rtb-public", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"})
	n.add(restype.EC2Route, "private-nat", "r-2", map[string]any{"routeTableId": "rtb-private", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"})
	entries := []struct {
		name     string
		acl      string
		number   int
		egress   bool
		cidr     string
		from, to int
	}{
		{"public-in-https", "acl-public", 100, false, "0.0.0.0/0", 443, 443},
		{"public-out-ephemeral", "acl-public", 110, true, "0.0.0.0/0", 1024, 65535},
		{"public-out-app", "acl-public", 120, true, "10.0.1.0/24", 8443, 8443},
		{"public-in-return-private", "acl-public", 140, false, "10.0.1.0/24", 1024, 65535},
		{"private-in-app", "acl-private", 100, false, "10.0.0.0/24", 8443, 8443},
		{"private-out-return-public", "acl-private", 100, true, "10.0.0.0/24", 1024, 65535},
		{"private-out-database", "acl-private", 120, true, "10.0.2.0/24", 5432, 5432},
		{"private-in-return-isolated", "acl-private", 130, false, "10.0.2.0/24", 1024, 65535},
		{"isolated-in-database", "acl-isolated", 100, false, "10.0.1.0/24", 5432, 5432},
		{"isolated-out-return-private", "acl-isolated", 100, true, "10.0.1.0/24", 1024, 65535},
	}
	for i, e := range entries {
		n.add(restype.EC2NetworkACLRule, e.name, "aclr-"+e.name, tcpEntry(e.acl, e.number, e.egress, e.cidr, e.from, e.to, "allow"))
		_ = i
	}
	for _, g := range []string{"lb", "app", "data", "endpoints"} {
		n.add(restype.EC2SecurityGroup, g, "sg-"+g, map[string]any{"vpcId": "vpc-1", "description": g})
	}
	n.add(restype.VPCSecurityGroupIngressRule, "lb-in-443", "sgr-1", sgRule("sg-lb", 443, map[string]any{"cidrIpv4": "0.0.0.0/0"}))
	n.add(restype.VPCSecurityGroupEgressRule, "lb-to-app", "sgr-2", sgRule("sg-lb", 8443, map[string]any{"referencedSecurityGroupId": "sg-app"}))
	n.add(restype.VPCSecurityGroupIngressRule, "app-from-lb", "sgr-3", sgRule("sg-app", 8443, map[string]any{"referencedSecurityGroupId": "sg-lb"}))
	n.add(restype.VPCSecurityGroupEgressRule, "app-to-data", "sgr-4", sgRule("sg-app", 5432, map[string]any{"referencedSecurityGroupId": "sg-data"}))
	n.add(restype.VPCSecurityGroupIngressRule, "data-from-app", "sgr-5", sgRule("sg-data", 5432, map[string]any{"referencedSecurityGroupId": "sg-app"}))
	n.add(restype.VPCSecurityGroupEgressRule, "app-to-endpoints", "sgr-6", sgRule("sg-app", 443, map[string]any{"referencedSecurityGroupId": "sg-endpoints"}))
	n.add(restype.VPCSecurityGroupIngressRule, "endpoints-from-private", "sgr-7", sgRule("sg-endpoints", 443, map[string]any{"cidrIpv4": "10.0.1.0/24"}))
	n.add(restype.LBLoadBalancer, "alb", "arn:alb", map[string]any{"internal": false, "subnets": []any{"subnet-public"}, "securityGroups": []any{"sg-lb"}})
	n.add(restype.EC2VPCEndpoint, "kms", "vpce-1", map[string]any{"vpcEndpointType": "Interface", "serviceName": "com.amazonaws.us-east-1.kms",
		"subnetIds": []any{"subnet-private"}, "securityGroupIds": []any{"sg-endpoints"}})
	n.g.Intent = &reach.Intent{
		Flows: []reach.Intended{
			{Name: "clients to the load balancer", From: reach.Internet(), To: reach.Selector{Group: "lb"}, Protocol: reach.TCP, Ports: reach.Port(443), Expected: true},
			{Name: "the load balancer to the app", From: reach.Selector{Group: "lb"}, To: reach.Selector{Group: "app"}, Protocol: reach.TCP, Ports: reach.Port(8443), Expected: true},
			{Name: "the app to the database", From: reach.Selector{Group: "app"}, To: reach.Selector{Group: "data"}, Protocol: reach.TCP, Ports: reach.Port(5432), Expected: true},
			{Name: "the private tier to the endpoints", From: reach.Selector{Tier: "private"}, To: reach.Selector{InterfaceEndpoints: true}, Protocol: reach.TCP, Ports: reach.Port(443)},
		},
		Placements: map[string]string{"app": "private", "data": "isolated"},
	}
	return n
}

func TestReachabilityRule(t *testing.T) {
	rule, ok := compliance.Lookup(compliance.ReachabilityRule)
	if !ok {
		require.Fail(t, "no reachability rule")
	}
	cases := []struct {
		name string
		// change plants a fault; it returns the name of the resource the
		// violation must land on ("" for none expected).
		change    func(n *tiny) string
		want      string
		notJudged bool
	}{
		{"the baseline's shape passes", func(*tiny) string { return "" }, "", false},
		{"the database port open to the internet names the rule and the hop", func(n *tiny) string {
			n.add(restype.VPCSecurityGroupIngressRule, "data-from-world", "sgr-9", sgRule("sg-data", 5432, map[string]any{"cidrIpv4": "0.0.0.0/0"}))
			return "data-from-world"
		}, "internet → data tcp 5432 is not an intended flow, and the security groups admit it (destination security group (ingress): data-from-world); it is dropped at route: rt-isolated has no internet gateway route", false},
		{"IPv6 ::/0 to the database is one layer from open", func(n *tiny) string {
			n.add(restype.VPCSecurityGroupIngressRule, "data-from-ipv6", "sgr-9", sgRule("sg-data", 5432, map[string]any{"cidrIpv6": "::/0"}))
			return "data-from-ipv6"
		}, "internet (IPv6) → data tcp 5432 is not an intended flow, and the security groups admit it (destination security group (ingress): data-from-ipv6); it is dropped at address: isolated has no IPv6 range", false},
		{"a reference from another group admits that group's members", func(n *tiny) string {
			n.add(restype.VPCSecurityGroupIngressRule, "data-from-lb", "sgr-9", sgRule("sg-data", 5432, map[string]any{"referencedSecurityGroupId": "sg-lb"}))
			n.add(restype.VPCSecurityGroupEgressRule, "lb-to-data", "sgr-10", sgRule("sg-lb", 5432, map[string]any{"referencedSecurityGroupId": "sg-data"}))
			return "data-from-lb"
		}, "lb → data tcp 5432 is not an intended flow, and the security groups admit it (source security group (egress): lb-to-data; destination security group (ingress): data-from-lb); it is dropped at destination NACL (inbound): no entry of acl-isolated allows inbound from 10.0.0.0/24 on tcp 5432 (public to isolated)", false},
		{"an endpoint reachable from the isolated tier", func(n *tiny) string {
			n.find("endpoints-from-private").Inputs["cidrIpv4"] = "10.0.0.0/16"
			n.add(restype.VPCSecurityGroupEgressRule, "data-to-endpoints", "sgr-9", sgRule("sg-data", 443, map[string]any{"referencedSecurityGroupId": "sg-endpoints"}))
			return "data-to-endpoints"
		}, "data → endpoints tcp 443 is not an intended flow, and the security groups admit it (source security group (egress): data-to-endpoints; destination security group (ingress): endpoints-from-private)", false},
		{"a NACL gap that drops replies names the flow and the NACL", func(n *tiny) string {
			n.find("private-out-return-public").Inputs["toPort"] = 2048.0
			return "acl-private"
		}, `intended flow "the load balancer to the app" (lb → app tcp 8443) loses replies to ports 2049-65535 at destination NACL (outbound reply): no entry of acl-private allows outbound to 10.0.0.0/24 on tcp 2049-65535 (public to private)`, false},
		{"an explicit deny names the entry", func(n *tiny) string {
			n.add(restype.EC2NetworkACLRule, "private-out-deny", "aclr-x", tcpEntry("acl-private", 90, true, "10.0.0.0/24", 1024, 65535, "deny"))
			return "private-out-deny"
		}, `loses every reply at destination NACL (outbound reply): private-out-deny (#90) denies it`, false},
		{"a missing route drops the replies from the internet", func(n *tiny) string {
			n.g.Resources = without(n.g.Resources, "public-internet")
			return "rt-public"
		}, `intended flow "clients to the load balancer" (internet → lb tcp 443) is dropped at route: rt-public has no internet gateway route`, false},
		{"an internal load balancer is not reachable from the internet", func(n *tiny) string {
			n.find("alb").Inputs["internal"] = true
			return "public"
		}, "nothing of the destination in public has a public address", false},
		{"a renamed group leaves an expected flow without its ends", func(n *tiny) string {
			n.find("data").Name = "database"
			return "vpc"
		}, `intended flow "the app to the database" (app → data tcp 5432) has no source or destination in the plan`, false},
		{"an unknown owner of a rule is not judged, not passed", func(n *tiny) string {
			n.find("app-to-data").Inputs["securityGroupId"] = compliance.Unknown{}
			return "app-to-data"
		}, "securityGroupId is not known until the deployment", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := newTiny()
			target := c.change(n)
			got := rule.Check(n.g)
			if target == "" {
				if len(got) != 0 {
					require.Failf(t, "precondition", "violations %v, want none", got)
				}
				return
			}
			for _, v := range got {
				if v.URN == "urn:"+target && strings.Contains(v.Message, c.want) && v.NotJudged == c.notJudged {
					return
				}
			}
			assert.Failf(t, "check", "no violation on %s containing %q (not judged %v); got:", target, c.want, c.notJudged)
			for _, v := range got {
				t.Logf("  %s: %s (not judged %v)", v.URN, v.Message, v.NotJudged)
			}
		})
	}
	t.Run("without the intent nothing is judged, and it says so", func(t *testing.T) {
		n := newTiny()
		n.g.Intent = nil
		got := rule.Check(n.g)
		if len(got) != 1 || !got[0].NotJudged || !strings.Contains(got[0].Message, "the graph was read without the stack's configuration") {
			assert.Failf(t, "check", "got %v", got)
		}
	})
}

func without(rs []compliance.Resource, name string) []compliance.Resource {
	var out []compliance.Resource
	for _, r := range rs {
		if r.Name != name {
			out = append(out, r)
		}
	}
	return out
}

// TestNetworkOfResolvesByPropertyDependency: in a first preview ids are
// unknown, and the engine's property dependencies still name the group a
// rule belongs to.
func TestNetworkOfResolvesByPropertyDependency(t *testing.T) {
	n := newTiny()
	r := n.find("data-from-app")
	r.Inputs["securityGroupId"] = compliance.Unknown{}
	r.PropertyDependencies = map[string][]string{"securityGroupId": {"urn:data"}}
	for i := range n.g.Resources {
		n.g.Resources[i].ID = "" // nothing deployed yet
	}
	// With ids unknown everywhere, the other references must resolve the
	// same way.
	for i := range n.g.Resources {
		res := &n.g.Resources[i]
		deps := map[string][]string{}
		for k, v := range res.Inputs {
			ids := []string{}
			switch x := v.(type) {
			case string:
				ids = append(ids, x)
			case []any:
				for _, e := range x {
					if s, ok := e.(string); ok {
						ids = append(ids, s)
					}
				}
			}
			for _, id := range ids {
				for _, o := range newTiny().g.Resources {
					if o.ID == id {
						deps[k] = append(deps[k], o.URN)
					}
				}
			}
		}
		for k, v := range res.PropertyDependencies {
			deps[k] = v
		}
		res.PropertyDependencies = deps
	}
	net := compliance.NetworkOf(n.g)
	for _, g := range net.Groups {
		if g.Name != "data" {
			continue
		}
		if len(g.Rules) != 1 || g.Rules[0].Name != "data-from-app" || g.Rules[0].Unknown != "" {
			require.Failf(t, "precondition", "data's rules %+v, want data-from-app resolved by its property dependency", g.Rules)
		}
	}
	if got := compliance.Findings(n.g, mustRule(t), nil); len(got) != 0 {
		assert.Failf(t, "check", "findings %v, want none: every reference resolves by property dependency", got)
	}
}

func mustRule(t *testing.T) compliance.Rule {
	t.Helper()
	r, ok := compliance.Lookup(compliance.ReachabilityRule)
	if !ok {
		require.Fail(t, "no rule")
	}
	return r
}
