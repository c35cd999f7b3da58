package tests

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network"
	"github.com/example/hardening/network/addressing"
	"github.com/example/hardening/stackconfig"
)

// stackConfig parses a stack file's config the way the program does.
func stackConfig(t *testing.T, name string) *stackconfig.Config {
	t.Helper()
	s := loadStack(t, name)
	cfg, err := stackconfig.Parse(s.Value, s.IsSecret)
	require.NoError(t, err, "%s config", name)
	return cfg
}

func tierOf(t *testing.T, r mockaws.Resource) string {
	t.Helper()
	tier := str(r, "tags.tier")
	require.NotEmpty(t, tier, "subnet %s has no tier tag", r.Name)
	return tier
}

func subnetsByTier(t *testing.T, m *mockaws.Mocks) map[string][]mockaws.Resource {
	t.Helper()
	out := map[string][]mockaws.Resource{}
	for _, s := range m.ByType(restype.EC2Subnet) {
		out[tierOf(t, s)] = append(out[tierOf(t, s)], s)
	}
	return out
}

func TestVPC(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		vpc := only(t, m, restype.EC2VPC)
		t.Run(stack+"/DNS support and hostnames on", func(t *testing.T) {
			for _, k := range []string{"enableDnsSupport", "enableDnsHostnames"} {
				v, _ := boolean(vpc, k)
				assert.True(t, v, "%s = %v, want true", k, input(vpc, k))
			}
		})
		t.Run(stack+"/CIDR from config", func(t *testing.T) {
			assert.Equal(t, cfg.Network.CIDR, str(vpc, "cidrBlock"), "cidrBlock")
		})
		t.Run(stack+"/three tiers in every zone, none overlapping", func(t *testing.T) {
			tiers := subnetsByTier(t, m)
			vpcCIDR := netip.MustParsePrefix(cfg.Network.CIDR)
			var all []netip.Prefix
			for _, tier := range []string{"public", "private", "isolated"} {
				var zones []string
				for _, s := range tiers[tier] {
					zones = append(zones, str(s, "availabilityZone"))
					p := netip.MustParsePrefix(str(s, "cidrBlock"))
					assert.True(t, vpcCIDR.Contains(p.Addr()), "%s subnet %s (%s) is outside the VPC %s", tier, s.Name, p, vpcCIDR)
					assert.GreaterOrEqual(t, p.Bits(), vpcCIDR.Bits(), "%s subnet %s (%s) is outside the VPC %s", tier, s.Name, p, vpcCIDR)
					all = append(all, p)
				}
				slices.Sort(zones)
				assert.Len(t, slices.Compact(zones), cfg.Network.AZCount, "%s tier: subnets in zones %v, want one in each of %d zones", tier, zones, cfg.Network.AZCount)
				assert.Len(t, tiers[tier], cfg.Network.AZCount, "%s tier: subnets in zones %v, want one in each of %d zones", tier, zones, cfg.Network.AZCount)
			}
			for i := range all {
				for j := i + 1; j < len(all); j++ {
					assert.False(t, all[i].Overlaps(all[j]), "subnets %s and %s overlap", all[i], all[j])
				}
			}
		})
		t.Run(stack+"/no subnet maps public IPs on launch (EC2.15)", func(t *testing.T) {
			for _, s := range m.ByType(restype.EC2Subnet) {
				v, set := boolean(s, "mapPublicIpOnLaunch")
				assert.True(t, set, "subnet %s mapPublicIpOnLaunch is not set, want explicitly false", s.Name)
				assert.False(t, v, "subnet %s mapPublicIpOnLaunch = %v, want explicitly false", s.Name, v)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		tiers := subnetsByTier(t, m)
		igws := m.ByType(restype.EC2InternetGateway)
		nats := m.ByType(restype.EC2NatGateway)
		// tableOf maps a subnet id to its route table id.
		tableOf := map[string]string{}
		for _, a := range m.ByType(restype.EC2RouteTableAssociation) {
			prev, dup := tableOf[str(a, "subnetId")]
			require.False(t, dup, "%s: subnet %s associated with %s and %s", stack, str(a, "subnetId"), prev, str(a, "routeTableId"))
			tableOf[str(a, "subnetId")] = str(a, "routeTableId")
		}
		routesOf := map[string][]mockaws.Resource{}
		for _, r := range m.ByType(restype.EC2Route) {
			routesOf[str(r, "routeTableId")] = append(routesOf[str(r, "routeTableId")], r)
		}

		t.Run(stack+"/NAT gateways per config, in public subnets", func(t *testing.T) {
			want := cfg.Network.AZCount
			if cfg.Network.NATGateways == addressing.NATSingle {
				want = 1
			}
			assert.Len(t, nats, want, "NAT gateways (natGateways %s)", cfg.Network.NATGateways)
			publicIDs := map[string]bool{}
			for _, s := range tiers["public"] {
				publicIDs[id(s)] = true
			}
			for _, n := range nats {
				assert.True(t, publicIDs[str(n, "subnetId")], "NAT gateway %s is in subnet %s, not a public one", n.Name, str(n, "subnetId"))
			}
		})
		t.Run(stack+"/public routes to the internet gateway only", func(t *testing.T) {
			require.Len(t, igws, 1, "internet gateways")
			for _, s := range tiers["public"] {
				routes := routesOf[tableOf[id(s)]]
				if assert.Len(t, routes, 1, "public subnet %s routes %v, want only 0.0.0.0/0 to the internet gateway", s.Name, routeSummary(routes)) {
					assert.Equal(t, id(igws[0]), str(routes[0], "gatewayId"), "public subnet %s routes %v, want only 0.0.0.0/0 to the internet gateway", s.Name, routeSummary(routes))
					assert.Equal(t, "0.0.0.0/0", str(routes[0], "destinationCidrBlock"), "public subnet %s routes %v, want only 0.0.0.0/0 to the internet gateway", s.Name, routeSummary(routes))
				}
			}
		})
		t.Run(stack+"/private routes to a NAT gateway only", func(t *testing.T) {
			natIDs := map[string]bool{}
			for _, n := range nats {
				natIDs[id(n)] = true
			}
			for _, s := range tiers["private"] {
				routes := routesOf[tableOf[id(s)]]
				if assert.Len(t, routes, 1, "private subnet %s routes %v, want only 0.0.0.0/0 to a NAT gateway", s.Name, routeSummary(routes)) {
					assert.True(t, natIDs[str(routes[0], "natGatewayId")], "private subnet %s routes %v, want only 0.0.0.0/0 to a NAT gateway", s.Name, routeSummary(routes))
					assert.Empty(t, str(routes[0], "gatewayId"), "private subnet %s routes %v, want only 0.0.0.0/0 to a NAT gateway", s.Name, routeSummary(routes))
				}
			}
		})
		t.Run(stack+"/prod-like stacks put each zone behind its own NAT gateway", func(t *testing.T) {
			if cfg.Network.NATGateways != addressing.NATPerZone {
				t.Skipf("%s asks for natGateways %s", stack, cfg.Network.NATGateways)
			}
			used := map[string]bool{}
			for _, s := range tiers["private"] {
				for _, r := range routesOf[tableOf[id(s)]] {
					used[str(r, "natGatewayId")] = true
				}
			}
			assert.Len(t, used, cfg.Network.AZCount, "NAT gateways the private subnets use")
		})
		t.Run(stack+"/isolated has no route out of the VPC", func(t *testing.T) {
			for _, s := range tiers["isolated"] {
				table, ok := tableOf[id(s)]
				require.True(t, ok, "isolated subnet %s has no route table: it would use the main table", s.Name)
				routes := routesOf[table]
				assert.Empty(t, routes, "isolated subnet %s has routes %v, want none", s.Name, routeSummary(routes))
			}
		})
	}
}

func routeSummary(routes []mockaws.Resource) []string {
	var out []string
	for _, r := range routes {
		out = append(out, fmt.Sprintf("%s->igw:%s,nat:%s", str(r, "destinationCidrBlock"), str(r, "gatewayId"), str(r, "natGatewayId")))
	}
	return out
}

func TestDefaultsLockedDown(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		vpc := m.ByType(restype.EC2VPC)[0]
		t.Run(stack+"/default security group adopted with no rules (EC2.2)", func(t *testing.T) {
			sgs := m.ByType(restype.EC2DefaultSecurityGroup)
			require.Len(t, sgs, 1, "default security groups for the VPC")
			require.Equal(t, id(vpc), str(sgs[0], "vpcId"), "the default security group's VPC")
			for _, k := range []string{"ingress", "egress"} {
				if v := input(sgs[0], k); v != nil {
					assert.Empty(t, v.([]any), "default security group %s: want no rules", k)
				}
			}
		})
		t.Run(stack+"/default NACL adopted without allow-all rules", func(t *testing.T) {
			acls := m.ByType(restype.EC2DefaultNetworkACL)
			require.Len(t, acls, 1, "default NACL not adopted for the VPC")
			require.Equal(t, output(vpc, "defaultNetworkAclId"), str(acls[0], "defaultNetworkAclId"), "default NACL not adopted for the VPC")
			for _, k := range []string{"ingress", "egress"} {
				if v := input(acls[0], k); v != nil {
					assert.Empty(t, v.([]any), "default NACL %s: want no rules (deny all)", k)
				}
			}
		})
	}
}

// naclRule is a recorded NACL rule in evaluation form.
type naclRule struct {
	number   int
	egress   bool
	protocol string
	action   string
	cidr     netip.Prefix
	from, to int
}

// naclAllows evaluates rules as AWS does: lowest number first, first match
// decides, no match denies.
func naclAllows(rules []naclRule, egress bool, peer netip.Addr, port int) bool {
	sort.Slice(rules, func(i, j int) bool { return rules[i].number < rules[j].number })
	for _, r := range rules {
		if r.egress != egress || !r.cidr.Contains(peer) {
			continue
		}
		if r.protocol == "-1" || (r.protocol == "6" && port >= r.from && port <= r.to) {
			return r.action == "allow"
		}
	}
	return false
}

func naclRulesByTier(t *testing.T, m *mockaws.Mocks) map[string][]naclRule {
	t.Helper()
	tiers := subnetsByTier(t, m)
	tierOfACL := map[string]string{}
	for _, acl := range m.ByType(restype.EC2NetworkACL) {
		got := strs(acl, "subnetIds")
		sort.Strings(got)
		for tier, subnets := range tiers {
			var want []string
			for _, s := range subnets {
				want = append(want, id(s))
			}
			sort.Strings(want)
			if slices.Equal(got, want) {
				tierOfACL[id(acl)] = tier
			}
		}
	}
	require.Len(t, tierOfACL, 3, "NACLs associated with whole tiers: want one for each of the 3 tiers (EC2.16)")
	out := map[string][]naclRule{}
	for _, r := range m.ByType(restype.EC2NetworkACLRule) {
		tier, ok := tierOfACL[str(r, "networkAclId")]
		require.True(t, ok, "NACL rule %s belongs to no tier NACL", r.Name)
		egress, _ := boolean(r, "egress")
		out[tier] = append(out[tier], naclRule{
			number: num(r, "ruleNumber"), egress: egress, protocol: str(r, "protocol"), action: str(r, "ruleAction"),
			cidr: netip.MustParsePrefix(str(r, "cidrBlock")), from: num(r, "fromPort"), to: num(r, "toPort"),
		})
	}
	return out
}

func TestNACLs(t *testing.T) {
	internet := netip.MustParseAddr("203.0.113.7")
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		plan := cfg.Network.Layout()
		rules := naclRulesByTier(t, m)
		inTier := func(tier addressing.Tier) netip.Addr {
			return plan.Subnet(tier, 0).Addr().Next().Next().Next().Next()
		}
		t.Run(stack+"/no rule admits 0.0.0.0/0 to 22, 3389 or all ports (EC2.21)", func(t *testing.T) {
			for tier, rs := range rules {
				for _, r := range rs {
					if r.egress || r.action != "allow" || r.cidr.Bits() != 0 {
						continue
					}
					assert.NotEqual(t, "-1", r.protocol, "%s NACL rule %d admits %s to all ports", tier, r.number, r.cidr)
					assert.False(t, r.from <= 22 && r.to >= 22, "%s NACL rule %d admits %s to ports %d-%d (protocol %s)", tier, r.number, r.cidr, r.from, r.to, r.protocol)
					assert.False(t, r.from <= 3389 && r.to >= 3389, "%s NACL rule %d admits %s to ports %d-%d (protocol %s)", tier, r.number, r.cidr, r.from, r.to, r.protocol)
				}
			}
		})
		t.Run(stack+"/rule numbers unique per direction", func(t *testing.T) {
			for tier, rs := range rules {
				seen := map[string]bool{}
				for _, r := range rs {
					k := fmt.Sprint(r.egress, r.number)
					assert.False(t, seen[k], "%s NACL: rule number %d used twice (egress %v)", tier, r.number, r.egress)
					seen[k] = true
				}
			}
		})
		cases := []struct {
			name string
			tier string
			peer netip.Addr
			port int
			want bool
		}{
			{"public admits HTTPS from the internet", "public", internet, 443, true},
			{"public admits HTTP from the internet (for the redirect)", "public", internet, 80, true},
			{"public refuses SSH from the internet", "public", internet, 22, false},
			{"public refuses RDP from the internet", "public", internet, 3389, false},
			{"public refuses other well-known ports from the internet", "public", internet, 25, false},
			{"private admits the app port from the load balancer tier", "private", inTier(addressing.Public), cfg.Network.AppPort, true},
			{"private refuses SSH from outside the VPC", "private", internet, 22, false},
			{"private refuses RDP from outside the VPC", "private", internet, 3389, false},
			{"private refuses HTTPS from outside the VPC", "private", internet, 443, false},
			{"isolated admits the database port from the private tier", "isolated", inTier(addressing.Private), cfg.Network.DatabasePort, true},
			{"isolated refuses the database port from the public tier", "isolated", inTier(addressing.Public), cfg.Network.DatabasePort, false},
			{"isolated refuses every port from the public tier", "isolated", inTier(addressing.Public), 443, false},
			{"isolated refuses SSH from outside the VPC", "isolated", internet, 22, false},
			{"isolated refuses RDP from outside the VPC", "isolated", internet, 3389, false},
		}
		for _, c := range cases {
			t.Run(stack+"/"+c.name, func(t *testing.T) {
				assert.Equal(t, c.want, naclAllows(rules[c.tier], false, c.peer, c.port), "%s NACL ingress from %s to %d: allowed", c.tier, c.peer, c.port)
			})
		}
		t.Run(stack+"/isolated sends nothing to the public tier", func(t *testing.T) {
			for _, port := range []int{443, 1024, 40000} {
				assert.False(t, naclAllows(rules["isolated"], true, inTier(addressing.Public), port), "isolated NACL egress to the public tier on %d allowed, want denied", port)
			}
		})
	}
}

