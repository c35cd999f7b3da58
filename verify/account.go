package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	shtypes "github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/smithy-go"

	"github.com/example/hardening/secrets/rotation"
	"github.com/example/hardening/stackconfig"
)

// Actions are the IAM actions the account checks call. Both CI roles hold
// them: identity.TypeActions's reads cover most, identity.VerifyActions
// the rest.
var Actions = []string{
	"sts:GetCallerIdentity", "acm:DescribeCertificate", "cloudtrail:GetTrailStatus",
	"guardduty:GetDetector", "securityhub:GetEnabledStandards", "secretsmanager:DescribeSecret",
	"s3:GetBucketPublicAccessBlock", "s3:GetBucketPolicyStatus", "ec2:DescribeFlowLogs",
	"logs:DescribeLogStreams", "wafv2:GetWebACLForResource",
}

// Account is what the account checks read and with which credentials.
type Account struct {
	// Config is the AWS SDK's configuration: the stack's region and the
	// environment's credentials (an endpoint too, in tests).
	Config aws.Config
	// Outputs are the stack's; nil when none were given.
	Outputs *Outputs
	// Stack is the stack's configuration: which account-wide services and
	// secrets the stack owns.
	Stack *stackconfig.Config
	// Now is the time deliveries and rotations are judged at.
	Now time.Time
	// TrailMaxAge and FlowLogMaxAge are how old the latest trail and
	// flow-log deliveries may be.
	TrailMaxAge, FlowLogMaxAge time.Duration
}

// accountChecks are the checks CheckAccount makes, for the not-checked
// rows when none can be made.
var accountChecks = []string{
	"account.identity", "account.trail", "account.guardduty", "account.securityhub", "account.secrets",
	"account.buckets", "account.flowlogs", "account.flowlogs.delivery", "account.waf",
}

func allNotChecked(format string, args ...any) []Result {
	out := make([]Result, len(accountChecks))
	for i, c := range accountChecks {
		out[i] = notChecked(c, format, args...)
	}
	return out
}

// ready says why the account cannot be checked ("" when it can): no
// outputs, or no credentials.
func (a Account) ready(ctx context.Context) string {
	if a.Outputs == nil {
		return "no stack outputs: give -outputs (pulumi stack output --json)"
	}
	if a.Config.Credentials == nil {
		return "no AWS credentials in the environment"
	}
	if _, err := a.Config.Credentials.Retrieve(ctx); err != nil {
		return fmt.Sprintf("no AWS credentials in the environment: %v", err)
	}
	return ""
}

// ACM returns the lookup of the stack's certificate in ACM for CheckTLS.
func (a Account) ACM() ACMLookup {
	return func(ctx context.Context) (*ACMCertificate, string, error) {
		if why := a.ready(ctx); why != "" {
			return nil, why, nil
		}
		if a.Outputs.CertificateARN == "" {
			return nil, "no certificateArn output", nil
		}
		out, err := acm.NewFromConfig(a.Config).DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(a.Outputs.CertificateARN)})
		if err != nil {
			return nil, "", err
		}
		if out.Certificate == nil {
			return nil, "", fmt.Errorf("ACM returned no certificate for %s", a.Outputs.CertificateARN)
		}
		return &ACMCertificate{ARN: a.Outputs.CertificateARN, Serial: aws.ToString(out.Certificate.Serial)}, "", nil
	}
}

// CheckAccount checks the account side of the stack with the environment's
// credentials: the caller is in the stack's account, the trail logs and
// delivered recently, GuardDuty and Security Hub's standards are enabled
// where the stack owns them, each rotated secret's last rotation
// succeeded, the buckets are not public, flow logs are active and
// delivered, and the web ACL protects the load balancer.
func CheckAccount(ctx context.Context, a Account) []Result {
	if why := a.ready(ctx); why != "" {
		return allNotChecked("%s", why)
	}
	id, err := sts.NewFromConfig(a.Config).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return append([]Result{fail("account.identity", "sts GetCallerIdentity: %v", err)}, allNotChecked("the caller's account is unknown")[1:]...)
	}
	account, want := aws.ToString(id.Account), a.Outputs.Account()
	if want != "" && account != want {
		return append([]Result{fail("account.identity", "the credentials are %s in account %s; the stack's resources are in %s", aws.ToString(id.Arn), account, want)},
			allNotChecked("the credentials are for another account than the stack's")[1:]...)
	}
	out := []Result{pass("account.identity", "%s in account %s", aws.ToString(id.Arn), account)}
	out = append(out, a.checkTrail(ctx))
	out = append(out, a.checkGuardDuty(ctx))
	out = append(out, a.checkSecurityHub(ctx))
	out = append(out, a.checkSecrets(ctx)...)
	out = append(out, a.checkBuckets(ctx)...)
	out = append(out, a.checkFlowLogs(ctx)...)
	out = append(out, a.checkWebACL(ctx))
	return out
}

