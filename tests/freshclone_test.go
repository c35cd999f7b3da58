package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freshClone copies the repository's tracked files into a new directory,
// as `git clone` would leave them: no build/ output, no caches.
func freshClone(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-C", "..", "ls-files", "-z").Output()
	require.NoError(t, err, "git ls-files")
	dir := t.TempDir()
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		b, err := os.ReadFile(filepath.Join("..", name))
		if os.IsNotExist(err) {
			continue // deleted in the work tree, not yet committed
		}
		require.NoError(t, err)
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
		require.NoError(t, os.WriteFile(p, b, 0o600))
	}
	return dir
}

// TestFreshClonePlans: on a fresh clone the plan is the first command: it
// builds the rotation function's zip itself, plans dev with no blocking
// finding, and does not rebuild the zip on the next run.
func TestFreshClonePlans(t *testing.T) {
	dir := freshClone(t)
	require.NoFileExists(t, filepath.Join(dir, "build", "rotation.zip"))

	code, out, errOut := runPlan("-stack", "dev", "-dir", dir)
	require.Equal(t, 0, code, "stderr: %s", errOut)
	assert.Contains(t, errOut, "built build/rotation.zip")
	assert.FileExists(t, filepath.Join(dir, "build", "rotation.zip"))
	assert.Contains(t, out, "compliance:")

	code, _, errOut = runPlan("-stack", "dev", "-dir", dir)
	require.Equal(t, 0, code, "stderr: %s", errOut)
	assert.NotContains(t, errOut, "built", "an up-to-date zip is not rebuilt")
}
