package baseline

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/network"
	"github.com/example/hardening/ratelimit"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/stackconfig"
	"github.com/example/hardening/tls"
)

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
	d := &deployer{ctx: ctx, cfg: cfg, env: env, name: ctx.Project() + "-" + ctx.Stack(), external: external}
	// In dependency order: the key and the alerts topic serve everything,
	// the boundary every role.
	for _, step := range []func() error{
		d.key, d.alerts, d.boundary, d.accessLogs, d.network, d.loadBalancer, d.webACL,
		d.workloads, d.userPool, d.ci, d.secrets, d.guardrails, d.audit,
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	d.export()
	return &d.b, nil
}

// deployer holds what the steps of Deploy share.
type deployer struct {
	ctx      *pulumi.Context
	cfg      *stackconfig.Config
	env      *Environment
	name     string
	external map[string]pulumi.StringOutput

	keyArgs *secrets.KeyArgs
	readers map[string]secrets.Reader
	entries []secrets.SecretArgs
	b       Baseline
}

func (d *deployer) key() error {
	k := d.cfg.KMS
	d.keyArgs = &secrets.KeyArgs{
		Description:        fmt.Sprintf("Secrets and logs of the %s/%s stack", d.ctx.Project(), d.ctx.Stack()),
		RotationPeriodDays: k.RotationPeriodDays,
		DeletionWindowDays: k.DeletionWindowDays,
		Administrators:     k.Administrators,
		MultiRegion:        k.MultiRegion,
		Env:                d.env.Env,
		Protect:            d.cfg.ProtectStateful,
		AlertsTopicARN:     d.env.ARN("sns", audit.TopicName(d.name)),
	}
	if d.cfg.Audit.Trail.Enabled {
		d.keyArgs.TrailARN = d.env.ARN("cloudtrail", "trail/"+audit.TrailName(d.name))
	}
	var err error
	d.b.Key, err = secrets.NewKey(d.ctx, d.name, d.keyArgs)
	return err
}

func (d *deployer) alerts() error {
	var err error
	d.b.Alerts, err = audit.NewAlerts(d.ctx, d.name, &audit.AlertsArgs{
		KeyARN:         d.b.Key.KeyARN,
		Emails:         d.cfg.Alerts.Emails,
		HTTPSEndpoints: d.cfg.Alerts.HTTPSEndpoints,
		Env:            d.env.Env,
	})
	return err
}

func (d *deployer) boundary() error {
	var err error
	d.b.Boundary, err = identity.NewBoundary(d.ctx, d.name, &identity.BoundaryArgs{
		Allow:       boundaryActions(d.cfg),
		Regions:     stackRegions(d.cfg, d.env.Region),
		KeyID:       d.b.Key.KeyID,
		StateKeyARN: d.cfg.Identity.CI.StateKeyARN,
		Env:         d.env.Env,
	})
	return err
}

func (d *deployer) network() error {
	n := d.cfg.Network
	var err error
	d.b.Network, err = network.NewVpc(d.ctx, d.name, &network.VpcArgs{
		CIDR:                     n.CIDR,
		AvailabilityZones:        d.env.AvailabilityZones,
		SingleNATGateway:         n.NATGateways == stackconfig.NATSingle,
		LoadBalancerIngressCIDRs: n.LoadBalancerIngressCIDRs,
		AppPort:                  n.AppPort,
		DatabasePort:             n.DatabasePort,
		AppHTTPSEgressCIDRs:      n.AppHTTPSEgressCIDRs,
		LoadBalancerSignsIn:      len(d.cfg.Identity.AuthenticatedPaths) > 0,
		InterfaceEndpoints:       interfaceEndpoints(d.cfg),
		FlowLogRetentionDays:     n.FlowLogRetentionDays,
		LogKeyARN:                d.b.Key.KeyARN,
		PermissionsBoundary:      d.b.Boundary.PolicyARN,
		Env:                      d.env.Env,
		Protect:                  d.cfg.ProtectStateful,
	})
	return err
}

