package identity

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/problem"
)

// CIRolesType is the type token of the CIRoles component.
const CIRolesType = "hardening:identity:CIRoles"

// GitHubIssuer is GitHub Actions' OIDC issuer host.
const GitHubIssuer = "token.actions.githubusercontent.com"

// PreviewActions are what `pulumi preview` (with refresh) reads of the
// stack's resources: the Read actions of TypeActions, descriptions and
// never data, except the values of the secrets Pulumi writes, which the
// provider reads back (secret_version.go).
var PreviewActions = actionsOf(false)

// DeployActions are what `pulumi up` needs beyond PreviewActions to
// create, change and replace the stack's resources: the Write actions of
// TypeActions.
var DeployActions = actionsOf(true)

// CIRolesArgs configures CIRoles.
type CIRolesArgs struct {
	// Repository is "owner/name".
	Repository string
	// Branch may deploy when Environment is empty.
	Branch string
	// Environment is the GitHub environment that may deploy.
	Environment string
	// PreviewEnvironment, when set, is the GitHub environment that may
	// preview instead of every pull request: a protected environment
	// whose reviewers approve a pull request's preview before it can read
	// the stack.
	PreviewEnvironment string
	// CreateProvider creates the account's GitHub OIDC provider.
	CreateProvider bool
	// StateBucket and StateKeyARN are Pulumi's state bucket and secrets
	// key ("" for the Pulumi Cloud).
	StateBucket string
	StateKeyARN string
	// BoundaryARN is the permissions boundary of both roles.
	BoundaryARN pulumi.StringInput
	// Component is the name whose boundary new roles must carry.
	Component string
	// StackTagKey and StackTagValue are the tag every resource of the
	// stack carries (aws:defaultTags): the deploy role may touch no
	// resource tagged for another stack, nor create one.
	StackTagKey, StackTagValue string
	Env                        awsenv.Env
}

// CIRoles are GitHub Actions' short-lived credentials: a read-only preview
// role for pull requests of the repository, and a deploy role for its
// branch or environment, both through OIDC (no access keys).
type CIRoles struct {
	pulumi.ResourceState

	// PreviewRoleARN and DeployRoleARN are the roles' ARNs.
	PreviewRoleARN pulumi.StringOutput `pulumi:"previewRoleArn"`
	DeployRoleARN  pulumi.StringOutput `pulumi:"deployRoleArn"`
}

// GitHubProviderARN is the ARN of the account's GitHub OIDC provider.
func GitHubProviderARN(env awsenv.Env) string {
	return "arn:" + env.Partition + ":iam::" + env.AccountID + ":oidc-provider/" + GitHubIssuer
}

// PreviewSubjects are the exact OIDC subjects that may assume the
// read-only preview role: the repository's pull requests (or, with
// environment, only jobs in that protected environment, whose reviewers
// approve each run), and runs on its deploy branch (the nightly drift
// check).
func PreviewSubjects(repo, branch, environment string) []string {
	pr := "repo:" + repo + ":pull_request"
	if environment != "" {
		pr = "repo:" + repo + ":environment:" + environment
	}
	return []string{pr, "repo:" + repo + ":ref:refs/heads/" + branch}
}

// DeploySubject is the deploy role's subject: the environment's when one
// is set, else the branch's.
func DeploySubject(repo, branch, environment string) string {
	if environment != "" {
		return "repo:" + repo + ":environment:" + environment
	}
	return "repo:" + repo + ":ref:refs/heads/" + branch
}

// GitHubTrustPolicy lets exactly the listed OIDC subjects of GitHub
// Actions assume a role, with the STS audience; no wildcard another
// repository could satisfy.
func GitHubTrustPolicy(providerARN string, subjects ...string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "GitHubActions",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Federated: []string{providerARN}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: iampolicy.Conditions{"StringEquals": {
			GitHubIssuer + ":aud": {"sts.amazonaws.com"},
			GitHubIssuer + ":sub": subjects,
		}},
	})
}

// Validate reports every problem of the arguments at once.
func (a *CIRolesArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if a.Repository == "" {
		ps.Add("Repository", "is empty: the owner/name whose workflows may assume the roles")
	}
	for _, f := range []struct{ setting, value string }{{"Repository", a.Repository}, {"Branch", a.Branch}, {"Environment", a.Environment}} {
		if strings.ContainsAny(f.value, "*?") {
			ps.Add(f.setting, "%q has a wildcard: a trust condition names one repository, branch or environment", f.value)
		}
	}
	if a.BoundaryARN == nil {
		ps.Add("BoundaryARN", "is required: the roles carry the stack's boundary")
	}
	if a.StackTagKey == "" || a.StackTagValue == "" {
		ps.Add("StackTagKey", "and StackTagValue are required, to keep the deploy role to this stack's resources")
	}
	return errors.Join(ps.Errors()...)
}

