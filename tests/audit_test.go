package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/stackconfig"
)

// benchmarkPatterns are the CIS AWS Foundations Benchmark's filter
// patterns, as the benchmark and Security Hub's CloudWatch.1–14 publish
// them, keyed by control. They are compared without white space.
var benchmarkPatterns = map[string]string{
	"CloudWatch.1":  `{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}`,
	"CloudWatch.2":  `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`,
	"CloudWatch.3":  `{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes") && ($.userIdentity.type="IAMUser") && ($.responseElements.ConsoleLogin="Success")}`,
	"CloudWatch.4":  `{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}`,
	"CloudWatch.5":  `{($.eventName=CreateTrail)||($.eventName=UpdateTrail)||($.eventName=DeleteTrail)||($.eventName=StartLogging)||($.eventName=StopLogging)}`,
	"CloudWatch.6":  `{($.eventName=ConsoleLogin)&&($.errorMessage="Failed authentication")}`,
	"CloudWatch.7":  `{($.eventSource=kms.amazonaws.com)&&(($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}`,
	"CloudWatch.8":  `{($.eventSource=s3.amazonaws.com)&&(($.eventName=PutBucketAcl)||($.eventName=PutBucketPolicy)||($.eventName=PutBucketCors)||($.eventName=PutBucketLifecycle)||($.eventName=PutBucketReplication)||($.eventName=DeleteBucketPolicy)||($.eventName=DeleteBucketCors)||($.eventName=DeleteBucketLifecycle)||($.eventName=DeleteBucketReplication))}`,
	"CloudWatch.9":  `{($.eventSource=config.amazonaws.com)&&(($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder))}`,
	"CloudWatch.10": `{($.eventName=AuthorizeSecurityGroupIngress)||($.eventName=AuthorizeSecurityGroupEgress)||($.eventName=RevokeSecurityGroupIngress)||($.eventName=RevokeSecurityGroupEgress)||($.eventName=CreateSecurityGroup)||($.eventName=DeleteSecurityGroup)}`,
	"CloudWatch.11": `{($.eventName=CreateNetworkAcl)||($.eventName=CreateNetworkAclEntry)||($.eventName=DeleteNetworkAcl)||($.eventName=DeleteNetworkAclEntry)||($.eventName=ReplaceNetworkAclEntry)||($.eventName=ReplaceNetworkAclAssociation)}`,
	"CloudWatch.12": `{($.eventName=CreateCustomerGateway)||($.eventName=DeleteCustomerGateway)||($.eventName=AttachInternetGateway)||($.eventName=CreateInternetGateway)||($.eventName=DeleteInternetGateway)||($.eventName=DetachInternetGateway)}`,
	"CloudWatch.13": `{($.eventSource=ec2.amazonaws.com)&&(($.eventName=CreateRoute)||($.eventName=CreateRouteTable)||($.eventName=ReplaceRoute)||($.eventName=ReplaceRouteTableAssociation)||($.eventName=DeleteRouteTable)||($.eventName=DeleteRoute)||($.eventName=DisassociateRouteTable))}`,
	"CIS 4.15":      `{($.eventSource=organizations.amazonaws.com)&&(($.eventName="AcceptHandshake")||($.eventName="AttachPolicy")||($.eventName="CreateAccount")||($.eventName="CreateOrganizationalUnit")||($.eventName="CreatePolicy")||($.eventName="DeclineHandshake")||($.eventName="DeleteOrganization")||($.eventName="DeleteOrganizationalUnit")||($.eventName="DeletePolicy")||($.eventName="DetachPolicy")||($.eventName="DisablePolicyType")||($.eventName="EnablePolicyType")||($.eventName="InviteAccountToOrganization")||($.eventName="LeaveOrganization")||($.eventName="MoveAccount")||($.eventName="RemoveAccountFromOrganization")||($.eventName="UpdatePolicy")||($.eventName="UpdateOrganizationalUnit"))}`,
	"CloudWatch.14": `{($.eventName=CreateVpc)||($.eventName=DeleteVpc)||($.eventName=ModifyVpcAttribute)||($.eventName=AcceptVpcPeeringConnection)||($.eventName=CreateVpcPeeringConnection)||($.eventName=DeleteVpcPeeringConnection)||($.eventName=RejectVpcPeeringConnection)||($.eventName=AttachClassicLinkVpc)||($.eventName=DetachClassicLinkVpc)||($.eventName=DisableVpcClassicLink)||($.eventName=EnableVpcClassicLink)}`,
}

