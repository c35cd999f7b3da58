package network

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/network/addressing"
)

// admits evaluates a tier's rules as AWS does: lowest number first, the
// first rule that matches decides, none denies.
func admits(rules []NACLRule, egress bool, peer netip.Addr, port int) bool {
	sorted := slices.Clone(rules)
	slices.SortFunc(sorted, func(a, b NACLRule) int { return a.Number - b.Number })
	for _, r := range sorted {
		if r.Egress != egress || !netip.MustParsePrefix(r.CIDR).Contains(peer) {
			continue
		}
		if r.Protocol == protoAll || port >= r.FromPort && port <= r.ToPort {
			return r.Action == allow
		}
	}
	return false
}

var argSets = map[string]FlowArgs{
	"everything on":     {AppPort: 8443, DatabasePort: 5432, LoadBalancerSignsIn: true, AppEgressThroughNAT: true, InterfaceEndpoints: true},
	"everything off":    {AppPort: 8443, DatabasePort: 5432},
	"other ports":       {AppPort: 9000, DatabasePort: 1433, InterfaceEndpoints: true},
	"low ports":         {AppPort: 443, DatabasePort: 80, AppEgressThroughNAT: true},
	"the app port high": {AppPort: 65535, DatabasePort: 1024, LoadBalancerSignsIn: true},
}

func TestWithoutAdminPorts(t *testing.T) {
	for _, tc := range []struct {
		in   PortRange
		want []PortRange
	}{
		{PortRange{1024, 65535}, []PortRange{{1024, 3388}, {3390, 65535}}},
		{PortRange{1, 65535}, []PortRange{{1, 21}, {23, 3388}, {3390, 65535}}},
		{PortRange{443, 443}, []PortRange{{443, 443}}},
		{PortRange{3389, 3389}, nil},
		{PortRange{3389, 4000}, []PortRange{{3390, 4000}}},
	} {
		assert.Equal(t, tc.want, withoutAdminPorts(tc.in), tc.in.String())
	}
}

func TestFlowDeclaration(t *testing.T) {
	all := Flows(argSets["everything on"])
	ids, names := map[int]bool{}, map[string]bool{}
	for _, f := range all {
		assert.False(t, ids[f.ID], "flow ID %d twice", f.ID)
		assert.False(t, names[f.Name], "flow name %s twice", f.Name)
		ids[f.ID], names[f.Name] = true, true
		assert.True(t, f.ID >= 1 && f.ID <= 99, "%s: ID %d", f.Name, f.ID)
		assert.NotEmpty(t, f.Description, f.Name)
		assert.Contains(t, EphemeralPorts, f.Client, f.Name)
		assert.False(t, f.From.Internet && f.To.Internet, f.Name)
		assert.False(t, f.ViaNAT && (!f.To.Internet || f.From == InTier(addressing.Public)), "%s: NAT takes a tier's flow to the internet", f.Name)
		if f.From.Internet {
			assert.NotContains(t, adminPorts, f.Port, "%s: an admin port from the internet", f.Name)
		}
	}
	assert.Len(t, Flows(argSets["everything off"]), 6)
}

