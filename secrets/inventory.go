package secrets

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/secrets/secretkind"
)

// InventoryType is the type token of the Inventory component.
const InventoryType = "hardening:secrets:Inventory"

// SecretArgs is one secret of the inventory.
type SecretArgs struct {
	// Name is unique in the inventory; the secret is "<component>/<Name>".
	Name           string
	Description    string
	Owner          string
	Classification string
	// Kind is secretkind.Generated, KindAPIKey or KindExternal.
	Kind secretkind.Kind
	// RotationDays is the rotation interval of generated and api-key
	// secrets.
	RotationDays int
	// Length is a generated value's length.
	Length int
	// Readers name the workloads (keys of InventoryArgs.Readers) that may
	// read the secret.
	Readers []string
	// ReplicaRegion replicates the secret under a replica of the key.
	ReplicaRegion string
	// Value is an external secret's value, a secret output.
	Value pulumi.StringOutput
}

// Reader is a workload role that may read some of the secrets.
type Reader struct {
	RoleARN  pulumi.StringOutput
	RoleName pulumi.StringOutput
}

// InventoryArgs configures an Inventory.
type InventoryArgs struct {
	Secrets []SecretArgs
	// Readers maps a workload name to its role.
	Readers map[string]Reader
	// Key encrypts the secrets, the function's environment and logs.
	Key *Key
	// KeyPolicyArgs are the primary key's args, from which replica keys
	// take their policy.
	KeyPolicyArgs *KeyArgs
	// RotationArtifact is the path of the rotation function's zip.
	RotationArtifact string
	// RotationConcurrency is the function's reserved concurrency.
	RotationConcurrency int
	// LogRetentionDays is the function's log retention.
	LogRetentionDays int
	// RecoveryWindowDays is a deleted secret's recovery window.
	RecoveryWindowDays int
	// VPCID, SubnetIDs and EndpointSecurityGroupID place the function in
	// the private subnets, reaching only the interface endpoints.
	VPCID                   pulumi.StringInput
	SubnetIDs               pulumi.StringArrayInput
	EndpointSecurityGroupID pulumi.StringInput
	// SecretsManagerEndpointID is the interface endpoint that is the
	// function's only route to Secrets Manager: the function, and with it
	// the first rotation, waits for it.
	SecretsManagerEndpointID pulumi.StringInput
	// AlertsTopicARN receives the function's error alarm and the secret
	// events; DeadLetterARN keeps the events EventBridge could not deliver.
	AlertsTopicARN pulumi.StringInput
	DeadLetterARN  pulumi.StringInput
	Env            awsenv.Env
	// PermissionsBoundary is attached to the rotation function's role.
	PermissionsBoundary pulumi.StringInput
	// Deployers are the role ARNs that run `pulumi up`: the only principals
	// besides the rotation function that may change the secrets, and the
	// only ones besides the readers that may read a value Pulumi writes.
	Deployers pulumi.StringArrayInput
	// Refreshers read back the values Pulumi writes, and write nothing:
	// the CI drift role, whose refresh reads every SecretVersion
	// (secretsmanager/secret_version.go).
	Refreshers pulumi.StringArrayInput
	// DefaultTags are the stack's aws:defaultTags, which the providers of
	// the replica regions get too (an explicit provider does not inherit
	// the default provider's configuration).
	DefaultTags map[string]string
	// Protect protects and retains the secrets and the log group.
	Protect bool
}

// Inventory is the stack's Secrets Manager secrets with their metadata as
// tags, a resource policy each, a Go rotation function in the private
// subnets that rotates the generated and api-key secrets, and alarms and
// event rules on rotation failures and on changes to secrets.
type Inventory struct {
	pulumi.ResourceState

	// SecretARNs maps each secret's inventory name to its ARN.
	SecretARNs pulumi.StringMapOutput `pulumi:"secretArns"`
	// RotationFunctionARN is the rotation function's ARN ("" without
	// rotated secrets).
	RotationFunctionARN pulumi.StringOutput `pulumi:"rotationFunctionArn"`
	// RotationRoleARN is the rotation function's role ARN.
	RotationRoleARN pulumi.StringOutput `pulumi:"rotationRoleArn"`
	// RegionProviders are the providers of the replica Regions, by Region:
	// the stack deploys there too, and account-wide services that are
	// Regional (Security Hub) are enabled through them.
	RegionProviders map[string]pulumi.ProviderResource
}

