package compliance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/example/hardening/internal/restype"
)

func TestKMSRotation(t *testing.T) {
	key := func(kv ...any) *Graph { return graphOf(res(restype.KMSKey, "k", withFields(map[string]any{}, kv...))) }
	for _, ctl := range kmsRotation.Controls {
		runCases(t, kmsRotation, []ruleCase{
			{"symmetric key without rotation " + ctl, ctl, key(), fail},
			{"rotation off " + ctl, ctl, key("enableKeyRotation", false, "keySpec", "SYMMETRIC_DEFAULT"), fail},
			{"rotating " + ctl, ctl, key("enableKeyRotation", true), pass},
			{"an asymmetric key cannot rotate " + ctl, ctl, key("keySpec", "RSA_2048"), pass},
			{"an HMAC key by its old spec name " + ctl, ctl, key("customerMasterKeySpec", "HMAC_256"), pass},
			{"rotation computed " + ctl, ctl, key("enableKeyRotation", Unknown{}), unjudged},
		})
	}
}

// KMS.3 judges a preview's steps, which are always known: it has no case
// a preview leaves unknown, so its table is not runCases'.
func TestKMSKeyNotDeleted(t *testing.T) {
	key := res(restype.KMSKey, "k", map[string]any{"enableKeyRotation": true})
	cases := []struct {
		name string
		op   string
		want verdict
	}{
		{"deleted", "delete", fail},
		{"replaced", "replace", fail},
		{"updated in place", "update", pass},
		{"created", "create", pass},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := graphOf(key)
			g.Changes = []Change{{URN: "urn:pulumi:prod::hardening::aws:kms/key:Key::k", Type: restype.KMSKey, Op: c.op}}
			assert.Equal(t, c.want, verdictOf(t, kmsKeyNotDeleted, g, "FSBP KMS.3"))
		})
	}
	t.Run("a bucket deleted is not KMS.3's", func(t *testing.T) {
		g := graphOf(key)
		g.Changes = []Change{{URN: "urn:b", Type: restype.S3BucketV2, Op: "delete"}}
		assert.Equal(t, pass, verdictOf(t, kmsKeyNotDeleted, g, "FSBP KMS.3"))
	})
}

func TestKMSDeletionWindow(t *testing.T) {
	key := func(kv ...any) *Graph { return graphOf(res(restype.KMSKey, "k", withFields(map[string]any{}, kv...))) }
	runCases(t, kmsDeletionWindow, []ruleCase{
		{"seven days", "", key("deletionWindowInDays", 7.0), fail},
		{"a replica's seven days", "", graphOf(res(restype.KMSReplicaKey, "r", map[string]any{"deletionWindowInDays": 7.0})), fail},
		{"thirty days", "", key("deletionWindowInDays", 30.0), pass},
		{"unset is thirty", "", key(), pass},
		{"computed", "", key("deletionWindowInDays", Unknown{}), unjudged},
	})
}

