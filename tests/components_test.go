package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/identity/signin"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network"
	"github.com/example/hardening/ratelimit"
	"github.com/example/hardening/ratelimit/limits"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/tls"
	"github.com/example/hardening/tls/policy"
)

// Components check their own arguments, whoever calls them:
// each test builds one component alone with hand-written arguments, as a
// caller outside baseline would, and expects every problem named at once
// before any resource is registered.

func validPoolArgs() *identity.UserPoolArgs {
	return &identity.UserPoolArgs{
		MFA: signin.MFAOn, PasswordMinLength: 14, PasswordHistory: 24, TemporaryPasswordDays: 1,
		ThreatProtection: signin.Enforced, Tier: signin.Plus, DomainPrefix: "alone",
		CallbackURLs: []string{"https://app.example.com/oauth2/idpresponse"}, LogoutURLs: []string{"https://app.example.com/"},
		AccessTokenMinutes: 60, IDTokenMinutes: 60, RefreshTokenDays: 1,
		ListenerARN:    pulumi.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/a/1/2"),
		TargetGroupARN: pulumi.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/a/1"),
		BoundaryARN:    pulumi.String("arn:aws:iam::123456789012:policy/alone-boundary"),
	}
}

func TestUserPoolChecksItsArguments(t *testing.T) {
	s := loadStack(t, "dev")
	_, err := s.Run(func(ctx *pulumi.Context) error {
		_, err := identity.NewUserPool(ctx, "alone", validPoolArgs())
		return err
	})
	require.NoError(t, err, "valid arguments")
	args := validPoolArgs()
	args.PasswordMinLength, args.Tier, args.MFA = 0, signin.Essentials, "SOMETIMES"
	m, err := s.Run(func(ctx *pulumi.Context) error {
		_, err := identity.NewUserPool(ctx, "alone", args)
		return err
	})
	for _, want := range []string{`mfa: "SOMETIMES" is not ON, OPTIONAL or OFF`, "passwordMinLength: 0 is out of range; use 14 to 99", `tier: "ESSENTIALS" has no threat protection`} {
		assert.ErrorContains(t, err, want)
	}
	if m != nil {
		assert.Empty(t, m.ByType(restype.CognitoUserPool), "a user pool was registered with invalid arguments")
	}
}

func TestLoadBalancerChecksItsArguments(t *testing.T) {
	s := loadStack(t, "dev")
	_, err := s.Run(func(ctx *pulumi.Context) error {
		_, err := tls.NewLoadBalancer(ctx, "alone", &tls.LoadBalancerArgs{
			SSLPolicy: "ELBSecurityPolicy-2016-08", MutualTLS: true, ZoneCount: 2,
			VPCID: pulumi.String("vpc-1"), PublicSubnetIDs: pulumi.StringArray{pulumi.String("subnet-1")}.ToStringArrayOutput(),
			SecurityGroupID: pulumi.String("sg-1"),
		})
		return err
	})
	for _, want := range []string{"domain: is empty and the private CA is off", `sslPolicy: "ELBSecurityPolicy-2016-08" is unknown or weak`, "mutualTls.enabled: mutual TLS needs a CA"} {
		assert.ErrorContains(t, err, want)
	}
	// The same rules, from the same place, as the configuration reports.
	assert.Empty(t, (policy.Settings{SSLPolicy: policy.Default, PrivateCA: true}).Check(), "private CA settings")
}

func TestWebACLChecksItsArguments(t *testing.T) {
	s := loadStack(t, "dev")
	_, err := s.Run(func(ctx *pulumi.Context) error {
		_, err := ratelimit.NewWebACL(ctx, "alone", &ratelimit.WebACLArgs{
			LoadBalancerARN: pulumi.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1"),
			LogKeyARN:       pulumi.String("arn:aws:kms:us-east-1:123456789012:key/k"),
			AlertsTopicARN:  pulumi.String("arn:aws:sns:us-east-1:123456789012:alerts"),
			Mode:            limits.Block, MetricPrefix: "alone",
			Site:    limits.RateRule{Limit: 0, WindowSec: 300},
			Auth:    limits.RateRule{Limit: 100, WindowSec: 60},
			PerUser: limits.RateRule{Limit: 100, WindowSec: 45, Paths: []string{"/api/"}},
		})
		return err
	})
	for _, want := range []string{"site.limit: 0 is out of range", "auth.paths: is empty", "perUser.windowSec: 45 is not a WAF evaluation window"} {
		assert.ErrorContains(t, err, want)
	}
}

func TestVPCChecksItsArguments(t *testing.T) {
	s := loadStack(t, "dev")
	_, err := s.Run(func(ctx *pulumi.Context) error {
		_, err := network.NewVPC(ctx, "alone", &network.VPCArgs{
			CIDR: "10.40.0.0/16", AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
			LoadBalancerIngressCIDRs: []string{"0.0.0.0/0"}, AppPort: 22, DatabasePort: 5432, FlowLogRetentionDays: 365,
			LogKeyARN:           pulumi.String("arn:aws:kms:us-east-1:123456789012:key/test"),
			PermissionsBoundary: pulumi.String("arn:aws:iam::123456789012:policy/test-boundary"),
			Env:                 awsenv.Env{AccountID: mockaws.AccountID, Partition: "aws", Region: "us-east-1"},
		})
		return err
	})
	assert.ErrorContains(t, err, "appPort: 22 is a remote-administration port")
}

