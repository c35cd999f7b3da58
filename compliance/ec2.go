package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// networkRules judge VPCs, subnets, security groups, network ACLs and
// flow logs; endpointRules (below) the VPCs' interface endpoints.
func networkRules() []Rule {
	return []Rule{ec2NACLInUse, ec2SGNoOpenEgress, ec2NACLNoAllPorts, ec2DefaultSGClosed, ec2VPCFlowLogs,
		ec2SubnetNoPublicIP, ec2SGAdminPorts, ec2SGOpenPorts, ec2SGRuleDescriptions, ec2NACLAdminPorts, ec2PeeringRoutes}
}

// worldCIDR reports whether an input CIDR is the whole IPv4 or IPv6
// internet.
func worldCIDR(c string) bool { return c == "0.0.0.0/0" || c == "::/0" }

// highRiskPorts are those Security Hub EC2.19 names (the blockedPorts of
// its Config rule restricted-common-ports, vpc-sg-restricted-common-ports).
var highRiskPorts = []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

// adminPorts are the remote administration ports of EC2.21, EC2.53,
// EC2.54 and CIS 5.1-5.3 (restrictPorts' default of
// vpc-sg-port-restriction-check, and nacl-no-unrestricted-ssh-rdp's).
var adminPorts = []int{22, 3389}

// authorizedTCPPorts is EC2.18's authorizedTcpPorts parameter at its
// Security Hub default ("80,443"); authorizedUdpPorts has no default, so
// no UDP port may be open to the internet.
var authorizedTCPPorts = []int{80, 443}

// ipProtocol normalizes a security group or NACL protocol: "all", "tcp",
// "udp", or the protocol as written (ICMP and the rest carry no ports).
func ipProtocol(p string) string {
	switch strings.ToLower(p) {
	case "-1", "all":
		return "all"
	case "tcp", "6":
		return "tcp"
	case "udp", "17":
		return "udp"
	}
	return strings.ToLower(p)
}

// openIngress is one way a security group rule admits the internet: the
// CIDR, the protocol (ipProtocol) and the port range.
type openIngress struct {
	cidr     string
	proto    string
	from, to int
}

// covers reports whether the entry admits port over one of protos (or
// every protocol).
func (o openIngress) covers(port int, protos ...string) bool {
	return (o.proto == "all" || slices.Contains(protos, o.proto)) && o.from <= port && port <= o.to
}

// ipv6 reports whether the entry's source is the IPv6 internet.
func (o openIngress) ipv6() bool { return strings.Contains(o.cidr, ":") }

// worldIngress returns the internet-open ingress of a resource in every
// form the plan can express it: a vpc.SecurityGroupIngressRule (cidrIpv4,
// cidrIpv6), an ec2.SecurityGroupRule of type ingress (cidrBlocks,
// ipv6CidrBlocks) and the inline ingress blocks of an ec2.SecurityGroup or
// an adopted ec2.DefaultSecurityGroup.
// The protocol and ports are read only for entries open to the internet,
// so that a value computed elsewhere leaves the rest judged.
func worldIngress(r Resource) []openIngress {
	entry := func(prefix string) []openIngress {
		var cidrs []string
		for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
			if c := r.Str(prefix + k); worldCIDR(c) {
				cidrs = append(cidrs, c)
			}
		}
		for _, k := range []string{"cidrBlocks", "ipv6CidrBlocks"} {
			for i := range r.List(prefix + k) {
				if c := r.Str(fmt.Sprintf("%s%s.%d", prefix, k, i)); worldCIDR(c) {
					cidrs = append(cidrs, c)
				}
			}
		}
		if len(cidrs) == 0 {
			return nil
		}
		proto := ipProtocol(r.Str(prefix+"ipProtocol") + r.Str(prefix+"protocol"))
		f, fromSet := r.Num(prefix + "fromPort")
		t, toSet := r.Num(prefix + "toPort")
		from, to := int(f), int(t)
		if proto == "all" || !fromSet && !toSet {
			from, to = 0, 65535
		}
		var out []openIngress
		for _, c := range cidrs {
			out = append(out, openIngress{c, proto, from, to})
		}
		return out
	}
	switch r.Type {
	case restype.EC2SecurityGroupRule:
		if r.Str("type") != "ingress" {
			return nil
		}
		return entry("")
	case restype.EC2SecurityGroup, restype.EC2DefaultSecurityGroup:
		var out []openIngress
		for i := range r.List("ingress") {
			out = append(out, entry(fmt.Sprintf("ingress.%d.", i))...)
		}
		return out
	}
	return entry("")
}

