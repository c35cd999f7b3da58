package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestKMSKeyPolicyPublic(t *testing.T) {
	key := func(s map[string]any) *Graph {
		return graphOf(res(restype.KMSKey, "k", map[string]any{"policy": doc(s)}))
	}
	runCases(t, ruleByID(t, "kms-key-policy"), []ruleCase{
		{"anyone", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", nil)), fail},
		{"anyone of a wildcard account", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", map[string]any{"StringEquals": map[string]any{"kms:CallerAccount": "*"}})), fail},
		{"anyone whose ARN matches a wildcard", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", map[string]any{"ArnLike": map[string]any{"aws:PrincipalArn": "arn:aws:iam::*:role/app"}})), fail},
		{"anyone IfExists the account", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", map[string]any{"StringEqualsIfExists": map[string]any{"kms:CallerAccount": "111122223333"}})), fail},
		{"anyone of one account", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", map[string]any{"StringEquals": map[string]any{"kms:CallerAccount": "111122223333"}})), pass},
		{"policy computed", "FSBP KMS.5", graphOf(res(restype.KMSKey, "k", map[string]any{"policy": Unknown{}})), unjudged},
	})
}

func TestSNSTopicNotPublic(t *testing.T) {
	topic := func(s map[string]any) *Graph {
		return graphOf(res(restype.SNSTopicPolicy, "p", map[string]any{"arn": "arn:aws:sns:us-east-1:111122223333:t", "policy": doc(s)}))
	}
	runCases(t, ruleByID(t, "sns-topic-not-public"), []ruleCase{
		{"anyone publishes", "FSBP SNS.4", topic(stmt("*", "sns:Publish", nil)), fail},
		{"any source account", "FSBP SNS.4", topic(stmt("*", "sns:Publish", map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "*"}})), fail},
		{"source ARN by wildcard account", "FSBP SNS.4", topic(stmt("*", "sns:Publish", map[string]any{"ArnLike": map[string]any{"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:*:alarm:*"}})), fail},
		{"one source account", "FSBP SNS.4", topic(stmt("*", "sns:Publish", map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": "111122223333"}})), pass},
		{"policy computed", "FSBP SNS.4", graphOf(res(restype.SNSTopicPolicy, "p", map[string]any{"policy": Unknown{}})), unjudged},
	})
}

func TestLambdaNotPublic(t *testing.T) {
	perm := func(kv ...any) *Graph {
		return graphOf(res(restype.LambdaPermission, "p", withFields(map[string]any{"action": "lambda:InvokeFunction", "function": "f"}, kv...)))
	}
	runCases(t, ruleByID(t, "lambda-not-public"), []ruleCase{
		{"anyone", "FSBP Lambda.1", perm("principal", "*"), fail},
		{"S3 with sourceArn only", "FSBP Lambda.1", perm("principal", "s3.amazonaws.com", "sourceArn", "arn:aws:s3:::b"), fail},
		{"S3 with sourceAccount", "FSBP Lambda.1", perm("principal", "s3.amazonaws.com", "sourceArn", "arn:aws:s3:::b", "sourceAccount", "111122223333"), pass},
		{"Secrets Manager with sourceArn", "FSBP Lambda.1", perm("principal", "secretsmanager.amazonaws.com", "sourceArn", "arn:aws:secretsmanager:us-east-1:111122223333:secret:s"), pass},
		{"events without a source", "FSBP Lambda.1", perm("principal", "events.amazonaws.com"), fail},
		{"S3 with sourceAccount computed", "FSBP Lambda.1", perm("principal", "s3.amazonaws.com", "sourceAccount", Unknown{}), unjudged},
	})
}

func TestS3NoCrossAccountAdmin(t *testing.T) {
	bucket := func(account string, s map[string]any, more ...Resource) *Graph {
		g := graphOf(append(more, res(restype.S3BucketPolicy, "bp", map[string]any{"bucket": "b", "policy": doc(s)}))...)
		g.Account = account
		return g
	}
	other := map[string]any{"AWS": "arn:aws:iam::444455556666:root"}
	runCases(t, ruleByID(t, "s3-no-cross-account-admin"), []ruleCase{
		{"another account may rewrite the policy", "FSBP S3.6", bucket("111122223333", stmt(other, "s3:PutBucketPolicy", nil)), fail},
		{"anyone may set object ACLs", "FSBP S3.6", bucket("", stmt("*", "s3:PutObjectAcl", nil)), fail},
		{"a wildcard account", "FSBP S3.6", bucket("", stmt(map[string]any{"AWS": "arn:aws:iam::*:root"}, "s3:*", nil)), fail},
		{"another account only writes objects", "FSBP S3.6", bucket("", stmt(other, "s3:PutObject", nil)), pass},
		{"the stack's account", "FSBP S3.6", bucket("444455556666", stmt(other, "s3:PutBucketAcl", nil)), pass},
		{"the stack's account told by its own role's ARN", "FSBP S3.6", bucket("",
			stmt(map[string]any{"AWS": "arn:aws:iam::444455556666:role/app"}, "s3:PutBucketPolicy", nil),
			res(restype.IAMRole, "app", map[string]any{"name": "app"}),
			res(restype.IAMRolePolicy, "rp", map[string]any{"role": "arn:aws:iam::444455556666:role/app"})), pass},
		{"an account not the stack's told by its own role's ARN", "FSBP S3.6", bucket("",
			stmt(other, "s3:PutBucketPolicy", nil),
			res(restype.IAMRole, "app", map[string]any{"name": "app"}),
			res(restype.IAMRolePolicy, "rp", map[string]any{"role": "arn:aws:iam::111122223333:role/app"})), fail},
		{"an account, the stack's not known", "FSBP S3.6", bucket("", stmt(other, "s3:PutBucketPolicy", nil)), unjudged},
	})
}

func TestSecretsRotationInterval(t *testing.T) {
	secret := res(restype.SecretsManagerSecret, "s", map[string]any{"name": "s"})
	rotation := func(rules map[string]any) Resource {
		return res(restype.SecretsManagerSecretRotation, "rot", map[string]any{"secretId": "s", "rotationRules": rules}, "s")
	}
	runCases(t, ruleByID(t, "secrets-rotation-interval"), []ruleCase{
		{"never rotated", "FSBP SecretsManager.4", graphOf(secret), fail},
		{"every 120 days", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": 120.0})), fail},
		{"every 90 days", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": 90.0})), pass},
		{"rate(4 hours)", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"scheduleExpression": "rate(4 hours)"})), pass},
		{"schedule computed", "FSBP SecretsManager.4", graphOf(secret, rotation(map[string]any{"automaticallyAfterDays": Unknown{}})), unjudged},
	})
}

func TestSQSRules(t *testing.T) {
	q := func(kv ...any) *Graph {
		return graphOf(res(restype.SQSQueue, "q", withFields(map[string]any{"name": "q"}, kv...)))
	}
	runCases(t, sqsEncrypted, []ruleCase{
		{"SSE turned off", "FSBP SQS.1", q("sqsManagedSseEnabled", false), fail},
		{"SQS-managed by default", "FSBP SQS.1", q(), pass},
		{"KMS key", "FSBP SQS.1", q("sqsManagedSseEnabled", false, "kmsMasterKeyId", "alias/k"), pass},
		{"computed", "FSBP SQS.1", q("sqsManagedSseEnabled", Unknown{}), unjudged},
	})
	qp := func(s map[string]any) *Graph {
		return graphOf(res(restype.SQSQueuePolicy, "qp", map[string]any{"policy": doc(s)}))
	}
	runCases(t, sqsNotPublic, []ruleCase{
		{"anyone sends", "FSBP SQS.3", qp(stmt("*", "sqs:SendMessage", nil)), fail},
		{"any rule of any account", "FSBP SQS.3", qp(stmt("*", "sqs:SendMessage", map[string]any{"ArnLike": map[string]any{"aws:SourceArn": "arn:aws:events:*:*:rule/*"}})), fail},
		{"the stack's rule", "FSBP SQS.3", qp(stmt("*", "sqs:SendMessage", map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": "arn:aws:events:us-east-1:111122223333:rule/r"}})), pass},
		{"computed", "FSBP SQS.3", graphOf(res(restype.SQSQueuePolicy, "qp", map[string]any{"policy": Unknown{}})), unjudged},
	})
}

func TestSNSRules(t *testing.T) {
	topic := func(kv ...any) *Graph {
		return graphOf(res(restype.SNSTopic, "t", withFields(map[string]any{"name": "t"}, kv...)))
	}
	runCases(t, snsEncrypted, []ruleCase{
		{"no key", "FSBP SNS.1", topic(), fail},
		{"a key", "FSBP SNS.1", topic("kmsMasterKeyId", "alias/k"), pass},
		{"computed", "FSBP SNS.1", topic("kmsMasterKeyId", Unknown{}), unjudged},
	})
	runCases(t, snsDeliveryStatusLogging, []ruleCase{
		{"no feedback role", "FSBP SNS.2", topic(), fail},
		{"SQS failure feedback", "FSBP SNS.2", topic("sqsFailureFeedbackRoleArn", "arn:aws:iam::111122223333:role/f"), pass},
		{"computed", "FSBP SNS.2", topic("lambdaSuccessFeedbackRoleArn", Unknown{}), unjudged},
	})
}

func TestS3NewRules(t *testing.T) {
	bucket := res(restype.S3BucketV2, "b", map[string]any{"bucket": "b"})
	versioning := func(status any) Resource {
		return res(restype.S3BucketVersioningV2, "v", map[string]any{"versioningConfiguration": map[string]any{"status": status}}, "b")
	}
	lifecycle := func(status any) Resource {
		return res(restype.S3BucketLifecycleConfigurationV2, "l", map[string]any{"rules": []any{map[string]any{"id": "r", "status": status}}}, "b")
	}
	runCases(t, s3VersionedLifecycle, []ruleCase{
		{"versioned without lifecycle", "FSBP S3.10", graphOf(bucket, versioning("Enabled")), fail},
		{"versioned with a disabled rule", "FSBP S3.10", graphOf(bucket, versioning("Enabled"), lifecycle("Disabled")), fail},
		{"unversioned without lifecycle", "FSBP S3.10", graphOf(bucket, versioning("Suspended")), pass},
		{"versioned with lifecycle", "FSBP S3.10", graphOf(bucket, versioning("Enabled"), lifecycle("Enabled")), pass},
		{"rule status computed", "FSBP S3.10", graphOf(bucket, versioning("Enabled"), lifecycle(Unknown{})), unjudged},
	})
	notify := func(kv ...any) Resource {
		return res(restype.S3BucketNotification, "n", withFields(map[string]any{"bucket": "b"}, kv...), "b")
	}
	runCases(t, s3EventNotifications, []ruleCase{
		{"none", "FSBP S3.11", graphOf(bucket), fail},
		{"an empty configuration", "FSBP S3.11", graphOf(bucket, notify()), fail},
		{"EventBridge", "FSBP S3.11", graphOf(bucket, notify("eventbridge", true)), pass},
		{"a queue", "FSBP S3.11", graphOf(bucket, notify("queues", []any{map[string]any{"queueArn": "arn:aws:sqs:us-east-1:111122223333:q", "events": []any{"s3:ObjectCreated:*"}}})), pass},
		{"computed", "FSBP S3.11", graphOf(bucket, notify("queues", Unknown{})), unjudged},
	})
}
