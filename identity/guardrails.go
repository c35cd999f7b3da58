package identity

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/problem"
)

// GuardrailsType is the type token of the AccountGuardrails component.
const GuardrailsType = "hardening:identity:AccountGuardrails"

// AccountGuardrails are account-wide settings: the password policy of IAM
// users (CIS 1.8, 1.9), S3 Block Public Access for the whole account (FSBP
// S3.1, CIS 2.1.4), and IAM Access Analyzer for external and for unused
// access. One stack per account may own them.
type AccountGuardrails struct {
	pulumi.ResourceState
}

// UnusedAccessDays is the age after which Access Analyzer reports unused
// roles, keys and permissions.
const UnusedAccessDays = 90

// AccountGuardrailsArgs picks the analyzers. An account and region holds
// one analyzer of each type (a quota that cannot be raised), so a type that
// Control Tower or the console already created is switched off here.
type AccountGuardrailsArgs struct {
	ExternalAccessAnalyzer bool
	UnusedAccessAnalyzer   bool
	// OtherRegions are the regions besides the provider's where the stack
	// deploys resources (secret replicas). An external-access analyzer
	// judges only its own region's resources (CIS 1.20), so one is
	// created in each; the unused-access analyzer reads IAM, which is
	// global, and stays in the provider's region.
	OtherRegions []string
	// DefaultTags tag what the other regions' providers create, as the
	// stack's provider does.
	DefaultTags map[string]string
	// Protect protects the account-wide settings; they are retained when
	// the stack is destroyed whatever it says, since the account keeps
	// needing them.
	Protect bool
}

// Validate reports every problem of the arguments at once.
func (a *AccountGuardrailsArgs) Validate() error {
	if a == nil {
		return nil // the defaults: the password policy and Block Public Access
	}
	var ps problem.List
	seen := map[string]bool{}
	for i, r := range a.OtherRegions {
		switch {
		case r == "":
			ps.Add(fmt.Sprintf("OtherRegions[%d]", i), "is empty")
		case seen[r]:
			ps.Add(fmt.Sprintf("OtherRegions[%d]", i), "%q is listed twice: one analyzer per region", r)
		}
		seen[r] = true
	}
	return errors.Join(ps.Errors()...)
}

// NewAccountGuardrails creates AccountGuardrails.
func NewAccountGuardrails(ctx *pulumi.Context, name string, args *AccountGuardrailsArgs, opts ...pulumi.ResourceOption) (*AccountGuardrails, error) {
	if args == nil {
		args = &AccountGuardrailsArgs{}
	}
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("identity guardrails %s: %w", name, err)
	}
	g := &AccountGuardrails{}
	if err := ctx.RegisterComponentResource(GuardrailsType, name, g, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Composite(pulumi.Parent(g), pulumi.Protect(args.Protect), pulumi.RetainOnDelete(true))
	if _, err := iam.NewAccountPasswordPolicy(ctx, name, &iam.AccountPasswordPolicyArgs{
		MinimumPasswordLength:      pulumi.Int(14),
		RequireLowercaseCharacters: pulumi.Bool(true),
		RequireUppercaseCharacters: pulumi.Bool(true),
		RequireNumbers:             pulumi.Bool(true),
		RequireSymbols:             pulumi.Bool(true),
		PasswordReusePrevention:    pulumi.Int(24),
		AllowUsersToChangePassword: pulumi.Bool(true),
	}, parent); err != nil {
		return nil, err
	}
	// Every bucket of the account, present and future, stays private
	// whatever its own settings (FSBP S3.1, CIS 2.1.4); the provider's
	// defaults are false for all four.
	if _, err := s3.NewAccountPublicAccessBlock(ctx, name, &s3.AccountPublicAccessBlockArgs{
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent); err != nil {
		return nil, err
	}
	if args.ExternalAccessAnalyzer {
		if _, err := accessanalyzer.NewAnalyzer(ctx, name+"-external", &accessanalyzer.AnalyzerArgs{
			AnalyzerName: pulumi.String(name + "-external"),
			Type:         pulumi.String("ACCOUNT"),
		}, parent); err != nil {
			return nil, err
		}
		regions := slices.Clone(args.OtherRegions)
		slices.Sort(regions)
		for _, region := range slices.Compact(regions) {
			provider, err := aws.NewProvider(ctx, name+"-"+region, &aws.ProviderArgs{
				Region:      pulumi.String(region),
				DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(args.DefaultTags)},
			}, parent)
			if err != nil {
				return nil, err
			}
			if _, err := accessanalyzer.NewAnalyzer(ctx, name+"-external-"+region, &accessanalyzer.AnalyzerArgs{
				AnalyzerName: pulumi.String(name + "-external"),
				Type:         pulumi.String("ACCOUNT"),
			}, parent, pulumi.Provider(provider)); err != nil {
				return nil, err
			}
		}
	}
	if args.UnusedAccessAnalyzer {
		if _, err := accessanalyzer.NewAnalyzer(ctx, name+"-unused", &accessanalyzer.AnalyzerArgs{
			AnalyzerName: pulumi.String(name + "-unused"),
			Type:         pulumi.String("ACCOUNT_UNUSED_ACCESS"),
			Configuration: &accessanalyzer.AnalyzerConfigurationArgs{
				UnusedAccess: &accessanalyzer.AnalyzerConfigurationUnusedAccessArgs{UnusedAccessAge: pulumi.Int(UnusedAccessDays)},
			},
		}, parent); err != nil {
			return nil, err
		}
	}
	return g, ctx.RegisterResourceOutputs(g, pulumi.Map{})
}