// WorkloadEndpoints are the interface endpoints a kind of workload needs
// in subnets without internet access: ECS tasks pull images from ECR
// (ecr.api for the token, ecr.dkr for the registry; the layers come from
// S3 through the gateway endpoint) and ship logs (Amazon ECR user guide,
// "Amazon ECR interface VPC endpoints").
var WorkloadEndpoints = map[string][]string{
	"ecs-tasks.amazonaws.com": {"ecr.api", "ecr.dkr", "logs"},
}

// interfaceEndpoints are the configured endpoints and those the declared
// workloads need, in order, each once.
func interfaceEndpoints(cfg *stackconfig.Config) []string {
	out := slices.Clone(cfg.Network.InterfaceEndpoints)
	for _, w := range cfg.Workloads {
		for _, svc := range WorkloadEndpoints[w.Service] {
			if !slices.Contains(out, svc) {
				out = append(out, svc)
			}
		}
	}
	return out
}

// accessLogs creates the bucket every other bucket's server access logs go
// to; they are request logs, kept as long as the load balancer's.
func (d *deployer) accessLogs() error {
	var err error
	d.b.AccessLogs, err = audit.NewAccessLogs(d.ctx, d.name, &audit.AccessLogsArgs{
		SourcePrefix:   d.name + "-",
		ExpirationDays: d.cfg.TLS.LogExpirationDays,
		Env:            d.env.Env,
		Protect:        d.cfg.ProtectStateful,
	})
	return err
}

func (d *deployer) loadBalancer() error {
	t, vpc := d.cfg.TLS, d.b.Network
	var ca *tls.PrivateCAArgs
	if t.PrivateCA.Enabled {
		ca = &tls.PrivateCAArgs{
			RSA:               t.PrivateCA.KeyAlgorithm == "RSA_3072",
			CommonName:        fmt.Sprintf("%s private CA", d.name),
			CAValidityHours:   t.PrivateCA.CAValidityHours,
			CertValidityHours: t.PrivateCA.CertValidityHours,
			EarlyRenewalHours: t.PrivateCA.EarlyRenewalHours,
		}
	}
	var err error
	d.b.LoadBalancer, err = tls.NewLoadBalancer(d.ctx, d.name, &tls.LoadBalancerArgs{
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
		ZoneCount:          len(d.env.AvailabilityZones),
		TargetPort:         t.TargetPort,
		HealthCheckPath:    t.HealthCheckPath,
		DeletionProtection: t.DeletionProtection,
		LogExpirationDays:  t.LogExpirationDays,
		AccessLogBucket:    d.b.AccessLogs.BucketName,
		Env:                d.env.Env,
		Protect:            d.cfg.ProtectStateful,
	})
	return err
}

func (d *deployer) webACL() error {
	rl := d.cfg.RateLimit
	atpPath := ""
	if rl.AccountTakeover.Enabled {
		atpPath = rl.AccountTakeover.LoginPath
	}
	var err error
	d.b.WebACL, err = ratelimit.NewWebACL(d.ctx, d.name, &ratelimit.WebACLArgs{
		LoadBalancerARN:          d.b.LoadBalancer.ARN,
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
		LogKeyARN:                d.b.Key.KeyARN,
		LogRetentionDays:         rl.LogRetentionDays,
		AlertsTopicARN:           d.b.Alerts.TopicARN,
		RuleBlockedThreshold:     rl.Alarms.RuleBlocked,
		ACLBlockedThreshold:      rl.Alarms.ACLBlocked,
		Region:                   d.env.Region,
		Protect:                  d.cfg.ProtectStateful,
	})
	return err
}

func (d *deployer) workloads() error {
	d.b.Workloads = map[string]*identity.WorkloadRole{}
	d.readers = map[string]secrets.Reader{}
	for _, w := range d.cfg.Workloads {
		role, err := identity.NewWorkloadRole(d.ctx, d.name+"-"+w.Name, &identity.WorkloadRoleArgs{
			Team: w.Team, Service: w.Service, Env: d.env.Env, PermissionsBoundary: d.b.Boundary.PolicyARN,
		})
		if err != nil {
			return err
		}
		d.b.Workloads[w.Name] = role
		d.readers[w.Name] = secrets.Reader{RoleARN: role.RoleARN, RoleName: role.RoleName}
	}
	return nil
}

