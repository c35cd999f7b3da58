package tests

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLightPackagesStayLight: the packages that hold shared facts and the
// configuration import no AWS SDK, and the Pulumi components do not pull
// in the rotation function's SDK for constants (#17 item 3); the policy
// pack's rules import neither the AWS provider SDK nor the AWS SDK.
func TestLightPackagesStayLight(t *testing.T) {
	for pkg, forbidden := range map[string][]string{
		"../secrets/secretkind": {"github.com/"},
		"../stackconfig":        {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
		"../secrets":            {"github.com/aws/"},
		"../compliance":         {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
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
