package network

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/network/addressing"
)

// ingressRule and egressRule describe one TCP security group rule: one
// port, one peer (a CIDR, a security group or a prefix list), a description.
type ingressRule struct {
	port        int
	cidr        string
	group       pulumi.StringInput
	description string
	// formerly is the rule's previous name, kept as an alias so that a
	// rename updates the rule in place.
	formerly string
}

type egressRule struct {
	port        int
	cidr        string
	group       pulumi.StringInput
	prefixList  pulumi.StringInput
	description string
}

// securityGroups creates one group per tier, each with no inline rules (so
// AWS's default allow-all egress is removed) and one resource per rule.
func (b *builder) securityGroups(vpcRes *ec2.Vpc) (*groups, error) {
	var err error
	sgs := &groups{}
	group := func(suffix, description string) (*ec2.SecurityGroup, error) {
		if err := awsname.EC2Description(description); err != nil {
			return nil, fmt.Errorf("network %s: security group %s: %w", b.name, suffix, err)
		}
		return ec2.NewSecurityGroup(b.ctx, b.child(suffix), &ec2.SecurityGroupArgs{
			VpcId:               vpcRes.ID(),
			Description:         pulumi.String(description),
			RevokeRulesOnDelete: pulumi.Bool(true),
			Tags:                b.tags(suffix),
		}, b.parent)
	}
	if sgs.lb, err = group(GroupLoadBalancer, "Load balancer: HTTP and HTTPS from the configured clients"); err != nil {
		return nil, err
	}
	if sgs.app, err = group(GroupApp, "App tier: the app port from the load balancer only"); err != nil {
		return nil, err
	}
	if sgs.data, err = group(GroupData, "Data tier: the database port from the app tier only"); err != nil {
		return nil, err
	}
	if sgs.endpoints, err = group(GroupEndpoints, "Interface VPC endpoints: HTTPS from the VPC"); err != nil {
		return nil, err
	}

	a := b.args
	for i, cidr := range a.LoadBalancerIngressCIDRs {
		for _, port := range []int{443, 80} {
			if _, err := vpcIngress(b, fmt.Sprintf("lb-in-%d-%d", port, i), sgs.lb, ingressRule{
				port: port, cidr: cidr, description: fmt.Sprintf("Clients in %s to the load balancer on %d", cidr, port),
			}); err != nil {
				return nil, err
			}
		}
	}
	steps := []struct {
		name string
		sg   *ec2.SecurityGroup
		in   *ingressRule
		out  *egressRule
	}{
		{"lb-to-app", sgs.lb, nil, &egressRule{port: a.AppPort, group: sgs.app.ID(), description: "Load balancer to the app tier port"}},
		{"app-from-lb", sgs.app, &ingressRule{port: a.AppPort, group: sgs.lb.ID(), description: "The app port from the load balancer only"}, nil},
		{"app-to-data", sgs.app, nil, &egressRule{port: a.DatabasePort, group: sgs.data.ID(), description: "App tier to the database port"}},
		{"app-to-endpoints", sgs.app, nil, &egressRule{port: 443, group: sgs.endpoints.ID(), description: "App tier to the interface VPC endpoints"}},
		{"data-from-app", sgs.data, &ingressRule{port: a.DatabasePort, group: sgs.app.ID(), description: "The database port from the app tier only"}, nil},
		// The private tier only, as its NACL admits: a wider range would let
		// the load balancer's HTTPS egress (Cognito, 0.0.0.0/0) reach the
		// endpoints past this group.
		{"endpoints-from-private", sgs.endpoints, &ingressRule{port: 443, cidr: b.plan.TierBlock(addressing.Private).String(),
			description: "HTTPS from the private tier to the endpoints", formerly: "endpoints-from-vpc"}, nil},
	}
	for _, s := range steps {
		if s.in != nil {
			_, err = vpcIngress(b, s.name, s.sg, *s.in)
		} else {
			_, err = vpcEgress(b, s.name, s.sg, *s.out)
		}
		if err != nil {
			return nil, err
		}
	}
	if a.LoadBalancerSignsIn {
		if _, err := vpcEgress(b, "lb-to-idp", sgs.lb, egressRule{
			port: 443, cidr: "0.0.0.0/0", description: "Load balancer to the Cognito token endpoint (authenticate-cognito)",
		}); err != nil {
			return nil, err
		}
	}
	for i, cidr := range a.AppHTTPSEgressCIDRs {
		if _, err := vpcEgress(b, fmt.Sprintf("app-to-https-%d", i), sgs.app, egressRule{
			port: 443, cidr: cidr, description: fmt.Sprintf("App tier to %s on 443 through NAT", cidr),
		}); err != nil {
			return nil, err
		}
	}
	return sgs, nil
}

func vpcIngress(b *builder, name string, sg *ec2.SecurityGroup, r ingressRule) (*vpc.SecurityGroupIngressRule, error) {
	if err := awsname.EC2Description(r.description); err != nil {
		return nil, fmt.Errorf("network %s: rule %s: %w", b.name, name, err)
	}
	args := &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(r.port),
		ToPort:          pulumi.Int(r.port),
		Description:     pulumi.String(r.description),
		Tags:            b.tags(name),
	}
	if r.group != nil {
		args.ReferencedSecurityGroupId = r.group
	} else {
		args.CidrIpv4 = pulumi.String(r.cidr)
	}
	opts := []pulumi.ResourceOption{b.parent}
	if r.formerly != "" {
		opts = append(opts, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(b.child(r.formerly))}}))
	}
	return vpc.NewSecurityGroupIngressRule(b.ctx, b.child(name), args, opts...)
}

func vpcEgress(b *builder, name string, sg *ec2.SecurityGroup, r egressRule) (*vpc.SecurityGroupEgressRule, error) {
	if err := awsname.EC2Description(r.description); err != nil {
		return nil, fmt.Errorf("network %s: rule %s: %w", b.name, name, err)
	}
	args := &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: sg.ID(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(r.port),
		ToPort:          pulumi.Int(r.port),
		Description:     pulumi.String(r.description),
		Tags:            b.tags(name),
	}
	switch {
	case r.group != nil:
		args.ReferencedSecurityGroupId = r.group
	case r.prefixList != nil:
		args.PrefixListId = r.prefixList
	default:
		args.CidrIpv4 = pulumi.String(r.cidr)
	}
	return vpc.NewSecurityGroupEgressRule(b.ctx, b.child(name), args, b.parent)
}
