// Package network provisions the baseline VPC: three subnet tiers across
// availability zones, per-tier route tables and NACLs, least-privilege
// security groups, a locked-down default security group and NACL, flow logs
// and VPC endpoints.
//
// The data path is internet → load balancer (public tier) → app (private
// tier) → data (isolated tier); each hop is allowed by one named rule and
// nothing else is.
package network

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/problem"
	"github.com/example/hardening/network/addressing"
)

// VPCType is the type token of the VPC component. It keeps the spelling
// it was deployed with: a new token would change every child's URN, and
// Pulumi would replace the whole network without an alias.
const VPCType = "hardening:network:Vpc"

// VPCArgs configures a VPC. The plain values decide what is built and are
// validated by NewVPC.
type VPCArgs struct {
	// CIDR is the VPC's IPv4 block (/16 to /23).
	CIDR string
	// AvailabilityZones are the zone names that get one subnet per tier.
	AvailabilityZones []string
	// NATGateways is one NAT gateway per zone, or a single one shared by
	// every zone.
	NATGateways addressing.NATGateways
	// LoadBalancerIngressCIDRs may reach the load balancer on 80 and 443.
	LoadBalancerIngressCIDRs []string
	// AppPort is the app tier's listening port.
	AppPort int
	// DatabasePort is the data tier's listening port.
	DatabasePort int
	// AppHTTPSEgressCIDRs may be reached by the app tier on 443 through NAT.
	AppHTTPSEgressCIDRs []string
	// LoadBalancerSignsIn lets the load balancer reach Cognito's public
	// token and user-info endpoints on 443, which authenticate-cognito
	// listener rules need; Cognito publishes no prefix list to narrow it.
	LoadBalancerSignsIn bool
	// InterfaceEndpoints are the endpoint names ("kms", "monitoring") of
	// internal/awsname.VPCEndpoints that get interface endpoints with
	// private DNS.
	InterfaceEndpoints []string
	// FlowLogRetentionDays is the flow-log group's retention.
	FlowLogRetentionDays int
	// FlowLogArchiveBucketARN, when set, is an S3 bucket (its ARN alone)
	// that receives the VPC's flow logs too: another account's, whose
	// bucket policy admits this account's deliveries.
	FlowLogArchiveBucketARN string
	// PermissionsBoundary is attached to the flow-log role.
	PermissionsBoundary pulumi.StringInput
	// LogKeyARN is the customer-managed KMS key that encrypts the flow logs.
	LogKeyARN pulumi.StringInput
	// Env scopes service names and policies to the stack's account.
	Env awsenv.Env
	// Protect protects the flow-log group and retains it on delete.
	Protect bool
}

// Validate reports every problem of the arguments at once, each naming its
// setting (network/addressing holds the rules the configuration reuses).
func (a *VPCArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	zones := len(a.AvailabilityZones)
	if zones < 1 || zones > addressing.MaxZones {
		ps.Add("AvailabilityZones", "%d zones do not fit the layout; use 1 to %d", zones, addressing.MaxZones)
		zones = 1
	}
	if _, err := addressing.New(a.CIDR, zones); err != nil {
		ps.Add("CIDR", "%v", err)
	}
	if a.LogKeyARN == nil {
		ps.Add("LogKeyARN", "is required: the customer-managed KMS key that encrypts the flow logs")
	}
	if a.PermissionsBoundary == nil {
		ps.Add("PermissionsBoundary", "is required: the flow-log role carries the stack's boundary")
	}
	if a.FlowLogArchiveBucketARN != "" {
		if err := awsname.S3BucketARN(a.FlowLogArchiveBucketARN); err != nil {
			ps.Add("FlowLogArchiveBucketARN", "%v", err)
		}
	}
	ps = append(ps, addressing.CheckTierPorts(a.AppPort, a.DatabasePort)...)
	for i, svc := range a.InterfaceEndpoints {
		if err := awsname.InterfaceEndpoint(svc); err != nil {
			ps.Add(fmt.Sprintf("InterfaceEndpoints[%d]", i), "%v", err)
		}
	}
	return errors.Join(ps.Errors()...)
}

