package identity

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/awsenv"
	"github.com/example/hardening/iampolicy"
)

// BoundaryType is the type token of the Boundary component.
const BoundaryType = "hardening:identity:Boundary"

// GlobalServices are the services whose calls go to us-east-1 (or have no
// region) whatever the stack's region; the region lock exempts them.
var GlobalServices = []string{
	"iam:*", "sts:*", "organizations:*", "route53:*", "route53domains:*", "cloudfront:*",
	"support:*", "account:*", "budgets:*", "ce:*", "health:*", "trustedadvisor:*",
	"globalaccelerator:*", "shield:*", "waf:*", "pricing:*",
}

// BoundaryArgs configures a Boundary.
type BoundaryArgs struct {
	// Allow are the only actions any role of the stack may ever be granted.
	Allow []string
	// Regions are the regions the stack's roles may act in.
	Regions []string
	// KeyID is the stack key's id: decryption is allowed with it (and its
	// replicas) only. StateKeyARN, when set, is Pulumi's secrets key.
	KeyID       pulumi.StringInput
	StateKeyARN string
	Env         awsenv.Env
}

// Boundary is the permissions boundary attached to every role the stack
// creates: a ceiling of the actions the stack uses, and denials that no
// grant can override.
type Boundary struct {
	pulumi.ResourceState

	// PolicyARN is the boundary policy's ARN.
	PolicyARN pulumi.StringOutput `pulumi:"policyArn"`
}

// BoundaryName is the boundary policy's name; it is fixed so that the
// policy can name itself and the CI deploy role can require it.
func BoundaryName(component string) string { return component + "-boundary" }

// BoundaryARN is the ARN of the boundary of component.
func BoundaryARN(component string, env awsenv.Env) string {
	return "arn:" + env.Partition + ":iam::" + env.AccountID + ":policy/" + BoundaryName(component)
}

// NewBoundary creates a Boundary.
func NewBoundary(ctx *pulumi.Context, name string, args *BoundaryArgs, opts ...pulumi.ResourceOption) (*Boundary, error) {
	if args == nil || len(args.Allow) == 0 || len(args.Regions) == 0 || args.KeyID == nil {
		return nil, errors.New("identity boundary: args with allowed actions, regions and the stack key are required")
	}
	self, env := BoundaryARN(name, args.Env), args.Env
	// Fail before registering anything if the static part is invalid.
	if _, err := BoundaryPolicy(self, args.Allow, args.Regions, []string{"arn:aws:kms:*:123456789012:key/k"}).JSON(); err != nil {
		return nil, fmt.Errorf("identity boundary %s: %w", name, err)
	}
	b := &Boundary{}
	if err := ctx.RegisterComponentResource(BoundaryType, name, b, opts...); err != nil {
		return nil, err
	}
	p, err := iam.NewPolicy(ctx, name+"-boundary", &iam.PolicyArgs{
		Name:        pulumi.String(BoundaryName(name)),
		Description: pulumi.String("Permissions boundary of every role of " + name),
		Policy: args.KeyID.ToStringOutput().ApplyT(func(id string) (string, error) {
			keys := []string{"arn:" + env.Partition + ":kms:*:" + env.AccountID + ":key/" + id}
			if args.StateKeyARN != "" {
				keys = append(keys, args.StateKeyARN)
			}
			return BoundaryPolicy(self, args.Allow, args.Regions, keys).JSON()
		}).(pulumi.StringOutput),
	}, pulumi.Parent(b))
	if err != nil {
		return nil, err
	}
	b.PolicyARN = p.Arn
	return b, ctx.RegisterResourceOutputs(b, pulumi.Map{"policyArn": b.PolicyARN})
}

// KeyUseActions are the cryptographic actions, which the boundary allows
// on the stack's keys only.
var KeyUseActions = []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}

// BoundaryPolicy is the boundary's document: allow at most allow (key use
// on keys only), and deny
// creating IAM users and access keys, acting outside regions (global
// services excepted), stopping or deleting trails and logs, scheduling KMS
// key deletion, and creating or changing a role without this boundary.
func BoundaryPolicy(self string, allow, regions, keys []string) iampolicy.Document {
	var general, crypto []string
	for _, a := range allow {
		if slices.Contains(KeyUseActions, a) {
			crypto = append(crypto, a)
		} else {
			general = append(general, a)
		}
	}
	slices.Sort(general)
	slices.Sort(crypto)
	return iampolicy.New(
		iampolicy.Statement{Sid: "Ceiling", Effect: iampolicy.Allow, Action: slices.Compact(general), Resource: []string{"*"}},
		// Decryption on every key would be KMS.1 even in a boundary.
		iampolicy.Statement{Sid: "StackKeysOnly", Effect: iampolicy.Allow, Action: slices.Compact(crypto), Resource: keys},
		iampolicy.Statement{
			Sid: "NoUsersOrKeys", Effect: iampolicy.Deny, Resource: []string{"*"},
			Action: []string{"iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"},
		},
		iampolicy.Statement{
			Sid: "StackRegionsOnly", Effect: iampolicy.Deny, Resource: []string{"*"},
			NotAction: GlobalServices,
			Condition: iampolicy.Conditions{"StringNotEquals": {"aws:RequestedRegion": regions}},
		},
		iampolicy.Statement{
			Sid: "KeepTrailsAndLogs", Effect: iampolicy.Deny, Resource: []string{"*"},
			Action: []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "logs:DeleteLogGroup", "logs:DeleteLogStream", "logs:DeleteRetentionPolicy"},
		},
		iampolicy.Statement{
			Sid: "KeepKeys", Effect: iampolicy.Deny, Resource: []string{"*"},
			Action: []string{"kms:ScheduleKeyDeletion"},
		},
		iampolicy.Statement{
			Sid: "RolesKeepThisBoundary", Effect: iampolicy.Deny, Resource: []string{"*"},
			Action:    []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary"},
			Condition: iampolicy.Conditions{"StringNotEquals": {"iam:PermissionsBoundary": {self}}},
		},
		iampolicy.Statement{
			Sid: "NoBoundaryRemoval", Effect: iampolicy.Deny, Resource: []string{"*"},
			Action: []string{"iam:DeleteRolePermissionsBoundary"},
		},
	)
}

// RuntimeActions are the actions the stack's service roles use at run
// time (flow logs, trail delivery, rotation function, workloads reading
// secrets); the tests check every role's grants against the boundary.
var RuntimeActions = []string{
	"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams",
	"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
	"secretsmanager:UpdateSecretVersionStage", "secretsmanager:GetRandomPassword",
	"kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt",
	"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
	"ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
}
