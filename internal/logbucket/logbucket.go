// Package logbucket creates the S3 buckets that receive logs from AWS
// services (load-balancer logs, CloudTrail): every public access blocked,
// bucket-owner enforced, versioned, encrypted, expired after a set number of
// days, and a bucket policy that its caller writes (TLS-only and the
// delivering service only).
package logbucket

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/problem"
)

// Args configures a log bucket.
type Args struct {
	// BucketPrefix starts the bucket's generated name.
	BucketPrefix string
	// Name, when set, is the bucket's whole name instead of a generated
	// one: for a bucket other accounts deliver to by name.
	Name string
	// KMSKeyARN encrypts objects by default with SSE-KMS; nil means SSE-S3,
	// the only encryption some services (ALB logs) can write to.
	KMSKeyARN pulumi.StringInput
	// ExpirationDays expires log objects, under each of ExpirePrefixes (or
	// the whole bucket when there are none).
	ExpirationDays int
	ExpirePrefixes []string
	// Policy returns the bucket policy for the bucket's ARN.
	Policy func(bucketARN string) iampolicy.Document
	// Protect protects the bucket and retains it on delete; an unprotected
	// bucket is emptied on delete (forceDestroy), else a versioned bucket
	// stops `pulumi destroy` at BucketNotEmpty.
	Protect bool
	// ObjectLockDays, when positive, turns S3 Object Lock on with a default
	// retention of that many days in governance mode: no version can be
	// deleted or overwritten before then without the governance bypass
	// permission. Object Lock can only be enabled when the bucket is
	// created.
	ObjectLockDays int
	// AccessLogBucket, when set, receives the bucket's S3 server access
	// logs (FSBP S3.9, CIS 3.4) under "<BucketPrefix>/"; it must be an
	// SSE-S3 bucket of the same account and Region whose policy lets
	// logging.s3.amazonaws.com write (AccessLogPolicy).
	AccessLogBucket pulumi.StringInput
}

// Validate reports every problem of the arguments at once.
func (a *Args) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	switch {
	case a.Name != "":
		if len(a.Name) > 63 || !bucketPrefix.MatchString(a.Name) {
			ps.Add("Name", "%q: a bucket name is 3 to 63 lowercase letters, digits, dots and hyphens (S3 bucket naming rules)", a.Name)
		}
	case a.BucketPrefix == "":
		ps.Add("BucketPrefix", "is empty")
	case len(a.BucketPrefix) > awsname.S3BucketPrefixMax || !bucketPrefix.MatchString(a.BucketPrefix):
		ps.Add("BucketPrefix", "%q: a bucket prefix is at most %d lowercase letters, digits, dots and hyphens, starting with a letter or digit (S3 bucket naming rules)", a.BucketPrefix, awsname.S3BucketPrefixMax)
	}
	if a.ExpirationDays <= 0 {
		ps.Add("ExpirationDays", "%d: S3 lifecycle expiration takes a positive number of days", a.ExpirationDays)
	}
	if a.ObjectLockDays < 0 {
		ps.Add("ObjectLockDays", "%d: a retention is 0 (no Object Lock) or a positive number of days", a.ObjectLockDays)
	}
	if a.Policy == nil {
		ps.Add("Policy", "is required: every log bucket has a policy that admits only its writers")
	}
	return errors.Join(ps.Errors()...)
}

// bucketPrefix is what a generated bucket name may start with.
var bucketPrefix = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)

// Bucket is a log bucket and its policy, which a writer must depend on.
type Bucket struct {
	Bucket *s3.BucketV2
	Policy *s3.BucketPolicy
}

