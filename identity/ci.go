package identity

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/iampolicy/sar"
	"github.com/example/hardening/internal/problem"
)

// CIRolesType is the type token of the CIRoles component.
const CIRolesType = "hardening:identity:CIRoles"

// GitHubIssuer is GitHub Actions' OIDC issuer host.
const GitHubIssuer = "token.actions.githubusercontent.com"

// PreviewActions are what `pulumi preview` reads of the stack's
// resources: the Read actions of TypeActions, descriptions and never data.
// The reads that return secret values (SecretReads) are left out: a pull
// request's preview cannot read them.
var PreviewActions = slices.DeleteFunc(actionsOf(false), func(a string) bool { return slices.Contains(SecretReads, a) || objectAction(a) })

// DeployActions are what `pulumi up` needs beyond PreviewActions to
// create, change and replace the stack's resources: the Write actions of
// TypeActions (SecretReads apart, which StackSecretReads scopes).
var DeployActions = slices.DeleteFunc(actionsOf(true), func(a string) bool { return slices.Contains(SecretReads, a) || objectAction(a) })

// ObjectActions are the S3 actions on objects the stack's types call
// (trust-store bundles, emptying a bucket on delete): on "*" they would
// reach every bucket's objects, the Pulumi state's among them, so the
// roles hold them on the stack's buckets only (StackObjects). Which
// actions act on objects is the Service Authorization Reference's
// (resource type "object").
var ObjectActions = func() []string {
	var out []string
	for _, a := range append(actionsOf(false), actionsOf(true)...) {
		if objectAction(a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}()

// objectAction reports whether an S3 action takes objects.
func objectAction(action string) bool {
	name, ok := strings.CutPrefix(action, "s3:")
	if !ok {
		return false
	}
	d, err := sar.Load()
	if err != nil {
		panic(fmt.Sprintf("the embedded Service Authorization Reference: %v", err)) // embedded data, checked by its tests
	}
	return slices.Contains(d.Services["s3"].Actions[name].Resources, "object")
}

// SecretReads are the reads whose answers hold secret values: the secrets
// Pulumi writes, which the provider reads back after a write and on every
// refresh (secretsmanager/secret_version.go), and a Cognito app client,
// whose description carries its secret (cognitoidp/user_pool_client.go).
// Only the deploy and drift roles make them, on their stack's own.
var SecretReads = []string{"cognito-idp:DescribeUserPoolClient", "secretsmanager:GetSecretValue"}

// CIPath is the IAM path of every CI role and of the CI read policy: apart
// from every workload stack's path, so no workload role may change them.
const CIPath = awsenv.CIPath

// CIRoleName is the name of a stack's CI role of kind ("preview",
// "deploy", "drift"). The names are fixed so that a workload stack's
// secret policies can name its deploy and drift roles before they exist.
func CIRoleName(component, kind string) string { return component + "-ci-" + kind }

// CIRoleARN is the ARN of a stack's CI role of kind.
func CIRoleARN(component, kind string, env awsenv.Env) string {
	return "arn:" + env.Partition + ":iam::" + env.AccountID + ":role" + CIPath + CIRoleName(component, kind)
}

// CIRolesArgs configures CIRoles.
type CIRolesArgs struct {
	// Repository is "owner/name".
	Repository string
	// Branch is the branch the nightly drift check runs on. Default
	// "main".
	Branch string
	// Environment is the GitHub environment that may deploy (required):
	// give it a deployment-branch rule, and in production required
	// reviewers.
	Environment string
	// PreviewEnvironment, when set, is the GitHub environment that may
	// preview instead of every pull request: a protected environment
	// whose reviewers approve a pull request's preview before it can read
	// the stack.
	PreviewEnvironment string
	// ProviderARN is the account's GitHub OIDC provider.
	ProviderARN pulumi.StringInput
	// StateBucket and StateKeyARN are Pulumi's state bucket and secrets
	// key ("" for the Pulumi Cloud).
	StateBucket string
	StateKeyARN string
	// BoundaryARN is the workload stack's permissions boundary, which the
	// roles carry too.
	BoundaryARN pulumi.StringInput
	// Project and Stack name the workload stack; Component is
	// "<project>-<stack>".
	Project, Stack, Component string
	// StackTagKey and StackTagValue are the tag every resource of the
	// stack carries (aws:defaultTags): the deploy role may touch no
	// resource tagged for another stack, nor create one.
	StackTagKey, StackTagValue string
	// Env is the workload stack's account, partition, region and role
	// path.
	Env awsenv.Env
	// Protect protects the roles and retains them on delete.
	Protect bool
	// TrustedRoleARN, in a fleet, is the tooling account's CI role: the
	// roles trust it alone (FleetTrustPolicy), not GitHub's OIDC provider,
	// and Repository, Environment and ProviderARN are not used.
	TrustedRoleARN string
}

// CIRoles are GitHub Actions' short-lived credentials for one workload
// stack: a read-only preview role for its pull requests, a deploy role
// for its environment and a drift role for its branch's nightly refresh,
// through OIDC (no access keys). An account's bootstrap stack creates
// them; the workload stack's own deploy role cannot change them.
type CIRoles struct {
	pulumi.ResourceState

	// PreviewRoleARN, DeployRoleARN and DriftRoleARN are the roles' ARNs.
	PreviewRoleARN pulumi.StringOutput `pulumi:"previewRoleArn"`
	DeployRoleARN  pulumi.StringOutput `pulumi:"deployRoleArn"`
	DriftRoleARN   pulumi.StringOutput `pulumi:"driftRoleArn"`
}

// GitHubProviderARN is the ARN of the account's GitHub OIDC provider.
func GitHubProviderARN(env awsenv.Env) string {
	return "arn:" + env.Partition + ":iam::" + env.AccountID + ":oidc-provider/" + GitHubIssuer
}

// Subjects of GitHub's OIDC tokens with the repository's subject template
// set to include the ref (`include_claim_keys: ["repo", "context", "ref"]`,
// GitHub docs, "Customizing the subject claims for an organization or
// repository"): a job in an environment is then
// "repo:R:environment:E:ref:refs/heads/B", so that an environment's jobs
// from any other branch are refused even where its deployment-branch rule
// is missing.

// PreviewSubjects are the subjects that may assume the read-only preview
// role: the repository's pull requests, or, with environment, only jobs in
// that protected environment, whose reviewers approve each run.
func PreviewSubjects(repo, environment string) []string {
	if environment != "" {
		return []string{"repo:" + repo + ":environment:" + environment + ":ref:refs/pull/*/merge"}
	}
	return []string{"repo:" + repo + ":pull_request:ref:refs/pull/*/merge"}
}

// DeploySubject is the deploy role's subject: jobs of the environment on
// the branch.
func DeploySubject(repo, branch, environment string) string {
	return "repo:" + repo + ":environment:" + environment + ":ref:refs/heads/" + branch
}

// DriftSubject is the drift role's subject: scheduled runs on the branch,
// outside any environment.
func DriftSubject(repo, branch string) string {
	return "repo:" + repo + ":ref:refs/heads/" + branch + ":ref:refs/heads/" + branch
}

// GitHubTrustPolicy lets exactly the listed OIDC subjects of GitHub
// Actions assume a role, with the STS audience. A "*" in a subject stands
// only for a pull request's number or a branch (StringLike); the
// repository, the context and the environment are exact.
func GitHubTrustPolicy(providerARN string, subjects ...string) iampolicy.Document {
	cond := iampolicy.Conditions{"StringEquals": {GitHubIssuer + ":aud": {"sts.amazonaws.com"}}}
	if slices.ContainsFunc(subjects, func(s string) bool { return strings.Contains(s, "*") }) {
		cond["StringLike"] = map[string][]string{GitHubIssuer + ":sub": subjects}
	} else {
		cond["StringEquals"][GitHubIssuer+":sub"] = subjects
	}
	return iampolicy.New(iampolicy.Statement{
		Sid:       "GitHubActions",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Federated: []string{providerARN}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: cond,
	})
}

// FleetTrustPolicy lets exactly one role, a fleet's CI role in its
// tooling account, assume a stack's CI role, in a session named for the
// stack. A role ARN in Principal admits that role's sessions only, not its
// account's other principals (IAM user guide, "AWS JSON policy elements:
// Principal", role principals); a role deleted and recreated under the
// same name is not admitted, as IAM keeps the old role's unique ID in the
// policy. sts:RoleSessionName (IAM user guide, "Available keys for AWS
// STS") makes each session carry its stack's name into CloudTrail, and a
// session named for another stack cannot take this one's role.
func FleetTrustPolicy(ciRoleARN, stack string) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "FleetCI",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{AWS: []string{ciRoleARN}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iampolicy.Conditions{"StringEquals": {"sts:RoleSessionName": {stack}}},
	})
}

