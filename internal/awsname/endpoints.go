package awsname

import (
	"fmt"
	"slices"
	"strings"
)

// EndpointType is how a VPC reaches a service: a gateway endpoint (route
// table entries) or an interface endpoint (network interfaces with private
// DNS).
type EndpointType string

// The endpoint types, as the EC2 API spells VpcEndpointType.
const (
	Gateway   EndpointType = "Gateway"
	Interface EndpointType = "Interface"
)

// VPCEndpoint is an AWS service the stack may reach through a VPC endpoint
// named com.amazonaws.<region>.<Name>.
//
// An endpoint's name is not its IAM service prefix (monitoring carries
// cloudwatch:* calls, kinesis-streams kinesis:*, ecr.api and ecr.dkr ecr:*),
// nor does every service accept a custom endpoint policy. IAMPrefix is
// checked against the pinned data by TestEndpointPrefixesFromData: of the
// services in internal/iampolicy/sar, it is the one whose actions are most
// of the operations of the API model whose endpointPrefix is Model
// (internal/awsname/models.json, from aws-sdk-go's api-2.json metadata).
type VPCEndpoint struct {
	// Name is the last part of the endpoint service name.
	Name string
	// Type is the endpoint type the stack creates for it.
	Type EndpointType
	// IAMPrefix is the service prefix of the actions its requests carry.
	IAMPrefix string
	// Model is the endpointPrefix of the service's API model; "" when the
	// endpoint serves no AWS API of the SDK's models (ecr.dkr serves the
	// Docker Registry HTTP API).
	Model string
	// Policy reports whether the service accepts a custom endpoint policy.
	// One that does not refuses CreateVpcEndpoint with a policy other than
	// the default full-access one, so the stack sets none.
	Policy bool
	// Doc is where the service documents its endpoint and its policies.
	Doc string
}

