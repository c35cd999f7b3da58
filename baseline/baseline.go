// Package baseline composes every component of the hardening baseline into
// one stack. main.go and the tests both run it, so what the tests check is
// what `pulumi up` deploys.
package baseline

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/fleet"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/network"
	"github.com/example/hardening/ratelimit"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/secrets/secretkind"
	"github.com/example/hardening/stackconfig"
	"github.com/example/hardening/tls"
)

// Environment is what the program looks up about the account and region
// before it registers anything.
type Environment struct {
	awsenv.Env
	AvailabilityZones []string
	// DefaultTags are the aws:defaultTags of the stack's provider, which
	// the explicit providers of other regions must be given too.
	DefaultTags map[string]string
}

// lookupAccount reads the caller, the partition and the region, and refuses
// credentials of an account other than the stack's (aws:allowedAccountIds)
// before anything is registered.
func lookupAccount(ctx *pulumi.Context, cfg *stackconfig.Config) (*aws.GetCallerIdentityResult, *aws.GetPartitionResult, *aws.GetRegionResult, error) {
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("look up caller identity: %w", err)
	}
	if caller.AccountId != cfg.AccountID {
		return nil, nil, nil, fmt.Errorf("aws:allowedAccountIds: the stack deploys into account %s, but the credentials are of account %s (%s); use that account's credentials", cfg.AccountID, caller.AccountId, caller.Arn)
	}
	partition, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("look up partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("look up region: %w", err)
	}
	return caller, partition, region, nil
}

// Lookup reads the Environment through provider invokes. It registers no
// resource, so a failure here leaves nothing half-created.
func Lookup(ctx *pulumi.Context, cfg *stackconfig.Config) (*Environment, error) {
	// What needs no AWS call is refused before any: names too long once
	// prefixed and suffixed.
	if err := errors.Join(nameErrors(cfg, ctx.Project()+"-"+ctx.Stack())...); err != nil {
		return nil, err
	}
	caller, partition, region, err := lookupAccount(ctx, cfg)
	if err != nil {
		return nil, err
	}
	state := "available"
	// The region's own zones only: an account opted into a Local Zone group
	// also sees zones such as us-east-1-bos-1a, which sort first and lack
	// NAT gateways, interface endpoints and load balancers.
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State:   &state,
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
	})
	if err != nil {
		return nil, fmt.Errorf("look up availability zones: %w", err)
	}
	var errs []error
	if len(zones.Names) < cfg.Network.AZCount {
		errs = append(errs, fmt.Errorf("network.azCount: %d zones asked for, but region %s has %d available (%v); use at most %d",
			cfg.Network.AZCount, region.Name, len(zones.Names), zones.Names, len(zones.Names)))
	}
	errs = append(errs, checkArtifact(cfg.Secrets))
	component := ctx.Project() + "-" + ctx.Stack()
	if err := checkCaller(caller.Arn, cfg, ctx.Project(), component, partition.Partition, ctx.DryRun()); err != nil {
		if !ctx.DryRun() {
			errs = append(errs, err)
		} else if err := ctx.Log.Warn(err.Error()+" (a preview reads no secret value, so it goes on; `pulumi up` stops here)", nil); err != nil {
			errs = append(errs, err)
		}
	}
	var tags struct {
		Tags map[string]string `json:"tags"`
	}
	if err := config.New(ctx, "aws").TryObject("defaultTags", &tags); err != nil && !errors.Is(err, config.ErrMissingVar) {
		errs = append(errs, fmt.Errorf("aws:defaultTags: %w", err))
	}
	if cfg.Identity.CI.Repository != "" && tags.Tags[StackTagKey] == "" {
		errs = append(errs, fmt.Errorf("aws:defaultTags: tags.%s is not set, but identity.ci is: the CI deploy role is held to the resources tagged with this stack's %s, so that another stack's role in the account cannot change them", StackTagKey, StackTagKey))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Environment{
		Env: awsenv.Env{
			AccountID: caller.AccountId, Partition: partition.Partition, Region: region.Name,
			RolePath: awsenv.RolePath(ctx.Project() + "-" + ctx.Stack()),
		},
		AvailabilityZones: zones.Names[:cfg.Network.AZCount],
		DefaultTags:       tags.Tags,
	}, nil
}

// BreakGlassRoleName is the default name of the role the secret policies
// let manage a secret when no deployer can (secrets.breakGlassRole).
func BreakGlassRoleName(project string) string { return project + "-break-glass" }