// sgIngressTypes are the types that carry security group ingress.
var sgIngressTypes = []string{restype.VPCSecurityGroupIngressRule, restype.EC2SecurityGroupRule, restype.EC2SecurityGroup, restype.EC2DefaultSecurityGroup}

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

// judgedEach is forEachIn for a rule of several controls: judge returns
// what is wrong and the controls that fails ("" when it passes).
func judgedEach(types []string, judge func(r Resource) (string, []string)) func(*Graph) []Violation {
	return func(g *Graph) []Violation {
		var out []Violation
		for _, t := range types {
			for _, r := range g.ByType(t) {
				seen := false
				msg, controls := judge(r.tracked(&seen))
				switch {
				case seen:
					out = append(out, notJudged(r))
				case msg != "":
					out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s", shortType(r.Type), r.Name, msg), Controls: controls})
				}
			}
		}
		return out
	}
}

// addControls appends to a set the controls not yet in it.
func addControls(set []string, controls ...string) []string {
	for _, c := range controls {
		if !slices.Contains(set, c) {
			set = append(set, c)
		}
	}
	return set
}

// ec2NACLInUse follows Security Hub EC2.16 ("Unused Network Access Control
// Lists should be removed", Config rule vpc-network-acl-unused-check): a
// network ACL associated with no subnet fails; the default network ACL
// is not judged (the control generates no findings for it). A subnet is
// associated inline (subnetIds) or by an ec2.NetworkAclAssociation.
var ec2NACLInUse = Rule{ID: "ec2-nacl-in-use", Controls: []string{"FSBP EC2.16"}, Severity: Low,
	Source:      "Security Hub EC2.16; AWS Config vpc-network-acl-unused-check",
	Description: "Every network ACL other than the default one is associated with subnets (subnetIds or an ec2.NetworkAclAssociation); an unused one is clutter that a later association can bring into force unreviewed. Not judged while its associations are computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.EC2NetworkACL, func(r Resource) string {
			if len(r.List("subnetIds")) > 0 {
				return ""
			}
			unknown := false
			for _, a := range g.ByType(restype.EC2NetworkACLAssociation) {
				ref := g.refs(a, "networkAclId", restype.EC2NetworkACL)
				if slices.Contains(ref.urns, r.URN) {
					return ""
				}
				unknown = unknown || ref.unknown
			}
			if unknown {
				r.sawUnknown()
			}
			return "is associated with no subnet; associate it with its tier's subnets or remove it"
		})(g)
	}}

