package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// pairs are the location pairs traffic from S to D is judged between. A
// gateway endpoint is reached only from subnets whose route table it is
// associated with (elsewhere its service's traffic goes where the route to
// the internet goes, a flow to the internet), unless all is set.
func (a *analysis) pairs(S, D *party, all bool) [][2]loc {
	var out [][2]loc
	add := func(srcs, dsts []loc) {
		for _, ls := range srcs {
			for _, ld := range dsts {
				if ls.noAddr && ld.noAddr {
					continue
				}
				if ls.is6() == ld.is6() {
					out = append(out, [2]loc{ls, ld})
				}
			}
		}
	}
	switch {
	case S.kind == gatewayParty, S.kind == internetParty && D.kind != groupsParty:
	case S.kind == internetParty:
		add(S.locs, append(slices.Clone(D.locs), D.noAddr...))
	case D.kind == internetParty:
		add(append(slices.Clone(S.locs), S.noAddr...), D.locs)
	case D.kind == gatewayParty && !all:
		var routed []loc
		for _, l := range S.locs {
			if a.gatewayRoute(l.subnet, D.gateway, AllPorts).admit != nil {
				routed = append(routed, l)
			}
		}
		add(routed, D.locs)
	default:
		add(S.locs, D.locs)
	}
	return out
}

// piece is the aggregate, over location pairs, of what happens to a run
// of ports.
type piece struct {
	ports       Ports
	status      Status
	hops        []Hop
	note        string
	intended    string
	accepted    string
	sgURNs      []string
	unknownURNs []string
}

func (p piece) signature() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s|%s|", p.ports, p.status, p.note, p.intended, p.accepted)
	for _, h := range p.hops {
		fmt.Fprintf(&b, "%s:%s:%s:%s;", h.Name, h.Verdict, strings.Join(h.Rules, ","), h.Detail)
	}
	return b.String()
}

type entry struct {
	ls, ld           loc
	seg              segment
	intent, accepted string
}

// intentOf is the intended flow that covers ports from (S, ls) to
// (D, ld), if any. A party's traffic to itself is intended only by name.
func (a *analysis) intentOf(S *party, ls loc, D *party, ld loc, proto Protocol, ports Ports) (Intended, bool) {
	for _, f := range a.in.Flows {
		self := f.From.Group != "" && f.From.Group == f.To.Group
		if S == D && !self || f.Protocol != proto || !f.From.matches(S, ls) || !f.To.matches(D, ld) {
			continue
		}
		if !proto.ported() || f.Ports.Covers(ports) {
			return f, true
		}
	}
	return Intended{}, false
}

func askFor(proto Protocol) Ports {
	if proto.ported() {
		return AllPorts
	}
	return Port(0)
}

// flows is every flow the security groups admit, per source, destination,
// protocol and run of ports.
func (a *analysis) flows() []Flow {
	var out []Flow
	for _, S := range a.parties {
		for _, D := range a.parties {
			for _, proto := range FlowProtocols {
				out = append(out, a.flowsBetween(S, D, proto)...)
			}
		}
	}
	return out
}

