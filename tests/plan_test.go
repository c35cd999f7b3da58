package tests

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/plan"
)

func TestPlanReport(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		report := plan.NewReport("hardening", stack, "..", m.Resources())
		t.Run(stack+"/JSON round-trips", func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			var back plan.Report
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if len(back.Resources) != len(m.Resources()) {
				t.Errorf("%d resources after round trip, want %d", len(back.Resources), len(m.Resources()))
			}
			if !reflect.DeepEqual(back.Counts, report.Counts) {
				t.Errorf("counts %v, want %v", back.Counts, report.Counts)
			}
		})
		t.Run(stack+"/tree lists every resource under its component", func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.WriteTree(&buf); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, r := range m.Resources() {
				line := r.Type + "  " + r.Name
				if !strings.Contains(out, line) {
					t.Errorf("tree lacks %q", line)
				}
				if r.Custom && !strings.Contains(out, "  "+line) {
					t.Errorf("%q is not indented under a component", line)
				}
			}
		})
		t.Run(stack+"/source positions point into the project", func(t *testing.T) {
			for _, r := range report.Resources {
				if r.Source == "" || strings.HasPrefix(r.Source, "/") {
					t.Errorf("%s %s source %q, want a project-relative file:line", r.Type, r.Name, r.Source)
				}
			}
		})
	}
}

func TestPlanMasksSecrets(t *testing.T) {
	const value = "hunter2-do-not-print"
	res := mockaws.Resource{
		Type: "aws:secretsmanager/secretVersion:SecretVersion", Name: "s", URN: "urn:x", Custom: true,
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
			if err := write(&buf); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), value) {
				t.Errorf("%s output shows a secret value:\n%s", name, buf.String())
			}
		})
	}
	if got := report.Resources[0].Inputs["plain"]; got != "visible" {
		t.Errorf("plain input %v, want it shown", got)
	}
}
