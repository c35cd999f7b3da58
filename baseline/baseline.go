// Package baseline composes every component of the hardening baseline into
// one stack. main.go and the tests both run it, so what the tests check is
// what `pulumi up` deploys.
package baseline

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/awsenv"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/network"
	"github.com/example/hardening/ratelimit"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/stackconfig"
	"github.com/example/hardening/tls"
)

// Environment is what the program looks up about the account and region
// before it registers anything.
type Environment struct {
	awsenv.Env
	AvailabilityZones []string
}

// Lookup reads the Environment through provider invokes. It registers no
// resource, so a failure here leaves nothing half-created.
func Lookup(ctx *pulumi.Context, cfg *stackconfig.Config) (*Environment, error) {
	caller, err := aws.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("look up caller identity: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("look up partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("look up region: %w", err)
	}
	state := "available"
	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: &state})
	if err != nil {
		return nil, fmt.Errorf("look up availability zones: %w", err)
	}
	var errs []error
	if len(zones.Names) < cfg.Network.AZCount {
		errs = append(errs, fmt.Errorf("network.azCount: %d zones asked for, but region %s has %d available (%v); use at most %d",
			cfg.Network.AZCount, region.Name, len(zones.Names), zones.Names, len(zones.Names)))
	}
	for i, s := range cfg.Secrets.Inventory {
		if s.ReplicaRegion == region.Name {
			errs = append(errs, fmt.Errorf("secrets.inventory[%d].replicaRegion: %s is the stack's own region; name another region", i, s.ReplicaRegion))
		}
	}
	errs = append(errs, checkArtifact(cfg.Secrets))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &Environment{
		Env:               awsenv.Env{AccountID: caller.AccountId, Partition: partition.Partition, Region: region.Name},
		AvailabilityZones: zones.Names[:cfg.Network.AZCount],
	}, nil
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
	Network      *network.Vpc
	LoadBalancer *tls.LoadBalancer
	WebACL       *ratelimit.WebACL
	Boundary     *identity.Boundary
	UserPool     *identity.UserPool
	CI           *identity.CIRoles
	Trail        *audit.Trail
	Monitoring   *audit.Monitoring
	Workloads    map[string]*identity.WorkloadRole
	Secrets      *secrets.Inventory
}