// VPC is the baseline network.
type VPC struct {
	pulumi.ResourceState

	// VPCID is the VPC's id.
	VPCID pulumi.StringOutput `pulumi:"vpcId"`
	// PublicSubnetIDs are the public tier's subnets, one per zone.
	PublicSubnetIDs pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	// PrivateSubnetIDs are the private (app) tier's subnets, one per zone.
	PrivateSubnetIDs pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	// IsolatedSubnetIDs are the isolated (data) tier's subnets, one per zone.
	IsolatedSubnetIDs pulumi.StringArrayOutput `pulumi:"isolatedSubnetIds"`
	// LoadBalancerSecurityGroupID admits 80 and 443 from the configured CIDRs.
	LoadBalancerSecurityGroupID pulumi.StringOutput `pulumi:"loadBalancerSecurityGroupId"`
	// AppSecurityGroupID admits the app port from the load balancer only.
	AppSecurityGroupID pulumi.StringOutput `pulumi:"appSecurityGroupId"`
	// DataSecurityGroupID admits the database port from the app tier only.
	DataSecurityGroupID pulumi.StringOutput `pulumi:"dataSecurityGroupId"`
	// EndpointSecurityGroupID admits 443 from the private tier to the interface endpoints.
	EndpointSecurityGroupID pulumi.StringOutput `pulumi:"endpointSecurityGroupId"`
	// FlowLogGroupName is the CloudWatch log group that receives the flow logs.
	FlowLogGroupName pulumi.StringOutput `pulumi:"flowLogGroupName"`
	// InterfaceEndpointIDs maps each interface endpoint's service
	// ("secretsmanager") to its id; what depends on an endpoint takes it
	// from here, so that it waits for the endpoint.
	InterfaceEndpointIDs pulumi.StringMapOutput `pulumi:"interfaceEndpointIds"`
}

// NewVPC creates a VPC.
func NewVPC(ctx *pulumi.Context, name string, args *VPCArgs, opts ...pulumi.ResourceOption) (*VPC, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("network %s: %w", name, err)
	}
	plan, err := addressing.New(args.CIDR, len(args.AvailabilityZones))
	if err != nil {
		return nil, fmt.Errorf("network %s: %w", name, err)
	}
	v := &VPC{}
	if err := ctx.RegisterComponentResource(VPCType, name, v, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, args: args, plan: plan, parent: pulumi.Parent(v)}
	// Each step takes what an earlier one made as arguments, so the order
	// is the compiler's to check.
	fail := func(err error) (*VPC, error) { return nil, fmt.Errorf("network %s: %w", name, err) }
	vpcRes, err := b.vpc()
	if err != nil {
		return fail(err)
	}
	if err := b.lockDefaults(vpcRes); err != nil {
		return fail(err)
	}
	subnets, err := b.createSubnets(vpcRes)
	if err != nil {
		return fail(err)
	}
	routing, err := b.routes(vpcRes, subnets)
	if err != nil {
		return fail(err)
	}
	if err := b.nacls(vpcRes, subnets); err != nil {
		return fail(err)
	}
	sgs, err := b.securityGroups(vpcRes)
	if err != nil {
		return fail(err)
	}
	interfaceEndpoints, err := b.endpoints(vpcRes, subnets, routing, sgs)
	if err != nil {
		return fail(err)
	}
	flowLogGroup, err := b.flowLogs(vpcRes)
	if err != nil {
		return fail(err)
	}
	v.VPCID = vpcRes.ID().ToStringOutput()
	// The load balancer may be created only once its subnets route to an
	// attached internet gateway ("InvalidSubnet ... has no internet
	// gateway" otherwise, a race the provider's own tests hit): the public
	// subnet ids carry the gateway, the route and the associations as
	// dependencies.
	v.PublicSubnetIDs = pulumi.All(subnets.ids(addressing.Public), routing.internetReady).ApplyT(func(v []any) []string {
		return v[0].([]string)
	}).(pulumi.StringArrayOutput)
	v.PrivateSubnetIDs = subnets.ids(addressing.Private)
	v.IsolatedSubnetIDs = subnets.ids(addressing.Isolated)
	v.LoadBalancerSecurityGroupID = sgs.lb.ID().ToStringOutput()
	v.AppSecurityGroupID = sgs.app.ID().ToStringOutput()
	v.DataSecurityGroupID = sgs.data.ID().ToStringOutput()
	v.EndpointSecurityGroupID = sgs.endpoints.ID().ToStringOutput()
	v.FlowLogGroupName = flowLogGroup.Name
	v.InterfaceEndpointIDs = interfaceEndpoints.ToStringMapOutput()
	return v, ctx.RegisterResourceOutputs(v, pulumi.Map{
		"interfaceEndpointIds":        v.InterfaceEndpointIDs,
		"vpcId":                       v.VPCID,
		"publicSubnetIds":             v.PublicSubnetIDs,
		"privateSubnetIds":            v.PrivateSubnetIDs,
		"isolatedSubnetIds":           v.IsolatedSubnetIDs,
		"loadBalancerSecurityGroupId": v.LoadBalancerSecurityGroupID,
		"appSecurityGroupId":          v.AppSecurityGroupID,
		"dataSecurityGroupId":         v.DataSecurityGroupID,
		"endpointSecurityGroupId":     v.EndpointSecurityGroupID,
		"flowLogGroupName":            v.FlowLogGroupName,
	})
}

