package tests

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matchFilter evaluates a CloudWatch Logs JSON filter pattern on a JSON
// log event, for the subset the stack writes (CloudWatch Logs user guide,
// "Filter pattern syntax for metric filters", JSON log events): `{ expr }`
// where expr is comparisons `$.a.b = value` or `$.a.b != value` (a quoted
// or bare string, `*` matching any run of characters) joined by && or ||,
// with parentheses. It refuses what it does not model rather than guess:
// && and || mixed without parentheses, and a result that depends on != of
// a property the event lacks (whose outcome the guide does not state);
// such a comparison is unknown, and true || unknown is still true.
func matchFilter(pattern, event string) (bool, error) {
	var ev map[string]any
	if err := json.Unmarshal([]byte(event), &ev); err != nil {
		return false, err
	}
	p := strings.TrimSpace(pattern)
	if !strings.HasPrefix(p, "{") || !strings.HasSuffix(p, "}") {
		return false, fmt.Errorf("not a JSON filter pattern: %s", pattern)
	}
	f := &filterParser{src: p[1 : len(p)-1], event: ev}
	v, err := f.expr()
	switch {
	case err != nil:
		return false, err
	case strings.TrimSpace(f.src[f.pos:]) != "":
		return false, fmt.Errorf("unparsed %q", f.src[f.pos:])
	case v == unknown:
		return false, fmt.Errorf("the outcome depends on != of a property the event lacks, which is not modelled")
	}
	return v == yes, nil
}

// tri is a three-valued truth: a comparison of a property an event lacks
// with != is unknown.
type tri int

const (
	no tri = iota
	yes
	unknown
)

func and3(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == unknown || b == unknown:
		return unknown
	}
	return yes
}

func or3(a, b tri) tri {
	switch {
	case a == yes || b == yes:
		return yes
	case a == unknown || b == unknown:
		return unknown
	}
	return no
}

type filterParser struct {
	src   string
	pos   int
	event map[string]any
}

func (f *filterParser) skip() {
	for f.pos < len(f.src) && f.src[f.pos] == ' ' {
		f.pos++
	}
}

func (f *filterParser) next(tok string) bool {
	f.skip()
	if strings.HasPrefix(f.src[f.pos:], tok) {
		f.pos += len(tok)
		return true
	}
	return false
}

func (f *filterParser) expr() (tri, error) {
	result, err := f.term()
	if err != nil {
		return no, err
	}
	op := ""
	for {
		var this string
		switch {
		case f.next("&&"):
			this = "&&"
		case f.next("||"):
			this = "||"
		default:
			return result, nil
		}
		if op != "" && op != this {
			return no, fmt.Errorf("&& and || mixed without parentheses at %d", f.pos)
		}
		op = this
		right, err := f.term()
		if err != nil {
			return no, err
		}
		if op == "&&" {
			result = and3(result, right)
		} else {
			result = or3(result, right)
		}
	}
}

var comparison = regexp.MustCompile(`^\$((?:\.[A-Za-z0-9_]+)+)\s*(!=|=)\s*("(?:[^"\\]|\\.)*"|[^\s)]+)`)

func (f *filterParser) term() (tri, error) {
	if f.next("(") {
		v, err := f.expr()
		if err != nil {
			return no, err
		}
		if !f.next(")") {
			return no, fmt.Errorf("missing ) at %d", f.pos)
		}
		return v, nil
	}
	f.skip()
	m := comparison.FindStringSubmatch(f.src[f.pos:])
	if m == nil {
		return no, fmt.Errorf("not a comparison at %q", f.src[f.pos:])
	}
	f.pos += len(m[0])
	value := m[3]
	if strings.HasPrefix(value, `"`) {
		if err := json.Unmarshal([]byte(value), &value); err != nil {
			return no, err
		}
	}
	var cur any = f.event
	for _, k := range strings.Split(m[1][1:], ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			cur = nil
			break
		}
		cur = obj[k]
	}
	s, present := cur.(string)
	switch {
	case !present && m[2] == "!=":
		return unknown, nil
	case !present:
		return no, nil
	}
	glob := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(value), `\*`, ".*") + "$")
	if glob.MatchString(s) == (m[2] == "=") {
		return yes, nil
	}
	return no, nil
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
		{`{ $.eventName = "X" || $.eventName = "Y" && $.eventName = "Z" }`, false, "mixed without parentheses"},
		{`$.eventName = "X"`, false, "not a JSON filter pattern"},
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
