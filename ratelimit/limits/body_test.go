package limits

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecimalOverRegex: the Content-Length regex matches exactly the
// numbers above the limit, with or without leading zeros, and nothing that
// is not a number; it stays within WAF's 512 characters and uses no group
// (WAF refuses capturing subexpressions).
func TestDecimalOverRegex(t *testing.T) {
	for _, n := range []int{1, 9, 10, 99, 100, 8192, 9999, 12345, 65536, 80000, 1024 * 1024, MaxBodyLimitKB * 1024} {
		re := regexp.MustCompile(DecimalOverRegex(n))
		assert.LessOrEqual(t, len(re.String()), 512, "n=%d", n)
		assert.NotContains(t, re.String(), "(", "n=%d: no groups", n)
		values := []int{0, 1, n - 1, n, n + 1, n * 10, n*10 - 1, n + 10, 10 * (n/10 + 1), 1 << 40}
		for v := n - 200; v <= n+200; v++ {
			values = append(values, v)
		}
		for _, v := range values {
			if v < 0 {
				continue
			}
			for _, s := range []string{fmt.Sprint(v), "000" + fmt.Sprint(v)} {
				assert.Equal(t, v > n, re.MatchString(s), "n=%d: %q", n, s)
			}
		}
		for _, s := range []string{"", "abc", "99999999999x", "-99999999", "1e9", " 99999999999"} {
			assert.False(t, re.MatchString(s), "n=%d: %q is not a length", n, s)
		}
	}
	assert.Equal(t, `^0*[1-9][0-9]{4,}$|^0*[9-9][0-9]{3}$|^0*8[2-9][0-9]{2}$|^0*819[3-9]$`, DecimalOverRegex(8192), "the shape for 8 KB")
}

// TestPathPrefixRegex: the API-path regex matches a path starting with
// any prefix, escapes metacharacters, and matches nothing else.
func TestPathPrefixRegex(t *testing.T) {
	re := regexp.MustCompile(PathPrefixRegex([]string{"/api/", "/v1.0/"}))
	for path, want := range map[string]bool{
		"/api/users": true, "/api/": true, "/v1.0/x": true,
		"/apix": false, "/v1x0/x": false, "/static/api/": false, "": false,
	} {
		assert.Equal(t, want, re.MatchString(path), path)
	}
	assert.NotContains(t, re.String(), "(")
}

// TestCheckMaxBodyKB: the API body limit runs from the Core rule set's 8
// KB to MaxBodyLimitKB, and says so.
func TestCheckMaxBodyKB(t *testing.T) {
	for kb, ok := range map[int]bool{8: true, 64: true, MaxBodyLimitKB: true, 7: false, 0: false, MaxBodyLimitKB + 1: false} {
		got := CheckMaxBodyKB(kb)
		if ok {
			assert.Empty(t, got, "%d", kb)
			continue
		}
		require.Len(t, got, 1, "%d", kb)
		assert.Equal(t, "maxBodyKB", got[0].Setting)
		assert.True(t, strings.Contains(got[0].Message, fmt.Sprintf("%d is out of range; use 8", kb)), got[0].Message)
	}
}
