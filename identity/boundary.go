package identity

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/problem"
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

// Validate reports every problem of the arguments at once; the rendered
// policy's size is checked by NewBoundary, which names it.
func (a *BoundaryArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if len(a.Allow) == 0 {
		ps.Add("Allow", "is empty: the boundary allows the services the stack's roles use")
	}
	if len(a.Regions) == 0 {
		ps.Add("Regions", "is empty: the boundary allows the regions the stack deploys to")
	}
	if a.KeyID == nil {
		ps.Add("KeyID", "is required: the stack key the boundary's roles may use")
	}
	return errors.Join(ps.Errors()...)
}

// NewBoundary creates a Boundary.
func NewBoundary(ctx *pulumi.Context, name string, args *BoundaryArgs, opts ...pulumi.ResourceOption) (*Boundary, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("identity boundary %s: %w", name, err)
	}
	self, env := BoundaryARN(name, args.Env), args.Env
	// Fail before registering anything if the static part is invalid.
	// The key ARN placeholder is as long as a real one (a multi-Region key
	// id is "mrk-" and 32 hex digits), so the size check holds for both.
	placeholder := "arn:" + env.Partition + ":kms:*:" + env.AccountID + ":key/mrk-00000000000000000000000000000000"
	placeholders := []string{placeholder}
	if args.StateKeyARN != "" {
		placeholders = append(placeholders, args.StateKeyARN)
	}
	if _, err := BoundaryPolicy(self, args.Allow, args.Regions, placeholders).BoundaryJSON(); err != nil {
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
			return BoundaryPolicy(self, args.Allow, args.Regions, keys).BoundaryJSON()
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
var KeyUseActions = []string{"kms:CreateGrant", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}

// BoundaryPolicy is the boundary's document. It is a ceiling of services,
// not of actions: every service the stack's roles use (the prefixes of
// allow) as "service:*", as the IAM user guide's boundary examples do,
// because the list of actions does not fit a managed policy (6,144
// characters; a list of the 250 actions the stack uses measures 7,500). The
// identity policies stay fine-grained. KMS is the exception: its
// administrative actions are listed, and key use is allowed on the stack's
// keys only (KMS.1). Then it denies creating IAM users and access keys,
// acting outside regions (global services excepted), stopping or deleting
// trails and logs, scheduling KMS key deletion, creating or changing a role
// without this boundary, and changing the boundary itself.
func BoundaryPolicy(self string, allow, regions, keys []string) iampolicy.Document {
	var services, kmsAdmin, crypto []string
	for _, a := range allow {
		prefix, _, _ := strings.Cut(a, ":")
		switch {
		case slices.Contains(KeyUseActions, a):
			crypto = append(crypto, a)
		case prefix == "kms":
			kmsAdmin = append(kmsAdmin, a)
		default:
			services = append(services, prefix+":*")
		}
	}
	for _, l := range [][]string{services, kmsAdmin, crypto} {
		slices.Sort(l)
	}
	return iampolicy.New(
		iampolicy.Statement{Sid: "StackServices", Effect: iampolicy.Allow, Action: slices.Compact(services), Resource: []string{"*"}},
		iampolicy.Statement{Sid: "KeyAdministration", Effect: iampolicy.Allow, Action: slices.Compact(kmsAdmin), Resource: []string{"*"}},
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
		iampolicy.Statement{
			// A new default version of this policy would lift the ceiling.
			Sid: "BoundaryUnchanged", Effect: iampolicy.Deny, Resource: []string{self},
			Action: []string{"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"},
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
