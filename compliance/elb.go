package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/tls/policy"
)

// elbRules judge load balancers, their listeners and target groups.
func elbRules() []Rule {
	return []Rule{elbHTTPRedirects, elbHTTPSListener, elbListenerEncrypted, elbTLSPolicy, elbDropInvalidHeaders,
		elbAccessLogs, elbDeletionProtection, elbDesyncMitigation, elbMultiAZ, elbWAF, elbTargetHTTPS, elbTargetPortOpen}
}

// untracked is r without the record of its unknown reads: a reference
// that is computed but resolved by its property dependencies is known.
func untracked(r Resource) Resource {
	r.unknown = nil
	return r
}

// lbType is a load balancer's type: "application" (the default),
// "network" or "gateway".
func lbType(r Resource) string {
	if t := r.Str("loadBalancerType"); t != "" {
		return t
	}
	return "application"
}

func isALB(r Resource) bool { return lbType(r) == "application" }

// listenerLB is the load balancer a listener belongs to (loadBalancerArn;
// a load balancer's id is its ARN), and whether the plan holds it.
func listenerLB(g *Graph, l Resource) (Resource, bool) {
	ref := g.refs(untracked(l), "loadBalancerArn", restype.LBLoadBalancer)
	if ref.unknown {
		l.sawUnknown()
	}
	if len(ref.urns) != 1 {
		return Resource{}, false
	}
	for _, lb := range g.ByType(restype.LBLoadBalancer) {
		if lb.URN == ref.urns[0] {
			return lb, true
		}
	}
	return Resource{}, false
}

// listenerProtocol is the protocol a listener listens with: its protocol,
// or, unset, the load balancer type's default (HTTP for an application
// load balancer, TCP for a network one, GENEVE for a gateway one:
// CreateListener, Protocol).
func listenerProtocol(g *Graph, l Resource) string {
	if p := l.Str("protocol"); p != "" || l.Unknown("protocol") {
		return p
	}
	if lb, ok := listenerLB(g, l); ok {
		switch lbType(lb) {
		case "network":
			return "TCP"
		case "gateway":
			return "GENEVE"
		}
	}
	return "HTTP"
}

// redirectsToHTTPS reports whether the actions at path (defaultActions or
// action) end in a redirect to HTTPS; a redirect whose protocol is unset
// keeps the request's ("#{protocol}").
func redirectsToHTTPS(r Resource, path string) bool {
	actions := r.List(path)
	if len(actions) == 0 {
		return false
	}
	for i := range actions {
		p := fmt.Sprintf("%s.%d.", path, i)
		if t := r.Str(p + "type"); t == "forward" || t == "fixed-response" {
			return false
		}
	}
	last := fmt.Sprintf("%s.%d.", path, len(actions)-1)
	return r.Str(last+"type") == "redirect" && strings.EqualFold(r.Str(last+"redirect.protocol"), "HTTPS")
}

// elbHTTPRedirects follows Security Hub ELB.1 ("Application Load Balancer
// should be configured to redirect all HTTP requests to HTTPS", Config
// rule alb-http-to-https-redirection-check: every HTTP listener of an
// application load balancer redirects to HTTPS, and none of its rules
// forwards instead) and Checkov CKV2_AWS_20 (the listener's default
// action). A listener rule that forwards fails ELB.1 only.
var elbHTTPRedirects = Rule{ID: "elb-http-redirects", Controls: []string{"FSBP ELB.1", "CKV2_AWS_20"}, Severity: High,
	Source:      "Security Hub ELB.1; AWS Config alb-http-to-https-redirection-check; Checkov CKV2_AWS_20",
	Description: "Every HTTP listener of an application load balancer (protocol HTTP, or unset) redirects to HTTPS in its default action, and no listener rule on it forwards or redirects elsewhere (ELB.1). Not judged while its protocol, actions or rules' listener are computed at deployment.",
	Check: func(g *Graph) []Violation {
		return judgedEach([]string{restype.LBListener}, func(r Resource) (string, []string) {
			if listenerProtocol(g, r) != "HTTP" {
				return "", nil
			}
			if lb, ok := listenerLB(g, r); ok && !isALB(lb) {
				return "", nil
			}
			if !redirectsToHTTPS(r, "defaultActions") {
				return "serves plain HTTP; make its default action a redirect to HTTPS (status HTTP_301)", nil
			}
			unknown := false
			for _, lr := range g.ByType(restype.LBListenerRule) {
				ref := g.refs(lr, "listenerArn", restype.LBListener)
				unknown = unknown || ref.unknown
				if !slices.Contains(ref.urns, r.URN) {
					continue
				}
				for i := range lr.List("actions") {
					p := fmt.Sprintf("actions.%d.", i)
					if t := lr.Str(p + "type"); t == "forward" || t == "redirect" && !strings.EqualFold(lr.Str(p+"redirect.protocol"), "HTTPS") {
						return fmt.Sprintf("serves plain HTTP through listener rule %s (%s); redirect to HTTPS instead", lr.Name, t), []string{"FSBP ELB.1"}
					}
				}
				unknown = unknown || lr.Unknown("actions")
			}
			if unknown {
				r.sawUnknown()
			}
			return "", nil
		})(g)
	}}