// NewCIRoles creates CIRoles.
func NewCIRoles(ctx *pulumi.Context, name string, args *CIRolesArgs, opts ...pulumi.ResourceOption) (*CIRoles, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("identity CI roles %s: %w", name, err)
	}
	c := &CIRoles{}
	if err := ctx.RegisterComponentResource(CIRolesType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	providerARN := pulumi.String(GitHubProviderARN(args.Env)).ToStringOutput()
	if args.CreateProvider {
		p, err := iam.NewOpenIdConnectProvider(ctx, name+"-github", &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String("https://" + GitHubIssuer),
			ClientIdLists: pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		}, parent)
		if err != nil {
			return nil, err
		}
		providerARN = p.Arn
	}
	branch := args.Branch
	if branch == "" {
		branch = "main"
	}
	// Both roles read with one managed policy; the deploy role's writes,
	// state access and denials are inline. Together they fit IAM's quotas
	// (a managed policy 6,144 characters, a role's inline ones 10,240),
	// which one inline list of every action did not.
	readJSON, err := iampolicy.New(iampolicy.Statement{Sid: "ReadStackResources", Effect: iampolicy.Allow, Action: PreviewActions, Resource: []string{"*"}}).JSON()
	if err != nil {
		return nil, err
	}
	if err := iampolicy.CheckSize(readJSON, iampolicy.ManagedPolicyMaxChars); err != nil {
		return nil, fmt.Errorf("identity CI roles: the read policy: %w", err)
	}
	read, err := iam.NewPolicy(ctx, name+"-ci-read", &iam.PolicyArgs{
		Name:        pulumi.String(name + "-ci-read"),
		Description: pulumi.String("What the CI roles of " + name + " read of its resources (identity.TypeActions)"),
		Policy:      pulumi.String(readJSON),
	}, parent)
	if err != nil {
		return nil, err
	}
	roles := []struct {
		suffix   string
		subjects []string
		actions  []string
		out      *pulumi.StringOutput
	}{
		{"ci-preview", PreviewSubjects(args.Repository, branch, args.PreviewEnvironment), nil, &c.PreviewRoleARN},
		{"ci-deploy", []string{DeploySubject(args.Repository, args.Branch, args.Environment)}, DeployActions, &c.DeployRoleARN},
	}
	for _, r := range roles {
		subjects := r.subjects
		role, err := iam.NewRole(ctx, name+"-"+r.suffix, &iam.RoleArgs{
			Description: pulumi.String("GitHub Actions " + strings.Join(subjects, ", ")),
			AssumeRolePolicy: providerARN.ApplyT(func(arn string) (string, error) {
				return GitHubTrustPolicy(arn, subjects...).JSON()
			}).(pulumi.StringOutput),
			MaxSessionDuration:  pulumi.Int(3600),
			PermissionsBoundary: args.BoundaryARN,
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+r.suffix+"-read", &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: read.Arn,
		}, parent); err != nil {
			return nil, err
		}
		deploy := r.suffix == "ci-deploy"
		doc := CIPolicy(r.actions, stateAccess(args, deploy), deploy, args.Component, args.Env)
		if deploy {
			doc.Statement = append(doc.Statement, StackTagStatements(args.StackTagKey, args.StackTagValue)...)
			doc.Statement = append(doc.Statement, EscalationStatements(args.Component, args.Env, args.StackTagKey, args.StackTagValue)...)
		}
		policy, err := doc.JSON()
		if err != nil {
			return nil, err
		}
		if err := iampolicy.CheckSize(policy, iampolicy.RoleInlinePoliciesMaxChars); err != nil {
			return nil, fmt.Errorf("identity CI roles: %s: %w", r.suffix, err)
		}
		if _, err := iam.NewRolePolicy(ctx, name+"-"+r.suffix, &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: pulumi.String(policy),
		}, parent); err != nil {
			return nil, err
		}
		*r.out = role.Arn
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"previewRoleArn": c.PreviewRoleARN,
		"deployRoleArn":  c.DeployRoleARN,
	})
}