// ec2SGNoOpenEgress follows Checkov CKV_AWS_382 ("Ensure no security
// groups allow egress from 0.0.0.0:0 to port -1"): an egress rule of every
// protocol to the whole internet, in any form.
var ec2SGNoOpenEgress = Rule{ID: "ec2-sg-no-open-egress", Controls: []string{"CKV_AWS_382"}, Severity: Medium,
	Source:      "Checkov CKV_AWS_382",
	Description: "No security group allows every protocol and port out to the whole internet (0.0.0.0/0 or ::/0), in a separate rule or inline (the default group's too). Not judged while a rule's protocol or destination is computed at deployment.",
	Check: func(g *Graph) []Violation {
		open := func(r Resource, prefix string) string {
			if ipProtocol(r.Str(prefix+"ipProtocol")+r.Str(prefix+"protocol")) != "all" {
				return ""
			}
			cidrs := []string{r.Str(prefix + "cidrIpv4"), r.Str(prefix + "cidrIpv6")}
			for _, k := range []string{"cidrBlocks", "ipv6CidrBlocks"} {
				for i := range r.List(prefix + k) {
					cidrs = append(cidrs, r.Str(fmt.Sprintf("%s%s.%d", prefix, k, i)))
				}
			}
			for _, c := range cidrs {
				if worldCIDR(c) {
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
		out = append(out, forEachIn([]string{restype.EC2SecurityGroup, restype.EC2DefaultSecurityGroup}, func(r Resource) string {
			for i := range r.List("egress") {
				if msg := open(r, fmt.Sprintf("egress.%d.", i)); msg != "" {
					return msg
				}
			}
			return ""
		})(g)...)
		return out
	}}

// ec2NACLNoAllPorts follows Checkov CKV_AWS_352 ("Ensure NACL ingress does
// not allow all Ports"): an allowing ingress entry of every protocol, or
// of TCP or UDP on every port.
var ec2NACLNoAllPorts = Rule{ID: "ec2-nacl-no-all-ports", Controls: []string{"CKV_AWS_352"}, Severity: High,
	Source:      "Checkov CKV_AWS_352",
	Description: "No network ACL ingress entry, separate or inline, allows every protocol or every TCP or UDP port: the NACLs are a second, port-specific layer under the security groups. Not judged while an entry is computed at deployment.",
	Check: forEachIn(naclTypes, func(r Resource) string {
		for _, e := range naclAllows(r) {
			switch p := ipProtocol(e.protocol); {
			case p == "all":
				return fmt.Sprintf("allows every protocol and port from %s; allow only the ports of a flow (the app, database or HTTPS port, or the ephemeral replies)", e.cidr)
			case (p == "tcp" || p == "udp") && e.from <= 0 && e.to >= 65535:
				return fmt.Sprintf("allows every port from %s; allow only the ports of a flow", e.cidr)
			}
		}
		return ""
	})}

// ec2DefaultSGClosed follows Security Hub EC2.2 ("VPC default security
// groups should not allow inbound or outbound traffic", Config rule
// vpc-default-security-group-closed), CIS 5.4's audit (the default group
// of every VPC has no inbound and no outbound rules) and Checkov
// CKV2_AWS_12: the default group adopted with no rules, inline or as
// separate rule resources on it; a VPC whose default group is left as
// EC2 creates it (all traffic among members, all egress) fails too.
var ec2DefaultSGClosed = Rule{ID: "ec2-default-sg-closed", Controls: []string{"FSBP EC2.2", "CIS 5.4", "CKV2_AWS_12"}, Severity: High,
	Source:      "Security Hub EC2.2; AWS Config vpc-default-security-group-closed; CIS AWS Foundations v3.0.0 5.4 audit; Checkov CKV2_AWS_12",
	Description: "Every VPC's default security group is adopted by the stack (ec2.DefaultSecurityGroup) with no ingress and no egress rules, and no separate rule resource adds one to it: one left as EC2 creates it allows all traffic among its members and all egress. Not judged while its rules, or a rule's group, are computed at deployment.",
	Check: func(g *Graph) []Violation {
		vpcOf := map[string]string{} // default group URN → VPC URN
		for _, d := range g.ByType(restype.EC2DefaultSecurityGroup) {
			if ref := g.refs(d, "vpcId", restype.EC2VPC); len(ref.urns) == 1 {
				vpcOf[d.URN] = ref.urns[0]
			}
		}
		out := forEach(restype.EC2DefaultSecurityGroup, func(r Resource) string {
			if len(r.List("ingress"))+len(r.List("egress")) > 0 {
				return "allows traffic; adopt it with no ingress and no egress rules"
			}
			unknown := false
			for _, typ := range []string{restype.VPCSecurityGroupIngressRule, restype.VPCSecurityGroupEgressRule, restype.EC2SecurityGroupRule} {
				for _, rule := range g.ByType(typ) {
					ref := g.refs(rule, "securityGroupId", securityGroupTypes...)
					// A rule on the VPC's defaultSecurityGroupId output names
					// the VPC.
					fromVPC := vpcOf[r.URN] != "" && slices.Contains(rule.PropertyDependencies["securityGroupId"], vpcOf[r.URN])
					if slices.Contains(ref.urns, r.URN) || fromVPC {
						return fmt.Sprintf("allows traffic through %s %s; remove the rule from the default security group", shortType(rule.Type), rule.Name)
					}
					unknown = unknown || ref.unknown && len(rule.PropertyDependencies["securityGroupId"]) == 0
				}
			}
			if unknown {
				r.sawUnknown()
			}
			return ""
		})(g)
		return append(out, withDependent(restype.EC2VPC, restype.EC2DefaultSecurityGroup, "leaves its default security group as EC2 creates it (all egress, all traffic among members); adopt it with ec2.DefaultSecurityGroup and no rules")(g)...)
	}}

// ec2VPCFlowLogs follows Security Hub EC2.6 ("VPC flow logging should be
// enabled in all VPCs", Config rule vpc-flow-logs-enabled with trafficType
// REJECT, which a flow log of ALL traffic meets), CIS 3.7's audit (a flow
// log of rejected packets for every VPC) and cdk-nag VPC7 (a flow log of
// any traffic): a flow log on the VPC itself (vpcId), not on a subnet or
// an interface.
var ec2VPCFlowLogs = Rule{ID: "ec2-vpc-flow-logs", Controls: []string{"FSBP EC2.6", "CIS 3.7", "nag VPC7"}, Severity: Medium,
	Source:      "Security Hub EC2.6; AWS Config vpc-flow-logs-enabled (trafficType REJECT); CIS AWS Foundations v3.0.0 3.7 audit; cdk-nag VPC7",
	Description: "Every VPC has a flow log of its own (vpcId) that records rejected traffic (trafficType REJECT or ALL); one of ACCEPT only fails EC2.6 and CIS 3.7. Not judged while a flow log's VPC or traffic type is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return judgedEach([]string{restype.EC2VPC}, func(v Resource) (string, []string) {
			some, unknown := false, false
			for _, f := range g.ByType(restype.EC2FlowLog) {
				if f.Get("vpcId") == nil {
					continue
				}
				ref := g.refs(f, "vpcId", restype.EC2VPC)
				unknown = unknown || ref.unknown
				if !slices.Contains(ref.urns, v.URN) {
					continue
				}
				some = true
				switch t := f.Str("trafficType"); {
				case f.Unknown("trafficType"):
					unknown = true
				case t == "ALL" || t == "REJECT":
					return "", nil
				}
			}
			if unknown {
				v.sawUnknown()
			}
			if some {
				return "logs only accepted traffic; set trafficType ALL (or REJECT) on its flow log", []string{"FSBP EC2.6", "CIS 3.7"}
			}
			return "has no flow log of its rejected traffic; add an ec2.FlowLog with vpcId and trafficType ALL", nil
		})(g)
	}}

