package baseline

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/network"
	"github.com/example/hardening/network/reach"
	"github.com/example/hardening/ratelimit"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/stackconfig"
	"github.com/example/hardening/tls"
)

// Deploy registers the whole stack from a validated configuration and
// exports its outputs. Each step takes the components it needs as
// arguments and returns the one it makes, so a step moved above what it
// needs does not compile; every step's error is wrapped with the step.
func Deploy(ctx *pulumi.Context, cfg *stackconfig.Config) (*Baseline, error) {
	env, err := Lookup(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkBoundary(ctx, cfg, env.Partition); err != nil {
		return nil, err
	}
	external, err := externalValues(ctx, cfg.Secrets)
	if err != nil {
		return nil, err
	}
	d := &deployer{ctx: ctx, cfg: cfg, env: env, name: ctx.Project() + "-" + ctx.Stack()}
	step := func(name string, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	keyArgs := d.keyArgs()
	key, err := secrets.NewKey(ctx, d.name, keyArgs)
	if err := step("key", err); err != nil {
		return nil, err
	}
	alerts, err := d.alerts(key)
	if err := step("alerts", err); err != nil {
		return nil, err
	}
	// The account's bootstrap stack owns the boundary and the CI roles;
	// the stack names them.
	boundary := pulumi.String(identity.BoundaryARN(d.name, env.Env))
	accessLogs, err := d.accessLogs()
	if err := step("access logs", err); err != nil {
		return nil, err
	}
	vpc, err := d.network(key, boundary)
	if err := step("network", err); err != nil {
		return nil, err
	}
	alb, err := d.loadBalancer(vpc, accessLogs)
	if err := step("load balancer", err); err != nil {
		return nil, err
	}
	acl, err := d.webACL(alb, key, alerts)
	if err := step("web ACL", err); err != nil {
		return nil, err
	}
	workloads, err := d.workloads(boundary)
	if err := step("workloads", err); err != nil {
		return nil, err
	}
	pool, err := deployUserPool(ctx, d.name, cfg, alb, boundary)
	if err := step("user pool", err); err != nil {
		return nil, err
	}
	entries := d.inventory(pool, external)
	deployers, refreshers := d.deployers()
	// The break-glass role manages the secrets as a deployer does, but its
	// reads are not the deployers' and stay alarmed.
	breakGlass := pulumi.String(BreakGlassRole(d.cfg, d.ctx.Project(), d.env.Partition))
	inventory, err := d.secrets(entries, keyArgs, key, vpc, alerts, boundary, workloads, append(slices.Clone(deployers), breakGlass), refreshers)
	if err := step("secrets", err); err != nil {
		return nil, err
	}
	trail, err := d.trail(key, boundary, accessLogs)
	if err := step("trail", err); err != nil {
		return nil, err
	}
	// The drift role's reads are a refresh's, as the deployers' are.
	monitoring, err := d.monitoring(trail, inventory, workloads, append(slices.Clone(deployers), refreshers...), alb, alerts)
	if err := step("monitoring", err); err != nil {
		return nil, err
	}
	b := &Baseline{
		Key: key, Alerts: alerts, AccessLogs: accessLogs, Network: vpc, LoadBalancer: alb, WebACL: acl,
		BoundaryARN: boundary, UserPool: pool, Trail: trail, Monitoring: monitoring,
		Workloads: workloads, Secrets: inventory,
	}
	export(ctx, b, entries)
	return b, nil
}

// deployer holds what every step reads and no step changes: the context,
// the validated configuration and the account's environment.
type deployer struct {
	ctx  *pulumi.Context
	cfg  *stackconfig.Config
	env  *Environment
	name string
}

func (d *deployer) keyArgs() *secrets.KeyArgs {
	k := d.cfg.KMS
	args := &secrets.KeyArgs{
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
		args.TrailARN = d.env.ARN("cloudtrail", "trail/"+audit.TrailName(d.name))
	}
	return args
}

func (d *deployer) alerts(key *secrets.Key) (*audit.Alerts, error) {
	return audit.NewAlerts(d.ctx, d.name, &audit.AlertsArgs{
		KeyARN:         key.KeyARN,
		Emails:         d.cfg.Alerts.Emails,
		HTTPSEndpoints: d.cfg.Alerts.HTTPSEndpoints,
		Env:            d.env.Env,
	})
}

func (d *deployer) network(key *secrets.Key, boundary pulumi.StringInput) (*network.VPC, error) {
	args := networkArgs(d.cfg)
	args.AvailabilityZones = d.env.AvailabilityZones
	args.LogKeyARN = key.KeyARN
	args.PermissionsBoundary = boundary
	args.Env = d.env.Env
	return network.NewVPC(d.ctx, d.name, &args)
}

// networkArgs are the VPC's settings that come from the configuration
// alone; the deployment adds the zones, the key, the boundary and the
// account.
func networkArgs(cfg *stackconfig.Config) network.VPCArgs {
	n := cfg.Network
	return network.VPCArgs{
		CIDR:                     n.CIDR,
		NATGateways:              n.NATGateways,
		LoadBalancerIngressCIDRs: n.LoadBalancerIngressCIDRs,
		AppPort:                  n.AppPort,
		DatabasePort:             n.DatabasePort,
		AppHTTPSEgressCIDRs:      n.AppHTTPSEgressCIDRs,
		LoadBalancerSignsIn:      len(cfg.Identity.AuthenticatedPaths) > 0,
		InterfaceEndpoints:       interfaceEndpoints(cfg),
		FlowLogRetentionDays:     n.FlowLogRetentionDays,
		FlowLogArchiveBucketARN:  n.FlowLogArchiveBucketARN,
		Protect:                  cfg.ProtectStateful,
	}
}

// NetworkIntent is the flows the VPC of stack project-stack is meant to
// admit, from the same settings the VPC is built with
// (network.VPCArgs.Intent).
func NetworkIntent(project, stack string, cfg *stackconfig.Config) *reach.Intent {
	if cfg.Kind == stackconfig.Bootstrap {
		return nil // a bootstrap stack has no network
	}
	args := networkArgs(cfg)
	in := args.Intent(project + "-" + stack)
	return &in
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
func (d *deployer) accessLogs() (*audit.AccessLogs, error) {
	return audit.NewAccessLogs(d.ctx, d.name, &audit.AccessLogsArgs{
		SourcePrefix:   d.name + "-",
		ExpirationDays: d.cfg.TLS.LogExpirationDays,
		Env:            d.env.Env,
		Protect:        d.cfg.ProtectStateful,
	})
}

func (d *deployer) loadBalancer(vpc *network.VPC, accessLogs *audit.AccessLogs) (*tls.LoadBalancer, error) {
	t := d.cfg.TLS
	var ca *tls.PrivateCAArgs
	if t.PrivateCA.Enabled {
		ca = &tls.PrivateCAArgs{
			KeyAlgorithm:      t.PrivateCA.KeyAlgorithm,
			CommonName:        fmt.Sprintf("%s private CA", d.name),
			CAValidityHours:   t.PrivateCA.CAValidityHours,
			CertValidityHours: t.PrivateCA.CertValidityHours,
			EarlyRenewalHours: t.PrivateCA.EarlyRenewalHours,
		}
	}
	return tls.NewLoadBalancer(d.ctx, d.name, &tls.LoadBalancerArgs{
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
		AccessLogBucket:    accessLogs.BucketName,
		Env:                d.env.Env,
		Protect:            d.cfg.ProtectStateful,
	})
}

func (d *deployer) webACL(alb *tls.LoadBalancer, key *secrets.Key, alerts *audit.Alerts) (*ratelimit.WebACL, error) {
	rl := d.cfg.RateLimit
	atpPath := ""
	if rl.AccountTakeover.Enabled {
		atpPath = rl.AccountTakeover.LoginPath
	}
	return ratelimit.NewWebACL(d.ctx, d.name, &ratelimit.WebACLArgs{
		LoadBalancerARN:          alb.ARN,
		Mode:                     rl.Mode,
		MetricPrefix:             rl.MetricPrefix,
		IPBlockList:              rl.IPBlockList,
		AnonymousIPList:          rl.AnonymousIPList,
		BotControl:               rl.BotControl,
		AccountTakeoverLoginPath: atpPath,
		Site:                     rl.Site,
		Auth:                     rl.Auth,
		PerUser:                  rl.PerUser.RateRule,
		PerUserKey:               rl.PerUser.Key,
		PerUserKeyName:           rl.PerUser.KeyName,
		MaxBodyKB:                rl.MaxBodyKB,
		ForwardedIPHeader:        rl.ForwardedIPHeader,
		LogKeyARN:                key.KeyARN,
		LogRetentionDays:         rl.LogRetentionDays,
		AlertsTopicARN:           alerts.TopicARN,
		RuleBlockedThreshold:     rl.Alarms.RuleBlocked,
		ACLBlockedThreshold:      rl.Alarms.ACLBlocked,
		Region:                   d.env.Region,
		Protect:                  d.cfg.ProtectStateful,
	})
}

func (d *deployer) workloads(boundary pulumi.StringInput) (map[string]*identity.WorkloadRole, error) {
	out := map[string]*identity.WorkloadRole{}
	for _, w := range d.cfg.Workloads {
		role, err := identity.NewWorkloadRole(d.ctx, d.name+"-"+w.Name, &identity.WorkloadRoleArgs{
			Team: w.Team, Service: w.Service, Env: d.env.Env, PermissionsBoundary: boundary,
		})
		if err != nil {
			return nil, err
		}
		out[w.Name] = role
	}
	return out, nil
}

// inventory is every secret of the stack: the user pool's app client
// secret and the configured ones, with the values of external ones.
func (d *deployer) inventory(pool *identity.UserPool, external map[string]pulumi.StringOutput) []secrets.SecretArgs {
	entries := []secrets.SecretArgs{clientSecretEntry(pool)}
	for _, s := range d.cfg.Secrets.Inventory {
		entries = append(entries, secrets.SecretArgs{
			Name: s.Name, Description: s.Description, Owner: s.Owner, Classification: s.Classification,
			Kind: s.Kind, RotationDays: s.RotationDays, Length: s.Length, Readers: s.Readers,
			ReplicaRegion: s.ReplicaRegion, Value: external[s.Name],
		})
	}
	return entries
}

// deployers are the roles that run `pulumi up`: the configured ones, by
// hand, and the CI deploy role; refreshers the CI drift role, which reads
// back the values Pulumi writes and writes nothing.
func (d *deployer) deployers() (deployers, refreshers pulumi.StringArray) {
	deployers, refreshers = pulumi.ToStringArray(d.cfg.Secrets.Deployers), pulumi.StringArray{}
	if d.cfg.Identity.CI.Repository != "" {
		deployers = append(deployers, pulumi.String(identity.CIRoleARN(d.name, "deploy", d.env.Env)))
		refreshers = append(refreshers, pulumi.String(identity.CIRoleARN(d.name, "drift", d.env.Env)))
	}
	return deployers, refreshers
}

func (d *deployer) secrets(entries []secrets.SecretArgs, keyArgs *secrets.KeyArgs, key *secrets.Key, vpc *network.VPC, alerts *audit.Alerts,
	boundary pulumi.StringInput, workloads map[string]*identity.WorkloadRole, deployers, refreshers pulumi.StringArray) (*secrets.Inventory, error) {
	sc := d.cfg.Secrets
	readers := map[string]secrets.Reader{}
	for name, role := range workloads {
		readers[name] = secrets.Reader{RoleARN: role.RoleARN, RoleName: role.RoleName}
	}
	// Without the endpoint there is no id to wait for: the inventory then
	// refuses rotated secrets, rather than waiting for "".
	var smEndpoint pulumi.StringInput
	if slices.Contains(interfaceEndpoints(d.cfg), stackconfig.SecretsManagerEndpoint) {
		smEndpoint = vpc.InterfaceEndpointIDs.MapIndex(pulumi.String(stackconfig.SecretsManagerEndpoint))
	}
	return secrets.NewInventory(d.ctx, d.name, &secrets.InventoryArgs{
		Secrets:                  entries,
		Readers:                  readers,
		Key:                      key,
		KeyPolicyArgs:            keyArgs,
		RotationArtifact:         sc.RotationArtifact,
		RotationConcurrency:      sc.RotationConcurrency,
		LogRetentionDays:         sc.LogRetentionDays,
		RecoveryWindowDays:       sc.RecoveryWindowDays,
		VPCID:                    vpc.VPCID,
		SubnetIDs:                vpc.PrivateSubnetIDs,
		EndpointSecurityGroupID:  vpc.EndpointSecurityGroupID,
		SecretsManagerEndpointID: smEndpoint,
		AlertsTopicARN:           alerts.TopicARN,
		DeadLetterARN:            alerts.DeadLetterARN,
		Env:                      d.env.Env,
		PermissionsBoundary:      boundary,
		Deployers:                deployers,
		Refreshers:               refreshers,
		DefaultTags:              d.env.DefaultTags,
		Protect:                  d.cfg.ProtectStateful,
	})
}

// StackTagKey is the aws:defaultTags key that tells the stacks of an
// account apart; the CI deploy role is held to resources with its value.
// The configuration requires it of every workload stack.
const StackTagKey = stackconfig.StackTagKey

func (d *deployer) trail(key *secrets.Key, boundary pulumi.StringInput, accessLogs *audit.AccessLogs) (*audit.Trail, error) {
	t := d.cfg.Audit.Trail
	if !t.Enabled {
		return nil, nil
	}
	return audit.NewTrail(d.ctx, d.name, &audit.TrailArgs{
		KeyARN:               key.KeyARN,
		LogRetentionDays:     t.LogRetentionDays,
		BucketExpirationDays: t.BucketExpirationDays,
		ObjectLockDays:       t.ObjectLockDays,
		Env:                  d.env.Env,
		PermissionsBoundary:  boundary,
		Protect:              d.cfg.ProtectStateful,
		AccessLogBucket:      accessLogs.BucketName,
	})
}

func (d *deployer) monitoring(trail *audit.Trail, inventory *secrets.Inventory, workloads map[string]*identity.WorkloadRole,
	deployers pulumi.StringArray, alb *tls.LoadBalancer, alerts *audit.Alerts) (*audit.Monitoring, error) {
	au := d.cfg.Audit
	var trailLogGroup pulumi.StringInput
	if trail != nil {
		trailLogGroup = trail.LogGroupName
	} else if au.Trail.LogGroupName != "" {
		trailLogGroup = pulumi.String(au.Trail.LogGroupName)
	}
	// The roles that may read the stack's secrets: the rotation function's
	// and the workloads that read any.
	secretReaders := pulumi.StringArray{inventory.RotationRoleARN}
	for _, w := range d.cfg.Workloads {
		if slices.ContainsFunc(d.cfg.Secrets.Inventory, func(s stackconfig.Secret) bool { return slices.Contains(s.Readers, w.Name) }) {
			secretReaders = append(secretReaders, workloads[w.Name].RoleARN)
		}
	}
	return audit.NewMonitoring(d.ctx, d.name, &audit.MonitoringArgs{
		TrailLogGroupName:     trailLogGroup,
		SecretNamePrefix:      d.name + "/",
		SecretReaders:         secretReaders,
		SecretDeployers:       deployers,
		GuardDuty:             au.GuardDuty,
		SecurityHub:           au.SecurityHub,
		RegionProviders:       inventory.RegionProviders,
		CertificateARNs:       []pulumi.StringInput{alb.CertificateARN},
		CertificateExpiryDays: au.CertificateExpiryDays,
		AlertsTopicARN:        alerts.TopicARN,
		DeadLetterARN:         alerts.DeadLetterARN,
		Env:                   d.env.Env,
	})
}

// export sets the stack outputs. None holds a secret value in plain text:
// the client key is a secret output, the Cognito client secret is not
// exported at all.
func export(ctx *pulumi.Context, b *Baseline, entries []secrets.SecretArgs) {
	vpc, alb := b.Network, b.LoadBalancer
	workloadARNs := pulumi.StringMap{}
	for name, w := range b.Workloads {
		workloadARNs[name] = w.RoleARN
	}
	ctx.Export("kmsKeyArn", b.Key.KeyARN)
	ctx.Export("alertsTopicArn", b.Alerts.TopicARN)
	ctx.Export("permissionsBoundaryArn", b.BoundaryARN)
	ctx.Export("userPoolId", b.UserPool.UserPoolID)
	ctx.Export("userPoolClientId", b.UserPool.ClientID)
	ctx.Export("identityPoolId", b.UserPool.IdentityPoolID)
	ctx.Export("groupRoleArns", b.UserPool.GroupRoleARNs)
	ctx.Export("webAclArn", b.WebACL.ARN)
	if b.Trail != nil {
		ctx.Export("trailArn", b.Trail.TrailARN)
		ctx.Export("trailBucketName", b.Trail.BucketName)
	}
	ctx.Export("wafLogGroupName", b.WebACL.LogGroupName)
	ctx.Export("workloadRoleArns", workloadARNs)
	ctx.Export("secretArns", b.Secrets.SecretARNs)
	ctx.Export("secretInventory", inventoryReport(entries))
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
	// What cmd/verify checks in the account beyond the resources above:
	// the hosted UI the sign-in paths redirect to, the buckets that must
	// not be public, and the account-wide detection the stack owns.
	ctx.Export("userPoolDomain", b.UserPool.Domain)
	ctx.Export("loadBalancerLogBucketName", alb.LogBucket)
	ctx.Export("accessLogBucketName", b.AccessLogs.BucketName)
	// "" and [] where the stack leaves GuardDuty and Security Hub to the
	// account or organization.
	ctx.Export("guardDutyDetectorId", b.Monitoring.DetectorID)
	ctx.Export("securityHubStandardsArns", b.Monitoring.StandardsARNs)
}
