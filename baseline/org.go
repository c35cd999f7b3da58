package baseline

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/organizations"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/fleet"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/logbucket"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/stackconfig"
)

// orgKind returns the stack's kind when it is one of the organization's
// (org, security, log-archive), which stackconfig does not read.
func orgKind(ctx *pulumi.Context) string {
	kind := config.Get(ctx, stackconfig.Namespace+":kind")
	if fleet.IsOrgKind(kind) {
		return kind
	}
	return ""
}

// DeployOrganization registers an organization stack of a fleet: org in
// the management account, security in the delegated administrator (one
// per region), log-archive in the log-archive account.
func DeployOrganization(ctx *pulumi.Context, kind string) error {
	o, err := fleet.ParseOrg(config.Get(ctx, stackconfig.Namespace+":"+fleet.OrganizationKey))
	if err != nil {
		return err
	}
	var ids []string
	if err := config.New(ctx, "aws").TryObject("allowedAccountIds", &ids); err != nil || len(ids) != 1 {
		return fmt.Errorf("aws:allowedAccountIds: name the stack's one account: %v", err)
	}
	cfg := &stackconfig.Config{AccountID: ids[0]}
	_, partition, region, err := lookupAccount(ctx, cfg)
	if err != nil {
		return err
	}
	name := ctx.Project() + "-" + ctx.Stack()
	env := awsenv.Env{AccountID: ids[0], Partition: partition.Partition, Region: region.Name, RolePath: awsenv.RolePath(name)}
	switch kind {
	case fleet.OrgKind:
		return deployOrg(ctx, name, o, env)
	case fleet.SecurityKind:
		return deploySecurity(ctx, name, o, env)
	default:
		return deployLogArchive(ctx, name, o, env)
	}
}

// deployOrg registers the delegated administrators from the management
// account. GuardDuty's is regional (its API registers the administrator
// in the region it is called in), so it is registered in every region of
// the fleet; Security Hub's, in the home region, extends to the finding
// aggregator's regions.
func deployOrg(ctx *pulumi.Context, name string, o *fleet.OrgSettings, env awsenv.Env) error {
	da := o.DelegatedAdministrators
	for _, s := range fleet.Services {
		if s.Name != "access-analyzer" {
			continue
		}
		// Organizations' own registration for services without a
		// registration API of their own (Access Analyzer's is
		// RegisterDelegatedAdministrator).
		if _, err := organizations.NewDelegatedAdministrator(ctx, name+"-"+s.Name, &organizations.DelegatedAdministratorArgs{
			AccountId: pulumi.String(da[s.Name]), ServicePrincipal: pulumi.String(s.Principal),
		}); err != nil {
			return fmt.Errorf("delegated administrator of %s: %w", s.Name, err)
		}
	}
	// CloudTrail's API registers the account with Organizations itself
	// (RegisterOrganizationDelegatedAdmin refuses the management account:
	// CannotDelegateManagementAccountException).
	if _, err := cloudtrail.NewOrganizationDelegatedAdminAccount(ctx, name+"-cloudtrail", &cloudtrail.OrganizationDelegatedAdminAccountArgs{
		AccountId: pulumi.String(da["cloudtrail"]),
	}); err != nil {
		return fmt.Errorf("CloudTrail delegated administrator: %w", err)
	}
	if _, err := securityhub.NewOrganizationAdminAccount(ctx, name+"-securityhub", &securityhub.OrganizationAdminAccountArgs{
		AdminAccountId: pulumi.String(da["securityhub"]),
	}); err != nil {
		return fmt.Errorf("Security Hub delegated administrator: %w", err)
	}
	for _, r := range o.Regions {
		opts := []pulumi.ResourceOption{}
		if r != env.Region {
			p, err := aws.NewProvider(ctx, name+"-"+r, &aws.ProviderArgs{Region: pulumi.String(r), AllowedAccountIds: pulumi.ToStringArray([]string{env.AccountID})})
			if err != nil {
				return fmt.Errorf("provider of %s: %w", r, err)
			}
			opts = append(opts, pulumi.Provider(p))
		}
		if _, err := guardduty.NewOrganizationAdminAccount(ctx, name+"-guardduty-"+r, &guardduty.OrganizationAdminAccountArgs{
			AdminAccountId: pulumi.String(da["guardduty"]),
		}, opts...); err != nil {
			return fmt.Errorf("GuardDuty delegated administrator in %s: %w", r, err)
		}
	}
	ctx.Export("delegatedAdministrators", pulumi.ToStringMap(da))
	return nil
}