// checkTrail requires the trail to be logging, its last delivery to S3
// recent and without error. CloudTrail delivers log files about every five
// minutes while there is activity (CloudTrail user guide, "How CloudTrail
// works"); a deploy is activity.
func (a Account) checkTrail(ctx context.Context) Result {
	const check = "account.trail"
	t := a.Stack.Audit.Trail
	switch {
	case !t.Enabled:
		return notChecked(check, "audit.trail.enabled is false: the organization trail %s is not this stack's", t.OrganizationTrailARN)
	case a.Outputs.TrailARN == "":
		return notChecked(check, "no trailArn output")
	}
	st, err := cloudtrail.NewFromConfig(a.Config).GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(a.Outputs.TrailARN)})
	if err != nil {
		return fail(check, "GetTrailStatus %s: %v", a.Outputs.TrailARN, err)
	}
	last := aws.ToTime(st.LatestDeliveryTime)
	switch {
	case !aws.ToBool(st.IsLogging):
		return fail(check, "%s is not logging (stopped %s)", a.Outputs.TrailARN, timeOr(st.StopLoggingTime))
	case aws.ToString(st.LatestDeliveryError) != "":
		return fail(check, "%s's last delivery to S3 failed: %s", a.Outputs.TrailARN, aws.ToString(st.LatestDeliveryError))
	case st.LatestDeliveryTime == nil:
		return fail(check, "%s is logging but has never delivered a log file", a.Outputs.TrailARN)
	case a.Now.Sub(last) > a.TrailMaxAge:
		return fail(check, "%s last delivered %s, %s ago, longer than %s", a.Outputs.TrailARN, last.Format(time.RFC3339), a.Now.Sub(last).Round(time.Minute), a.TrailMaxAge)
	}
	return pass(check, "%s is logging; last delivered %s, %s ago", a.Outputs.TrailARN, last.Format(time.RFC3339), a.Now.Sub(last).Round(time.Minute))
}

func timeOr(t *time.Time) string {
	if t == nil {
		return "at an unknown time"
	}
	return t.Format(time.RFC3339)
}

func (a Account) checkGuardDuty(ctx context.Context) Result {
	const check = "account.guardduty"
	switch {
	case !a.Stack.Audit.GuardDuty:
		return notChecked(check, "audit.guardDuty is false: the account or organization owns GuardDuty")
	case a.Outputs.GuardDutyDetectorID == "":
		return notChecked(check, "no guardDutyDetectorId output")
	}
	d, err := guardduty.NewFromConfig(a.Config).GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(a.Outputs.GuardDutyDetectorID)})
	if err != nil {
		return fail(check, "GetDetector %s: %v", a.Outputs.GuardDutyDetectorID, err)
	}
	if d.Status != gdtypes.DetectorStatusEnabled {
		return fail(check, "detector %s is %s", a.Outputs.GuardDutyDetectorID, d.Status)
	}
	return pass(check, "detector %s is ENABLED (findings every %s)", a.Outputs.GuardDutyDetectorID, d.FindingPublishingFrequency)
}