func TestKMSKeyPolicy(t *testing.T) {
	key := func(s ...map[string]any) *Graph {
		return graphOf(res(restype.KMSKey, "k", map[string]any{"policy": doc(s...)}))
	}
	cond := func(op, k string, v any) map[string]any { return map[string]any{op: map[string]any{k: v}} }
	root := map[string]any{"AWS": "arn:aws:iam::111122223333:root"}
	notPrincipal := map[string]any{"Effect": "Allow", "NotPrincipal": root, "Action": "kms:Decrypt", "Resource": "*"}
	runCases(t, kmsKeyPolicy, []ruleCase{
		{"anyone", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", nil)), fail},
		{"anyone in a list", "FSBP KMS.5", key(stmt(map[string]any{"AWS": []any{"*"}}, "kms:Decrypt", nil)), fail},
		{"any account's root", "FSBP KMS.5", key(stmt(map[string]any{"AWS": "arn:aws:iam::*:root"}, "kms:Decrypt", nil)), fail},
		{"everyone but one", "FSBP KMS.5", key(notPrincipal), fail},
		{"anyone of a wildcard account", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("StringEquals", "kms:CallerAccount", "*"))), fail},
		{"anyone of accounts by prefix", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("StringLike", "kms:CallerAccount", "1111*"))), fail},
		{"anyone whose ARN is in any account", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/app"))), fail},
		{"anyone IfExists the account", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("StringEqualsIfExists", "kms:CallerAccount", "111122223333"))), fail},
		{"anyone through a service", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("StringEquals", "kms:ViaService", "s3.us-east-1.amazonaws.com"))), fail},
		{"anyone from the whole internet", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("IpAddress", "aws:SourceIp", "0.0.0.0/0"))), fail},
		{"one account or any", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("StringEquals", "kms:CallerAccount", []any{"111122223333", "*"}))), fail},
		{"anyone of one account", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("StringEquals", "kms:CallerAccount", "111122223333"))), pass},
		{"a role of one account by pattern", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/app-*"))), pass},
		{"one organization", "FSBP KMS.5", key(stmt("*", "kms:Decrypt", cond("StringEquals", "aws:PrincipalOrgID", "o-abc123"))), pass},
		{"the account's root", "FSBP KMS.5", key(stmt(root, "kms:*", nil)), pass},
		{"the default policy", "FSBP KMS.5", graphOf(res(restype.KMSKey, "k", map[string]any{})), pass},
		{"policy computed", "FSBP KMS.5", graphOf(res(restype.KMSKey, "k", map[string]any{"policy": Unknown{}})), unjudged},
		{"anyone of one account is a * principal", "CKV_AWS_33", key(stmt("*", "kms:Decrypt", cond("StringEquals", "kms:CallerAccount", "111122223333"))), fail},
		{"anyone", "CKV_AWS_33", key(stmt("*", "kms:Decrypt", nil)), fail},
		{"named principals", "CKV_AWS_33", key(stmt(root, "kms:*", nil)), pass},
		{"policy computed", "CKV_AWS_33", graphOf(res(restype.KMSKey, "k", map[string]any{"policy": Unknown{}})), unjudged},
		{"the default policy", "CKV2_AWS_64", graphOf(res(restype.KMSKey, "k", map[string]any{})), fail},
		{"lockout check bypassed", "CKV2_AWS_64", graphOf(res(restype.KMSKey, "k", map[string]any{"policy": doc(stmt(root, "kms:*", nil)), "bypassPolicyLockoutSafetyCheck": true})), fail},
		{"a policy of its own", "CKV2_AWS_64", key(stmt(root, "kms:*", nil)), pass},
		{"a public policy is not CKV2_AWS_64's", "CKV2_AWS_64", key(stmt("*", "kms:Decrypt", nil)), pass},
		{"a public kms.KeyPolicy", "FSBP KMS.5", graphOf(res(restype.KMSKeyPolicy, "kp", map[string]any{"keyId": "k", "policy": doc(stmt("*", "kms:Decrypt", nil))})), fail},
		{"a key whose policy is a kms.KeyPolicy", "CKV2_AWS_64", graphOf(res(restype.KMSKey, "k", map[string]any{}), res(restype.KMSKeyPolicy, "kp", map[string]any{"keyId": "k", "policy": doc(stmt(root, "kms:*", nil))}, "k")), pass},
		{"bypass computed", "CKV2_AWS_64", graphOf(res(restype.KMSKey, "k", map[string]any{"policy": doc(stmt(root, "kms:*", nil)), "bypassPolicyLockoutSafetyCheck": Unknown{}})), unjudged},
	})
}

// computedFromStackKey is a resource of typ whose input names the stack's
// key as a first preview shows it: the key's id and ARN computed, the
// engine's property dependency naming the key.
func computedFromStackKey(typ, input string) *Graph {
	key := res(restype.KMSKey, "key", map[string]any{"enableKeyRotation": true})
	return graphOf(key, withRefs(res(typ, "r", map[string]any{input: Unknown{}}), input, "key"))
}
