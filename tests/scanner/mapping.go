package main

import (
	"github.com/example/hardening/internal/restype"
)

// check pairs one of Trivy's checks with the project's rule and control
// that judge the same thing, on the same subjects.
type check struct {
	// AVD is Trivy's check ID (AVD-AWS-NNNN).
	AVD string
	// Rule and Controls are the project's rule and the controls of it
	// that judge what the check judges (a finding failing any of them is
	// a failure).
	Rule     string
	Controls []string
	// Subjects are the Pulumi types the verdicts are about (a bucket's
	// public access block is judged as the bucket); empty means one
	// verdict for the whole stack (an account's metric filters).
	Subjects []string
	// Why says, briefly, that both judge the same thing.
	Why string
}

// checks is the pairing. Trivy's checks with no counterpart here are
// listed by the reconciler as unpaired (docs/scanner-reconciliation.md
// says why each is left so).
var checks = []check{
	{"AVD-AWS-0014", "cloudtrail-multi-region", []string{"CKV_AWS_67"}, []string{restype.CloudTrailTrail}, "the trail is multi-Region"},
	{"AVD-AWS-0016", "cloudtrail-log-validation", []string{"FSBP CloudTrail.4"}, []string{restype.CloudTrailTrail}, "log file validation is on"},
	{"AVD-AWS-0015", "cloudtrail-encrypted", []string{"FSBP CloudTrail.2"}, []string{restype.CloudTrailTrail}, "the trail's logs are encrypted with a KMS key"},
	{"AVD-AWS-0162", "cloudtrail-cloudwatch-logs", []string{"FSBP CloudTrail.5"}, []string{restype.CloudTrailTrail}, "the trail delivers to CloudWatch Logs"},
	{"AVD-AWS-0163", "s3-access-logging", []string{"CIS 3.4"}, []string{restype.S3BucketV2}, "the trail's bucket has server access logging"},
	{"AVD-AWS-0171", "cloudtrail-s3-data-events", []string{"CIS 3.8"}, nil, "a trail records S3 object-level write events"},
	{"AVD-AWS-0172", "cloudtrail-s3-data-events", []string{"CIS 3.9"}, nil, "a trail records S3 object-level read events"},
	{"AVD-AWS-0017", "logs-encrypted", []string{"CKV_AWS_158"}, []string{restype.CloudWatchLogGroup}, "the log group is encrypted with a KMS key"},
	{"AVD-AWS-0147", "cis-metric-filters", []string{"CIS 4.1"}, nil, "unauthorized API calls: a metric filter and an alarm"},
	{"AVD-AWS-0148", "cis-metric-filters", []string{"CIS 4.2"}, nil, "console sign-in without MFA: a metric filter and an alarm"},
	{"AVD-AWS-0149", "cis-metric-filters", []string{"CIS 4.3"}, nil, "root user usage: a metric filter and an alarm"},
	{"AVD-AWS-0150", "cis-metric-filters", []string{"CIS 4.4"}, nil, "IAM policy changes: a metric filter and an alarm"},
	{"AVD-AWS-0151", "cis-metric-filters", []string{"CIS 4.5"}, nil, "CloudTrail configuration changes: a metric filter and an alarm"},
	{"AVD-AWS-0152", "cis-metric-filters", []string{"CIS 4.6"}, nil, "console authentication failures: a metric filter and an alarm"},
	{"AVD-AWS-0153", "cis-metric-filters", []string{"CIS 4.7"}, nil, "disabling or scheduled deletion of CMKs: a metric filter and an alarm"},
	{"AVD-AWS-0154", "cis-metric-filters", []string{"CIS 4.8"}, nil, "S3 bucket policy changes: a metric filter and an alarm"},
	{"AVD-AWS-0155", "cis-metric-filters", []string{"CIS 4.9"}, nil, "AWS Config changes: a metric filter and an alarm"},
	{"AVD-AWS-0156", "cis-metric-filters", []string{"CIS 4.10"}, nil, "security group changes: a metric filter and an alarm"},
	{"AVD-AWS-0157", "cis-metric-filters", []string{"CIS 4.11"}, nil, "NACL changes: a metric filter and an alarm"},
	{"AVD-AWS-0158", "cis-metric-filters", []string{"CIS 4.12"}, nil, "network gateway changes: a metric filter and an alarm"},
	{"AVD-AWS-0159", "cis-metric-filters", []string{"CIS 4.13"}, nil, "route table changes: a metric filter and an alarm"},
	{"AVD-AWS-0160", "cis-metric-filters", []string{"CIS 4.14"}, nil, "VPC changes: a metric filter and an alarm"},
	{"AVD-AWS-0174", "cis-metric-filters", []string{"CIS 4.15"}, nil, "Organizations changes: a metric filter and an alarm"},
	{"AVD-AWS-0124", "ec2-sg-rule-descriptions", []string{"CKV_AWS_23"}, []string{restype.EC2SecurityGroup}, "every security group rule has a description"},
	{"AVD-AWS-0102", "ec2-nacl-no-all-ports", []string{"CKV_AWS_352"}, []string{restype.EC2NetworkACL}, "no NACL rule allows all ports (protocol -1)"},
	{"AVD-AWS-0104", "ec2-sg-no-open-egress", []string{"CKV_AWS_382"}, []string{restype.EC2SecurityGroup}, "no egress to 0.0.0.0/0 or ::/0"},
	{"AVD-AWS-0105", "ec2-nacl-admin-ports", []string{"FSBP EC2.21"}, []string{restype.EC2NetworkACL}, "no NACL ingress from anywhere to SSH or RDP"},
	{"AVD-AWS-0107", "ec2-sg-admin-ports", []string{"CIS 5.2", "CIS 5.3"}, []string{restype.EC2SecurityGroup}, "no security group ingress from 0.0.0.0/0 or ::/0 to SSH or RDP"},
	{"AVD-AWS-0164", "ec2-subnet-no-public-ip", []string{"FSBP EC2.15"}, []string{restype.EC2Subnet}, "the subnet does not assign public IPv4 addresses"},
	{"AVD-AWS-0178", "ec2-vpc-flow-logs", []string{"FSBP EC2.6"}, []string{restype.EC2VPC}, "the VPC has flow logs"},
	{"AVD-AWS-0173", "ec2-default-sg-closed", []string{"FSBP EC2.2"}, []string{restype.EC2DefaultSecurityGroup}, "the default security group has no rules"},
	{"AVD-AWS-0052", "elb-drop-invalid-headers", []string{"FSBP ELB.4"}, []string{restype.LBLoadBalancer}, "the ALB drops invalid header fields"},
	{"AVD-AWS-0054", "elb-http-redirects", []string{"FSBP ELB.1"}, []string{restype.LBListener}, "an HTTP listener redirects to HTTPS"},
	{"AVD-AWS-0047", "elb-tls-policy", []string{"FSBP ELB.17"}, []string{restype.LBListener}, "the HTTPS listener's TLS policy is a current one"},
	{"AVD-AWS-0056", "iam-password-policy", []string{"CIS 1.9"}, nil, "the password policy prevents reuse"},
	{"AVD-AWS-0063", "iam-password-policy", []string{"CIS 1.8"}, nil, "the password policy requires 14 characters or more"},
	{"AVD-AWS-0065", "kms-rotation", []string{"CKV_AWS_7"}, []string{restype.KMSKey}, "the key rotates"},
	{"AVD-AWS-0067", "lambda-not-public", []string{"FSBP Lambda.1"}, []string{restype.LambdaFunction}, "a permission for a service principal names the source"},
	{"AVD-AWS-0086", "s3-public-access-blocked", []string{"CKV_AWS_53"}, []string{restype.S3BucketV2}, "the bucket's public access block blocks public ACLs"},
	{"AVD-AWS-0087", "s3-public-access-blocked", []string{"CKV_AWS_54"}, []string{restype.S3BucketV2}, "the bucket's public access block blocks public policies"},
	{"AVD-AWS-0091", "s3-public-access-blocked", []string{"CKV_AWS_55"}, []string{restype.S3BucketV2}, "the bucket's public access block ignores public ACLs"},
	{"AVD-AWS-0093", "s3-public-access-blocked", []string{"CKV_AWS_56"}, []string{restype.S3BucketV2}, "the bucket's public access block restricts public buckets"},
	{"AVD-AWS-0094", "s3-public-access-blocked", []string{"FSBP S3.8"}, []string{restype.S3BucketV2}, "the bucket has a public access block"},
	{"AVD-AWS-0089", "s3-access-logging", []string{"FSBP S3.9"}, []string{restype.S3BucketV2}, "the bucket has server access logging"},
	{"AVD-AWS-0170", "s3-mfa-delete", []string{"CIS 2.1.2"}, []string{restype.S3BucketV2}, "the bucket's versioning has MFA delete"},
	{"AVD-AWS-0095", "sns-encrypted", []string{"FSBP SNS.1"}, []string{restype.SNSTopic}, "the topic is encrypted with a KMS key"},
	{"AVD-AWS-0096", "sqs-encrypted", []string{"FSBP SQS.1"}, []string{restype.SQSQueue}, "the queue is encrypted"},
	{"AVD-AWS-0098", "secrets-cmk", []string{"CKV_AWS_149"}, []string{restype.SecretsManagerSecret}, "the secret is encrypted with a customer managed key"},
}