// elbHTTPSListener follows Checkov CKV_AWS_2 ("Ensure ALB protocol is
// HTTPS"): a listener passes with HTTPS, TLS, TCP, UDP, TCP_UDP or GENEVE,
// and with HTTP only when its default action redirects to HTTPS.
var elbHTTPSListener = Rule{ID: "elb-https-listener", Controls: []string{"CKV_AWS_2"}, Severity: High,
	Source:      "Checkov CKV_AWS_2",
	Description: "Listeners speak HTTPS (or a non-HTTP protocol of a network or gateway load balancer), or only redirect HTTP to HTTPS. Not judged while the protocol or the default action is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.LBListener, func(r Resource) string {
			if p := listenerProtocol(g, r); p != "HTTP" || redirectsToHTTPS(r, "defaultActions") {
				return ""
			}
			return fmt.Sprintf("protocol %q forwards without TLS; use HTTPS with a certificate", "HTTP")
		})(g)
	}}

// elbListenerEncrypted follows Security Hub ELB.18 ("Application and
// Network Load Balancer listeners should use secure protocols to encrypt
// data in transit", Config rule elbv2-listener-encryption-in-transit): a
// listener of an application or network load balancer that is not HTTPS
// or TLS fails, one that only redirects included (the rule documents no
// exemption for it); gateway load balancers' GENEVE listeners are not
// its.
var elbListenerEncrypted = Rule{ID: "elb-listener-encrypted", Controls: []string{"FSBP ELB.18"}, Severity: Medium,
	Source:      "Security Hub ELB.18; AWS Config elbv2-listener-encryption-in-transit",
	Description: "Every listener of an application or network load balancer speaks HTTPS or TLS (protocol unset is HTTP or TCP), a redirecting HTTP listener included. Not judged while the protocol is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.LBListener, func(r Resource) string {
			switch p := listenerProtocol(g, r); p {
			case "HTTPS", "TLS", "GENEVE":
				return ""
			default:
				return fmt.Sprintf("listens with %s; ELB.18 fails every listener that is not HTTPS or TLS, one that only redirects included", p)
			}
		})(g)
	}}

// tls12Policy reports whether a policy negotiates TLS 1.2 at the lowest
// (the TLS-1-2, FS-1-2 and TLS13 families), as Checkov CKV_AWS_103 and
// CKV2_AWS_74 read policy names.
func tls12Policy(name string) bool {
	if p, ok := policy.Lookup(name); ok {
		return p.MinTLS >= "1.2"
	}
	for _, f := range []string{"-TLS-1-2-", "-FS-1-2-", "-TLS13-"} {
		if strings.Contains(name, f) {
			return true
		}
	}
	return false
}

