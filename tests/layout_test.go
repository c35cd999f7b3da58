package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLightPackagesStayLight: the packages that hold shared facts and the
// configuration import no AWS SDK, and the Pulumi components do not pull
// in the rotation function's SDK for constants (#17 item 3); the policy
// pack's rules import neither the AWS provider SDK nor the AWS SDK.
func TestLightPackagesStayLight(t *testing.T) {
	for pkg, forbidden := range map[string][]string{
		"../secrets/secretkind":   {"github.com/"},
		"../internal/stackconfig": {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
		"../secrets":              {"github.com/aws/"},
		"../compliance":           {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
	} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
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
