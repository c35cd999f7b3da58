package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/tls/policy"
)

// Rules returns every rule, in report order.
func Rules() []Rule {
	return slices.Concat(elbRules(), networkRules(), reachRules(), iamRules(), dataRules(), trailRules(), guardDutyRules(), alarmRules(), monitoringRules(), accountRules(), serviceRules(), endpointRules(), cognitoRules(), wafRules(), sqsRules(), snsRules(), s3Rules(), projectRules(), deployRules(), driftRules())
}

func elbRules() []Rule {
	return []Rule{
		{ID: "elb-http-redirects", Controls: []string{"FSBP ELB.1", "CKV2_AWS_20"}, Severity: High,
			Description: "An HTTP listener only redirects to HTTPS.",
			Check: forEach(restype.LBListener, func(r Resource) string {
				if r.Str("protocol") != "HTTP" {
					return ""
				}
				if r.Str("defaultActions.0.type") != "redirect" || r.Str("defaultActions.0.redirect.protocol") != "HTTPS" {
					return "serves plain HTTP; make its default action a redirect to HTTPS (status HTTP_301)"
				}
				return ""
			})},
		{ID: "elb-https-listener", Controls: []string{"CKV_AWS_2"}, Severity: High,
			Description: "Listeners speak HTTPS, or only redirect HTTP to it.",
			Check: forEach(restype.LBListener, func(r Resource) string {
				switch p := r.Str("protocol"); {
				case p == "HTTPS":
					return ""
				case p == "HTTP" && r.Str("defaultActions.0.type") == "redirect":
					return ""
				default:
					return fmt.Sprintf("protocol %q forwards without TLS; use HTTPS with a certificate", p)
				}
			})},
		// FSBP ELB.18's Config rule (elbv2-listener-encryption-in-transit)
		// documents no exemption for a listener that only redirects.
		{ID: "elb-listener-encrypted", Controls: []string{"FSBP ELB.18"}, Severity: Medium,
			Description: "Every listener of an application or network load balancer speaks HTTPS or TLS, a redirecting HTTP listener included.",
			Check: forEach(restype.LBListener, func(r Resource) string {
				switch p := r.Str("protocol"); p {
				case "HTTPS", "TLS", "GENEVE":
					return ""
				default:
					return fmt.Sprintf("listens with %s; ELB.18 fails every listener that is not HTTPS or TLS, one that only redirects included", p)
				}
			})},
		{ID: "elb-tls-policy", Controls: []string{"FSBP ELB.17", "CKV_AWS_103", "CKV2_AWS_74"}, Severity: High,
			Description: "HTTPS listeners use a TLS policy that ELB.17 accepts; unset means ELBSecurityPolicy-2016-08.",
			Check: forEach(restype.LBListener, func(r Resource) string {
				if r.Str("protocol") != "HTTPS" || r.Unknown("sslPolicy") {
					return ""
				}
				p := policy.EffectivePolicy(r.Str("sslPolicy"))
				if !slices.Contains(policy.Accepted(), p) {
					return fmt.Sprintf("TLS policy %s allows old protocols or ciphers; set sslPolicy to %s", p, policy.Default)
				}
				return ""
			})},
		{ID: "elb-drop-invalid-headers", Controls: []string{"FSBP ELB.4", "CKV_AWS_131"}, Severity: Medium,
			Description: "Application load balancers drop invalid HTTP headers.",
			Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
				if v, _ := r.Bool("dropInvalidHeaderFields"); !v && isALB(r) {
					return "passes invalid header fields to targets; set dropInvalidHeaderFields: true"
				}
				return ""
			})},
		{ID: "elb-access-logs", Controls: []string{"FSBP ELB.5", "CKV_AWS_91", "nag ELB2"}, Severity: Medium,
			Description: "Load balancers write access logs.",
			Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
				if v, _ := r.Bool("accessLogs.enabled"); !v {
					return "keeps no access logs; enable accessLogs to a log bucket"
				}
				return ""
			})},
		{ID: "elb-deletion-protection", Controls: []string{"FSBP ELB.6", "CKV_AWS_150"}, Severity: Medium,
			Description: "Load balancers have deletion protection.",
			Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
				if v, _ := r.Bool("enableDeletionProtection"); !v {
					return "can be deleted by one call; set enableDeletionProtection: true"
				}
				return ""
			})},
		{ID: "elb-desync-mitigation", Controls: []string{"FSBP ELB.12", "CKV_AWS_328"}, Severity: Medium,
			Description: "Desync mitigation is defensive or strictest (unset means defensive).",
			Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
				if m := r.Str("desyncMitigationMode"); m == "monitor" {
					return "only monitors HTTP desync; set desyncMitigationMode to strictest"
				}
				return ""
			})},
		{ID: "elb-multi-az", Controls: []string{"FSBP ELB.13"}, Severity: Medium,
			Description: "Load balancers span at least two Availability Zones: subnets counted by zone, not by number.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.LBLoadBalancer, func(r Resource) string {
					n := len(r.List("subnets")) + len(r.List("subnetMappings"))
					return fewZones(g, r, n)
				})(g)
			}},
		{ID: "elb-waf", Controls: []string{"SecurityHub ELB.16", "CKV2_AWS_28"}, Severity: High,
			Description: "Every internet-facing load balancer has a WAF web ACL.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				for _, lb := range g.ByType(restype.LBLoadBalancer) {
					if internal, _ := lb.Bool("internal"); internal || !isALB(lb) {
						continue
					}
					if len(g.Dependents(lb.URN, restype.WAFv2WebACLAssociation)) == 0 {
						out = append(out, Violation{URN: lb.URN, Message: fmt.Sprintf("lb.LoadBalancer %s: is internet-facing without a web ACL; associate one (wafv2.WebAclAssociation)", lb.Name)})
					}
				}
				return out
			}},
		{ID: "elb-target-https", Controls: []string{"SecurityHub ELB.21", "SecurityHub ELB.22", "CKV_AWS_378"}, Severity: Medium,
			Description: "Target groups and their health checks use HTTPS.",
			Check: forEach(restype.LBTargetGroup, func(r Resource) string {
				if r.Str("protocol") != "HTTPS" || r.Str("healthCheck.protocol") != "HTTPS" {
					return fmt.Sprintf("talks %q to targets (health check %q); use HTTPS for both", r.Str("protocol"), r.Str("healthCheck.protocol"))
				}
				return ""
			})},
		{ID: "acm-transparency-logging", Controls: []string{"CKV_AWS_234"}, Severity: Medium,
			Description: "ACM certificates that ACM issues are logged to Certificate Transparency (the default), so a certificate issued for the domain cannot go unnoticed.",
			Check: forEach(restype.ACMCertificate, func(r Resource) string {
				if _, imported := r.Inputs["privateKey"]; imported {
					return "" // imported certificates are not ACM's to log
				}
				if r.Str("options.certificateTransparencyLoggingPreference") == "DISABLED" {
					return "opts out of Certificate Transparency logging; set options.certificateTransparencyLoggingPreference ENABLED"
				}
				return ""
			})},
		{ID: "acm-key-algorithm", Controls: []string{"FSBP ACM.2"}, Severity: Medium,
			Description: "ACM certificates, requested or imported, use RSA of 2048 bits or more, or ECDSA; an imported certificate is judged by the tls.PrivateKey it depends on.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.ACMCertificate, func(r Resource) string {
					if _, imported := r.Inputs["privateKey"]; imported {
						for _, k := range g.ByType(restype.TLSPrivateKey) {
							if !slices.Contains(r.Dependencies, k.URN) {
								continue
							}
							// pulumi-tls's rsaBits defaults to 2048.
							if bits, set := k.Num("rsaBits"); k.Str("algorithm") == "RSA" && set && bits < 2048 {
								return fmt.Sprintf("imports a %d-bit RSA key (%s); use 2048 bits or more, or ECDSA P256", int(bits), k.Name)
							}
						}
						return ""
					}
					switch a := r.Str("keyAlgorithm"); {
					case r.Unknown("keyAlgorithm"):
						return ""
					case a == "" || a == "RSA_2048" || a == "RSA_3072" || a == "RSA_4096" || strings.HasPrefix(a, "EC_"):
						return ""
					default:
						return fmt.Sprintf("uses key algorithm %s; request EC_prime256v1 or RSA_2048 and above", a)
					}
				})(g)
			}},
	}
}

func isALB(r Resource) bool {
	t := r.Str("loadBalancerType")
	return t == "" || t == "application"
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