// ec2SubnetNoPublicIP follows Security Hub EC2.15 ("Amazon EC2 subnets
// should not automatically assign public IP addresses", Config rule
// subnet-auto-assign-public-ip-disabled) and Checkov CKV_AWS_130:
// mapPublicIpOnLaunch, false when unset.
var ec2SubnetNoPublicIP = Rule{ID: "ec2-subnet-no-public-ip", Controls: []string{"FSBP EC2.15", "CKV_AWS_130"}, Severity: Medium,
	Source:      "Security Hub EC2.15; AWS Config subnet-auto-assign-public-ip-disabled; Checkov CKV_AWS_130",
	Description: "Subnets do not assign public IPv4 addresses on launch (mapPublicIpOnLaunch unset or false). Not judged while it is computed at deployment.",
	Check: forEach(restype.EC2Subnet, func(r Resource) string {
		if v, _ := r.Bool("mapPublicIpOnLaunch"); v {
			return "gives every instance a public IP; set mapPublicIpOnLaunch: false"
		}
		return ""
	})}

// ec2SGAdminPorts follows Security Hub EC2.53 and EC2.54 (Config rule
// vpc-sg-port-restriction-check with restrictPorts 22,3389, protocolType
// ALL, ipType IPv4 for EC2.53 and IPv6 for EC2.54) and CIS 5.2 (0.0.0.0/0)
// and 5.3 (::/0) audits: an ingress from the whole internet over TCP, UDP
// or every protocol whose port range includes 22 or 3389. A finding names
// the controls of the address families it admits.
var ec2SGAdminPorts = Rule{ID: "ec2-sg-admin-ports", Controls: []string{"SecurityHub EC2.53", "SecurityHub EC2.54", "CIS 5.2", "CIS 5.3"}, Severity: Critical,
	Source:      "Security Hub EC2.53 and EC2.54; AWS Config vpc-sg-port-restriction-check (restrictPorts 22,3389, protocolType ALL, ipType IPv4 / IPv6); CIS AWS Foundations v3.0.0 5.2 and 5.3 audits",
	Description: "No security group admits the internet to SSH or RDP (22, 3389) over TCP, UDP or every protocol, by a range that includes them too: 0.0.0.0/0 fails EC2.53 and CIS 5.2, ::/0 EC2.54 and CIS 5.3; separate or inline rules, the default group's included. Not judged while a rule's source, protocol or ports are computed at deployment.",
	Check: judgedEach(sgIngressTypes, func(r Resource) (string, []string) {
		var msg string
		var controls []string
		for _, in := range worldIngress(r) {
			for _, p := range adminPorts {
				if !in.covers(p, "tcp", "udp") {
					continue
				}
				if msg == "" {
					msg = fmt.Sprintf("admits %s to port %d; reach instances through SSM Session Manager instead", in.cidr, p)
				}
				if in.ipv6() {
					controls = addControls(controls, "SecurityHub EC2.54", "CIS 5.3")
				} else {
					controls = addControls(controls, "SecurityHub EC2.53", "CIS 5.2")
				}
			}
		}
		return msg, controls
	})}