// Validate reports every problem of the arguments at once.
func (a *CIRolesArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if a.TrustedRoleARN != "" {
		if strings.ContainsAny(a.TrustedRoleARN, "*?") || !strings.Contains(a.TrustedRoleARN, ":role/") {
			ps.Add("TrustedRoleARN", "%q is not one role's ARN: the roles trust exactly the fleet's CI role", a.TrustedRoleARN)
		}
	} else if a.Repository == "" {
		ps.Add("Repository", "is empty: the owner/name whose workflows may assume the roles")
	}
	if a.Environment == "" && a.TrustedRoleARN == "" {
		ps.Add("Environment", "is empty: the deploy role trusts the jobs of one GitHub environment, whose branch rule and reviewers GitHub enforces")
	}
	for _, f := range []struct{ setting, value string }{{"Repository", a.Repository}, {"Branch", a.Branch}, {"Environment", a.Environment}, {"PreviewEnvironment", a.PreviewEnvironment}} {
		if strings.ContainsAny(f.value, "*?") {
			ps.Add(f.setting, "%q has a wildcard: a trust condition names one repository, branch or environment", f.value)
		}
	}
	if a.BoundaryARN == nil {
		ps.Add("BoundaryARN", "is required: the roles carry the stack's boundary")
	}
	if a.ProviderARN == nil && a.TrustedRoleARN == "" {
		ps.Add("ProviderARN", "is required: the account's GitHub OIDC provider")
	}
	if a.StackTagKey == "" || a.StackTagValue == "" {
		ps.Add("StackTagKey", "and StackTagValue are required, to keep the deploy role to this stack's resources")
	}
	if a.Project == "" || a.Stack == "" || a.Component == "" {
		ps.Add("Component", "Project, Stack and Component are required: the state objects and resources the roles reach")
	}
	if a.Env.RolePath == "" {
		ps.Add("Env.RolePath", "is required: the path of the workload roles the deploy role may change")
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
	kept := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect)}
	branch := args.Branch
	if branch == "" {
		branch = "main"
	}
	// The three roles read with one managed policy; the rest is inline.
	// Together they fit IAM's quotas (a managed policy 6,144 characters, a
	// role's inline ones 10,240), which one inline list of every action
	// did not.
	readJSON, err := iampolicy.New(iampolicy.Statement{Sid: "ReadStackResources", Effect: iampolicy.Allow, Action: PreviewActions, Resource: []string{"*"}}).JSON()
	if err != nil {
		return nil, err
	}
	if err := iampolicy.CheckSize(readJSON, iampolicy.ManagedPolicyMaxChars); err != nil {
		return nil, fmt.Errorf("identity CI roles: the read policy: %w", err)
	}
	read, err := iam.NewPolicy(ctx, name+"-ci-read", &iam.PolicyArgs{
		Name:        pulumi.String(name + "-ci-read"),
		Path:        pulumi.String(CIPath),
		Description: pulumi.String("What the CI roles of " + name + " read of its resources (identity.TypeActions)"),
		Policy:      pulumi.String(readJSON),
	}, kept...)
	if err != nil {
		return nil, err
	}
	roles := []struct {
		kind     string
		subjects []string
		out      *pulumi.StringOutput
	}{
		{"preview", PreviewSubjects(args.Repository, args.PreviewEnvironment), &c.PreviewRoleARN},
		{"deploy", []string{DeploySubject(args.Repository, branch, args.Environment)}, &c.DeployRoleARN},
		{"drift", []string{DriftSubject(args.Repository, branch)}, &c.DriftRoleARN},
	}
	for _, r := range roles {
		subjects := r.subjects
		description := "GitHub Actions " + strings.Join(subjects, ", ")
		var trust pulumi.StringInput
		if args.TrustedRoleARN != "" {
			doc, err := FleetTrustPolicy(args.TrustedRoleARN, args.Stack).JSON()
			if err != nil {
				return nil, err
			}
			description, trust = "The fleet's CI role "+args.TrustedRoleARN+", for stack "+args.Stack, pulumi.String(doc)
		} else {
			trust = args.ProviderARN.ToStringOutput().ApplyT(func(arn string) (string, error) {
				return GitHubTrustPolicy(arn, subjects...).JSON()
			}).(pulumi.StringOutput)
		}
		role, err := iam.NewRole(ctx, name+"-ci-"+r.kind, &iam.RoleArgs{
			Name:                pulumi.String(CIRoleName(args.Component, r.kind)),
			Path:                pulumi.String(CIPath),
			Description:         pulumi.String(description),
			AssumeRolePolicy:    trust,
			MaxSessionDuration:  pulumi.Int(3600),
			PermissionsBoundary: args.BoundaryARN,
		}, kept...)
		if err != nil {
			return nil, err
		}
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-ci-"+r.kind+"-read", &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: read.Arn,
		}, kept...); err != nil {
			return nil, err
		}
		// The denials go in a managed policy of their own: with the
		// allows inline they pass the 10,240 characters a role's inline
		// policies may hold.
		allows, denies := split(CIPolicy(r.kind, args))
		if len(denies.Statement) > 0 {
			guardJSON, err := denies.JSON()
			if err != nil {
				return nil, err
			}
			if err := iampolicy.CheckSize(guardJSON, iampolicy.ManagedPolicyMaxChars); err != nil {
				return nil, fmt.Errorf("identity CI roles: %s's denials: %w", r.kind, err)
			}
			guard, err := iam.NewPolicy(ctx, name+"-ci-"+r.kind+"-guard", &iam.PolicyArgs{
				Name:        pulumi.String(CIRoleName(args.Component, r.kind) + "-guard"),
				Path:        pulumi.String(CIPath),
				Description: pulumi.String("What the " + r.kind + " role of " + name + " may never do"),
				Policy:      pulumi.String(guardJSON),
			}, kept...)
			if err != nil {
				return nil, err
			}
			if _, err := iam.NewRolePolicyAttachment(ctx, name+"-ci-"+r.kind+"-guard", &iam.RolePolicyAttachmentArgs{
				Role:      role.Name,
				PolicyArn: guard.Arn,
			}, kept...); err != nil {
				return nil, err
			}
		}
		policy, err := allows.JSON()
		if err != nil {
			return nil, err
		}
		if err := iampolicy.CheckSize(policy, iampolicy.RoleInlinePoliciesMaxChars); err != nil {
			return nil, fmt.Errorf("identity CI roles: %s: %w", r.kind, err)
		}
		if _, err := iam.NewRolePolicy(ctx, name+"-ci-"+r.kind, &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: pulumi.String(policy),
		}, kept...); err != nil {
			return nil, err
		}
		*r.out = role.Arn
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"previewRoleArn": c.PreviewRoleARN,
		"deployRoleArn":  c.DeployRoleARN,
		"driftRoleArn":   c.DriftRoleARN,
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
// others by using permissions boundaries"); every other IAM change,
// UpdateAssumeRolePolicy and PassRole among them, only under the stack's
// role path (IAMChangesOnlyUnderTheStackPath).
var RoleChangingActions = []string{
	"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
	"iam:CreateRole", "iam:PutRolePermissionsBoundary",
}

