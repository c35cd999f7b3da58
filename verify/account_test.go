package verify

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/stackconfig"
)

// prodConfig is the real prod stack's configuration: GuardDuty, Security
// Hub and the trail owned by the stack, two rotated secrets.
func prodConfig(t *testing.T) *stackconfig.Config {
	t.Helper()
	cfg, err := loadStack("..", "prod")
	require.NoError(t, err)
	return cfg
}

func testAccount(t *testing.T, broken map[string]string) (Account, *fakeAWS) {
	o := readTestOutputs(t)
	cfg, f := testAWS(t, o, broken)
	return Account{Config: cfg, Outputs: o, Stack: prodConfig(t), Now: testNow, TrailMaxAge: time.Hour, FlowLogMaxAge: 2 * time.Hour}, f
}

func status(rs []Result) map[string]Status {
	m := map[string]Status{}
	for _, r := range rs {
		m[r.Check] = r.Status
	}
	return m
}

// TestCheckAccountHealthy: a healthy account passes every check, and the
// checks call exactly the actions the CI roles are given for them.
func TestCheckAccountHealthy(t *testing.T) {
	a, f := testAccount(t, nil)
	rs := CheckAccount(context.Background(), a)
	want := map[string]Status{
		"account.identity": Pass, "account.trail": Pass, "account.guardduty": Pass, "account.securityhub": Pass,
		"account.secret[app-db-password]": Pass, "account.secret[app-api-key]": Pass,
		"account.bucket[hardening-prod-trail-3f9a2b1]": Pass, "account.bucket[hardening-prod-lb-logs-7c1d0e2]": Pass,
		"account.bucket[hardening-prod-access-logs-5e4f3a9]": Pass,
		"account.flowlogs": Pass, "account.flowlogs.delivery": Pass, "account.waf": Pass,
	}
	assert.Equal(t, want, status(rs), "results %v", rs)
	for check, evidence := range map[string]string{
		"account.identity":                "assumed-role/hardening-prod-ci-deploy-a1b2c3d/deploy-prod-18273645 in account 123456789012",
		"account.trail":                   "is logging; last delivered 2026-12-01T11:52:00Z, 8m0s ago",
		"account.securityhub":             "2 standards READY",
		"account.secret[app-db-password]": "rotated 2026-11-20T12:00:00Z, every 30 days",
		"account.flowlogs":                "fl-0f1e2d3c4b5a69788: ACTIVE, ALL traffic",
		"account.flowlogs.delivery":       "took records 5m0s ago",
	} {
		assert.Contains(t, find(t, rs, check).Evidence, evidence, check)
	}
	// The ACM lookup the TLS check uses reads the same account.
	cert, why, err := a.ACM()(context.Background())
	require.NoError(t, err)
	require.Empty(t, why)
	assert.Equal(t, "0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9", cert.Serial)

	called := f.called()
	slices.Sort(called)
	called = slices.Compact(called)
	actions := slices.Clone(Actions)
	slices.Sort(actions)
	assert.Equal(t, actions, called, "Actions lists what the checks call")
}

