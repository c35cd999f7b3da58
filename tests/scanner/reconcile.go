package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/plan/tfplan"
)

// Verdicts.
const (
	pass      = "pass"
	fail      = "fail"
	notJudged = "not judged"
	notRun    = "not run"
)

// stackSubject is the subject of the checks judged once per stack.
const stackSubject = "(stack)"

// Summary is the reconciliation of every case.
type Summary struct {
	Trivy string `json:"trivy"`
	// Pairs is the number of Trivy checks paired with a control.
	Pairs int    `json:"pairs"`
	Cases []Case `json:"cases"`
	// Totals over every case.
	Compared      int `json:"compared"`
	Agreed        int `json:"agreed"`
	Disagreements int `json:"disagreements"`
}

// Case is the reconciliation of one plan.
type Case struct {
	Name    string `json:"name"`
	Stack   string `json:"stack"`
	Planted string `json:"planted,omitempty"`
	// TrivyPass and TrivyFail count Trivy's results on the plan (a pass
	// is per check, a failure per resource).
	TrivyPass int `json:"trivyPass"`
	TrivyFail int `json:"trivyFail"`
	// Compared counts the (check, subject) verdicts compared.
	Compared      int            `json:"compared"`
	Agreed        int            `json:"agreed"`
	Disagreements []Disagreement `json:"disagreements,omitempty"`
	// NotRun are paired checks Trivy gave no result for on this plan.
	NotRun []string `json:"notRun,omitempty"`
	// Unpaired counts Trivy's failures of checks paired with no control.
	Unpaired map[string]int `json:"unpaired,omitempty"`
}

// Disagreement is a subject on which Trivy and the project differ.
type Disagreement struct {
	AVD      string   `json:"avd"`
	Rule     string   `json:"rule"`
	Controls []string `json:"controls"`
	Subject  string   `json:"subject"`
	Trivy    string   `json:"trivy"`
	Project  string   `json:"project"`
	// Message is Trivy's, or the project's finding's, for the failing side.
	Message string `json:"message,omitempty"`
}

// reconcile compares Trivy's results on one plan with the project's
// report on it.
func reconcile(c caseInput, rep *compliance.Report, tp *tfplan.Plan, results []misconfiguration) Case {
	out := Case{Name: c.Name, Stack: c.Stack, Planted: c.Planted, Unpaired: map[string]int{}}
	subject := subjects(c.Graph)
	paired := map[string]bool{}
	for _, ch := range checks {
		paired[ch.AVD] = true
	}
	ran := map[string]bool{}
	trivyFails := map[string]map[string]string{} // AVD -> subject -> message
	for _, m := range results {
		ran[m.AVDID] = true
		switch m.Status {
		case "PASS":
			out.TrivyPass++
			continue
		case "FAIL":
			out.TrivyFail++
		default:
			continue
		}
		if !paired[m.AVDID] {
			out.Unpaired[m.AVDID+" "+m.Title]++
			continue
		}
		s := stackSubject
		if urn, ok := tp.URNs[m.CauseMetadata.Resource]; ok {
			s = subject(urn)
		}
		if trivyFails[m.AVDID] == nil {
			trivyFails[m.AVDID] = map[string]string{}
		}
		trivyFails[m.AVDID][s] = m.Message
	}
	for _, ch := range checks {
		if !ran[ch.AVD] {
			out.NotRun = append(out.NotRun, ch.AVD)
			continue
		}
		project := map[string]string{}
		messages := map[string]string{}
		for _, f := range rep.Findings {
			if f.Rule != ch.Rule || len(f.Controls) > 0 && !slices.ContainsFunc(f.Controls, func(c string) bool { return slices.Contains(ch.Controls, c) }) {
				continue
			}
			s := stackSubject
			if ch.Subjects != nil {
				s = subject(f.URN)
			}
			v := fail
			if f.NotJudged {
				v = notJudged
			}
			if project[s] != fail {
				project[s] = v
				messages[s] = f.Message
			}
		}
		domain := []string{stackSubject}
		if ch.Subjects != nil {
			domain = nil
			for _, typ := range ch.Subjects {
				for _, r := range c.Graph.ByType(typ) {
					domain = append(domain, r.URN)
				}
			}
		}
		for _, s := range domain {
			t, p := pass, pass
			if _, ok := trivyFails[ch.AVD][s]; ok || ch.Subjects == nil && len(trivyFails[ch.AVD]) > 0 {
				t = fail
			}
			if v, ok := project[s]; ok {
				p = v
			}
			out.Compared++
			if t == p {
				out.Agreed++
				continue
			}
			msg := trivyFails[ch.AVD][s]
			if ch.Subjects == nil {
				for _, m := range trivyFails[ch.AVD] {
					msg = m
				}
			}
			if p != pass {
				msg = messages[s]
			}
			out.Disagreements = append(out.Disagreements, Disagreement{
				AVD: ch.AVD, Rule: ch.Rule, Controls: ch.Controls, Subject: s, Trivy: t, Project: p, Message: msg,
			})
		}
	}
	if len(out.Unpaired) == 0 {
		out.Unpaired = nil
	}
	return out
}

// subjects returns the function that names the resource a verdict on a
// URN is about: the owner its input names (owners), else itself.
func subjects(g *compliance.Graph) func(urn string) string {
	byURN := map[string]compliance.Resource{}
	for _, r := range g.Resources {
		byURN[r.URN] = r
	}
	return func(urn string) string {
		r, ok := byURN[urn]
		if !ok {
			return urn
		}
		if input, ok := owners[r.Type]; ok {
			if deps := r.PropertyDependencies[input]; len(deps) == 1 {
				return deps[0]
			}
		}
		return urn
	}
}

// count adds up the cases.
func (s *Summary) count() {
	s.Compared, s.Agreed, s.Disagreements = 0, 0, 0
	for _, c := range s.Cases {
		s.Compared += c.Compared
		s.Agreed += c.Agreed
		s.Disagreements += len(c.Disagreements)
	}
}

// WriteText writes the summary for people.
func (s *Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s; %d checks paired with a control\n", s.Trivy, s.Pairs)
	for _, c := range s.Cases {
		fmt.Fprintf(&b, "\n%s", c.Name)
		if c.Planted != "" {
			fmt.Fprintf(&b, " (%s: %s)", c.Stack, c.Planted)
		}
		fmt.Fprintf(&b, ": trivy %d pass, %d fail; %d verdicts compared, %d agree, %d disagree\n",
			c.TrivyPass, c.TrivyFail, c.Compared, c.Agreed, len(c.Disagreements))
		for _, d := range c.Disagreements {
			fmt.Fprintf(&b, "  DISAGREE %s / %s (%s) on %s: trivy %s, project %s: %s\n", d.AVD, d.Rule, strings.Join(d.Controls, ", "), short(d.Subject), d.Trivy, d.Project, d.Message)
		}
		if len(c.NotRun) > 0 {
			fmt.Fprintf(&b, "  not run by trivy: %s\n", strings.Join(c.NotRun, " "))
		}
		for _, k := range slices.Sorted(maps.Keys(c.Unpaired)) {
			fmt.Fprintf(&b, "  unpaired trivy failure: %s (%d)\n", k, c.Unpaired[k])
		}
	}
	fmt.Fprintf(&b, "\ntotal: %d verdicts compared, %d agree, %d disagree\n", s.Compared, s.Agreed, s.Disagreements)
	_, err := io.WriteString(w, b.String())
	return err
}

// short is a URN's type and name.
func short(urn string) string {
	if i := strings.LastIndex(urn, "$"); i >= 0 {
		return urn[i+1:]
	}
	return urn
}
