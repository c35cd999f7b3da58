package baseline

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/identity"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/stackconfig"
)

// Bootstrap is every component of an account's bootstrap stack.
type Bootstrap struct {
	// ProviderARN is the account's GitHub OIDC provider.
	ProviderARN pulumi.StringOutput
	// Boundaries and CI are each workload stack's boundary and CI roles,
	// by stack name.
	Boundaries map[string]*identity.Boundary
	CI         map[string]*identity.CIRoles
}

// DeployBootstrap registers an account's bootstrap stack: the account's
// GitHub OIDC provider, and for each workload stack it lists (read from
// its stack file in dir) the permissions boundary and the CI roles, then
// the account's guardrails. An administrator runs it; no CI role can
// change what it creates, and what is account-wide is retained when the
// stack is destroyed (and protected in production).
func DeployBootstrap(ctx *pulumi.Context, cfg *stackconfig.Config, dir string) (*Bootstrap, error) {
	project, err := stackconfig.LoadProject(dir)
	if err != nil {
		return nil, fmt.Errorf("the project's stack files: %w", err)
	}
	return DeployBootstrapOf(ctx, cfg, project)
}

// DeployBootstrapOf is DeployBootstrap with the workload stacks given
// (a fleet's, rendered from the fleet file) rather than read from stack
// files.
func DeployBootstrapOf(ctx *pulumi.Context, cfg *stackconfig.Config, project []stackconfig.Stack) (*Bootstrap, error) {
	_, partition, region, err := lookupAccount(ctx, cfg)
	if err != nil {
		return nil, err
	}
	name := ctx.Project() + "-" + ctx.Stack()
	// Retained, whoever destroys the stack: the workload stacks depend on
	// all of it, and in production nothing here is deleted unprotected.
	kept := []pulumi.ResourceOption{pulumi.RetainOnDelete(true), pulumi.Protect(cfg.ProtectStateful)}
	account := awsenv.Env{AccountID: cfg.AccountID, Partition: partition.Partition, Region: region.Name}
	b := &Bootstrap{Boundaries: map[string]*identity.Boundary{}, CI: map[string]*identity.CIRoles{}}
	b.ProviderARN = pulumi.String(identity.GitHubProviderARN(account)).ToStringOutput()
	if cfg.Bootstrap.CreateProvider {
		p, err := iam.NewOpenIdConnectProvider(ctx, name+"-github", &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String("https://" + identity.GitHubIssuer),
			ClientIdLists: pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		}, kept...)
		if err != nil {
			return nil, fmt.Errorf("GitHub OIDC provider: %w", err)
		}
		b.ProviderARN = p.Arn
	}
	var regions []string
	for _, s := range project {
		if !slices.Contains(cfg.Bootstrap.Stacks, s.Name) {
			continue
		}
		w := s.Config
		component := ctx.Project() + "-" + s.Name
		args, err := BoundaryArgsOf(ctx.Project(), s.Name, w, partition.Partition)
		if err != nil {
			return nil, err
		}
		env := args.Env
		tag := args.StackTagValue
		regions = append(regions, args.Regions...)
		args.Protect = cfg.ProtectStateful
		boundary, err := identity.NewBoundary(ctx, component, args)
		if err != nil {
			return nil, fmt.Errorf("boundary of %s: %w", s.Name, err)
		}
		b.Boundaries[s.Name] = boundary
		ci := w.Identity.CI
		// A fleet's stacks are deployed through their CI roles, which
		// trust the fleet's CI role: every stack gets them.
		fleetRole := cfg.Bootstrap.Fleet.CIRoleARN
		if ci.Repository == "" && fleetRole == "" {
			continue
		}
		roles, err := identity.NewCIRoles(ctx, component, &identity.CIRolesArgs{
			Repository: ci.Repository, Branch: ci.Branch, Environment: ci.Environment, PreviewEnvironment: ci.PreviewEnvironment,
			ProviderARN: b.ProviderARN, StateBucket: ci.StateBucket, StateKeyARN: ci.StateKeyARN,
			BoundaryARN: boundary.PolicyARN, Project: ctx.Project(), Stack: s.Name, Component: component,
			StackTagKey: StackTagKey, StackTagValue: tag, Env: env, Protect: cfg.ProtectStateful,
			TrustedRoleARN: fleetRole,
		})
		if err != nil {
			return nil, fmt.Errorf("CI roles of %s: %w", s.Name, err)
		}
		b.CI[s.Name] = roles
	}
	if cfg.Bootstrap.Guardrails {
		slices.Sort(regions)
		others := slices.DeleteFunc(slices.Compact(regions), func(r string) bool { return r == region.Name })
		aa := cfg.Bootstrap.AccessAnalyzers
		if _, err := identity.NewAccountGuardrails(ctx, name, &identity.AccountGuardrailsArgs{
			ExternalAccessAnalyzer: aa.External, UnusedAccessAnalyzer: aa.Unused,
			OtherRegions: others, DefaultTags: cfg.DefaultTags, Protect: cfg.ProtectStateful,
		}); err != nil {
			return nil, fmt.Errorf("account guardrails: %w", err)
		}
	}
	exportBootstrap(ctx, b)
	return b, nil
}

// BoundaryArgsOf is the permissions boundary a workload stack needs, from
// its configuration: what its bootstrap stack creates and what the stack
// checks the deployed boundary against (checkBoundary), one rendering for
// both.
func BoundaryArgsOf(project, stack string, w *stackconfig.Config, partition string) (*identity.BoundaryArgs, error) {
	component := project + "-" + stack
	tag := w.DefaultTags[StackTagKey]
	if tag == "" {
		return nil, fmt.Errorf("Pulumi.%s.yaml: aws:defaultTags: tags.%s is not set: the stack's keys and resources are told apart by it", stack, StackTagKey)
	}
	return &identity.BoundaryArgs{
		Allow: BoundaryActions(w), Regions: StackRegions(w, w.Region), StackTagKey: StackTagKey, StackTagValue: tag,
		StateKeyARN: w.Identity.CI.StateKeyARN, StateBucket: w.Identity.CI.StateBucket, Project: project, Stack: stack,
		Env: awsenv.Env{AccountID: w.AccountID, Partition: partition, Region: w.Region, RolePath: awsenv.RolePath(component)},
	}, nil
}

// exportBootstrap sets the bootstrap's outputs: what the repository
// variables of each workload stack's CI jobs hold.
func exportBootstrap(ctx *pulumi.Context, b *Bootstrap) {
	ctx.Export("githubProviderArn", b.ProviderARN)
	boundaries, roles := pulumi.StringMap{}, pulumi.Map{}
	for name, bd := range b.Boundaries {
		boundaries[name] = bd.PolicyARN
	}
	for name, c := range b.CI {
		roles[name] = pulumi.StringMap{"preview": c.PreviewRoleARN, "deploy": c.DeployRoleARN, "drift": c.DriftRoleARN}
	}
	ctx.Export("permissionsBoundaryArns", boundaries)
	ctx.Export("ciRoleArns", roles)
}