func (d *deployer) userPool() error {
	var err error
	d.b.UserPool, err = deployUserPool(d.ctx, d.name, d.cfg, d.b.LoadBalancer, d.b.Boundary)
	return err
}

func (d *deployer) secrets() error {
	sc, vpc := d.cfg.Secrets, d.b.Network
	d.entries = []secrets.SecretArgs{clientSecretEntry(d.b.UserPool)}
	for _, s := range sc.Inventory {
		d.entries = append(d.entries, secrets.SecretArgs{
			Name: s.Name, Description: s.Description, Owner: s.Owner, Classification: s.Classification,
			Kind: s.Kind, RotationDays: s.RotationDays, Length: s.Length, Readers: s.Readers,
			ReplicaRegion: s.ReplicaRegion, Value: d.external[s.Name],
		})
	}
	var err error
	d.b.Secrets, err = secrets.NewInventory(d.ctx, d.name, &secrets.InventoryArgs{
		Secrets:                  d.entries,
		Readers:                  d.readers,
		Key:                      d.b.Key,
		KeyPolicyArgs:            d.keyArgs,
		RotationArtifact:         sc.RotationArtifact,
		RotationConcurrency:      sc.RotationConcurrency,
		LogRetentionDays:         sc.LogRetentionDays,
		RecoveryWindowDays:       sc.RecoveryWindowDays,
		VPCID:                    vpc.VPCID,
		SubnetIDs:                vpc.PrivateSubnetIDs,
		EndpointSecurityGroupID:  vpc.EndpointSecurityGroupID,
		SecretsManagerEndpointID: vpc.InterfaceEndpointIDs.MapIndex(pulumi.String("secretsmanager")),
		AlertsTopicARN:           d.b.Alerts.TopicARN,
		DeadLetterARN:            d.b.Alerts.DeadLetterARN,
		Env:                      d.env.Env,
		PermissionsBoundary:      d.b.Boundary.PolicyARN,
		Deployers:                d.deployers(),
		DefaultTags:              d.env.DefaultTags,
		Protect:                  d.cfg.ProtectStateful,
	})
	return err
}

// StackTagKey is the aws:defaultTags key that tells the stacks of an
// account apart; the CI deploy role is held to resources with its value.
const StackTagKey = "environment"

// deployers are the configured roles that run `pulumi up` by hand and the
// CI deploy role.
func (d *deployer) deployers() pulumi.StringArray {
	out := pulumi.ToStringArray(d.cfg.Secrets.Deployers)
	if d.b.CI != nil {
		out = append(out, d.b.CI.DeployRoleARN)
	}
	return out
}

func (d *deployer) ci() error {
	c := d.cfg.Identity.CI
	if c.Repository == "" {
		return nil
	}
	var err error
	d.b.CI, err = identity.NewCIRoles(d.ctx, d.name, &identity.CIRolesArgs{
		Repository: c.Repository, Branch: c.Branch, Environment: c.Environment, PreviewEnvironment: c.PreviewEnvironment,
		CreateProvider: c.CreateProvider, StateBucket: c.StateBucket, StateKeyARN: c.StateKeyARN,
		BoundaryARN: d.b.Boundary.PolicyARN, Component: d.name, Env: d.env.Env,
		StackTagKey: StackTagKey, StackTagValue: d.env.DefaultTags[StackTagKey],
	})
	return err
}

func (d *deployer) guardrails() error {
	if !d.cfg.Identity.AccountGuardrails {
		return nil
	}
	aa := d.cfg.Identity.AccessAnalyzers
	// The stack's own region first; the rest get an analyzer each.
	regions := slices.DeleteFunc(stackRegions(d.cfg, d.env.Region), func(r string) bool { return r == d.env.Region })
	_, err := identity.NewAccountGuardrails(d.ctx, d.name, &identity.AccountGuardrailsArgs{
		ExternalAccessAnalyzer: aa.External, UnusedAccessAnalyzer: aa.Unused,
		OtherRegions: regions, DefaultTags: d.env.DefaultTags,
	})
	return err
}

