package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("checkToolchain = %v, want %q", err, tc.err)
			}
		})
	}
}

// The project's go.mod pins the toolchain the rotation function is built
// with; the vulnerability scan in .ci/vulncheck runs with the same one.
func TestGoModPinsAToolchainWithoutKnownVulnerabilities(t *testing.T) {
	want, err := goModToolchain(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkToolchain(want, "go1.27.3"); err != nil {
		t.Errorf("go.mod toolchain %s: %v", want, err)
	}
	script, err := os.ReadFile(filepath.Join("..", "..", ".ci", "vulncheck"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "GOTOOLCHAIN_OVERRIDE:-"+want+"}") {
		t.Errorf(".ci/vulncheck does not scan with go.mod's toolchain %s", want)
	}
}

func TestGoModToolchainMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "go.mod")
	if err := os.WriteFile(p, []byte("module x\n\ngo 1.26.6\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := goModToolchain(p); err == nil || !strings.Contains(err.Error(), "has no toolchain line") {
		t.Errorf("goModToolchain = %v, want a missing-toolchain error", err)
	}
}
