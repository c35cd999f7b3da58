package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
)

// TestBrokenStackFilesRegisterNothing: the whole program, run on a real
// stack file broken in a way AWS refuses or another setting contradicts,
// fails before registering anything, naming the key. (Validation's own
// table, stackconfig's TestBrokenStackFilesAreRefusedAtTheirKey, holds
// many more; these go through baseline.Run, the project check included.)
func TestBrokenStackFilesRegisterNothing(t *testing.T) {
	cases := []struct {
		name, stack, key string
		set              func(t *testing.T, raw map[string]string)
		want             string
	}{
		{"a reserved default tag", "prod", "aws:defaultTags", func(t *testing.T, raw map[string]string) {
			raw["aws:defaultTags"] = `{"tags":{"project":"hardening","environment":"prod","aws:owner":"platform"}}`
		}, "aws:defaultTags.tags.aws:owner:"},
		{"rotation every 0 days", "dev", "secrets", func(t *testing.T, raw map[string]string) {
			raw["secrets"] = strings.Replace(raw["secrets"], `"rotationDays":30`, `"rotationDays":0`, 1)
		}, "secrets.inventory[0].rotationDays:"},
		{"a principal that does not exist", "prod", "workloads", func(t *testing.T, raw map[string]string) {
			raw["workloads"] = `[{"name":"app","team":"app","service":"ecs-task.amazonaws.com"}]`
		}, "workloads[0].service:"},
		{"a health-check path over 1024", "prod", "tls", func(t *testing.T, raw map[string]string) {
			raw["tls"] = strings.Replace(raw["tls"], `{`, `{"healthCheckPath":"/`+strings.Repeat("h", 1024)+`",`, 1)
		}, "tls.healthCheckPath:"},
		{"a deployer of another account", "prod", "secrets", func(t *testing.T, raw map[string]string) {
			raw["secrets"] = strings.Replace(raw["secrets"], `"deployers":["arn:aws:iam::123456789012:`, `"deployers":["arn:aws:iam::999988887777:`, 1)
		}, "secrets.deployers[0]:"},
		{"dev takes prod's Cognito domain", "dev", "identity", func(t *testing.T, raw map[string]string) {
			raw["identity"] = strings.Replace(raw["identity"], `"userPool":{`, `"userPool":{"domainPrefix":"hardening-prod",`, 1)
		}, "Pulumi.dev.yaml: identity.userPool.domainPrefix:"},
	}
	for _, c := range cases {
		t.Run(c.stack+"/"+c.name, func(t *testing.T) {
			s := loadStack(t, c.stack)
			raw := map[string]string{}
			for _, k := range []string{"secrets", "workloads", "tls", "identity"} {
				if v, ok := s.Value(k); ok {
					raw[k] = v
				}
			}
			raw["aws:defaultTags"] = s.Config["aws:defaultTags"]
			before := raw[c.key]
			c.set(t, raw)
			require.NotEqual(t, before, raw[c.key], "the edit changed nothing")
			if c.key == "aws:defaultTags" {
				s.Config["aws:defaultTags"] = raw[c.key]
			} else {
				s.Set(c.key, raw[c.key])
			}
			m, err := s.Run(baseline.Run)
			require.Error(t, err, "accepted")
			assert.Contains(t, err.Error(), c.want)
			assert.Empty(t, m.Resources(), "resources registered before validation failed")
		})
	}
}
