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
	"github.com/example/hardening/internal/iampolicy/sar"
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
	// StackTagKey and StackTagValue are the tag every resource of the
	// stack carries: key use is allowed on the stack's keys only, which the
	// tag names (a key's ARN cannot). StateKeyARN, when set, is Pulumi's
	// secrets key.
	StackTagKey, StackTagValue string
	StateKeyARN                string
	// StateBucket, Project and Stack name the stack's Pulumi state in an
	// S3 backend, when it has one: the only objects outside the stack's
	// buckets its roles may touch.
	StateBucket, Project, Stack string
	// Env is the workload stack's account, partition and role path: IAM
	// changes stay under that path.
	Env awsenv.Env
	// Protect protects the boundary and retains it on delete.
	Protect bool
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
	if a.StackTagKey == "" || a.StackTagValue == "" {
		ps.Add("StackTagKey", "and StackTagValue are required: the tag that names the stack's keys")
	}
	if a.Env.RolePath == "" {
		ps.Add("Env.RolePath", "is required: the path under which the stack's roles may be changed")
	}
	return errors.Join(ps.Errors()...)
}

// NewBoundary creates a Boundary.
func NewBoundary(ctx *pulumi.Context, name string, args *BoundaryArgs, opts ...pulumi.ResourceOption) (*Boundary, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("identity boundary %s: %w", name, err)
	}
	self := BoundaryARN(name, args.Env)
	// Fail before registering anything if the document is invalid.
	policy, err := BoundaryPolicy(self, args).BoundaryJSON()
	if err != nil {
		return nil, fmt.Errorf("identity boundary %s: %w", name, err)
	}
	b := &Boundary{}
	if err := ctx.RegisterComponentResource(BoundaryType, name, b, opts...); err != nil {
		return nil, err
	}
	p, err := iam.NewPolicy(ctx, name+"-boundary", &iam.PolicyArgs{
		Name:        pulumi.String(BoundaryName(name)),
		Description: pulumi.String("Permissions boundary of every role of " + name),
		Policy:      pulumi.String(policy),
	}, pulumi.Parent(b), pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect))
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
func BoundaryPolicy(self string, args *BoundaryArgs) iampolicy.Document {
	env, allow, regions := args.Env, args.Allow, args.Regions
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
	services, kmsAdmin, crypto = slices.Compact(services), slices.Compact(kmsAdmin), slices.Compact(crypto)
	doc := iampolicy.New(
		iampolicy.Statement{Sid: "StackServices", Effect: iampolicy.Allow, Action: slices.Compact(services), Resource: []string{"*"}},
		iampolicy.Statement{Sid: "KeyAdministration", Effect: iampolicy.Allow, Action: slices.Compact(kmsAdmin), Resource: []string{"*"}},
		// Decryption on every key would be KMS.1 even in a boundary: the
		// stack's keys are those tagged for it (KMS evaluates
		// aws:ResourceTag on key use: KMS developer guide, "ABAC for AWS
		// KMS"), and only the stack's roles may tag a key (KeysKeepTheirTag).
		iampolicy.Statement{
			Sid: "StackKeysOnly", Effect: iampolicy.Allow, Action: slices.Compact(crypto),
			Resource:  []string{"arn:" + env.Partition + ":kms:*:" + env.AccountID + ":key/*"},
			Condition: iampolicy.Conditions{"StringEquals": {"aws:ResourceTag/" + args.StackTagKey: {args.StackTagValue}}},
		},
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
		iampolicy.Statement{
			// Every IAM change outside the stack's path: the CI roles, this
			// boundary, the account's OIDC provider and every principal the
			// stack does not own are out of reach, whatever a role is granted.
			Sid: "IAMChangesOnlyUnderTheStackPath", Effect: iampolicy.Deny, Action: IAMChangingActions(),
			NotResource: []string{env.StackRoles(), "arn:" + env.Partition + ":iam::" + env.AccountID + ":policy" + env.RolePath + "*", serviceLinkedRoles(env)},
		},
		iampolicy.Statement{
			// Load balancers and detectors create their service-linked
			// roles on first use; nothing else may change one.
			Sid: "ServiceLinkedRolesOnlyCreated", Effect: iampolicy.Deny, Resource: []string{serviceLinkedRoles(env)},
			Action: roleChangingActions("iam:CreateServiceLinkedRole"),
		},
		iampolicy.Statement{
			// A key tagged for the stack by someone else's role would come
			// into StackKeysOnly; an untagged key stays out (the condition
			// holds when the tag is absent).
			Sid: "KeysKeepTheirTag", Effect: iampolicy.Deny, Resource: []string{"*"},
			Action:    []string{"kms:TagResource", "kms:UntagResource"},
			Condition: iampolicy.Conditions{"StringNotEquals": {"aws:ResourceTag/" + args.StackTagKey: {args.StackTagValue}}},
		},
	)
	// A role of the stack holds whatever the deploy role writes into its
	// policies, so what the deploy role may never do is denied here too
	// (the escalation graph, rule iam-escalation-paths, finds the path
	// otherwise): policy changes on others' resources, assuming a role
	// outside the stack (an administrators' role that trusts the account),
	// other stacks' secret values, and objects outside the stack's buckets
	// and state.
	component := strings.Trim(env.RolePath, "/") // awsenv.RolePath(component)
	doc.Statement = append(doc.Statement, EscalationStatements(component, env, args.StackTagKey, args.StackTagValue)...)
	doc.Statement = append(doc.Statement,
		iampolicy.Statement{
			// Secret values: another stack's in the same account (a fleet's
			// region stacks) stay out of reach, beside their keys'.
			Sid: "SecretValuesOnlyOfTheStack", Effect: iampolicy.Deny,
			Action:      []string{"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DeleteSecret"},
			NotResource: []string{"arn:" + env.Partition + ":secretsmanager:*:" + env.AccountID + ":secret:" + component + "/*"},
		},
		iampolicy.Statement{Sid: "AssumeOnlyStackRoles", Effect: iampolicy.Deny, Action: []string{"sts:AssumeRole"}, NotResource: []string{env.StackRoles()}},
		iampolicy.Statement{
			// "*Object*" and the two multipart actions are every S3 action
			// on the resource type "object" (Service Authorization
			// Reference, Amazon S3), and the bucket-level ones named for
			// objects (object lock, ownership), which the stack's buckets
			// keep.
			Sid: "ObjectsOnlyOfTheStack", Effect: iampolicy.Deny, Action: []string{"s3:*Object*", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"},
			NotResource: append([]string{"arn:" + env.Partition + ":s3:::" + component + "-*"}, StateObjectARNs(env.Partition, args.StateBucket, args.Project, args.Stack)...),
		},
	)
	if args.StateKeyARN != "" {
		doc.Statement = append(doc.Statement, stateKeyUse(args.StateKeyARN, crypto))
	}
	return doc
}

// IAMChangingActions are the IAM actions that write, change permissions or
// tag (every access level but Read and List), from the Service
// Authorization Reference (internal/iampolicy/sar), so that an action IAM
// adds is covered without a list here.
func IAMChangingActions(except ...string) []string {
	d, err := sar.Load()
	if err != nil {
		panic(fmt.Sprintf("the embedded Service Authorization Reference: %v", err)) // embedded data, checked by its tests
	}
	return d.ChangingActions("iam", except...)
}

// stateKeyUse lets the CI roles use the Pulumi state's secrets key.
func stateKeyUse(key string, crypto []string) iampolicy.Statement {
	return iampolicy.Statement{Sid: "PulumiStateKey", Effect: iampolicy.Allow, Action: slices.Compact(crypto), Resource: []string{key}}
}

// roleChangingActions are the IAM actions that change a role, from the
// Service Authorization Reference, but except.
func roleChangingActions(except ...string) []string {
	d, err := sar.Load()
	if err != nil {
		panic(fmt.Sprintf("the embedded Service Authorization Reference: %v", err)) // embedded data, checked by its tests
	}
	return d.ChangingActionsOn("iam", "role", except...)
}

// serviceLinkedRoles is the path AWS creates service-linked roles under
// (IAM user guide, "Using service-linked roles").
func serviceLinkedRoles(env awsenv.Env) string {
	return "arn:" + env.Partition + ":iam::" + env.AccountID + ":role/aws-service-role/*"
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
