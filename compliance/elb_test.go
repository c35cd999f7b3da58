package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

// listener is an lb.Listener of protocol (omitted when nil) whose default
// action is action.
func listener(name string, protocol any, action map[string]any, kv ...any) Resource {
	in := map[string]any{"port": 80.0, "defaultActions": []any{action}}
	if protocol != nil {
		in["protocol"] = protocol
	}
	return res(restype.LBListener, name, withFields(in, kv...))
}

var (
	forward       = map[string]any{"type": "forward", "targetGroupArn": "arn:tg"}
	redirectHTTPS = map[string]any{"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
	redirectKeeps = map[string]any{"type": "redirect", "redirect": map[string]any{"port": "8080", "statusCode": "HTTP_301"}}
	fixedResponse = map[string]any{"type": "fixed-response", "fixedResponse": map[string]any{"contentType": "text/plain", "statusCode": "404"}}
	networkLB     = res(restype.LBLoadBalancer, "nlb", map[string]any{"loadBalancerType": "network"})
	onNLB         = func(r Resource) Resource {
		r.Inputs["loadBalancerArn"] = Unknown{}
		return withRefs(r, "loadBalancerArn", "nlb")
	}
	defaultsUnknow = map[string]any{"port": 80.0, "protocol": "HTTP", "defaultActions": Unknown{}}
)

func TestELBHTTPRedirects(t *testing.T) {
	const e1, c20 = "FSBP ELB.1", "CKV2_AWS_20"
	rule := func(actions any) Resource {
		return withRefs(res(restype.LBListenerRule, "rule", map[string]any{"listenerArn": Unknown{}, "actions": actions}), "listenerArn", "http")
	}
	redirecting := listener("http", "HTTP", redirectHTTPS)
	runCases(t, ruleByID(t, "elb-http-redirects"), cases(
		both("HTTP forwards", graphOf(listener("http", "HTTP", forward)), fail, e1, c20),
		both("protocol unset is HTTP", graphOf(listener("http", nil, forward)), fail, e1, c20),
		both("a redirect that keeps http", graphOf(listener("http", "HTTP", redirectKeeps)), fail, e1, c20),
		both("a fixed response", graphOf(listener("http", "HTTP", fixedResponse)), fail, e1),
		both("a listener rule forwards", graphOf(redirecting, rule([]any{forward})), fail, e1),
		both("a listener rule forwards: the default action is CKV2_AWS_20's", graphOf(redirecting, rule([]any{forward})), pass, c20),
		both("redirects to HTTPS", graphOf(redirecting), pass, e1, c20),
		both("a listener rule redirects to HTTPS", graphOf(redirecting, rule([]any{redirectHTTPS})), pass, e1),
		both("HTTPS", graphOf(listener("https", "HTTPS", forward)), pass, e1, c20),
		both("a network load balancer's TCP listener", graphOf(networkLB, onNLB(listener("tcp", nil, forward))), pass, e1),
		both("actions computed", graphOf(res(restype.LBListener, "http", defaultsUnknow)), unjudged, e1, c20),
	))
}

func TestELBHTTPSListener(t *testing.T) {
	const c = "CKV_AWS_2"
	runCases(t, ruleByID(t, "elb-https-listener"), []ruleCase{
		{"HTTP forwards", c, graphOf(listener("l", "HTTP", forward)), fail},
		{"unset forwards", c, graphOf(listener("l", nil, forward)), fail},
		{"HTTP redirects", c, graphOf(listener("l", "HTTP", redirectHTTPS)), pass},
		{"TLS", c, graphOf(listener("l", "TLS", forward)), pass},
		{"TCP", c, graphOf(listener("l", "TCP", forward)), pass},
		{"protocol computed", c, graphOf(listener("l", Unknown{}, forward)), unjudged},
	})
}

func TestELBListenerEncrypted(t *testing.T) {
	const c = "FSBP ELB.18"
	runCases(t, ruleByID(t, "elb-listener-encrypted"), []ruleCase{
		{"HTTP that only redirects", c, graphOf(listener("l", "HTTP", redirectHTTPS)), fail},
		{"a network load balancer's unset protocol is TCP", c, graphOf(networkLB, onNLB(listener("l", nil, forward))), fail},
		{"HTTPS", c, graphOf(listener("l", "HTTPS", forward)), pass},
		{"TLS", c, graphOf(listener("l", "TLS", forward)), pass},
		{"protocol computed", c, graphOf(listener("l", Unknown{}, forward)), unjudged},
	})
}

func TestELBTLSPolicy(t *testing.T) {
	const e17, c103, c74 = "FSBP ELB.17", "CKV_AWS_103", "CKV2_AWS_74"
	tls := func(protocol string, p any) *Graph {
		kv := []any{}
		if p != nil {
			kv = append(kv, "sslPolicy", p)
		}
		return graphOf(listener("l", protocol, forward, kv...))
	}
	runCases(t, ruleByID(t, "elb-tls-policy"), cases(
		both("unset is 2016-08", tls("HTTPS", nil), fail, e17, c103, c74),
		both("TLS 1.0", tls("TLS", "ELBSecurityPolicy-TLS-1-0-2015-04"), fail, e17, c103, c74),
		both("TLS 1.2 that ELB.17 no longer lists", tls("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"), fail, e17),
		both("TLS 1.2 that ELB.17 no longer lists is TLS 1.2", tls("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"), pass, c103, c74),
		both("an accepted policy", tls("HTTPS", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"), pass, e17, c103, c74),
		both("an accepted policy on a TLS listener", tls("TLS", "ELBSecurityPolicy-TLS13-1-3-2021-06"), pass, e17),
		both("an HTTP listener has none", tls("HTTP", nil), pass, e17),
		both("policy computed", tls("HTTPS", Unknown{}), unjudged, e17, c103, c74),
	))
}

// lb is an lb.LoadBalancer of typ ("" for the default) with inputs kv.
func lb(typ string, kv ...any) *Graph {
	in := map[string]any{}
	if typ != "" {
		in["loadBalancerType"] = typ
	}
	return graphOf(res(restype.LBLoadBalancer, "lb", withFields(in, kv...)))
}

func TestELBDropInvalidHeaders(t *testing.T) {
	runCases(t, ruleByID(t, "elb-drop-invalid-headers"), cases(
		both("unset", lb(""), fail, "FSBP ELB.4", "CKV_AWS_131"),
		both("false", lb("application", "dropInvalidHeaderFields", false), fail, "FSBP ELB.4"),
		both("true", lb("", "dropInvalidHeaderFields", true), pass, "FSBP ELB.4", "CKV_AWS_131"),
		both("a network load balancer has none", lb("network"), pass, "FSBP ELB.4"),
		both("computed", lb("", "dropInvalidHeaderFields", Unknown{}), unjudged, "FSBP ELB.4", "CKV_AWS_131"),
	))
}

func TestELBAccessLogs(t *testing.T) {
	all := []string{"FSBP ELB.5", "CKV_AWS_91", "nag ELB2"}
	runCases(t, ruleByID(t, "elb-access-logs"), cases(
		both("no logs", lb(""), fail, all...),
		both("a bucket without enabled", lb("", "accessLogs", map[string]any{"bucket": "logs"}), fail, all...),
		both("a network load balancer without logs", lb("network"), fail, "CKV_AWS_91", "nag ELB2"),
		both("a network load balancer is not ELB.5's", lb("network"), pass, "FSBP ELB.5"),
		both("enabled", lb("", "accessLogs", map[string]any{"bucket": "logs", "enabled": true}), pass, all...),
		both("computed", lb("", "accessLogs", map[string]any{"bucket": "logs", "enabled": Unknown{}}), unjudged, all...),
	))
}

func TestELBDeletionProtection(t *testing.T) {
	runCases(t, ruleByID(t, "elb-deletion-protection"), cases(
		both("unset", lb(""), fail, "FSBP ELB.6", "CKV_AWS_150"),
		both("a gateway load balancer unset", lb("gateway"), fail, "FSBP ELB.6"),
		both("on", lb("network", "enableDeletionProtection", true), pass, "FSBP ELB.6", "CKV_AWS_150"),
		both("computed", lb("", "enableDeletionProtection", Unknown{}), unjudged, "FSBP ELB.6", "CKV_AWS_150"),
	))
}

func TestELBDesyncMitigation(t *testing.T) {
	runCases(t, ruleByID(t, "elb-desync-mitigation"), cases(
		both("monitor", lb("", "desyncMitigationMode", "monitor"), fail, "FSBP ELB.12", "CKV_AWS_328"),
		both("unset is defensive", lb(""), pass, "FSBP ELB.12", "CKV_AWS_328"),
		both("strictest", lb("application", "desyncMitigationMode", "strictest"), pass, "FSBP ELB.12"),
		both("computed", lb("", "desyncMitigationMode", Unknown{}), unjudged, "FSBP ELB.12", "CKV_AWS_328"),
	))
}

func TestELBMultiAZ(t *testing.T) {
	const c = "FSBP ELB.13"
	subnet := func(name string, az any) Resource {
		return res(restype.EC2Subnet, name, map[string]any{"availabilityZone": az})
	}
	placed := func(names ...string) Resource {
		ids := make([]any, len(names))
		for i := range ids {
			ids[i] = Unknown{}
		}
		return withRefs(res(restype.LBLoadBalancer, "lb", map[string]any{"subnets": ids}), "subnets", names...)
	}
	mapped := func(names ...string) Resource {
		var m []any
		for range names {
			m = append(m, map[string]any{"subnetId": Unknown{}})
		}
		return withRefs(res(restype.LBLoadBalancer, "lb", map[string]any{"subnetMappings": m}), "subnetMappings", names...)
	}
	a, a2, b := subnet("a", "us-east-1a"), subnet("a2", "us-east-1a"), subnet("b", "us-east-1b")
	runCases(t, ruleByID(t, "elb-multi-az"), []ruleCase{
		{"one subnet", c, graphOf(res(restype.LBLoadBalancer, "lb", map[string]any{"subnets": []any{"subnet-1"}})), fail},
		{"two subnets in one zone", c, graphOf(a, a2, placed("a", "a2")), fail},
		{"two zones", c, graphOf(a, b, placed("a", "b")), pass},
		{"two zones by subnet mappings", c, graphOf(a, b, mapped("a", "b")), pass},
		{"two subnets from outside the plan", c, graphOf(func() Resource { s := subnet("c", "us-east-1c"); s.ID = "subnet-9"; return s }(),
			res(restype.LBLoadBalancer, "lb", map[string]any{"subnets": []any{"subnet-1", "subnet-2"}})), pass},
		{"a zone computed", c, graphOf(a, subnet("b", Unknown{}), placed("a", "b")), unjudged},
		{"subnets computed", c, graphOf(res(restype.LBLoadBalancer, "lb", map[string]any{"subnets": Unknown{}})), unjudged},
	})
}

func TestELBWAF(t *testing.T) {
	const e16, c28 = "SecurityHub ELB.16", "CKV2_AWS_28"
	alb := func(internal bool) Resource {
		return res(restype.LBLoadBalancer, "lb", map[string]any{"internal": internal})
	}
	assoc := func(on ...string) Resource {
		return withRefs(res(restype.WAFv2WebACLAssociation, "assoc", map[string]any{"resourceArn": Unknown{}, "webAclArn": Unknown{}}), "resourceArn", on...)
	}
	other := res(restype.LBLoadBalancer, "other", map[string]any{"internal": true})
	runCases(t, ruleByID(t, "elb-waf"), cases(
		both("internet-facing without a web ACL", graphOf(alb(false)), fail, e16, c28),
		both("internal without a web ACL", graphOf(alb(true)), fail, e16),
		both("internal is not CKV2_AWS_28's", graphOf(alb(true)), pass, c28),
		both("another load balancer's web ACL", graphOf(alb(false), other, assoc("other")), fail, e16, c28),
		both("associated", graphOf(alb(false), assoc("lb")), pass, e16, c28),
		both("a network load balancer", lb("network"), pass, e16),
		both("an association's resource computed", graphOf(alb(false), res(restype.WAFv2WebACLAssociation, "assoc", map[string]any{"resourceArn": Unknown{}})), unjudged, e16, c28),
	))
}

func TestELBTargetHTTPS(t *testing.T) {
	const e21, e22, c378 = "SecurityHub ELB.21", "SecurityHub ELB.22", "CKV_AWS_378"
	tg := func(proto, hc any, kv ...any) *Graph {
		in := map[string]any{"port": 443.0}
		if proto != nil {
			in["protocol"] = proto
		}
		if hc != nil {
			in["healthCheck"] = map[string]any{"protocol": hc}
		}
		return graphOf(res(restype.LBTargetGroup, "tg", withFields(in, kv...)))
	}
	runCases(t, ruleByID(t, "elb-target-https"), cases(
		both("HTTPS with an HTTPS health check", tg("HTTPS", "HTTPS"), pass, e21, e22, c378),
		both("HTTPS with the default health check (HTTP)", tg("HTTPS", nil), fail, e21),
		both("HTTPS with the default health check is encrypted transport", tg("HTTPS", nil), pass, e22, c378),
		both("HTTP with an HTTPS health check", tg("HTTP", "HTTPS"), fail, e22, c378),
		both("HTTP with an HTTPS health check passes ELB.21", tg("HTTP", "HTTPS"), pass, e21),
		both("TCP", tg("TCP", "TCP"), fail, e21, e22),
		both("TCP is not HTTP", tg("TCP", "TCP"), pass, c378),
		both("TLS with an HTTPS health check", tg("TLS", "HTTPS"), pass, e21, e22),
		both("lambda targets", tg(nil, nil, "targetType", "lambda"), pass, e21, e22, c378),
		both("protocol computed", tg(Unknown{}, "HTTPS"), unjudged, e21, e22, c378),
	))
}
