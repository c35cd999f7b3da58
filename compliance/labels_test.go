package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

// A rule judging several controls names each finding with the controls it
// fails, so one failure leaves its other controls passing.
func TestPasswordPolicyLabels(t *testing.T) {
	strong := map[string]any{"requireUppercaseCharacters": true, "requireLowercaseCharacters": true, "requireNumbers": true, "requireSymbols": true,
		"minimumPasswordLength": 14.0, "passwordReusePrevention": 24.0}
	policy := func(kv ...any) *Graph {
		in := map[string]any{}
		for k, v := range strong {
			in[k] = v
		}
		return graphOf(res(restype.IAMAccountPasswordPolicy, "p", withFields(in, kv...)))
	}
	rule := ruleByID(t, "iam-password-policy")
	var cases []ruleCase
	for _, c := range []string{"FSBP IAM.7", "CIS 1.8", "CIS 1.9", "SecurityHub IAM.15", "SecurityHub IAM.16"} {
		cases = append(cases, ruleCase{"strong " + c, c, policy(), pass}, ruleCase{"computed " + c, c, policy("minimumPasswordLength", Unknown{}), unjudged})
	}
	cases = append(cases,
		ruleCase{"12 characters passes IAM.7", "FSBP IAM.7", policy("minimumPasswordLength", 12.0), pass},
		ruleCase{"6 characters fails IAM.7", "FSBP IAM.7", policy("minimumPasswordLength", 6.0), fail},
		ruleCase{"12 characters fails CIS 1.8", "CIS 1.8", policy("minimumPasswordLength", 12.0), fail},
		ruleCase{"12 characters fails IAM.15", "SecurityHub IAM.15", policy("minimumPasswordLength", 12.0), fail},
		ruleCase{"no symbols fails IAM.7", "FSBP IAM.7", policy("requireSymbols", false), fail},
		ruleCase{"no symbols passes CIS 1.9", "CIS 1.9", policy("requireSymbols", false), pass},
		ruleCase{"reuse 5 fails CIS 1.9", "CIS 1.9", policy("passwordReusePrevention", 5.0), fail},
		ruleCase{"reuse 5 fails IAM.16", "SecurityHub IAM.16", policy("passwordReusePrevention", 5.0), fail},
		ruleCase{"reuse 5 passes IAM.7", "FSBP IAM.7", policy("passwordReusePrevention", 5.0), pass},
	)
	runCases(t, rule, cases)
}

func TestS3PublicAccessLabels(t *testing.T) {
	bucket := res(restype.S3BucketV2, "b", map[string]any{"bucket": "b"})
	block := func(v any) Resource {
		return res(restype.S3BucketPublicAccessBlock, "pab", map[string]any{"blockPublicAcls": v, "blockPublicPolicy": v, "ignorePublicAcls": v, "restrictPublicBuckets": v}, "b")
	}
	policy := func(action string) Resource {
		return res(restype.S3BucketPolicy, "bp", map[string]any{"policy": doc(stmt("*", action, nil))}, "b")
	}
	rule := ruleByID(t, "s3-public-access-blocked")
	runCases(t, rule, []ruleCase{
		{"no block", "FSBP S3.8", graphOf(bucket), fail},
		{"blocked", "FSBP S3.8", graphOf(bucket, block(true)), pass},
		{"block computed", "FSBP S3.8", graphOf(bucket, block(Unknown{})), unjudged},
		{"no block, nothing public passes S3.2", "FSBP S3.2", graphOf(bucket), pass},
		{"no block, public read", "FSBP S3.2", graphOf(bucket, policy("s3:GetObject")), fail},
		{"blocked, public read", "FSBP S3.2", graphOf(bucket, block(true), policy("s3:GetObject")), pass},
		{"public-read ACL", "FSBP S3.2", graphOf(res(restype.S3BucketV2, "b", map[string]any{"acl": "public-read"})), fail},
		{"policy computed", "FSBP S3.2", graphOf(bucket, res(restype.S3BucketPolicy, "bp", map[string]any{"policy": Unknown{}}, "b")), unjudged},
		{"public read passes S3.3", "FSBP S3.3", graphOf(bucket, policy("s3:GetObject")), pass},
		{"public write", "FSBP S3.3", graphOf(bucket, policy("s3:PutObject")), fail},
		{"ACL computed", "FSBP S3.3", graphOf(res(restype.S3BucketV2, "b", map[string]any{"acl": Unknown{}})), unjudged},
	})
}