func (a Account) checkSecurityHub(ctx context.Context) Result {
	const check = "account.securityhub"
	switch {
	case !a.Stack.Audit.SecurityHub:
		return notChecked(check, "audit.securityHub is false: the account or organization owns Security Hub")
	case len(a.Outputs.SecurityHubStandardsARNs) == 0:
		return notChecked(check, "no securityHubStandardsArns output")
	}
	status := map[string]shtypes.StandardsStatus{}
	p := securityhub.NewGetEnabledStandardsPaginator(securityhub.NewFromConfig(a.Config), &securityhub.GetEnabledStandardsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fail(check, "GetEnabledStandards: %v", err)
		}
		for _, s := range page.StandardsSubscriptions {
			status[aws.ToString(s.StandardsArn)] = s.StandardsStatus
		}
	}
	var bad []string
	for _, arn := range a.Outputs.SecurityHubStandardsARNs {
		// READY is the one status of a working subscription (Security Hub
		// API reference, StandardsSubscription.StandardsStatus).
		if s := status[arn]; s != shtypes.StandardsStatusReady {
			bad = append(bad, fmt.Sprintf("%s is %s", arn, orMissing(string(s))))
		}
	}
	if len(bad) > 0 {
		return fail(check, "%s", strings.Join(bad, "; "))
	}
	return pass(check, "%d standards READY: %s", len(a.Outputs.SecurityHubStandardsARNs), strings.Join(a.Outputs.SecurityHubStandardsARNs, ", "))
}

func orMissing(s string) string {
	if s == "" {
		return "not enabled"
	}
	return s
}

// checkSecrets judges each rotated secret's last rotation: rotation on at
// the configured interval, a rotation within it, and no version left in
// AWSPENDING alone, which is where a failed rotation leaves its new value
// while Secrets Manager retries (Secrets Manager user guide, "How rotation
// works").
func (a Account) checkSecrets(ctx context.Context) []Result {
	var out []Result
	c := secretsmanager.NewFromConfig(a.Config)
	for _, s := range a.Stack.Secrets.Inventory {
		if !s.Rotated() {
			continue
		}
		check := "account.secret[" + s.Name + "]"
		arn := a.Outputs.SecretARNs[s.Name]
		if arn == "" {
			out = append(out, notChecked(check, "no secretArns.%s output", s.Name))
			continue
		}
		d, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(arn)})
		if err != nil {
			out = append(out, fail(check, "DescribeSecret %s: %v", arn, err))
			continue
		}
		out = append(out, a.judgeRotation(check, s, arn, d))
	}
	if len(out) == 0 {
		out = append(out, notChecked("account.secrets", "no secret of secrets.inventory is rotated by the rotation function"))
	}
	return out
}

func (a Account) judgeRotation(check string, s stackconfig.Secret, arn string, d *secretsmanager.DescribeSecretOutput) Result {
	interval := time.Duration(s.RotationDays) * 24 * time.Hour
	// A rotation may start any time on its day: a day of grace.
	due := interval + 24*time.Hour
	var days int64
	if d.RotationRules != nil {
		days = aws.ToInt64(d.RotationRules.AutomaticallyAfterDays)
	}
	for version, stages := range d.VersionIdsToStages {
		if slices.Contains(stages, rotation.StagePending) && !slices.Contains(stages, rotation.StageCurrent) {
			return fail(check, "version %s is staged %s alone: a rotation is under way or failed and being retried", version, rotation.StagePending)
		}
	}
	switch {
	case !aws.ToBool(d.RotationEnabled):
		return fail(check, "%s has rotation off", arn)
	case days != int64(s.RotationDays):
		return fail(check, "%s rotates every %d days; secrets.inventory says %d", arn, days, s.RotationDays)
	case d.LastRotatedDate == nil && a.Now.Sub(aws.ToTime(d.CreatedDate)) <= due:
		return notChecked(check, "not rotated yet: created %s, next rotation %s", timeOr(d.CreatedDate), timeOr(d.NextRotationDate))
	case d.LastRotatedDate == nil:
		return fail(check, "never rotated, though created %s, more than %d days ago", timeOr(d.CreatedDate), s.RotationDays)
	case a.Now.Sub(*d.LastRotatedDate) > due:
		return fail(check, "last rotated %s, more than %d days ago: later rotations failed or did not run", d.LastRotatedDate.Format(time.RFC3339), s.RotationDays)
	}
	return pass(check, "rotated %s, every %d days; next %s", d.LastRotatedDate.Format(time.RFC3339), s.RotationDays, timeOr(d.NextRotationDate))
}

