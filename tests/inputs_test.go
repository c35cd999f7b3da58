package tests

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/awsname"
)

// TestEveryInputHasAMapping: every input of every resource any stack's
// plan or first preview registers has a row in awsname.InputMembers, a
// member of AWS's API or an explicit reason why none judges it; a new
// input, or a new resource type, fails here until it is mapped.
func TestEveryInputHasAMapping(t *testing.T) {
	all := slices.Compact(append(slices.Clone(stacks), slices.Sorted(maps.Values(bootstraps))...))
	missing := map[string]bool{}
	seen := 0
	for _, stack := range all {
		for _, g := range []struct {
			name string
			res  func() []string
		}{
			{"plan", func() []string { return inputsOf(graphOf(t, stack).Resources) }},
			{"preview", func() []string { return inputsOf(previewGraph(t, stack).Resources) }},
		} {
			for _, ti := range g.res() {
				seen++
				typ, input, _ := strings.Cut(ti, " ")
				if !awsname.Mapped(typ, input) {
					missing[ti] = true
				}
			}
		}
	}
	assert.Greater(t, seen, 1000, "inputs read from the plans and previews")
	list := slices.Sorted(maps.Keys(missing))
	assert.Empty(t, list, "inputs without a row in internal/awsname.InputMembers (map each to its API member, or give the reason none judges it)")
}

// inputsOf lists "<type> <input>" for every top-level input of every
// pulumi-aws resource.
func inputsOf(rs []compliance.Resource) []string {
	var out []string
	for _, r := range rs {
		if !strings.HasPrefix(r.Type, "aws:") {
			continue
		}
		for k := range r.Inputs {
			out = append(out, r.Type+" "+k)
		}
	}
	sort.Strings(out)
	return out
}

// TestEveryARNInputIsJudged: every input of a plan or first preview that
// holds an ARN (at any depth, policy documents and event patterns aside,
// which the policy rules read) is one rule deploy-arn-inputs judges, or
// one compliance.ARNInputs leaves out with a reason.
func TestEveryARNInputIsJudged(t *testing.T) {
	judged, leftOut := compliance.ARNInputs()
	known := map[compliance.ARNInput]bool{}
	for _, a := range judged {
		known[a] = true
	}
	for a := range leftOut {
		known[a] = true
	}
	missing := map[string]bool{}
	seen := 0
	var walk func(typ, path string, v any)
	walk = func(typ, path string, v any) {
		switch x := v.(type) {
		case compliance.Secret:
			walk(typ, path, x.Value)
		case string:
			if strings.HasPrefix(x, "arn:") {
				seen++
				if !known[compliance.ARNInput{Type: typ, Input: path}] {
					missing[typ+" "+path] = true
				}
			}
		case []any:
			for _, e := range x {
				walk(typ, path, e)
			}
		case map[string]any:
			for k, e := range x {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(typ, p, e)
			}
		}
	}
	documents := map[string]bool{"policy": true, "assumeRolePolicy": true, "policyDocument": true, "eventPattern": true}
	for _, stack := range slices.Compact(append(slices.Clone(stacks), slices.Sorted(maps.Values(bootstraps))...)) {
		for _, g := range []*compliance.Graph{graphOf(t, stack), previewGraph(t, stack)} {
			for _, r := range g.Resources {
				for k, v := range r.Inputs {
					if !documents[k] {
						walk(r.Type, k, v)
					}
				}
			}
		}
	}
	assert.Greater(t, seen, 100, "ARN values read from the plans")
	assert.Empty(t, slices.Sorted(maps.Keys(missing)), "ARN-valued inputs neither judged by deploy-arn-inputs nor left out with a reason (compliance/inputs.go)")
}