// elbTLSPolicy follows Security Hub ELB.17 ("Application and Network Load
// Balancers with listeners should use recommended security policies",
// Config rule elbv2-predefined-security-policy-ssl-check with the
// policies the control lists; field-notes.md) on HTTPS and TLS listeners,
// and Checkov CKV_AWS_103 and CKV2_AWS_74 (a TLS 1.2 or later policy). An
// unset policy is ELBSecurityPolicy-2016-08. A TLS 1.2 policy the control
// no longer lists fails ELB.17 only.
var elbTLSPolicy = Rule{ID: "elb-tls-policy", Controls: []string{"FSBP ELB.17", "CKV_AWS_103", "CKV2_AWS_74"}, Severity: High,
	Source:      "Security Hub ELB.17; AWS Config elbv2-predefined-security-policy-ssl-check (the control's policy list); Checkov CKV_AWS_103, CKV2_AWS_74",
	Description: "HTTPS and TLS listeners use a TLS policy that ELB.17 accepts; unset means ELBSecurityPolicy-2016-08, which allows TLS 1.0. Not judged while the policy is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return judgedEach([]string{restype.LBListener}, func(r Resource) (string, []string) {
			if p := listenerProtocol(g, r); p != "HTTPS" && p != "TLS" {
				return "", nil
			}
			p := policy.EffectivePolicy(r.Str("sslPolicy"))
			switch {
			case slices.Contains(policy.Accepted(), p):
				return "", nil
			case tls12Policy(p):
				return fmt.Sprintf("TLS policy %s is not one ELB.17 accepts; set sslPolicy to %s", p, policy.Default), []string{"FSBP ELB.17"}
			default:
				return fmt.Sprintf("TLS policy %s allows old protocols or ciphers; set sslPolicy to %s", p, policy.Default), nil
			}
		})(g)
	}}

// elbDropInvalidHeaders follows Security Hub ELB.4 ("Application Load
// Balancer should be configured to drop invalid http headers", Config
// rule alb-http-drop-invalid-header-enabled) and Checkov CKV_AWS_131:
// dropInvalidHeaderFields, false when unset, on application load
// balancers.
var elbDropInvalidHeaders = Rule{ID: "elb-drop-invalid-headers", Controls: []string{"FSBP ELB.4", "CKV_AWS_131"}, Severity: Medium,
	Source:      "Security Hub ELB.4; AWS Config alb-http-drop-invalid-header-enabled; Checkov CKV_AWS_131",
	Description: "Application load balancers drop invalid HTTP headers (dropInvalidHeaderFields true; unset is false). Not judged while it is computed at deployment.",
	Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
		if v, _ := r.Bool("dropInvalidHeaderFields"); !v && isALB(r) {
			return "passes invalid header fields to targets; set dropInvalidHeaderFields: true"
		}
		return ""
	})}

// elbAccessLogs follows Security Hub ELB.5 ("Application and Classic Load
// Balancers logging should be enabled", Config rule elb-logging-enabled,
// no bucket parameter), and Checkov CKV_AWS_91 and cdk-nag ELB2, which
// judge network load balancers too: accessLogs.enabled, false when unset
// even with a bucket. Gateway load balancers keep no access logs.
var elbAccessLogs = Rule{ID: "elb-access-logs", Controls: []string{"FSBP ELB.5", "CKV_AWS_91", "nag ELB2"}, Severity: Medium,
	Source:      "Security Hub ELB.5; AWS Config elb-logging-enabled; Checkov CKV_AWS_91; cdk-nag ELB2",
	Description: "Application and network load balancers write access logs (accessLogs.enabled; unset is false, a bucket alone logs nothing); a network load balancer's fail CKV_AWS_91 and nag ELB2, not ELB.5. Not judged while it is computed at deployment.",
	Check: judgedEach([]string{restype.LBLoadBalancer}, func(r Resource) (string, []string) {
		if v, _ := r.Bool("accessLogs.enabled"); v {
			return "", nil
		}
		switch lbType(r) {
		case "application":
			return "keeps no access logs; enable accessLogs to a log bucket", nil
		case "network":
			return "keeps no access logs; enable accessLogs to a log bucket", []string{"CKV_AWS_91", "nag ELB2"}
		}
		return "", nil
	})}

// elbDeletionProtection follows Security Hub ELB.6 ("Application, Gateway,
// and Network Load Balancers should have deletion protection enabled",
// Config rule elb-deletion-protection-enabled) and Checkov CKV_AWS_150.
var elbDeletionProtection = Rule{ID: "elb-deletion-protection", Controls: []string{"FSBP ELB.6", "CKV_AWS_150"}, Severity: Medium,
	Source:      "Security Hub ELB.6; AWS Config elb-deletion-protection-enabled; Checkov CKV_AWS_150",
	Description: "Load balancers of every type have deletion protection (enableDeletionProtection; unset is false). Not judged while it is computed at deployment.",
	Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
		if v, _ := r.Bool("enableDeletionProtection"); !v {
			return "can be deleted by one call; set enableDeletionProtection: true"
		}
		return ""
	})}