func (a *analysis) flowsBetween(S, D *party, proto Protocol) []Flow {
	pairs := a.pairs(S, D, false)
	if len(pairs) == 0 {
		return nil
	}
	var extra []Ports
	for _, f := range a.in.Flows {
		if f.Protocol == proto {
			extra = append(extra, f.Ports)
		}
	}
	ask := askFor(proto)
	// Entries by the piece of the internet at one end ("" for none).
	bySource := map[string][]entry{}
	var keys []string
	for _, p := range pairs {
		key := ""
		switch {
		case S.kind == internetParty:
			key = p[0].addr.String()
		case D.kind == internetParty:
			key = p[1].addr.String()
		}
		for _, seg := range segments(a.leg(S, p[0], D, p[1], proto, ask), ask, extra...) {
			if !seg.sgAdmitted {
				continue
			}
			if _, ok := bySource[key]; !ok {
				keys = append(keys, key)
			}
			in, _ := a.intentOf(S, p[0], D, p[1], proto, seg.ports)
			bySource[key] = append(bySource[key], entry{ls: p[0], ld: p[1], seg: seg, intent: in.Name, accepted: in.Accepted})
		}
	}
	// Pieces of the internet that fare alike are one source.
	type group struct {
		sig     string
		sources []netip.Prefix
		pieces  []piece
	}
	var groups []*group
	for _, key := range keys {
		pieces := a.aggregate(bySource[key], proto)
		var sig strings.Builder
		for _, p := range pieces {
			sig.WriteString(p.signature() + "\n")
		}
		i := slices.IndexFunc(groups, func(g *group) bool { return g.sig == sig.String() })
		if i < 0 {
			groups = append(groups, &group{sig: sig.String(), pieces: pieces})
			i = len(groups) - 1
		}
		if key != "" {
			groups[i].sources = append(groups[i].sources, netip.MustParsePrefix(key))
		}
	}
	var out []Flow
	for _, g := range groups {
		from, to := S.label, D.label
		switch {
		case S.kind == internetParty:
			from = a.internetLabel(S, g.sources)
		case D.kind == internetParty:
			to = a.internetLabel(D, g.sources)
		}
		for _, p := range g.pieces {
			f := Flow{From: from, To: to, Protocol: proto, Status: p.status, Intended: p.intended, Accepted: p.accepted, Note: p.note, Hops: p.hops}
			if proto.ported() {
				f.Ports = p.ports.String()
			}
			out = append(out, f)
			a.rows = append(a.rows, row{flow: f, sgURNs: p.sgURNs, unknownURNs: p.unknownURNs})
		}
	}
	return out
}

// internetLabel names pieces of the internet: "internet" for all of its
// IPv4 addresses, "internet (IPv6)" for all of IPv6, else the ranges.
func (a *analysis) internetLabel(S *party, sources []netip.Prefix) string {
	var all4, all6, got4, got6 int
	for _, l := range S.locs {
		if l.addr.Addr().Is4() {
			all4++
		} else {
			all6++
		}
	}
	for _, s := range sources {
		if s.Addr().Is4() {
			got4++
		} else {
			got6++
		}
	}
	switch {
	case got4 == all4 && got6 == all6:
		return "internet"
	case got4 == all4 && got6 == 0:
		return "internet"
	case got6 == all6 && got4 == 0:
		return "internet (IPv6)"
	}
	return "internet " + prefixList(merge(sources))
}