// ec2SGOpenPorts follows Security Hub EC2.18 (Config rule
// vpc-sg-open-only-to-authorized-ports, authorizedTcpPorts "80,443", no
// authorized UDP ports: any other TCP or UDP port open to 0.0.0.0/0 or
// ::/0 fails, a range such as 80-443 included), EC2.19 (Config rule
// restricted-common-ports: TCP, or every protocol, to a high-risk port
// from 0.0.0.0/0 or ::/0, a range that includes one too) and Checkov
// CKV_AWS_24 and CKV_AWS_25 (22 and 3389 from the internet). A finding
// names only the controls it fails.
var ec2SGOpenPorts = Rule{ID: "ec2-sg-open-ports", Controls: []string{"FSBP EC2.18", "FSBP EC2.19", "CKV_AWS_24", "CKV_AWS_25"}, Severity: High,
	Source:      "Security Hub EC2.18 (AWS Config vpc-sg-open-only-to-authorized-ports, authorizedTcpPorts 80,443) and EC2.19 (AWS Config restricted-common-ports, its high-risk port list); Checkov CKV_AWS_24, CKV_AWS_25",
	Description: "Only TCP 80 and 443 are open to the internet (0.0.0.0/0 or ::/0, separate or inline rules; any other TCP or UDP port, or every protocol, fails EC2.18), and no high-risk TCP port (EC2.19's list, a range that includes one too); 22 and 3389 are CKV_AWS_24 and CKV_AWS_25. ICMP and other portless protocols pass. Not judged while a rule's source, protocol or ports are computed at deployment.",
	Check: judgedEach(sgIngressTypes, func(r Resource) (string, []string) {
		var msgs []string
		var controls []string
		for _, in := range worldIngress(r) {
			if in.proto == "all" || in.proto == "udp" || in.proto == "tcp" && !(in.from == in.to && slices.Contains(authorizedTCPPorts, in.from)) {
				controls = addControls(controls, "FSBP EC2.18")
				msgs = append(msgs, fmt.Sprintf("admits %s to ports %d-%d (%s); only TCP 80 and 443 may be open to the internet", in.cidr, in.from, in.to, in.proto))
			}
			for _, p := range highRiskPorts {
				if in.covers(p, "tcp") {
					controls = addControls(controls, "FSBP EC2.19")
					msgs = append([]string{fmt.Sprintf("admits %s to high-risk port %d; restrict the source", in.cidr, p)}, msgs...)
					break
				}
			}
			if in.covers(22, "tcp", "udp") {
				controls = addControls(controls, "CKV_AWS_24")
			}
			if in.covers(3389, "tcp", "udp") {
				controls = addControls(controls, "CKV_AWS_25")
			}
		}
		if len(msgs) == 0 {
			return "", nil
		}
		return msgs[0], controls
	})}

