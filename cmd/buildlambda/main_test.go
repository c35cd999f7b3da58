package main

import (
	"os"
	"path/filepath"
	"testing"

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
		{"go1.27.2", "go1.27.3", "export GOTOOLCHAIN=go1.27.3"},
		{"go1.27", "go1.27.3", "older than"},
		{"go1.28rc1", "go1.27.3", `"go1.28rc1" is not a Go release version`},
		{"devel", "go1.27.3", "is not a Go release version"},
	} {
		t.Run(tc.have+" for "+tc.want, func(t *testing.T) {
			err := checkToolchain(tc.have, tc.want)
			if tc.err == "" {
				assert.NoError(t, err, "checkToolchain")
			} else {
				assert.ErrorContains(t, err, tc.err, "checkToolchain")
			}
		})
	}
}

// The project's go.mod pins the toolchain the rotation function is built
// with; the vulnerability scan in .ci/vulncheck runs with the same one.
func TestGoModPinsAToolchainWithoutKnownVulnerabilities(t *testing.T) {
	want, err := goModToolchain(filepath.Join("..", "..", "go.mod"))
	require.NoError(t, err)
	assert.NoError(t, checkToolchain(want, "go1.27.3"), "go.mod toolchain %s", want)
	script, err := os.ReadFile(filepath.Join("..", "..", ".ci", "vulncheck"))
	require.NoError(t, err)
	assert.Contains(t, string(script), "GOTOOLCHAIN_OVERRIDE:-"+want+"}", ".ci/vulncheck does not scan with go.mod's toolchain %s", want)
}

func TestGoModToolchainMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "go.mod")
	require.NoError(t, os.WriteFile(p, []byte("module x\n\ngo 1.26.6\n"), 0o600))
	_, err := goModToolchain(p)
	assert.ErrorContains(t, err, "has no toolchain line", "goModToolchain: want a missing-toolchain error")
}