// TestNACLRulesAdmitEachFlowBothWays: for invented layouts and settings,
// every hop of every flow is admitted on every port of its range (3389
// from the internet excepted), rule numbers are unique per direction, the
// quota holds, and no internet ingress rule holds an admin port.
func TestNACLRulesAdmitEachFlowBothWays(t *testing.T) {
	internet := netip.MustParseAddr("198.51.100.9")
	for _, cidr := range []string{"10.0.0.0/16", "172.16.8.0/21", "192.168.0.0/23"} {
		for name, args := range argSets {
			t.Run(cidr+"/"+name, func(t *testing.T) {
				plan, err := addressing.New(cidr, 3)
				require.NoError(t, err)
				rules := NACLRules(plan, Flows(args))
				host := func(p Peer, zone int) netip.Addr {
					if p.Internet {
						return internet
					}
					return plan.Subnet(p.Tier, zone).Addr().Next().Next().Next().Next()
				}
				for _, tier := range addressing.Tiers {
					n := map[bool]int{}
					numbers := map[string]bool{}
					for _, r := range rules[tier] {
						n[r.Egress]++
						k := fmt.Sprint(r.Egress, r.Number)
						assert.False(t, numbers[k], "%s: rule number %d twice (egress %v)", tier, r.Number, r.Egress)
						numbers[k] = true
						assert.True(t, r.Number >= 1 && r.Number <= 32766, "%s: rule number %d", tier, r.Number)
						if r.CIDR == anywhere && !r.Egress && r.Action == allow {
							assert.Equal(t, protoTCP, r.Protocol)
							assert.GreaterOrEqual(t, r.Number, denyVPCRule, "%s: %s from anywhere before the VPC's deny", tier, r.Name)
							for _, p := range adminPorts {
								assert.False(t, r.FromPort <= p && p <= r.ToPort, "%s: %s admits the internet to %d", tier, r.Name, p)
							}
						}
						if r.Action == allow && r.CIDR != anywhere {
							assert.Less(t, r.Number, denyVPCRule, "%s: %s to a tier after the VPC's deny", tier, r.Name)
						}
					}
					assert.LessOrEqual(t, n[false], MaxNACLRulesPerDirection, tier.String())
					assert.LessOrEqual(t, n[true], MaxNACLRulesPerDirection, tier.String())
				}
				for _, f := range Flows(args) {
					for _, h := range f.Hops() {
						peer := host(h.Peer, 1)
						for _, port := range []int{h.Ports.From, h.Ports.To, (h.Ports.From + h.Ports.To) / 2, 3388, 3389, 3390} {
							if !h.Ports.Contains(port) {
								continue
							}
							want := !(h.Peer.Internet && !h.Egress && slices.Contains(adminPorts, port))
							assert.Equal(t, want, admits(rules[h.Tier], h.Egress, peer, port), "flow %s, %s hop of %s on %d", f.Name, h.Role, h.Tier, port)
						}
					}
				}
			})
		}
	}
}

// TestNACLRulesAreStable: turning optional flows on adds rules and never
// renumbers or renames one that was there.
func TestNACLRulesAreStable(t *testing.T) {
	plan, err := addressing.New("10.0.0.0/16", 3)
	require.NoError(t, err)
	off := NACLRules(plan, Flows(argSets["everything off"]))
	on := NACLRules(plan, Flows(argSets["everything on"]))
	for _, tier := range addressing.Tiers {
		for _, r := range off[tier] {
			assert.Contains(t, on[tier], r, "%s: %s changed when flows were added", tier, r.Name)
		}
	}
}

// TestTiersAdmitOnlyTheirFlows: the rules admitting replies from anywhere
// admit nothing from the other tiers: the data tier admits from the app
// tier only the data port, the app tier from the public tier only the app
// port.
func TestTiersAdmitOnlyTheirFlows(t *testing.T) {
	plan, err := addressing.New("10.0.0.0/16", 3)
	require.NoError(t, err)
	args := argSets["everything on"]
	rules := NACLRules(plan, Flows(args))
	host := func(tier addressing.Tier) netip.Addr { return plan.Subnet(tier, 1).Addr().Next().Next().Next().Next() }
	for _, tc := range []struct {
		tier addressing.Tier
		from addressing.Tier
		only []int
	}{
		{addressing.Isolated, addressing.Private, []int{args.DatabasePort}},
		{addressing.Isolated, addressing.Public, nil},
		{addressing.Private, addressing.Public, []int{args.AppPort}},
		{addressing.Private, addressing.Isolated, nil}, // replies of the data port only, to 1024 and up: checked below
	} {
		for p := 1; p <= 65535; p++ {
			got := admits(rules[tc.tier], false, host(tc.from), p)
			want := slices.Contains(tc.only, p) || tc.tier == addressing.Private && tc.from == addressing.Isolated && p >= 1024
			if !assert.Equal(t, want, got, "%s NACL admits %s on %d", tc.tier, tc.from, p) {
				break
			}
		}
	}
}
