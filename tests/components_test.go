package tests

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/identity"
	"github.com/example/hardening/identity/signin"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/network"
	"github.com/example/hardening/ratelimit"
	"github.com/example/hardening/ratelimit/limits"
	"github.com/example/hardening/tls"
	"github.com/example/hardening/tls/policy"
)

// Components check their own arguments, whoever calls them (#17 item 1):
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
	if _, err := s.Run(func(ctx *pulumi.Context) error {
		_, err := identity.NewUserPool(ctx, "alone", validPoolArgs())
		return err
	}); err != nil {
		t.Fatalf("valid arguments: %v", err)
	}
	args := validPoolArgs()
	args.PasswordMinLength, args.Tier, args.MFA = 0, signin.Essentials, "SOMETIMES"
	m, err := s.Run(func(ctx *pulumi.Context) error {
		_, err := identity.NewUserPool(ctx, "alone", args)
		return err
	})
	for _, want := range []string{`mfa: "SOMETIMES" is not ON, OPTIONAL or OFF`, "passwordMinLength: 0 is out of range; use 14 to 99", `tier: "ESSENTIALS" has no threat protection`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	if m != nil && len(m.ByType("aws:cognito/userPool:UserPool")) > 0 {
		t.Error("a user pool was registered with invalid arguments")
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
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
	// The same rules, from the same place, as the configuration reports.
	if got := (policy.Settings{SSLPolicy: policy.Default, PrivateCA: true}).Check(); len(got) != 0 {
		t.Errorf("private CA settings: %v", got)
	}
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
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
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
	if want := "appPort: 22 is a remote-administration port"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v does not say %q", err, want)
	}
}