// checkBuckets requires each of the stack's buckets to block public access
// with all four settings and to have no policy S3 judges public
// (GetBucketPolicyStatus; S3 user guide, "The meaning of public").
func (a Account) checkBuckets(ctx context.Context) []Result {
	names := map[string]string{
		"trail": a.Outputs.TrailBucketName, "load balancer logs": a.Outputs.LoadBalancerLogBucketName, "access logs": a.Outputs.AccessLogBucketName,
	}
	c := s3.NewFromConfig(a.Config, func(o *s3.Options) { o.UsePathStyle = a.Config.BaseEndpoint != nil })
	var out []Result
	for _, role := range []string{"trail", "load balancer logs", "access logs"} {
		bucket := names[role]
		if bucket == "" {
			if role != "trail" || a.Stack.Audit.Trail.Enabled {
				out = append(out, notChecked("account.bucket["+role+"]", "no output names the %s bucket", role))
			}
			continue
		}
		out = append(out, checkBucket(ctx, c, "account.bucket["+bucket+"]", bucket))
	}
	return out
}

func checkBucket(ctx context.Context, c *s3.Client, check, bucket string) Result {
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if code(err) == "NoSuchPublicAccessBlockConfiguration" {
		return fail(check, "%s has no public access block", bucket)
	} else if err != nil {
		return fail(check, "GetPublicAccessBlock %s: %v", bucket, err)
	}
	cfg := pab.PublicAccessBlockConfiguration
	if cfg == nil || !aws.ToBool(cfg.BlockPublicAcls) || !aws.ToBool(cfg.IgnorePublicAcls) || !aws.ToBool(cfg.BlockPublicPolicy) || !aws.ToBool(cfg.RestrictPublicBuckets) {
		return fail(check, "%s does not block public access with all four settings: %s", bucket, describePAB(cfg))
	}
	ps, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String(bucket)})
	switch {
	case code(err) == "NoSuchBucketPolicy":
		return pass(check, "%s blocks public access; no bucket policy", bucket)
	case err != nil:
		return fail(check, "GetBucketPolicyStatus %s: %v", bucket, err)
	case ps.PolicyStatus == nil || aws.ToBool(ps.PolicyStatus.IsPublic):
		return fail(check, "S3 judges the policy of %s public", bucket)
	}
	return pass(check, "%s blocks public access; its policy is not public", bucket)
}

func describePAB(c *s3types.PublicAccessBlockConfiguration) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprintf("BlockPublicAcls %t, IgnorePublicAcls %t, BlockPublicPolicy %t, RestrictPublicBuckets %t",
		aws.ToBool(c.BlockPublicAcls), aws.ToBool(c.IgnorePublicAcls), aws.ToBool(c.BlockPublicPolicy), aws.ToBool(c.RestrictPublicBuckets))
}