// PassedToServices are the services the stack passes its roles to: VPC
// Flow Logs, CloudTrail (log delivery), Lambda (the rotation function),
// Cognito identity pools (the group roles) and user pools (the SMS role).
var PassedToServices = []string{
	"vpc-flow-logs.amazonaws.com", "cloudtrail.amazonaws.com", "lambda.amazonaws.com",
	"cognito-identity.amazonaws.com", "cognito-idp.amazonaws.com",
}

// RoleChangingActions change what a role may do. The deploy role may use
// them only on roles that carry the stack's boundary (their requests carry
// iam:PermissionsBoundary: IAM user guide, "Delegating responsibility to
// others by using permissions boundaries"); UpdateAssumeRolePolicy, which
// carries no such key, only on the stack's own roles by name.
var RoleChangingActions = []string{
	"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
	"iam:CreateRole", "iam:PutRolePermissionsBoundary",
}

// CIPolicy is a CI role's policy: its actions, the Pulumi state, and for
// the deploy role denials that keep it inside the stack's boundary: roles
// are created and changed only with the boundary, trusts changed and roles
// passed only for the stack's roles, each role passed only to the services
// that take it, and the boundary policy itself left alone (the boundary
// denies that too; changing it takes an administrator).
func CIPolicy(actions []string, state []iampolicy.Statement, deploy bool, component string, env awsenv.Env) iampolicy.Document {
	var st []iampolicy.Statement
	if len(actions) > 0 {
		st = append(st, iampolicy.Statement{Sid: "StackResources", Effect: iampolicy.Allow, Action: actions, Resource: []string{"*"}})
	}
	st = append(st, state...)
	st = append(st, stackKeyUse(deploy, env))
	if deploy {
		boundary := BoundaryARN(component, env)
		// The stack's roles by their path: a name prefix would also match
		// the CI roles, which are named from the stack too.
		stackRoles := []string{env.StackRoles()}
		st = append(st,
			iampolicy.Statement{
				Sid: "RolesCarryTheBoundary", Effect: iampolicy.Deny, Resource: []string{"*"},
				Action:    RoleChangingActions,
				Condition: iampolicy.Conditions{"StringNotEquals": {"iam:PermissionsBoundary": {boundary}}},
			},
			iampolicy.Statement{
				Sid: "OnlyStackRoles", Effect: iampolicy.Deny,
				Action:      []string{"iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:PassRole"},
				NotResource: stackRoles,
			},
			iampolicy.Statement{
				Sid: "PassOnlyToTheStackServices", Effect: iampolicy.Deny, Resource: []string{"*"},
				Action:    []string{"iam:PassRole"},
				Condition: iampolicy.Conditions{"StringNotEquals": {"iam:PassedToService": PassedToServices}},
			},
			iampolicy.Statement{
				Sid: "BoundaryUnchanged", Effect: iampolicy.Deny, Resource: []string{boundary},
				Action: []string{"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"},
			},
		)
	}
	return iampolicy.New(st...)
}

// KeyServices are the services that use the stack key on a CI role's
// behalf: Secrets Manager (the values Pulumi writes and reads back), and
// the services whose resources the stack encrypts with it.
var KeyServices = []string{"secretsmanager", "lambda", "logs", "sns", "s3"}

// stackKeyUse lets a CI role use the stack's keys through those services:
// keys of this account tagged for this stack (the boundary narrows it to
// the stack key and its replicas). The preview role only decrypts.
func stackKeyUse(deploy bool, env awsenv.Env) iampolicy.Statement {
	actions := []string{"kms:Decrypt"}
	if deploy {
		actions = []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:CreateGrant"}
	}
	var via []string
	for _, svc := range KeyServices {
		via = append(via, svc+".*.amazonaws.com")
	}
	return iampolicy.Statement{
		Sid: "StackKeysThroughServices", Effect: iampolicy.Allow, Action: actions,
		Resource:  []string{"arn:" + env.Partition + ":kms:*:" + env.AccountID + ":key/*"},
		Condition: iampolicy.Conditions{"StringLike": {"kms:ViaService": via}},
	}
}