// ec2SGRuleDescriptions follows Checkov CKV_AWS_23 ("Ensure every security
// group and rule has a description": the group, each inline ingress and
// egress block, and each separate rule) and cdk-nag EC27.
var ec2SGRuleDescriptions = Rule{ID: "ec2-sg-rule-descriptions", Controls: []string{"CKV_AWS_23", "nag EC27"}, Severity: Low,
	Source:      "Checkov CKV_AWS_23; cdk-nag EC27",
	Description: "Every security group, each of its inline ingress and egress rules, and every separate rule (vpc.SecurityGroupIngressRule, vpc.SecurityGroupEgressRule, ec2.SecurityGroupRule) says what it is for. Not judged while a description is computed at deployment.",
	Check: forEachIn([]string{restype.EC2SecurityGroup, restype.VPCSecurityGroupIngressRule, restype.VPCSecurityGroupEgressRule, restype.EC2SecurityGroupRule}, func(r Resource) string {
		if r.Str("description") == "" && !r.Unknown("description") {
			return "has no description; say who talks to whom and why"
		}
		if r.Type != restype.EC2SecurityGroup {
			return ""
		}
		for _, dir := range []string{"ingress", "egress"} {
			for i := range r.List(dir) {
				p := fmt.Sprintf("%s.%d.description", dir, i)
				if r.Str(p) == "" && !r.Unknown(p) {
					return fmt.Sprintf("has an %s rule (#%d) without a description; say who talks to whom and why", dir, i)
				}
			}
		}
		return ""
	})}

// ec2NACLAdminPorts follows Security Hub EC2.21 ("Network ACLs should not
// allow ingress from 0.0.0.0/0 to port 22 or port 3389", Config rule
// nacl-no-unrestricted-ssh-rdp: an inbound entry from 0.0.0.0/0 or ::/0
// that allows TCP or UDP to 22 or 3389) and CIS 5.1's audit (an ALLOW
// entry from 0.0.0.0/0 whose port range includes 22 or 3389 over TCP (6),
// UDP (17) or ALL (-1)): separate or inline entries, and a VPC whose
// default network ACL is left as EC2 creates it (allow all from
// 0.0.0.0/0). An ::/0 entry fails EC2.21 only: CIS 5.1 names 0.0.0.0/0.
var ec2NACLAdminPorts = Rule{ID: "ec2-nacl-admin-ports", Controls: []string{"FSBP EC2.21", "CIS 5.1"}, Severity: High,
	Source:      "Security Hub EC2.21; AWS Config nacl-no-unrestricted-ssh-rdp; CIS AWS Foundations v3.0.0 5.1 audit",
	Description: "No network ACL entry, separate or inline, allows the internet to 22 or 3389 over TCP, UDP or every protocol, by a range that includes them too (0.0.0.0/0 fails EC2.21 and CIS 5.1, ::/0 EC2.21); every VPC adopts its default network ACL (ec2.DefaultNetworkAcl), whose entries as EC2 creates them allow all traffic. Not judged while an entry is computed at deployment.",
	Check: func(g *Graph) []Violation {
		out := judgedEach(naclTypes, func(r Resource) (string, []string) {
			var msg string
			var controls []string
			for _, e := range naclAllows(r) {
				if !worldCIDR(e.cidr) {
					continue
				}
				in := openIngress{cidr: e.cidr, proto: ipProtocol(e.protocol), from: e.from, to: e.to}
				if in.proto == "all" {
					in.from, in.to = 0, 65535
				}
				for _, p := range adminPorts {
					if !in.covers(p, "tcp", "udp") {
						continue
					}
					if msg == "" && in.proto == "all" {
						msg = fmt.Sprintf("allows all traffic from %s; allow only the ports the tier serves", e.cidr)
					} else if msg == "" {
						msg = fmt.Sprintf("allows port %d from the internet (%s, range %d-%d); split the range around it", p, e.cidr, e.from, e.to)
					}
					controls = addControls(controls, "FSBP EC2.21")
					if !in.ipv6() {
						controls = addControls(controls, "CIS 5.1")
					}
				}
			}
			return msg, controls
		})(g)
		return append(out, withDependent(restype.EC2VPC, restype.EC2DefaultNetworkACL, "leaves its default network ACL as EC2 creates it (allow all traffic from 0.0.0.0/0); adopt it with ec2.DefaultNetworkAcl and no entries")(g)...)
	}}

