package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// kmsRules judge KMS keys (kms-no-decrypt-all, on IAM policies, is in
// iam.go).
func kmsRules() []Rule { return []Rule{kmsRotation, kmsKeyNotDeleted, kmsDeletionWindow, kmsKeyPolicy} }

// kmsRotation follows Security Hub KMS.4 (Config rule
// cmk-backing-key-rotation-enabled), CIS v3.0.0 3.6 ("Ensure rotation for
// customer-created symmetric CMKs is enabled": the audit reads
// get-key-rotation-status of each symmetric customer-managed key),
// cdk-nag KMS5 and CKV_AWS_7. KMS rotates only symmetric encryption keys
// (KMS developer guide, "Rotating AWS KMS keys": asymmetric and HMAC keys
// cannot rotate automatically), so a keySpec other than
// SYMMETRIC_DEFAULT is not judged by any of them.
var kmsRotation = Rule{ID: "kms-rotation", Controls: []string{"SecurityHub KMS.4", "CIS 3.6", "nag KMS5", "CKV_AWS_7"},
	Source:      "Security Hub KMS.4 (Config cmk-backing-key-rotation-enabled); CIS v3.0.0 3.6 audit (get-key-rotation-status of symmetric customer-managed keys)",
	Severity:    High,
	Description: "Customer-managed symmetric encryption keys (keySpec SYMMETRIC_DEFAULT, the default) rotate automatically (enableKeyRotation); asymmetric and HMAC keys, which KMS cannot rotate, are exempt. Not judged while a setting is computed at deployment.",
	Check: forEach(restype.KMSKey, func(r Resource) string {
		spec := r.Str("keySpec")
		if spec == "" {
			spec = r.Str("customerMasterKeySpec")
		}
		if spec != "" && spec != "SYMMETRIC_DEFAULT" {
			return ""
		}
		if v, _ := r.Bool("enableKeyRotation"); !v {
			return "does not rotate; set enableKeyRotation: true"
		}
		return ""
	})}

// kmsKeyNotDeleted follows Security Hub KMS.3 ("AWS KMS keys should not be
// deleted unintentionally", Config rule kms-cmk-not-scheduled-for-deletion):
// a key pending deletion fails. A preview that deletes or replaces a key
// (replacing deletes the old key) schedules its deletion; the plan itself
// schedules none.
var kmsKeyNotDeleted = Rule{ID: "kms-key-not-deleted", Controls: []string{"FSBP KMS.3"},
	Source: "Security Hub KMS.3 (Config kms-cmk-not-scheduled-for-deletion)",
	// Medium: the change guard (-guard, -allow-replace) is what blocks a
	// destructive preview after review; this rule reports the control.
	Severity:    Medium,
	Description: "No preview deletes or replaces a KMS key, which schedules the key for deletion (KMS.3 fails a key pending deletion); the offline plan deletes nothing.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, c := range g.Changes {
			if (c.Type == restype.KMSKey || c.Type == restype.KMSReplicaKey) && slices.Contains(destructive, c.Op) {
				out = append(out, Violation{URN: c.URN, Message: fmt.Sprintf("%s %s: this preview %ss it, which schedules the key for deletion (KMS.3) and loses what it encrypts; keep the key, or waive the rule with the reason", shortType(c.Type), nameOf(c.URN), c.Op)})
			}
		}
		return out
	}}

// kmsDeletionWindow is the project's own: the longest waiting period KMS
// allows (ScheduleKeyDeletion PendingWindowInDays 7 to 30, default 30), so
// that an unintended deletion can be noticed (the CIS 4.7 alarm) and
// cancelled. It names no control: KMS.3 judges a key pending deletion, not
// the window.
var kmsDeletionWindow = Rule{ID: "kms-deletion-window",
	Source:      "project: KMS API ScheduleKeyDeletion PendingWindowInDays (7-30, default 30)",
	Severity:    Medium,
	Description: "Keys wait the longest deletion window KMS allows (30 days, the default when unset), so an unintended deletion can be noticed (CIS 4.7 alarm) and cancelled. Not judged while the window is computed at deployment.",
	Check: forEachIn([]string{restype.KMSKey, restype.KMSReplicaKey}, func(r Resource) string {
		if d, set := r.Num("deletionWindowInDays"); set && d < 30 {
			return fmt.Sprintf("can be deleted %d days after a ScheduleKeyDeletion; set deletionWindowInDays 30", int(d))
		}
		return ""
	})}

