package network

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/network/addressing"
)

// NACL protocols and actions, as the EC2 API spells them.
const (
	protoTCP = "6"
	protoAll = "-1"
	allow    = "allow"
	deny     = "deny"
	anywhere = "0.0.0.0/0"
)

// NACLRule is one rule of a tier's network ACL. Its Name and Number are
// stable: adding a rule never renumbers another.
type NACLRule struct {
	// Name is part of the rule resource's name.
	Name string
	// Number is the rule number; lower numbers are evaluated first.
	Number int
	// Egress is true for outbound rules.
	Egress bool
	// Protocol is "6" (TCP) or "-1" (all).
	Protocol string
	// Action is "allow" or "deny".
	Action string
	// CIDR is the peer range.
	CIDR string
	// FromPort and ToPort bound the ports (TCP only).
	FromPort, ToPort int
}

// MaxNACLRulesPerDirection is the default quota of rules per direction of
// one network ACL (VPC user guide, "Amazon VPC quotas").
const MaxNACLRulesPerDirection = 20

// Rule numbers: a flow's rules to and from the VPC's tiers come first,
// then one rule denies the rest of the VPC, then the flow's rules to and
// from the internet; so an "anywhere" rule admits only what is outside the
// VPC, and a tier admits from another tier only the flows between them.
const (
	vpcRuleBase      = 1000
	denyVPCRule      = 4000
	internetRuleBase = 5000
)

// roleOffsets place a flow's hops within its ten rule numbers; a split
// range takes the next number for its upper part.
var roleOffsets = map[string]int{"request": 0, "reply": 2, "nat-request": 4, "nat-forward": 5, "nat-reply": 6, "nat-return": 8}

// adminPorts must not be in any rule admitting the internet (FSBP EC2.21
// flags an ingress entry from 0.0.0.0/0 whose range holds 22 or 3389).
var adminPorts = []int{22, 3389}

// withoutAdminPorts splits r around the admin ports.
func withoutAdminPorts(r PortRange) []PortRange {
	out := []PortRange{r}
	for _, p := range adminPorts {
		var next []PortRange
		for _, x := range out {
			if !x.Contains(p) {
				next = append(next, x)
				continue
			}
			if x.From < p {
				next = append(next, PortRange{x.From, p - 1})
			}
			if p < x.To {
				next = append(next, PortRange{p + 1, x.To})
			}
		}
		out = next
	}
	return out
}

// NACLRules returns the rules of each tier's network ACL: for every hop of
// every flow (Flow.Hops) an allow of the peer's block and the hop's ports,
// and nothing else; no rule allows every protocol or every port. Replies
// from the internet skip 3389 (FSBP EC2.21), so about one connection in
// 64,512 whose ephemeral port is 3389 gets no reply from the internet and
// is retried (docs/network.md). Rules that two flows share are kept once,
// with the lower number.
func NACLRules(plan addressing.Plan, flows []Flow) map[addressing.Tier][]NACLRule {
	cidr := func(p Peer) string {
		if p.Internet {
			return anywhere
		}
		return plan.TierBlock(p.Tier).String()
	}
	rules := map[addressing.Tier][]NACLRule{}
	type key struct {
		egress   bool
		cidr     string
		from, to int
	}
	seen := map[addressing.Tier]map[key]bool{}
	byID := slices.Clone(flows)
	slices.SortFunc(byID, func(a, b Flow) int { return a.ID - b.ID })
	for _, f := range byID {
		for _, h := range f.Hops() {
			base, ranges := vpcRuleBase, []PortRange{h.Ports}
			if h.Peer.Internet {
				base = internetRuleBase
				if !h.Egress {
					ranges = withoutAdminPorts(h.Ports)
				}
			}
			dir := "in"
			if h.Egress {
				dir = "out"
			}
			for i, r := range ranges {
				k := key{h.Egress, cidr(h.Peer), r.From, r.To}
				if seen[h.Tier] == nil {
					seen[h.Tier] = map[key]bool{}
				}
				if seen[h.Tier][k] {
					continue
				}
				seen[h.Tier][k] = true
				name := dir + "-" + f.Name + "-" + h.Role
				if len(ranges) > 1 {
					name += fmt.Sprintf("-%d", i)
				}
				rules[h.Tier] = append(rules[h.Tier], NACLRule{
					Name: name, Number: base + f.ID*10 + roleOffsets[h.Role] + i, Egress: h.Egress,
					Protocol: protoTCP, Action: allow, CIDR: k.cidr, FromPort: r.From, ToPort: r.To,
				})
			}
		}
	}
	for _, tier := range addressing.Tiers {
		for _, egress := range []bool{false, true} {
			name := "in-deny-vpc"
			if egress {
				name = "out-deny-vpc"
			}
			rules[tier] = append(rules[tier], NACLRule{Name: name, Number: denyVPCRule, Egress: egress, Protocol: protoAll, Action: deny, CIDR: plan.VPC.String()})
		}
		slices.SortFunc(rules[tier], func(a, b NACLRule) int {
			if a.Egress != b.Egress {
				if a.Egress {
					return 1
				}
				return -1
			}
			return a.Number - b.Number
		})
	}
	return rules
}

// flowArgs are the flows' settings of the VPC.
func (b *builder) flowArgs() FlowArgs {
	a := b.args
	return FlowArgs{
		AppPort: a.AppPort, DatabasePort: a.DatabasePort, LoadBalancerSignsIn: a.LoadBalancerSignsIn,
		AppEgressThroughNAT: len(a.AppHTTPSEgressCIDRs) > 0, InterfaceEndpoints: len(a.InterfaceEndpoints) > 0,
	}
}

func (b *builder) nacls(vpcRes *ec2.Vpc, subnets tierSubnets) error {
	all := NACLRules(b.plan, Flows(b.flowArgs()))
	for _, tier := range addressing.Tiers {
		rules := all[tier]
		ids := pulumi.StringArray{}
		for _, s := range subnets[tier] {
			ids = append(ids, s.ID())
		}
		acl, err := ec2.NewNetworkAcl(b.ctx, b.child(tier.String()), &ec2.NetworkAclArgs{
			VpcId:     vpcRes.ID(),
			SubnetIds: ids,
			Tags:      b.tags(tier.String()),
		}, b.parent)
		if err != nil {
			return err
		}
		for _, r := range rules {
			args := &ec2.NetworkAclRuleArgs{
				NetworkAclId: acl.ID(),
				RuleNumber:   pulumi.Int(r.Number),
				Egress:       pulumi.Bool(r.Egress),
				Protocol:     pulumi.String(r.Protocol),
				RuleAction:   pulumi.String(r.Action),
				CidrBlock:    pulumi.String(r.CIDR),
			}
			if r.Protocol == protoTCP {
				args.FromPort = pulumi.Int(r.FromPort)
				args.ToPort = pulumi.Int(r.ToPort)
			}
			if _, err := ec2.NewNetworkAclRule(b.ctx, b.child(tier.String()+"-"+r.Name), args, b.parent); err != nil {
				return err
			}
		}
	}
	return nil
}
