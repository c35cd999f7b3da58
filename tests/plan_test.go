package tests

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan"
)

func TestPlanReport(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		report := plan.NewReport("hardening", stack, "..", m.Resources())
		t.Run(stack+"/JSON round-trips", func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, report.WriteJSON(&buf))
			var back plan.Report
			require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
			assert.Len(t, back.Resources, len(m.Resources()), "resources after round trip")
			assert.Equal(t, report.Counts, back.Counts, "counts")
		})
		t.Run(stack+"/tree lists every resource under its component", func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, report.WriteTree(&buf))
			out := buf.String()
			for _, r := range m.Resources() {
				line := r.Type + "  " + r.Name
				assert.Contains(t, out, line, "tree lacks %q", line)
				if r.Custom {
					assert.Contains(t, out, "  "+line, "%q is not indented under a component", line)
				}
			}
		})
		t.Run(stack+"/source positions point into the project", func(t *testing.T) {
			for _, r := range report.Resources {
				assert.NotEmpty(t, r.Source, "%s %s source: want a project-relative file:line", r.Type, r.Name)
				assert.False(t, strings.HasPrefix(r.Source, "/"), "%s %s source %q, want a project-relative file:line", r.Type, r.Name, r.Source)
			}
		})
	}
}

func TestPlanMasksSecrets(t *testing.T) {
	const value = "hunter2-do-not-print"
	res := mockaws.Resource{
		Type: restype.SecretsManagerSecretVersion, Name: "s", URN: "urn:x", Custom: true,
		Inputs: resource.PropertyMap{
			"secretString": resource.MakeSecret(resource.NewProperty(value)),
			"nested":       resource.NewProperty(resource.PropertyMap{"token": resource.MakeSecret(resource.NewProperty(value))}),
			"plain":        resource.NewProperty("visible"),
		},
		SecretInputs: []string{"nested", "secretString"},
	}
	report := plan.NewReport("p", "s", "..", []mockaws.Resource{res})
	for name, write := range map[string]func(*bytes.Buffer) error{
		"json": func(b *bytes.Buffer) error { return report.WriteJSON(b) },
		"tree": func(b *bytes.Buffer) error { return report.WriteTree(b) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, write(&buf))
			assert.NotContains(t, buf.String(), value, "%s output shows a secret value", name)
		})
	}
	assert.Equal(t, "visible", report.Resources[0].Inputs["plain"], "plain input: want it shown")
}