// CIPolicy is the inline policy of a stack's CI role of kind: the
// Pulumi state of its own stack, the stack's keys, and for the deploy
// role its writes with the denials that keep it inside its stack: IAM
// changes only under the stack's role path (so never on a CI role, the
// boundary, the OIDC provider or another stack's principal), roles created
// and changed only with the boundary, each role passed only to the
// services that take it, nothing tagged for another stack, and
// policy-changing actions only on the stack's resources. The deploy and
// drift roles read the stack's secret values (SecretReads), which the
// provider reads back.
func CIPolicy(kind string, args *CIRolesArgs) iampolicy.Document {
	env, deploy := args.Env, kind == "deploy"
	var st []iampolicy.Statement
	if deploy {
		st = append(st, iampolicy.Statement{Sid: "StackResources", Effect: iampolicy.Allow, Action: DeployActions, Resource: []string{"*"}})
		st = append(st, callerRequirementStatements(args.Component, env)...)
	}
	if kind != "preview" {
		st = append(st, StackSecretReads(args.Component, env, args.StackTagKey, args.StackTagValue)...)
	}
	objects := ObjectActions
	if !deploy {
		objects = slices.DeleteFunc(slices.Clone(objects), func(a string) bool { return !slices.Contains(actionsOf(false), a) })
	}
	if len(objects) > 0 {
		st = append(st, iampolicy.Statement{
			Sid: "StackObjects", Effect: iampolicy.Allow, Action: objects,
			Resource: []string{"arn:" + env.Partition + ":s3:::" + args.Component + "-*/*"},
		})
	}
	st = append(st, stateAccess(args, deploy)...)
	st = append(st, stackKeyUse(deploy, env, args.StackTagKey, args.StackTagValue))
	if deploy {
		boundary := BoundaryARN(args.Component, env)
		stackPolicies := "arn:" + env.Partition + ":iam::" + env.AccountID + ":policy" + env.RolePath + "*"
		st = append(st,
			iampolicy.Statement{
				Sid: "IAMChangesOnlyUnderTheStackPath", Effect: iampolicy.Deny, Action: IAMChangingActions("iam:CreateServiceLinkedRole"),
				NotResource: []string{env.StackRoles(), stackPolicies},
			},
			iampolicy.Statement{
				Sid: "RolesCarryTheBoundary", Effect: iampolicy.Deny, Resource: []string{"*"},
				Action:    RoleChangingActions,
				Condition: iampolicy.Conditions{"StringNotEquals": {"iam:PermissionsBoundary": {boundary}}},
			},
			iampolicy.Statement{
				// Only the stack's own managed policies may be attached: never
				// AdministratorAccess or another owner's.
				Sid: "AttachOnlyStackPolicies", Effect: iampolicy.Deny, Resource: []string{"*"},
				Action:    []string{"iam:AttachRolePolicy"},
				Condition: iampolicy.Conditions{"ArnNotLike": {"iam:PolicyARN": {stackPolicies}}},
			},
			iampolicy.Statement{
				Sid: "PassOnlyToTheStackServices", Effect: iampolicy.Deny, Resource: []string{"*"},
				Action:    []string{"iam:PassRole"},
				Condition: iampolicy.Conditions{"StringNotEquals": {"iam:PassedToService": PassedToServices}},
			},
		)
		st = append(st, StackTagStatements(args.StackTagKey, args.StackTagValue)...)
		st = append(st, EscalationStatements(args.Component, env, args.StackTagKey, args.StackTagValue)...)
	}
	return iampolicy.New(st...)
}

