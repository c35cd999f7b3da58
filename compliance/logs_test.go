package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestLogsEncrypted(t *testing.T) {
	lg := func(kv ...any) *Graph {
		return graphOf(res(restype.CloudWatchLogGroup, "lg", withFields(map[string]any{"name": "/app"}, kv...)))
	}
	runCases(t, logsEncrypted, []ruleCase{
		{"no key", "CKV_AWS_158", lg(), fail},
		{"an empty key", "CKV_AWS_158", lg("kmsKeyId", ""), fail},
		{"a key", "CKV_AWS_158", lg("kmsKeyId", "arn:aws:kms:us-east-1:111122223333:key/k"), pass},
		{"computed", "CKV_AWS_158", lg("kmsKeyId", Unknown{}), unjudged},
		{"computed from the stack's key (a first preview)", "CKV_AWS_158", computedFromStackKey(restype.CloudWatchLogGroup, "kmsKeyId"), pass},
	})
}

func TestLogsRetained(t *testing.T) {
	lg := func(kv ...any) *Graph {
		return graphOf(res(restype.CloudWatchLogGroup, "lg", withFields(map[string]any{"name": "/app"}, kv...)))
	}
	runCases(t, logsRetained, []ruleCase{
		{"30 days", "SecurityHub CloudWatch.16", lg("retentionInDays", 30.0), fail},
		{"364 days", "SecurityHub CloudWatch.16", lg("retentionInDays", 364.0), fail},
		{"a year", "SecurityHub CloudWatch.16", lg("retentionInDays", 365.0), pass},
		{"never expires (unset)", "SecurityHub CloudWatch.16", lg(), pass},
		{"never expires (0)", "SecurityHub CloudWatch.16", lg("retentionInDays", 0.0), pass},
		{"computed", "SecurityHub CloudWatch.16", lg("retentionInDays", Unknown{}), unjudged},
		{"30 days", "CKV_AWS_338", lg("retentionInDays", 30.0), fail},
		{"unset", "CKV_AWS_338", lg(), fail},
		{"two years", "CKV_AWS_338", lg("retentionInDays", 731.0), pass},
		{"computed", "CKV_AWS_338", lg("retentionInDays", Unknown{}), unjudged},
	})
}
