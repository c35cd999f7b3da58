// Package baseline composes every component of the hardening baseline into
// one stack. main.go and the tests both run it, so what the tests check is
// what `pulumi up` deploys.
package baseline

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/awsenv"
	"github.com/example/hardening/network"
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
	if len(zones.Names) < cfg.Network.AZCount {
		return nil, fmt.Errorf("network.azCount: %d zones asked for, but region %s has %d available (%v); use at most %d",
			cfg.Network.AZCount, region.Name, len(zones.Names), zones.Names, len(zones.Names))
	}
	return &Environment{
		Env:               awsenv.Env{AccountID: caller.AccountId, Partition: partition.Partition, Region: region.Name},
		AvailabilityZones: zones.Names[:cfg.Network.AZCount],
	}, nil
}

// Baseline is every component of one stack.
type Baseline struct {
	Key          *secrets.Key
	Network      *network.Vpc
	LoadBalancer *tls.LoadBalancer
}

// Deploy registers the whole stack from a validated configuration and
// exports its outputs.
func Deploy(ctx *pulumi.Context, cfg *stackconfig.Config) (*Baseline, error) {
	env, err := Lookup(ctx, cfg)
	if err != nil {
		return nil, err
	}
	name := ctx.Project() + "-" + ctx.Stack()
	key, err := secrets.NewKey(ctx, name, &secrets.KeyArgs{
		Description:        fmt.Sprintf("Secrets and logs of the %s/%s stack", ctx.Project(), ctx.Stack()),
		RotationPeriodDays: cfg.KMS.RotationPeriodDays,
		DeletionWindowDays: cfg.KMS.DeletionWindowDays,
		Administrators:     cfg.KMS.Administrators,
		Env:                env.Env,
		Protect:            cfg.ProtectStateful,
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
		InterfaceEndpoints:       n.InterfaceEndpoints,
		FlowLogRetentionDays:     n.FlowLogRetentionDays,
		LogKeyARN:                key.KeyARN,
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

	ctx.Export("kmsKeyArn", key.KeyARN)
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
	return &Baseline{Key: key, Network: vpc, LoadBalancer: alb}, nil
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