// BreakGlassRole is the break-glass role's ARN: the configured one, or the
// default name in the stack's account.
func BreakGlassRole(cfg *stackconfig.Config, project, partition string) string {
	if cfg.Secrets.BreakGlassRole != "" {
		return cfg.Secrets.BreakGlassRole
	}
	return "arn:" + partition + ":iam::" + cfg.AccountID + ":role/" + BreakGlassRoleName(project)
}

// checkCaller refuses, before anything is registered, credentials the
// stack's secret policies would refuse: a principal that is none of
// secrets.deployers, the break-glass role or the CI roles (the deploy
// role; the drift role, which refreshes; the preview role in a preview)
// is denied every write on the secrets whose value Pulumi writes
// (secrets.SecretPolicy names principals by aws:PrincipalArn, which IAM
// compares with the role's ARN, path included), so `pulumi up` would stop
// at the first one. A role session's ARN
// (arn:aws:sts::<account>:assumed-role/<name>/<session>) carries no path:
// role names are unique in an account, so the name decides (IAM user
// guide, "IAM identifiers").
func checkCaller(callerARN string, cfg *stackconfig.Config, project, component, partition string, preview bool) error {
	allowed := append(slices.Clone(cfg.Secrets.Deployers), BreakGlassRole(cfg, project, partition))
	if cfg.Identity.CI.Repository != "" {
		kinds := []string{"deploy", "drift"}
		if preview {
			kinds = append(kinds, "preview")
		}
		for _, k := range kinds {
			allowed = append(allowed, "arn:"+partition+":iam::"+cfg.AccountID+":role"+identity.CIPath+identity.CIRoleName(component, k))
		}
	}
	name := ""
	if rest, ok := strings.CutPrefix(callerARN, "arn:"+partition+":sts::"+cfg.AccountID+":assumed-role/"); ok {
		name, _, _ = strings.Cut(rest, "/")
	}
	for _, a := range allowed {
		if name != "" && a[strings.LastIndex(a, "/")+1:] == name {
			return nil
		}
	}
	what := "it is not a role session"
	if name != "" {
		what = "role " + name + " is not listed"
	}
	return fmt.Errorf("secrets.deployers: the caller %s may not deploy this stack (%s): the policies of the secrets whose value Pulumi writes deny every write to principals other than %s; "+
		"run as one of them, or add this role's ARN (arn:%s:iam::%s:role/<path>%s) to secrets.deployers", callerARN, what, strings.Join(allowed, ", "), partition, cfg.AccountID, nameOr(name))
}

func nameOr(name string) string {
	if name == "" {
		return "<name>"
	}
	return name
}

// nameErrors refuses, before anything is registered, configured names whose
// AWS name (the "<project>-<stack>" prefix, the name, and pulumi-aws's
// generated suffix) would exceed what AWS accepts; the provider lets them
// through preview, and `pulumi up` fails half-way.
func nameErrors(cfg *stackconfig.Config, component string) []error {
	var errs []error
	for i, g := range cfg.Identity.Groups {
		if err := awsname.AutoNamedRole(component + "-group-" + g.Name); err != nil {
			errs = append(errs, fmt.Errorf("identity.groups[%d].name: %q makes the group's role too long: %w; use at most %d characters", i, g.Name, err,
				awsname.IAMRoleNameMax-awsname.AutoNameSuffix-len(component+"-group-")))
		}
	}
	for i, w := range cfg.Workloads {
		if err := awsname.AutoNamedRole(component + "-" + w.Name); err != nil {
			errs = append(errs, fmt.Errorf("workloads[%d].name: %q makes the workload's role too long: %w; use at most %d characters", i, w.Name, err,
				awsname.IAMRoleNameMax-awsname.AutoNameSuffix-len(component+"-")))
		}
	}
	// The longest fixed suffixes: roles "-ci-preview", bucket prefixes
	// "-lb-logs-".
	if err := awsname.AutoNamedRole(component + "-ci-preview"); err != nil {
		errs = append(errs, fmt.Errorf("the project and stack names %q make the stack's role names too long: %w", component, err))
	}
	if n := len(component + "-lb-logs-"); n > awsname.S3BucketPrefixMax {
		errs = append(errs, fmt.Errorf("the project and stack names %q make the log bucket prefix %d characters; S3 names leave %d", component, n, awsname.S3BucketPrefixMax))
	}
	return errs
}