// NewInventory creates an Inventory.
func NewInventory(ctx *pulumi.Context, name string, args *InventoryArgs, opts ...pulumi.ResourceOption) (*Inventory, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("secrets inventory %s: %w", name, err)
	}
	inv := &Inventory{}
	if err := ctx.RegisterComponentResource(InventoryType, name, inv, opts...); err != nil {
		return nil, err
	}
	b := &inventoryBuilder{ctx: ctx, name: name, args: args, parent: pulumi.Parent(inv)}
	// Each step takes what an earlier one made as arguments, so the order
	// is the compiler's to check. The function waits for its role's policy
	// (network interfaces, logs), which names the secrets, so it comes
	// after them.
	fail := func(err error) (*Inventory, error) { return nil, fmt.Errorf("secrets inventory %s: %w", name, err) }
	rot, err := b.functionRole()
	if err != nil {
		return fail(err)
	}
	replicaKeys, providers, err := b.replicas()
	if err != nil {
		return fail(err)
	}
	inv.RegionProviders = providers
	made, err := b.secrets(rot, replicaKeys)
	if err != nil {
		return fail(err)
	}
	rolePolicy, err := b.grants(rot, made, replicaKeys)
	if err != nil {
		return fail(err)
	}
	fn, err := b.function(rot, rolePolicy)
	if err != nil {
		return fail(err)
	}
	if err := b.rotations(fn, made, rolePolicy); err != nil {
		return fail(err)
	}
	if err := b.audit(fn); err != nil {
		return fail(err)
	}
	inv.SecretARNs = made.arns.ToStringMapOutput()
	inv.RotationFunctionARN = pulumi.String("").ToStringOutput()
	inv.RotationRoleARN = pulumi.String("").ToStringOutput()
	if fn != nil {
		inv.RotationFunctionARN = fn.Arn
		inv.RotationRoleARN = rot.role.Arn
	}
	return inv, ctx.RegisterResourceOutputs(inv, pulumi.Map{
		"secretArns":          inv.SecretARNs,
		"rotationFunctionArn": inv.RotationFunctionARN,
		"rotationRoleArn":     inv.RotationRoleARN,
	})
}

func (a *InventoryArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var errs []error
	for _, f := range []struct {
		setting string
		missing bool
	}{
		{"Key", a.Key == nil}, {"AlertsTopicARN", a.AlertsTopicARN == nil}, {"DeadLetterARN", a.DeadLetterARN == nil},
		{"PermissionsBoundary", a.PermissionsBoundary == nil}, {"Deployers", a.Deployers == nil},
	} {
		if f.missing {
			errs = append(errs, fmt.Errorf("%s: is required", f.setting))
		}
	}
	if slices.ContainsFunc(a.Secrets, rotated) && a.SecretsManagerEndpointID == nil {
		errs = append(errs, errors.New("rotated secrets need the Secrets Manager interface endpoint, the rotation function's only route to the service"))
	}
	for _, s := range a.Secrets {
		for _, r := range s.Readers {
			if _, ok := a.Readers[r]; !ok {
				errs = append(errs, fmt.Errorf("secret %s: reader %q has no role", s.Name, r))
			}
		}
		if s.Kind == secretkind.External && s.Value == (pulumi.StringOutput{}) {
			errs = append(errs, fmt.Errorf("secret %s: an external secret needs its value", s.Name))
		}
		if err := s.Kind.Check(); err != nil {
			errs = append(errs, fmt.Errorf("secret %s: kind %w", s.Name, err))
		}
	}
	return errors.Join(errs...)
}

// rotated reports whether the rotation function rotates s.
func rotated(s SecretArgs) bool { return s.Kind != secretkind.External }

// pulumiWrites reports whether Pulumi writes s's value (a SecretVersion):
// only for external secrets. A rotated secret's first value comes from its
// first rotation: a version Pulumi wrote would lose its staging labels
// after two rotations, and Secrets Manager may delete a version without
// one (UpdateSecretVersionStage API reference); a refresh would then drop
// it and the next `pulumi up` write the retired value back as AWSCURRENT.
func pulumiWrites(s SecretArgs) bool { return s.Kind == secretkind.External }

// inventoryBuilder holds what every step of one NewInventory call reads and
// none changes.
type inventoryBuilder struct {
	ctx    *pulumi.Context
	name   string
	args   *InventoryArgs
	parent pulumi.ResourceOption
}

// rotationInfra is the rotation function's role, log group and network
// access, made before the secrets whose policies name the role.
type rotationInfra struct {
	role     *iam.Role
	logGroup *cloudwatch.LogGroup
	sg       *ec2.SecurityGroup
	egress   *vpc.SecurityGroupEgressRule
}

