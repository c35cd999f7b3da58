package compliance

import "github.com/example/hardening/internal/restype"

// sqsRules judge SQS queues.
func sqsRules() []Rule { return []Rule{sqsEncrypted, sqsNotPublic} }

// sqsEncrypted follows Security Hub SQS.1 ("Amazon SQS queues should be
// encrypted at rest"): SSE-SQS or SSE-KMS. A queue created without
// sqsManagedSseEnabled gets SSE-SQS (SQS default since 2022; the provider
// leaves the attribute computed: terraform-provider-aws
// internal/service/sqs/queue.go, sqs_managed_sse_enabled), so only an
// explicit false without a key fails.
var sqsEncrypted = Rule{ID: "sqs-encrypted", Controls: []string{"FSBP SQS.1"}, Severity: Medium,
	Source:      "Security Hub SQS.1 (SSE-SQS or SSE-KMS at rest)",
	Description: "Queues are encrypted at rest: a KMS key (kmsMasterKeyId) or SQS-managed encryption, which is on unless sqsManagedSseEnabled is false. Not judged while either is computed at deployment.",
	Check: forEach(restype.SQSQueue, func(r Resource) string {
		if r.Str("kmsMasterKeyId") != "" || r.Unknown("kmsMasterKeyId") {
			return ""
		}
		if v, set := r.Bool("sqsManagedSseEnabled"); set && !v {
			return "is not encrypted at rest; set sqsManagedSseEnabled: true or a kmsMasterKeyId"
		}
		return ""
	})}

// sqsNotPublic follows Security Hub SQS.3 ("SQS queue access policies
// should not allow public access", Config rule sqs-queue-no-public-access):
// a statement for "*" without a condition confining it to an account,
// organization or source (publicStatement) is public.
var sqsNotPublic = Rule{ID: "sqs-not-public", Controls: []string{"FSBP SQS.3"}, Severity: High,
	Source:      "Security Hub SQS.3 (Config sqs-queue-no-public-access)",
	Description: "Queue policies give no action to anyone outside an account, organization or source (a wildcard condition value confines nothing). Not judged while a policy is computed at deployment.",
	Check:       publicPolicy([]string{restype.SQSQueuePolicy, restype.SQSQueue}, "policy")}
