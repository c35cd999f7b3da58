package tests

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/internal/mockaws"
)

// Resource type tokens the tests look up.
const (
	typeVpcComponent   = "hardening:network:Vpc"
	typeKeyComponent   = "hardening:secrets:Key"
	componentTypeScope = "hardening:"
)

// plain unwraps secrets and returns the Go value of a property.
func plain(v resource.PropertyValue) any {
	if v.IsSecret() {
		return plain(v.SecretValue().Element)
	}
	return v.Mappable()
}

// input returns the value at a dotted path of a resource's inputs, or nil.
func input(r mockaws.Resource, path string) any {
	return lookup(r.Inputs, path)
}

// output returns the value at a dotted path of a resource's outputs, or nil.
func output(r mockaws.Resource, path string) any {
	return lookup(r.Outputs, path)
}

func lookup(m resource.PropertyMap, path string) any {
	var cur any = m.Mappable()
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

func str(r mockaws.Resource, path string) string {
	s, _ := input(r, path).(string)
	return s
}

func num(r mockaws.Resource, path string) int {
	f, _ := input(r, path).(float64)
	return int(f)
}

func strs(r mockaws.Resource, path string) []string {
	var out []string
	list, _ := input(r, path).([]any)
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// boolean returns a bool input and whether it was set at all.
func boolean(r mockaws.Resource, path string) (value, set bool) {
	b, ok := input(r, path).(bool)
	return b, ok
}

func id(r mockaws.Resource) string {
	s, _ := output(r, "id").(string)
	return s
}

// policyDoc is an IAM policy document as AWS reads it.
type policyDoc struct {
	Statement []struct {
		Sid         string
		Effect      string
		Principal   json.RawMessage `json:",omitempty"`
		Action      []string        `json:",omitempty"`
		NotAction   []string        `json:",omitempty"`
		Resource    []string        `json:",omitempty"`
		NotResource []string        `json:",omitempty"`
		Condition   map[string]map[string][]string
	}
}

func parsePolicy(t *testing.T, r mockaws.Resource, key string) policyDoc {
	t.Helper()
	var d policyDoc
	require.NoError(t, json.Unmarshal([]byte(str(r, key)), &d), "%s %s: %s is not a policy document", r.Type, r.Name, key)
	return d
}

// find returns the first resource of a type that matches, or fails saying
// what was looked for.
func find(t *testing.T, m *mockaws.Mocks, typ, what string, match func(mockaws.Resource) bool) mockaws.Resource {
	t.Helper()
	for _, r := range m.ByType(typ) {
		if match(r) {
			return r
		}
	}
	require.Failf(t, "no such resource", "no %s %s", typ, what)
	return mockaws.Resource{}
}

// mustJSON decodes s into out or fails the test.
func mustJSON(t *testing.T, s string, out any) {
	t.Helper()
	require.NoError(t, json.Unmarshal([]byte(s), out), "%q", s)
}

// only returns the one resource of a type, or fails.
func only(t *testing.T, m *mockaws.Mocks, typ string) mockaws.Resource {
	t.Helper()
	rs := m.ByType(typ)
	require.Len(t, rs, 1, "want one %s", typ)
	return rs[0]
}