// OrgTrailKeyAlias is the alias of the organization trail's key in the
// log-archive account.
const OrgTrailKeyAlias = "alias/" + stackconfig.Namespace + "-organization-trail"

// deploySecurity registers what the delegated administrator runs in one
// region: its own detector with every protection plan, GuardDuty's
// organization configuration auto-enabling every member with every plan,
// the organization analyzer, the alerts topic and the detection rules;
// in the home region also the organization trail with its log group and
// the CIS alarms, Security Hub's finding aggregator and central
// configuration.
func deploySecurity(ctx *pulumi.Context, name string, o *fleet.OrgSettings, env awsenv.Env) error {
	home := env.Region == o.HomeRegion
	trailARN := "arn:" + env.Partition + ":cloudtrail:" + o.HomeRegion + ":" + env.AccountID + ":trail/" + fleet.OrganizationTrailName
	keyArgs := &secrets.KeyArgs{Description: "Organization alerts and logs of " + name, RotationPeriodDays: 365, DeletionWindowDays: 30, Env: env, Protect: true,
		AlertsTopicARN: "arn:" + env.Partition + ":sns:" + env.Region + ":" + env.AccountID + ":" + name + "-alerts"}
	if home {
		keyArgs.TrailARN = trailARN
	}
	key, err := secrets.NewKey(ctx, name, keyArgs)
	if err != nil {
		return fmt.Errorf("key: %w", err)
	}
	alerts, err := audit.NewAlerts(ctx, name, &audit.AlertsArgs{KeyARN: key.KeyARN, Emails: o.Emails, Env: env})
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	var trailLogGroup pulumi.StringInput
	if home {
		trail, err := audit.NewTrail(ctx, name, &audit.TrailArgs{
			KeyARN: key.KeyARN, LogRetentionDays: 731, BucketExpirationDays: 2557, ObjectLockDays: 365, Env: env, Protect: true,
			Organization: &audit.OrganizationTrail{Name: fleet.OrganizationTrailName, Bucket: fleet.LogArchiveBucket(o.LogArchive, o.HomeRegion, fleet.OrgTrailPurpose),
				KeyARN: "arn:" + env.Partition + ":kms:" + o.HomeRegion + ":" + o.LogArchive + ":" + OrgTrailKeyAlias},
		})
		if err != nil {
			return fmt.Errorf("organization trail: %w", err)
		}
		trailLogGroup = trail.LogGroupName
	}
	mon, err := audit.NewMonitoring(ctx, name, &audit.MonitoringArgs{
		TrailLogGroupName: trailLogGroup, GuardDuty: true, SecurityHub: home, CertificateExpiryDays: 30,
		AlertsTopicARN: alerts.TopicARN, DeadLetterARN: alerts.DeadLetterARN, Env: env,
		SecretReaders: pulumi.StringArray{}, SecretDeployers: pulumi.StringArray{},
	})
	if err != nil {
		return fmt.Errorf("monitoring: %w", err)
	}
	// Every member, existing and new, gets GuardDuty with every
	// protection plan (GuardDuty API UpdateOrganizationConfiguration:
	// AutoEnableOrganizationMembers ALL; a member's own detector would be
	// its own configuration, which the fleet's member stacks never make).
	orgCfg, err := guardduty.NewOrganizationConfiguration(ctx, name+"-guardduty", &guardduty.OrganizationConfigurationArgs{
		DetectorId: mon.DetectorID, AutoEnableOrganizationMembers: pulumi.String("ALL"),
	})
	if err != nil {
		return fmt.Errorf("GuardDuty organization configuration: %w", err)
	}
	for _, f := range audit.GuardDutyFeatures {
		var extra guardduty.OrganizationConfigurationFeatureAdditionalConfigurationArray
		for _, a := range f.Additional {
			extra = append(extra, guardduty.OrganizationConfigurationFeatureAdditionalConfigurationArgs{Name: pulumi.String(a), AutoEnable: pulumi.String("ALL")})
		}
		if _, err := guardduty.NewOrganizationConfigurationFeature(ctx, name+"-guardduty-"+f.Name, &guardduty.OrganizationConfigurationFeatureArgs{
			DetectorId: mon.DetectorID, Name: pulumi.String(f.Name), AutoEnable: pulumi.String("ALL"), AdditionalConfigurations: extra,
		}, pulumi.DependsOn([]pulumi.Resource{orgCfg})); err != nil {
			return fmt.Errorf("GuardDuty organization feature %s: %w", f.Name, err)
		}
	}
	// One ORGANIZATION analyzer per region, in the delegated administrator
	// (IAM user guide, "Delegated administrator for IAM Access Analyzer").
	if _, err := accessanalyzer.NewAnalyzer(ctx, name+"-organization", &accessanalyzer.AnalyzerArgs{
		AnalyzerName: pulumi.String(name + "-organization"), Type: pulumi.String("ORGANIZATION"),
	}); err != nil {
		return fmt.Errorf("organization analyzer: %w", err)
	}
	if home {
		if err := centralConfiguration(ctx, name, o, env); err != nil {
			return err
		}
	}
	ctx.Export("alertsTopicArn", alerts.TopicARN)
	return nil
}

