package identity

import (
	"errors"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/awsenv"
	"github.com/example/hardening/iampolicy"
)

// CIRolesType is the type token of the CIRoles component.
const CIRolesType = "hardening:identity:CIRoles"

// GitHubIssuer is GitHub Actions' OIDC issuer host.
const GitHubIssuer = "token.actions.githubusercontent.com"

// PreviewActions are what `pulumi preview` (with refresh) reads of the
// stack's resources: descriptions, never data or secret values.
var PreviewActions = []string{
	"sts:GetCallerIdentity", "ec2:Describe*", "elasticloadbalancing:Describe*",
	"acm:DescribeCertificate", "acm:ListTagsForCertificate", "route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:GetChange",
	"s3:GetBucket*", "s3:GetLifecycleConfiguration", "s3:GetEncryptionConfiguration", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket",
	"kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListResourceTags",
	"logs:DescribeLogGroups", "logs:DescribeMetricFilters", "logs:ListTagsForResource",
	"cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource",
	"sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListTagsForResource", "sns:ListSubscriptionsByTopic",
	"secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds",
	"lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionConcurrency", "lambda:GetPolicy", "lambda:ListVersionsByFunction", "lambda:ListTags",
	"wafv2:GetWebACL", "wafv2:GetIPSet", "wafv2:GetLoggingConfiguration", "wafv2:GetWebACLForResource", "wafv2:ListTagsForResource",
	"cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolClient", "cognito-idp:DescribeUserPoolDomain", "cognito-idp:GetGroup", "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:DescribeRiskConfiguration", "cognito-idp:ListTagsForResource",
	"cognito-identity:DescribeIdentityPool", "cognito-identity:GetIdentityPoolRoles", "cognito-identity:ListTagsForResource",
	"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetOpenIDConnectProvider", "iam:GetAccountPasswordPolicy",
	"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:ListTags",
	"guardduty:GetDetector", "guardduty:ListDetectors", "securityhub:DescribeHub", "securityhub:GetEnabledStandards",
	"access-analyzer:GetAnalyzer", "access-analyzer:ListAnalyzers",
}

// DeployActions are what `pulumi up` needs beyond PreviewActions to
// create, change and replace the stack's resources. Deleting keys, trails
// and log groups is not among them: the boundary denies it, and stateful
// resources are retained on delete.
var DeployActions = []string{
	"ec2:Create*", "ec2:Delete*", "ec2:Modify*", "ec2:Authorize*", "ec2:Revoke*", "ec2:Associate*", "ec2:Disassociate*",
	"ec2:Replace*", "ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
	"elasticloadbalancing:Create*", "elasticloadbalancing:Delete*", "elasticloadbalancing:Modify*", "elasticloadbalancing:AddTags",
	"elasticloadbalancing:RemoveTags", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetWebAcl",
	"acm:RequestCertificate", "acm:ImportCertificate", "acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:UpdateCertificateOptions",
	"route53:ChangeResourceRecordSets",
	"s3:CreateBucket", "s3:PutBucket*", "s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration", "s3:PutObject", "s3:DeleteBucketPolicy",
	"kms:CreateKey", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias", "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:TagResource",
	"kms:UntagResource", "kms:UpdateKeyDescription", "kms:ReplicateKey", "kms:CreateGrant",
	"logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:TagResource", "logs:PutMetricFilter", "logs:DeleteMetricFilter",
	"logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
	"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource",
	"events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource",
	"sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:TagResource",
	"secretsmanager:CreateSecret", "secretsmanager:UpdateSecret", "secretsmanager:DeleteSecret", "secretsmanager:PutResourcePolicy",
	"secretsmanager:PutSecretValue", "secretsmanager:RotateSecret", "secretsmanager:TagResource", "secretsmanager:ReplicateSecretToRegions",
	"lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:DeleteFunction",
	"lambda:PutFunctionConcurrency", "lambda:AddPermission", "lambda:RemovePermission", "lambda:TagResource",
	"wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:CreateIPSet", "wafv2:UpdateIPSet", "wafv2:DeleteIPSet",
	"wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration", "wafv2:TagResource",
	"cognito-idp:CreateUserPool", "cognito-idp:UpdateUserPool", "cognito-idp:SetUserPoolMfaConfig", "cognito-idp:CreateUserPoolClient",
	"cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient", "cognito-idp:CreateUserPoolDomain", "cognito-idp:DeleteUserPoolDomain",
	"cognito-idp:CreateGroup", "cognito-idp:UpdateGroup", "cognito-idp:DeleteGroup", "cognito-idp:SetRiskConfiguration", "cognito-idp:TagResource",
	"cognito-identity:CreateIdentityPool", "cognito-identity:UpdateIdentityPool", "cognito-identity:SetIdentityPoolRoles", "cognito-identity:TagResource",
	"iam:CreateRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
	"iam:TagRole", "iam:PutRolePermissionsBoundary", "iam:PassRole", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:CreatePolicy",
	"iam:CreateOpenIDConnectProvider", "iam:UpdateAccountPasswordPolicy", "iam:CreateServiceLinkedRole",
	"cloudtrail:CreateTrail", "cloudtrail:UpdateTrail", "cloudtrail:StartLogging", "cloudtrail:PutEventSelectors", "cloudtrail:AddTags",
	"guardduty:CreateDetector", "guardduty:UpdateDetector", "securityhub:EnableSecurityHub", "securityhub:BatchEnableStandards",
	"securityhub:UpdateSecurityHubConfiguration", "access-analyzer:CreateAnalyzer",
}

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

// NewCIRoles creates CIRoles.
func NewCIRoles(ctx *pulumi.Context, name string, args *CIRolesArgs, opts ...pulumi.ResourceOption) (*CIRoles, error) {
	if args == nil || args.Repository == "" || args.BoundaryARN == nil || strings.ContainsAny(args.Repository+args.Branch+args.Environment, "*?") {
		return nil, errors.New("identity CI roles: args with a repository without wildcards and a boundary are required")
	}
	if args.StackTagKey == "" || args.StackTagValue == "" {
		return nil, errors.New("identity CI roles: the stack's tag is required, to keep the deploy role to this stack's resources")
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
	roles := []struct {
		suffix   string
		subjects []string
		actions  []string
		out      *pulumi.StringOutput
	}{
		{"ci-preview", PreviewSubjects(args.Repository, branch, args.PreviewEnvironment), PreviewActions, &c.PreviewRoleARN},
		{"ci-deploy", []string{DeploySubject(args.Repository, args.Branch, args.Environment)}, append(append([]string{}, PreviewActions...), DeployActions...), &c.DeployRoleARN},
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
		deploy := r.suffix == "ci-deploy"
		doc := CIPolicy(r.actions, stateAccess(args, deploy), deploy, args.Component, args.Env)
		if deploy {
			doc.Statement = append(doc.Statement, StackTagStatements(args.StackTagKey, args.StackTagValue)...)
		}
		policy, err := doc.JSON()
		if err != nil {
			return nil, err
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
	st := []iampolicy.Statement{{Sid: "StackResources", Effect: iampolicy.Allow, Action: actions, Resource: []string{"*"}}}
	st = append(st, state...)
	if deploy {
		boundary := BoundaryARN(component, env)
		stackRoles := []string{"arn:" + env.Partition + ":iam::" + env.AccountID + ":role/" + component + "-*"}
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