// madeSecrets are the secrets, their policies and the versions Pulumi
// writes, by inventory name.
type madeSecrets struct {
	res      map[string]*secretsmanager.Secret
	policies map[string]*secretsmanager.SecretPolicy
	versions map[string]*secretsmanager.SecretVersion
	arns     pulumi.StringMap
}

func (b *inventoryBuilder) child(suffix string) string { return b.name + "-" + suffix }

func (b *inventoryBuilder) stateful() []pulumi.ResourceOption {
	return []pulumi.ResourceOption{b.parent, pulumi.Protect(b.args.Protect), pulumi.RetainOnDelete(b.args.Protect)}
}

// Descriptions of the rotation function's security group and its rule.
const (
	rotationSGDescription     = "Rotation function: HTTPS to the interface VPC endpoints only"
	rotationEgressDescription = "Rotation function to the interface VPC endpoints (Secrets Manager)"
)

// functionRole creates the rotation function's role, log group and
// security group, when any secret is rotated.
func (b *inventoryBuilder) functionRole() (*rotationInfra, error) {
	if !slices.ContainsFunc(b.args.Secrets, rotated) {
		return nil, nil
	}
	a, ctx := b.args, b.ctx
	rot := &rotationInfra{}
	var err error
	rot.logGroup, err = cloudwatch.NewLogGroup(ctx, b.child("rotation"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/lambda/" + b.child("rotation")),
		RetentionInDays: pulumi.Int(a.LogRetentionDays),
		KmsKeyId:        a.Key.KeyARN,
	}, b.stateful()...)
	if err != nil {
		return nil, err
	}
	rot.role, err = iam.NewRole(ctx, b.child("rotation"), &iam.RoleArgs{
		Description:         pulumi.String("Rotates the secrets of " + b.name),
		AssumeRolePolicy:    pulumi.String(FunctionTrustPolicy(a.Env).MustJSON()),
		PermissionsBoundary: a.PermissionsBoundary,
		Path:                pulumi.String(a.Env.RolePath),
	}, b.parent)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{rotationSGDescription, rotationEgressDescription} {
		if err := awsname.EC2Description(d); err != nil {
			return nil, err
		}
	}
	rot.sg, err = ec2.NewSecurityGroup(ctx, b.child("rotation"), &ec2.SecurityGroupArgs{
		VpcId:               a.VPCID,
		Description:         pulumi.String(rotationSGDescription),
		RevokeRulesOnDelete: pulumi.Bool(true),
	}, b.parent)
	if err != nil {
		return nil, err
	}
	rot.egress, err = vpc.NewSecurityGroupEgressRule(ctx, b.child("rotation-to-endpoints"), &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           rot.sg.ID(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(443),
		ToPort:                    pulumi.Int(443),
		ReferencedSecurityGroupId: a.EndpointSecurityGroupID,
		Description:               pulumi.String(rotationEgressDescription),
	}, b.parent)
	return rot, err
}

// function creates the rotation function, once its role's policy exists:
// Lambda checks at creation that the role may manage network interfaces in
// the VPC and write its logs.
func (b *inventoryBuilder) function(rot *rotationInfra, rolePolicy *iam.RolePolicy) (*lambda.Function, error) {
	if rot == nil {
		return nil, nil
	}
	a, ctx := b.args, b.ctx
	var concurrency pulumi.IntPtrInput
	if a.RotationConcurrency > 0 {
		concurrency = pulumi.Int(a.RotationConcurrency)
	}
	return lambda.NewFunction(ctx, b.child("rotation"), &lambda.FunctionArgs{
		Description:                  pulumi.String("Rotates the secrets of " + b.name + " (cmd/rotation)"),
		Code:                         pulumi.NewFileArchive(a.RotationArtifact),
		Runtime:                      pulumi.String("provided.al2023"),
		Handler:                      pulumi.String("bootstrap"),
		Architectures:                pulumi.StringArray{pulumi.String("arm64")},
		MemorySize:                   pulumi.Int(128),
		Timeout:                      pulumi.Int(30),
		Role:                         rot.role.Arn,
		ReservedConcurrentExecutions: concurrency,
		// No kmsKeyArn: the function has no environment variables, and
		// Lambda does not save a key without them, so a refresh would read
		// it back empty on every run (pulumi-aws lambda.Function kmsKeyArn).
		VpcConfig: &lambda.FunctionVpcConfigArgs{
			// The subnets, once the endpoint exists.
			SubnetIds: pulumi.All(a.SubnetIDs, a.SecretsManagerEndpointID).ApplyT(func(v []any) []string {
				return v[0].([]string)
			}).(pulumi.StringArrayOutput),
			SecurityGroupIds: pulumi.StringArray{rot.sg.ID()},
		},
		LoggingConfig: &lambda.FunctionLoggingConfigArgs{
			LogFormat: pulumi.String("JSON"),
			LogGroup:  rot.logGroup.Name,
		},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{rot.egress, rolePolicy}))
}