// checkArtifact makes a missing rotation function zip a clear error before
// anything is registered, rather than a failure of the deployment.
func checkArtifact(s stackconfig.Secrets) error {
	if !slices.ContainsFunc(s.Inventory, stackconfig.Secret.Rotated) {
		return nil
	}
	info, err := os.Stat(s.RotationArtifact)
	switch {
	case err != nil:
		return fmt.Errorf("secrets.rotationArtifact: the rotation function %s cannot be read (%v); build it with `go run ./cmd/buildlambda` first", s.RotationArtifact, err)
	case info.IsDir() || info.Size() == 0:
		return fmt.Errorf("secrets.rotationArtifact: %s is not a zip; build it with `go run ./cmd/buildlambda`", s.RotationArtifact)
	}
	return nil
}

// Baseline is every component of one stack.
type Baseline struct {
	Key          *secrets.Key
	Alerts       *audit.Alerts
	AccessLogs   *audit.AccessLogs
	Network      *network.VPC
	LoadBalancer *tls.LoadBalancer
	WebACL       *ratelimit.WebACL
	BoundaryARN  pulumi.StringInput
	UserPool     *identity.UserPool
	Trail        *audit.Trail
	Monitoring   *audit.Monitoring
	Workloads    map[string]*identity.WorkloadRole
	Secrets      *secrets.Inventory
}

// externalValues reads the value of each external secret as a secret
// output. Validation has checked that each is set and secure.
func externalValues(ctx *pulumi.Context, s stackconfig.Secrets) (map[string]pulumi.StringOutput, error) {
	c := config.New(ctx, stackconfig.Namespace)
	values := map[string]pulumi.StringOutput{}
	for _, e := range s.Inventory {
		if e.Kind != secretkind.External {
			continue
		}
		v, err := c.TrySecret(stackconfig.ExternalSecretKey(e.Name))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", stackconfig.ExternalSecretKey(e.Name), err)
		}
		values[e.Name] = v
	}
	return values, nil
}

// inventoryReport is the secrets' metadata for reviewers: who owns each,
// how it is classified and rotated, and who reads it. It holds no values.
func inventoryReport(inv []secrets.SecretArgs) pulumi.Array {
	out := pulumi.Array{}
	for _, s := range inv {
		rotation := fmt.Sprintf("every %d days by the rotation function", s.RotationDays)
		if s.Kind == secretkind.External {
			rotation = "by its issuer"
		}
		out = append(out, pulumi.Map{
			"name":           pulumi.String(s.Name),
			"owner":          pulumi.String(s.Owner),
			"classification": pulumi.String(s.Classification),
			"kind":           pulumi.String(s.Kind),
			"rotation":       pulumi.String(rotation),
			"readers":        pulumi.ToStringArray(append([]string{}, s.Readers...)),
			"replicaRegion":  pulumi.String(s.ReplicaRegion),
		})
	}
	return out
}

// Run is the whole program: load and validate the configuration, then
// deploy. main.go calls it through pulumi.Run; the tests and the offline
// plan through pulumi.RunErr with mocks.
func Run(ctx *pulumi.Context) error {
	if kind := orgKind(ctx); kind != "" {
		return DeployOrganization(ctx, kind)
	}
	cfg, err := stackconfig.Load(ctx)
	if err != nil {
		return err
	}
	if cfg.Kind == stackconfig.Bootstrap {
		if path := os.Getenv(fleet.EnvFile); path != "" {
			stacks, err := FleetWorkloads(path, cfg.AccountID)
			if err != nil {
				return err
			}
			_, err = DeployBootstrapOf(ctx, cfg, stacks)
			return err
		}
		_, err = DeployBootstrap(ctx, cfg, ctx.RootDirectory())
		return err
	}
	if err := stackconfig.CheckAgainstProject(ctx.RootDirectory(), ctx.Stack(), cfg); err != nil {
		return err
	}
	_, err = Deploy(ctx, cfg)
	return err
}

// FleetWorkloads are the workload stacks of account in the fleet file at
// path, rendered and validated: what a fleet bootstrap creates CI roles
// and boundaries for.
func FleetWorkloads(path, account string) ([]stackconfig.Stack, error) {
	f, err := fleet.Read(path)
	if err != nil {
		return nil, err
	}
	all, err := f.Stacks()
	if err != nil {
		return nil, err
	}
	return fleet.Workloads(all, account)
}
