package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocsNameWhatExists: every test, repository path and command a page
// of the README or docs/ names in backticks exists, so that a recipe or a
// claim cannot outlive what it points at.
func TestDocsNameWhatExists(t *testing.T) {
	out, err := exec.Command("git", "-C", "..", "ls-files", "-co", "--exclude-standard").Output()
	require.NoError(t, err)
	tracked := map[string]bool{}
	var testSources strings.Builder
	for _, f := range strings.Fields(string(out)) {
		tracked[f] = true
		for dir := filepath.Dir(f); dir != "."; dir = filepath.Dir(dir) {
			tracked[dir] = true
		}
		if strings.HasSuffix(f, "_test.go") {
			b, err := os.ReadFile(filepath.Join("..", f))
			if err == nil {
				testSources.Write(b)
			}
		}
	}
	tests := testSources.String()
	pages, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	require.NoError(t, err)
	pages = append(pages, filepath.Join("..", "README.md"))
	code := regexp.MustCompile("`([^`\n]+)`")
	testName := regexp.MustCompile(`^(Test|Benchmark|Fuzz)[A-Z]\w*$`)
	path := regexp.MustCompile(`^(\.ci|\.github|audit|baseline|cmd|compliance|docs|identity|internal|network|plan|policypack|ratelimit|secrets|stackconfig|tests|tls)/[\w./-]*[\w/]$`)
	command := regexp.MustCompile(`go run (\./cmd/[\w-]+)`)
	for _, page := range pages {
		if filepath.Base(page) == "coverage.md" {
			continue // generated, checked by TestCoveragePageIsCurrent
		}
		b, err := os.ReadFile(page)
		require.NoError(t, err)
		for _, m := range code.FindAllStringSubmatch(string(b), -1) {
			span := m[1]
			switch {
			case testName.MatchString(span):
				assert.Contains(t, tests, "func "+span+"(", "%s names %s, which no test file defines", page, span)
			case path.MatchString(span) && !strings.ContainsAny(span, "*<>{}"):
				assert.True(t, tracked[strings.TrimSuffix(span, "/")], "%s names %s, which is not in the repository", page, span)
			}
			for _, c := range command.FindAllStringSubmatch(span, -1) {
				assert.True(t, tracked[strings.TrimPrefix(c[1], "./")], "%s runs %s, which is not in the repository", page, c[1])
			}
		}
	}
}
