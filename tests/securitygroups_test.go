package tests

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network/addressing"

	"github.com/stretchr/testify/require"
)

// sgRule is a recorded security group rule with its group resolved to a role.
type sgRule struct {
	res    mockaws.Resource
	group  string // lb, app, data, endpoints
	egress bool
	peer   string // a CIDR, "sg:<role>" or "pl:<id>"
	from   int
	to     int
	proto  string
}

func sgRoles(t *testing.T, m *mockaws.Mocks) map[string]string {
	t.Helper()
	roles := map[string]string{}
	for _, sg := range m.ByType(restype.EC2SecurityGroup) {
		i := strings.LastIndex(sg.Name, "-")
		roles[id(sg)] = sg.Name[i+1:]
	}
	return roles
}

func sgRules(t *testing.T, m *mockaws.Mocks) []sgRule {
	t.Helper()
	roles := sgRoles(t, m)
	var out []sgRule
	for _, typ := range []string{restype.VPCSecurityGroupIngressRule, restype.VPCSecurityGroupEgressRule} {
		for _, r := range m.ByType(typ) {
			peer := str(r, "cidrIpv4")
			if ref := str(r, "referencedSecurityGroupId"); ref != "" {
				peer = "sg:" + roles[ref]
			}
			if pl := str(r, "prefixListId"); pl != "" {
				peer = "pl:" + pl
			}
			out = append(out, sgRule{
				res: r, group: roles[str(r, "securityGroupId")], egress: typ == restype.VPCSecurityGroupEgressRule, peer: peer,
				from: num(r, "fromPort"), to: num(r, "toPort"), proto: str(r, "ipProtocol"),
			})
		}
	}
	return out
}

func TestSecurityGroups(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		rules := sgRules(t, m)
		layout, err := addressing.New(cfg.Network.CIDR, cfg.Network.AZCount)
		if err != nil {
			require.NoError(t, err)
		}
		privateTier := layout.TierBlock(addressing.Private).String()
		t.Run(stack+"/groups carry no inline rules", func(t *testing.T) {
			for _, sg := range m.ByType(restype.EC2SecurityGroup) {
				for _, k := range []string{"ingress", "egress"} {
					v, _ := input(sg, k).([]any)
					assert.Empty(t, v, "security group %s has inline %s; use one rule resource each", sg.Name, k)
				}
				assert.NotEmpty(t, str(sg, "description"), "security group %s has no description", sg.Name)
			}
		})
		t.Run(stack+"/every rule has a description (CKV_AWS_23)", func(t *testing.T) {
			for _, r := range rules {
				assert.NotEmpty(t, str(r.res, "description"), "rule %s has no description", r.res.Name)
			}
		})
		t.Run(stack+"/every rule is one TCP port", func(t *testing.T) {
			for _, r := range rules {
				assert.Equal(t, "tcp", r.proto, "rule %s: protocol %s ports %d-%d, want one TCP port", r.res.Name, r.proto, r.from, r.to)
				assert.Equal(t, r.from, r.to, "rule %s: protocol %s ports %d-%d, want one TCP port", r.res.Name, r.proto, r.from, r.to)
				assert.NotZero(t, r.from, "rule %s: protocol %s ports %d-%d, want one TCP port", r.res.Name, r.proto, r.from, r.to)
			}
		})
		t.Run(stack+"/only the load balancer is open to the world, and only on 80 and 443 (EC2.18, EC2.19, EC2.53, EC2.54)", func(t *testing.T) {
			for _, r := range rules {
				if r.egress || !strings.HasSuffix(r.peer, "/0") {
					continue
				}
				assert.Equal(t, "lb", r.group, "rule %s opens %s port %d to %s", r.res.Name, r.group, r.from, r.peer)
				assert.Contains(t, []int{443, 80}, r.from, "rule %s opens %s port %d to %s", r.res.Name, r.group, r.from, r.peer)
			}
		})
		ingressTo := func(group string) []sgRule {
			var out []sgRule
			for _, r := range rules {
				if !r.egress && r.group == group {
					out = append(out, r)
				}
			}
			return out
		}
		egressFrom := func(group string) []sgRule {
			var out []sgRule
			for _, r := range rules {
				if r.egress && r.group == group {
					out = append(out, r)
				}
			}
			return out
		}
		t.Run(stack+"/load balancer admits 80 and 443 from the configured CIDRs only", func(t *testing.T) {
			var got []string
			for _, r := range ingressTo("lb") {
				got = append(got, r.peer+":"+strconv.Itoa(r.from))
			}
			var want []string
			for _, c := range cfg.Network.LoadBalancerIngressCIDRs {
				want = append(want, c+":443", c+":80")
			}
			assert.ElementsMatch(t, want, got, "lb ingress")
		})
		lbOut := []string{"sg:app:" + strconv.Itoa(cfg.Network.AppPort)}
		if len(cfg.Identity.AuthenticatedPaths) > 0 {
			// authenticate-cognito: the load balancer calls Cognito.
			lbOut = append(lbOut, "0.0.0.0/0:443")
		}
		cases := []struct {
			name  string
			rules []sgRule
			want  []string
		}{
			{"app admits the app port from the load balancer only", ingressTo("app"), []string{"sg:lb:" + strconv.Itoa(cfg.Network.AppPort)}},
			{"data admits the database port from the app tier only", ingressTo("data"), []string{"sg:app:" + strconv.Itoa(cfg.Network.DatabasePort)}},
			// The private tier, as its NACL: the load balancer's HTTPS egress
			// to Cognito (0.0.0.0/0) must not reach them (ec2-network-flows).
			{"endpoints admit 443 from the private tier only", ingressTo("endpoints"), []string{privateTier + ":443"}},
			{"load balancer sends only to the app port, and to Cognito when it signs users in", egressFrom("lb"), lbOut},
			{"data tier sends nothing", egressFrom("data"), nil},
			{"endpoints send nothing", egressFrom("endpoints"), nil},
		}
		for _, c := range cases {
			t.Run(stack+"/"+c.name, func(t *testing.T) {
				var got []string
				for _, r := range c.rules {
					got = append(got, r.peer+":"+strconv.Itoa(r.from))
				}
				assert.Equal(t, c.want, got, "rules")
			})
		}
		t.Run(stack+"/app sends only to data, endpoints, gateway endpoints and configured HTTPS destinations", func(t *testing.T) {
			want := map[string]bool{
				"sg:data:" + strconv.Itoa(cfg.Network.DatabasePort): true,
				"sg:endpoints:443": true,
			}
			for _, ep := range m.ByType(restype.EC2VPCEndpoint) {
				if str(ep, "vpcEndpointType") == "Gateway" {
					want["pl:"+output(ep, "prefixListId").(string)+":443"] = true
				}
			}
			for _, c := range cfg.Network.AppHTTPSEgressCIDRs {
				want[c+":443"] = true
			}
			got := map[string]bool{}
			for _, r := range egressFrom("app") {
				got[r.peer+":"+strconv.Itoa(r.from)] = true
			}
			for k := range got {
				assert.Contains(t, want, k, "app egress %s is not needed", k)
			}
			for k := range want {
				assert.Contains(t, got, k, "app egress %s missing", k)
			}
		})
	}
}