func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// allows reports whether doc allows principal (a service or an ARN) to do
// action on resource with the request context.
func allows(doc policyDoc, principal, action, resource string, reqCtx map[string]string) bool {
	ctx := map[string][]string{}
	for k, v := range reqCtx {
		ctx[k] = []string{v}
	}
	req := iampolicy.Request{Principal: principal, Service: !strings.HasPrefix(principal, "arn:"), Action: action, Resource: resource, Context: ctx}
	return evaluate(doc, req) == iampolicy.Allowed
}

func TestAlertsTopic(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		topics := m.ByType(restype.SNSTopic)
		require.Len(t, topics, 1, "%s: SNS topics, want the one alerts topic", stack)
		topic := output(topics[0], "arn").(string)
		t.Run(stack+"/every alarm and event rule of every component notifies the alerts topic", func(t *testing.T) {
			alarms := m.ByType(restype.CloudWatchMetricAlarm)
			require.GreaterOrEqual(t, len(alarms), 20, "alarms; the components make at least 20")
			for _, a := range alarms {
				assert.Equal(t, []string{topic}, strs(a, "alarmActions"), "alarm %s actions", a.Name)
			}
			for _, tg := range m.ByType(restype.CloudWatchEventTarget) {
				assert.Equal(t, topic, str(tg, "arn"), "event target %s", tg.Name)
			}
		})
		t.Run(stack+"/publishing over TLS, by CloudWatch, EventBridge and this account only", func(t *testing.T) {
			doc := parsePolicy(t, only(t, m, restype.SNSTopicPolicy), "policy")
			mine := map[string]string{"aws:SourceAccount": accountOf(stack), "aws:SecureTransport": "true", "aws:PrincipalArn": "x"}
			other := map[string]string{"aws:SourceAccount": "999999999999", "aws:SecureTransport": "true", "aws:PrincipalArn": "x"}
			for _, svc := range []string{"cloudwatch.amazonaws.com", "events.amazonaws.com"} {
				assert.True(t, allows(doc, svc, "sns:Publish", topic, mine), "%s cannot publish for this account", svc)
				assert.False(t, allows(doc, svc, "sns:Publish", topic, other), "%s may publish for another account", svc)
			}
			assert.False(t, allows(doc, "s3.amazonaws.com", "sns:Publish", topic, mine), "another service may publish")
			assert.True(t, denies(doc, "sns:Publish", "arn:aws:iam::123456789012:role/x", false), "publishing without TLS is not denied")
		})
		t.Run(stack+"/subscriptions from config", func(t *testing.T) {
			var got []string
			for _, s := range m.ByType(restype.SNSTopicSubscription) {
				assert.Equal(t, topic, str(s, "topic"), "subscription %v", s.Inputs)
				assert.Contains(t, []string{"email", "https"}, str(s, "protocol"), "subscription %v", s.Inputs)
				got = append(got, str(s, "endpoint"))
			}
			want := append(slices.Clone(cfg.Alerts.Emails), cfg.Alerts.HTTPSEndpoints...)
			assert.True(t, sameSet(got, want), "subscribed %v, want %v", got, want)
		})
	}
}

