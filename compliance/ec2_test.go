package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

// sgIn is a vpc.SecurityGroupIngressRule of protocol and ports from cidr
// (cidrIpv6 when it has a colon).
func sgIn(name, proto string, from, to float64, cidr any) Resource {
	key := "cidrIpv4"
	if s, ok := cidr.(string); ok && len(s) > 0 && s[0] == ':' {
		key = "cidrIpv6"
	}
	in := map[string]any{"ipProtocol": proto, key: cidr, "description": "d"}
	if proto != "-1" {
		in["fromPort"], in["toPort"] = from, to
	}
	return res(restype.VPCSecurityGroupIngressRule, name, in)
}

// both makes one case per control of a rule with the same graph.
func both(name string, g *Graph, want verdict, controls ...string) []ruleCase {
	var out []ruleCase
	for _, c := range controls {
		out = append(out, ruleCase{name + " (" + c + ")", c, g, want})
	}
	return out
}

func cases(groups ...[]ruleCase) []ruleCase {
	var out []ruleCase
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func TestEC2SGAdminPorts(t *testing.T) {
	const v4a, v4b, v6a, v6b = "SecurityHub EC2.53", "CIS 5.2", "SecurityHub EC2.54", "CIS 5.3"
	g := func(rs ...Resource) *Graph { return graphOf(rs...) }
	runCases(t, ruleByID(t, "ec2-sg-admin-ports"), cases(
		both("SSH from 0.0.0.0/0", g(sgIn("r", "tcp", 22, 22, "0.0.0.0/0")), fail, v4a, v4b),
		both("SSH from 0.0.0.0/0 is not IPv6's", g(sgIn("r", "tcp", 22, 22, "0.0.0.0/0")), pass, v6a, v6b),
		both("RDP from ::/0", g(sgIn("r", "tcp", 3389, 3389, "::/0")), fail, v6a, v6b),
		both("RDP from ::/0 is not IPv4's", g(sgIn("r", "tcp", 3389, 3389, "::/0")), pass, v4a, v4b),
		both("a range spanning 22", g(sgIn("r", "tcp", 20, 25, "0.0.0.0/0")), fail, v4a),
		both("UDP 3389", g(sgIn("r", "udp", 3389, 3389, "0.0.0.0/0")), fail, v4a),
		both("every protocol from ::/0, ec2.SecurityGroupRule", g(res(restype.EC2SecurityGroupRule, "r", map[string]any{
			"type": "ingress", "protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "ipv6CidrBlocks": []any{"::/0"}})), fail, v6a, v6b),
		both("inline ingress", g(res(restype.EC2SecurityGroup, "sg", map[string]any{"ingress": []any{
			map[string]any{"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": []any{"10.0.0.0/8", "0.0.0.0/0"}}}})), fail, v4a, v4b),
		both("the default group's inline ingress", g(res(restype.EC2DefaultSecurityGroup, "dsg", map[string]any{"ingress": []any{
			map[string]any{"protocol": "tcp", "fromPort": 3389.0, "toPort": 3389.0, "cidrBlocks": []any{"0.0.0.0/0"}}}})), fail, v4a, v4b),
		both("ICMP from the internet", g(sgIn("r", "icmp", 3, 4, "0.0.0.0/0")), pass, v4a),
		both("SSH from the VPC", g(sgIn("r", "tcp", 22, 22, "10.0.0.0/16")), pass, v4a, v4b),
		both("SSH egress", g(res(restype.EC2SecurityGroupRule, "r", map[string]any{
			"type": "egress", "protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": []any{"0.0.0.0/0"}})), pass, v4a),
		both("HTTPS from the internet", g(sgIn("r", "tcp", 443, 443, "::/0")), pass, v6a, v6b),
		both("source computed", g(sgIn("r", "tcp", 22, 22, Unknown{})), unjudged, v4a, v4b, v6a, v6b),
		both("ports computed", g(sgIn("r", "tcp", 0, 0, "0.0.0.0/0"), func() Resource {
			r := sgIn("r2", "tcp", 0, 0, "::/0")
			r.Inputs["fromPort"] = Unknown{}
			return r
		}()), unjudged, v6a),
	))
}

func TestEC2SGOpenPorts(t *testing.T) {
	const e18, e19, c24, c25 = "FSBP EC2.18", "FSBP EC2.19", "CKV_AWS_24", "CKV_AWS_25"
	g := func(rs ...Resource) *Graph { return graphOf(rs...) }
	runCases(t, ruleByID(t, "ec2-sg-open-ports"), cases(
		both("HTTPS from the internet", g(sgIn("r", "tcp", 443, 443, "0.0.0.0/0")), pass, e18, e19, c24, c25),
		both("HTTP from ::/0", g(sgIn("r", "tcp", 80, 80, "::/0")), pass, e18, e19),
		both("8443 from the internet", g(sgIn("r", "tcp", 8443, 8443, "0.0.0.0/0")), fail, e18),
		both("8443 is not high-risk", g(sgIn("r", "tcp", 8443, 8443, "0.0.0.0/0")), pass, e19, c24),
		both("the range 80-443 is not 80 and 443", g(sgIn("r", "tcp", 80, 443, "0.0.0.0/0")), fail, e18, e19),
		both("UDP 53: no UDP port is authorized", g(sgIn("r", "udp", 53, 53, "0.0.0.0/0")), fail, e18),
		both("UDP 53 is not high-risk", g(sgIn("r", "udp", 53, 53, "0.0.0.0/0")), pass, e19),
		both("a range spanning 5432 from ::/0", g(sgIn("r", "tcp", 5400, 5450, "::/0")), fail, e18, e19),
		both("UDP 3389: EC2.19 is TCP only", g(sgIn("r", "udp", 3389, 3389, "0.0.0.0/0")), pass, e19),
		both("UDP 3389", g(sgIn("r", "udp", 3389, 3389, "0.0.0.0/0")), fail, c25),
		both("every protocol", g(sgIn("r", "-1", 0, 0, "0.0.0.0/0")), fail, e18, e19, c24, c25),
		both("SSH", g(sgIn("r", "tcp", 22, 22, "0.0.0.0/0")), fail, c24),
		both("SSH is not RDP", g(sgIn("r", "tcp", 22, 22, "0.0.0.0/0")), pass, c25),
		both("ICMP from the internet", g(sgIn("r", "icmp", -1, -1, "0.0.0.0/0")), pass, e18),
		both("5432 from the VPC", g(sgIn("r", "tcp", 5432, 5432, "10.0.0.0/16")), pass, e19),
		both("inline 3306", g(res(restype.EC2SecurityGroup, "sg", map[string]any{"ingress": []any{
			map[string]any{"protocol": "tcp", "fromPort": 3306.0, "toPort": 3306.0, "ipv6CidrBlocks": []any{"::/0"}}}})), fail, e18, e19),
		both("source computed", g(sgIn("r", "tcp", 22, 22, Unknown{})), unjudged, e18, e19, c24, c25),
	))
}

func TestEC2NACLAdminPorts(t *testing.T) {
	const e21, c51 = "FSBP EC2.21", "CIS 5.1"
	entry := func(name, proto string, from, to float64, cidrKey string, cidr any, action string, egress bool) Resource {
		return res(restype.EC2NetworkACLRule, name, map[string]any{"protocol": proto, "fromPort": from, "toPort": to, cidrKey: cidr,
			"ruleAction": action, "egress": egress, "ruleNumber": 100.0, "networkAclId": "acl-1"})
	}
	g := func(rs ...Resource) *Graph { return graphOf(rs...) }
	vpc := res(restype.EC2VPC, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"})
	adopted := res(restype.EC2DefaultNetworkACL, "default", map[string]any{"defaultNetworkAclId": "acl-0"}, "vpc")
	runCases(t, ruleByID(t, "ec2-nacl-admin-ports"), cases(
		both("SSH from 0.0.0.0/0", g(entry("e", "tcp", 22, 22, "cidrBlock", "0.0.0.0/0", "allow", false)), fail, e21, c51),
		both("RDP from ::/0", g(entry("e", "6", 3389, 3389, "ipv6CidrBlock", "::/0", "allow", false)), fail, e21),
		both("RDP from ::/0 is not CIS 5.1's", g(entry("e", "6", 3389, 3389, "ipv6CidrBlock", "::/0", "allow", false)), pass, c51),
		both("ephemeral range spanning 3389", g(entry("e", "tcp", 1024, 65535, "cidrBlock", "0.0.0.0/0", "allow", false)), fail, e21, c51),
		both("UDP 22", g(entry("e", "17", 22, 22, "cidrBlock", "0.0.0.0/0", "allow", false)), fail, e21),
		both("inline allow all", g(res(restype.EC2NetworkACL, "acl", map[string]any{"subnetIds": []any{"s"}, "ingress": []any{
			map[string]any{"protocol": "-1", "action": "allow", "cidrBlock": "0.0.0.0/0", "fromPort": 0.0, "toPort": 0.0, "ruleNo": 100.0}}})), fail, e21, c51),
		both("a default network ACL left as EC2 makes it", g(vpc), fail, e21, c51),
		both("the default network ACL adopted", g(vpc, adopted), pass, e21, c51),
		both("a deny entry", g(entry("e", "tcp", 22, 22, "cidrBlock", "0.0.0.0/0", "deny", false)), pass, e21, c51),
		both("an egress entry", g(entry("e", "tcp", 22, 22, "cidrBlock", "0.0.0.0/0", "allow", true)), pass, e21),
		both("HTTPS and the ports below 22", g(entry("e", "tcp", 443, 443, "cidrBlock", "0.0.0.0/0", "allow", false),
			entry("f", "tcp", 0, 21, "cidrBlock", "0.0.0.0/0", "allow", false)), pass, e21, c51),
		both("ICMP", g(entry("e", "icmp", 0, 65535, "cidrBlock", "0.0.0.0/0", "allow", false)), pass, e21),
		both("SSH from the VPC", g(entry("e", "tcp", 22, 22, "cidrBlock", "10.0.0.0/16", "allow", false)), pass, c51),
		both("source computed", g(entry("e", "tcp", 22, 22, "cidrBlock", Unknown{}, "allow", false)), unjudged, e21, c51),
	))
}

func TestEC2NACLNoAllPorts(t *testing.T) {
	entry := func(proto any, from, to float64) *Graph {
		return graphOf(res(restype.EC2NetworkACLRule, "e", map[string]any{"protocol": proto, "fromPort": from, "toPort": to,
			"cidrBlock": "10.0.0.0/16", "ruleAction": "allow", "egress": false}))
	}
	const c = "CKV_AWS_352"
	runCases(t, ruleByID(t, "ec2-nacl-no-all-ports"), []ruleCase{
		{"every protocol", c, entry("-1", 0, 0), fail},
		{"every TCP port", c, entry("tcp", 0, 65535), fail},
		{"the HTTPS port", c, entry("tcp", 443, 443), pass},
		{"the ephemeral ports", c, entry("6", 1024, 65535), pass},
		{"protocol computed", c, entry(Unknown{}, 0, 0), unjudged},
	})
}

func TestEC2NACLInUse(t *testing.T) {
	acl := func(subnets any) Resource {
		in := map[string]any{"vpcId": "vpc-1"}
		if subnets != nil {
			in["subnetIds"] = subnets
		}
		r := res(restype.EC2NetworkACL, "acl", in)
		r.ID = "acl-1"
		return r
	}
	assoc := func(id any) Resource {
		return res(restype.EC2NetworkACLAssociation, "assoc", map[string]any{"networkAclId": id, "subnetId": "subnet-1"})
	}
	const c = "FSBP EC2.16"
	runCases(t, ruleByID(t, "ec2-nacl-in-use"), []ruleCase{
		{"no subnets", c, graphOf(acl(nil)), fail},
		{"an association of another NACL", c, graphOf(acl([]any{}), assoc("acl-9")), fail},
		{"subnets inline", c, graphOf(acl([]any{"subnet-1"})), pass},
		{"an ec2.NetworkAclAssociation", c, graphOf(acl(nil), assoc("acl-1")), pass},
		{"an association at preview", c, graphOf(acl(nil), withRefs(assoc(Unknown{}), "networkAclId", "acl")), pass},
		{"the default NACL is not judged", c, graphOf(res(restype.EC2DefaultNetworkACL, "d", map[string]any{})), pass},
		{"subnets computed", c, graphOf(acl(Unknown{})), unjudged},
		{"an association's NACL computed", c, graphOf(acl(nil), assoc(Unknown{})), unjudged},
	})
}

func TestEC2SGNoOpenEgress(t *testing.T) {
	const c = "CKV_AWS_382"
	out := func(proto string, cidr any) *Graph {
		return graphOf(res(restype.VPCSecurityGroupEgressRule, "e", map[string]any{"ipProtocol": proto, "cidrIpv4": cidr}))
	}
	runCases(t, ruleByID(t, "ec2-sg-no-open-egress"), []ruleCase{
		{"everything to the internet", c, out("-1", "0.0.0.0/0"), fail},
		{"inline, to ::/0", c, graphOf(res(restype.EC2SecurityGroup, "sg", map[string]any{"egress": []any{
			map[string]any{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "ipv6CidrBlocks": []any{"::/0"}}}})), fail},
		{"ec2.SecurityGroupRule egress", c, graphOf(res(restype.EC2SecurityGroupRule, "r", map[string]any{"type": "egress", "protocol": "all", "cidrBlocks": []any{"0.0.0.0/0"}})), fail},
		{"the default group's inline egress", c, graphOf(res(restype.EC2DefaultSecurityGroup, "dsg", map[string]any{"egress": []any{
			map[string]any{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "cidrBlocks": []any{"0.0.0.0/0"}}}})), fail},
		{"HTTPS to the internet", c, out("tcp", "0.0.0.0/0"), pass},
		{"everything to the VPC", c, out("-1", "10.0.0.0/16"), pass},
		{"destination computed", c, out("-1", Unknown{}), unjudged},
	})
}

func TestEC2DefaultSGClosed(t *testing.T) {
	vpc := res(restype.EC2VPC, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"})
	dsg := func(in map[string]any) Resource {
		in["vpcId"] = Unknown{}
		return withRefs(res(restype.EC2DefaultSecurityGroup, "dsg", in), "vpcId", "vpc")
	}
	closed := dsg(map[string]any{"ingress": []any{}, "egress": []any{}})
	onDefault := withRefs(res(restype.VPCSecurityGroupIngressRule, "r", map[string]any{"securityGroupId": Unknown{}, "ipProtocol": "-1", "cidrIpv4": "10.0.0.0/16"}), "securityGroupId", "dsg")
	onVPCOutput := withRefs(res(restype.VPCSecurityGroupEgressRule, "r", map[string]any{"securityGroupId": Unknown{}, "ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"}), "securityGroupId", "vpc")
	onOther := withRefs(res(restype.VPCSecurityGroupIngressRule, "r", map[string]any{"securityGroupId": Unknown{}, "ipProtocol": "tcp"}), "securityGroupId", "app")
	app := res(restype.EC2SecurityGroup, "app", map[string]any{})
	runCases(t, ruleByID(t, "ec2-default-sg-closed"), cases(
		both("the default group left as EC2 makes it", graphOf(vpc), fail, "FSBP EC2.2", "CIS 5.4", "CKV2_AWS_12"),
		both("inline ingress", graphOf(vpc, dsg(map[string]any{"ingress": []any{map[string]any{"protocol": "-1", "self": true}}})), fail, "FSBP EC2.2", "CIS 5.4"),
		both("a separate rule on it", graphOf(vpc, closed, onDefault), fail, "FSBP EC2.2", "CKV2_AWS_12"),
		both("a rule on the VPC's defaultSecurityGroupId", graphOf(vpc, closed, onVPCOutput), fail, "CIS 5.4"),
		both("adopted with no rules", graphOf(vpc, closed), pass, "FSBP EC2.2", "CIS 5.4", "CKV2_AWS_12"),
		both("adopted, rules absent (revoked at adoption)", graphOf(vpc, dsg(map[string]any{})), pass, "FSBP EC2.2"),
		both("a rule on another group", graphOf(vpc, closed, app, onOther), pass, "CIS 5.4"),
		both("rules computed", graphOf(vpc, dsg(map[string]any{"ingress": Unknown{}})), unjudged, "FSBP EC2.2", "CIS 5.4", "CKV2_AWS_12"),
	))
}

func TestEC2VPCFlowLogs(t *testing.T) {
	vpc := res(restype.EC2VPC, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"})
	other := res(restype.EC2VPC, "other", map[string]any{"cidrBlock": "10.1.0.0/16"})
	flow := func(on string, traffic any) Resource {
		return withRefs(res(restype.EC2FlowLog, "fl-"+on, map[string]any{"vpcId": Unknown{}, "trafficType": traffic}), "vpcId", on)
	}
	subnetFlow := withRefs(res(restype.EC2FlowLog, "fl", map[string]any{"subnetId": Unknown{}, "trafficType": "ALL"}), "subnetId", "s")
	all := []string{"FSBP EC2.6", "CIS 3.7", "nag VPC7"}
	runCases(t, ruleByID(t, "ec2-vpc-flow-logs"), cases(
		both("no flow log", graphOf(vpc), fail, all...),
		both("only another VPC's", graphOf(vpc, other, flow("other", "ALL")), fail, all...),
		both("a subnet's flow log only", graphOf(vpc, subnetFlow), fail, "FSBP EC2.6"),
		both("accepted traffic only", graphOf(vpc, flow("vpc", "ACCEPT")), fail, "FSBP EC2.6", "CIS 3.7"),
		both("accepted traffic only is a flow log", graphOf(vpc, flow("vpc", "ACCEPT")), pass, "nag VPC7"),
		both("ALL traffic", graphOf(vpc, flow("vpc", "ALL")), pass, all...),
		both("rejected traffic", graphOf(vpc, flow("vpc", "REJECT")), pass, "FSBP EC2.6", "CIS 3.7"),
		both("traffic type computed", graphOf(vpc, flow("vpc", Unknown{})), unjudged, all...),
	))
}

func TestEC2SubnetNoPublicIP(t *testing.T) {
	subnet := func(v any) *Graph {
		in := map[string]any{"cidrBlock": "10.0.0.0/24"}
		if v != nil {
			in["mapPublicIpOnLaunch"] = v
		}
		return graphOf(res(restype.EC2Subnet, "s", in))
	}
	runCases(t, ruleByID(t, "ec2-subnet-no-public-ip"), cases(
		both("public IPs on launch", subnet(true), fail, "FSBP EC2.15", "CKV_AWS_130"),
		both("unset", subnet(nil), pass, "FSBP EC2.15", "CKV_AWS_130"),
		both("false", subnet(false), pass, "FSBP EC2.15"),
		both("computed", subnet(Unknown{}), unjudged, "FSBP EC2.15", "CKV_AWS_130"),
	))
}

func TestEC2SGRuleDescriptions(t *testing.T) {
	sg := func(in map[string]any) *Graph { return graphOf(res(restype.EC2SecurityGroup, "sg", in)) }
	runCases(t, ruleByID(t, "ec2-sg-rule-descriptions"), cases(
		both("a group without a description", sg(map[string]any{}), fail, "CKV_AWS_23", "nag EC27"),
		both("an inline rule without one", sg(map[string]any{"description": "d", "egress": []any{map[string]any{"protocol": "tcp"}}}), fail, "CKV_AWS_23"),
		both("an ec2.SecurityGroupRule without one", graphOf(res(restype.EC2SecurityGroupRule, "r", map[string]any{"type": "ingress"})), fail, "nag EC27"),
		both("a vpc.SecurityGroupEgressRule without one", graphOf(res(restype.VPCSecurityGroupEgressRule, "r", map[string]any{})), fail, "CKV_AWS_23"),
		both("every part described", sg(map[string]any{"description": "d", "ingress": []any{map[string]any{"description": "x"}}}), pass, "CKV_AWS_23", "nag EC27"),
		both("description computed", sg(map[string]any{"description": Unknown{}}), unjudged, "CKV_AWS_23", "nag EC27"),
	))
}

func TestEC2Endpoints(t *testing.T) {
	vpc := res(restype.EC2VPC, "vpc", map[string]any{"cidrBlock": "10.0.0.0/16"})
	other := res(restype.EC2VPC, "other", map[string]any{"cidrBlock": "10.1.0.0/16"})
	ep := func(on string, service any) Resource {
		return withRefs(res(restype.EC2VPCEndpoint, "ep-"+on, map[string]any{"vpcId": Unknown{}, "serviceName": service, "vpcEndpointType": "Interface"}), "vpcId", on)
	}
	for _, e := range endpointControls {
		t.Run(e.service, func(t *testing.T) {
			c := "FSBP " + e.control
			svc := "com.amazonaws.us-east-1." + e.service
			runCases(t, ruleByID(t, "ec2-endpoint-"+e.service), []ruleCase{
				{"no endpoint", c, graphOf(vpc), fail},
				{"another VPC's endpoint", c, graphOf(vpc, other, ep("other", svc)), fail},
				{"another service's", c, graphOf(vpc, ep("vpc", svc+"-other")), fail},
				{"its endpoint", c, graphOf(vpc, ep("vpc", svc)), pass},
				{"service computed", c, graphOf(vpc, ep("vpc", Unknown{})), unjudged},
				{"VPC computed", c, graphOf(vpc, res(restype.EC2VPCEndpoint, "ep", map[string]any{"vpcId": Unknown{}, "serviceName": svc})), unjudged},
			})
		})
	}
}

func TestEC2PeeringRoutes(t *testing.T) {
	const c = "CIS 5.5"
	route := func(dest, peering any) *Graph {
		return graphOf(res(restype.EC2Route, "r", map[string]any{"routeTableId": "rtb-1", "destinationCidrBlock": dest, "vpcPeeringConnectionId": peering}))
	}
	table := func(routes ...any) *Graph {
		return graphOf(res(restype.EC2RouteTable, "rt", map[string]any{"vpcId": "vpc-1", "routes": routes}))
	}
	runCases(t, ruleByID(t, "ec2-peering-routes"), []ruleCase{
		{"the internet through a peering", c, route("0.0.0.0/0", "pcx-1"), fail},
		{"IPv6 inline", c, table(map[string]any{"ipv6CidrBlock": "::/0", "vpcPeeringConnectionId": "pcx-1"}), fail},
		{"the peer's range", c, route("10.1.0.0/16", "pcx-1"), pass},
		{"the internet through a NAT gateway", c, table(map[string]any{"cidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"}), pass},
		{"a peering computed", c, route("0.0.0.0/0", Unknown{}), unjudged},
		{"a destination computed", c, route(Unknown{}, "pcx-1"), unjudged},
	})
}
