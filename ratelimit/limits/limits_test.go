package limits

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRateRuleCheck: each rule the ratelimit component and the
// configuration share, with the setting it names and its message.
func TestRateRuleCheck(t *testing.T) {
	ok := RateRule{Limit: 100, WindowSec: 60, Paths: []string{"/login"}}
	require.Empty(t, ok.Check(true), "valid rule")
	for _, c := range []struct {
		name    string
		rule    RateRule
		scoped  bool
		setting string
		want    string
	}{
		{"limit", RateRule{Limit: 5, WindowSec: 60}, false, "limit", "5 is out of range"},
		{"window", RateRule{Limit: 100, WindowSec: 30}, false, "windowSec", "30 is not a WAF evaluation window"},
		{"scoped without paths", RateRule{Limit: 100, WindowSec: 60}, true, "paths", "is empty"},
		{"site-wide with paths", RateRule{Limit: 100, WindowSec: 60, Paths: []string{"/a"}}, false, "paths", "covers the whole site"},
		{"upper-case path", RateRule{Limit: 100, WindowSec: 60, Paths: []string{"/API"}}, true, "paths[0]", `"/API" is not a lower-case absolute path prefix`},
		{"path twice", RateRule{Limit: 100, WindowSec: 60, Paths: []string{"/a", "/a"}}, true, "paths[1]", `"/a" is listed twice`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.rule.Check(c.scoped)
			require.Len(t, got, 1, "want one problem on %s containing %q", c.setting, c.want)
			assert.Equal(t, c.setting, got[0].Setting)
			assert.Contains(t, got[0].Message, c.want)
		})
	}
}