// stackFlow is a connection the stack needs, stated here apart from the
// program's declaration (network.Flows): a client in one place opens it to
// a server in another on port; replies go to the client's ephemeral ports.
type stackFlow struct {
	name           string
	client, server string // "internet", "public", "private" or "isolated"
	port           int
	viaNAT         bool
	// ephemeral is the client's range (VPC user guide, "Network ACLs",
	// "Ephemeral ports": ELB, NAT gateways and Lambda use 1024-65535; the
	// range that covers every client for the rest).
	ephemeral [2]int
}

var everyEphemeralPort = [2]int{1024, 65535}

// neededFlows are the flows a stack's configuration needs.
func neededFlows(cfg *stackconfig.Config) []stackFlow {
	n := cfg.Network
	flows := []stackFlow{
		{"clients to the load balancer on 443", "internet", "public", 443, false, everyEphemeralPort},
		{"clients to the load balancer on 80 (the redirect)", "internet", "public", 80, false, everyEphemeralPort},
		{"the load balancer to the app port", "public", "private", n.AppPort, false, everyEphemeralPort},
		{"the app tier to the interface endpoints in another zone", "private", "private", 443, false, everyEphemeralPort},
		{"the rotation function to the Secrets Manager endpoint in another zone", "private", "private", 443, false, everyEphemeralPort},
		{"the app tier to the S3 and DynamoDB gateway endpoints", "private", "internet", 443, false, everyEphemeralPort},
		{"the app tier to the database port", "private", "isolated", n.DatabasePort, false, everyEphemeralPort},
		{"the data tier to the S3 and DynamoDB gateway endpoints", "isolated", "internet", 443, false, everyEphemeralPort},
	}
	if len(cfg.Identity.AuthenticatedPaths) > 0 {
		flows = append(flows, stackFlow{"the load balancer to Cognito on 443", "public", "internet", 443, false, everyEphemeralPort})
	}
	if len(n.AppHTTPSEgressCIDRs) > 0 {
		flows = append(flows, stackFlow{"the app tier to the internet on 443 through NAT", "private", "internet", 443, true, everyEphemeralPort})
	}
	return flows
}