func TestTrail(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		trail := only(t, m, restype.CloudTrailTrail)
		key := output(only(t, m, restype.KMSKey), "arn").(string)
		trailARN := output(trail, "arn").(string)
		t.Run(stack+"/multi-Region, validated, encrypted, all management events (CloudTrail.1, .2, .4)", func(t *testing.T) {
			for _, k := range []string{"isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation", "enableLogging"} {
				v, _ := boolean(trail, k)
				assert.True(t, v, "%s off", k)
			}
			assert.Equal(t, key, str(trail, "kmsKeyId"), "kmsKeyId")
			sels, _ := input(trail, "eventSelectors").([]any)
			if assert.Len(t, sels, 1, "event selectors %v; reads such as GetSecretValue must be recorded", sels) {
				assert.Equal(t, "All", sels[0].(map[string]any)["readWriteType"], "event selectors %v; reads such as GetSecretValue must be recorded", sels)
				assert.Equal(t, true, sels[0].(map[string]any)["includeManagementEvents"], "event selectors %v; reads such as GetSecretValue must be recorded", sels)
			}
			assert.Equal(t, "arn:aws:cloudtrail:us-east-1:"+accountOf(stack)+":trail/"+str(trail, "name"), trailARN, "the trail ARN follows its fixed name")
		})
		lg := find(t, m, restype.CloudWatchLogGroup, "of the trail", func(r mockaws.Resource) bool {
			return str(trail, "cloudWatchLogsGroupArn") == output(r, "arn").(string)+":*"
		})
		t.Run(stack+"/delivered to an encrypted log group (CloudTrail.5)", func(t *testing.T) {
			assert.Equal(t, key, str(lg, "kmsKeyId"), "log group key")
			assert.Equal(t, cfg.Audit.Trail.LogRetentionDays, num(lg, "retentionInDays"), "log group retention")
			role := roleByARN(t, m, str(trail, "cloudWatchLogsRoleArn"))
			trust := parsePolicy(t, role, "assumeRolePolicy")
			require.Len(t, trust.Statement, 1, "trust %+v", trust)
			require.Equal(t, `{"Service":["cloudtrail.amazonaws.com"]}`, string(trust.Statement[0].Principal), "trust %+v", trust)
			// CloudTrail's log-group role does not support aws:SourceArn
			// or aws:SourceAccount (CloudTrail user guide, "Role policy
			// document for CloudTrail to use CloudWatch Logs"): with them,
			// CreateTrail fails with InvalidCloudWatchLogsRoleArnException.
			assert.Empty(t, trust.Statement[0].Condition, "trust conditions: want none")
		})
		bucket := find(t, m, restype.S3BucketV2, "of the trail", func(r mockaws.Resource) bool { return output(r, "bucket") == str(trail, "s3BucketName") })
		bid := id(bucket)
		of := func(typ string) mockaws.Resource { return onBucket(t, m, typ, bid) }
		t.Run(stack+"/bucket locked down", func(t *testing.T) {
			pab := of(restype.S3BucketPublicAccessBlock)
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				v, _ := boolean(pab, k)
				assert.True(t, v, "%s off", k)
			}
			assert.Equal(t, "BucketOwnerEnforced", input(of(restype.S3BucketOwnershipControls), "rule.objectOwnership"), "not bucket-owner enforced and versioned")
			assert.Equal(t, "Enabled", input(of(restype.S3BucketVersioningV2), "versioningConfiguration.status"), "not bucket-owner enforced and versioned")
			rules, _ := input(of(restype.S3BucketServerSideEncryptionConfigurationV2), "rules").([]any)
			sse, _ := rules[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)
			assert.Equal(t, "aws:kms", sse["sseAlgorithm"], "encryption %v", sse)
			assert.Equal(t, key, sse["kmsMasterKeyId"], "encryption %v", sse)
			life, _ := input(of(restype.S3BucketLifecycleConfigurationV2), "rules").([]any)
			if assert.Len(t, life, 1, "lifecycle %v, want expiry after %d days", life, cfg.Audit.Trail.BucketExpirationDays) {
				assert.Equal(t, float64(cfg.Audit.Trail.BucketExpirationDays), life[0].(map[string]any)["expiration"].(map[string]any)["days"], "lifecycle %v, want expiry after %d days", life, cfg.Audit.Trail.BucketExpirationDays)
			}
			assert.Equal(t, cfg.ProtectStateful, bucket.Protect, "protect")
		})
		t.Run(stack+"/bucket admits CloudTrail for this trail only, over TLS", func(t *testing.T) {
			bp := of(restype.S3BucketPolicy)
			doc := parsePolicy(t, bp, "policy")
			arn := output(bucket, "arn").(string)
			object := arn + "/AWSLogs/" + accountOf(stack) + "/CloudTrail/us-east-1/2026/11/26/x.json.gz"
			this := map[string]string{"aws:SourceArn": trailARN, "s3:x-amz-acl": "bucket-owner-full-control"}
			cases := []struct {
				name    string
				action  string
				res     string
				ctx     map[string]string
				allowed bool
			}{
				{"this trail writes", "s3:PutObject", object, this, true},
				{"this trail checks the ACL", "s3:GetBucketAcl", arn, this, true},
				{"another trail writes", "s3:PutObject", object, map[string]string{"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:999999999999:trail/x", "s3:x-amz-acl": "bucket-owner-full-control"}, false},
				{"this trail without owner control", "s3:PutObject", object, map[string]string{"aws:SourceArn": trailARN, "s3:x-amz-acl": "private"}, false},
				{"outside this account's prefix", "s3:PutObject", arn + "/AWSLogs/999999999999/x", this, false},
			}
			for _, c := range cases {
				assert.Equal(t, c.allowed, allows(doc, "cloudtrail.amazonaws.com", c.action, c.res, c.ctx), "%s: allowed", c.name)
			}
			assert.True(t, denies(doc, "s3:GetObject", "arn:aws:iam::123456789012:role/reader", false), "requests without TLS are not denied")
			assert.Contains(t, trail.Dependencies, bp.URN, "the trail does not wait for its bucket policy; CreateTrail would fail")
		})
	}
}

