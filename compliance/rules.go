package compliance

import (
	"fmt"
	"slices"

	"github.com/example/hardening/internal/restype"
)

// Rules returns every rule, in report order.
func Rules() []Rule {
	return slices.Concat(elbRules(), networkRules(), reachRules(), iamRules(), kmsRules(), secretsRules(), lambdaRules(), logsRules(), s3Rules(), trailRules(), guardDutyRules(), alarmRules(), monitoringRules(), serviceRules(), endpointRules(), cognitoRules(), wafRules(), sqsRules(), snsRules(), projectRules(), deployRules(), inputRules(), driftRules())
}

// worldCIDR reports whether an input CIDR is the whole IPv4 or IPv6
// internet.
func worldCIDR(c string) bool { return c == "0.0.0.0/0" || c == "::/0" }

// highRiskPorts are those Security Hub EC2.19 names.
var highRiskPorts = []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

// openIngress is one way a security group rule admits the internet: the
// CIDR and the port range.
type openIngress struct {
	cidr     string
	from, to int
}

// worldIngress returns the internet-open ingress of a resource in every
// form the plan can express it: a vpc.SecurityGroupIngressRule (cidrIpv4,
// cidrIpv6), an ec2.SecurityGroupRule of type ingress (cidrBlocks,
// ipv6CidrBlocks) and the inline ingress blocks of an ec2.SecurityGroup.
func worldIngress(r Resource) []openIngress {
	entry := func(prefix string) []openIngress {
		var cidrs []string
		for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
			cidrs = append(cidrs, r.Str(prefix+k))
		}
		for _, k := range []string{"cidrBlocks", "ipv6CidrBlocks"} {
			for _, c := range r.List(prefix + k) {
				if s, ok := c.(string); ok {
					cidrs = append(cidrs, s)
				}
			}
		}
		f, _ := r.Num(prefix + "fromPort")
		t, _ := r.Num(prefix + "toPort")
		from, to := int(f), int(t)
		if p := r.Str(prefix+"ipProtocol") + r.Str(prefix+"protocol"); p == "-1" || p == "all" {
			from, to = 0, 65535
		}
		var out []openIngress
		for _, c := range cidrs {
			if worldCIDR(c) {
				out = append(out, openIngress{c, from, to})
			}
		}
		return out
	}
	switch r.Type {
	case restype.EC2SecurityGroupRule:
		if r.Str("type") != "ingress" {
			return nil
		}
		return entry("")
	case restype.EC2SecurityGroup:
		var out []openIngress
		for i := range r.List("ingress") {
			out = append(out, entry(fmt.Sprintf("ingress.%d.", i))...)
		}
		return out
	}
	return entry("")
}

// naclIngress is one inline or separate NACL ingress entry that allows.
type naclIngress struct {
	cidr, protocol string
	from, to       int
}

// naclAllows returns the allowing ingress entries of a NetworkAclRule, or
// the inline ingress of a NetworkAcl or DefaultNetworkAcl.
func naclAllows(r Resource) []naclIngress {
	entry := func(prefix, actionKey string) []naclIngress {
		if r.Str(prefix+actionKey) != "allow" {
			return nil
		}
		f, _ := r.Num(prefix + "fromPort")
		t, _ := r.Num(prefix + "toPort")
		return []naclIngress{{cidr: r.Str(prefix+"cidrBlock") + r.Str(prefix+"ipv6CidrBlock"), protocol: r.Str(prefix + "protocol"), from: int(f), to: int(t)}}
	}
	if r.Type == restype.EC2NetworkACLRule {
		if e, _ := r.Bool("egress"); e {
			return nil
		}
		return entry("", "ruleAction")
	}
	var out []naclIngress
	for i := range r.List("ingress") {
		out = append(out, entry(fmt.Sprintf("ingress.%d.", i), "action")...)
	}
	return out
}

// naclTypes are the types that carry NACL ingress entries.
var naclTypes = []string{restype.EC2NetworkACLRule, restype.EC2NetworkACL, restype.EC2DefaultNetworkACL}