// replicas creates one replica of the stack's key in each replica
// region, through a provider for that region, which it returns too.
func (b *inventoryBuilder) replicas() (map[string]*kms.ReplicaKey, map[string]pulumi.ProviderResource, error) {
	replicaKeys := map[string]*kms.ReplicaKey{}
	providers := map[string]pulumi.ProviderResource{}
	for _, s := range b.args.Secrets {
		region := s.ReplicaRegion
		if region == "" || replicaKeys[region] != nil {
			continue
		}
		if b.args.KeyPolicyArgs == nil || !b.args.KeyPolicyArgs.MultiRegion {
			return nil, nil, fmt.Errorf("secret %s replicates to %s, which needs a multi-Region key", s.Name, region)
		}
		provider, err := aws.NewProvider(b.ctx, b.child(region), &aws.ProviderArgs{
			Region:      pulumi.String(region),
			DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(b.args.DefaultTags)},
		}, b.parent)
		if err != nil {
			return nil, nil, err
		}
		providers[region] = provider
		keyArgs := *b.args.KeyPolicyArgs
		keyArgs.Env.Region = region
		policy, err := KeyPolicy(&keyArgs).JSON()
		if err != nil {
			return nil, nil, fmt.Errorf("replica key policy: %w", err)
		}
		replicaKeys[region], err = kms.NewReplicaKey(b.ctx, b.child(region), &kms.ReplicaKeyArgs{
			Description:                    pulumi.String("Replica in " + region + " of the key of " + b.name),
			PrimaryKeyArn:                  b.args.Key.KeyARN,
			Policy:                         pulumi.String(policy),
			DeletionWindowInDays:           pulumi.Int(keyArgs.DeletionWindowDays),
			BypassPolicyLockoutSafetyCheck: pulumi.Bool(false),
		}, append(b.stateful(), pulumi.Provider(provider))...)
		if err != nil {
			return nil, nil, err
		}
	}
	return replicaKeys, providers, nil
}

// Tags returns the metadata tags of a secret.
func Tags(s SecretArgs) map[string]string {
	t := map[string]string{
		secretkind.TagKind:           string(s.Kind),
		secretkind.TagOwner:          s.Owner,
		secretkind.TagTeam:           s.Owner,
		secretkind.TagClassification: s.Classification,
	}
	if rotated(s) {
		t[secretkind.TagRotationDays] = strconv.Itoa(s.RotationDays)
		t[secretkind.TagLength] = strconv.Itoa(s.Length)
	}
	return t
}

