package audit

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/logbucket"
	"github.com/example/hardening/internal/problem"
)

// AccessLogsType is the type token of the AccessLogs component.
const AccessLogsType = "hardening:audit:AccessLogs"

// AccessLogsArgs configures AccessLogs.
type AccessLogsArgs struct {
	// SourcePrefix starts the names of the buckets whose server access
	// logs it accepts (the stack's name and a hyphen).
	SourcePrefix string
	// ExpirationDays is how long access logs are kept.
	ExpirationDays int
	Env            awsenv.Env
	// Protect protects and retains the bucket.
	Protect bool
}

// AccessLogs is the bucket that receives the S3 server access logs of the
// stack's other buckets (FSBP S3.9, CIS 3.4 for the trail bucket): SSE-S3
// and no Object Lock default retention, the only target S3 log delivery
// accepts (Amazon S3 user guide, "Enabling Amazon S3 server access
// logging"), every public access blocked, TLS only. It does not log
// itself: a bucket logging into itself loops.
type AccessLogs struct {
	pulumi.ResourceState

	// BucketName is the target bucket; it resolves once the bucket policy
	// lets S3 log delivery write, so a bucket that logs to it waits.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
}

// Validate reports every problem of the arguments at once.
func (a *AccessLogsArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if a.SourcePrefix == "" {
		ps.Add("SourcePrefix", "is empty: the bucket-name prefix of the buckets that may deliver logs")
	}
	if a.ExpirationDays <= 0 {
		ps.Add("ExpirationDays", "%d: S3 lifecycle expiration takes a positive number of days", a.ExpirationDays)
	}
	return errors.Join(ps.Errors()...)
}

// NewAccessLogs creates AccessLogs.
func NewAccessLogs(ctx *pulumi.Context, name string, args *AccessLogsArgs, opts ...pulumi.ResourceOption) (*AccessLogs, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("audit access logs %s: %w", name, err)
	}
	a := &AccessLogs{}
	if err := ctx.RegisterComponentResource(AccessLogsType, name, a, opts...); err != nil {
		return nil, err
	}
	env, prefix := args.Env, args.SourcePrefix
	b, err := logbucket.New(ctx, name+"-access-logs", &logbucket.Args{
		BucketPrefix:   name + "-access-logs-",
		ExpirationDays: args.ExpirationDays,
		Policy:         func(arn string) iampolicy.Document { return logbucket.AccessLogPolicy(arn, prefix, env) },
		Protect:        args.Protect,
	}, pulumi.Parent(a))
	if err != nil {
		return nil, err
	}
	a.BucketName = pulumi.All(b.Bucket.ID(), b.Policy.ID()).ApplyT(func(v []any) string {
		return string(v[0].(pulumi.ID))
	}).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{"bucketName": a.BucketName}); err != nil {
		return nil, err
	}
	return a, nil
}