// builder holds what every step of one NewVPC call reads and none changes.
type builder struct {
	ctx    *pulumi.Context
	name   string
	args   *VPCArgs
	plan   addressing.Plan
	parent pulumi.ResourceOption
}

// tierSubnets are the subnets of each tier, one per zone.
type tierSubnets map[addressing.Tier][]*ec2.Subnet

func (t tierSubnets) ids(tier addressing.Tier) pulumi.StringArrayOutput {
	ids := make(pulumi.StringArray, 0, len(t[tier]))
	for _, s := range t[tier] {
		ids = append(ids, s.ID().ToStringOutput())
	}
	return ids.ToStringArrayOutput()
}

// routing is what routes made.
type routing struct {
	// internetReady are the ids of what makes the public tier reach the
	// internet: the gateway, the default route, the route table's
	// associations.
	internetReady pulumi.StringArray
	private       []*ec2.RouteTable
	isolated      *ec2.RouteTable
}

// groups are the tiers' security groups.
type groups struct {
	lb, app, data, endpoints *ec2.SecurityGroup
}

func (b *builder) child(suffix string) string { return b.name + "-" + suffix }

func (b *builder) tags(suffix string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(b.child(suffix))}
}

func (b *builder) vpc() (*ec2.Vpc, error) {
	return ec2.NewVpc(b.ctx, b.name, &ec2.VpcArgs{
		CidrBlock:          pulumi.String(b.plan.VPC.String()),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               pulumi.StringMap{"Name": pulumi.String(b.name)},
	}, b.parent)
}