// ec2PeeringRoutes follows CIS 5.5's audit ("Ensure routing tables for VPC
// peering are least access", a manual review of whether peered VPCs'
// routes cover more than the peering needs): a route to a peering
// connection (ec2.Route or a route table's inline routes) for the whole
// IPv4 or IPv6 internet is never least access. Narrower ranges are the
// review's.
var ec2PeeringRoutes = Rule{ID: "ec2-peering-routes", Controls: []string{"CIS 5.5"}, Severity: Medium,
	Source:      "CIS AWS Foundations v3.0.0 5.5 audit (manual)",
	Description: "No route to a VPC peering connection sends the whole internet (0.0.0.0/0 or ::/0) through it; whether each narrower peered range is needed is a manual review. Not judged while a peering route's destination is computed at deployment.",
	Check: forEachIn([]string{restype.EC2Route, restype.EC2RouteTable}, func(r Resource) string {
		route := func(prefix, v4, v6 string) string {
			for _, k := range []string{v4, v6} {
				// The destination first: a narrower one passes whatever
				// the target.
				if d := r.Str(prefix + k); worldCIDR(d) && r.Str(prefix+"vpcPeeringConnectionId") != "" {
					return fmt.Sprintf("routes %s to a peering connection; route only the peer's ranges the peering needs", d)
				}
			}
			return ""
		}
		if r.Type == restype.EC2Route {
			return route("", "destinationCidrBlock", "destinationIpv6CidrBlock")
		}
		for i := range r.List("routes") {
			if msg := route(fmt.Sprintf("routes.%d.", i), "cidrBlock", "ipv6CidrBlock"); msg != "" {
				return msg
			}
		}
		return ""
	})}

// endpointControls are the FSBP controls that ask each VPC for an
// interface endpoint of one service (Security Hub EC2.10 and EC2.55-60,
// Config rule service-vpc-endpoint-enabled with serviceName set).
var endpointControls = []struct{ control, service, why string }{
	{"EC2.10", "ec2", "instances and tools that call the EC2 API"},
	{"EC2.55", "ecr.api", "ECS or EKS workloads that pull images"},
	{"EC2.56", "ecr.dkr", "ECS or EKS workloads that pull images"},
	{"EC2.57", "ssm", "Systems Manager (Session Manager, Parameter Store)"},
	{"EC2.58", "ssm-contacts", "Incident Manager contacts"},
	{"EC2.60", "ssm-incidents", "Incident Manager"},
}

// endpointRules has one rule per control, so that a stack can waive the
// services it does not use one by one, with its reason. Each follows its
// Security Hub control (Config rule service-vpc-endpoint-enabled): a VPC
// fails without a VPC endpoint of the service in it (its vpcId).
func endpointRules() []Rule {
	var out []Rule
	for _, e := range endpointControls {
		out = append(out, Rule{
			ID: "ec2-endpoint-" + e.service, Controls: []string{"FSBP " + e.control}, Severity: Low,
			Source:      fmt.Sprintf("Security Hub %s; AWS Config service-vpc-endpoint-enabled (serviceName %s)", e.control, e.service),
			Description: fmt.Sprintf("Every VPC reaches %s through a VPC endpoint of its own (vpcId, service name ending in .%s), not the internet (for %s). Not judged while an endpoint's VPC or service is computed at deployment.", e.service, e.service, e.why),
			Check: func(g *Graph) []Violation {
				return forEach(restype.EC2VPC, func(v Resource) string {
					unknown := false
					for _, ep := range g.ByType(restype.EC2VPCEndpoint) {
						ref := g.refs(ep, "vpcId", restype.EC2VPC)
						unknown = unknown || ref.unknown
						if !slices.Contains(ref.urns, v.URN) {
							continue
						}
						unknown = unknown || ep.Unknown("serviceName")
						if strings.HasSuffix(ep.Str("serviceName"), "."+e.service) {
							return ""
						}
					}
					if unknown {
						v.sawUnknown()
					}
					return fmt.Sprintf("has no interface endpoint for %s; add %q to network.interfaceEndpoints, or suppress with the reason the VPC does not call it", e.service, e.service)
				})(g)
			},
		})
	}
	return out
}
