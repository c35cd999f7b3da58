package compliance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// res is a resource for a rule's table test: its URN is "urn:"+name.
func res(typ, name string, inputs map[string]any, deps ...string) Resource {
	r := Resource{Type: typ, Name: name, URN: "urn:" + name, Inputs: inputs}
	for _, d := range deps {
		r.Dependencies = append(r.Dependencies, "urn:"+d)
	}
	return r
}

// withRefs records that input came from the resources named.
func withRefs(r Resource, input string, names ...string) Resource {
	if r.PropertyDependencies == nil {
		r.PropertyDependencies = map[string][]string{}
	}
	for _, n := range names {
		r.PropertyDependencies[input] = append(r.PropertyDependencies[input], "urn:"+n)
		r.Dependencies = append(r.Dependencies, "urn:"+n)
	}
	return r
}

// verdict is a rule's outcome for one control on a small graph.
type verdict string

const (
	pass     verdict = "pass"
	fail     verdict = "fail"
	unjudged verdict = "not judged"
)

// verdictOf runs rule on g and says what it decides about control: fail
// when a finding that names control is a failure, not judged when one is
// not judged, else pass. The control "" stands for a rule of the project's
// own that names no control: every finding counts.
func verdictOf(t *testing.T, rule Rule, g *Graph, control string) verdict {
	t.Helper()
	if control == "" {
		require.Empty(t, rule.Controls, "%s names controls: a case names the one it judges", rule.ID)
	} else {
		require.Contains(t, rule.Controls, control, "%s does not name %s", rule.ID, control)
	}
	tabled.Store(rule.ID, true)
	rep, err := Evaluate(g, []Rule{rule}, nil)
	require.NoError(t, err)
	out := pass
	for _, f := range rep.Findings {
		if control != "" && !contains(f.Controls, control) {
			continue
		}
		if !f.NotJudged {
			return fail
		}
		out = unjudged
	}
	return out
}

// ruleCase is one row of a rule's table test.
type ruleCase struct {
	name    string
	control string
	graph   *Graph
	want    verdict
}

func runCases(t *testing.T, rule Rule, cases []ruleCase) {
	t.Helper()
	seen := map[string]map[verdict]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, verdictOf(t, rule, c.graph, c.control))
		})
		if seen[c.control] == nil {
			seen[c.control] = map[verdict]bool{}
		}
		seen[c.control][c.want] = true
	}
	// Every control the cases name has a violation, a pass and a case
	// not judged at preview.
	for ctl, vs := range seen {
		for _, v := range []verdict{pass, fail, unjudged} {
			assert.True(t, vs[v], "%s: no %q case for %s", rule.ID, v, ctl)
		}
	}
}

// ruleByID is a registered rule.
func ruleByID(t *testing.T, id string) Rule {
	t.Helper()
	r, ok := Lookup(id)
	require.True(t, ok, "no rule %s", id)
	return r
}

func stmt(principal any, action string, cond map[string]any) map[string]any {
	s := map[string]any{"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"}
	if cond != nil {
		s["Condition"] = cond
	}
	return s
}