// lockDefaults adopts the VPC's default security group and default NACL and
// removes every rule from both (FSBP EC2.2): anything that lands in them by
// mistake can talk to nothing.
func (b *builder) lockDefaults(vpcRes *ec2.Vpc) error {
	// Empty rule lists, not absent ones: the provider treats ingress and
	// egress as attributes (aws_security_group's rule set schema, which
	// internal/service/ec2/vpc_default_security_group.go shares), so an
	// empty list keeps them empty on every update, while an absent one
	// revokes the rules only at adoption.
	if _, err := ec2.NewDefaultSecurityGroup(b.ctx, b.child("default"), &ec2.DefaultSecurityGroupArgs{
		VpcId:   vpcRes.ID(),
		Ingress: ec2.DefaultSecurityGroupIngressArray{},
		Egress:  ec2.DefaultSecurityGroupEgressArray{},
		Tags:    b.tags("default-locked"),
	}, b.parent); err != nil {
		return err
	}
	// The subnets leave the default NACL for their tier's NACL; which
	// subnets it holds is AWS's business, not a diff of this program.
	_, err := ec2.NewDefaultNetworkAcl(b.ctx, b.child("default"), &ec2.DefaultNetworkAclArgs{
		DefaultNetworkAclId: vpcRes.DefaultNetworkAclId,
		Tags:                b.tags("default-locked"),
	}, b.parent, pulumi.IgnoreChanges([]string{"subnetIds"}))
	return err
}

func (b *builder) createSubnets(vpcRes *ec2.Vpc) (tierSubnets, error) {
	subnets := tierSubnets{}
	for _, tier := range addressing.Tiers {
		for i, az := range b.args.AvailabilityZones {
			suffix := fmt.Sprintf("%s-%d", tier, i)
			s, err := ec2.NewSubnet(b.ctx, b.child(suffix), &ec2.SubnetArgs{
				VpcId:               vpcRes.ID(),
				CidrBlock:           pulumi.String(b.plan.Subnet(tier, i).String()),
				AvailabilityZone:    pulumi.String(az),
				MapPublicIpOnLaunch: pulumi.Bool(false), // FSBP EC2.15: nothing gets a public IP by accident
				Tags: pulumi.StringMap{
					"Name": pulumi.String(b.child(suffix)),
					"tier": pulumi.String(tier.String()),
				},
			}, b.parent)
			if err != nil {
				return nil, err
			}
			subnets[tier] = append(subnets[tier], s)
		}
	}
	return subnets, nil
}

// routes gives the public tier a route to the internet gateway, each private
// subnet a route to a NAT gateway, and the isolated tier no route beyond
// the VPC except the gateway endpoints added later.
func (b *builder) routes(vpcRes *ec2.Vpc, subnets tierSubnets) (*routing, error) {
	r := &routing{}
	igw, err := ec2.NewInternetGateway(b.ctx, b.name, &ec2.InternetGatewayArgs{
		VpcId: vpcRes.ID(),
		Tags:  pulumi.StringMap{"Name": pulumi.String(b.name)},
	}, b.parent)
	if err != nil {
		return nil, err
	}
	public, publicAssocs, err := b.routeTable(vpcRes, "public", subnets[addressing.Public])
	if err != nil {
		return nil, err
	}
	route, err := ec2.NewRoute(b.ctx, b.child("public-internet"), &ec2.RouteArgs{
		RouteTableId:         public.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, b.parent)
	if err != nil {
		return nil, err
	}
	r.internetReady = append(pulumi.StringArray{igw.ID(), route.ID()}, publicAssocs...)

	natCount := len(b.args.AvailabilityZones)
	if b.args.NATGateways == addressing.NATSingle {
		natCount = 1
	}
	nats := make([]*ec2.NatGateway, natCount)
	for i := range nats {
		eip, err := ec2.NewEip(b.ctx, b.child(fmt.Sprintf("nat-%d", i)), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   b.tags(fmt.Sprintf("nat-%d", i)),
		}, b.parent)
		if err != nil {
			return nil, err
		}
		nats[i], err = ec2.NewNatGateway(b.ctx, b.child(fmt.Sprintf("nat-%d", i)), &ec2.NatGatewayArgs{
			AllocationId: eip.AllocationId,
			SubnetId:     subnets[addressing.Public][i].ID(),
			Tags:         b.tags(fmt.Sprintf("nat-%d", i)),
		}, b.parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return nil, err
		}
	}
	for i, s := range subnets[addressing.Private] {
		rt, _, err := b.routeTable(vpcRes, fmt.Sprintf("private-%d", i), []*ec2.Subnet{s})
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRoute(b.ctx, b.child(fmt.Sprintf("private-%d-nat", i)), &ec2.RouteArgs{
			RouteTableId:         rt.ID(),
			DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
			NatGatewayId:         nats[i%natCount].ID(),
		}, b.parent); err != nil {
			return nil, err
		}
		r.private = append(r.private, rt)
	}
	r.isolated, _, err = b.routeTable(vpcRes, "isolated", subnets[addressing.Isolated])
	return r, err
}