// VPCEndpoints are the services the configuration may name. Policy follows
// the "Supports endpoint policies" column of the AWS PrivateLink guide
// ("AWS services that integrate with AWS PrivateLink",
// https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html)
// and the service's own page (Doc). No machine-readable copy of that column
// exists offline: the EC2 API has it per service and region
// (DescribeVpcEndpointServices, VpcEndpointPolicySupported), which needs an
// account. Where the pages did not confirm support, Policy is false: the
// default full-access policy is the one every endpoint service accepts,
// and IAM alone then decides.
var VPCEndpoints = []VPCEndpoint{
	{Name: "s3", Type: Gateway, IAMPrefix: "s3", Model: "s3", Policy: true,
		Doc: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html"},
	{Name: "dynamodb", Type: Gateway, IAMPrefix: "dynamodb", Model: "dynamodb", Policy: true,
		Doc: "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html"},
	{Name: "secretsmanager", Type: Interface, IAMPrefix: "secretsmanager", Model: "secretsmanager", Policy: true,
		Doc: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html"},
	{Name: "kms", Type: Interface, IAMPrefix: "kms", Model: "kms", Policy: true,
		Doc: "https://docs.aws.amazon.com/kms/latest/developerguide/kms-vpc-endpoint.html"},
	{Name: "logs", Type: Interface, IAMPrefix: "logs", Model: "logs", Policy: true,
		Doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html"},
	{Name: "sts", Type: Interface, IAMPrefix: "sts", Model: "sts", Policy: true,
		Doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_interface_vpc_endpoints.html"},
	{Name: "ecr.api", Type: Interface, IAMPrefix: "ecr", Model: "api.ecr", Policy: true,
		Doc: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"},
	{Name: "ecr.dkr", Type: Interface, IAMPrefix: "ecr", Policy: true,
		Doc: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"},
	{Name: "ec2", Type: Interface, IAMPrefix: "ec2", Model: "ec2", Policy: true,
		Doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/interface-vpc-endpoints.html"},
	{Name: "monitoring", Type: Interface, IAMPrefix: "cloudwatch", Model: "monitoring", Policy: true,
		Doc: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-interface-VPC.html"},
	{Name: "kinesis-streams", Type: Interface, IAMPrefix: "kinesis", Model: "kinesis", Policy: true,
		Doc: "https://docs.aws.amazon.com/streams/latest/dev/vpc.html"},
	{Name: "sns", Type: Interface, IAMPrefix: "sns", Model: "sns", Policy: true,
		Doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-vpc-endpoint-policy.html"},
	{Name: "sqs", Type: Interface, IAMPrefix: "sqs", Model: "sqs", Policy: true,
		Doc: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-vpc-endpoints.html"},
	{Name: "lambda", Type: Interface, IAMPrefix: "lambda", Model: "lambda", Policy: true,
		Doc: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-endpoints.html"},
	{Name: "ssm", Type: Interface, IAMPrefix: "ssm", Model: "ssm",
		Doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html"},
	{Name: "ssmmessages", Type: Interface, IAMPrefix: "ssmmessages",
		Doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html"},
	{Name: "ec2messages", Type: Interface, IAMPrefix: "ec2messages",
		Doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html"},
	{Name: "ssm-contacts", Type: Interface, IAMPrefix: "ssm-contacts", Model: "ssm-contacts",
		Doc: "https://docs.aws.amazon.com/incident-manager/latest/userguide/vpc-interface-endpoints.html"},
	{Name: "ssm-incidents", Type: Interface, IAMPrefix: "ssm-incidents", Model: "ssm-incidents",
		Doc: "https://docs.aws.amazon.com/incident-manager/latest/userguide/vpc-interface-endpoints.html"},
	{Name: "ecs", Type: Interface, IAMPrefix: "ecs", Model: "ecs",
		Doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html"},
	{Name: "ecs-agent", Type: Interface, IAMPrefix: "ecs",
		Doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html"},
	{Name: "ecs-telemetry", Type: Interface, IAMPrefix: "ecs",
		Doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html"},
	{Name: "events", Type: Interface, IAMPrefix: "events", Model: "events",
		Doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-related-service-vpc.html"},
	{Name: "states", Type: Interface, IAMPrefix: "states", Model: "states",
		Doc: "https://docs.aws.amazon.com/step-functions/latest/dg/vpc-endpoints.html"},
	{Name: "elasticloadbalancing", Type: Interface, IAMPrefix: "elasticloadbalancing", Model: "elasticloadbalancing",
		Doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/load-balancer-vpc-endpoints.html"},
}

// LookupVPCEndpoint returns the catalogue entry of an endpoint name.
func LookupVPCEndpoint(name string) (VPCEndpoint, bool) {
	i := slices.IndexFunc(VPCEndpoints, func(e VPCEndpoint) bool { return e.Name == name })
	if i < 0 {
		return VPCEndpoint{}, false
	}
	return VPCEndpoints[i], true
}

// EndpointNames returns the names of the catalogue's endpoints of type t,
// in catalogue order.
func EndpointNames(t EndpointType) []string {
	var out []string
	for _, e := range VPCEndpoints {
		if e.Type == t {
			out = append(out, e.Name)
		}
	}
	return out
}

// InterfaceEndpoint refuses a name that is not an interface endpoint of
// the catalogue, saying what would be valid.
func InterfaceEndpoint(name string) error {
	e, ok := LookupVPCEndpoint(name)
	switch {
	case !ok:
		return fmt.Errorf("%q is not an interface endpoint this stack knows; use one of %s (internal/awsname.VPCEndpoints, with its IAM prefix and policy support)", name, strings.Join(EndpointNames(Interface), ", "))
	case e.Type != Interface:
		return fmt.Errorf("%q already has a gateway endpoint on the private and isolated route tables; remove it", name)
	}
	return nil
}

// EndpointName returns the endpoint name of a VPC endpoint service name
// ("com.amazonaws.us-east-1.monitoring" is "monitoring"), or "" when the
// service name has another shape.
func EndpointName(serviceName, region string) string {
	name, ok := strings.CutPrefix(serviceName, "com.amazonaws."+region+".")
	if !ok {
		return ""
	}
	return name
}
