package compliance

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/example/hardening/internal/restype"
)

// targetPortsOpen judges each target group of the plan: the load
// balancer's security groups let it out on the target port (and a numeric
// health-check port), and a security group admits it there from them;
// otherwise the targets stay unhealthy and nothing is served, which
// neither the provider nor AWS says at deployment.
func targetPortsOpen(g *Graph) []Violation {
	// Groups are named by the resource they are (g.refs), so that a first
	// preview, where every group id is computed, is judged too.
	unknown := false
	groups := func(r Resource, input string) []string {
		ref := g.refs(r, input, restype.EC2SecurityGroup)
		unknown = unknown || ref.unknown
		return append(slices.Clone(ref.urns), ref.external...)
	}
	var lbGroups []string
	for _, lb := range g.ByType(restype.LBLoadBalancer) {
		lbGroups = append(lbGroups, groups(lb, "securityGroups")...)
	}
	groupOf := map[string][]string{}
	for _, typ := range []string{restype.VPCSecurityGroupEgressRule, restype.VPCSecurityGroupIngressRule} {
		for _, r := range g.ByType(typ) {
			groupOf[r.URN] = groups(r, "securityGroupId")
			if typ == restype.VPCSecurityGroupIngressRule && r.Get("referencedSecurityGroupId") != nil {
				groupOf[r.URN+"#from"] = groups(r, "referencedSecurityGroupId")
			}
		}
	}
	if unknown {
		// Which rule belongs to the load balancer's groups is not known
		// until apply.
		var out []Violation
		for _, tg := range g.ByType(restype.LBTargetGroup) {
			out = append(out, notJudged(tg))
		}
		return out
	}
	if len(lbGroups) == 0 {
		return nil
	}
	ofLB := func(gs []string) bool {
		return slices.ContainsFunc(gs, func(s string) bool { return slices.Contains(lbGroups, s) })
	}
	opens := func(r Resource, port int) bool {
		from, ok1 := r.Num("fromPort")
		to, ok2 := r.Num("toPort")
		proto := r.Str("ipProtocol")
		return proto == "-1" || ok1 && ok2 && (proto == "tcp" || proto == "6") && int(from) <= port && port <= int(to)
	}
	out := forEach(restype.LBTargetGroup, func(tg Resource) string {
		p, ok := tg.Num("port")
		if !ok {
			return ""
		}
		ports := []int{int(p)}
		if hc, err := strconv.Atoi(tg.Str("healthCheck.port")); err == nil && hc != int(p) {
			ports = append(ports, hc)
		}
		for _, port := range ports {
			var out, in bool
			for _, e := range g.ByType(restype.VPCSecurityGroupEgressRule) {
				out = out || ofLB(groupOf[e.URN]) && opens(e, port)
			}
			for _, i := range g.ByType(restype.VPCSecurityGroupIngressRule) {
				in = in || ofLB(groupOf[i.URN+"#from"]) && opens(i, port)
			}
			switch {
			case !out:
				return fmt.Sprintf("sends to port %d, which no egress rule of the load balancer's security groups opens; the targets stay unhealthy (network.appPort and tls.targetPort must agree)", port)
			case !in:
				return fmt.Sprintf("sends to port %d, which no security group admits from the load balancer's; the targets stay unhealthy (network.appPort and tls.targetPort must agree)", port)
			}
		}
		return ""
	})(g)
	return out
}