// aggregate joins the entries of one source into runs of ports, each
// judged over every location pair that the security groups admit it
// between.
func (a *analysis) aggregate(entries []entry, proto Protocol) []piece {
	var bounds []int
	for _, e := range entries {
		for _, r := range e.seg.ports {
			bounds = append(bounds, r.From, r.To+1)
		}
	}
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)
	var out []piece
	for i := 0; i+1 < len(bounds); i++ {
		run := PortRange(bounds[i], bounds[i+1]-1)
		var in []entry
		for _, e := range entries {
			if e.seg.ports.Covers(run) {
				in = append(in, e)
			}
		}
		if len(in) == 0 {
			continue
		}
		p := a.combine(in, run, proto)
		if n := len(out); n > 0 && out[n-1].ports[len(out[n-1].ports)-1].To+1 == run[0].From {
			prev := out[n-1]
			prev.ports = run
			if prev.signature() == p.signature() {
				out[n-1].ports = out[n-1].ports.Union(run)
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// combine is what happens to a run of ports over several location pairs.
func (a *analysis) combine(in []entry, run Ports, proto Protocol) piece {
	p := piece{ports: run, intended: in[0].intent, accepted: in[0].accepted}
	admitted, undecided := 0, 0
	var firstDrop, gapNote string
	type merged struct {
		hop    Hop
		counts map[Verdict]int
		detail string
	}
	var hops []*merged
	for _, e := range in {
		seg := e.seg
		seg.ports = run
		if e.intent != p.intended {
			p.intended = ""
		}
		switch seg.status {
		case Admitted:
			admitted++
		case NotJudged:
			undecided++
		}
		for i, h := range seg.displayHops() {
			j := slices.IndexFunc(hops, func(m *merged) bool { return m.hop.Name == h.Name })
			if j < 0 {
				hops = append(hops, &merged{hop: Hop{Name: h.Name}, counts: map[Verdict]int{}})
				j = len(hops) - 1
			}
			m := hops[j]
			m.counts[h.Verdict]++
			m.hop.Rules = append(m.hop.Rules, h.Rules...)
			if h.Detail != "" && m.detail == "" {
				m.detail = h.Detail
			}
			eval := seg.hops[i]
			if strings.Contains(h.Name, "security group") {
				for _, x := range eval.hits {
					if !x.ports.Intersect(run).Empty() && x.urn != "" {
						p.sgURNs = append(p.sgURNs, x.urn)
					}
				}
			}
			if h.Verdict == Undecided {
				p.unknownURNs = append(p.unknownURNs, eval.unknownURNs...)
			}
		}
		if seg.status == Dropped && firstDrop == "" {
			h := seg.hops[seg.drop]
			firstDrop = fmt.Sprintf("dropped at %s: %s", h.name, seg.displayHops()[seg.drop].Detail)
			if e.ls.subnet != nil || e.ld.subnet != nil {
				firstDrop += " (" + pairName(e.ls, e.ld) + ")"
			}
		}
		if seg.status != Dropped && !seg.gap.Empty() && gapNote == "" {
			gapNote = fmt.Sprintf("replies to %s dropped at %s", seg.gap, seg.hops[seg.gapHop].name)
			if why := a.gapAccepted(seg.gap); why != "" {
				gapNote += " (accepted: " + why + ")"
			}
		}
	}
	switch {
	case admitted == len(in):
		p.status = Admitted
	case admitted > 0:
		p.status = Admitted
		p.note = fmt.Sprintf("admitted between %d of %d subnet pairs; %s", admitted, len(in), firstDrop)
	case undecided > 0:
		p.status = NotJudged
	default:
		p.status = Dropped
		p.note = firstDrop
	}
	if gapNote != "" {
		p.note = strings.TrimPrefix(p.note+"; "+gapNote, "; ")
	}
	// Hops in the order traffic meets them; a hop only some pairs cross
	// (a network ACL, between subnets) is judged over those.
	slices.SortStableFunc(hops, func(x, y *merged) int { return hopRank(x.hop.Name) - hopRank(y.hop.Name) })
	for _, m := range hops {
		h := m.hop
		total := 0
		for _, n := range m.counts {
			total += n
		}
		switch {
		case m.counts[Undecided] > 0:
			h.Verdict = Undecided
		case m.counts[Admits] == total:
			h.Verdict = Admits
		case m.counts[Drops] == total:
			h.Verdict = Drops
		default:
			h.Verdict = Partly
		}
		if h.Verdict != Admits {
			h.Detail = m.detail
		}
		slices.Sort(h.Rules)
		h.Rules = slices.Compact(h.Rules)
		p.hops = append(p.hops, h)
	}
	slices.Sort(p.sgURNs)
	p.sgURNs = slices.Compact(p.sgURNs)
	slices.Sort(p.unknownURNs)
	p.unknownURNs = slices.Compact(p.unknownURNs)
	return p
}

// hopOrder is the order traffic meets the hops in.
var hopOrder = []string{
	"source security group (egress)", "address", "source NACL (outbound)", "route",
	"NAT gateway's NACL (inbound)", "NAT gateway's NACL (outbound)", "NAT gateway's route",
	"destination NACL (inbound)", "destination security group (ingress)",
	"destination NACL (outbound reply)", "NAT gateway's NACL (inbound reply)", "NAT gateway's NACL (outbound reply)", "source NACL (inbound reply)",
}

func hopRank(name string) int {
	if i := slices.Index(hopOrder, name); i >= 0 {
		return i
	}
	return len(hopOrder)
}

func pairName(ls, ld loc) string {
	name := func(l loc) string {
		if l.subnet != nil {
			return l.subnet.Name
		}
		return "the internet"
	}
	return name(ls) + " to " + name(ld)
}

// gapAccepted is why the intent lets the network ACLs drop replies to
// gap, or "" when it does not.
func (a *analysis) gapAccepted(gap Ports) string {
	var ok Ports
	var why []string
	for _, g := range a.in.ReplyGaps {
		if !g.Ports.Intersect(gap).Empty() {
			ok = ok.Union(g.Ports)
			why = append(why, g.Reason)
		}
	}
	if !ok.Covers(gap) {
		return ""
	}
	return strings.Join(why, "; ")
}

// unacceptedGap is the part of gap the intent does not accept.
func (a *analysis) unacceptedGap(gap Ports) Ports {
	for _, g := range a.in.ReplyGaps {
		gap = gap.Minus(g.Ports)
	}
	return gap
}
