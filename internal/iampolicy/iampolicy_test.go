package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateRejectsOverBroadStatements(t *testing.T) {
	cases := []struct {
		name string
		s    Statement
		want string
	}{
		{"star action", Statement{Sid: "All", Effect: Allow, Action: []string{"*"}, Resource: []string{"*"}}, `statement All: action "*" allows everything (IAM.1)`},
		{"service star on star", Statement{Sid: "S3", Effect: Allow, Action: []string{"s3:*"}, Resource: []string{"*"}}, `statement S3: action "s3:*" on every resource allows a whole service (IAM.21)`},
		{"allow with NotAction", Statement{Sid: "Not", Effect: Allow, NotAction: []string{"iam:*"}, Resource: []string{"*"}}, "statement Not: Allow with NotAction"},
		{"allow to everyone", Statement{Sid: "Pub", Effect: Allow, Principal: &Principal{Everyone: true}, Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"}}, `statement Pub: Allow to the "*" principal`},
		{"wildcard principal", Statement{Sid: "Any", Effect: Allow, Principal: &Principal{AWS: []string{"arn:aws:iam::*:root"}}, Action: []string{"sts:AssumeRole"}}, `statement Any: principal "arn:aws:iam::*:root" has a wildcard`},
		{"decrypt any key", Statement{Sid: "Kms", Effect: Allow, Action: []string{"kms:Decrypt"}, Resource: []string{"*"}}, `statement Kms: action "kms:Decrypt" on every resource decrypts with any KMS key (KMS.1, KMS.2)`},
		{"no actions", Statement{Sid: "Empty", Effect: Allow, Resource: []string{"*"}}, "statement Empty: no actions"},
		{"bad effect", Statement{Sid: "E", Effect: "allow", Action: []string{"s3:GetObject"}}, `statement E: effect "allow" is neither Allow nor Deny`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.s).JSON()
			assert.ErrorContains(t, err, c.want)
		})
	}
}

func TestValidateAcceptsScopedStatements(t *testing.T) {
	cases := []Statement{
		{Effect: Allow, Action: []string{"logs:PutLogEvents"}, Resource: []string{"arn:aws:logs:us-east-1:123456789012:log-group:g:*"}},
		{Effect: Deny, Principal: &Principal{Everyone: true}, Action: []string{"s3:*"}, Resource: []string{"*"},
			Condition: Conditions{"Bool": {"aws:SecureTransport": {"false"}}}},
		{Effect: Allow, Principal: &Principal{AWS: []string{"arn:aws:iam::123456789012:root"}}, Action: []string{"kms:Decrypt"}, Resource: []string{"*"}},
	}
	for i, s := range cases {
		_, err := New(s).JSON()
		assert.NoError(t, err, "case %d", i)
	}
}

func TestEveryoneRendersAsStar(t *testing.T) {
	got := New(Statement{Effect: Deny, Principal: &Principal{Everyone: true}, Action: []string{"s3:*"}, Resource: []string{"*"}}).MustJSON()
	assert.Contains(t, got, `"Principal":"*"`, "rendered policy")
}

// TestEndpointJSONAllowsEveryone: an endpoint policy may allow every principal when a
// condition pins the account, or when it only reads a resource AWS owns
// and reaches with its own credentials (ECR's layer bucket); nothing else.
func TestEndpointJSONAllowsEveryone(t *testing.T) {
	const layers = "arn:aws:s3:::prod-us-east-1-starport-layer-bucket"
	everyone := &Principal{Everyone: true}
	pinned := Conditions{"StringEquals": {"aws:PrincipalAccount": {"123456789012"}}}
	cases := []struct {
		name string
		s    Statement
		want string // "" accepts
	}{
		{"account pinned", Statement{Sid: "Ours", Effect: Allow, Principal: everyone, Action: []string{"s3:*"}, Resource: []string{"*"}, Condition: pinned}, ""},
		{"layer objects read by anyone", Statement{Sid: "Layers", Effect: Allow, Principal: everyone, Action: []string{"s3:GetObject"}, Resource: []string{layers + "/*"}}, ""},
		{"another bucket read by anyone", Statement{Sid: "Other", Effect: Allow, Principal: everyone, Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::attacker/*"}}, "statement Other: Allow to every principal without an aws:PrincipalAccount condition"},
		{"a look-alike bucket name", Statement{Sid: "Like", Effect: Allow, Principal: everyone, Action: []string{"s3:GetObject"}, Resource: []string{layers + "-copy/*"}}, "statement Like: Allow to every principal"},
		{"a write to the layer bucket", Statement{Sid: "Put", Effect: Allow, Principal: everyone, Action: []string{"s3:PutObject"}, Resource: []string{layers + "/*"}}, "statement Put: Allow to every principal"},
		{"a wildcard read", Statement{Sid: "Get", Effect: Allow, Principal: everyone, Action: []string{"s3:Get*"}, Resource: []string{layers + "/*"}}, "statement Get: Allow to every principal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.s).EndpointJSON(layers)
			if c.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, c.want)
		})
	}
	_, err := New(cases[1].s).EndpointJSON()
	require.ErrorContains(t, err, "without an aws:PrincipalAccount condition", "nothing is AWS-owned unless named")
}
