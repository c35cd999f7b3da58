package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/example/hardening/internal/stackconfig"
)

// TestLightPackagesStayLight: the packages that hold shared facts and the
// configuration import no AWS SDK, and the Pulumi components do not pull
// in the rotation function's SDK for constants (#17 item 3); the policy
// pack's rules import neither the AWS provider SDK nor the AWS SDK; the
// program, the plan and the pack link none of cmd/verify's AWS SDK
// clients, and verify none of the provider's.
func TestLightPackagesStayLight(t *testing.T) {
	forbidden := map[string][]string{
		"github.com/example/hardening/secrets/secretkind":   {"github.com/"},
		"github.com/example/hardening/internal/stackconfig": {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
		"github.com/example/hardening/secrets":              {"github.com/aws/"},
		"github.com/example/hardening/compliance":           {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
		"github.com/example/hardening/tls/policy":           {"github.com/"},
		"github.com/example/hardening/ratelimit/limits":     {"github.com/"},
		// The AWS SDK's service clients are cmd/verify's (and the rotation
		// function's): the program, the plan and the pack link none.
		"github.com/example/hardening/baseline":      {"github.com/aws/aws-sdk-go-v2/"},
		"github.com/example/hardening/internal/plan": {"github.com/aws/aws-sdk-go-v2/"},
		"github.com/example/hardening/policypack":    {"github.com/aws/aws-sdk-go-v2/"},
		// cmd/verify reads the deployed stack, not the provider's types.
		"github.com/example/hardening/verify": {"github.com/pulumi/pulumi-aws/"},
	}
	args := []string{"list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}"}
	for pkg := range forbidden {
		args = append(args, pkg)
	}
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		for _, dep := range fields[1:] {
			for _, f := range forbidden[pkg] {
				if strings.HasPrefix(dep, f) && !strings.HasPrefix(dep, "github.com/example/hardening") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

// TestTypeTokensDeclaredOnce: provider resource type tokens are declared
// in internal/restype only, not again per test file or rule file (#17
// item 3).
func TestTypeTokensDeclaredOnce(t *testing.T) {
	decl := regexp.MustCompile(`(?m)^\s*(const\s+)?\w+\s*=\s*"(aws|tls|random):[a-z0-9]+/?[A-Za-z0-9]*:[A-Za-z0-9]+"`)
	for _, dir := range []string{".", "../compliance", "../internal/plan", "../policypack"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if m := decl.Find(b); m != nil {
				t.Errorf("%s declares %s; use internal/restype", f, strings.TrimSpace(string(m)))
			}
		}
	}
}

// TestConfigurationTableMatchesDefaults: each default docs/configuration.md
// states as a single value is the one stackconfig applies (#17 item 8), so
// the page cannot drift from the code. Rows naming sibling keys
// ("`a.b` / `c`") are split; rows whose default is prose are skipped.
func TestConfigurationTableMatchesDefaults(t *testing.T) {
	d := stackconfig.Default()
	sections := map[string]any{
		"network": d.Network, "kms": d.KMS, "tls": d.TLS, "secrets": d.Secrets, "rateLimit": d.RateLimit,
		"audit": d.Audit, "identity": d.Identity, "alerts": d.Alerts, "workloads": d.Workloads,
		"production": d.Production, "protectStateful": d.ProtectStateful,
	}
	doc := map[string]any{}
	b, _ := json.Marshal(sections)
	_ = json.Unmarshal(b, &doc)
	lookup := func(path string) (any, bool) {
		var cur any = doc
		for _, p := range strings.Split(path, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[p]; !ok {
				return nil, false
			}
		}
		return cur, true
	}
	page, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `hardening:([^`]+)`((?: / `[^`]+`)*) \\| ([^|]+) \\|")
	value := regexp.MustCompile("^`([^`]+)`$")
	checked := 0
	for _, m := range row.FindAllStringSubmatch(string(page), -1) {
		keys := []string{m[1]}
		parent := m[1][:strings.LastIndex(m[1], ".")+1]
		for _, k := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[2], -1) {
			keys = append(keys, parent+k[1])
		}
		defaults := strings.Split(strings.TrimSpace(m[3]), " / ")
		if len(defaults) != len(keys) {
			continue
		}
		for i, k := range keys {
			v := value.FindStringSubmatch(strings.TrimSpace(defaults[i]))
			if v == nil {
				continue // prose, not one value
			}
			got, ok := lookup(k)
			if !ok {
				continue // a key without a default (set by the stack)
			}
			var want any
			if err := yaml.Unmarshal([]byte(v[1]), &want); err != nil {
				continue
			}
			b, _ := json.Marshal(want) // YAML's ints and maps as JSON's
			_ = json.Unmarshal(b, &want)
			checked++
			if !covers(want, got) {
				t.Errorf("docs/configuration.md says hardening:%s defaults to %s; stackconfig applies %v", k, v[1], got)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d defaults checked; the table's format changed", checked)
	}
	t.Logf("%d defaults checked", checked)
}

// covers reports whether the documented value doc describes got: equal
// scalars and lists (an empty list for none), and for an object, each key
// it names (a row may name only the keys that matter).
func covers(doc, got any) bool {
	switch d := doc.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range d {
			if !covers(v, g[k]) {
				return false
			}
		}
		return true
	case []any:
		g, _ := got.([]any)
		if len(d) != len(g) {
			return false
		}
		for i := range d {
			if !covers(d[i], g[i]) {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(doc) == fmt.Sprint(got)
}