// TestComponentsAlone builds each component by itself with hand-written
// arguments, as a program other than baseline would: it registers under
// its own type token, every child is named from it and parented under it,
// it makes what it is for, and it refuses missing arguments before
// registering anything.
func TestComponentsAlone(t *testing.T) {
	env := awsenv.Env{AccountID: mockaws.AccountID, Partition: "aws", Region: "us-east-1", RolePath: "/alone/"}
	arn := func(s string) pulumi.StringInput { return pulumi.String(s) }
	key := arn("arn:aws:kms:us-east-1:123456789012:key/k")
	topic := arn("arn:aws:sns:us-east-1:123456789012:alone-alerts")
	queue := arn("arn:aws:sqs:us-east-1:123456789012:alone-dlq")
	boundary := arn("arn:aws:iam::123456789012:policy/alone-boundary")
	cases := []struct {
		token string
		makes string
		build func(ctx *pulumi.Context) error
		empty func(ctx *pulumi.Context) error
	}{
		{secrets.KeyType, restype.KMSKey, func(ctx *pulumi.Context) error {
			_, err := secrets.NewKey(ctx, "alone", &secrets.KeyArgs{Description: "alone", RotationPeriodDays: 365, DeletionWindowDays: 30, Env: env})
			return err
		}, func(ctx *pulumi.Context) error { _, err := secrets.NewKey(ctx, "alone", nil); return err }},
		{audit.AlertsType, restype.SNSTopic, func(ctx *pulumi.Context) error {
			_, err := audit.NewAlerts(ctx, "alone", &audit.AlertsArgs{KeyARN: key, Env: env})
			return err
		}, func(ctx *pulumi.Context) error { _, err := audit.NewAlerts(ctx, "alone", nil); return err }},
		{audit.AccessLogsType, restype.S3BucketV2, func(ctx *pulumi.Context) error {
			_, err := audit.NewAccessLogs(ctx, "alone", &audit.AccessLogsArgs{SourcePrefix: "alone-", ExpirationDays: 30, Env: env})
			return err
		}, func(ctx *pulumi.Context) error { _, err := audit.NewAccessLogs(ctx, "alone", nil); return err }},
		{audit.TrailType, restype.CloudTrailTrail, func(ctx *pulumi.Context) error {
			_, err := audit.NewTrail(ctx, "alone", &audit.TrailArgs{KeyARN: key, LogRetentionDays: 365, BucketExpirationDays: 365, Env: env, PermissionsBoundary: boundary})
			return err
		}, func(ctx *pulumi.Context) error { _, err := audit.NewTrail(ctx, "alone", nil); return err }},
		{audit.MonitoringType, restype.CloudWatchMetricAlarm, func(ctx *pulumi.Context) error {
			_, err := audit.NewMonitoring(ctx, "alone", &audit.MonitoringArgs{
				TrailLogGroupName: arn("/cloudtrail/alone"), SecretNamePrefix: "alone/", SecretReaders: pulumi.StringArray{},
				CertificateExpiryDays: 30, AlertsTopicARN: topic, DeadLetterARN: queue, Env: env,
			})
			return err
		}, func(ctx *pulumi.Context) error { _, err := audit.NewMonitoring(ctx, "alone", nil); return err }},
		{identity.BoundaryType, restype.IAMPolicy, func(ctx *pulumi.Context) error {
			_, err := identity.NewBoundary(ctx, "alone", &identity.BoundaryArgs{Allow: append(append([]string{}, identity.DeployActions...), identity.KeyUseActions...), Regions: []string{"us-east-1"}, StackTagKey: "environment", StackTagValue: "alone", Env: env})
			return err
		}, func(ctx *pulumi.Context) error { _, err := identity.NewBoundary(ctx, "alone", nil); return err }},
		{identity.WorkloadRoleType, restype.IAMRole, func(ctx *pulumi.Context) error {
			_, err := identity.NewWorkloadRole(ctx, "alone", &identity.WorkloadRoleArgs{Team: "app", Service: "ecs-tasks.amazonaws.com", Env: env, PermissionsBoundary: boundary})
			return err
		}, func(ctx *pulumi.Context) error { _, err := identity.NewWorkloadRole(ctx, "alone", nil); return err }},
		{identity.CIRolesType, restype.IAMRole, func(ctx *pulumi.Context) error {
			_, err := identity.NewCIRoles(ctx, "alone", &identity.CIRolesArgs{
				Repository: "example-org/alone", Branch: "main", Environment: "alone", BoundaryARN: boundary,
				ProviderARN: arn("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"),
				Project:     "hardening", Stack: "alone", Component: "alone", StackTagKey: "environment", StackTagValue: "alone", Env: env,
			})
			return err
		}, func(ctx *pulumi.Context) error { _, err := identity.NewCIRoles(ctx, "alone", nil); return err }},
	}
	s := loadStack(t, "dev")
	for _, c := range cases {
		t.Run(c.token, func(t *testing.T) {
			m, err := s.Run(c.build)
			require.NoError(t, err, "valid arguments")
			comp, ok := m.Named(c.token, "alone")
			require.True(t, ok, "no %s named alone", c.token)
			assert.NotEmpty(t, m.ByType(c.makes), "makes no %s", c.makes)
			for _, r := range m.Resources() {
				if r.URN == comp.URN || r.Type == restype.ProviderAWS {
					continue
				}
				assert.True(t, strings.HasPrefix(r.Name, "alone"), "%s %s is not named from the component", r.Type, r.Name)
				assert.Contains(t, r.URN, c.token, "%s %s is not parented under the component", r.Type, r.Name)
			}
			m, err = s.Run(c.empty)
			assert.Error(t, err, "nil arguments accepted")
			if m != nil {
				assert.Empty(t, m.Resources(), "registered %d resources before refusing its arguments", len(m.Resources()))
			}
		})
	}
}