// routeTable creates a route table associated with subnets, and returns
// the associations' ids.
func (b *builder) routeTable(vpcRes *ec2.Vpc, suffix string, subnets []*ec2.Subnet) (*ec2.RouteTable, pulumi.StringArray, error) {
	rt, err := ec2.NewRouteTable(b.ctx, b.child(suffix), &ec2.RouteTableArgs{
		VpcId: vpcRes.ID(),
		Tags:  b.tags(suffix),
	}, b.parent)
	if err != nil {
		return nil, nil, err
	}
	var assocs pulumi.StringArray
	for i, s := range subnets {
		assoc, err := ec2.NewRouteTableAssociation(b.ctx, b.child(fmt.Sprintf("%s-%d", suffix, i)), &ec2.RouteTableAssociationArgs{
			RouteTableId: rt.ID(),
			SubnetId:     s.ID(),
		}, b.parent)
		if err != nil {
			return nil, nil, err
		}
		assocs = append(assocs, assoc.ID())
	}
	return rt, assocs, nil
}

func (b *builder) serviceName(svc string) string {
	return b.args.Env.EndpointService(svc)
}

// endpointPolicy renders svc's endpoint policy; nil leaves the endpoint
// with the default full-access policy.
func (b *builder) endpointPolicy(svc string) (pulumi.StringPtrInput, error) {
	doc, err := EndpointPolicy(svc, b.args.Env)
	if err != nil || doc == nil {
		return nil, err
	}
	policy, err := doc.EndpointJSON(ECRLayerBucketARN(b.args.Env))
	if err != nil {
		return nil, fmt.Errorf("endpoint policy of %s: %w", svc, err)
	}
	return pulumi.String(policy), nil
}

// endpoints keeps AWS API traffic inside the VPC: S3 and DynamoDB through
// gateway endpoints on the private and isolated route tables, the rest
// through interface endpoints with private DNS behind the endpoint group.
func (b *builder) endpoints(vpcRes *ec2.Vpc, subnets tierSubnets, r *routing, sgs *groups) (pulumi.StringMap, error) {
	tables := pulumi.StringArray{}
	for _, rt := range append(slices.Clone(r.private), r.isolated) {
		tables = append(tables, rt.ID())
	}
	var gatewayPrefixes []pulumi.StringOutput
	for _, svc := range awsenv.GatewayEndpointServices {
		policy, err := b.endpointPolicy(svc)
		if err != nil {
			return nil, err
		}
		ep, err := ec2.NewVpcEndpoint(b.ctx, b.child(svc), &ec2.VpcEndpointArgs{
			VpcId:           vpcRes.ID(),
			ServiceName:     pulumi.String(b.serviceName(svc)),
			VpcEndpointType: pulumi.String(string(awsname.Gateway)),
			RouteTableIds:   tables,
			Policy:          policy,
			Tags:            b.tags(svc),
		}, b.parent)
		if err != nil {
			return nil, err
		}
		gatewayPrefixes = append(gatewayPrefixes, ep.PrefixListId)
	}
	// The app tier reaches the gateway endpoints by their prefix lists.
	for i, svc := range awsenv.GatewayEndpointServices {
		if _, err := vpcEgress(b, "app-to-"+svc, sgs.app, egressRule{
			port: 443, prefixList: gatewayPrefixes[i], description: "HTTPS to " + svc + " through its gateway endpoint",
		}); err != nil {
			return nil, err
		}
	}
	private := pulumi.StringArray{}
	for _, s := range subnets[addressing.Private] {
		private = append(private, s.ID())
	}
	interfaceEndpoints := pulumi.StringMap{}
	for _, svc := range b.args.InterfaceEndpoints {
		policy, err := b.endpointPolicy(svc)
		if err != nil {
			return nil, err
		}
		ep, err := ec2.NewVpcEndpoint(b.ctx, b.child(svc), &ec2.VpcEndpointArgs{
			Policy:            policy,
			VpcId:             vpcRes.ID(),
			ServiceName:       pulumi.String(b.serviceName(svc)),
			VpcEndpointType:   pulumi.String(string(awsname.Interface)),
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         private,
			SecurityGroupIds:  pulumi.StringArray{sgs.endpoints.ID()},
			Tags:              b.tags(svc),
		}, b.parent)
		if err != nil {
			return nil, err
		}
		interfaceEndpoints[svc] = ep.ID()
	}
	return interfaceEndpoints, nil
}

