package tests

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/compliance"
)

// suppressionsOf reads a stack file's suppressions as the plan and the
// policy pack read them.
func suppressionsOf(t *testing.T, stack string) []compliance.Suppression {
	t.Helper()
	sups, err := compliance.ReadSuppressions(filepath.Join("..", "Pulumi."+stack+".yaml"))
	require.NoError(t, err, "suppressions of %s", stack)
	return sups
}

// TestSuppressionsAreCheckedWithTheConfiguration: the compliance review
// owns the stack file's compliance key; the plan reports every problem of
// the suppressions at its key path together with the configuration's own,
// in one run, and registers nothing.
func TestSuppressionsAreCheckedWithTheConfiguration(t *testing.T) {
	dir := projectCopy(t, "dev", func(cfg map[string]any) {
		cfg["hardening:network"].(map[string]any)["azCount"] = 9
		cfg["hardening:compliance"] = map[string]any{
			"suppresions": []any{},
			"suppressions": []any{
				map[string]any{"rule": "s3-no-such-rule", "resource": "*", "reason": "a reason long enough to pass"},
				map[string]any{"rule": "kms-rotation", "resource": "", "reason": "short"},
				map[string]any{"rule": "kms-rotation", "resource": "[", "reason": "a reason long enough to pass"},
			},
		}
	})
	code, out, errOut := runPlan("-stack", "dev", "-dir", dir)
	require.Equal(t, 1, code, "stdout: %s", out)
	assert.Empty(t, out, "nothing is planned")
	for _, want := range []string{
		"network.azCount: 9 is out of range",
		"compliance.suppresions: is not a known setting; valid here: suppressions",
		`compliance.suppressions[0].rule: "s3-no-such-rule" is not a rule`,
		"compliance.suppressions[1].resource: is empty",
		`compliance.suppressions[1].reason: "short" is too short`,
		`compliance.suppressions[2].resource: "[" is not a name pattern`,
	} {
		assert.Contains(t, errOut, want)
	}
	assert.Contains(t, errOut, "(6 problems)")
}

// TestStackSuppressionsAreValid: both stack files' suppressions pass the
// check the plan and the pack apply.
func TestStackSuppressionsAreValid(t *testing.T) {
	for _, stack := range stacks {
		assert.NotEmpty(t, suppressionsOf(t, stack), stack)
	}
}
