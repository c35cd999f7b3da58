package audit

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/securityhub"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/problem"
)

// MonitoringType is the type token of the Monitoring component.
const MonitoringType = "hardening:audit:Monitoring"

// MetricNamespace holds the metrics of the CIS metric filters.
const MetricNamespace = "CISBenchmark"

// Filter is one metric filter on the trail's log group.
type Filter struct {
	// ID names the filter and its metric and alarm.
	ID string
	// Controls are the CIS AWS Foundations and Security Hub controls it
	// meets.
	Controls string
	// Pattern is the CloudWatch Logs filter pattern.
	Pattern string
}

// CISFilters are the CIS AWS Foundations Benchmark monitoring filters with
// the benchmark's published patterns (the same that Security Hub's
// CloudWatch.1 to .14 look for, and CIS v3.0 4.15 on AWS Organizations).
var CISFilters = []Filter{
	{"root-account-usage", "CIS 4.3, CloudWatch.1",
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`},
	{"unauthorized-api-calls", "CIS 4.1, CloudWatch.2",
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`},
	{"console-signin-without-mfa", "CIS 4.2, CloudWatch.3",
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`},
	{"iam-policy-changes", "CIS 4.4, CloudWatch.4",
		`{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}`},
	{"cloudtrail-changes", "CIS 4.5, CloudWatch.5",
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`},
	{"console-auth-failures", "CIS 4.6, CloudWatch.6",
		`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`},
	{"kms-key-disable-or-deletion", "CIS 4.7, CloudWatch.7",
		`{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`},
	{"s3-bucket-policy-changes", "CIS 4.8, CloudWatch.8",
		`{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`},
	{"config-changes", "CIS 4.9, CloudWatch.9",
		`{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }`},
	{"security-group-changes", "CIS 4.10, CloudWatch.10",
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`},
	{"nacl-changes", "CIS 4.11, CloudWatch.11",
		`{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`},
	{"network-gateway-changes", "CIS 4.12, CloudWatch.12",
		`{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`},
	{"route-table-changes", "CIS 4.13, CloudWatch.13",
		`{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`},
	{"vpc-changes", "CIS 4.14, CloudWatch.14",
		`{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`},
	// CIS v3.0 4.15 has no Security Hub control of its own.
	{"organizations-changes", "CIS 4.15",
		`{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`},
}

// SecretReadsID names the filter on reads of the stack's secrets by
// principals that are not their readers.
const SecretReadsID = "secret-reads-by-others"

// SecretReadsPattern matches GetSecretValue calls (allowed or denied) on
// secrets named under prefix by anyone but the roles in readers and
// deployers: IAM users and the root user always, roles when their issuer
// is neither. The deployers read back the values Pulumi writes (the
// provider's SecretVersion read, after writing and on every refresh:
// terraform-provider-aws secretsmanager/secret_version.go); the secret
// policies deny them every other secret, and such a denied read raises the
// CIS 4.1 unauthorized-calls alarm (AccessDenied) instead.
func SecretReadsPattern(prefix string, readers, deployers []string) string {
	var notReader []string
	for _, r := range append(slices.Clone(readers), deployers...) {
		notReader = append(notReader, fmt.Sprintf(`($.userIdentity.sessionContext.sessionIssuer.arn != "%s")`, r))
	}
	who := `($.userIdentity.type = "IAMUser") || ($.userIdentity.type = "Root")`
	if len(notReader) > 0 {
		who += " || (" + strings.Join(notReader, " && ") + ")"
	}
	return fmt.Sprintf(`{ ($.eventSource = "secretsmanager.amazonaws.com") && ($.eventName = "GetSecretValue") && (($.requestParameters.secretId = "%[1]s*") || ($.requestParameters.secretId = "*:secret:%[1]s*")) && (%[2]s) }`, prefix, who)
}

// GuardDutyFeature is a GuardDuty protection plan the detector enables by
// name, with the additional configurations it turns on.
type GuardDutyFeature struct {
	Name       string
	Additional []string
	Controls   string
}

// GuardDutyFeatures are set explicitly rather than left to CreateDetector's
// defaults, which leave RUNTIME_MONITORING off and differ by Region and
// account age. Runtime Monitoring's automated agent management lets
// GuardDuty itself create a guardduty-data VPC endpoint and security group
// in a VPC where covered workloads run: resources outside this stack that
// deleting the VPC must wait for (see the README).
//
// The names are the API's DetectorFeature and FeatureAdditionalConfiguration
// enums, which the provider validates before any call
// (guardduty/detector_feature.go, enum.Validate); EC2_AGENT_MANAGEMENT is
// newer than aws-sdk-go v1's model (internal/awsname/models.json's source), so no
// offline check here holds it.
var GuardDutyFeatures = []GuardDutyFeature{
	{"S3_DATA_EVENTS", nil, "FSBP GuardDuty.10"},
	{"EKS_AUDIT_LOGS", nil, "FSBP GuardDuty.5"},
	{"EBS_MALWARE_PROTECTION", nil, "FSBP GuardDuty.8"},
	{"RDS_LOGIN_EVENTS", nil, "FSBP GuardDuty.9"},
	{"LAMBDA_NETWORK_LOGS", nil, "FSBP GuardDuty.6"},
	{"RUNTIME_MONITORING", []string{"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"},
		"FSBP GuardDuty.7, GuardDuty.11, GuardDuty.12, GuardDuty.13"},
}

// Event patterns of the detection rules.
const (
	// GuardDutyHighSeverityPattern matches findings of severity 7 or more.
	GuardDutyHighSeverityPattern = `{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"],"detail":{"severity":[{"numeric":[">=",7]}]}}`
)

// CertificateExpiryPattern matches ACM's approaching-expiration events for
// the certificates at arns.
func CertificateExpiryPattern(arns []string) string {
	quoted := make([]string, len(arns))
	for i, a := range arns {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	return `{"source":["aws.acm"],"detail-type":["ACM Certificate Approaching Expiration"],"resources":[` + strings.Join(quoted, ",") + `]}`
}

// Standards are the Security Hub standards the stack subscribes to, by
// their ARN's path.
var Standards = map[string]string{
	"fsbp": "standards/aws-foundational-security-best-practices/v/1.0.0",
	"cis":  "standards/cis-aws-foundations-benchmark/v/3.0.0",
}

// MonitoringArgs configures Monitoring.
type MonitoringArgs struct {
	// TrailLogGroupName is the log group the trail delivers to; empty
	// means no metric filters in this stack.
	TrailLogGroupName pulumi.StringInput
	// SecretNamePrefix, SecretReaders and SecretDeployers scope the
	// secret-reads filter: reads by others than the readers and the roles
	// that run `pulumi up` and `pulumi refresh`.
	SecretNamePrefix string
	SecretReaders    pulumi.StringArrayInput
	SecretDeployers  pulumi.StringArrayInput
	// GuardDuty and SecurityHub enable those account-wide services.
	GuardDuty   bool
	SecurityHub bool
	// RegionProviders are the providers of the stack's other Regions, by
	// Region. With SecurityHub, Security Hub is enabled in each of them
	// too (CIS 4.16 asks for it in every Region the stack deploys to),
	// without standards: they evaluate with AWS Config rules, and the
	// stack's configuration asserts a Config recorder in its own Region
	// only (audit.configRecorderExists).
	RegionProviders map[string]pulumi.ProviderResource
	// CertificateARNs are the stack's certificates; CertificateExpiryDays
	// is the alarm threshold.
	CertificateARNs       []pulumi.StringInput
	CertificateExpiryDays int
	// AlertsTopicARN receives every alarm and event; DeadLetterARN keeps
	// the events EventBridge could not deliver (Alerts.DeadLetterARN).
	AlertsTopicARN pulumi.StringInput
	DeadLetterARN  pulumi.StringInput
	Env            awsenv.Env
}

// Monitoring is the stack's detection: the CIS metric filters and alarms
// on the trail, an alarm on reads of its secrets by others, GuardDuty with
// high-severity findings routed to the alerts topic, Security Hub with the
// FSBP and CIS v3.0 standards, and certificate-expiry alarms and events.
type Monitoring struct {
	pulumi.ResourceState

	// AlarmCount is the number of metric-filter alarms.
	AlarmCount pulumi.IntOutput `pulumi:"alarmCount"`
	// DetectorID is the GuardDuty detector's ID, "" without GuardDuty.
	DetectorID pulumi.StringOutput `pulumi:"detectorId"`
	// StandardsARNs are the Security Hub standards subscribed to, empty
	// without Security Hub.
	StandardsARNs pulumi.StringArrayOutput `pulumi:"standardsArns"`
}

// Validate reports every problem of the arguments at once.
func (a *MonitoringArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if a.AlertsTopicARN == nil {
		ps.Add("AlertsTopicARN", "is required: every alarm notifies the alerts topic")
	}
	if a.DeadLetterARN == nil {
		ps.Add("DeadLetterARN", "is required: event targets keep undelivered events there")
	}
	return errors.Join(ps.Errors()...)
}

// NewMonitoring creates Monitoring.
func NewMonitoring(ctx *pulumi.Context, name string, args *MonitoringArgs, opts ...pulumi.ResourceOption) (*Monitoring, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("audit monitoring %s: %w", name, err)
	}
	m := &Monitoring{}
	if err := ctx.RegisterComponentResource(MonitoringType, name, m, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(m)
	alarms := 0
	m.DetectorID = pulumi.String("").ToStringOutput()
	standards := pulumi.StringArray{}
	if args.TrailLogGroupName != nil {
		type filter struct {
			id      string
			pattern pulumi.StringInput
		}
		var filters []filter
		for _, f := range CISFilters {
			filters = append(filters, filter{f.ID, pulumi.String(f.Pattern)})
		}
		prefix := args.SecretNamePrefix
		deployers := args.SecretDeployers
		if deployers == nil {
			deployers = pulumi.StringArray{}
		}
		filters = append(filters, filter{SecretReadsID, pulumi.All(args.SecretReaders.ToStringArrayOutput(), deployers.ToStringArrayOutput()).ApplyT(func(v []any) string {
			return SecretReadsPattern(prefix, v[0].([]string), v[1].([]string))
		}).(pulumi.StringOutput)})
		for _, f := range filters {
			metric := name + "-" + f.id
			if _, err := cloudwatch.NewLogMetricFilter(ctx, metric, &cloudwatch.LogMetricFilterArgs{
				LogGroupName: args.TrailLogGroupName,
				Pattern:      f.pattern,
				MetricTransformation: cloudwatch.LogMetricFilterMetricTransformationArgs{
					Name:      pulumi.String(metric),
					Namespace: pulumi.String(MetricNamespace),
					Value:     pulumi.String("1"),
				},
			}, parent); err != nil {
				return nil, err
			}
			if _, err := AlarmToAlerts(ctx, metric, Alarm{
				Description: pulumi.String("CloudTrail recorded " + f.id + " (" + name + ")"),
				Namespace:   MetricNamespace, Metric: metric, Statistic: "Sum",
				Threshold: 1, Comparison: "GreaterThanOrEqualToThreshold",
				NoClearNotice: true,
			}, args.AlertsTopicARN, parent); err != nil {
				return nil, err
			}
			alarms++
		}
	}
	if args.GuardDuty {
		detector, err := guardduty.NewDetector(ctx, name, &guardduty.DetectorArgs{
			Enable:                     pulumi.Bool(true),
			FindingPublishingFrequency: pulumi.String("FIFTEEN_MINUTES"),
		}, parent)
		if err != nil {
			return nil, err
		}
		m.DetectorID = detector.ID().ToStringOutput()
		for _, f := range GuardDutyFeatures {
			var extra guardduty.DetectorFeatureAdditionalConfigurationArray
			for _, a := range f.Additional {
				extra = append(extra, guardduty.DetectorFeatureAdditionalConfigurationArgs{Name: pulumi.String(a), Status: pulumi.String("ENABLED")})
			}
			if _, err := guardduty.NewDetectorFeature(ctx, name+"-"+strings.ToLower(strings.ReplaceAll(f.Name, "_", "-")), &guardduty.DetectorFeatureArgs{
				DetectorId:               detector.ID(),
				Name:                     pulumi.String(f.Name),
				Status:                   pulumi.String("ENABLED"),
				AdditionalConfigurations: extra,
			}, parent); err != nil {
				return nil, err
			}
		}
		if err := EventToAlerts(ctx, name+"-guardduty-high", "GuardDuty findings of severity 7 or more",
			pulumi.String(GuardDutyHighSeverityPattern), args.AlertsTopicARN, args.DeadLetterARN, parent); err != nil {
			return nil, err
		}
	}
	if args.SecurityHub {
		account, err := securityhub.NewAccount(ctx, name, &securityhub.AccountArgs{
			EnableDefaultStandards:  pulumi.Bool(false),
			ControlFindingGenerator: pulumi.String("SECURITY_CONTROL"),
			AutoEnableControls:      pulumi.Bool(true),
		}, parent)
		if err != nil {
			return nil, err
		}
		for _, id := range []string{"fsbp", "cis"} {
			arn := pulumi.String(fmt.Sprintf("arn:%s:securityhub:%s::%s", args.Env.Partition, args.Env.Region, Standards[id]))
			if _, err := securityhub.NewStandardsSubscription(ctx, name+"-"+id, &securityhub.StandardsSubscriptionArgs{
				StandardsArn: arn,
			}, parent, pulumi.DependsOn([]pulumi.Resource{account})); err != nil {
				return nil, err
			}
			standards = append(standards, arn)
		}
		// EnableSecurityHub with EnableDefaultStandards false subscribes to
		// nothing, so no AWS Config recorder is needed in those Regions
		// (terraform-provider-aws securityhub/account.go).
		for _, region := range slices.Sorted(maps.Keys(args.RegionProviders)) {
			if _, err := securityhub.NewAccount(ctx, name+"-"+region, &securityhub.AccountArgs{
				EnableDefaultStandards:  pulumi.Bool(false),
				ControlFindingGenerator: pulumi.String("SECURITY_CONTROL"),
				AutoEnableControls:      pulumi.Bool(true),
			}, parent, pulumi.Provider(args.RegionProviders[region])); err != nil {
				return nil, err
			}
		}
	}
	if len(args.CertificateARNs) > 0 {
		if err := m.certificates(ctx, name, args, parent); err != nil {
			return nil, err
		}
	}
	m.AlarmCount = pulumi.Int(alarms).ToIntOutput()
	m.StandardsARNs = standards.ToStringArrayOutput()
	return m, ctx.RegisterResourceOutputs(m, pulumi.Map{
		"alarmCount": m.AlarmCount, "detectorId": m.DetectorID, "standardsArns": m.StandardsARNs,
	})
}

// certificates alarms on each certificate's DaysToExpiry and routes ACM's
// approaching-expiration events.
func (m *Monitoring) certificates(ctx *pulumi.Context, name string, args *MonitoringArgs, parent pulumi.ResourceOption) error {
	for i, arn := range args.CertificateARNs {
		if _, err := AlarmToAlerts(ctx, fmt.Sprintf("%s-cert-expiry-%d", name, i), Alarm{
			Description: pulumi.Sprintf("A certificate of %s expires in under %d days", name, args.CertificateExpiryDays),
			Namespace:   "AWS/CertificateManager", Metric: "DaysToExpiry", Statistic: "Minimum",
			Dimensions: pulumi.StringMap{"CertificateArn": arn},
			Period:     86400, Threshold: float64(args.CertificateExpiryDays), Comparison: "LessThanThreshold",
		}, args.AlertsTopicARN, parent); err != nil {
			return err
		}
	}
	pattern := pulumi.StringArray(args.CertificateARNs).ToStringArrayOutput().ApplyT(func(a []string) string { return CertificateExpiryPattern(a) }).(pulumi.StringOutput)
	return EventToAlerts(ctx, name+"-cert-expiry", "ACM certificates of this stack approaching expiration", pattern, args.AlertsTopicARN, args.DeadLetterARN, parent)
}