// EndpointPolicy is the policy of the endpoint of svc ("s3", "monitoring"),
// or nil for a service that takes no custom endpoint policy (its endpoint
// keeps the default full-access one, the only one CreateVpcEndpoint then
// accepts). Only principals of this account pass, and through the S3 and
// DynamoDB gateway endpoints only to this account's buckets and tables, so
// that a compromised workload cannot copy data to another account's bucket
// (VPC user guide, "Control access to VPC endpoints using endpoint
// policies"). The actions are those of the service's IAM prefix, which the
// catalogue takes from data (internal/awsname.VPCEndpoints): monitoring
// carries cloudwatch:* calls.
//
// The one exception is the bucket AWS keeps ECR image layers in: ECR
// answers an image pull with URLs it presigns with its own credentials, so
// the S3 request's principal is not of this account. The statement is the
// one the Amazon ECR user guide documents for it ("Amazon ECR interface VPC
// endpoints", "Minimum Amazon S3 bucket permissions for Amazon ECR"):
// s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket/*, with
// no principal condition.
func EndpointPolicy(svc string, env awsenv.Env) (*iampolicy.Document, error) {
	e, ok := awsname.LookupVPCEndpoint(svc)
	if !ok {
		return nil, fmt.Errorf("%q is not a VPC endpoint of internal/awsname.VPCEndpoints", svc)
	}
	if !e.Policy {
		return nil, nil
	}
	everyone := &iampolicy.Principal{Everyone: true}
	ours := iampolicy.Conditions{"StringEquals": {"aws:PrincipalAccount": {env.AccountID}}}
	if e.Type == awsname.Gateway {
		ours["StringEquals"]["aws:ResourceAccount"] = []string{env.AccountID}
	}
	st := []iampolicy.Statement{{
		Sid: "ThisAccountOnly", Effect: iampolicy.Allow, Principal: everyone,
		Action: []string{e.IAMPrefix + ":*"}, Resource: []string{"*"}, Condition: ours,
	}}
	if svc == "s3" {
		st = append(st, iampolicy.Statement{
			Sid: "ImageLayersOfECR", Effect: iampolicy.Allow, Principal: everyone,
			Action:   []string{"s3:GetObject"},
			Resource: []string{ECRLayerBucketARN(env) + "/*"},
		})
	}
	doc := iampolicy.New(st...)
	return &doc, nil
}

// ECRLayerBucketARN is the AWS-owned bucket ECR keeps the region's image
// layers in (Amazon ECR user guide, "Amazon ECR interface VPC endpoints").
func ECRLayerBucketARN(env awsenv.Env) string {
	return "arn:" + env.Partition + ":s3:::prod-" + env.Region + "-starport-layer-bucket"
}

