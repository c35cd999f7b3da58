package compliance

import "github.com/example/hardening/internal/restype"

// snsRules judge SNS topics.
func snsRules() []Rule { return []Rule{snsEncrypted, snsDeliveryStatusLogging, snsTopicNotPublic} }

// snsTopicNotPublic follows Security Hub SNS.4 ("SNS topic access policies
// should not allow public access", Config rule sns-topic-no-public-access):
// a statement for a wildcard principal without a condition of fixed values
// confining it to an account, organization or source (publicStatement) is
// public; a wildcard value ("*", "arn:aws:cloudwatch:*:*:alarm:*")
// confines nothing.
var snsTopicNotPublic = Rule{ID: "sns-topic-not-public", Controls: []string{"FSBP SNS.4"},
	Source:      "Security Hub SNS.4 (Config sns-topic-no-public-access)",
	Severity:    High,
	Description: "Topic policies (sns.TopicPolicy or the topic's policy) give no action to a wildcard principal unless a condition with fixed values confines it to an account, organization or source. Not judged while a policy is computed at deployment.",
	Check:       publicPolicy([]string{restype.SNSTopicPolicy, restype.SNSTopic}, "policy")}

// snsEncrypted follows Security Hub SNS.1 ("SNS topics should be encrypted
// at-rest using AWS KMS", Config rule sns-encrypted-kms).
var snsEncrypted = Rule{ID: "sns-encrypted", Controls: []string{"FSBP SNS.1"}, Severity: Medium,
	Source:      "Security Hub SNS.1 (Config sns-encrypted-kms, no kmsKeyIds)",
	Description: "Topics are encrypted with a KMS key (kmsMasterKeyId), an AWS-managed one included; a key computed at deployment from a key the stack creates counts. Not judged while it is computed from nothing the plan shows.",
	Check: func(g *Graph) []Violation {
		// Any key passes, the AWS-managed alias/aws/sns included
		// (sns-encrypted-kms without kmsKeyIds).
		return forEach(restype.SNSTopic, func(r Resource) string {
			if g.keyAt(r, "kmsMasterKeyId") == noKey {
				return "is not encrypted at rest; set kmsMasterKeyId"
			}
			return ""
		})(g)
	}}

// snsFeedback are the topic inputs that turn on delivery status logging,
// one per protocol that logs it (SNS developer guide, "Amazon SNS message
// delivery status"); email and SMS-by-topic log none.
var snsFeedback = []string{
	"applicationSuccessFeedbackRoleArn", "applicationFailureFeedbackRoleArn",
	"firehoseSuccessFeedbackRoleArn", "firehoseFailureFeedbackRoleArn",
	"httpSuccessFeedbackRoleArn", "httpFailureFeedbackRoleArn",
	"lambdaSuccessFeedbackRoleArn", "lambdaFailureFeedbackRoleArn",
	"sqsSuccessFeedbackRoleArn", "sqsFailureFeedbackRoleArn",
}

// snsDeliveryStatusLogging follows Security Hub SNS.2 ("Logging of delivery
// status should be enabled for notification messages sent to a topic",
// Config rule sns-topic-message-delivery-notification-enabled): a topic
// with no delivery status logging for any protocol fails.
var snsDeliveryStatusLogging = Rule{ID: "sns-delivery-status-logging", Controls: []string{"FSBP SNS.2"}, Severity: Low,
	Source:      "Security Hub SNS.2 (Config sns-topic-message-delivery-notification-enabled, no parameters)",
	Description: "Topics log delivery status for at least one protocol (a *FeedbackRoleArn). Not judged while those are computed at deployment.",
	Check: forEach(restype.SNSTopic, func(r Resource) string {
		for _, k := range snsFeedback {
			if r.Str(k) != "" || r.Unknown(k) {
				return ""
			}
		}
		return "logs no delivery status; set a failure and success feedback role (sqsFailureFeedbackRoleArn, lambdaFailureFeedbackRoleArn, ...) for the protocols it delivers to"
	})}