// centralConfiguration turns Security Hub's central configuration on from
// the delegated administrator's home region: a finding aggregator over
// the fleet's other regions first (central configuration requires one),
// the organization configuration CENTRAL (with auto-enable off and
// standards NONE, which CENTRAL requires: provider docs of
// aws_securityhub_organization_configuration), and one configuration
// policy enabling FSBP and CIS v3.0.0 with every control, associated with
// every workload account.
func centralConfiguration(ctx *pulumi.Context, name string, o *fleet.OrgSettings, env awsenv.Env) error {
	others := slices.DeleteFunc(slices.Clone(o.Regions), func(r string) bool { return r == o.HomeRegion })
	agg, err := securityhub.NewFindingAggregator(ctx, name+"-aggregator", &securityhub.FindingAggregatorArgs{
		LinkingMode: pulumi.String("SPECIFIED_REGIONS"), SpecifiedRegions: pulumi.ToStringArray(others),
	})
	if err != nil {
		return fmt.Errorf("Security Hub finding aggregator: %w", err)
	}
	central, err := securityhub.NewOrganizationConfiguration(ctx, name+"-securityhub", &securityhub.OrganizationConfigurationArgs{
		AutoEnable: pulumi.Bool(false), AutoEnableStandards: pulumi.String("NONE"),
		OrganizationConfiguration: &securityhub.OrganizationConfigurationOrganizationConfigurationArgs{ConfigurationType: pulumi.String("CENTRAL")},
	}, pulumi.DependsOn([]pulumi.Resource{agg}))
	if err != nil {
		return fmt.Errorf("Security Hub central configuration: %w", err)
	}
	standards := []string{
		"arn:" + env.Partition + ":securityhub:" + env.Region + "::standards/aws-foundational-security-best-practices/v/1.0.0",
		"arn:" + env.Partition + ":securityhub:" + env.Region + "::standards/cis-aws-foundations-benchmark/v/3.0.0",
	}
	policy, err := securityhub.NewConfigurationPolicy(ctx, name+"-policy", &securityhub.ConfigurationPolicyArgs{
		Name: pulumi.String(name), Description: pulumi.String("Security Hub on, FSBP and CIS v3.0.0 with every control, in every fleet account"),
		ConfigurationPolicy: &securityhub.ConfigurationPolicyConfigurationPolicyArgs{
			ServiceEnabled: pulumi.Bool(true), EnabledStandardArns: pulumi.ToStringArray(standards),
			SecurityControlsConfiguration: &securityhub.ConfigurationPolicyConfigurationPolicySecurityControlsConfigurationArgs{
				DisabledControlIdentifiers: pulumi.StringArray{},
			},
		},
	}, pulumi.DependsOn([]pulumi.Resource{central}))
	if err != nil {
		return fmt.Errorf("Security Hub configuration policy: %w", err)
	}
	for _, id := range o.Accounts {
		if _, err := securityhub.NewConfigurationPolicyAssociation(ctx, name+"-policy-"+id, &securityhub.ConfigurationPolicyAssociationArgs{
			PolicyId: policy.ID().ToStringOutput(), TargetId: pulumi.String(id),
		}); err != nil {
			return fmt.Errorf("Security Hub configuration policy of %s: %w", id, err)
		}
	}
	return nil
}