// flowLogs records ALL traffic of the VPC (FSBP EC2.6) into a log group
// encrypted with the stack's key, through a role that may write only to
// that group and that only the flow-logs service of this account may assume.
func (b *builder) flowLogs(vpcRes *ec2.Vpc) (*cloudwatch.LogGroup, error) {
	flowLogGroup, err := cloudwatch.NewLogGroup(b.ctx, b.child("flow-logs"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/vpc/" + b.name + "/flow-logs"),
		KmsKeyId:        b.args.LogKeyARN,
		RetentionInDays: pulumi.Int(b.args.FlowLogRetentionDays),
	}, b.parent, pulumi.Protect(b.args.Protect), pulumi.RetainOnDelete(b.args.Protect))
	if err != nil {
		return nil, err
	}
	trust, err := FlowLogsTrustPolicy(b.args.Env).JSON()
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(b.ctx, b.child("flow-logs"), &iam.RoleArgs{
		Description:         pulumi.String("Lets VPC Flow Logs write " + b.name + "'s flow logs to its log group"),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: b.args.PermissionsBoundary,
		Path:                pulumi.String(b.args.Env.RolePath),
	}, b.parent)
	if err != nil {
		return nil, err
	}
	policy := flowLogGroup.Arn.ApplyT(func(arn string) (string, error) {
		return FlowLogsWritePolicy(arn).JSON()
	}).(pulumi.StringOutput)
	rp, err := iam.NewRolePolicy(b.ctx, b.child("flow-logs"), &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: policy,
	}, b.parent)
	if err != nil {
		return nil, err
	}
	_, err = ec2.NewFlowLog(b.ctx, b.child("flow-logs"), &ec2.FlowLogArgs{
		VpcId:                  vpcRes.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         flowLogGroup.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   b.tags("flow-logs"),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{rp}))
	if err != nil {
		return nil, err
	}
	if b.args.FlowLogArchiveBucketARN != "" {
		if err := b.archiveFlowLogs(vpcRes); err != nil {
			return nil, err
		}
	}
	return flowLogGroup, nil
}

// archiveFlowLogs delivers ALL traffic of the VPC to the archive bucket as
// well. An S3 destination takes no role: the logs service
// (delivery.logs.amazonaws.com) writes with the bucket policy's grant, so
// iamRoleArn (CreateFlowLogs' DeliverLogsPermissionArn) is left unset, as
// terraform-provider-aws sends it only when set
// (internal/service/ec2/vpc_flow_log.go, resourceLogFlowCreate); the
// aggregation interval is given because the provider's default is 600 s.
func (b *builder) archiveFlowLogs(vpcRes *ec2.Vpc) error {
	_, err := ec2.NewFlowLog(b.ctx, b.child("flow-logs-archive"), &ec2.FlowLogArgs{
		VpcId:                  vpcRes.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("s3"),
		LogDestination:         pulumi.String(b.args.FlowLogArchiveBucketARN),
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   b.tags("flow-logs-archive"),
	}, b.parent)
	return err
}

// FlowLogsTrustPolicy lets only the VPC Flow Logs service, acting for this
// account's flow logs, assume the flow-log role (confused-deputy guard).
func FlowLogsTrustPolicy(env awsenv.Env) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "FlowLogsService",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{"vpc-flow-logs.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iampolicy.Conditions{
			"StringEquals": {"aws:SourceAccount": {env.AccountID}},
			"ArnLike":      {"aws:SourceArn": {env.ARN("ec2", "vpc-flow-log/*")}},
		},
	})
}

// FlowLogsWritePolicy allows writing log streams of one log group only.
func FlowLogsWritePolicy(logGroupARN string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:      "WriteFlowLogs",
		Effect:   iampolicy.Allow,
		Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
		Resource: []string{logGroupARN, logGroupARN + ":*"},
	})
}
