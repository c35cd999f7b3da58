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
		{"inline narrow", "CKV_AWS_62", graphOf(role("r", "inlinePolicies", []any{map[string]any{"name": "n", "policy": narrow}})), pass},
		{"inline computed", "CKV_AWS_62", graphOf(role("r"), res(restype.IAMRolePolicy, "rp", map[string]any{"policy": Unknown{}})), unjudged},
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
