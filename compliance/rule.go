package compliance

import (
	"fmt"
	"sort"
	"strings"
)

// Severity ranks a finding.
type Severity string

// Severities, from the most to the least urgent.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Mandatory reports whether findings of this severity block a deployment.
func (s Severity) Mandatory() bool { return s == Critical || s == High }

// Violation is one resource failing one rule.
type Violation struct {
	URN     string
	Message string
	// NotJudged marks a resource the rule could not judge: a property it
	// reads is computed at deployment (a first preview). It neither passes
	// nor blocks; reports show it.
	NotJudged bool
	// Controls, when set, are the only controls of the rule this finding
	// fails (a rule judging several controls names each finding with the
	// ones it fails); empty means all of the rule's.
	Controls []string
}

// NotJudgedMessage is what a not-judged finding says after the resource.
const NotJudgedMessage = "not judged until apply: a property the rule reads is computed at deployment; the offline plan (go run ./cmd/plan) resolves it"

func notJudged(r Resource) Violation {
	return Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s", shortType(r.Type), r.Name, NotJudgedMessage), NotJudged: true}
}

// Rule is one policy: an ID, the controls it implements, its severity,
// and a check over the whole graph.
type Rule struct {
	// ID is stable; suppressions name it.
	ID string
	// Controls are the public controls it implements ("FSBP ELB.17",
	// "CIS 3.6", "nag COG2", "CKV_AWS_103"); none for the project's own.
	Controls []string
	// Source names the evaluation logic the rule follows: the Security
	// Hub control page and AWS Config managed rule with the parameters it
	// assumes, the CIS v3.0.0 audit procedure, or the project's document
	// for its own rules.
	Source   string
	Severity Severity
	// Description says what passes, and which part of a control the plan
	// cannot decide.
	Description string
	Check       func(g *Graph) []Violation
}

// forEach is a check that judges each resource of typ on its own; judge
// returns "" when the resource passes, else what is wrong and the fix.
func forEach(typ string, judge func(r Resource) string) func(*Graph) []Violation {
	return func(g *Graph) []Violation {
		var out []Violation
		for _, r := range g.ByType(typ) {
			seen := false
			msg := judge(r.tracked(&seen))
			switch {
			case seen:
				// A pass or a failure on a value not known yet would be a
				// guess: say so instead.
				out = append(out, notJudged(r))
			case msg != "":
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s", shortType(r.Type), r.Name, msg)})
			}
		}
		return out
	}
}

// withDependent is a check that every resource of typ has a resource of
// depTyp depending on it; msg says what is missing and the fix.
func withDependent(typ, depTyp, msg string) func(*Graph) []Violation {
	return func(g *Graph) []Violation {
		var out []Violation
		for _, r := range g.ByType(typ) {
			if len(g.Dependents(r.URN, depTyp)) == 0 {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s", shortType(r.Type), r.Name, msg)})
			}
		}
		return out
	}
}

// forEachIn is forEach over several types.
func forEachIn(types []string, judge func(r Resource) string) func(*Graph) []Violation {
	return func(g *Graph) []Violation {
		var out []Violation
		for _, t := range types {
			out = append(out, forEach(t, judge)(g)...)
		}
		return out
	}
}

// shortType is "lb.Listener" for "aws:lb/listener:Listener".
func shortType(t string) string {
	parts := strings.Split(t, ":")
	if len(parts) != 3 {
		return t
	}
	mod, _, _ := strings.Cut(parts[1], "/")
	return mod + "." + parts[2]
}

// Lookup returns the rule with id.
func Lookup(id string) (Rule, bool) {
	for _, r := range Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// IDs returns every rule ID, sorted.
func IDs() []string {
	var ids []string
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return ids
}