// TestCheckAccountBroken: each recorded fault fails its own check, and
// only it.
func TestCheckAccountBroken(t *testing.T) {
	buckets := []string{"account.bucket[hardening-prod-access-logs-5e4f3a9]", "account.bucket[hardening-prod-lb-logs-7c1d0e2]", "account.bucket[hardening-prod-trail-3f9a2b1]"}
	cases := []struct {
		key, file string
		want      []string
		evidence  string
	}{
		{"cloudtrail.GetTrailStatus", "cloudtrail.GetTrailStatus.stopped.http", []string{"account.trail"}, "is not logging (stopped 2026-12-01T10:00:00Z)"},
		{"cloudtrail.GetTrailStatus", "cloudtrail.GetTrailStatus.stale.http", []string{"account.trail"}, "last delivered 2026-11-28T12:00:00Z, 72h0m0s ago, longer than 1h0m0s"},
		{"cloudtrail.GetTrailStatus", "cloudtrail.GetTrailStatus.delivery-error.http", []string{"account.trail"}, "last delivery to S3 failed: AccessDenied"},
		{"guardduty.GetDetector", "guardduty.GetDetector.disabled.http", []string{"account.guardduty"}, "is DISABLED"},
		{"securityhub.GetEnabledStandards", "securityhub.GetEnabledStandards.incomplete.http", []string{"account.securityhub"}, "cis-aws-foundations-benchmark/v/3.0.0 is INCOMPLETE"},
		{"secretsmanager.DescribeSecret.app-db-password", "secretsmanager.DescribeSecret.app-db-password.pending.http", []string{"account.secret[app-db-password]"}, "is staged AWSPENDING alone"},
		{"secretsmanager.DescribeSecret.app-db-password", "secretsmanager.DescribeSecret.app-db-password.overdue.http", []string{"account.secret[app-db-password]"}, "last rotated 2026-10-02T12:00:00Z, more than 30 days ago"},
		{"secretsmanager.DescribeSecret.app-db-password", "secretsmanager.DescribeSecret.app-db-password.rotation-off.http", []string{"account.secret[app-db-password]"}, "has rotation off"},
		{"secretsmanager.DescribeSecret.app-api-key", "secretsmanager.DescribeSecret.app-api-key.interval.http", []string{"account.secret[app-api-key]"}, "rotates every 90 days; secrets.inventory says 30"},
		{"secretsmanager.DescribeSecret.app-api-key", "secretsmanager.DescribeSecret.app-api-key.never-rotated.http", []string{"account.secret[app-api-key]"}, "never rotated, though created 2026-05-15T12:00:00Z"},
		{"s3.GetPublicAccessBlock", "s3.GetPublicAccessBlock.policy-allowed.http", buckets, "BlockPublicPolicy false"},
		{"s3.GetPublicAccessBlock", "s3.GetPublicAccessBlock.none.http", buckets, "has no public access block"},
		{"s3.GetBucketPolicyStatus", "s3.GetBucketPolicyStatus.public.http", buckets, "S3 judges the policy of"},
		{"ec2.DescribeFlowLogs", "ec2.DescribeFlowLogs.delivery-failed.http", []string{"account.flowlogs"}, "delivers with FAILED: Access error"},
		{"ec2.DescribeFlowLogs", "ec2.DescribeFlowLogs.reject-only.http", []string{"account.flowlogs"}, "records REJECT traffic"},
		{"logs.DescribeLogStreams", "logs.DescribeLogStreams.stale.http", []string{"account.flowlogs.delivery"}, "24h0m0s ago, longer than 2h0m0s"},
		{"wafv2.GetWebACLForResource", "wafv2.GetWebACLForResource.none.http", []string{"account.waf"}, "no web ACL is associated"},
		{"wafv2.GetWebACLForResource", "wafv2.GetWebACLForResource.other-acl.http", []string{"account.waf"}, "legacy-acl"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			a, _ := testAccount(t, map[string]string{c.key: c.file})
			rs := CheckAccount(context.Background(), a)
			assert.Equal(t, c.want, failed(rs), "results %v", rs)
			assert.Contains(t, find(t, rs, c.want[0]).Evidence, c.evidence)
		})
	}
}

// TestCheckAccountBrokenAccount: an account with every fault at once fails
// every check that judges one.
func TestCheckAccountBrokenAccount(t *testing.T) {
	a, _ := testAccount(t, map[string]string{
		"cloudtrail.GetTrailStatus":                     "cloudtrail.GetTrailStatus.stopped.http",
		"guardduty.GetDetector":                         "guardduty.GetDetector.disabled.http",
		"securityhub.GetEnabledStandards":               "securityhub.GetEnabledStandards.incomplete.http",
		"secretsmanager.DescribeSecret.app-db-password": "secretsmanager.DescribeSecret.app-db-password.pending.http",
		"s3.GetPublicAccessBlock":                       "s3.GetPublicAccessBlock.none.http",
		"ec2.DescribeFlowLogs":                          "ec2.DescribeFlowLogs.delivery-failed.http",
		"logs.DescribeLogStreams":                       "logs.DescribeLogStreams.stale.http",
		"wafv2.GetWebACLForResource":                    "wafv2.GetWebACLForResource.none.http",
	})
	rs := CheckAccount(context.Background(), a)
	want := []string{
		"account.bucket[hardening-prod-access-logs-5e4f3a9]", "account.bucket[hardening-prod-lb-logs-7c1d0e2]", "account.bucket[hardening-prod-trail-3f9a2b1]",
		"account.flowlogs", "account.flowlogs.delivery", "account.guardduty", "account.secret[app-db-password]", "account.securityhub",
		"account.trail", "account.waf",
	}
	assert.Equal(t, want, failed(rs))
}

