package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEvaluate(t *testing.T) {
	const acct = "123456789012"
	role := "arn:aws:iam::" + acct + ":role/app"
	doc := func(s ...Statement) Document { return New(s...) }
	allowSvc := func(cond Conditions) Document {
		return doc(Statement{Effect: Allow, Principal: &Principal{Service: []string{"events.amazonaws.com"}},
			Action: []string{"kms:GenerateDataKey*"}, Resource: []string{"*"}, Condition: cond})
	}
	for _, tc := range []struct {
		name string
		doc  Document
		req  Request
		want Decision
	}{
		{"a condition key the request lacks makes a positive operator fail",
			allowSvc(Conditions{"StringEquals": {"aws:SourceAccount": {acct}}}),
			Request{Principal: "events.amazonaws.com", Service: true, Action: "kms:GenerateDataKey", Resource: "k"}, ImplicitDeny},
		{"the key present with the value allows",
			allowSvc(Conditions{"StringEquals": {"aws:SourceAccount": {acct}}}),
			Request{Principal: "events.amazonaws.com", Service: true, Action: "kms:GenerateDataKey", Resource: "k", Context: map[string][]string{"aws:SourceAccount": {acct}}}, Allowed},
		{"a missing key makes a negated operator hold (a Deny on StringNotEquals applies)",
			doc(Statement{Effect: Deny, Principal: &Principal{Everyone: true}, Action: []string{"s3:*"}, Resource: []string{"*"},
				Condition: Conditions{"StringNotEquals": {"aws:PrincipalArn": {role}}}}),
			Request{Principal: "cloudtrail.amazonaws.com", Service: true, Action: "s3:PutObject", Resource: "b"}, ExplicitDeny},
		{"IfExists holds when the key is missing",
			allowSvc(Conditions{"StringEqualsIfExists": {"aws:SourceAccount": {acct}}}),
			Request{Principal: "events.amazonaws.com", Service: true, Action: "kms:GenerateDataKey", Resource: "k"}, Allowed},
		{"Null true holds when the key is missing",
			doc(Statement{Effect: Deny, Action: []string{"*"}, Resource: []string{"*"}, Condition: Conditions{"Null": {"aws:RequestTag/stack": {"true"}}}}),
			Request{Principal: role, Action: "ec2:CreateVpc", Resource: "*"}, ExplicitDeny},
		{"StringLike with wildcards",
			allowSvc(Conditions{"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": {"arn:aws:cloudtrail:*:" + acct + ":trail/*"}}}),
			Request{Principal: "events.amazonaws.com", Service: true, Action: "kms:GenerateDataKeyPair", Resource: "k",
				Context: map[string][]string{"kms:EncryptionContext:aws:cloudtrail:arn": {"arn:aws:cloudtrail:us-east-1:" + acct + ":trail/t"}}}, Allowed},
		{"actions are case-insensitive",
			doc(Statement{Effect: Allow, Action: []string{"KMS:decrypt"}, Resource: []string{"*"}}),
			Request{Principal: role, Action: "kms:Decrypt", Resource: "k"}, Allowed},
		{"resources are case-sensitive",
			doc(Statement{Effect: Allow, Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::Bucket/*"}}),
			Request{Principal: role, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/x"}, ImplicitDeny},
		{"NotResource excludes",
			doc(Statement{Effect: Deny, Action: []string{"iam:PassRole"}, NotResource: []string{"arn:aws:iam::" + acct + ":role/stack-*"}}),
			Request{Principal: role, Action: "iam:PassRole", Resource: "arn:aws:iam::" + acct + ":role/other"}, ExplicitDeny},
		{"policy variables resolve from the request",
			doc(Statement{Effect: Allow, Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{"*"},
				Condition: Conditions{"StringEquals": {"aws:ResourceTag/team": {"${aws:PrincipalTag/team}"}}}}),
			Request{Principal: role, Action: "secretsmanager:GetSecretValue", Resource: "s",
				Context: map[string][]string{"aws:ResourceTag/team": {"app"}, "aws:PrincipalTag/team": {"app"}}}, Allowed},
		{"a policy variable the request lacks matches nothing",
			doc(Statement{Effect: Allow, Action: []string{"secretsmanager:GetSecretValue"}, Resource: []string{"*"},
				Condition: Conditions{"StringEquals": {"aws:ResourceTag/team": {"${aws:PrincipalTag/team}"}}}}),
			Request{Principal: role, Action: "secretsmanager:GetSecretValue", Resource: "s",
				Context: map[string][]string{"aws:ResourceTag/team": {"app"}}}, ImplicitDeny},
		{"the account root principal names the account's roles",
			doc(Statement{Effect: Allow, Principal: &Principal{AWS: []string{"arn:aws:iam::" + acct + ":root"}}, Action: []string{"kms:Decrypt"}, Resource: []string{"*"}}),
			Request{Principal: role, Action: "kms:Decrypt", Resource: "k"}, Allowed},
		{"but not another account's",
			doc(Statement{Effect: Allow, Principal: &Principal{AWS: []string{"arn:aws:iam::" + acct + ":root"}}, Action: []string{"kms:Decrypt"}, Resource: []string{"*"}}),
			Request{Principal: "arn:aws:iam::999999999999:role/app", Action: "kms:Decrypt", Resource: "k"}, ImplicitDeny},
		{"ForAnyValue over a multi-valued key",
			doc(Statement{Effect: Allow, Action: []string{"sts:AssumeRoleWithWebIdentity"}, Condition: Conditions{"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": {"authenticated"}}}}),
			Request{Principal: "cognito-identity.amazonaws.com", Federated: true, Action: "sts:AssumeRoleWithWebIdentity",
				Context: map[string][]string{"cognito-identity.amazonaws.com:amr": {"authenticated", "cognito-idp.us-east-1.amazonaws.com/pool"}}}, Allowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Evaluate(tc.doc, tc.req)
			require.NoError(t, err, "Evaluate")
			assert.Equal(t, tc.want, got, "Evaluate")
		})
	}
}

func TestEvaluateRefusesUnmodelledOperators(t *testing.T) {
	d := New(Statement{Effect: Allow, Action: []string{"s3:GetObject"}, Resource: []string{"*"}, Condition: Conditions{"IpAddress": {"aws:SourceIp": {"10.0.0.0/8"}}}})
	_, err := Evaluate(d, Request{Principal: "r", Action: "s3:GetObject", Resource: "o", Context: map[string][]string{"aws:SourceIp": {"10.1.1.1"}}})
	assert.Error(t, err, "an unmodelled operator was evaluated silently")
}

func TestParseAcceptsStringsAndLists(t *testing.T) {
	d, err := Parse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["a","b"],"Condition":{"Bool":{"aws:SecureTransport":false}}}}`)
	require.NoError(t, err)
	s := d.Statement[0]
	require.NotNil(t, s.Principal, "Parse = %+v", s)
	assert.True(t, s.Principal.Everyone, "Parse = %+v", s)
	assert.Len(t, s.Action, 1, "Parse = %+v", s)
	assert.Len(t, s.Resource, 2, "Parse = %+v", s)
	require.NotEmpty(t, s.Condition["Bool"]["aws:SecureTransport"], "Parse = %+v", s)
	assert.Equal(t, "false", s.Condition["Bool"]["aws:SecureTransport"][0], "Parse = %+v", s)
}

func TestAuthorize(t *testing.T) {
	const acct = "123456789012"
	role := "arn:aws:iam::" + acct + ":role/app"
	key := "arn:aws:kms:us-east-1:" + acct + ":key/k"
	rootKeyPolicy := New(Statement{Effect: Allow, Principal: &Principal{AWS: []string{"arn:aws:iam::" + acct + ":root"}}, Action: []string{"kms:Decrypt"}, Resource: []string{"*"}})
	allowDecrypt := New(Statement{Effect: Allow, Action: []string{"kms:Decrypt"}, Resource: []string{key}})
	onlyS3 := New(Statement{Effect: Allow, Action: []string{"s3:*"}, Resource: []string{"*"}})
	req := Request{Principal: role, Action: "kms:Decrypt", Resource: key}
	for _, tc := range []struct {
		name string
		p    Policies
		want bool
	}{
		{"a key policy naming the account delegates to IAM, which allows", Policies{Identity: []Document{allowDecrypt}, Resource: &rootKeyPolicy, KeyPolicy: true}, true},
		{"IAM alone cannot use a key whose policy does not allow it", Policies{Identity: []Document{allowDecrypt}, Resource: &Document{Version: Version}, KeyPolicy: true}, false},
		{"the boundary caps what IAM allows", Policies{Identity: []Document{allowDecrypt}, Boundary: &onlyS3, Resource: &rootKeyPolicy, KeyPolicy: true}, false},
		{"delegation without an identity allow refuses", Policies{Resource: &rootKeyPolicy, KeyPolicy: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why, err := Authorize(req, tc.p)
			require.NoError(t, err, "Authorize")
			assert.Equal(t, tc.want, got, "Authorize (%s)", why)
		})
	}
}

func TestEndpointJSON(t *testing.T) {
	pinned := New(Statement{Sid: "Ours", Effect: Allow, Principal: &Principal{Everyone: true}, Action: []string{"s3:*"}, Resource: []string{"*"},
		Condition: Conditions{"StringEquals": {"aws:PrincipalAccount": {"123456789012"}}}})
	_, err := pinned.EndpointJSON()
	assert.NoError(t, err, "an Allow to * pinned to the account")
	open := New(Statement{Sid: "Any", Effect: Allow, Principal: &Principal{Everyone: true}, Action: []string{"s3:*"}, Resource: []string{"*"}})
	_, err = open.EndpointJSON()
	assert.ErrorContains(t, err, "statement Any: Allow to every principal without an aws:PrincipalAccount condition", "an open endpoint policy")
	star := New(Statement{Sid: "Star", Effect: Allow, Principal: &Principal{Everyone: true}, Action: []string{"*"}, Resource: []string{"*"},
		Condition: Conditions{"StringEquals": {"aws:PrincipalAccount": {"123456789012"}}}})
	_, err = star.EndpointJSON()
	assert.ErrorContains(t, err, `action "*" allows everything`, "an endpoint policy allowing *")
}
