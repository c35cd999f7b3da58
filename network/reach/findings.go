package reach

import (
	"fmt"
	"slices"
	"strings"
)

// findings are the unintended flows the security groups admit, the
// expected flows some hop drops, and what could not be judged.
func (a *analysis) findings(flows []Flow) []Finding {
	var out []Finding
	for _, r := range a.rows {
		f := r.flow
		if f.Intended != "" {
			continue
		}
		var sg []string
		for _, h := range f.Hops {
			if strings.Contains(h.Name, "security group") {
				sg = append(sg, fmt.Sprintf("%s: %s", h.Name, strings.Join(h.Rules, ", ")))
			}
		}
		msg := fmt.Sprintf("%s is not an intended flow, and the security groups admit it (%s)", f.What(), strings.Join(sg, "; "))
		switch f.Status {
		case Admitted:
			msg += "; every other hop admits it too: it is reachable"
		case Dropped:
			msg += "; it is " + f.Note + ", so one layer stands between it and being reachable"
		case NotJudged:
			msg += "; its other hops are not judged until the deployment"
		}
		out = append(out, Finding{Kind: Unintended, Flow: f.What(), Hop: "security groups", EndToEnd: f.Status == Admitted,
			Rules: ruleNames(f.Hops), Message: msg, URNs: r.sgURNs})
	}
	out = append(out, a.expectations()...)
	seen := map[string]bool{}
	unjudged := func(u Unknown) {
		if seen[u.URN] {
			return
		}
		seen[u.URN] = true
		out = append(out, Finding{Kind: Unjudged, Flow: "", Message: fmt.Sprintf("%s: %s is not known until the deployment; the flows through it are not judged", u.Name, u.What), URNs: []string{u.URN}})
	}
	for _, u := range a.n.Unknown {
		unjudged(u)
	}
	for _, p := range a.parties {
		for _, u := range p.unknown {
			unjudged(u)
		}
	}
	for _, r := range a.rows {
		for _, u := range r.unknownURNs {
			if known, ok := a.unknown[u]; ok {
				unjudged(known)
			} else {
				unjudged(Unknown{URN: u, Name: a.name(u), What: "an input"})
			}
		}
	}
	return out
}

// ruleNames are the security group rules that admit a flow.
func ruleNames(hops []Hop) []string {
	var out []string
	for _, h := range hops {
		if strings.Contains(h.Name, "security group") {
			out = append(out, h.Rules...)
		}
	}
	return out
}

// expectations judges every expected flow between every pair of parties
// it selects.
func (a *analysis) expectations() []Finding {
	var out []Finding
	index := map[string]int{}
	add := func(key string, f Finding) {
		if i, ok := index[key]; ok {
			out[i].Rules = append(out[i].Rules, f.Rules...)
			return
		}
		index[key] = len(out)
		out = append(out, f)
	}
	for _, f := range a.in.Flows {
		if !f.Expected {
			continue
		}
		ask := f.Ports
		if !f.Protocol.ported() {
			ask = Port(0)
		}
		found := false
		for _, S := range a.parties {
			for _, D := range a.parties {
				if S == D {
					continue
				}
				if len(S.unknown) > 0 && f.From.matches(S, loc{}) || len(D.unknown) > 0 && f.To.matches(D, loc{}) {
					found = true // reported as not judged
				}
				for _, p := range a.pairs(S, D, true) {
					ls, ld := p[0], p[1]
					if ls.noAddr || ld.noAddr || !f.From.matches(S, ls) || !f.To.matches(D, ld) {
						continue
					}
					found = true
					what := fmt.Sprintf("%s → %s %s", S.label, D.label, protoPorts(f.Protocol, f.Ports))
					if S.kind == internetParty {
						what = fmt.Sprintf("%s → %s %s", f.From.label(a.in.NamePrefix), D.label, protoPorts(f.Protocol, f.Ports))
					}
					for _, seg := range segments(a.leg(S, ls, D, ld, f.Protocol, ask), ask) {
						var hop hopEval
						var ports Ports
						var verb string
						switch {
						case seg.status == Dropped:
							hop, ports, verb = seg.hops[seg.drop], seg.ports, "is dropped at"
							if hop.reply {
								ports, verb = hop.asked, "loses every reply at"
							}
						case seg.status == NotJudged:
							for _, u := range seg.hops {
								for _, urn := range u.unknownURNs {
									add("u"+urn, Finding{Kind: Unjudged, Flow: what, Intent: f.Name, URNs: []string{urn},
										Message: fmt.Sprintf("intended flow %q (%s) is not judged: %s's inputs are not known until the deployment", f.Name, what, a.name(urn))})
								}
							}
							continue
						case !a.unacceptedGap(seg.gap).Empty():
							hop, ports, verb = seg.hops[seg.gapHop], a.unacceptedGap(seg.gap), "loses replies to ports "+a.unacceptedGap(seg.gap).String()+" at"
						default:
							continue
						}
						urn := hop.dropURN
						detail := hop.reason(ports)
						for _, d := range hop.denies {
							if !d.ports.Intersect(ports).Empty() {
								urn = d.urn
								detail = d.label + " denies it"
								break
							}
						}
						where := ""
						if ls.subnet != nil || ld.subnet != nil {
							where = " (" + pairName(ls, ld) + ")"
						}
						key := strings.Join([]string{f.Name, S.label, D.label, hop.name, urn, verb}, "|")
						add(key, Finding{Kind: Blocked, Flow: what, Intent: f.Name, Hop: hop.name, URNs: []string{urn}, Rules: []string{a.name(urn)},
							Message: fmt.Sprintf("intended flow %q (%s) %s %s: %s%s", f.Name, what, verb, hop.name, detail, where)})
					}
				}
			}
		}
		if !found && a.anyUnknown() {
			out = append(out, Finding{Kind: Unjudged, Intent: f.Name, Flow: fmt.Sprintf("%s → %s", f.From.label(a.in.NamePrefix), f.To.label(a.in.NamePrefix)),
				Message: fmt.Sprintf("intended flow %q (%s → %s %s) is not judged: its source or destination may be among what is not known until the deployment", f.Name, f.From.label(a.in.NamePrefix), f.To.label(a.in.NamePrefix), protoPorts(f.Protocol, f.Ports))})
		} else if !found {
			out = append(out, Finding{Kind: Missing, Intent: f.Name, Flow: fmt.Sprintf("%s → %s", f.From.label(a.in.NamePrefix), f.To.label(a.in.NamePrefix)),
				Message: fmt.Sprintf("intended flow %q (%s → %s %s) has no source or destination in the plan", f.Name, f.From.label(a.in.NamePrefix), f.To.label(a.in.NamePrefix), protoPorts(f.Protocol, f.Ports))})
		}
	}
	for i := range out {
		slices.Sort(out[i].Rules)
		out[i].Rules = slices.Compact(out[i].Rules)
	}
	return out
}

// anyUnknown reports whether anything of the network is not known yet.
func (a *analysis) anyUnknown() bool {
	if len(a.n.Unknown) > 0 {
		return true
	}
	for _, p := range a.parties {
		if len(p.unknown) > 0 {
			return true
		}
	}
	return false
}