// secrets creates each secret, its resource policy and, for external
// secrets, its value.
func (b *inventoryBuilder) secrets(rot *rotationInfra, replicaKeys map[string]*kms.ReplicaKey) (*madeSecrets, error) {
	a, ctx := b.args, b.ctx
	made := &madeSecrets{
		res:      map[string]*secretsmanager.Secret{},
		policies: map[string]*secretsmanager.SecretPolicy{},
		versions: map[string]*secretsmanager.SecretVersion{},
		arns:     pulumi.StringMap{},
	}
	for _, s := range a.Secrets {
		var replicas secretsmanager.SecretReplicaArray
		if s.ReplicaRegion != "" {
			replicas = append(replicas, secretsmanager.SecretReplicaArgs{
				Region:   pulumi.String(s.ReplicaRegion),
				KmsKeyId: replicaKeys[s.ReplicaRegion].Arn,
			})
		}
		secret, err := secretsmanager.NewSecret(ctx, b.child(s.Name), &secretsmanager.SecretArgs{
			Name:                 pulumi.String(b.name + "/" + s.Name),
			Description:          pulumi.String(s.Description),
			KmsKeyId:             a.Key.KeyARN,
			RecoveryWindowInDays: pulumi.Int(a.RecoveryWindowDays),
			Replicas:             replicas,
			Tags:                 pulumi.ToStringMap(Tags(s)),
		}, b.stateful()...)
		if err != nil {
			return nil, err
		}
		made.res[s.Name] = secret
		made.arns[s.Name] = secret.Arn

		readers, writers := pulumi.StringArray{}, pulumi.StringArray{}
		for _, r := range s.Readers {
			readers = append(readers, a.Readers[r].RoleARN)
		}
		if rotated(s) {
			readers = append(readers, rot.role.Arn)
			writers = append(writers, rot.role.Arn)
		}
		writes := pulumiWrites(s)
		refreshers := a.Refreshers
		if refreshers == nil {
			refreshers = pulumi.StringArray{}
		}
		policy := pulumi.All(readers.ToStringArrayOutput(), writers.ToStringArrayOutput(), a.Deployers.ToStringArrayOutput(), refreshers.ToStringArrayOutput()).ApplyT(func(v []any) (string, error) {
			r, w, deployers := v[0].([]string), v[1].([]string), v[2].([]string)
			if writes {
				r = append(append(r, deployers...), v[3].([]string)...)
			}
			return SecretPolicy(r, append(w, deployers...)).JSON()
		}).(pulumi.StringOutput)
		made.policies[s.Name], err = secretsmanager.NewSecretPolicy(ctx, b.child(s.Name), &secretsmanager.SecretPolicyArgs{
			SecretArn:         secret.Arn,
			Policy:            policy,
			BlockPublicPolicy: pulumi.Bool(true),
		}, b.parent)
		if err != nil {
			return nil, err
		}

		if !writes {
			// A rotated secret's first value comes from its first
			// rotation, so it never passes through Pulumi.
			continue
		}
		// The owner of an external value changes it with
		// `pulumi config set --secret`, and the next `pulumi up` applies it.
		value := s.Value
		made.versions[s.Name], err = secretsmanager.NewSecretVersion(ctx, b.child(s.Name), &secretsmanager.SecretVersionArgs{
			SecretId:     secret.ID(),
			SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
		}, b.parent, pulumi.DependsOn([]pulumi.Resource{made.policies[s.Name]}))
		if err != nil {
			return nil, err
		}
	}
	return made, nil
}

// grants gives each reader its secrets and the rotation function the
// rotated ones, through identity policies.
func (b *inventoryBuilder) grants(rot *rotationInfra, made *madeSecrets, replicaKeys map[string]*kms.ReplicaKey) (*iam.RolePolicy, error) {
	a, ctx := b.args, b.ctx
	readers := map[string]pulumi.StringArray{}
	replicaRegions := map[string][]string{} // per reader, parallel to readers
	var rotatedARNs pulumi.StringArray
	for _, s := range a.Secrets {
		for _, r := range s.Readers {
			readers[r] = append(readers[r], made.res[s.Name].Arn)
			replicaRegions[r] = append(replicaRegions[r], s.ReplicaRegion)
		}
		if rotated(s) {
			rotatedARNs = append(rotatedARNs, made.res[s.Name].Arn)
		}
	}
	env := a.Env
	// The key and its replicas, each with its own region in its ARN.
	keys := pulumi.StringArray{a.Key.KeyARN}
	for _, region := range slices.Sorted(maps.Keys(replicaKeys)) {
		keys = append(keys, replicaKeys[region].Arn)
	}
	for _, r := range slices.Sorted(maps.Keys(readers)) {
		regions := replicaRegions[r]
		policy := pulumi.All(readers[r].ToStringArrayOutput(), keys.ToStringArrayOutput()).ApplyT(func(v []any) (string, error) {
			secretARNs := v[0].([]string)
			for i, region := range regions {
				if region != "" {
					secretARNs = append(secretARNs, InRegion(v[0].([]string)[i], region))
				}
			}
			var keyARNs []string
			for _, k := range v[1].([]string) {
				if InRegion(k, env.Region) == k || slices.Contains(regions, strings.SplitN(k, ":", 5)[3]) {
					keyARNs = append(keyARNs, k)
				}
			}
			return ReaderPolicy(secretARNs, keyARNs, env).JSON()
		}).(pulumi.StringOutput)
		if _, err := iam.NewRolePolicy(ctx, b.child("read-"+r), &iam.RolePolicyArgs{
			Role:   a.Readers[r].RoleName,
			Policy: policy,
		}, b.parent); err != nil {
			return nil, err
		}
	}
	if rot == nil {
		return nil, nil
	}
	policy := pulumi.All(rotatedARNs.ToStringArrayOutput(), keys.ToStringArrayOutput(), rot.logGroup.Arn).ApplyT(func(v []any) (string, error) {
		return FunctionPolicy(v[0].([]string), v[1].([]string), v[2].(string), env).JSON()
	}).(pulumi.StringOutput)
	return iam.NewRolePolicy(ctx, b.child("rotation"), &iam.RolePolicyArgs{
		Role:   rot.role.Name,
		Policy: policy,
	}, b.parent)
}

