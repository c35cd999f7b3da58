package tls

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/awsenv"
	"github.com/example/hardening/iampolicy"
)

// Prefixes of the log bucket.
const (
	accessLogPrefix     = "access"
	connectionLogPrefix = "connection"
	trustStorePrefix    = "trust-store"
)

// elbAccounts are the Elastic Load Balancing accounts that deliver access
// logs in the regions opened before August 2022; newer regions deliver as
// the logdelivery.elasticloadbalancing.amazonaws.com service principal.
var elbAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-southeast-3": "589379963580", "ap-south-1": "718504428378",
	"ap-northeast-3": "383597477331", "ap-northeast-2": "600734575887", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
	"ap-northeast-1": "582318560864", "ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806",
	"eu-west-2": "652711504416", "eu-south-1": "635631232127", "eu-west-3": "009996457667", "eu-north-1": "897822967062",
	"me-south-1": "076674570225", "sa-east-1": "507241528517",
}

// LogDeliveryPrincipal is who writes a region's load-balancer logs.
func LogDeliveryPrincipal(env awsenv.Env) iampolicy.Principal {
	if acct, ok := elbAccounts[env.Region]; ok {
		return iampolicy.Principal{AWS: []string{env.AccountRoot(acct)}}
	}
	return iampolicy.Principal{Service: []string{"logdelivery.elasticloadbalancing.amazonaws.com"}}
}

// LogBucketPolicy denies every request not over TLS and lets only the
// regional log-delivery principal write only under the log prefixes of
// this account.
func LogBucketPolicy(bucketARN string, env awsenv.Env) iampolicy.Document {
	delivery := LogDeliveryPrincipal(env)
	return iampolicy.New(
		iampolicy.Statement{
			Sid:       "DenyInsecureTransport",
			Effect:    iampolicy.Deny,
			Principal: &iampolicy.Principal{Everyone: true},
			Action:    []string{"s3:*"},
			Resource:  []string{bucketARN, bucketARN + "/*"},
			Condition: iampolicy.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
		},
		iampolicy.Statement{
			Sid:       "LoadBalancerLogDelivery",
			Effect:    iampolicy.Allow,
			Principal: &delivery,
			Action:    []string{"s3:PutObject"},
			Resource: []string{
				fmt.Sprintf("%s/%s/AWSLogs/%s/*", bucketARN, accessLogPrefix, env.AccountID),
				fmt.Sprintf("%s/%s/AWSLogs/%s/*", bucketARN, connectionLogPrefix, env.AccountID),
			},
		},
	)
}

// logBucket creates the dedicated log bucket: SSE-S3 (the only encryption
// ALB log delivery supports), all public access blocked, bucket-owner
// enforced, versioned, TLS-only, logs expired after the configured days.
func (b *builder) logBucket() error {
	var err error
	b.bucket, err = s3.NewBucketV2(b.ctx, b.child("logs"), &s3.BucketV2Args{
		BucketPrefix: pulumi.String(b.name + "-lb-logs-"),
	}, b.parent, pulumi.Protect(b.args.Protect), pulumi.RetainOnDelete(b.args.Protect))
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketPublicAccessBlock(b.ctx, b.child("logs"), &s3.BucketPublicAccessBlockArgs{
		Bucket:                b.bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, b.parent); err != nil {
		return err
	}
	if _, err := s3.NewBucketOwnershipControls(b.ctx, b.child("logs"), &s3.BucketOwnershipControlsArgs{
		Bucket: b.bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, b.parent); err != nil {
		return err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(b.ctx, b.child("logs"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, b.parent); err != nil {
		return err
	}
	if _, err := s3.NewBucketVersioningV2(b.ctx, b.child("logs"), &s3.BucketVersioningV2Args{
		Bucket:                  b.bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, b.parent); err != nil {
		return err
	}
	var rules s3.BucketLifecycleConfigurationV2RuleArray
	for _, prefix := range []string{accessLogPrefix, connectionLogPrefix} {
		rules = append(rules, &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                          pulumi.String("expire-" + prefix + "-logs"),
			Status:                      pulumi.String("Enabled"),
			Filter:                      &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String(prefix + "/")},
			Expiration:                  &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(b.args.LogExpirationDays)},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(30)},
		})
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, b.child("logs"), &s3.BucketLifecycleConfigurationV2Args{
		Bucket: b.bucket.ID(),
		Rules:  rules,
	}, b.parent); err != nil {
		return err
	}
	env := b.args.Env
	policy := b.bucket.Arn.ApplyT(func(arn string) (string, error) {
		return LogBucketPolicy(arn, env).JSON()
	}).(pulumi.StringOutput)
	b.bucketPolicy, err = s3.NewBucketPolicy(b.ctx, b.child("logs"), &s3.BucketPolicyArgs{
		Bucket: b.bucket.ID(),
		Policy: policy,
	}, b.parent)
	return err
}