// naclHop is one NACL crossing of a flow's packets: tier's NACL, in from
// or out to peer, to destination port.
type naclHop struct {
	tier   string
	egress bool
	peer   netip.Addr
	port   int
}

func (h naclHop) String() string {
	dir := "in from"
	if h.egress {
		dir = "out to"
	}
	return fmt.Sprintf("%s NACL %s %s on %d", h.tier, dir, h.peer, h.port)
}

// hops are the crossings of one connection of f from client to server
// with the client's ephemeral port eph. Through a NAT gateway the private
// side sees the internet address, and the public NACL sees the request in
// and out, then the reply to the gateway's own ephemeral port natEph.
func (f stackFlow) hops(client, server netip.Addr, eph, natEph int) []naclHop {
	var out []naclHop
	if f.client != "internet" {
		out = append(out, naclHop{f.client, true, server, f.port}, naclHop{f.client, false, server, eph})
	}
	if f.server != "internet" {
		out = append(out, naclHop{f.server, false, client, f.port}, naclHop{f.server, true, client, eph})
	}
	if f.viaNAT {
		out = append(out, naclHop{"public", false, client, f.port}, naclHop{"public", true, server, f.port},
			naclHop{"public", false, server, natEph}, naclHop{"public", true, client, eph})
	}
	return out
}

