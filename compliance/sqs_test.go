package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestSQSEncrypted(t *testing.T) {
	q := func(kv ...any) *Graph {
		return graphOf(res(restype.SQSQueue, "q", withFields(map[string]any{"name": "q"}, kv...)))
	}
	runCases(t, sqsEncrypted, []ruleCase{
		{"SSE turned off", "FSBP SQS.1", q("sqsManagedSseEnabled", false), fail},
		{"SQS-managed by default", "FSBP SQS.1", q(), pass},
		{"KMS key", "FSBP SQS.1", q("sqsManagedSseEnabled", false, "kmsMasterKeyId", "alias/k"), pass},
		{"computed", "FSBP SQS.1", q("sqsManagedSseEnabled", Unknown{}), unjudged},
	})
}

func TestSQSNotPublic(t *testing.T) {
	qp := func(s map[string]any) *Graph {
		return graphOf(res(restype.SQSQueuePolicy, "qp", map[string]any{"policy": doc(s)}))
	}
	runCases(t, sqsNotPublic, []ruleCase{
		{"anyone sends", "FSBP SQS.3", qp(stmt("*", "sqs:SendMessage", nil)), fail},
		{"any rule of any account", "FSBP SQS.3", qp(stmt("*", "sqs:SendMessage", map[string]any{"ArnLike": map[string]any{"aws:SourceArn": "arn:aws:events:*:*:rule/*"}})), fail},
		{"everyone but one account", "FSBP SQS.3", qp(map[string]any{"Effect": "Allow", "NotPrincipal": map[string]any{"AWS": "111122223333"}, "Action": "sqs:SendMessage", "Resource": "*"}), fail},
		{"the stack's rule", "FSBP SQS.3", qp(stmt("*", "sqs:SendMessage", map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": "arn:aws:events:us-east-1:111122223333:rule/r"}})), pass},
		{"one VPC endpoint", "FSBP SQS.3", qp(stmt("*", "sqs:SendMessage", map[string]any{"StringEquals": map[string]any{"aws:SourceVpce": "vpce-0123"}})), pass},
		{"computed", "FSBP SQS.3", graphOf(res(restype.SQSQueuePolicy, "qp", map[string]any{"policy": Unknown{}})), unjudged},
	})
}
