package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestEBSDefaultEncryption(t *testing.T) {
	setting := func(v any) *Graph {
		in := map[string]any{}
		if v != nil {
			in["enabled"] = v
		}
		return graphOf(res(restype.EBSEncryptionByDefault, "ebs", in))
	}
	for _, ctl := range ebsDefaultEncryption.Controls {
		runCases(t, ebsDefaultEncryption, []ruleCase{
			{"enabled " + ctl, ctl, setting(true), pass},
			{"unset is the provider's true " + ctl, ctl, setting(nil), pass},
			{"turned off " + ctl, ctl, setting(false), fail},
			{"computed " + ctl, ctl, setting(Unknown{}), unjudged},
		})
	}
}

func TestIAMUserNoPolicies(t *testing.T) {
	user := res(restype.IAMUser, "u", map[string]any{"name": "u"})
	for _, ctl := range iamUserNoPolicies.Controls {
		runCases(t, iamUserNoPolicies, []ruleCase{
			{"a user without policies of its own " + ctl, ctl, graphOf(user), pass},
			{"a policy attached to roles and groups only " + ctl, ctl, graphOf(user, res(restype.IAMPolicyAttachment, "pa", map[string]any{"roles": []any{"r"}, "groups": []any{"g"}, "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})), pass},
			{"an inline user policy " + ctl, ctl, graphOf(user, res(restype.IAMUserPolicy, "up", map[string]any{"user": "u", "policy": "{}"})), fail},
			{"a managed policy on the user " + ctl, ctl, graphOf(user, res(restype.IAMUserPolicyAttachment, "upa", map[string]any{"user": "u", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})), fail},
			{"a managed policy on the user, its name computed " + ctl, ctl, graphOf(user, res(restype.IAMUserPolicyAttachment, "upa", map[string]any{"user": Unknown{}, "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})), fail},
			{"a policy attachment naming users " + ctl, ctl, graphOf(user, res(restype.IAMPolicyAttachment, "pa", map[string]any{"users": []any{"u"}, "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})), fail},
			{"a policy attachment's users computed " + ctl, ctl, graphOf(user, res(restype.IAMPolicyAttachment, "pa", map[string]any{"users": Unknown{}, "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})), unjudged},
		})
	}
}
