package compliance

import (
	"github.com/example/hardening/internal/restype"
)

// accountControlRules judge the account controls where the plan decides
// them: account settings and IAM users the stack itself registers. What
// the rest of the account holds is checked outside the stack (Controls'
// Check).
func accountControlRules() []Rule {
	return []Rule{ebsDefaultEncryption, iamUserNoPolicies}
}

// ebsDefaultEncryption follows Security Hub EC2.7 (AWS Config
// ec2-ebs-encryption-by-default: the Region's EBS encryption by default is
// on) and the CIS v3.0.0 2.2.1 audit (`aws ec2 get-ebs-encryption-by-default`
// in each Region shows EbsEncryptionByDefault true), on the
// ebs.EncryptionByDefault settings the stack declares (enabled defaults to
// true in the provider).
var ebsDefaultEncryption = Rule{ID: "ec2-ebs-default-encryption", Controls: []string{"FSBP EC2.7", "CIS 2.2.1"}, Severity: Medium,
	Source:      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-7; https://docs.aws.amazon.com/config/latest/developerguide/ec2-ebs-encryption-by-default.html; CIS AWS Foundations Benchmark v3.0.0 2.2.1 audit; terraform-provider-aws internal/service/ec2/ebs_encryption_by_default.go (enabled defaults to true)",
	Description: "An ebs.EncryptionByDefault the stack declares leaves EBS encryption by default on. Part: the Regions where the stack declares the setting; the account's other Regions are checked outside the stack.",
	Check: forEach(restype.EBSEncryptionByDefault, func(r Resource) string {
		if v, set := r.Bool("enabled"); set && !v {
			return "turns EBS encryption by default off; set enabled: true"
		}
		return ""
	})}

// iamUserNoPolicies follows Security Hub IAM.2 (AWS Config
// iam-user-no-policies-check: NON_COMPLIANT when an IAM user has an inline
// or a managed policy attached; users get permissions from groups or
// roles) and the CIS v3.0.0 1.15 audit (list-user-policies and
// list-attached-user-policies per user are empty), on the policy
// attachments the stack declares: iam.UserPolicy, iam.UserPolicyAttachment,
// and iam.PolicyAttachment with users.
var iamUserNoPolicies = Rule{ID: "iam-user-no-policies", Controls: []string{"FSBP IAM.2", "CIS 1.15"}, Severity: Low,
	Source:      "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-2; https://docs.aws.amazon.com/config/latest/developerguide/iam-user-no-policies-check.html; CIS AWS Foundations Benchmark v3.0.0 1.15 audit",
	Description: "No IAM user gets a policy of its own from the stack (iam.UserPolicy, iam.UserPolicyAttachment, iam.PolicyAttachment with users): users get permissions through groups. Part: the policies the stack attaches; the account's other users are checked outside the stack. Not judged while a PolicyAttachment's users are computed at deployment.",
	Check: func(g *Graph) []Violation {
		out := forEach(restype.IAMUserPolicy, func(Resource) string {
			return "gives an IAM user an inline policy; put the user in a group with the policy"
		})(g)
		out = append(out, forEach(restype.IAMUserPolicyAttachment, func(Resource) string {
			return "attaches a managed policy to an IAM user; attach it to a group of the user"
		})(g)...)
		return append(out, forEach(restype.IAMPolicyAttachment, func(r Resource) string {
			if len(r.List("users")) > 0 {
				return "attaches a managed policy to IAM users; attach it to their groups (groups) instead"
			}
			return ""
		})(g)...)
	}}