// StackTagStatements keep a deploy role to its own stack's resources in an
// account that holds other stacks: it may not act on a resource tagged for
// another stack (aws:ResourceTag) nor tag a new one for another stack
// (aws:RequestTag). Resources without the tag, and requests that carry
// none, are left to the other statements (the Null conditions), so
// untaggable resources still deploy; IAM roles are held to the stack's
// name prefix separately.
func StackTagStatements(key, value string) []iampolicy.Statement {
	deny := func(sid, context string) iampolicy.Statement {
		return iampolicy.Statement{
			Sid: sid, Effect: iampolicy.Deny, Action: []string{"*"}, Resource: []string{"*"},
			Condition: iampolicy.Conditions{
				"StringNotEquals": {context + "/" + key: {value}},
				"Null":            {context + "/" + key: {"false"}},
			},
		}
	}
	return []iampolicy.Statement{
		deny("NoOtherStacksResources", "aws:ResourceTag"),
		deny("NoResourcesForOtherStacks", "aws:RequestTag"),
	}
}

// ResourcePolicyActions change who may use a resource or what code runs
// with its role: each is a way to raise privileges when allowed on another
// owner's resource (Rhino Security Labs' IAM escalation methods; Checkov
// CKV_AWS_286). The deploy role may use them only on its stack's resources,
// named by the stack's prefix.
var ResourcePolicyActions = []string{
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion",
	"s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
	"secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
	"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission", "lambda:RemovePermission",
}

// EscalationStatements keep the deploy role's policy-changing actions on
// its stack's resources: managed policies, buckets, secrets and functions
// by name (every one the stack creates starts with component), and key
// policies by the stack tag, which key ARNs cannot carry; an untagged key
// is refused too (StringNotEquals holds when the tag is absent).
// StackTagStatements alone leave untagged resources to the other
// statements, which allow these actions on "*".
func EscalationStatements(component string, env awsenv.Env, tagKey, tagValue string) []iampolicy.Statement {
	p, acct := env.Partition, env.AccountID
	return []iampolicy.Statement{
		{
			Sid: "PolicyChangesOnlyOnStackResources", Effect: iampolicy.Deny, Action: ResourcePolicyActions,
			NotResource: []string{
				"arn:" + p + ":iam::" + acct + ":policy/" + component + "-*",
				"arn:" + p + ":s3:::" + component + "-*",
				"arn:" + p + ":secretsmanager:*:" + acct + ":secret:" + component + "/*",
				"arn:" + p + ":lambda:*:" + acct + ":function:" + component + "-*",
			},
		},
		{
			Sid: "KeyPoliciesOnlyOnStackKeys", Effect: iampolicy.Deny, Action: []string{"kms:PutKeyPolicy"}, Resource: []string{"*"},
			Condition: iampolicy.Conditions{"StringNotEquals": {"aws:ResourceTag/" + tagKey: {tagValue}}},
		},
	}
}

// StateLockPrefix is where a Pulumi S3 backend keeps stack locks, the only
// objects a preview writes (github.com/pulumi/pulumi pkg/backend/diy:
// ".pulumi/locks/...").
const StateLockPrefix = ".pulumi/locks/"

// stateAccess lets CI use the Pulumi state in S3 and its secrets key: the
// deploy role reads and writes it; the preview role, assumable from pull
// requests, reads it and writes only lock objects, and may decrypt but not
// encrypt with the key.
func stateAccess(args *CIRolesArgs, deploy bool) []iampolicy.Statement {
	var st []iampolicy.Statement
	if b := args.StateBucket; b != "" {
		arn := "arn:" + args.Env.Partition + ":s3:::" + b
		if deploy {
			st = append(st, iampolicy.Statement{
				Sid: "PulumiState", Effect: iampolicy.Allow, Resource: []string{arn, arn + "/*"},
				Action: []string{"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
			})
		} else {
			st = append(st,
				iampolicy.Statement{
					Sid: "PulumiStateRead", Effect: iampolicy.Allow, Resource: []string{arn, arn + "/*"},
					Action: []string{"s3:ListBucket", "s3:GetObject"},
				},
				iampolicy.Statement{
					Sid: "PulumiStateLocks", Effect: iampolicy.Allow, Resource: []string{arn + "/" + StateLockPrefix + "*"},
					Action: []string{"s3:PutObject", "s3:DeleteObject"},
				})
		}
	}
	if k := args.StateKeyARN; k != "" {
		actions := []string{"kms:Decrypt"}
		if deploy {
			actions = []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"}
		}
		st = append(st, iampolicy.Statement{
			Sid: "PulumiSecrets", Effect: iampolicy.Allow, Resource: []string{k}, Action: actions,
		})
	}
	return st
}