func TestCISMetricFilters(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		topic := output(only(t, m, restype.SNSTopic), "arn").(string)
		lgName := str(only(t, m, restype.CloudTrailTrail), "cloudWatchLogsGroupArn")
		filters := m.ByType(restype.CloudWatchLogMetricFilter)
		assert.Len(t, filters, len(benchmarkPatterns)+1, "%s: metric filters, want the %d CIS ones and the secret-read one", stack, len(benchmarkPatterns))
		for _, f := range audit.CISFilters {
			parts := strings.Split(f.Controls, ",")
			control := strings.TrimSpace(parts[len(parts)-1]) // the Security Hub control, else the CIS one
			t.Run(stack+"/"+control+" "+f.ID, func(t *testing.T) {
				want, ok := benchmarkPatterns[control]
				require.True(t, ok, "no benchmark pattern for %s", control)
				mf := find(t, m, restype.CloudWatchLogMetricFilter, f.ID, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-"+f.ID) })
				assert.Equal(t, squeeze(want), squeeze(str(mf, "pattern")), "pattern (white space removed): want the benchmark's")
				checkFilterAlarm(t, m, mf, lgName, topic)
			})
		}
		t.Run(stack+"/reads of the stack's secrets by others", func(t *testing.T) {
			mf := find(t, m, restype.CloudWatchLogMetricFilter, audit.SecretReadsID, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-"+audit.SecretReadsID) })
			p := str(mf, "pattern")
			fn := only(t, m, restype.LambdaFunction)
			app := find(t, m, restype.IAMRole, "of the app", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-app") })
			for _, want := range []string{
				`$.eventName = "GetSecretValue"`,
				`$.requestParameters.secretId = "hardening-` + stack + `/*"`,
				`$.userIdentity.sessionContext.sessionIssuer.arn != "` + str(fn, "role") + `"`,
				`$.userIdentity.sessionContext.sessionIssuer.arn != "` + output(app, "arn").(string) + `"`,
				`$.userIdentity.type = "IAMUser"`,
			} {
				assert.Contains(t, p, want, "pattern lacks %s", want)
			}
			checkFilterAlarm(t, m, mf, lgName, topic)
		})
	}
}

// checkFilterAlarm checks that a filter counts on the trail's log group
// and that an alarm on its metric notifies the alerts topic.
func checkFilterAlarm(t *testing.T, m *mockaws.Mocks, mf mockaws.Resource, trailLogGroupARN, topic string) {
	t.Helper()
	assert.True(t, strings.HasSuffix(trailLogGroupARN, ":log-group:"+str(mf, "logGroupName")+":*"), "filter on %q, not the trail's log group %s", str(mf, "logGroupName"), trailLogGroupARN)
	metric := str(mf, "metricTransformation.name")
	assert.Equal(t, audit.MetricNamespace, str(mf, "metricTransformation.namespace"), "transformation %v", input(mf, "metricTransformation"))
	assert.Equal(t, "1", str(mf, "metricTransformation.value"), "transformation %v", input(mf, "metricTransformation"))
	alarm := find(t, m, restype.CloudWatchMetricAlarm, "on "+metric, func(r mockaws.Resource) bool {
		return str(r, "metricName") == metric && str(r, "namespace") == audit.MetricNamespace
	})
	assert.Equal(t, 1.0, input(alarm, "threshold"), "alarm %v", alarm.Inputs)
	assert.Equal(t, "GreaterThanOrEqualToThreshold", str(alarm, "comparisonOperator"), "alarm %v", alarm.Inputs)
	assert.Equal(t, []string{topic}, strs(alarm, "alarmActions"), "alarm %v", alarm.Inputs)
}

func TestDetectionServices(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		topic := output(only(t, m, restype.SNSTopic), "arn").(string)
		t.Run(stack+"/GuardDuty per config, high-severity findings to the alerts topic", func(t *testing.T) {
			detectors := m.ByType(restype.GuardDutyDetector)
			require.Len(t, detectors, map[bool]int{true: 1, false: 0}[cfg.Audit.GuardDuty], "detectors with guardDuty %v", cfg.Audit.GuardDuty)
			if !cfg.Audit.GuardDuty {
				return
			}
			v, _ := boolean(detectors[0], "enable")
			assert.True(t, v, "detector disabled")
			// Every protection plan by name (Runtime Monitoring is off by
			// default), on this detector, each once; the provider refuses
			// EKS_RUNTIME_MONITORING beside RUNTIME_MONITORING
			// (guardduty/detector_feature.go).
			want := map[string][]string{
				"S3_DATA_EVENTS": nil, "EKS_AUDIT_LOGS": nil, "EBS_MALWARE_PROTECTION": nil,
				"RDS_LOGIN_EVENTS": nil, "LAMBDA_NETWORK_LOGS": nil,
				"RUNTIME_MONITORING": {"EC2_AGENT_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EKS_ADDON_MANAGEMENT"},
			}
			got := map[string][]string{}
			for _, f := range m.ByType(restype.GuardDutyDetectorFeature) {
				name := str(f, "name")
				_, dup := got[name]
				assert.False(t, dup, "feature %s set twice", name)
				assert.Equal(t, "ENABLED", str(f, "status"), "feature %s status", name)
				assert.Equal(t, id(detectors[0]), str(f, "detectorId"), "feature %s detector", name)
				var extra []string
				list, _ := input(f, "additionalConfigurations").([]any)
				for i := range list {
					if str(f, fmt.Sprintf("additionalConfigurations.%d.status", i)) == "ENABLED" {
						extra = append(extra, str(f, fmt.Sprintf("additionalConfigurations.%d.name", i)))
					}
				}
				slices.Sort(extra)
				got[name] = extra
			}
			assert.Equal(t, want, got, "features")
			rule := find(t, m, restype.CloudWatchEventRule, "on GuardDuty findings", func(r mockaws.Resource) bool { return strings.Contains(str(r, "eventPattern"), "aws.guardduty") })
			var p struct {
				Detail struct {
					Severity []struct{ Numeric []any }
				}
			}
			assert.NoError(t, json.Unmarshal([]byte(str(rule, "eventPattern")), &p), "pattern %s", str(rule, "eventPattern"))
			if assert.Len(t, p.Detail.Severity, 1, "pattern %s, want severity >= 7", str(rule, "eventPattern")) {
				assert.Equal(t, []any{">=", 7.0}, p.Detail.Severity[0].Numeric, "pattern %s, want severity >= 7", str(rule, "eventPattern"))
			}
			targetsTopic(t, m, rule, topic)
		})
		t.Run(stack+"/Security Hub per config with FSBP and CIS v3.0", func(t *testing.T) {
			// One hub in the stack's Region and one, without standards, in
			// each replica Region through that Region's provider (CIS 4.16).
			replicaRegions := map[string]bool{}
			for _, s := range cfg.Secrets.Inventory {
				if s.ReplicaRegion != "" {
					replicaRegions[s.ReplicaRegion] = true
				}
			}
			var accounts []mockaws.Resource
			hubRegions := map[string]bool{}
			for _, a := range m.ByType(restype.SecurityHubAccount) {
				assert.Equal(t, false, input(a, "enableDefaultStandards"), "hub %s enables the default standards", a.Name)
				if a.Provider == "" {
					accounts = append(accounts, a)
					continue
				}
				for _, p := range m.ByType(restype.ProviderAWS) {
					if strings.HasPrefix(a.Provider, p.URN+"::") || a.Provider == p.URN {
						hubRegions[str(p, "region")] = true
					}
				}
			}
			if !cfg.Audit.SecurityHub {
				assert.Empty(t, m.ByType(restype.SecurityHubAccount), "Security Hub accounts with securityHub false")
				return
			}
			require.Len(t, accounts, 1, "Security Hub accounts in the stack's Region")
			assert.Equal(t, replicaRegions, hubRegions, "Security Hub in each replica Region")
			var arns []string
			for _, s := range m.ByType(restype.SecurityHubStandardsSubscription) {
				arns = append(arns, str(s, "standardsArn"))
				assert.Contains(t, s.Dependencies, accounts[0].URN, "subscription %s does not wait for Security Hub", s.Name)
			}
			want := []string{
				"arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
				"arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
			}
			assert.True(t, sameSet(arns, want), "standards %v, want %v", arns, want)
		})
		t.Run(stack+"/certificate expiry alarm and ACM events", func(t *testing.T) {
			cert := output(only(t, m, restype.ACMCertificate), "arn").(string)
			alarm := find(t, m, restype.CloudWatchMetricAlarm, "on DaysToExpiry", func(r mockaws.Resource) bool { return str(r, "metricName") == "DaysToExpiry" })
			assert.Equal(t, "AWS/CertificateManager", str(alarm, "namespace"), "alarm %v", alarm.Inputs)
			assert.Equal(t, cert, str(alarm, "dimensions.CertificateArn"), "alarm %v", alarm.Inputs)
			assert.Equal(t, float64(cfg.Audit.CertificateExpiryDays), input(alarm, "threshold"), "alarm %v", alarm.Inputs)
			assert.Equal(t, "LessThanThreshold", str(alarm, "comparisonOperator"), "alarm %v", alarm.Inputs)
			rule := find(t, m, restype.CloudWatchEventRule, "on ACM expiry", func(r mockaws.Resource) bool { return strings.Contains(str(r, "eventPattern"), "aws.acm") })
			var p struct {
				DetailType []string `json:"detail-type"`
				Resources  []string
			}
			assert.NoError(t, json.Unmarshal([]byte(str(rule, "eventPattern")), &p), "pattern %s", str(rule, "eventPattern"))
			assert.Equal(t, []string{"ACM Certificate Approaching Expiration"}, p.DetailType, "pattern %s", str(rule, "eventPattern"))
			assert.Equal(t, []string{cert}, p.Resources, "pattern %s", str(rule, "eventPattern"))
			targetsTopic(t, m, rule, topic)
		})
	}
}

func targetsTopic(t *testing.T, m *mockaws.Mocks, rule mockaws.Resource, topic string) {
	t.Helper()
	n := 0
	for _, tg := range m.ByType(restype.CloudWatchEventTarget) {
		if str(tg, "rule") == output(rule, "name") {
			n++
			assert.Equal(t, topic, str(tg, "arn"), "rule %s target", rule.Name)
		}
	}
	assert.Equal(t, 1, n, "rule %s targets", rule.Name)
}

func TestOrganizationTrail(t *testing.T) {
	const org = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org"
	cases := []struct {
		name     string
		logGroup string
		filters  int
	}{
		{"with the organization's log group in this account", "org-trail-logs", len(audit.CISFilters) + 1},
		{"with its logs elsewhere", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := loadStack(t, "prod")
			setField(t, s, "audit", "trail", map[string]any{"enabled": false, "organizationTrailArn": org, "logGroupName": c.logGroup})
			m, err := s.Run(baseline.Run)
			require.NoError(t, err)
			assert.Empty(t, m.ByType(restype.CloudTrailTrail), "trails made beside the organization's")
			filters := m.ByType(restype.CloudWatchLogMetricFilter)
			assert.Len(t, filters, c.filters, "filters")
			for _, f := range filters {
				assert.Equal(t, c.logGroup, str(f, "logGroupName"), "filter %s log group", f.Name)
			}
		})
	}
	t.Run("config names the organization trail", func(t *testing.T) {
		s := loadStack(t, "prod")
		setField(t, s, "audit", "trail", map[string]any{"enabled": false})
		_, err := stackconfig.Parse(s.Value, s.IsSecret)
		assert.ErrorContains(t, err, "audit.trail.organizationTrailArn")
	})
}