// rotations lets Secrets Manager invoke the function for each rotated
// secret, and schedules the rotation.
func (b *inventoryBuilder) rotations(fn *lambda.Function, made *madeSecrets, rolePolicy *iam.RolePolicy) error {
	a, ctx := b.args, b.ctx
	for _, s := range a.Secrets {
		if !rotated(s) {
			continue
		}
		secret := made.res[s.Name]
		perm, err := lambda.NewPermission(ctx, b.child("rotate-"+s.Name), &lambda.PermissionArgs{
			Action:        pulumi.String("lambda:InvokeFunction"),
			Function:      fn.Name,
			Principal:     pulumi.String(a.Env.GlobalServicePrincipal("secretsmanager")),
			SourceAccount: pulumi.String(a.Env.AccountID),
			SourceArn:     secret.Arn,
		}, b.parent)
		if err != nil {
			return err
		}
		if _, err := secretsmanager.NewSecretRotation(ctx, b.child(s.Name), &secretsmanager.SecretRotationArgs{
			SecretId:          secret.ID(),
			RotationLambdaArn: fn.Arn,
			RotationRules: secretsmanager.SecretRotationRotationRulesArgs{
				AutomaticallyAfterDays: pulumi.Int(s.RotationDays),
			},
			// Every rotated secret gets its first value now.
			RotateImmediately: pulumi.Bool(true),
		}, b.parent, pulumi.DependsOn(rotationDependencies(made, rolePolicy, s, perm))); err != nil {
			return err
		}
	}
	return nil
}

// rotationDependencies are what a secret's rotation schedule waits for: the
// invoke permission, the function's role policy and the secret's policy.
func rotationDependencies(made *madeSecrets, rolePolicy *iam.RolePolicy, s SecretArgs, perm pulumi.Resource) []pulumi.Resource {
	return []pulumi.Resource{perm, rolePolicy, made.policies[s.Name]}
}

// Event patterns of the audit rules.
const (
	// RotationFailurePattern matches failed and abandoned rotations.
	RotationFailurePattern = `{"source":["aws.secretsmanager"],"detail-type":["AWS Service Event via CloudTrail"],"detail":{"eventName":["RotationFailed","RotationAbandoned"]}}`
	// SecretChangePattern matches every write the secret policies guard
	// (WriteActions), recorded by CloudTrail: new values and staging
	// (including the rotation function's, so each rotation is reported),
	// policy and tag changes, deletions, and cancelled rotation or
	// replication.
	SecretChangePattern = `{"source":["aws.secretsmanager"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventSource":["secretsmanager.amazonaws.com"],"eventName":["PutSecretValue","UpdateSecretVersionStage","UpdateSecret","RotateSecret","CancelRotateSecret","PutResourcePolicy","DeleteResourcePolicy","TagResource","UntagResource","DeleteSecret","RestoreSecret","ReplicateSecretToRegions","RemoveRegionsFromReplication","StopReplicationToReplica","ValidateResourcePolicy"]}}`
)

// audit sends rotation failures, secret changes and the function's errors
// to the alerts topic.
func (b *inventoryBuilder) audit(fn *lambda.Function) error {
	a, ctx := b.args, b.ctx
	if len(a.Secrets) == 0 {
		return nil
	}
	for _, r := range []struct{ name, description, pattern string }{
		{"rotation-failed", "Secrets Manager rotation failures", RotationFailurePattern},
		{"secret-changed", "Secrets deleted, their policies changed, rotation or replication cancelled", SecretChangePattern},
	} {
		if err := audit.EventToAlerts(ctx, b.child(r.name), r.description, pulumi.String(r.pattern), a.AlertsTopicARN, a.DeadLetterARN, b.parent); err != nil {
			return err
		}
	}
	if fn == nil {
		return nil
	}
	return audit.AlarmOnAny(ctx, b.child("rotation-errors"), audit.ZeroMetric{
		Description: "The rotation function of " + b.name + " failed",
		Namespace:   "AWS/Lambda", Metric: "Errors", Statistic: "Sum",
		Dimensions: pulumi.StringMap{"FunctionName": fn.Name},
	}, a.AlertsTopicARN, b.parent)
}
