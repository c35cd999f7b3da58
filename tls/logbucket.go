package tls

import (
	"fmt"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/logbucket"
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
		logbucket.DenyInsecureTransport(bucketARN),
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
func (b *builder) logBucket() (*logbucket.Bucket, error) {
	env := b.args.Env
	return logbucket.New(b.ctx, b.child("logs"), &logbucket.Args{
		BucketPrefix:    b.name + "-lb-logs-",
		ExpirationDays:  b.args.LogExpirationDays,
		ExpirePrefixes:  []string{accessLogPrefix, connectionLogPrefix},
		Policy:          func(arn string) iampolicy.Document { return LogBucketPolicy(arn, env) },
		Protect:         b.args.Protect,
		AccessLogBucket: b.args.AccessLogBucket,
	}, b.parent)
}