// Deploy registers the whole stack from a validated configuration and
// exports its outputs.
func Deploy(ctx *pulumi.Context, cfg *stackconfig.Config) (*Baseline, error) {
	env, err := Lookup(ctx, cfg)
	if err != nil {
		return nil, err
	}
	external, err := externalValues(ctx, cfg.Secrets)
	if err != nil {
		return nil, err
	}
	name := ctx.Project() + "-" + ctx.Stack()
	keyArgs := &secrets.KeyArgs{
		Description:        fmt.Sprintf("Secrets and logs of the %s/%s stack", ctx.Project(), ctx.Stack()),
		RotationPeriodDays: cfg.KMS.RotationPeriodDays,
		DeletionWindowDays: cfg.KMS.DeletionWindowDays,
		Administrators:     cfg.KMS.Administrators,
		MultiRegion:        cfg.KMS.MultiRegion,
		Env:                env.Env,
		Protect:            cfg.ProtectStateful,
	}
	key, err := secrets.NewKey(ctx, name, keyArgs)
	if err != nil {
		return nil, err
	}
	alerts, err := audit.NewAlerts(ctx, name, &audit.AlertsArgs{
		KeyARN:         key.KeyARN,
		Emails:         cfg.Alerts.Emails,
		HTTPSEndpoints: cfg.Alerts.HTTPSEndpoints,
		Env:            env.Env,
	})
	if err != nil {
		return nil, err
	}
	boundary, err := identity.NewBoundary(ctx, name, &identity.BoundaryArgs{
		Allow:       boundaryActions(cfg),
		Regions:     stackRegions(cfg, env.Region),
		KeyID:       key.KeyID,
		StateKeyARN: cfg.Identity.CI.StateKeyARN,
		Env:         env.Env,
	})
	if err != nil {
		return nil, err
	}
	n := cfg.Network
	vpc, err := network.NewVpc(ctx, name, &network.VpcArgs{
		CIDR:                     n.CIDR,
		AvailabilityZones:        env.AvailabilityZones,
		SingleNATGateway:         n.NATGateways == stackconfig.NATSingle,
		LoadBalancerIngressCIDRs: n.LoadBalancerIngressCIDRs,
		AppPort:                  n.AppPort,
		DatabasePort:             n.DatabasePort,
		AppHTTPSEgressCIDRs:      n.AppHTTPSEgressCIDRs,
		LoadBalancerSignsIn:      len(cfg.Identity.AuthenticatedPaths) > 0,
		InterfaceEndpoints:       n.InterfaceEndpoints,
		FlowLogRetentionDays:     n.FlowLogRetentionDays,
		LogKeyARN:                key.KeyARN,
		PermissionsBoundary:      boundary.PolicyARN,
		Env:                      env.Env,
		Protect:                  cfg.ProtectStateful,
	})
	if err != nil {
		return nil, err
	}

	t := cfg.TLS
	var ca *tls.PrivateCAArgs
	if t.PrivateCA.Enabled {
		ca = &tls.PrivateCAArgs{
			RSA:               t.PrivateCA.KeyAlgorithm == "RSA_3072",
			CommonName:        fmt.Sprintf("%s private CA", name),
			CAValidityHours:   t.PrivateCA.CAValidityHours,
			CertValidityHours: t.PrivateCA.CertValidityHours,
			EarlyRenewalHours: t.PrivateCA.EarlyRenewalHours,
		}
	}
	alb, err := tls.NewLoadBalancer(ctx, name, &tls.LoadBalancerArgs{
		Domain:             t.Domain,
		AlternativeNames:   t.AlternativeNames,
		HostedZoneID:       t.HostedZoneID,
		KeyAlgorithm:       t.KeyAlgorithm,
		ServerName:         t.PrivateCA.ServerName,
		SSLPolicy:          t.SSLPolicy,
		PrivateCA:          ca,
		MutualTLS:          t.MutualTLS.Enabled,
		CABundlePEM:        t.MutualTLS.CABundlePEM,
		ClientName:         t.MutualTLS.ClientName,
		VPCID:              vpc.VPCID,
		PublicSubnetIDs:    vpc.PublicSubnetIDs,
		SecurityGroupID:    vpc.LoadBalancerSecurityGroupID,
		ZoneCount:          len(env.AvailabilityZones),
		TargetPort:         t.TargetPort,
		HealthCheckPath:    t.HealthCheckPath,
		DeletionProtection: t.DeletionProtection,
		LogExpirationDays:  t.LogExpirationDays,
		Env:                env.Env,
		Protect:            cfg.ProtectStateful,
	})
	if err != nil {
		return nil, err
	}

	rl := cfg.RateLimit
	atpPath := ""
	if rl.AccountTakeover.Enabled {
		atpPath = rl.AccountTakeover.LoginPath
	}
	acl, err := ratelimit.NewWebACL(ctx, name, &ratelimit.WebACLArgs{
		LoadBalancerARN:          alb.ARN,
		Count:                    rl.Mode == stackconfig.ModeCount,
		MetricPrefix:             rl.MetricPrefix,
		IPBlockList:              rl.IPBlockList,
		AnonymousIPList:          rl.AnonymousIPList,
		BotControl:               rl.BotControl,
		AccountTakeoverLoginPath: atpPath,
		Site:                     ratelimit.RateRule(rl.Site),
		Auth:                     ratelimit.RateRule(rl.Auth),
		PerUser:                  ratelimit.RateRule(rl.PerUser.RateRule),
		PerUserCookie:            rl.PerUser.Key == stackconfig.KeyCookie,
		PerUserKeyName:           rl.PerUser.KeyName,
		ForwardedIPHeader:        rl.ForwardedIPHeader,
		LogKeyARN:                key.KeyARN,
		LogRetentionDays:         rl.LogRetentionDays,
		AlertsTopicARN:           alerts.TopicARN,
		RuleBlockedThreshold:     rl.Alarms.RuleBlocked,
		ACLBlockedThreshold:      rl.Alarms.ACLBlocked,
		Region:                   env.Region,
		Protect:                  cfg.ProtectStateful,
	})
	if err != nil {
		return nil, err
	}

	workloads := map[string]*identity.WorkloadRole{}
	readers := map[string]secrets.Reader{}
	workloadARNs := pulumi.StringMap{}
	for _, w := range cfg.Workloads {
		role, err := identity.NewWorkloadRole(ctx, name+"-"+w.Name, &identity.WorkloadRoleArgs{
			Team: w.Team, Service: w.Service, Env: env.Env, PermissionsBoundary: boundary.PolicyARN,
		})
		if err != nil {
			return nil, err
		}
		workloads[w.Name] = role
		readers[w.Name] = secrets.Reader{RoleARN: role.RoleARN, RoleName: role.RoleName}
		workloadARNs[w.Name] = role.RoleARN
	}
	sc := cfg.Secrets
	pool, err := deployUserPool(ctx, name, cfg, alb, boundary)
	if err != nil {
		return nil, err
	}
	entries := []secrets.SecretArgs{clientSecretEntry(pool)}
	for _, s := range sc.Inventory {
		entries = append(entries, secrets.SecretArgs{
			Name: s.Name, Description: s.Description, Owner: s.Owner, Classification: s.Classification,
			Kind: s.Kind, RotationDays: s.RotationDays, Length: s.Length, Readers: s.Readers,
			ReplicaRegion: s.ReplicaRegion, Value: external[s.Name],
		})
	}
	inventory, err := secrets.NewInventory(ctx, name, &secrets.InventoryArgs{
		Secrets:                 entries,
		Readers:                 readers,
		Key:                     key,
		KeyPolicyArgs:           keyArgs,
		RotationArtifact:        sc.RotationArtifact,
		RotationConcurrency:     sc.RotationConcurrency,
		LogRetentionDays:        sc.LogRetentionDays,
		RecoveryWindowDays:      sc.RecoveryWindowDays,
		VPCID:                   vpc.VPCID,
		SubnetIDs:               vpc.PrivateSubnetIDs,
		EndpointSecurityGroupID: vpc.EndpointSecurityGroupID,
		AlertsTopicARN:          alerts.TopicARN,
		Env:                     env.Env,
		PermissionsBoundary:     boundary.PolicyARN,
		Protect:                 cfg.ProtectStateful,
	})
	if err != nil {
		return nil, err
	}

	var ci *identity.CIRoles
	if c := cfg.Identity.CI; c.Repository != "" {
		ci, err = identity.NewCIRoles(ctx, name, &identity.CIRolesArgs{
			Repository: c.Repository, Branch: c.Branch, Environment: c.Environment,
			CreateProvider: c.CreateProvider, StateBucket: c.StateBucket, StateKeyARN: c.StateKeyARN,
			BoundaryARN: boundary.PolicyARN, Component: name, Env: env.Env,
		})
		if err != nil {
			return nil, err
		}
	}
	if cfg.Identity.AccountGuardrails {
		if _, err := identity.NewAccountGuardrails(ctx, name); err != nil {
			return nil, err
		}
	}

	au := cfg.Audit
	var trail *audit.Trail
	var trailLogGroup pulumi.StringInput
	if au.Trail.Enabled {
		trail, err = audit.NewTrail(ctx, name, &audit.TrailArgs{
			KeyARN:               key.KeyARN,
			LogRetentionDays:     au.Trail.LogRetentionDays,
			BucketExpirationDays: au.Trail.BucketExpirationDays,
			Env:                  env.Env,
			PermissionsBoundary:  boundary.PolicyARN,
			Protect:              cfg.ProtectStateful,
		})
		if err != nil {
			return nil, err
		}
		trailLogGroup = trail.LogGroupName
	} else if au.Trail.LogGroupName != "" {
		trailLogGroup = pulumi.String(au.Trail.LogGroupName)
	}
	secretReaders := pulumi.StringArray{inventory.RotationRoleARN}
	for _, w := range cfg.Workloads {
		if slices.ContainsFunc(sc.Inventory, func(s stackconfig.Secret) bool { return slices.Contains(s.Readers, w.Name) }) {
			secretReaders = append(secretReaders, workloads[w.Name].RoleARN)
		}
	}
	monitoring, err := audit.NewMonitoring(ctx, name, &audit.MonitoringArgs{
		TrailLogGroupName:     trailLogGroup,
		SecretNamePrefix:      name + "/",
		SecretReaders:         secretReaders,
		GuardDuty:             au.GuardDuty,
		SecurityHub:           au.SecurityHub,
		CertificateARNs:       []pulumi.StringInput{alb.CertificateARN},
		CertificateExpiryDays: au.CertificateExpiryDays,
		AlertsTopicARN:        alerts.TopicARN,
		Env:                   env.Env,
	})
	if err != nil {
		return nil, err
	}

	ctx.Export("kmsKeyArn", key.KeyARN)
	ctx.Export("alertsTopicArn", alerts.TopicARN)
	ctx.Export("permissionsBoundaryArn", boundary.PolicyARN)
	ctx.Export("userPoolId", pool.UserPoolID)
	ctx.Export("userPoolClientId", pool.ClientID)
	ctx.Export("identityPoolId", pool.IdentityPoolID)
	ctx.Export("groupRoleArns", pool.GroupRoleARNs)
	if ci != nil {
		ctx.Export("ciPreviewRoleArn", ci.PreviewRoleARN)
		ctx.Export("ciDeployRoleArn", ci.DeployRoleARN)
	}
	ctx.Export("webAclArn", acl.ARN)
	if trail != nil {
		ctx.Export("trailArn", trail.TrailARN)
		ctx.Export("trailBucketName", trail.BucketName)
	}
	ctx.Export("wafLogGroupName", acl.LogGroupName)
	ctx.Export("workloadRoleArns", workloadARNs)
	ctx.Export("secretArns", inventory.SecretARNs)
	ctx.Export("secretInventory", inventoryReport(entries))
	ctx.Export("rotationFunctionArn", inventory.RotationFunctionARN)
	ctx.Export("vpcId", vpc.VPCID)
	ctx.Export("publicSubnetIds", vpc.PublicSubnetIDs)
	ctx.Export("privateSubnetIds", vpc.PrivateSubnetIDs)
	ctx.Export("isolatedSubnetIds", vpc.IsolatedSubnetIDs)
	ctx.Export("securityGroupIds", pulumi.StringMap{
		"loadBalancer": vpc.LoadBalancerSecurityGroupID,
		"app":          vpc.AppSecurityGroupID,
		"data":         vpc.DataSecurityGroupID,
		"endpoints":    vpc.EndpointSecurityGroupID,
	})
	ctx.Export("flowLogGroupName", vpc.FlowLogGroupName)
	ctx.Export("loadBalancerDnsName", alb.DNSName)
	ctx.Export("loadBalancerArn", alb.ARN)
	ctx.Export("listenerArns", pulumi.StringMap{"http": alb.HTTPListenerARN, "https": alb.HTTPSListenerARN})
	ctx.Export("certificateArn", alb.CertificateARN)
	ctx.Export("caCertificatePem", alb.CACertificatePEM)
	ctx.Export("clientCertificatePem", alb.ClientCertificatePEM)
	ctx.Export("clientPrivateKeyPem", alb.ClientPrivateKeyPEM)
	return &Baseline{Key: key, Alerts: alerts, Network: vpc, LoadBalancer: alb, WebACL: acl, Boundary: boundary, UserPool: pool, CI: ci, Trail: trail, Monitoring: monitoring, Workloads: workloads, Secrets: inventory}, nil
}

// externalValues reads the value of each external secret as a secret
// output. Validation has checked that each is set and secure.
func externalValues(ctx *pulumi.Context, s stackconfig.Secrets) (map[string]pulumi.StringOutput, error) {
	c := config.New(ctx, stackconfig.Namespace)
	values := map[string]pulumi.StringOutput{}
	for _, e := range s.Inventory {
		if e.Kind != stackconfig.KindExternal {
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
		if s.Kind == stackconfig.KindExternal {
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
	cfg, err := stackconfig.Load(ctx)
	if err != nil {
		return err
	}
	_, err = Deploy(ctx, cfg)
	return err
}
