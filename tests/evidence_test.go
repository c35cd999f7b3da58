package tests

import (
	"bytes"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/hardening/plan"

	"github.com/stretchr/testify/assert"

	"github.com/stretchr/testify/require"
)

// bothStacks is a project copy holding both stack files, with the test
// stand-in for the rotation function's zip.
func bothStacks(t *testing.T) string {
	t.Helper()
	dir := projectCopy(t, "dev")
	prod, err := os.ReadFile(filepath.Join(projectCopy(t, "prod"), "Pulumi.prod.yaml"))
	if err != nil {
		require.NoError(t, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), prod, 0o600); err != nil {
		require.NoError(t, err)
	}
	return dir
}

// TestReachabilityEvidenceIsCurrent: docs/reachability.md, its charts and
// the data behind them, and the README's section are what the commands
// produce from the program and the stack files.
func TestReachabilityEvidenceIsCurrent(t *testing.T) {
	dir := bothStacks(t)
	images := filepath.Join(t.TempDir(), "images")
	var page, summary, errs bytes.Buffer
	if code := plan.Command([]string{"-dir", dir, "-stack", "dev,prod", "-format", "reachability-page", "-plot", images}, &page, &errs); code != 0 {
		require.Failf(t, "precondition", "reachability-page exited %d: %s", code, errs.String())
	}
	if code := plan.Command([]string{"-dir", dir, "-stack", "dev,prod", "-format", "reachability-summary"}, &summary, &errs); code != 0 {
		require.Failf(t, "precondition", "reachability-summary exited %d: %s", code, errs.String())
	}
	want, err := os.ReadFile("../docs/reachability.md")
	if err != nil {
		require.NoError(t, err)
	}
	if !bytes.Equal(page.Bytes(), want) {
		assert.Failf(t, "check", "docs/reachability.md is stale: run `%s`", plan.PageCommand)
	}
	files, _ := filepath.Glob(filepath.Join(images, "*"))
	if len(files) != 8 {
		assert.Failf(t, "check", "%d chart files, want a PNG and a CSV per scenario", len(files))
	}
	for _, f := range files {
		got, _ := os.ReadFile(f)
		committed, err := os.ReadFile(filepath.Join("..", "docs", "images", filepath.Base(f)))
		// The PNG's pixels come from pure-Go rendering with embedded
		// fonts, reproducible on one platform; its compressed bytes vary
		// with the Go release's zlib, so the pixels are compared. The
		// CSV is the data.
		same := err == nil && bytes.Equal(got, committed)
		if err == nil && !same && strings.HasSuffix(f, ".png") {
			same = samePixels(t, got, committed)
		}
		if !same {
			assert.Failf(t, "check", "docs/images/%s is stale: run `%s`", filepath.Base(f), plan.PageCommand)
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		require.NoError(t, err)
	}
	const begin, end = "<!-- reachability:begin -->\n", "<!-- reachability:end -->"
	_, rest, ok := strings.Cut(string(readme), begin)
	section, _, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		require.Failf(t, "precondition", "README.md has no %q ... %q section", begin, end)
	}
	if section != summary.String() {
		assert.Failf(t, "check", "README.md's reachability section is stale: replace it with the output of `%s`", plan.SummaryCommand)
	}
}

// samePixels reports whether two PNG files hold the same image.
func samePixels(t *testing.T, a, b []byte) bool {
	t.Helper()
	ia, err := png.Decode(bytes.NewReader(a))
	require.NoError(t, err)
	ib, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	if ia.Bounds() != ib.Bounds() {
		return false
	}
	for y := ia.Bounds().Min.Y; y < ia.Bounds().Max.Y; y++ {
		for x := ia.Bounds().Min.X; x < ia.Bounds().Max.X; x++ {
			if color.NRGBAModel.Convert(ia.At(x, y)) != color.NRGBAModel.Convert(ib.At(x, y)) {
				return false
			}
		}
	}
	return true
}