// CallerRequirements are what an API requires of its caller beyond its own
// action that the Service Authorization Reference does not list among the
// action's dependent actions (its dependentActions are checked from the
// pinned data: TestCIRolesHoldWhatTheirCallsRequire), each with the API
// reference page that says so, and the stack resource it is asked on
// ("%s" is the stack's name).
var CallerRequirements = map[string][]CallerRequirement{
	// "To turn on rotation, you need ... lambda:InvokeFunction on the
	// rotation function" (Secrets Manager API reference, RotateSecret,
	// "Required permissions").
	"secretsmanager:RotateSecret": {{Action: "lambda:InvokeFunction", Resource: "lambda:function:%s-*",
		Source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html"}},
}

// CallerRequirement is one extra permission an API asks of its caller.
type CallerRequirement struct {
	Action string
	// Resource is "<service>:<resource>" within the stack's account and
	// any Region, "%s" standing for the stack's name.
	Resource string
	Source   string
}

// callerRequirementStatements allow the deploy role what its calls require
// beyond their own actions, on the stack's resources.
func callerRequirementStatements(component string, env awsenv.Env) []iampolicy.Statement {
	var st []iampolicy.Statement
	for _, action := range slices.Sorted(maps.Keys(CallerRequirements)) {
		for _, r := range CallerRequirements[action] {
			svc, res, _ := strings.Cut(fmt.Sprintf(r.Resource, component), ":")
			st = append(st, iampolicy.Statement{
				Sid: "Required" + strings.Map(func(c rune) rune {
					if c == ':' || c == '-' {
						return -1
					}
					return c
				}, r.Action), Effect: iampolicy.Allow, Action: []string{r.Action},
				Resource: []string{"arn:" + env.Partition + ":" + svc + ":*:" + env.AccountID + ":" + res},
			})
		}
	}
	return st
}

// split parts a document into its Allow and its Deny statements.
func split(doc iampolicy.Document) (allows, denies iampolicy.Document) {
	var a, d []iampolicy.Statement
	for _, st := range doc.Statement {
		if st.Effect == iampolicy.Deny {
			d = append(d, st)
		} else {
			a = append(a, st)
		}
	}
	return iampolicy.New(a...), iampolicy.New(d...)
}

// StackSecretReads let the deploy and drift roles read back the secret
// values of their own stack: the secrets Pulumi writes, named under the
// stack's prefix, and the user pool's app clients, by the stack's tag.
func StackSecretReads(component string, env awsenv.Env, tagKey, tagValue string) []iampolicy.Statement {
	return []iampolicy.Statement{
		{
			Sid: "StackSecretValues", Effect: iampolicy.Allow, Action: []string{"secretsmanager:GetSecretValue"},
			Resource: []string{"arn:" + env.Partition + ":secretsmanager:*:" + env.AccountID + ":secret:" + component + "/*"},
		},
		{
			Sid: "StackAppClients", Effect: iampolicy.Allow, Action: []string{"cognito-idp:DescribeUserPoolClient"},
			Resource:  []string{"arn:" + env.Partition + ":cognito-idp:*:" + env.AccountID + ":userpool/*"},
			Condition: iampolicy.Conditions{"StringEquals": {"aws:ResourceTag/" + tagKey: {tagValue}}},
		},
	}
}

// KeyServices are the services that use the stack key on a CI role's
// behalf: Secrets Manager (the values Pulumi writes and reads back), and
// the services whose resources the stack encrypts with it.
var KeyServices = []string{"secretsmanager", "lambda", "logs", "sns", "s3"}

// stackKeyUse lets a CI role use the stack's keys through those services:
// keys of this account tagged for this stack. The preview role only
// decrypts.
func stackKeyUse(deploy bool, env awsenv.Env, tagKey, tagValue string) iampolicy.Statement {
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
		Resource: []string{"arn:" + env.Partition + ":kms:*:" + env.AccountID + ":key/*"},
		Condition: iampolicy.Conditions{
			"StringLike":   {"kms:ViaService": via},
			"StringEquals": {"aws:ResourceTag/" + tagKey: {tagValue}},
		},
	}
}

// StackTagStatements keep a deploy role to its own stack's resources in an
// account that holds other stacks: it may not act on a resource tagged for
// another stack (aws:ResourceTag) nor tag a new one for another stack
// (aws:RequestTag). Resources without the tag, and requests that carry
// none, are left to the other statements (the Null conditions), so
// untaggable resources still deploy; IAM is held to the stack's role path
// separately.
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
// its stack's resources: managed policies by the stack's path, buckets,
// secrets and functions by name (every one the stack creates starts with
// component), and key
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
				"arn:" + p + ":iam::" + acct + ":policy" + env.RolePath + "*",
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
// ".pulumi/locks/<project>/<stack>/...").
const StateLockPrefix = ".pulumi/locks/"

// StateObjects are the keys of one stack's objects in a Pulumi S3 backend
// (pkg/backend/diy, project-scoped layout): its checkpoint and the
// checkpoint's .bak and .gz forms, its history, its backups and its locks.
func StateObjects(project, stack string) []string {
	return []string{
		".pulumi/stacks/" + project + "/" + stack + ".json*",
		".pulumi/history/" + project + "/" + stack + "/*",
		".pulumi/backups/" + project + "/" + stack + "/*",
		StateLockPrefix + project + "/" + stack + "/*",
	}
}

// StateObjectARNs are the ARNs of one stack's objects in the state bucket
// (StateObjects) and the backend's metadata, none without a bucket.
func StateObjectARNs(partition, bucket, project, stack string) []string {
	if bucket == "" {
		return nil
	}
	out := []string{"arn:" + partition + ":s3:::" + bucket + "/.pulumi/meta.yaml"}
	for _, o := range StateObjects(project, stack) {
		out = append(out, "arn:"+partition+":s3:::"+bucket+"/"+o)
	}
	return out
}

// stateAccess lets CI use its own stack's Pulumi state in S3 and the
// state's secrets key, and no other stack's: the deploy role reads and
// writes the stack's objects; the preview and drift roles, which pull
// requests and schedules assume, read them and write only the stack's
// lock objects, and may decrypt but not encrypt with the key.
func stateAccess(args *CIRolesArgs, deploy bool) []iampolicy.Statement {
	var st []iampolicy.Statement
	if b := args.StateBucket; b != "" {
		bucket := "arn:" + args.Env.Partition + ":s3:::" + b
		objects := StateObjects(args.Project, args.Stack)
		var own []string
		for _, o := range objects {
			own = append(own, bucket+"/"+o)
		}
		st = append(st,
			iampolicy.Statement{
				Sid: "PulumiStateList", Effect: iampolicy.Allow, Action: []string{"s3:ListBucket"}, Resource: []string{bucket},
				Condition: iampolicy.Conditions{"StringLike": {"s3:prefix": append([]string{".pulumi/meta.yaml", ".pulumi/stacks/" + args.Project + "/"}, objects...)}},
			},
			iampolicy.Statement{
				Sid: "PulumiStateRead", Effect: iampolicy.Allow, Action: []string{"s3:GetObject"},
				Resource: append([]string{bucket + "/.pulumi/meta.yaml"}, own...),
			})
		writes := []string{bucket + "/" + StateLockPrefix + args.Project + "/" + args.Stack + "/*"}
		if deploy {
			writes = own
		}
		st = append(st, iampolicy.Statement{Sid: "PulumiStateWrite", Effect: iampolicy.Allow, Action: []string{"s3:PutObject", "s3:DeleteObject"}, Resource: writes})
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
