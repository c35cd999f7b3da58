package awsname

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInputMembersResolve: every row names a member the generated models
// hold (cmd/awsmodels refuses one the API models lack) or gives a reason,
// and no input has two rows.
func TestInputMembersResolve(t *testing.T) {
	m, err := LoadModels()
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, im := range InputMembers {
		key := im.Type + " " + im.Input
		assert.False(t, seen[key], "%s has two rows", key)
		seen[key] = true
		if im.Input == "tags" {
			assert.Equal(t, ByTagCheck, im.Reason, "%s: tags are judged by the tag check, for every tagged type", key)
		}
		if im.Member == "" {
			assert.NotEmpty(t, im.Reason, "%s: no member and no reason", key)
			continue
		}
		assert.Empty(t, im.Reason, "%s: a member and a reason", key)
		_, ok := m.Members[im.Member]
		assert.True(t, ok, "%s: member %s is not in models.json; run .ci/awsmodels", key, im.Member)
	}
}

func TestMemberConstraints(t *testing.T) {
	cases := []struct {
		member string
		value  any
		want   string // "" passes
	}{
		{"secretsmanager/RotateSecret.RotationRules.AutomaticallyAfterDays", 30.0, ""},
		{"secretsmanager/RotateSecret.RotationRules.AutomaticallyAfterDays", 0.0, "0 is below"},
		{"secretsmanager/RotateSecret.RotationRules.AutomaticallyAfterDays", 1001.0, "1001 is above"},
		{"elasticloadbalancingv2/CreateTargetGroup.HealthCheckPath", "/healthz", ""},
		{"elasticloadbalancingv2/CreateTargetGroup.HealthCheckPath", "/" + strings.Repeat("p", 1024), "allows 1024"},
		{"route53/ChangeResourceRecordSets.HostedZoneId", "Z0EXAMPLE", ""},
		{"route53/ChangeResourceRecordSets.HostedZoneId", strings.Repeat("Z", 33), "allows 32"},
		{"cognito-idp/CreateUserPoolClient.CallbackURLs", []any{"https://a.example.com/cb"}, ""},
		{"cognito-idp/CreateUserPoolClient.CallbackURLs", []any{"https://a.example.com/" + strings.Repeat("c", 1024)}, "[0]: "},
		{"cognito-idp/CreateUserPool.MfaConfiguration", "ON", ""},
		{"cognito-idp/CreateUserPool.MfaConfiguration", "REQUIRED", "is not one of"},
		{"iam/CreateRole.Path", "/identity/", ""},
		{"iam/CreateRole.Path", "identity", "does not match"},
		{"iam/CreateRole.MaxSessionDuration", 1800.0, "below"},
		{"kms/EnableKeyRotation.RotationPeriodInDays", 3000.0, "above"},
		{"lambda/AddPermission.SourceAccount", "12345", "does not match"},
		{"acm/RequestCertificate.SubjectAlternativeNames", make([]any, 101), "allows 100"},
		{"cognito-idp/CreateGroup.Precedence", 3e9, "not a 32-bit integer"},
		{"cognito-idp/CreateGroup.Precedence", -1.0, "below"},
	}
	for _, c := range cases {
		t.Run(c.member, func(t *testing.T) {
			got := strings.Join(Member(c.member, c.value), "; ")
			if c.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, c.want)
		})
	}
}

func TestTags(t *testing.T) {
	cases := []struct {
		key, value, want string
	}{
		{"team", "app", ""},
		{"aws:owner", "app", `starts with "aws:"`},
		{"AWS:owner", "app", `starts with "aws:"`},
		{strings.Repeat("k", 129), "v", "AWS allows 128"},
		{"k", strings.Repeat("v", 257), "AWS allows 256"},
		{"", "v", "empty"},
		{"cost#centre", "v", "characters AWS refuses"},
		{"k", "a;b", "characters AWS refuses"},
		{"k", "", ""},
	}
	for _, c := range cases {
		t.Run(c.key+"="+c.value, func(t *testing.T) {
			got := strings.Join(Tag(c.key, c.value), "; ")
			if c.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, c.want)
		})
	}
}

func TestServicePrincipal(t *testing.T) {
	cases := []struct {
		principal string
		ok        bool
	}{
		{"ecs-tasks.amazonaws.com", true},
		{"lambda.amazonaws.com", true},
		{"cloudtrail.amazonaws.com", true},
		{"logging.s3.amazonaws.com", true},
		{"secretsmanager.us-east-1.amazonaws.com", true},
		{"logs.eu-west-1.amazonaws.com", true},
		{"ecs-task.amazonaws.com", false},
		{"lambda.us-nowhere-9.amazonaws.com", false},
		{"*.amazonaws.com", false},
		{"lambda.example.com", false},
		{"cloudtrial.amazonaws.com", false},
	}
	for _, c := range cases {
		t.Run(c.principal, func(t *testing.T) {
			err := ServicePrincipal(c.principal)
			if c.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}
