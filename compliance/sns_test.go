package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestSNSTopicNotPublic(t *testing.T) {
	topic := func(s map[string]any) *Graph {
		return graphOf(res(restype.SNSTopicPolicy, "p", map[string]any{"arn": "arn:aws:sns:us-east-1:111122223333:t", "policy": doc(s)}))
	}
	cond := func(op, k string, v any) map[string]any { return map[string]any{op: map[string]any{k: v}} }
	runCases(t, snsTopicNotPublic, []ruleCase{
		{"anyone publishes", "FSBP SNS.4", topic(stmt("*", "sns:Publish", nil)), fail},
		{"any source account", "FSBP SNS.4", topic(stmt("*", "sns:Publish", cond("StringEquals", "aws:SourceAccount", "*"))), fail},
		{"source ARN by wildcard account", "FSBP SNS.4", topic(stmt("*", "sns:Publish", cond("ArnLike", "aws:SourceArn", "arn:aws:cloudwatch:us-east-1:*:alarm:*"))), fail},
		{"source ARN too short to name an account", "FSBP SNS.4", topic(stmt("*", "sns:Publish", cond("ArnLike", "aws:SourceArn", "arn:aws:*"))), fail},
		{"any organization", "FSBP SNS.4", topic(stmt("*", "sns:Subscribe", cond("StringLike", "aws:PrincipalOrgID", "o-*"))), fail},
		{"negated account", "FSBP SNS.4", topic(stmt("*", "sns:Publish", cond("StringNotEquals", "aws:SourceAccount", "111122223333"))), fail},
		{"in the topic's own policy", "FSBP SNS.4", graphOf(res(restype.SNSTopic, "t", map[string]any{"policy": doc(stmt(map[string]any{"AWS": "*"}, "sns:Publish", nil))})), fail},
		{"one source account", "FSBP SNS.4", topic(stmt("*", "sns:Publish", cond("StringEquals", "aws:SourceAccount", "111122223333"))), pass},
		{"alarms of one account by pattern", "FSBP SNS.4", topic(stmt("*", "sns:Publish", cond("ArnLike", "aws:SourceArn", "arn:aws:cloudwatch:us-east-1:111122223333:alarm:*"))), pass},
		{"a service principal", "FSBP SNS.4", topic(stmt(map[string]any{"Service": "events.amazonaws.com"}, "sns:Publish", nil)), pass},
		{"policy computed", "FSBP SNS.4", graphOf(res(restype.SNSTopicPolicy, "p", map[string]any{"policy": Unknown{}})), unjudged},
	})
}

func TestSNSEncrypted(t *testing.T) {
	topic := func(kv ...any) *Graph {
		return graphOf(res(restype.SNSTopic, "t", withFields(map[string]any{"name": "t"}, kv...)))
	}
	runCases(t, snsEncrypted, []ruleCase{
		{"no key", "FSBP SNS.1", topic(), fail},
		{"a key", "FSBP SNS.1", topic("kmsMasterKeyId", "alias/k"), pass},
		{"computed", "FSBP SNS.1", topic("kmsMasterKeyId", Unknown{}), unjudged},
		{"the AWS-managed key", "FSBP SNS.1", topic("kmsMasterKeyId", "alias/aws/sns"), pass},
		{"computed from the stack's key (a first preview)", "FSBP SNS.1", computedFromStackKey(restype.SNSTopic, "kmsMasterKeyId"), pass},
	})
}

func TestSNSDeliveryStatusLogging(t *testing.T) {
	topic := func(kv ...any) *Graph {
		return graphOf(res(restype.SNSTopic, "t", withFields(map[string]any{"name": "t"}, kv...)))
	}
	runCases(t, snsDeliveryStatusLogging, []ruleCase{
		{"no feedback role", "FSBP SNS.2", topic(), fail},
		{"SQS failure feedback", "FSBP SNS.2", topic("sqsFailureFeedbackRoleArn", "arn:aws:iam::111122223333:role/f"), pass},
		{"computed", "FSBP SNS.2", topic("lambdaSuccessFeedbackRoleArn", Unknown{}), unjudged},
	})
}