// TestEveryAlarmTellsTheAlertsTopic: every alarm of every component goes
// through audit.AlarmToAlerts to the one alerts topic and says when it
// clears, except the alarms on counts of single CloudTrail events (the CIS
// metric filters), which clear by themselves and say so by name
// (Alarm.NoClearNotice).
func TestEveryAlarmTellsTheAlertsTopic(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		topic := output(only(t, m, restype.SNSTopic), "arn")
		for _, a := range m.ByType(restype.CloudWatchMetricAlarm) {
			actions, _ := input(a, "alarmActions").([]any)
			if assert.Len(t, actions, 1, "%s/%s: alarm actions %v, want the alerts topic", stack, a.Name, actions) {
				assert.Equal(t, topic, actions[0], "%s/%s: alarm actions %v, want the alerts topic", stack, a.Name, actions)
			}
			ok, _ := input(a, "okActions").([]any)
			cis := str(a, "namespace") == audit.MetricNamespace
			if cis {
				assert.Empty(t, ok, "%s/%s: OK actions %v (CIS filter alarm %v)", stack, a.Name, ok, cis)
			} else if assert.NotEmpty(t, ok, "%s/%s: OK actions %v (CIS filter alarm %v)", stack, a.Name, ok, cis) {
				assert.Equal(t, topic, ok[0], "%s/%s: OK actions %v (CIS filter alarm %v)", stack, a.Name, ok, cis)
			}
		}
	}
}

