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

// rdpPort is the one ephemeral port the NACLs do not admit from the
// internet: FSBP EC2.21 flags any range that contains 22 or 3389.
const rdpPort = 3389

// Return traffic arrives on ephemeral ports. The range is split around
// rdpPort so that no rule opens RDP to the world.
func ephemeralFrom(name string, number int, cidr string) []NACLRule {
	return []NACLRule{
		{Name: name + "-low", Number: number, Protocol: protoTCP, Action: allow, CIDR: cidr, FromPort: 1024, ToPort: rdpPort - 1},
		{Name: name + "-high", Number: number + 1, Protocol: protoTCP, Action: allow, CIDR: cidr, FromPort: rdpPort + 1, ToPort: 65535},
	}
}

// NACLPorts are the ports the NACLs open between tiers: the flows of the
// security groups, as a second layer.
type NACLPorts struct {
	// App is the port the load balancer reaches the app tier on.
	App int
	// Database is the port the app tier reaches the data tier on.
	Database int
}

// MaxNACLRulesPerDirection is the default quota of rules per direction of
// one network ACL (VPC user guide, "Amazon VPC quotas").
const MaxNACLRulesPerDirection = 20

// NACLRules returns the rules of each tier's network ACL for a plan: a
// second, port-specific layer under the security groups, with no rule that
// allows every protocol or every port. Every flow the security groups
// allow has its request and its return here; nothing else passes.
//
//   - public: clients to the load balancer on 443 and 80, and their
//     replies; the load balancer to the app port in the private tier and
//     Cognito's token endpoint on 443; the NAT gateways, which forward the
//     private tier's HTTPS, and the internet's replies to both.
//   - private: the app port from the public tier; HTTPS to the interface
//     endpoints from the private tier; the data port to the isolated tier;
//     HTTPS out (endpoints, NAT, the S3 and DynamoDB gateways), and the
//     replies to all of it.
//   - isolated: the data port from the private tier and its replies, the
//     public tier denied first; HTTPS to the S3 and DynamoDB gateway
//     endpoints (its route table has no other way out) and their replies.
//
// Replies arrive on ephemeral ports (1024-65535 for the load balancer and
// NAT gateways). From the internet the range is split around 3389, so no
// rule opens RDP to the world (FSBP EC2.21); the cost is that about one
// connection in 64,512 whose ephemeral port is 3389 hangs (README).
func NACLRules(plan addressing.Plan, ports NACLPorts) map[addressing.Tier][]NACLRule {
	public := plan.TierBlock(addressing.Public).String()
	private := plan.TierBlock(addressing.Private).String()
	isolated := plan.TierBlock(addressing.Isolated).String()
	tcp := func(name string, number int, egress bool, cidr string, from, to int) NACLRule {
		return NACLRule{Name: name, Number: number, Egress: egress, Protocol: protoTCP, Action: allow, CIDR: cidr, FromPort: from, ToPort: to}
	}
	const in, out = false, true
	rules := map[addressing.Tier][]NACLRule{}

	rules[addressing.Public] = append([]NACLRule{
		tcp("in-https", 100, in, anywhere, 443, 443),
		tcp("in-http", 110, in, anywhere, 80, 80),
		// The NAT gateways take the private tier's HTTPS to the internet.
		tcp("in-https-from-private", 130, in, private, 443, 443),
		// Replies from the app tier to the load balancer.
		tcp("in-return-private", 140, in, private, 1024, 65535),
		tcp("out-https", 100, out, anywhere, 443, 443),
		tcp("out-ephemeral", 110, out, anywhere, 1024, 65535),
		tcp("out-app", 120, out, private, ports.App, ports.App),
	}, ephemeralFrom("in-return", 120, anywhere)...)

	rules[addressing.Private] = append([]NACLRule{
		tcp("in-app", 100, in, public, ports.App, ports.App),
		// The interface endpoints, from the private tier's other zones.
		tcp("in-https-endpoints", 120, in, private, 443, 443),
		// Replies from the data tier.
		tcp("in-return-isolated", 130, in, isolated, 1024, 65535),
		tcp("out-return-public", 100, out, public, 1024, 65535),
		tcp("out-https", 110, out, anywhere, 443, 443),
		tcp("out-database", 120, out, isolated, ports.Database, ports.Database),
		tcp("out-return-private", 130, out, private, 1024, 65535),
	}, ephemeralFrom("in-return", 110, anywhere)...)

	rules[addressing.Isolated] = append([]NACLRule{
		{Name: "in-deny-public", Number: 50, Protocol: protoAll, Action: deny, CIDR: public},
		tcp("in-database", 100, in, private, ports.Database, ports.Database),
		{Name: "out-deny-public", Number: 50, Egress: true, Protocol: protoAll, Action: deny, CIDR: public},
		tcp("out-return-private", 100, out, private, 1024, 65535),
		tcp("out-https-gateway-endpoints", 120, out, anywhere, 443, 443),
	}, ephemeralFrom("in-gateway-endpoint-return", 120, anywhere)...)
	return rules
}

func (b *builder) nacls(vpcRes *ec2.Vpc, subnets tierSubnets) error {
	all := NACLRules(b.plan, NACLPorts{App: b.args.AppPort, Database: b.args.DatabasePort})
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
