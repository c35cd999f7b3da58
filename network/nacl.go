package network

import (
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

// Return traffic arrives on ephemeral ports. The range is split around
// 3389 so that no rule opens RDP to the world (FSBP EC2.21 flags any range
// that contains 22 or 3389).
func ephemeralFrom(name string, number int, cidr string) []NACLRule {
	return []NACLRule{
		{Name: name + "-low", Number: number, Protocol: protoTCP, Action: allow, CIDR: cidr, FromPort: 1024, ToPort: 3388},
		{Name: name + "-high", Number: number + 1, Protocol: protoTCP, Action: allow, CIDR: cidr, FromPort: 3390, ToPort: 65535},
	}
}

// NACLRules returns the rules of each tier's network ACL for a plan.
//
//   - public: 443 and 80 in from anywhere, return traffic in, anything from
//     the VPC; out: 443 (NAT egress), ephemeral replies, anything to the VPC.
//   - private: anything from the VPC and return traffic for the
//     connections it opened through NAT; out: the VPC and 443.
//   - isolated: only the private and isolated tiers, with the public tier
//     denied first; 443 out and its replies reach only the S3 and DynamoDB
//     gateway endpoints, since its route table has no other way out.
func NACLRules(plan addressing.Plan) map[addressing.Tier][]NACLRule {
	vpc := plan.VPC.String()
	public := plan.TierBlock(addressing.Public).String()
	private := plan.TierBlock(addressing.Private).String()
	isolated := plan.TierBlock(addressing.Isolated).String()
	rules := map[addressing.Tier][]NACLRule{}

	rules[addressing.Public] = append([]NACLRule{
		{Name: "in-https", Number: 100, Protocol: protoTCP, Action: allow, CIDR: anywhere, FromPort: 443, ToPort: 443},
		{Name: "in-http", Number: 110, Protocol: protoTCP, Action: allow, CIDR: anywhere, FromPort: 80, ToPort: 80},
		{Name: "in-vpc", Number: 130, Protocol: protoAll, Action: allow, CIDR: vpc},
		{Name: "out-https", Number: 100, Egress: true, Protocol: protoTCP, Action: allow, CIDR: anywhere, FromPort: 443, ToPort: 443},
		{Name: "out-ephemeral", Number: 110, Egress: true, Protocol: protoTCP, Action: allow, CIDR: anywhere, FromPort: 1024, ToPort: 65535},
		{Name: "out-vpc", Number: 120, Egress: true, Protocol: protoAll, Action: allow, CIDR: vpc},
	}, ephemeralFrom("in-return", 120, anywhere)...)

	rules[addressing.Private] = append([]NACLRule{
		{Name: "in-vpc", Number: 100, Protocol: protoAll, Action: allow, CIDR: vpc},
		{Name: "out-vpc", Number: 100, Egress: true, Protocol: protoAll, Action: allow, CIDR: vpc},
		{Name: "out-https", Number: 110, Egress: true, Protocol: protoTCP, Action: allow, CIDR: anywhere, FromPort: 443, ToPort: 443},
	}, ephemeralFrom("in-return", 110, anywhere)...)

	rules[addressing.Isolated] = append([]NACLRule{
		{Name: "in-deny-public", Number: 50, Protocol: protoAll, Action: deny, CIDR: public},
		{Name: "in-private", Number: 100, Protocol: protoAll, Action: allow, CIDR: private},
		{Name: "in-isolated", Number: 110, Protocol: protoAll, Action: allow, CIDR: isolated},
		{Name: "out-deny-public", Number: 50, Egress: true, Protocol: protoAll, Action: deny, CIDR: public},
		{Name: "out-private", Number: 100, Egress: true, Protocol: protoAll, Action: allow, CIDR: private},
		{Name: "out-isolated", Number: 110, Egress: true, Protocol: protoAll, Action: allow, CIDR: isolated},
		{Name: "out-https-gateway-endpoints", Number: 120, Egress: true, Protocol: protoTCP, Action: allow, CIDR: anywhere, FromPort: 443, ToPort: 443},
	}, ephemeralFrom("in-gateway-endpoint-return", 120, anywhere)...)
	return rules
}

func (b *builder) nacls() error {
	all := NACLRules(b.plan)
	for _, tier := range addressing.Tiers {
		rules := all[tier]
		subnets := pulumi.StringArray{}
		for _, s := range b.subnets[tier] {
			subnets = append(subnets, s.ID())
		}
		acl, err := ec2.NewNetworkAcl(b.ctx, b.child(tier.String()), &ec2.NetworkAclArgs{
			VpcId:     b.vpcRes.ID(),
			SubnetIds: subnets,
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