// elbDesyncMitigation follows Security Hub ELB.12 ("Application Load
// Balancer should be configured with defensive or strictest desync
// mitigation mode", Config rule alb-desync-mode-check, desyncMode
// "defensive,strictest") and Checkov CKV_AWS_328: an application load
// balancer in monitor mode fails; unset is defensive.
var elbDesyncMitigation = Rule{ID: "elb-desync-mitigation", Controls: []string{"FSBP ELB.12", "CKV_AWS_328"}, Severity: Medium,
	Source:      "Security Hub ELB.12; AWS Config alb-desync-mode-check (desyncMode defensive,strictest); Checkov CKV_AWS_328",
	Description: "Application load balancers mitigate HTTP desync in defensive or strictest mode (unset means defensive). Not judged while it is computed at deployment.",
	Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
		if m := r.Str("desyncMitigationMode"); isALB(r) && m != "" && m != "defensive" && m != "strictest" {
			return fmt.Sprintf("only monitors HTTP desync (mode %s); set desyncMitigationMode to strictest", m)
		}
		return ""
	})}

// lbSubnets returns the subnets a load balancer is placed in (subnets, or
// subnetMappings' subnetId), as entries: a subnet of the plan by URN, or
// an id from outside it.
func lbSubnets(g *Graph, r Resource) (inPlan []string, outside int) {
	if len(r.List("subnetMappings")) > 0 {
		var ids []any
		for i := range r.List("subnetMappings") {
			ids = append(ids, untracked(r).Get(fmt.Sprintf("subnetMappings.%d.subnetId", i)))
		}
		r.Inputs = cloneWith(r.Inputs, "subnets", ids)
		if deps, ok := r.PropertyDependencies["subnetMappings"]; ok {
			pd := make(map[string][]string, len(r.PropertyDependencies)+1)
			for k, v := range r.PropertyDependencies {
				pd[k] = v
			}
			pd["subnets"] = deps
			r.PropertyDependencies = pd
		}
	}
	ref := g.refs(untracked(r), "subnets", restype.EC2Subnet)
	if ref.unknown {
		r.sawUnknown()
	}
	return ref.urns, len(ref.external)
}

// elbMultiAZ follows Security Hub ELB.13 ("Application, Network and
// Gateway Load Balancers should span multiple Availability Zones", Config
// rule elbv2-multiple-az, minAvailabilityZones 2): subnets counted by
// zone. A subnet from outside the plan counts as a zone of its own.
var elbMultiAZ = Rule{ID: "elb-multi-az", Controls: []string{"FSBP ELB.13"}, Severity: Medium,
	Source:      "Security Hub ELB.13; AWS Config elbv2-multiple-az (minAvailabilityZones 2)",
	Description: "Load balancers span at least two Availability Zones: their subnets (subnets or subnetMappings) counted by zone, not by number. Not judged while a subnet or its zone is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.LBLoadBalancer, func(r Resource) string {
			n := len(r.List("subnets")) + len(r.List("subnetMappings"))
			if n < 2 {
				return fmt.Sprintf("is in %d subnet(s); give it subnets in two or more Availability Zones", n)
			}
			urns, outside := lbSubnets(g, r)
			var zones []string
			for _, s := range g.ByType(restype.EC2Subnet) {
				if !slices.Contains(urns, s.URN) {
					continue
				}
				if s.Unknown("availabilityZone") || s.Unknown("availabilityZoneId") {
					r.sawUnknown()
				}
				switch z := s.Str("availabilityZone") + s.Str("availabilityZoneId"); {
				case z == "":
					outside++ // EC2 picks its zone: counted as one of its own
				case !slices.Contains(zones, z):
					zones = append(zones, z)
				}
			}
			if len(zones) == 1 && outside == 0 {
				return fmt.Sprintf("has all %d subnets in %s; give it subnets in two or more Availability Zones", n, zones[0])
			}
			return ""
		})(g)
	}}

