package identity

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/problem"
)

// WorkloadRoleType is the type token of the WorkloadRole component.
const WorkloadRoleType = "hardening:identity:WorkloadRole"

// WorkloadRoleArgs configures a WorkloadRole.
type WorkloadRoleArgs struct {
	// Team is the role's team tag, matched by attribute-based conditions.
	Team string
	// Service is the service principal that runs the workload.
	Service string
	// Env scopes the trust policy to the account.
	Env awsenv.Env
	// PermissionsBoundary is attached to the role.
	PermissionsBoundary pulumi.StringInput
}

// WorkloadRole is the IAM role a workload runs under. It starts with no
// permissions: the components whose resources the workload uses (the
// secrets inventory) grant each its own.
type WorkloadRole struct {
	pulumi.ResourceState

	// RoleARN is the role's ARN.
	RoleARN pulumi.StringOutput `pulumi:"roleArn"`
	// RoleName is the role's name.
	RoleName pulumi.StringOutput `pulumi:"roleName"`
}

// Validate reports every problem of the arguments at once.
func (a *WorkloadRoleArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if a.Service == "" {
		ps.Add("Service", "is empty: the service principal that runs the workload")
	}
	if a.Team == "" {
		ps.Add("Team", "is empty: the team whose secrets the role reads")
	}
	if a.PermissionsBoundary == nil {
		ps.Add("PermissionsBoundary", "is required: every role carries the stack's boundary")
	}
	return errors.Join(ps.Errors()...)
}

// NewWorkloadRole creates a WorkloadRole.
func NewWorkloadRole(ctx *pulumi.Context, name string, args *WorkloadRoleArgs, opts ...pulumi.ResourceOption) (*WorkloadRole, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("identity workload role %s: %w", name, err)
	}
	trust, err := WorkloadTrustPolicy(args.Service, args.Env).JSON()
	if err != nil {
		return nil, err
	}
	w := &WorkloadRole{}
	if err := ctx.RegisterComponentResource(WorkloadRoleType, name, w, opts...); err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:         pulumi.String("Workload " + name + ", run by " + args.Service),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: args.PermissionsBoundary,
		Path:                pulumi.String(args.Env.RolePath),
		MaxSessionDuration:  pulumi.Int(3600),
		Tags:                pulumi.StringMap{"team": pulumi.String(args.Team)},
	}, pulumi.Parent(w))
	if err != nil {
		return nil, err
	}
	w.RoleARN = role.Arn
	w.RoleName = role.Name
	return w, ctx.RegisterResourceOutputs(w, pulumi.Map{"roleArn": w.RoleARN, "roleName": w.RoleName})
}

// WorkloadTrustPolicy lets only service, acting for this account, assume
// the role (confused-deputy guard).
func WorkloadTrustPolicy(service string, env awsenv.Env) iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "WorkloadService",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{service}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iampolicy.Conditions{"StringEquals": {"aws:SourceAccount": {env.AccountID}}},
	})
}