// getSecretValueEvent is a CloudTrail record of GetSecretValue in the
// shape CloudTrail writes (userIdentity of an assumed role with its
// session issuer, or of an IAM user or the root user).
func getSecretValueEvent(identity, secretID string) string {
	return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":%s,"eventTime":"2026-12-01T10:00:00Z","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-sdk-go-v2","requestParameters":{"secretId":%q},"responseElements":null,"readOnly":true,"eventType":"AwsApiCall","recipientAccountId":%q}`,
		identity, secretID, mockaws.AccountID)
}

// assumedRole is the userIdentity of a session of role (an IAM role ARN).
func assumedRole(role string) string {
	name := role[strings.LastIndex(role, "/")+1:]
	return fmt.Sprintf(`{"type":"AssumedRole","principalId":"AROAEXAMPLE:session","arn":"arn:aws:sts::%[1]s:assumed-role/%[2]s/session","accountId":%[1]q,"accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":%[3]q,"accountId":%[1]q,"userName":%[2]q},"attributes":{"creationDate":"2026-12-01T09:59:00Z","mfaAuthenticated":"false"}}}`,
		mockaws.AccountID, name, role)
}

// TestSecretReadsAlarmIgnoresDeployers: the reads-by-others filter counts
// a stranger's read of the stack's secrets and an IAM user's or the root
// user's, and not the reads the stack makes itself: its readers', the
// rotation function's, and the deployers' (configured and the CI deploy
// role), whose provider reads back the values Pulumi writes on every
// `pulumi up` and refresh.
func TestSecretReadsAlarmIgnoresDeployers(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		mf := find(t, m, restype.CloudWatchLogMetricFilter, audit.SecretReadsID, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-"+audit.SecretReadsID) })
		pattern := str(mf, "pattern")
		client := output(secretNamed(t, m, stackconfig.ClientSecretName), "arn").(string)
		role := func(suffix string) string {
			if kind, ok := strings.CutPrefix(suffix, "-ci-"); ok {
				// The CI roles are the bootstrap's, at fixed names.
				return output(find(t, deployed(t, bootstraps[stack]), restype.IAMRole, suffix, func(r mockaws.Resource) bool {
					return strings.HasSuffix(r.Name, "-"+stack+"-ci-"+kind)
				}), "arn").(string)
			}
			return output(find(t, m, restype.IAMRole, suffix, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, suffix) }), "arn").(string)
		}
		require.NotEmpty(t, cfg.Secrets.Deployers)
		for _, c := range []struct {
			name     string
			identity string
			secret   string
			counted  bool
		}{
			{"a configured deployer refreshing the client secret", assumedRole(cfg.Secrets.Deployers[0]), client, false},
			{"the CI deploy role refreshing it", assumedRole(role("-ci-deploy")), client, false},
			{"the CI drift role refreshing it", assumedRole(role("-ci-drift")), client, false},
			{"the app reading its secret", assumedRole(role("-app")), output(secretNamed(t, m, "app-db-password"), "arn").(string), false},
			{"the rotation function", assumedRole(role("-rotation")), output(secretNamed(t, m, "app-db-password"), "arn").(string), false},
			{"by name, as a deployer's CLI would", assumedRole(cfg.Secrets.Deployers[0]), "hardening-" + stack + "/" + stackconfig.ClientSecretName, false},
			{"a stranger role", assumedRole("arn:aws:iam::" + mockaws.AccountID + ":role/someone-else"), client, true},
			{"the CI preview role, which may not read values", assumedRole(role("-ci-preview")), client, true},
			{"an IAM user", `{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::` + mockaws.AccountID + `:user/bob","accountId":"` + mockaws.AccountID + `","userName":"bob"}`, client, true},
			{"the root user", `{"type":"Root","principalId":"` + mockaws.AccountID + `","arn":"arn:aws:iam::` + mockaws.AccountID + `:root","accountId":"` + mockaws.AccountID + `"}`, client, true},
			{"a stranger reading another stack's secret", assumedRole("arn:aws:iam::" + mockaws.AccountID + ":role/someone-else"), "arn:aws:secretsmanager:us-east-1:" + mockaws.AccountID + ":secret:other-stack/x-AbCdEf", false},
		} {
			t.Run(stack+"/"+c.name, func(t *testing.T) {
				got, err := matchFilter(pattern, getSecretValueEvent(c.identity, c.secret))
				require.NoError(t, err, pattern)
				assert.Equal(t, c.counted, got, "pattern %s", pattern)
			})
		}
		t.Run(stack+"/a deployer's denied read of a generated secret raises the CIS 4.1 alarm instead", func(t *testing.T) {
			unauthorized := find(t, m, restype.CloudWatchLogMetricFilter, "unauthorized-api-calls", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-unauthorized-api-calls") })
			event := strings.Replace(getSecretValueEvent(assumedRole(cfg.Secrets.Deployers[0]), output(secretNamed(t, m, "app-db-password"), "arn").(string)),
				`"responseElements":null`, `"errorCode":"AccessDenied","errorMessage":"User is not authorized to perform: secretsmanager:GetSecretValue with an explicit deny in a resource-based policy","responseElements":null`, 1)
			got, err := matchFilter(str(unauthorized, "pattern"), event)
			require.NoError(t, err)
			assert.True(t, got)
		})
		t.Run(stack+"/within CloudWatch Logs' 1,024 characters", func(t *testing.T) {
			assert.LessOrEqual(t, len(pattern), 1024)
		})
	}
}