func networkRules() []Rule {
	ingress := []string{restype.VPCSecurityGroupIngressRule, restype.EC2SecurityGroupRule, restype.EC2SecurityGroup}
	return []Rule{
		{ID: "ec2-nacl-in-use", Controls: []string{"FSBP EC2.16"}, Severity: Low,
			Description: "Every network ACL is associated with subnets; an unused one is clutter that a later association can bring into force unreviewed.",
			Check: forEach(restype.EC2NetworkACL, func(r Resource) string {
				if len(r.List("subnetIds")) == 0 {
					return "is associated with no subnet; associate it with its tier's subnets or remove it"
				}
				return ""
			})},
		{ID: "ec2-sg-no-open-egress", Controls: []string{"CKV_AWS_382"}, Severity: Medium,
			Description: "No security group allows every protocol and port out to the whole internet (0.0.0.0/0 or ::/0).",
			Check: func(g *Graph) []Violation {
				open := func(r Resource, prefix string) string {
					proto := r.Str(prefix + "ipProtocol")
					if proto == "" {
						proto = r.Str(prefix + "protocol")
					}
					if proto != "-1" && proto != "all" {
						return ""
					}
					cidrs := []string{r.Str(prefix + "cidrIpv4"), r.Str(prefix + "cidrIpv6")}
					for _, c := range append(r.List(prefix+"cidrBlocks"), r.List(prefix+"ipv6CidrBlocks")...) {
						if s, ok := c.(string); ok {
							cidrs = append(cidrs, s)
						}
					}
					for _, c := range cidrs {
						if c == "0.0.0.0/0" || c == "::/0" {
							return fmt.Sprintf("allows every protocol and port out to %s; allow the ports and destinations the tier needs", c)
						}
					}
					return ""
				}
				out := forEach(restype.VPCSecurityGroupEgressRule, func(r Resource) string { return open(r, "") })(g)
				out = append(out, forEach(restype.EC2SecurityGroupRule, func(r Resource) string {
					if r.Str("type") != "egress" {
						return ""
					}
					return open(r, "")
				})(g)...)
				out = append(out, forEach(restype.EC2SecurityGroup, func(r Resource) string {
					for i := range r.List("egress") {
						if msg := open(r, fmt.Sprintf("egress.%d.", i)); msg != "" {
							return msg
						}
					}
					return ""
				})(g)...)
				return out
			}},
		{ID: "ec2-nacl-no-all-ports", Controls: []string{"CKV_AWS_352"}, Severity: High,
			Description: "No network ACL rule, separate or inline, allows every protocol or every port: the NACLs are a second, port-specific layer under the security groups.",
			Check: forEachIn(naclTypes, func(r Resource) string {
				for _, e := range naclAllows(r) {
					switch {
					case e.protocol == "-1" || e.protocol == "all":
						return fmt.Sprintf("allows every protocol and port from %s; allow only the ports of a flow (the app, database or HTTPS port, or the ephemeral replies)", e.cidr)
					case e.from <= 0 && e.to >= 65535:
						return fmt.Sprintf("allows every port from %s; allow only the ports of a flow", e.cidr)
					}
				}
				return ""
			})},
		{ID: "ec2-default-sg-closed", Controls: []string{"FSBP EC2.2", "CIS 5.4", "CKV2_AWS_12"}, Severity: High,
			Description: "Every VPC's default security group is adopted by the stack with no rules: one left as EC2 creates it allows all traffic among its members and all egress.",
			Check: func(g *Graph) []Violation {
				out := forEach(restype.EC2DefaultSecurityGroup, func(r Resource) string {
					if len(r.List("ingress"))+len(r.List("egress")) > 0 {
						return "allows traffic; adopt it with no ingress and no egress rules"
					}
					return ""
				})(g)
				return append(out, withDependent(restype.EC2VPC, restype.EC2DefaultSecurityGroup, "leaves its default security group as EC2 creates it (all egress, all traffic among members); adopt it with ec2.DefaultSecurityGroup and no rules")(g)...)
			}},
		{ID: "ec2-vpc-flow-logs", Controls: []string{"FSBP EC2.6", "CIS 3.7", "nag VPC7"}, Severity: Medium,
			Description: "Every VPC has a flow log of its own that records rejected traffic (REJECT or ALL).",
			Check: func(g *Graph) []Violation {
				return forEach(restype.EC2VPC, func(v Resource) string {
					for _, f := range g.Dependents(v.URN, restype.EC2FlowLog) {
						if (f.Get("vpcId") != nil) && (f.Str("trafficType") == "ALL" || f.Str("trafficType") == "REJECT") {
							return ""
						}
					}
					return "has no flow log of its rejected traffic; add an ec2.FlowLog with vpcId and trafficType ALL"
				})(g)
			}},
		{ID: "ec2-subnet-no-public-ip", Controls: []string{"FSBP EC2.15", "CKV_AWS_130"}, Severity: Medium,
			Description: "Subnets do not assign public IPs on launch.",
			Check: forEach(restype.EC2Subnet, func(r Resource) string {
				if v, _ := r.Bool("mapPublicIpOnLaunch"); v {
					return "gives every instance a public IP; set mapPublicIpOnLaunch: false"
				}
				return ""
			})},
		{ID: "ec2-sg-admin-ports", Controls: []string{"SecurityHub EC2.53", "SecurityHub EC2.54", "CIS 5.2", "CIS 5.3"}, Severity: Critical,
			Description: "No security group admits the internet (IPv4 or IPv6, separate or inline rules) to SSH or RDP.",
			Check: forEachIn(ingress, func(r Resource) string {
				for _, in := range worldIngress(r) {
					for _, p := range []int{22, 3389} {
						if in.from <= p && p <= in.to {
							return fmt.Sprintf("admits %s to port %d; reach instances through SSM Session Manager instead", in.cidr, p)
						}
					}
				}
				return ""
			})},
		{ID: "ec2-sg-open-ports", Controls: []string{"FSBP EC2.18", "FSBP EC2.19", "CKV_AWS_24", "CKV_AWS_25"}, Severity: High,
			Description: "Only ports 80 and 443 are open to the internet (IPv4 or IPv6, separate or inline rules), and no high-risk port.",
			Check: forEachIn(ingress, func(r Resource) string {
				for _, in := range worldIngress(r) {
					if in.from == in.to && (in.from == 80 || in.from == 443) {
						continue
					}
					for _, p := range highRiskPorts {
						if in.from <= p && p <= in.to {
							return fmt.Sprintf("admits %s to high-risk port %d; restrict the source", in.cidr, p)
						}
					}
					return fmt.Sprintf("admits %s to ports %d-%d; only 80 and 443 may be open to the internet", in.cidr, in.from, in.to)
				}
				return ""
			})},
		{ID: "ec2-sg-rule-descriptions", Controls: []string{"CKV_AWS_23", "nag EC27"}, Severity: Low,
			Description: "Every security group and rule says what it is for.",
			Check: forEachIn([]string{restype.EC2SecurityGroup, restype.VPCSecurityGroupIngressRule, restype.VPCSecurityGroupEgressRule}, func(r Resource) string {
				if r.Str("description") == "" && !r.Unknown("description") {
					return "has no description; say who talks to whom and why"
				}
				return ""
			})},
		{ID: "ec2-nacl-admin-ports", Controls: []string{"FSBP EC2.21", "CIS 5.1"}, Severity: High,
			Description: "No network ACL entry, separate or inline, admits the internet (0.0.0.0/0 or ::/0) to 22, 3389 or all ports.",
			Check: forEachIn(naclTypes, func(r Resource) string {
				for _, e := range naclAllows(r) {
					if !worldCIDR(e.cidr) {
						continue
					}
					if e.protocol == "-1" || e.protocol == "all" {
						return "allows all traffic from the internet; allow only the ports the tier serves"
					}
					for _, p := range []int{22, 3389} {
						if e.from <= p && p <= e.to {
							return fmt.Sprintf("allows port %d from the internet (range %d-%d); split the range around it", p, e.from, e.to)
						}
					}
				}
				return ""
			})},
	}
}