func TestCheckAccountOtherAccount(t *testing.T) {
	a, f := testAccount(t, map[string]string{"sts.GetCallerIdentity": "sts.GetCallerIdentity.other-account.http"})
	rs := CheckAccount(context.Background(), a)
	assert.Equal(t, []string{"account.identity"}, failed(rs))
	assert.Contains(t, find(t, rs, "account.identity").Evidence, "in account 210987654321; the stack's resources are in 123456789012")
	assert.Equal(t, NotChecked, find(t, rs, "account.trail").Status, "nothing is judged in another account")
	assert.Equal(t, []string{"sts:GetCallerIdentity"}, f.called())
}

func TestCheckAccountNotChecked(t *testing.T) {
	o := readTestOutputs(t)
	cases := []struct {
		name string
		a    Account
		why  string
	}{
		{"no outputs", Account{Stack: prodConfig(t)}, "no stack outputs"},
		{"no credentials", Account{Outputs: o, Stack: prodConfig(t)}, "no AWS credentials in the environment"},
		{"credentials that fail", Account{Outputs: o, Stack: prodConfig(t), Config: aws.Config{Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no EC2 IMDS role found")
		})}}, "no EC2 IMDS role found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := CheckAccount(context.Background(), c.a)
			require.Len(t, rs, len(accountChecks))
			for _, r := range rs {
				assert.Equal(t, NotChecked, r.Status, r.Check)
				assert.Contains(t, r.Evidence, c.why)
			}
			_, why, err := c.a.ACM()(context.Background())
			assert.NoError(t, err)
			assert.Contains(t, why, c.why)
		})
	}
}

// TestCheckAccountNotOwned: what the stack leaves to the account or
// organization (dev's GuardDuty and Security Hub), and a secret not rotated
// yet, are not checked, never passed.
func TestCheckAccountNotOwned(t *testing.T) {
	a, _ := testAccount(t, map[string]string{
		"secretsmanager.DescribeSecret.app-api-key": "secretsmanager.DescribeSecret.app-api-key.not-rotated-yet.http",
		"s3.GetBucketPolicyStatus":                  "s3.GetBucketPolicyStatus.no-policy.http",
	})
	cfg := *a.Stack
	cfg.Audit.GuardDuty, cfg.Audit.SecurityHub = false, false
	a.Stack = &cfg
	rs := CheckAccount(context.Background(), a)
	assert.Empty(t, failed(rs))
	for check, why := range map[string]string{
		"account.guardduty":           "audit.guardDuty is false",
		"account.securityhub":         "audit.securityHub is false",
		"account.secret[app-api-key]": "not rotated yet: created 2026-11-19T12:00:00Z, next rotation 2026-12-19T12:00:00Z",
	} {
		r := find(t, rs, check)
		assert.Equal(t, NotChecked, r.Status, check)
		assert.Contains(t, r.Evidence, why, check)
	}
	assert.Contains(t, find(t, rs, "account.bucket[hardening-prod-trail-3f9a2b1]").Evidence, "no bucket policy")
}

// TestACMAgainstServed: the TLS check compares the served certificate
// with ACM's record, read through the account.
func TestACMAgainstServed(t *testing.T) {
	ca := newCA(t, "test root")
	s := startTLS(t, http.NotFoundHandler(), goodTLS(ca.leaf(t, leafOpts{names: []string{siteName}, sct: true})))
	e := Endpoint{HTTPS: mustURL(t, s.URL), ServerName: siteName, Roots: ca.pool(), Policy: defaultPolicy(t), ExpiryDays: 30}
	for _, c := range []struct {
		broken   map[string]string
		status   Status
		evidence string
	}{
		{nil, Pass, "is arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9's"},
		{map[string]string{"acm.DescribeCertificate": "acm.DescribeCertificate.other-serial.http"}, Fail, "has serial 03:77:1e:9a"},
	} {
		a, _ := testAccount(t, c.broken)
		r := find(t, CheckTLS(context.Background(), e, testNow, a.ACM()), "tls.cert.acm")
		assert.Equal(t, c.status, r.Status, r.Evidence)
		assert.Contains(t, r.Evidence, c.evidence)
	}
}
