package compliance

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// MatchFilter evaluates a CloudWatch Logs JSON filter pattern on a JSON
// log event, for the subset metric filters on CloudTrail logs use
// (CloudWatch Logs user guide, "Filter pattern syntax for metric filters",
// JSON log events): `{ expr }` where expr is comparisons `$.a.b = value`
// or `$.a.b != value` (a quoted or bare string, `*` matching any run of
// characters), `$.a.b NOT EXISTS`, `$.a.b EXISTS` and `$.a.b IS NULL`,
// joined by && or || with parentheses. The guide does not state how &&
// and || mixed without parentheses group (the CIS v3.0.0 4.1 pattern
// mixes them): such a pattern is read both ways, && binding tighter and
// left to right, and an event on which the readings differ is refused
// rather than guessed. So is a result that depends on != of a property
// the event lacks (whose outcome the guide does not state either); such a
// comparison is unknown, and true || unknown is still true.
func MatchFilter(pattern string, event map[string]any) (bool, error) {
	p := strings.TrimSpace(pattern)
	if !strings.HasPrefix(p, "{") || !strings.HasSuffix(p, "}") {
		return false, fmt.Errorf("not a JSON filter pattern: %s", pattern)
	}
	var results [2]tri
	for i, leftToRight := range []bool{false, true} {
		f := &filterParser{src: p[1 : len(p)-1], event: event, leftToRight: leftToRight}
		v, err := f.expr()
		switch {
		case err != nil:
			return false, err
		case strings.TrimSpace(f.src[f.pos:]) != "":
			return false, fmt.Errorf("unparsed %q", f.src[f.pos:])
		case v == triUnknown:
			return false, fmt.Errorf("the outcome depends on != of a property the event lacks, which is not modelled")
		}
		results[i] = v
		if i == 0 && !f.mixed {
			results[1] = v
			break
		}
	}
	if results[0] != results[1] {
		return false, fmt.Errorf("&& and || mixed without parentheses, and the readings differ on this event")
	}
	return results[0] == triYes, nil
}

// tri is a three-valued truth: a comparison of a property an event lacks
// with != is unknown.
type tri int

const (
	triNo tri = iota
	triYes
	triUnknown
)

func and3(a, b tri) tri {
	switch {
	case a == triNo || b == triNo:
		return triNo
	case a == triUnknown || b == triUnknown:
		return triUnknown
	}
	return triYes
}

func or3(a, b tri) tri {
	switch {
	case a == triYes || b == triYes:
		return triYes
	case a == triUnknown || b == triUnknown:
		return triUnknown
	}
	return triNo
}

type filterParser struct {
	src   string
	pos   int
	event map[string]any
	// leftToRight reads && and || in order rather than && first; mixed
	// records that a level joins terms with both without parentheses.
	leftToRight, mixed bool
}

func (f *filterParser) skip() {
	for f.pos < len(f.src) && (f.src[f.pos] == ' ' || f.src[f.pos] == '\t' || f.src[f.pos] == '\n') {
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

// expr is a disjunction of conjunctions (&& binding tighter), or, when
// leftToRight, the operators applied in order; it records in mixed that a
// level joins terms with both.
func (f *filterParser) expr() (tri, error) {
	if f.leftToRight {
		return f.chain()
	}
	result, and, err := f.conjunction()
	if err != nil {
		return triNo, err
	}
	anyAnd, anyOr := and, false
	for f.next("||") {
		anyOr = true
		right, and, err := f.conjunction()
		if err != nil {
			return triNo, err
		}
		anyAnd = anyAnd || and
		result = or3(result, right)
	}
	f.mixed = f.mixed || anyAnd && anyOr
	return result, nil
}

// conjunction is terms joined by &&; and says whether there were several.
func (f *filterParser) conjunction() (tri, bool, error) {
	result, err := f.term()
	if err != nil {
		return triNo, false, err
	}
	and := false
	for f.next("&&") {
		and = true
		right, err := f.term()
		if err != nil {
			return triNo, false, err
		}
		result = and3(result, right)
	}
	return result, and, nil
}

// chain applies && and || in the order they appear.
func (f *filterParser) chain() (tri, error) {
	result, err := f.term()
	if err != nil {
		return triNo, err
	}
	for {
		switch {
		case f.next("&&"):
			right, err := f.term()
			if err != nil {
				return triNo, err
			}
			result = and3(result, right)
		case f.next("||"):
			right, err := f.term()
			if err != nil {
				return triNo, err
			}
			result = or3(result, right)
		default:
			return result, nil
		}
	}
}

var (
	comparison = regexp.MustCompile(`^\$((?:\.[A-Za-z0-9_]+)+)\s*(!=|=)\s*("(?:[^"\\]|\\.)*"|[^\s)]+)`)
	existence  = regexp.MustCompile(`^\$((?:\.[A-Za-z0-9_]+)+)\s+(NOT EXISTS|EXISTS|IS NULL)\b`)
)

// globs memoizes the expressions of filter values: rules match each
// pattern against many sample events.
var globs sync.Map

// globOf is the expression a filter value matches: `*` any run of
// characters, the rest literally.
func globOf(value string) *regexp.Regexp {
	if re, ok := globs.Load(value); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(value), `\*`, ".*") + "$")
	globs.Store(value, re)
	return re
}

func (f *filterParser) lookup(path string) (any, bool) {
	var cur any = f.event
	for _, k := range strings.Split(path[1:], ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func (f *filterParser) term() (tri, error) {
	if f.next("(") {
		v, err := f.expr()
		if err != nil {
			return triNo, err
		}
		if !f.next(")") {
			return triNo, fmt.Errorf("missing ) at %d", f.pos)
		}
		return v, nil
	}
	f.skip()
	if m := existence.FindStringSubmatch(f.src[f.pos:]); m != nil {
		f.pos += len(m[0])
		v, present := f.lookup(m[1])
		var ok bool
		switch m[2] {
		case "NOT EXISTS":
			ok = !present
		case "EXISTS":
			ok = present
		default:
			ok = present && v == nil
		}
		if ok {
			return triYes, nil
		}
		return triNo, nil
	}
	m := comparison.FindStringSubmatch(f.src[f.pos:])
	if m == nil {
		return triNo, fmt.Errorf("not a comparison at %q", f.src[f.pos:])
	}
	f.pos += len(m[0])
	value := m[3]
	if strings.HasPrefix(value, `"`) {
		if err := json.Unmarshal([]byte(value), &value); err != nil {
			return triNo, err
		}
	}
	cur, _ := f.lookup(m[1])
	s, present := cur.(string)
	switch {
	case !present && m[2] == "!=":
		return triUnknown, nil
	case !present:
		return triNo, nil
	}
	glob := globOf(value)
	if glob.MatchString(s) == (m[2] == "=") {
		return triYes, nil
	}
	return triNo, nil
}