// elbWAF follows Security Hub ELB.16 ("Application Load Balancers should
// be associated with an AWS WAF web ACL", Config rule alb-waf-enabled:
// every application load balancer, internal ones included) and Checkov
// CKV2_AWS_28 (internet-facing ones): a wafv2.WebAclAssociation whose
// resourceArn is the load balancer.
var elbWAF = Rule{ID: "elb-waf", Controls: []string{"SecurityHub ELB.16", "CKV2_AWS_28"}, Severity: High,
	Source:      "Security Hub ELB.16; AWS Config alb-waf-enabled; Checkov CKV2_AWS_28",
	Description: "Every application load balancer has a WAF web ACL (a wafv2.WebAclAssociation on it); an internal one without fails ELB.16 only. Not judged while an association's resource is computed at deployment.",
	Check: func(g *Graph) []Violation {
		return judgedEach([]string{restype.LBLoadBalancer}, func(lb Resource) (string, []string) {
			if !isALB(lb) {
				return "", nil
			}
			unknown := false
			for _, a := range g.ByType(restype.WAFv2WebACLAssociation) {
				if _, byProperty := a.PropertyDependencies["resourceArn"]; !byProperty {
					// An older preview: the association's dependencies name it.
					if slices.Contains(a.Dependencies, lb.URN) {
						return "", nil
					}
					unknown = unknown || a.Unknown("resourceArn")
					continue
				}
				// The load balancer's ARN is its id, and its arn output.
				if ref := g.outputRefs(a, "resourceArn", restype.LBLoadBalancer); slices.Contains(ref.urns, lb.URN) {
					return "", nil
				} else if ref.unknown {
					unknown = true
				}
			}
			if unknown {
				lb.sawUnknown()
			}
			if internal, _ := lb.Bool("internal"); internal {
				return "has no web ACL; associate one (wafv2.WebAclAssociation)", []string{"SecurityHub ELB.16"}
			}
			return "is internet-facing without a web ACL; associate one (wafv2.WebAclAssociation)", nil
		})(g)
	}}

// elbTargetHTTPS follows Security Hub ELB.21 (Config rule
// elbv2-targetgroup-healthcheck-protocol-encrypted: the health check
// protocol is HTTPS) and ELB.22 (elbv2-targetgroup-protocol-encrypted:
// the protocol is HTTPS, TLS or QUIC), which do not apply to lambda and
// alb targets, and Checkov CKV_AWS_378 (no HTTP target protocol). An
// unset health check protocol is HTTP for HTTP and HTTPS target groups
// and TCP for the others (CreateTargetGroup, HealthCheckProtocol).
var elbTargetHTTPS = Rule{ID: "elb-target-https", Controls: []string{"SecurityHub ELB.21", "SecurityHub ELB.22", "CKV_AWS_378"}, Severity: Medium,
	Source:      "Security Hub ELB.21 (AWS Config elbv2-targetgroup-healthcheck-protocol-encrypted) and ELB.22 (AWS Config elbv2-targetgroup-protocol-encrypted); Checkov CKV_AWS_378",
	Description: "Target groups (other than lambda and alb targets) talk HTTPS, TLS or QUIC to their targets (ELB.22; HTTP also fails CKV_AWS_378) and health-check them over HTTPS (ELB.21). Not judged while a protocol is computed at deployment.",
	Check: judgedEach([]string{restype.LBTargetGroup}, func(r Resource) (string, []string) {
		if t := r.Str("targetType"); t == "lambda" || t == "alb" {
			return "", nil
		}
		proto := r.Str("protocol")
		hc := r.Str("healthCheck.protocol")
		if hc == "" && !r.Unknown("healthCheck.protocol") {
			hc = "HTTP"
			if proto != "HTTP" && proto != "HTTPS" {
				hc = "TCP"
			}
		}
		var controls []string
		if proto != "HTTPS" && proto != "TLS" && proto != "QUIC" {
			controls = append(controls, "SecurityHub ELB.22")
		}
		if proto == "HTTP" {
			controls = append(controls, "CKV_AWS_378")
		}
		if hc != "HTTPS" {
			controls = append(controls, "SecurityHub ELB.21")
		}
		if len(controls) == 0 {
			return "", nil
		}
		return fmt.Sprintf("talks %q to targets (health check %q); use HTTPS for both", proto, hc), controls
	})}

// elbTargetPortOpen is the project's own: the port a load balancer
// forwards to is the port the network opens (targetPortsOpen).
var elbTargetPortOpen = Rule{ID: "elb-target-port-open", Severity: High,
	Source:      "the project's own (docs/compliance.md): a target group's port must be open between the load balancer and its targets",
	Description: "Every target group's port (and a numeric health-check port) is opened by an egress rule of the load balancer's security groups and admitted by a security group from them, so the port the load balancer forwards to is the port the network opens.",
	Check:       targetPortsOpen}