// deployLogArchive registers the log-archive account's buckets: the
// organization trail's (SSE-KMS with its own key, Object Lock), and the
// central buckets members deliver flow logs, load-balancer logs and WAF
// logs to. Every writer is a service principal delivering for an account
// of the organization: the policies hold it to the organization with
// aws:SourceOrgID, the key AWS sets on service-principal requests made on
// an account's behalf (IAM user guide, "AWS global condition context
// keys"; aws:PrincipalOrgID is present only when the principal is an
// account's IAM principal), and reads are held to the organization's
// principals with aws:PrincipalOrgID.
func deployLogArchive(ctx *pulumi.Context, name string, o *fleet.OrgSettings, env awsenv.Env) error {
	trailARNs := "arn:" + env.Partition + ":cloudtrail:*:" + o.DelegatedAdministrators["cloudtrail"] + ":trail/*"
	keyPolicy := iampolicy.New(
		iampolicy.Statement{Sid: "AccountAdministers", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: []string{"arn:" + env.Partition + ":iam::" + env.AccountID + ":root"}},
			Action: []string{"kms:*"}, Resource: []string{"*"}},
		iampolicy.Statement{Sid: "OrganizationTrailEncrypts", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
			Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"},
			Condition: iampolicy.Conditions{"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": {trailARNs}}, "StringEquals": {"aws:SourceOrgID": {o.ID}}}},
		iampolicy.Statement{Sid: "OrganizationTrailDescribes", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
			Action: []string{"kms:DescribeKey"}, Resource: []string{"*"}, Condition: iampolicy.Conditions{"StringEquals": {"aws:SourceOrgID": {o.ID}}}},
	)
	keyJSON, err := json.Marshal(keyPolicy)
	if err != nil {
		return err
	}
	key, err := kms.NewKey(ctx, name+"-org-trail", &kms.KeyArgs{
		Description: pulumi.String("Organization trail log files"), EnableKeyRotation: pulumi.Bool(true), RotationPeriodInDays: pulumi.Int(365),
		DeletionWindowInDays: pulumi.Int(30), Policy: pulumi.String(string(keyJSON)),
	}, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	if err != nil {
		return fmt.Errorf("organization trail key: %w", err)
	}
	if _, err := kms.NewAlias(ctx, name+"-org-trail", &kms.AliasArgs{Name: pulumi.String(OrgTrailKeyAlias), TargetKeyId: key.KeyId}); err != nil {
		return fmt.Errorf("organization trail key alias: %w", err)
	}
	org := map[string][]string{"aws:SourceOrgID": {o.ID}}
	readers := func(arn string) iampolicy.Statement {
		return iampolicy.Statement{Sid: "OrganizationReads", Effect: iampolicy.Deny, Principal: &iampolicy.Principal{Everyone: true},
			Action: []string{"s3:GetObject"}, Resource: []string{arn + "/*"},
			Condition: iampolicy.Conditions{"StringNotEquals": {"aws:PrincipalOrgID": {o.ID}}, "Bool": {"aws:PrincipalIsAWSService": {"false"}}}}
	}
	for _, b := range []struct {
		purpose, service, prefix string
		kms                      bool
		lock                     int
	}{
		{fleet.OrgTrailPurpose, "cloudtrail.amazonaws.com", "AWSLogs/", true, 365},
		{fleet.FlowLogsPurpose, "delivery.logs.amazonaws.com", "AWSLogs/", false, 0},
		{"lb-logs", "logdelivery.elasticloadbalancing.amazonaws.com", "AWSLogs/", false, 0},
		{"waf-logs", "delivery.logs.amazonaws.com", "AWSLogs/", false, 0},
	} {
		args := &logbucket.Args{Name: fleet.LogArchiveBucket(o.LogArchive, o.HomeRegion, b.purpose), ExpirationDays: 2557, ObjectLockDays: b.lock, Protect: true,
			Policy: func(arn string) iampolicy.Document {
				return iampolicy.New(logbucket.DenyInsecureTransport(arn),
					iampolicy.Statement{Sid: "DeliveryChecksAcl", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{b.service}},
						Action: []string{"s3:GetBucketAcl"}, Resource: []string{arn}, Condition: iampolicy.Conditions{"StringEquals": org}},
					iampolicy.Statement{Sid: "DeliveryWrites", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{b.service}},
						Action: []string{"s3:PutObject"}, Resource: []string{arn + "/" + b.prefix + "*"},
						Condition: iampolicy.Conditions{"StringEquals": {"aws:SourceOrgID": {o.ID}, "s3:x-amz-acl": {"bucket-owner-full-control"}}}},
					readers(arn))
			}}
		if b.purpose == "waf-logs" {
			// WAF delivers only to buckets whose names start with
			// aws-waf-logs- (WAF developer guide, "Amazon S3 bucket").
			args.Name = "aws-waf-logs-" + stackconfig.Namespace + "-" + o.LogArchive + "-" + o.HomeRegion
		}
		if b.kms {
			args.KMSKeyARN = key.Arn
		}
		bucket, err := logbucket.New(ctx, name+"-"+b.purpose, args)
		if err != nil {
			return fmt.Errorf("%s bucket: %w", b.purpose, err)
		}
		ctx.Export(b.purpose+"Bucket", bucket.Bucket.Bucket)
	}
	return nil
}
