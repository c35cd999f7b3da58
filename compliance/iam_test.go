package compliance

import (
	"encoding/json"
	"testing"

	"github.com/example/hardening/internal/restype"
)

func doc(stmts ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

func allow(action, resource any) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": action, "Resource": resource}
}

func graphOf(rs ...Resource) *Graph { return &Graph{Resources: rs} }

// role is a role with a boundary, and extra inputs.
func role(name string, kv ...any) Resource {
	in := map[string]any{"assumeRolePolicy": doc(map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})}
	return res(restype.IAMRole, name, withFields(in, kv...))
}

func TestIAMNoAdmin(t *testing.T) {
	admin := doc(allow("*", "*"))
	narrow := doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
	managed := func(name string, d any) Resource {
		return res(restype.IAMPolicy, name, map[string]any{"name": name, "policy": d})
	}
	attach := func(name, policy string) Resource {
		return withRefs(res(restype.IAMRolePolicyAttachment, name+"-att", map[string]any{"role": "r", "policyArn": Unknown{}}), "policyArn", policy)
	}
	bounded := func(policy string) Resource {
		return withRefs(role("r", "permissionsBoundary", Unknown{}), "permissionsBoundary", policy)
	}
	runCases(t, iamNoAdmin, []ruleCase{
		{"attached customer-managed admin", "FSBP IAM.1", graphOf(role("r"), managed("p", admin), attach("p", "p")), fail},
		{"attached by managedPolicyArns", "FSBP IAM.1", graphOf(role("r", "managedPolicyArns", []any{"arn:aws:iam::111122223333:policy/p"}), managed("p", admin)), fail},
		{"admin policy only a boundary", "FSBP IAM.1", graphOf(bounded("p"), managed("p", admin)), pass},
		{"attached narrow policy", "FSBP IAM.1", graphOf(role("r"), managed("p", narrow), attach("p", "p")), pass},
		{"attached policy computed", "FSBP IAM.1", graphOf(role("r"), managed("p", Unknown{}), attach("p", "p")), unjudged},
		{"inline admin is not IAM.1's", "FSBP IAM.1", graphOf(role("r"), res(restype.IAMRolePolicy, "rp", map[string]any{"policy": admin})), pass},
		{"AWS-managed AdministratorAccess attached", "CIS 1.16", graphOf(role("r", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/AdministratorAccess"})), fail},
		{"AWS-managed AdministratorAccess by attachment", "CIS 1.16", graphOf(role("r"), res(restype.IAMRolePolicyAttachment, "a", map[string]any{"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})), fail},
		{"AWS-managed ReadOnlyAccess attached", "CIS 1.16", graphOf(role("r", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/ReadOnlyAccess"})), pass},
		{"admin boundary is not CIS 1.16's", "CIS 1.16", graphOf(bounded("p"), managed("p", admin)), pass},
		{"customer-managed admin attached", "CIS 1.16", graphOf(role("r"), managed("p", admin), attach("p", "p")), fail},
		{"attached document computed", "CIS 1.16", graphOf(role("r"), managed("p", Unknown{}), attach("p", "p")), unjudged},
		{"inline admin in inlinePolicies", "CKV_AWS_62", graphOf(role("r", "inlinePolicies", []any{map[string]any{"name": "all", "policy": admin}})), fail},
		{"inline admin", "CKV_AWS_62", graphOf(role("r"), res(restype.IAMRolePolicy, "rp", map[string]any{"policy": admin})), fail},
		{"NotAction on * is not IAM.1's", "FSBP IAM.1", graphOf(role("r"), managed("p", doc(map[string]any{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})), attach("p", "p")), pass},
		{"* on some resources is not CIS 1.16's", "CIS 1.16", graphOf(role("r"), managed("p", doc(allow("*", "arn:aws:s3:::b/*"))), attach("p", "p")), pass},
		{"* on * in lists", "CKV_AWS_62", graphOf(role("r"), res(restype.IAMRolePolicy, "rp", map[string]any{"policy": doc(allow([]any{"s3:GetObject", "*"}, []any{"arn:aws:s3:::b", "*"}))})), fail},
		{"inline narrow", "CKV_AWS_62", graphOf(role("r", "inlinePolicies", []any{map[string]any{"name": "n", "policy": narrow}})), pass},
		{"inline computed", "CKV_AWS_62", graphOf(role("r"), res(restype.IAMRolePolicy, "rp", map[string]any{"policy": Unknown{}})), unjudged},
		{"a user's inline admin", "CKV_AWS_62", graphOf(res(restype.IAMUserPolicy, "up", map[string]any{"user": "u", "policy": admin})), fail},
		{"a group's inline admin is not IAM.1's", "FSBP IAM.1", graphOf(res(restype.IAMGroupPolicy, "gp", map[string]any{"group": "g", "policy": admin})), pass},
		{"customer-managed admin attached to a group", "FSBP IAM.1", graphOf(managed("p", admin), withRefs(res(restype.IAMGroupPolicyAttachment, "ga", map[string]any{"group": "g", "policyArn": Unknown{}}), "policyArn", "p")), fail},
		{"customer-managed admin attached by ARN to a user", "FSBP IAM.1", graphOf(managed("p", admin), res(restype.IAMUserPolicyAttachment, "ua", map[string]any{"user": "u", "policyArn": "arn:aws:iam::111122223333:policy/p"})), fail},
		{"AWS-managed AdministratorAccess is not IAM.1's", "FSBP IAM.1", graphOf(role("r", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/AdministratorAccess"})), pass},
		{"AWS-managed AdministratorAccess to a user", "CIS 1.16", graphOf(res(restype.IAMUserPolicyAttachment, "ua", map[string]any{"user": "u", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})), fail},
		{"AWS-managed AdministratorAccess by iam.PolicyAttachment", "CIS 1.16", graphOf(res(restype.IAMPolicyAttachment, "pa", map[string]any{"roles": []any{"r"}, "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})), fail},
		{"AWS-managed AdministratorAccess by RolePolicyAttachmentsExclusive", "CIS 1.16", graphOf(res(restype.IAMRolePolicyAttachmentsExclusive, "ex", map[string]any{"roleName": "r", "policyArns": []any{"arn:aws:iam::aws:policy/AdministratorAccess"}})), fail},
		{"a policy attachment's ARN computed from nothing declared", "CIS 1.16", graphOf(res(restype.IAMGroupPolicyAttachment, "ga", map[string]any{"group": "g", "policyArn": Unknown{}})), unjudged},
	})
}

func TestKMSNoDecryptAll(t *testing.T) {
	runCases(t, kmsNoDecryptAll, []ruleCase{
		{"managed Decrypt on *", "FSBP KMS.1", graphOf(res(restype.IAMPolicy, "p", map[string]any{"policy": doc(allow("kms:Decrypt", "*"))})), fail},
		{"managed Decrypt on every key pattern", "FSBP KMS.1", graphOf(res(restype.IAMPolicy, "p", map[string]any{"policy": doc(allow("kms:Decrypt", "arn:aws:kms:*:*:key/*"))})), fail},
		{"managed Decrypt on one key", "FSBP KMS.1", graphOf(res(restype.IAMPolicy, "p", map[string]any{"policy": doc(allow("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"))})), pass},
		{"managed Encrypt on *", "FSBP KMS.1", graphOf(res(restype.IAMPolicy, "p", map[string]any{"policy": doc(allow("kms:Encrypt", "*"))})), pass},
		{"managed computed", "FSBP KMS.1", graphOf(res(restype.IAMPolicy, "p", map[string]any{"policy": Unknown{}})), unjudged},
		{"inline Decrypt on * in inlinePolicies", "FSBP KMS.2", graphOf(role("r", "inlinePolicies", []any{map[string]any{"name": "k", "policy": doc(allow("kms:Decrypt", "*"))}})), fail},
		{"inline kms:* on every key of every account", "FSBP KMS.2", graphOf(res(restype.IAMRolePolicy, "rp", map[string]any{"policy": doc(allow("kms:*", "arn:aws:kms:*:*:key/*"))})), fail},
		{"inline Decrypt on the account's keys in every Region", "FSBP KMS.2", graphOf(res(restype.IAMRolePolicy, "rp", map[string]any{"policy": doc(allow("kms:Decrypt", "arn:aws:kms:*:111122223333:key/*"))})), pass},
		{"inline ReEncryptFrom on an alias", "FSBP KMS.2", graphOf(res(restype.IAMRolePolicy, "rp", map[string]any{"policy": doc(allow("kms:ReEncryptFrom", "arn:aws:kms:us-east-1:111122223333:alias/app"))})), pass},
		{"inline on a managed Decrypt is not KMS.2's", "FSBP KMS.2", graphOf(res(restype.IAMPolicy, "p", map[string]any{"policy": doc(allow("kms:Decrypt", "*"))})), pass},
		{"inline computed", "FSBP KMS.2", graphOf(res(restype.IAMRolePolicy, "rp", map[string]any{"policy": Unknown{}})), unjudged},
		{"a user's inline Decrypt on *", "FSBP KMS.2", graphOf(res(restype.IAMUserPolicy, "up", map[string]any{"user": "u", "policy": doc(allow("kms:Decrypt", "*"))})), fail},
		{"a group's inline kms:De* on *", "FSBP KMS.2", graphOf(res(restype.IAMGroupPolicy, "gp", map[string]any{"group": "g", "policy": doc(allow([]any{"s3:GetObject", "kms:De*"}, []any{"*"}))})), fail},
		{"inline NotAction on *", "FSBP KMS.2", graphOf(res(restype.IAMRolePolicy, "rp", map[string]any{"policy": doc(map[string]any{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})})), fail},
		{"inline Decrypt on * with a condition still counts", "FSBP KMS.2", graphOf(res(restype.IAMRolePolicy, "rp", map[string]any{"policy": doc(map[string]any{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": "s3.us-east-1.amazonaws.com"}}})})), fail},
		{"inline kms:* on * with Decrypt and ReEncryptFrom denied", "FSBP KMS.2", graphOf(res(restype.IAMRolePolicy, "rp", map[string]any{"policy": doc(allow("kms:*", "*"), map[string]any{"Effect": "Deny", "Action": []any{"kms:Decrypt", "kms:ReEncrypt*"}, "Resource": "*"})})), pass},
		{"managed kms:ReEncrypt* on *", "FSBP KMS.1", graphOf(res(restype.IAMPolicy, "p", map[string]any{"policy": doc(allow("kms:ReEncrypt*", "*"))})), fail},
		{"managed unattached Decrypt on *", "FSBP KMS.1", graphOf(res(restype.IAMPolicy, "p", map[string]any{"name": "p", "policy": doc(allow("kms:Decrypt", "*"))})), fail},
	})
}

func TestIAMNoServiceWildcard(t *testing.T) {
	managed := func(d string) Resource { return res(restype.IAMPolicy, "p", map[string]any{"name": "p", "policy": d}) }
	inline := func(d string) Resource {
		return res(restype.IAMRolePolicy, "rp", map[string]any{"role": "r", "policy": d})
	}
	bounded := withRefs(role("r", "permissionsBoundary", Unknown{}), "permissionsBoundary", "p")
	runCases(t, iamNoServiceWildcard, []ruleCase{
		{"managed s3:*", "FSBP IAM.21", graphOf(managed(doc(allow("s3:*", "arn:aws:s3:::b")))), fail},
		{"managed *", "FSBP IAM.21", graphOf(managed(doc(allow("*", "arn:aws:s3:::b")))), fail},
		{"managed S3:* in any case", "FSBP IAM.21", graphOf(managed(doc(allow([]any{"s3:GetObject", "S3:*"}, "*")))), fail},
		{"managed s3:Get*", "FSBP IAM.21", graphOf(managed(doc(allow("s3:Get*", "*")))), pass},
		{"a boundary's s3:*", "FSBP IAM.21", graphOf(bounded, managed(doc(allow("s3:*", "*")))), pass},
		{"inline s3:* is not IAM.21's", "FSBP IAM.21", graphOf(role("r"), inline(doc(allow("s3:*", "*")))), pass},
		{"a Deny of s3:*", "FSBP IAM.21", graphOf(managed(doc(map[string]any{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}))), pass},
		{"managed document computed", "FSBP IAM.21", graphOf(res(restype.IAMPolicy, "p", map[string]any{"policy": Unknown{}})), unjudged},
		{"inline s3:*", "nag IAM5", graphOf(role("r"), inline(doc(allow("s3:*", "*")))), fail},
		{"managed s3:*", "nag IAM5", graphOf(managed(doc(allow("s3:*", "*")))), fail},
		{"inline named actions", "nag IAM5", graphOf(role("r"), inline(doc(allow([]any{"s3:GetObject", "s3:PutObject"}, "arn:aws:s3:::b/*")))), pass},
		{"inline document computed", "nag IAM5", graphOf(role("r"), res(restype.IAMRolePolicy, "rp", map[string]any{"policy": Unknown{}})), unjudged},
	})
}

func TestIAMTrustNoWildcard(t *testing.T) {
	trust := func(s map[string]any) *Graph {
		return graphOf(res(restype.IAMRole, "r", map[string]any{"assumeRolePolicy": doc(s), "permissionsBoundary": "arn:aws:iam::111122223333:policy/b"}))
	}
	assume := func(p any, cond map[string]any) map[string]any {
		s := map[string]any{"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole"}
		if cond != nil {
			s["Condition"] = cond
		}
		return s
	}
	runCases(t, iamTrustNoWildcard, []ruleCase{
		{"anyone", "CKV_AWS_60", trust(assume(map[string]any{"AWS": "*"}, nil)), fail},
		{"any account's root", "CKV_AWS_60", trust(assume(map[string]any{"AWS": "arn:aws:iam::*:root"}, nil)), fail},
		{"everyone but one", "CKV_AWS_60", trust(map[string]any{"Effect": "Allow", "NotPrincipal": map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}), fail},
		{"a named role", "CKV_AWS_60", trust(assume(map[string]any{"AWS": "arn:aws:iam::111122223333:role/ci"}, nil)), pass},
		{"a whole account is not CKV_AWS_60's", "CKV_AWS_60", trust(assume(map[string]any{"AWS": "111122223333"}, nil)), pass},
		{"trust computed", "CKV_AWS_60", graphOf(res(restype.IAMRole, "r", map[string]any{"assumeRolePolicy": Unknown{}})), unjudged},
		{"a whole account by ID", "CKV_AWS_61", trust(assume(map[string]any{"AWS": "111122223333"}, nil)), fail},
		{"a whole account by root", "CKV_AWS_61", trust(assume(map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, nil)), fail},
		{"a whole account with a condition", "CKV_AWS_61", trust(assume(map[string]any{"AWS": "arn:aws:iam::111122223333:root"}, map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": "true"}})), pass},
		{"a service", "CKV_AWS_61", trust(assume(map[string]any{"Service": "lambda.amazonaws.com"}, nil)), pass},
		{"trust computed", "CKV_AWS_61", graphOf(res(restype.IAMRole, "r", map[string]any{"assumeRolePolicy": Unknown{}})), unjudged},
	})
}

func TestIAMNoManagedPolicies(t *testing.T) {
	runCases(t, iamNoManagedPolicies, []ruleCase{
		{"a role's AWS-managed policy", "nag IAM4", graphOf(role("r", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/ReadOnlyAccess"})), fail},
		{"a group's AWS-managed policy", "nag IAM4", graphOf(res(restype.IAMGroupPolicyAttachment, "ga", map[string]any{"group": "g", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})), fail},
		{"a customer-managed policy", "nag IAM4", graphOf(res(restype.IAMRolePolicyAttachment, "a", map[string]any{"role": "r", "policyArn": "arn:aws:iam::111122223333:policy/p"})), pass},
		{"an ARN computed from nothing declared", "nag IAM4", graphOf(res(restype.IAMRolePolicyAttachment, "a", map[string]any{"role": "r", "policyArn": Unknown{}})), unjudged},
	})
}

func TestIAMPermissionsBoundary(t *testing.T) {
	runCases(t, iamPermissionsBoundary, []ruleCase{
		{"none", "", graphOf(role("r")), fail},
		{"empty", "", graphOf(role("r", "permissionsBoundary", "")), fail},
		{"a boundary", "", graphOf(role("r", "permissionsBoundary", "arn:aws:iam::111122223333:policy/b")), pass},
		{"computed", "", graphOf(role("r", "permissionsBoundary", Unknown{})), unjudged},
	})
}

func TestOIDCTrustExact(t *testing.T) {
	gh := map[string]any{"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}
	trust := func(cond map[string]any) *Graph {
		return graphOf(res(restype.IAMRole, "ci", map[string]any{"permissionsBoundary": "b", "assumeRolePolicy": doc(map[string]any{
			"Effect": "Allow", "Principal": gh, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": cond})}))
	}
	eq := func(kv ...string) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	const sub, aud = "token.actions.githubusercontent.com:sub", "token.actions.githubusercontent.com:aud"
	runCases(t, oidcTrustExact, []ruleCase{
		{"no sub", "", trust(map[string]any{"StringEquals": eq(aud, "sts.amazonaws.com")}), fail},
		{"any branch", "", trust(map[string]any{"StringEquals": eq(aud, "sts.amazonaws.com"), "StringLike": eq(sub, "repo:o/r:*")}), fail},
		{"any repository of the owner", "", trust(map[string]any{"StringEquals": eq(aud, "sts.amazonaws.com"), "StringLike": eq(sub, "repo:o/*")}), fail},
		{"main exactly", "", trust(map[string]any{"StringEquals": eq(aud, "sts.amazonaws.com", sub, "repo:o/r:ref:refs/heads/main")}), pass},
		{"pull requests by number", "", trust(map[string]any{"StringEquals": eq(aud, "sts.amazonaws.com"), "StringLike": eq(sub, "repo:o/r:ref:refs/pull/*/merge")}), pass},
		{"trust computed", "", graphOf(res(restype.IAMRole, "ci", map[string]any{"assumeRolePolicy": Unknown{}})), unjudged},
	})
}

func TestIAMNoCloudShellFullAccess(t *testing.T) {
	for _, ctl := range iamNoCloudShellFullAccess.Controls {
		runCases(t, iamNoCloudShellFullAccess, []ruleCase{
			{"attached", ctl, graphOf(role("r", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/AWSCloudShellFullAccess"})), fail},
			{"another AWS-managed policy", ctl, graphOf(role("r", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/ReadOnlyAccess"})), pass},
			{"attachment computed", ctl, graphOf(res(restype.IAMRolePolicyAttachment, "a", map[string]any{"policyArn": Unknown{}})), unjudged},
		})
	}
}

// TestIAMPasswordPolicy: each finding names the controls it fails, so one
// failure leaves the rule's other controls passing.
func TestIAMPasswordPolicy(t *testing.T) {
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

func TestIAMEscalationScoped(t *testing.T) {
	inAccount := func(rs ...Resource) *Graph {
		g := graphOf(rs...)
		g.Partition, g.Region, g.Account = "aws", "us-east-1", "123456789012"
		return g
	}
	inline := func(statements ...map[string]any) Resource {
		return role("r", "inlinePolicies", []any{map[string]any{"name": "p", "policy": doc(statements...)}})
	}
	ctl := "CKV_AWS_286"
	runCases(t, iamEscalationScoped, []ruleCase{
		{"policy writes on every role", ctl, inAccount(inline(allow("iam:PutRolePolicy", "*"))), fail},
		{"trust rewrites on every role", ctl, inAccount(inline(allow("iam:UpdateAssumeRolePolicy", "arn:aws:iam::123456789012:role/*"))), fail},
		{"an Allow cancelled by a Deny of the same", ctl, inAccount(inline(allow("iam:PutRolePolicy", "*"),
			map[string]any{"Effect": "Deny", "Action": "iam:PutRolePolicy", "Resource": "*"})), pass},
		{"reads only", ctl, inAccount(inline(allow("s3:GetObject", "arn:aws:s3:::b/*"))), pass},
		{"the account not known (a first preview)", ctl, graphOf(inline(allow("iam:PutRolePolicy", "*"))), unjudged},
	})
}