// code is an AWS API error's code, "" for another error or none.
func code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// checkFlowLogs requires an active flow log of all traffic of the VPC into
// its log group, delivering without error, and a recent delivery there.
// DescribeLogStreams updates a stream's times "on an eventual consistency
// basis", typically within an hour (CloudWatch Logs API reference), so the
// delivery check allows FlowLogMaxAge.
func (a Account) checkFlowLogs(ctx context.Context) []Result {
	if a.Outputs.VPCID == "" || a.Outputs.FlowLogGroupName == "" {
		return []Result{notChecked("account.flowlogs", "no vpcId or flowLogGroupName output"), notChecked("account.flowlogs.delivery", "no flowLogGroupName output")}
	}
	fl, err := ec2.NewFromConfig(a.Config).DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{
		Filter: []ec2types.Filter{{Name: aws.String("resource-id"), Values: []string{a.Outputs.VPCID}}},
	})
	var out []Result
	switch {
	case err != nil:
		out = append(out, fail("account.flowlogs", "DescribeFlowLogs %s: %v", a.Outputs.VPCID, err))
	default:
		out = append(out, judgeFlowLogs(a.Outputs.VPCID, a.Outputs.FlowLogGroupName, fl.FlowLogs))
	}
	streams, err := cloudwatchlogs.NewFromConfig(a.Config).DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{
		LogGroupName: aws.String(a.Outputs.FlowLogGroupName), OrderBy: logstypes.OrderByLastEventTime, Descending: aws.Bool(true), Limit: aws.Int32(1),
	})
	const check = "account.flowlogs.delivery"
	switch {
	case err != nil:
		out = append(out, fail(check, "DescribeLogStreams %s: %v", a.Outputs.FlowLogGroupName, err))
	case len(streams.LogStreams) == 0 || streams.LogStreams[0].LastIngestionTime == nil:
		out = append(out, fail(check, "%s holds no flow log record yet", a.Outputs.FlowLogGroupName))
	default:
		s := streams.LogStreams[0]
		last := time.UnixMilli(*s.LastIngestionTime).UTC()
		if age := a.Now.Sub(last); age > a.FlowLogMaxAge {
			out = append(out, fail(check, "the newest stream %s of %s last took records %s, %s ago, longer than %s", aws.ToString(s.LogStreamName), a.Outputs.FlowLogGroupName, last.Format(time.RFC3339), age.Round(time.Minute), a.FlowLogMaxAge))
		} else {
			out = append(out, pass(check, "%s took records %s ago (stream %s)", a.Outputs.FlowLogGroupName, age.Round(time.Minute), aws.ToString(s.LogStreamName)))
		}
	}
	return out
}

func judgeFlowLogs(vpc, group string, logs []ec2types.FlowLog) Result {
	const check = "account.flowlogs"
	var seen []string
	for _, f := range logs {
		id := aws.ToString(f.FlowLogId)
		switch {
		case aws.ToString(f.LogGroupName) != group && !strings.HasSuffix(aws.ToString(f.LogDestination), ":log-group:"+group):
			seen = append(seen, id+" to "+aws.ToString(f.LogDestination))
		case f.TrafficType != ec2types.TrafficTypeAll:
			seen = append(seen, fmt.Sprintf("%s records %s traffic", id, f.TrafficType))
		case aws.ToString(f.FlowLogStatus) != "ACTIVE":
			seen = append(seen, fmt.Sprintf("%s is %s", id, aws.ToString(f.FlowLogStatus)))
		case aws.ToString(f.DeliverLogsStatus) != "SUCCESS":
			seen = append(seen, fmt.Sprintf("%s delivers with %s: %s", id, aws.ToString(f.DeliverLogsStatus), aws.ToString(f.DeliverLogsErrorMessage)))
		default:
			return pass(check, "%s: ACTIVE, ALL traffic to %s, delivery SUCCESS", id, group)
		}
	}
	return fail(check, "no active flow log of ALL traffic of %s delivers to %s (%s)", vpc, group, orNoneString(seen))
}

func orNoneString(s []string) string {
	if len(s) == 0 {
		return "none found"
	}
	return strings.Join(s, "; ")
}

func (a Account) checkWebACL(ctx context.Context) Result {
	const check = "account.waf"
	if a.Outputs.LoadBalancerARN == "" || a.Outputs.WebACLARN == "" {
		return notChecked(check, "no loadBalancerArn or webAclArn output")
	}
	w, err := wafv2.NewFromConfig(a.Config).GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(a.Outputs.LoadBalancerARN)})
	switch {
	case code(err) == "WAFNonexistentItemException":
		return fail(check, "no web ACL is associated with %s", a.Outputs.LoadBalancerARN)
	case err != nil:
		return fail(check, "GetWebACLForResource %s: %v", a.Outputs.LoadBalancerARN, err)
	case w.WebACL == nil:
		return fail(check, "no web ACL is associated with %s", a.Outputs.LoadBalancerARN)
	case aws.ToString(w.WebACL.ARN) != a.Outputs.WebACLARN:
		return fail(check, "%s is protected by %s, not the stack's %s", a.Outputs.LoadBalancerARN, aws.ToString(w.WebACL.ARN), a.Outputs.WebACLARN)
	}
	return pass(check, "%s protects %s", a.Outputs.WebACLARN, a.Outputs.LoadBalancerARN)
}