// naclVariant is a plan whose NACLs are judged: each stack, and prod with
// HTTPS egress through NAT, which neither stack file asks for.
type naclVariant struct {
	name string
	m    *mockaws.Mocks
	cfg  *stackconfig.Config
}

func naclVariants(t *testing.T) []naclVariant {
	t.Helper()
	var out []naclVariant
	for _, stack := range stacks {
		out = append(out, naclVariant{stack, deployed(t, stack), stackConfig(t, stack)})
	}
	s := loadStack(t, "prod")
	setField(t, s, "network", "appHttpsEgressCidrs", []string{"198.51.100.0/24"})
	cfg, err := stackconfig.Parse(s.Value, s.IsSecret)
	require.NoError(t, err)
	m, err := s.Run(baseline.Run)
	require.NoError(t, err)
	return append(out, naclVariant{"prod with NAT egress", m, cfg})
}

// TestNACLFlows: every flow the stack needs passes the NACLs both ways,
// hop by hop (request out of the client's subnet and into the server's,
// the reply back), on every ephemeral port of the client's range, 3389
// included between tiers; from the internet only 3389 is refused (FSBP
// EC2.21).
func TestNACLFlows(t *testing.T) {
	internet := netip.MustParseAddr("203.0.113.7")
	for _, v := range naclVariants(t) {
		stack, cfg := v.name, v.cfg
		plan := cfg.Network.Layout()
		rules := naclRulesByTier(t, v.m)
		tiers := map[string]addressing.Tier{"public": addressing.Public, "private": addressing.Private, "isolated": addressing.Isolated}
		host := func(place string, zone int) netip.Addr {
			if place == "internet" {
				return internet
			}
			return plan.Subnet(tiers[place], zone).Addr().Next().Next().Next().Next()
		}
		for _, f := range neededFlows(cfg) {
			t.Run(stack+"/"+f.name, func(t *testing.T) {
				// A flow within a tier crosses from one zone's subnet to another's.
				client, server := host(f.client, 1), host(f.server, 0)
				for _, eph := range []int{f.ephemeral[0], 3388, 3389, 3390, 40000, f.ephemeral[1]} {
					for _, h := range f.hops(client, server, eph, eph) {
						fromInternet := !h.egress && h.peer == internet && h.port == 3389
						assert.Equal(t, !fromInternet, naclAllows(rules[h.tier], h.egress, h.peer, h.port), "%s (client port %d)", h, eph)
					}
				}
			})
		}
	}
}

