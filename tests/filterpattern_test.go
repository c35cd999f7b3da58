package tests

import (
	"encoding/json"
	"testing"

	"github.com/example/hardening/compliance"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matchFilter evaluates a CloudWatch Logs JSON filter pattern on a JSON
// log event with compliance.MatchFilter.
func matchFilter(pattern, event string) (bool, error) {
	var ev map[string]any
	if err := json.Unmarshal([]byte(event), &ev); err != nil {
		return false, err
	}
	return compliance.MatchFilter(pattern, ev)
}

// TestMatchFilter: the matcher itself, on patterns with a known outcome.
func TestMatchFilter(t *testing.T) {
	event := `{"eventName":"GetSecretValue","userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::1:role/app"}}}}`
	for _, c := range []struct {
		pattern string
		want    bool
		err     string
	}{
		{`{ $.eventName = "GetSecretValue" }`, true, ""},
		{`{ $.eventName = GetSecretValue }`, true, ""},
		{`{ $.eventName = "Get*" }`, true, ""},
		{`{ $.eventName = "Put*" }`, false, ""},
		{`{ $.userIdentity.sessionContext.sessionIssuer.arn != "arn:aws:iam::1:role/app" }`, false, ""},
		{`{ $.userIdentity.sessionContext.sessionIssuer.arn != "arn:aws:iam::1:role/other" }`, true, ""},
		{`{ ($.eventName = "X") || (($.userIdentity.type = "AssumedRole") && ($.eventName = "GetSecretValue")) }`, true, ""},
		{`{ $.missing = "x" }`, false, ""},
		{`{ $.missing != "x" }`, false, "not modelled"},
		{`{ ($.eventName = "GetSecretValue") || ($.missing != "x") }`, true, ""},
		{`{ ($.eventName = "X") && ($.missing != "x") }`, false, ""},
		// Mixed without parentheses: read both ways; refused where the
		// readings differ.
		{`{ $.eventName = "X" || $.eventName = "Y" && $.eventName = "Z" }`, false, ""},
		{`{ $.eventName = "GetSecretValue" || $.eventName = "Y" && $.eventName = "Z" }`, false, "mixed without parentheses"},
		{`{ $.eventName = "GetSecretValue" || $.eventName = "Y" && $.userIdentity.type = "AssumedRole" }`, true, ""},
		{`$.eventName = "X"`, false, "not a JSON filter pattern"},
		{`{ $.userIdentity.invokedBy NOT EXISTS && $.eventName = "GetSecretValue" }`, true, ""},
		{`{ $.userIdentity.type NOT EXISTS }`, false, ""},
		{`{ $.userIdentity.type EXISTS }`, true, ""},
	} {
		got, err := matchFilter(c.pattern, event)
		if c.err != "" {
			require.Error(t, err, c.pattern)
			assert.Contains(t, err.Error(), c.err)
			continue
		}
		require.NoError(t, err, c.pattern)
		assert.Equal(t, c.want, got, c.pattern)
	}
}