// New creates a log bucket named name (its sub-resources too), with opts
// (the caller's parent) on every resource.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Bucket, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("log bucket %s: %w", name, err)
	}
	var bucketName, prefix pulumi.StringPtrInput
	if args.Name != "" {
		bucketName = pulumi.String(args.Name)
	} else {
		prefix = pulumi.String(args.BucketPrefix)
	}
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:            bucketName,
		BucketPrefix:      prefix,
		ForceDestroy:      pulumi.Bool(!args.Protect),
		ObjectLockEnabled: pulumi.Bool(args.ObjectLockDays > 0),
	}, append(opts, pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect))...)
	if err != nil {
		return nil, err
	}
	if args.ObjectLockDays > 0 {
		if _, err := s3.NewBucketObjectLockConfigurationV2(ctx, name, &s3.BucketObjectLockConfigurationV2Args{
			Bucket: bucket.ID(),
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
				DefaultRetention: &s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
					Mode: pulumi.String("GOVERNANCE"),
					Days: pulumi.Int(args.ObjectLockDays),
				},
			},
		}, opts...); err != nil {
			return nil, err
		}
	}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, opts...); err != nil {
		return nil, err
	}
	sse := &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{SseAlgorithm: pulumi.String("AES256")}
	var bucketKey pulumi.BoolPtrInput
	if args.KMSKeyARN != nil {
		sse = &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: args.KMSKeyARN,
		}
		bucketKey = pulumi.Bool(true)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: sse,
			BucketKeyEnabled:                   bucketKey,
		}},
	}, opts...); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, opts...); err != nil {
		return nil, err
	}
	prefixes := args.ExpirePrefixes
	if len(prefixes) == 0 {
		prefixes = []string{""}
	}
	var rules s3.BucketLifecycleConfigurationV2RuleArray
	for _, prefix := range prefixes {
		id, filter := "expire-logs", pulumi.String("")
		if prefix != "" {
			id, filter = "expire-"+prefix+"-logs", pulumi.String(prefix+"/")
		}
		rules = append(rules, &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                          pulumi.String(id),
			Status:                      pulumi.String("Enabled"),
			Filter:                      &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: filter},
			Expiration:                  &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.ExpirationDays)},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(max(30, args.ObjectLockDays))},
		})
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  rules,
	}, opts...); err != nil {
		return nil, err
	}
	policy := bucket.Arn.ApplyT(func(arn string) (string, error) {
		return args.Policy(arn).JSON()
	}).(pulumi.StringOutput)
	bp, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: policy,
	}, opts...)
	if err != nil {
		return nil, err
	}
	if args.AccessLogBucket != nil {
		// Partitioned keys (date of the event) let Athena prune by day.
		if _, err := s3.NewBucketLoggingV2(ctx, name, &s3.BucketLoggingV2Args{
			Bucket:       bucket.ID(),
			TargetBucket: args.AccessLogBucket,
			TargetPrefix: pulumi.String(strings.TrimSuffix(args.BucketPrefix, "-") + "/"),
			TargetObjectKeyFormat: &s3.BucketLoggingV2TargetObjectKeyFormatArgs{
				PartitionedPrefix: &s3.BucketLoggingV2TargetObjectKeyFormatPartitionedPrefixArgs{PartitionDateSource: pulumi.String("EventTime")},
			},
		}, opts...); err != nil {
			return nil, err
		}
	}
	return &Bucket{Bucket: bucket, Policy: bp}, nil
}

// AccessLogPolicy is the policy of a bucket that receives S3 server access
// logs: TLS only, and the S3 logging service may write objects for this
// account's buckets whose names start with sourcePrefix (Amazon S3 user
// guide, "Permissions for log delivery": aws:SourceArn and
// aws:SourceAccount). A pattern rather than each source's ARN keeps the
// target independent of the buckets that log to it.
func AccessLogPolicy(bucketARN, sourcePrefix string, env awsenv.Env) iampolicy.Document {
	return iampolicy.New(
		DenyInsecureTransport(bucketARN),
		iampolicy.Statement{
			Sid:       "S3ServerAccessLogs",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"logging.s3.amazonaws.com"}},
			Action:    []string{"s3:PutObject"},
			Resource:  []string{bucketARN + "/*"},
			Condition: iampolicy.Conditions{
				"ArnLike":      {"aws:SourceArn": {"arn:" + env.Partition + ":s3:::" + sourcePrefix + "*"}},
				"StringEquals": {"aws:SourceAccount": {env.AccountID}},
			},
		},
	)
}

// DenyInsecureTransport is the statement every log bucket policy starts
// with (FSBP S3.5).
func DenyInsecureTransport(bucketARN string) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "DenyInsecureTransport",
		Effect:    iampolicy.Deny,
		Principal: &iampolicy.Principal{Everyone: true},
		Action:    []string{"s3:*"},
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: iampolicy.Conditions{"Bool": {"aws:SecureTransport": {"false"}}},
	}
}