func (d *deployer) audit() error {
	au := d.cfg.Audit
	var trailLogGroup pulumi.StringInput
	if au.Trail.Enabled {
		var err error
		d.b.Trail, err = audit.NewTrail(d.ctx, d.name, &audit.TrailArgs{
			KeyARN:               d.b.Key.KeyARN,
			LogRetentionDays:     au.Trail.LogRetentionDays,
			BucketExpirationDays: au.Trail.BucketExpirationDays,
			ObjectLockDays:       au.Trail.ObjectLockDays,
			Env:                  d.env.Env,
			PermissionsBoundary:  d.b.Boundary.PolicyARN,
			Protect:              d.cfg.ProtectStateful,
			AccessLogBucket:      d.b.AccessLogs.BucketName,
		})
		if err != nil {
			return err
		}
		trailLogGroup = d.b.Trail.LogGroupName
	} else if au.Trail.LogGroupName != "" {
		trailLogGroup = pulumi.String(au.Trail.LogGroupName)
	}
	// The roles that may read the stack's secrets: the rotation function's
	// and the workloads that read any.
	secretReaders := pulumi.StringArray{d.b.Secrets.RotationRoleARN}
	for _, w := range d.cfg.Workloads {
		if slices.ContainsFunc(d.cfg.Secrets.Inventory, func(s stackconfig.Secret) bool { return slices.Contains(s.Readers, w.Name) }) {
			secretReaders = append(secretReaders, d.b.Workloads[w.Name].RoleARN)
		}
	}
	var err error
	d.b.Monitoring, err = audit.NewMonitoring(d.ctx, d.name, &audit.MonitoringArgs{
		TrailLogGroupName:     trailLogGroup,
		SecretNamePrefix:      d.name + "/",
		SecretReaders:         secretReaders,
		GuardDuty:             au.GuardDuty,
		SecurityHub:           au.SecurityHub,
		CertificateARNs:       []pulumi.StringInput{d.b.LoadBalancer.CertificateARN},
		CertificateExpiryDays: au.CertificateExpiryDays,
		AlertsTopicARN:        d.b.Alerts.TopicARN,
		DeadLetterARN:         d.b.Alerts.DeadLetterARN,
		Env:                   d.env.Env,
	})
	return err
}

// export sets the stack outputs. None holds a secret value in plain text:
// the client key is a secret output, the Cognito client secret is not
// exported at all.
func (d *deployer) export() {
	ctx, b := d.ctx, &d.b
	vpc, alb := b.Network, b.LoadBalancer
	workloadARNs := pulumi.StringMap{}
	for name, w := range b.Workloads {
		workloadARNs[name] = w.RoleARN
	}
	ctx.Export("kmsKeyArn", b.Key.KeyARN)
	ctx.Export("alertsTopicArn", b.Alerts.TopicARN)
	ctx.Export("permissionsBoundaryArn", b.Boundary.PolicyARN)
	ctx.Export("userPoolId", b.UserPool.UserPoolID)
	ctx.Export("userPoolClientId", b.UserPool.ClientID)
	ctx.Export("identityPoolId", b.UserPool.IdentityPoolID)
	ctx.Export("groupRoleArns", b.UserPool.GroupRoleARNs)
	if b.CI != nil {
		ctx.Export("ciPreviewRoleArn", b.CI.PreviewRoleARN)
		ctx.Export("ciDeployRoleArn", b.CI.DeployRoleARN)
	}
	ctx.Export("webAclArn", b.WebACL.ARN)
	if b.Trail != nil {
		ctx.Export("trailArn", b.Trail.TrailARN)
		ctx.Export("trailBucketName", b.Trail.BucketName)
	}
	ctx.Export("wafLogGroupName", b.WebACL.LogGroupName)
	ctx.Export("workloadRoleArns", workloadARNs)
	ctx.Export("secretArns", b.Secrets.SecretARNs)
	ctx.Export("secretInventory", inventoryReport(d.entries))
	ctx.Export("rotationFunctionArn", b.Secrets.RotationFunctionARN)
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
}
