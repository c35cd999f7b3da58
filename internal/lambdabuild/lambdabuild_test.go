package lambdabuild

import (
	"archive/zip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckToolchain(t *testing.T) {
	for _, tc := range []struct {
		have, want, err string
	}{
		{"go1.27.3", "go1.27.3", ""},
		{"go1.27.4", "go1.27.3", ""},
		{"go1.28", "go1.27.3", ""},
		{"go1.26.8", "go1.27.3", "the go command is go1.26.8, older than go.mod's toolchain go1.27.3"},
		{"go1.27.2", "go1.27.3", "GOTOOLCHAIN=go1.27.3"},
		{"go1.27", "go1.27.3", "older than"},
		{"go1.28rc1", "go1.27.3", `"go1.28rc1" is not a Go release version`},
		{"devel", "go1.27.3", "is not a Go release version"},
	} {
		t.Run(tc.have+" for "+tc.want, func(t *testing.T) {
			err := CheckToolchain(tc.have, tc.want)
			if tc.err == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.err)
		})
	}
}

// noKnownVulnerabilities is the oldest toolchain without the
// standard-library vulnerabilities .ci/vulncheck found in go1.26.8: a
// floor for go.mod's pin, not the pin itself.
const noKnownVulnerabilities = "go1.27.3"

func TestGoModPinsAToolchainWithoutKnownVulnerabilities(t *testing.T) {
	want, err := GoModToolchain(filepath.Join("..", "..", "go.mod"))
	require.NoError(t, err)
	assert.NoError(t, CheckToolchain(want, noKnownVulnerabilities), "go.mod toolchain %s", want)
}

func TestGoModToolchainMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "go.mod")
	require.NoError(t, os.WriteFile(p, []byte("module x\n\ngo 1.26.6\n"), 0o600))
	_, err := GoModToolchain(p)
	assert.ErrorContains(t, err, "has no toolchain line")
}

// module writes a small module whose cmd/rotation is a main package, with
// the project's toolchain line, and returns its directory.
func module(t *testing.T) string {
	t.Helper()
	toolchain, err := GoModToolchain(filepath.Join("..", "..", "go.mod"))
	require.NoError(t, err)
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":               "module example.com/fn\n\ngo 1.26\n\ntoolchain " + toolchain + "\n",
		"go.sum":               "",
		"cmd/rotation/main.go": "package main\n\nimport \"example.com/fn/handler\"\n\nfunc main() { handler.Run() }\n",
		"handler/handler.go":   "package handler\n\n// Run does nothing.\nfunc Run() {}\n",
		"other/other.go":       "package other\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	}
	return dir
}

// age sets a file's modification time to d ago.
func age(t *testing.T, path string, d time.Duration) {
	t.Helper()
	when := time.Now().Add(-d)
	require.NoError(t, os.Chtimes(path, when, when))
}

// TestEnsureBuildsAMissingOrStaleZip: the plan's build makes the zip when
// it is missing, leaves it while it is newer than every source the
// function compiles (a file outside it does not count), rebuilds it when
// one of them, or go.mod, changes, and leaves a project without the
// function's source alone.
func TestEnsureBuildsAMissingOrStaleZip(t *testing.T) {
	dir := module(t)
	out := filepath.Join("build", "rotation.zip")
	zipPath := filepath.Join(dir, out)

	built, err := Ensure(dir, Package, out)
	require.NoError(t, err)
	assert.True(t, built, "a missing zip is built")
	r, err := zip.OpenReader(zipPath)
	require.NoError(t, err)
	require.Len(t, r.File, 1)
	assert.Equal(t, "bootstrap", r.File[0].Name)
	assert.Equal(t, os.FileMode(0o755), r.File[0].Mode().Perm(), "Lambda runs bootstrap")
	require.NoError(t, r.Close())

	sources := []string{"go.mod", "go.sum", "cmd/rotation/main.go", "handler/handler.go", "other/other.go"}
	ageAll := func() {
		for _, f := range sources {
			age(t, filepath.Join(dir, f), time.Hour)
		}
	}
	ageAll()
	built, err = Ensure(dir, Package, out)
	require.NoError(t, err)
	assert.False(t, built, "a zip newer than its sources is kept")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "other", "other.go"), []byte("package other\n\n// Changed.\n"), 0o600))
	built, err = Ensure(dir, Package, out)
	require.NoError(t, err)
	assert.False(t, built, "a file the function does not compile does not make it stale")

	for _, f := range []string{"handler/handler.go", "go.mod"} {
		t.Run(f, func(t *testing.T) {
			ageAll()
			age(t, zipPath, 30*time.Minute)
			built, err := Ensure(dir, Package, out)
			require.NoError(t, err)
			assert.False(t, built, "sources older than the zip")
			age(t, filepath.Join(dir, f), 0)
			built, err = Ensure(dir, Package, out)
			require.NoError(t, err)
			assert.True(t, built, "a zip older than %s is rebuilt", f)
		})
	}

	built, err = Ensure(t.TempDir(), Package, out)
	require.NoError(t, err)
	assert.False(t, built, "a project without the function's source is left alone")
}

// TestEnsureReportsABuildFailure: a function that does not compile fails
// the plan with the compiler's message, and writes no zip.
func TestEnsureReportsABuildFailure(t *testing.T) {
	dir := module(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "handler", "handler.go"), []byte("package handler\n\nfunc Run() { undefined() }\n"), 0o600))
	_, err := Ensure(dir, Package, "build/rotation.zip")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefined")
	assert.NoFileExists(t, filepath.Join(dir, "build", "rotation.zip"))
}