// kmsKeyPolicy follows Security Hub KMS.5 ("KMS keys should not be
// publicly accessible", Config rule kms-key-policy-no-public-access): a
// statement for a wildcard principal without a condition confining it to
// fixed accounts, organizations or sources (publicStatement; a wildcard
// value confines nothing); CKV_AWS_33 (Checkov KMSKeyWildcardPrincipal)
// fails any Allow for "*", conditions or not; CKV2_AWS_64 fails a key
// without a policy of its own. Bypassing the lockout safety check, which
// lets a policy lock the account out of its key, is judged with
// CKV2_AWS_64 (the key's policy as written is the one in force). A
// kms.KeyPolicy sets the policy of the key it names, as the key's own
// policy input does.
var kmsKeyPolicy = Rule{ID: "kms-key-policy", Controls: []string{"FSBP KMS.5", "CKV_AWS_33", "CKV2_AWS_64"},
	Source:      "Security Hub KMS.5 (Config kms-key-policy-no-public-access); Checkov CKV_AWS_33, CKV2_AWS_64",
	Severity:    High,
	Description: "Key policies (the key's policy or a kms.KeyPolicy) give no wildcard principal access unless a condition with fixed values confines it to an account, organization or source (KMS.5; CKV_AWS_33 fails any Allow for \"*\"); every key has a policy of its own and keeps the lockout safety check (CKV2_AWS_64). Not judged while the policy is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, typ := range []string{restype.KMSKey, restype.KMSReplicaKey, restype.KMSKeyPolicy} {
			for _, key := range g.ByType(typ) {
				seen := false
				r := key.tracked(&seen)
				var found []Violation
				fail := func(msg string, controls ...string) {
					found = append(found, Violation{URN: r.URN, Controls: controls, Message: fmt.Sprintf("%s %s: %s", shortType(r.Type), r.Name, msg)})
				}
				if v, _ := r.Bool("bypassPolicyLockoutSafetyCheck"); v {
					fail("bypasses the policy lockout safety check; set bypassPolicyLockoutSafetyCheck: false", "CKV2_AWS_64")
				}
				p := r.Get("policy")
				doc, ok := parsePolicy(p)
				switch {
				case (p == nil || p == "") && typ == restype.KMSKey && len(g.Dependents(key.URN, restype.KMSKeyPolicy)) == 0:
					fail("has the default key policy; give it one that separates administrators from users", "CKV2_AWS_64")
				case ok:
					for i, s := range doc.Statement {
						if publicStatement(s) {
							fail(fmt.Sprintf("statement %s lets anyone use the key; name the principals or confine them with kms:CallerAccount", sidOf(s, i)), "FSBP KMS.5", "CKV_AWS_33")
						} else if s.Effect == "Allow" && s.everyone() {
							fail(fmt.Sprintf("statement %s allows the \"*\" principal (confined by a condition); name the principals", sidOf(s, i)), "CKV_AWS_33")
						}
					}
				}
				if seen {
					found = []Violation{notJudged(key)}
				}
				out = append(out, found...)
			}
		}
		return out
	}}

// keyUse is what the plan knows of the KMS key an input names.
type keyUse int

const (
	noKey      keyUse = iota // the input is absent or empty
	awsKey                   // an AWS-managed key (alias/aws/...)
	stackKey                 // a key the stack creates, or another customer key
	keyUnknown               // computed from nothing the plan can place
)

// keyAt says which key input of r names. A value computed at deployment
// that comes from a key, replica key or alias the stack creates (the
// engine's property dependencies say so in a first preview) is the
// stack's customer-managed key; only one computed from nothing the plan
// shows is unknown, and then r records the unknown read.
func (g *Graph) keyAt(r Resource, input string) keyUse {
	plain := r
	plain.unknown = nil
	switch v := plain.Get(input).(type) {
	case nil:
		return noKey
	case string:
		switch {
		case v == "":
			return noKey
		case strings.Contains(v, "alias/aws/"):
			return awsKey
		}
		return stackKey
	case Unknown:
		if ref := g.refs(plain, input, restype.KMSKey, restype.KMSReplicaKey, restype.KMSAlias); !ref.unknown && len(ref.urns) > 0 {
			return stackKey
		}
	}
	r.sawUnknown()
	return keyUnknown
}