// TestNACLsAdmitNothingElseAbove1023: between each pair of places, every
// port from 1024 up that a NACL admits (in) or lets out is a server port
// or a client's ephemeral port of a flow the stack needs, and every such
// port is open: replies admitted "from anywhere" do not open the other
// tiers (the data tier admits only the data port from the app tier).
func TestNACLsAdmitNothingElseAbove1023(t *testing.T) {
	internet := netip.MustParseAddr("203.0.113.7")
	places := []string{"internet", "public", "private", "isolated"}
	for _, v := range naclVariants(t) {
		stack, cfg := v.name, v.cfg
		plan := cfg.Network.Layout()
		rules := naclRulesByTier(t, v.m)
		tiers := map[string]addressing.Tier{"public": addressing.Public, "private": addressing.Private, "isolated": addressing.Isolated}
		host := func(place string, zone int) netip.Addr {
			if place == "internet" {
				return internet
			}
			return plan.Subnet(tiers[place], zone).Addr().Next().Next().Next().Next()
		}
		flows := neededFlows(cfg)
		for _, tier := range places[1:] {
			for _, peer := range places {
				for _, egress := range []bool{false, true} {
					want := make([]bool, 65536)
					open := func(from, to int) {
						for p := max(from, 1024); p <= to; p++ {
							want[p] = true
						}
					}
					for _, f := range flows {
						// tier is the client: out to the server's port, in on its ephemeral ports.
						if f.client == tier && f.server == peer {
							if egress {
								open(f.port, f.port)
							} else {
								open(f.ephemeral[0], f.ephemeral[1])
							}
						}
						if f.server == tier && f.client == peer {
							if egress {
								open(f.ephemeral[0], f.ephemeral[1])
							} else {
								open(f.port, f.port)
							}
						}
						if f.viaNAT && tier == "public" {
							switch {
							case peer == f.client && !egress:
								open(f.port, f.port)
							case peer == f.client && egress:
								open(f.ephemeral[0], f.ephemeral[1])
							case peer == "internet" && egress:
								open(f.port, f.port)
							case peer == "internet" && !egress:
								open(everyEphemeralPort[0], everyEphemeralPort[1])
							}
						}
					}
					if peer == "internet" && !egress {
						want[3389] = false
					}
					var extra, missing []int
					addr := host(peer, 1)
					for p := 1024; p <= 65535; p++ {
						got := naclAllows(rules[tier], egress, addr, p)
						switch {
						case got && !want[p]:
							extra = append(extra, p)
						case !got && want[p]:
							missing = append(missing, p)
						}
					}
					dir := "in from"
					if egress {
						dir = "out to"
					}
					assert.Empty(t, portRanges(extra), "%s: %s NACL opens %s %s beyond the flows", stack, tier, dir, peer)
					assert.Empty(t, portRanges(missing), "%s: %s NACL closes %s %s to ports of a flow", stack, tier, dir, peer)
				}
			}
		}
	}
}

// portRanges shortens a sorted list of ports to its ranges.
func portRanges(ports []int) []string {
	var out []string
	for i := 0; i < len(ports); {
		j := i
		for j+1 < len(ports) && ports[j+1] == ports[j]+1 {
			j++
		}
		out = append(out, fmt.Sprintf("%d-%d", ports[i], ports[j]))
		i = j + 1
	}
	return out
}

// TestNACLQuota: each NACL stays within the default quota of 20 rules per
// direction, the NAT egress flow included.
func TestNACLQuota(t *testing.T) {
	for _, v := range naclVariants(t) {
		stack := v.name
		for tier, rs := range naclRulesByTier(t, v.m) {
			n := map[bool]int{}
			for _, r := range rs {
				n[r.egress]++
			}
			assert.LessOrEqual(t, n[false], network.MaxNACLRulesPerDirection, "%s: %s NACL inbound rules", stack, tier)
			assert.LessOrEqual(t, n[true], network.MaxNACLRulesPerDirection, "%s: %s NACL outbound rules", stack, tier)
			assert.Positive(t, n[false]+n[true])
		}
	}
}