// TestTrailRecordsItsOwnDeliveries measures what the trail's data
// selectors cover: every bucket of the stack, its own, the access-log
// bucket and the load balancer's log bucket included, so it records the
// deliveries into them. Leaving them out fails CIS 3.8/3.9 and Security
// Hub S3.22/S3.23 (the rule judging them shows it on that variant), so the
// stack keeps them, and docs/audit.md names each bucket and the cost.
func TestTrailRecordsItsOwnDeliveries(t *testing.T) {
	page, err := os.ReadFile("../docs/audit.md")
	require.NoError(t, err)
	for _, stack := range stacks {
		m := deployed(t, stack)
		trail := only(t, m, restype.CloudTrailTrail)
		var values []string
		sels, _ := input(trail, "eventSelectors").([]any)
		for _, s := range sels {
			drs, _ := s.(map[string]any)["dataResources"].([]any)
			for _, d := range drs {
				if dr := d.(map[string]any); dr["type"] == "AWS::S3::Object" {
					for _, v := range dr["values"].([]any) {
						values = append(values, v.(string))
					}
				}
			}
		}
		covered := func(bucketARN string) bool {
			// A value is an ARN prefix: "arn:aws:s3" is every bucket,
			// "arn:aws:s3:::b/" one bucket (CloudTrail API, DataResource).
			return slices.ContainsFunc(values, func(v string) bool { return strings.HasPrefix(bucketARN+"/", v) })
		}
		docs := map[string]string{"-trail": "**trail bucket**", "-access-logs": "**access-log bucket**", "-logs": "**load balancer's log bucket**"}
		buckets := m.ByType(restype.S3BucketV2)
		require.Len(t, buckets, len(docs), "the stack's buckets")
		for _, b := range buckets {
			t.Run(stack+"/"+b.Name, func(t *testing.T) {
				assert.True(t, covered(output(b, "arn").(string)), "data selectors %v leave %s out", values, b.Name)
				var named string
				for suffix := range docs {
					if strings.HasSuffix(b.Name, suffix) && len(suffix) > len(named) {
						named = suffix
					}
				}
				require.NotEmpty(t, named, "a bucket docs/audit.md does not know")
				assert.Contains(t, string(page), docs[named], "docs/audit.md does not say the trail records writes into the %s", docs[named])
			})
		}
	}
	t.Run("leaving the stack's buckets out fails CIS 3.8/3.9 and S3.22/S3.23", func(t *testing.T) {
		g := graphOf(t, "prod")
		var exclude []any
		for _, b := range g.ByType(restype.S3BucketV2) {
			exclude = append(exclude, "arn:aws:s3:::"+b.Str("bucketPrefix"))
		}
		set(t, g, restype.CloudTrailTrail, "", "eventSelectors", nil)
		urn := set(t, g, restype.CloudTrailTrail, "", "advancedEventSelectors", advancedSelectors(map[string]any{"field": "resources.ARN", "notStartsWiths": exclude}))
		rule, ok := compliance.Lookup("cloudtrail-s3-data-events")
		require.True(t, ok)
		for _, c := range []string{"CIS 3.8", "CIS 3.9", "SecurityHub S3.22", "SecurityHub S3.23"} {
			assert.Contains(t, rule.Controls, c)
		}
		v := rule.Check(g)
		// One finding for writes (S3.22, CIS 3.8), one for reads.
		require.Len(t, v, 2)
		for _, f := range v {
			assert.Equal(t, urn, f.URN)
			assert.Contains(t, f.Message, "in every bucket")
		}
		assert.ElementsMatch(t, []string{"SecurityHub S3.22", "CIS 3.8"}, v[0].Controls)
		assert.ElementsMatch(t, []string{"SecurityHub S3.23", "CIS 3.9"}, v[1].Controls)
	})
}
