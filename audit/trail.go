package audit

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/logbucket"
	"github.com/example/hardening/internal/problem"
)

// TrailType is the type token of the Trail component.
const TrailType = "hardening:audit:Trail"

// TrailArgs configures a Trail.
type TrailArgs struct {
	// KeyARN encrypts the log files, the bucket and the log group.
	KeyARN pulumi.StringInput
	// LogRetentionDays is the log group's retention.
	LogRetentionDays int
	// BucketExpirationDays is how long the bucket keeps log files.
	BucketExpirationDays int
	// ObjectLockDays locks every log file version that long (governance
	// mode); 0 for no lock.
	ObjectLockDays int
	Env            awsenv.Env
	// PermissionsBoundary is attached to the delivery role; nil only for
	// an organization trail.
	PermissionsBoundary pulumi.StringInput
	// Protect protects and retains the bucket and the log group.
	Protect bool
	// AccessLogBucket receives the trail bucket's S3 server access logs
	// (CIS 3.4); nil for none.
	AccessLogBucket pulumi.StringInput
	// Organization, when set, makes the trail the organization's: it
	// records every account of the organization (IsOrganizationTrail,
	// which only the management account or CloudTrail's delegated
	// administrator may set) into a bucket of another account, encrypted
	// with that account's key; the trail makes no bucket of its own.
	Organization *OrganizationTrail
}

// OrganizationTrail is where an organization trail delivers.
type OrganizationTrail struct {
	// Name is the trail's name.
	Name string
	// Bucket is the log-archive account's trail bucket.
	Bucket string
	// KeyARN is the log-archive account's key for the log files.
	KeyARN string
}

// Trail is a multi-Region CloudTrail trail of every management event, read
// and write (Secrets Manager's GetSecretValue included), and of S3 object
// reads and writes in every bucket, with log-file validation and KMS
// encryption, delivered to a locked-down bucket and to a CloudWatch log
// group for the metric filters (FSBP CloudTrail.1, .2, .4, .5; CIS 3.8,
// 3.9).
type Trail struct {
	pulumi.ResourceState

	// TrailARN is the trail's ARN.
	TrailARN pulumi.StringOutput `pulumi:"trailArn"`
	// BucketName is the bucket that receives the log files.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
	// LogGroupName is the log group that receives the events.
	LogGroupName pulumi.StringOutput `pulumi:"logGroupName"`
}

// TrailName is the name of a stack's trail; it is fixed so that the bucket
// policy and the role's trust can name the trail before it exists.
func TrailName(component string) string { return component }

// Validate reports every problem of the arguments at once.
func (a *TrailArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	var ps problem.List
	if a.KeyARN == nil {
		ps.Add("KeyARN", "is required: the trail's logs are encrypted with the stack key")
	}
	// An organization trail's stack (the delegated administrator's) has
	// no bootstrap, so no boundary to attach.
	if a.PermissionsBoundary == nil && a.Organization == nil {
		ps.Add("PermissionsBoundary", "is required: the trail's log role carries the stack's boundary")
	}
	return errors.Join(ps.Errors()...)
}