// owners name, per type, the input that holds the resource a verdict on
// it is about: a bucket's configuration resources are judged as the
// bucket, a rule as its security group or NACL.
var owners = map[string]string{
	restype.S3BucketPublicAccessBlock:                   "bucket",
	restype.S3BucketServerSideEncryptionConfigurationV2: "bucket",
	restype.S3BucketVersioningV2:                        "bucket",
	restype.S3BucketLoggingV2:                           "bucket",
	restype.S3BucketPolicy:                              "bucket",
	restype.S3BucketLifecycleConfigurationV2:            "bucket",
	restype.S3BucketOwnershipControls:                   "bucket",
	restype.S3BucketObjectLockConfigurationV2:           "bucket",
	restype.VPCSecurityGroupIngressRule:                 "securityGroupId",
	restype.VPCSecurityGroupEgressRule:                  "securityGroupId",
	restype.EC2SecurityGroupRule:                        "securityGroupId",
	restype.EC2NetworkACLRule:                           "networkAclId",
	restype.EC2FlowLog:                                  "vpcId",
	restype.LambdaPermission:                            "function",
	restype.SecretsManagerSecretPolicy:                  "secretArn",
	restype.SecretsManagerSecretRotation:                "secretId",
	restype.SNSTopicPolicy:                              "arn",
	restype.SQSQueuePolicy:                              "queueUrl",
}