// NewTrail creates a Trail.
func NewTrail(ctx *pulumi.Context, name string, args *TrailArgs, opts ...pulumi.ResourceOption) (*Trail, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("audit trail %s: %w", name, err)
	}
	t := &Trail{}
	if err := ctx.RegisterComponentResource(TrailType, name, t, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	stateful := []pulumi.ResourceOption{parent, pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect)}
	env := args.Env
	trailARN := env.ARN("cloudtrail", "trail/"+TrailName(name))
	org := args.Organization
	if org != nil {
		trailARN = env.ARN("cloudtrail", "trail/"+org.Name)
	}
	var bucketName pulumi.StringInput
	var deps []pulumi.Resource
	logKey := args.KeyARN
	if org != nil {
		bucketName, logKey = pulumi.String(org.Bucket), pulumi.String(org.KeyARN)
	} else {
		bucket, err := logbucket.New(ctx, name+"-trail", &logbucket.Args{
			BucketPrefix:    name + "-trail-",
			KMSKeyARN:       args.KeyARN,
			ExpirationDays:  args.BucketExpirationDays,
			ObjectLockDays:  args.ObjectLockDays,
			Policy:          func(arn string) iampolicy.Document { return TrailBucketPolicy(arn, trailARN, env) },
			Protect:         args.Protect,
			AccessLogBucket: args.AccessLogBucket,
		}, parent)
		if err != nil {
			return nil, err
		}
		bucketName, deps = bucket.Bucket.Bucket, []pulumi.Resource{bucket.Policy}
	}
	lg, err := cloudwatch.NewLogGroup(ctx, name+"-trail", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/cloudtrail/" + name),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        args.KeyARN,
	}, stateful...)
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name+"-trail", &iam.RoleArgs{
		Description:         pulumi.String("Lets CloudTrail deliver " + name + "'s trail to its log group"),
		AssumeRolePolicy:    pulumi.String(TrailTrustPolicy().MustJSON()),
		PermissionsBoundary: args.PermissionsBoundary,
		Path:                pulumi.String(env.RolePath),
	}, parent)
	if err != nil {
		return nil, err
	}
	rp, err := iam.NewRolePolicy(ctx, name+"-trail", &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: lg.Arn.ApplyT(func(arn string) (string, error) {
			return iampolicy.New(iampolicy.Statement{
				Sid:      "DeliverToTrailLogGroup",
				Effect:   iampolicy.Allow,
				Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
				Resource: []string{arn + ":log-stream:*"},
			}).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, err
	}
	trailName := TrailName(name)
	if org != nil {
		trailName = org.Name
	}
	trail, err := cloudtrail.NewTrail(ctx, name, &cloudtrail.TrailArgs{
		Name:                       pulumi.String(trailName),
		IsOrganizationTrail:        pulumi.Bool(org != nil),
		S3BucketName:               bucketName,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		KmsKeyId:                   logKey,
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", lg.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		// Management events and, for CIS 3.8/3.9 (Security Hub
		// S3.22/S3.23), object reads and writes in every bucket:
		// "arn:<partition>:s3" is all of them; the control fails a selector
		// that names or leaves out buckets, the trail's own included.
		EventSelectors: cloudtrail.TrailEventSelectorArray{cloudtrail.TrailEventSelectorArgs{
			ReadWriteType:           pulumi.String("All"),
			IncludeManagementEvents: pulumi.Bool(true),
			DataResources: cloudtrail.TrailEventSelectorDataResourceArray{cloudtrail.TrailEventSelectorDataResourceArgs{
				Type:   pulumi.String("AWS::S3::Object"),
				Values: pulumi.StringArray{pulumi.String("arn:" + args.Env.Partition + ":s3")},
			}},
		}},
	}, parent, pulumi.DependsOn(append(deps, rp)))
	if err != nil {
		return nil, err
	}
	t.TrailARN = trail.Arn
	t.BucketName = bucketName.ToStringOutput()
	t.LogGroupName = lg.Name
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{
		"trailArn":     t.TrailARN,
		"bucketName":   t.BucketName,
		"logGroupName": t.LogGroupName,
	})
}

// TrailBucketPolicy denies requests without TLS and admits CloudTrail only
// for trailARN: to check the bucket's ACL, and to write under this
// account's prefix with the bucket owner in full control.
func TrailBucketPolicy(bucketARN, trailARN string, env awsenv.Env) iampolicy.Document {
	cloudTrail := &iampolicy.Principal{Service: []string{env.GlobalServicePrincipal("cloudtrail")}}
	return iampolicy.New(
		logbucket.DenyInsecureTransport(bucketARN),
		iampolicy.Statement{
			Sid:       "CloudTrailAclCheck",
			Effect:    iampolicy.Allow,
			Principal: cloudTrail,
			Action:    []string{"s3:GetBucketAcl"},
			Resource:  []string{bucketARN},
			Condition: iampolicy.Conditions{"StringEquals": {"aws:SourceArn": {trailARN}}},
		},
		iampolicy.Statement{
			Sid:       "CloudTrailWrite",
			Effect:    iampolicy.Allow,
			Principal: cloudTrail,
			Action:    []string{"s3:PutObject"},
			Resource:  []string{bucketARN + "/AWSLogs/" + env.AccountID + "/*"},
			Condition: iampolicy.Conditions{"StringEquals": {
				"aws:SourceArn": {trailARN},
				"s3:x-amz-acl":  {"bucket-owner-full-control"},
			}},
		},
	)
}

// TrailTrustPolicy lets CloudTrail assume the log-group delivery role. It
// has no aws:SourceArn or aws:SourceAccount condition: the CloudTrail user
// guide ("Role policy document for CloudTrail to use CloudWatch Logs for
// monitoring") says this role does not support them, and CreateTrail then
// fails with InvalidCloudWatchLogsRoleArnException. The role's own policy
// limits it to the trail's log group.
func TrailTrustPolicy() iampolicy.Document {
	return iampolicy.New(iampolicy.Statement{
		Sid:       "CloudTrailDelivery",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
	})
}
