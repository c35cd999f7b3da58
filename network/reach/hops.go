package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// hit is a rule that decides some ports at a hop.
type hit struct {
	label, urn string
	ports      Ports
}

// hopEval is one hop's decision over the ports asked of it.
type hopEval struct {
	name  string
	reply bool
	// admit and unknown partition part of the ports asked; the rest is
	// dropped.
	admit, unknown Ports
	hits, denies   []hit
	// asked is the ports asked of the hop.
	asked Ports
	// why says what drops the ports given; dropURN is the resource to fix.
	why     func(Ports) string
	dropURN string
	// unknownURNs are the elements whose unknown inputs left ports
	// undecided.
	unknownURNs []string
}

// peer is the other end of traffic at a hop: an address range, or a
// gateway endpoint's service (whose addresses the plan does not hold).
type peer struct {
	addr    netip.Prefix
	service bool
	party   *party
}

func (p peer) describe() string {
	switch {
	case p.service:
		return "the " + p.party.label + " service's addresses"
	case p.party != nil && p.party.kind == internetParty:
		return "the internet"
	}
	return p.addr.String()
}

// cidrMatches reports whether a rule's range holds the peer: a gateway
// endpoint's service addresses lie somewhere in the internet, so only a
// range of the whole IPv4 internet is known to hold them.
func cidrMatches(c netip.Prefix, p peer) bool {
	if p.service {
		return c == AnyIPv4
	}
	return p.addr.IsValid() && contains(c, p.addr)
}

// ruleRange is the ports a rule of protocol covers: every one for a
// protocol without ports.
func ruleRange(rule Protocol, ports Ports, flow Protocol) Ports {
	if rule == AnyIP || !flow.ported() {
		return AllPorts
	}
	return ports
}

// groupHop is a security group hop: the union of the groups' rules of one
// direction that name the peer.
func (a *analysis) groupHop(name string, groups []string, egress bool, to peer, proto Protocol, ask Ports) hopEval {
	h := hopEval{name: name, asked: ask}
	for _, gu := range groups {
		g, ok := a.groups[gu]
		if !ok {
			h.unknown = h.unknown.Union(ask)
			h.unknownURNs = append(h.unknownURNs, gu)
			continue
		}
		for _, r := range g.Rules {
			if r.Egress != egress {
				continue
			}
			if r.Unknown != "" {
				if r.Protocol == "" || r.Protocol.matches(proto) {
					h.unknown = h.unknown.Union(ask.Intersect(ruleRange(r.Protocol, r.Ports, proto)))
					h.unknownURNs = append(h.unknownURNs, r.URN)
				}
				continue
			}
			if !r.Protocol.matches(proto) || !a.ruleNames(r, to) {
				continue
			}
			ports := ask.Intersect(ruleRange(r.Protocol, r.Ports, proto))
			if ports.Empty() {
				continue
			}
			h.admit = h.admit.Union(ports)
			h.hits = append(h.hits, hit{label: r.Name, urn: r.URN, ports: ports})
		}
	}
	h.unknown = h.unknown.Minus(h.admit)
	if len(groups) > 0 {
		h.dropURN = groups[0]
	}
	dir := "ingress from"
	if egress {
		dir = "egress to"
	}
	var names []string
	for _, g := range groups {
		names = append(names, a.name(g))
	}
	h.why = func(ports Ports) string {
		return fmt.Sprintf("no rule of %s allows %s %s on %s", strings.Join(names, ", "), dir, to.label(), protoPorts(proto, ports))
	}
	return h
}

func (p peer) label() string {
	if p.party == nil || p.party.kind == internetParty {
		return p.addr.String()
	}
	return p.party.label
}

// ruleNames reports whether a security group rule's peer is p.
func (a *analysis) ruleNames(r GroupRule, p peer) bool {
	for _, c := range r.CIDRs {
		if cidrMatches(c, p) {
			return true
		}
	}
	if p.party == nil {
		return false
	}
	switch p.party.kind {
	case groupsParty:
		for _, g := range r.Groups {
			if slices.Contains(p.party.groups, g) {
				return true
			}
		}
	case gatewayParty:
		return slices.Contains(r.Gateways, p.party.gateway.URN)
	}
	return false
}

func (a *analysis) name(urn string) string {
	switch {
	case a.groups[urn] != nil:
		return a.groups[urn].Name
	case a.nacls[urn] != nil:
		return a.nacls[urn].Name
	case a.rts[urn] != nil:
		return a.rts[urn].Name
	case a.subnets[urn] != nil:
		return a.subnets[urn].Name
	}
	return urn
}

// naclHop is a network ACL hop: its entries of one direction in number
// order, the first that matches a port deciding it, the rest denied.
func (a *analysis) naclHop(name string, s *Subnet, egress bool, to peer, proto Protocol, ask Ports) hopEval {
	h := hopEval{name: name, asked: ask}
	acl, ok := a.nacls[s.NACL]
	if !ok {
		h.unknown = ask
		h.unknownURNs = []string{s.URN}
		h.why = fixed("the network ACL of " + s.Name + " is not in the plan")
		return h
	}
	h.dropURN = acl.URN
	entries := slices.Clone(acl.Entries)
	slices.SortStableFunc(entries, func(x, y NACLEntry) int { return x.Number - y.Number })
	rest := ask
	for _, e := range entries {
		if e.Egress != egress || rest.Empty() {
			continue
		}
		if e.Unknown != "" {
			if e.Protocol == "" || e.Protocol.matches(proto) {
				u := rest.Intersect(ruleRange(e.Protocol, e.Ports, proto))
				h.unknown = h.unknown.Union(u)
				rest = rest.Minus(u)
				h.unknownURNs = append(h.unknownURNs, e.URN)
			}
			continue
		}
		if !e.Protocol.matches(proto) || !cidrMatches(e.CIDR, to) {
			continue
		}
		ports := rest.Intersect(ruleRange(e.Protocol, e.Ports, proto))
		if ports.Empty() {
			continue
		}
		rest = rest.Minus(ports)
		label := fmt.Sprintf("%s (#%d)", e.Name, e.Number)
		if e.Allow {
			h.admit = h.admit.Union(ports)
			h.hits = append(h.hits, hit{label: label, urn: e.URN, ports: ports})
		} else {
			h.denies = append(h.denies, hit{label: label, urn: e.URN, ports: ports})
		}
	}
	dir := "inbound from"
	if egress {
		dir = "outbound to"
	}
	h.why = func(ports Ports) string {
		return fmt.Sprintf("no entry of %s allows %s %s on %s", acl.Name, dir, to.describe(), protoPorts(proto, ports))
	}
	return h
}

// fixed is a reason that does not depend on the ports.
func fixed(why string) func(Ports) string { return func(Ports) string { return why } }

// reason is why the hop drops ports.
func (h hopEval) reason(ports Ports) string {
	if h.why == nil {
		return "dropped"
	}
	return h.why(ports)
}

func protoPorts(p Protocol, ports Ports) string {
	if !p.ported() {
		return string(p)
	}
	return fmt.Sprintf("%s %s", p, ports)
}

// lookup is the route a subnet's table takes to dst: the local route
// inside the VPC, else the longest prefix that holds dst. known is false
// when an unknown route may be the one.
func (a *analysis) lookup(s *Subnet, dst netip.Prefix) (r *Route, local, known bool) {
	if v, ok := a.vpcs[s.VPC]; ok {
		for _, c := range v.CIDRs {
			if contains(c, dst) {
				return nil, true, true
			}
		}
	}
	rt, ok := a.rts[s.RouteTable]
	if !ok {
		return nil, false, s.RouteTable == "" // the main route table: local only
	}
	known = true
	for i := range rt.Routes {
		route := &rt.Routes[i]
		if route.Unknown != "" {
			known = false
			continue
		}
		if route.Gateway != "" || !route.Dest.IsValid() || !contains(route.Dest, dst) {
			continue
		}
		if r == nil || route.Dest.Bits() > r.Dest.Bits() {
			r = route
		}
	}
	return r, false, known
}

func (a *analysis) tableName(s *Subnet) string {
	if rt, ok := a.rts[s.RouteTable]; ok {
		return rt.Name
	}
	return "the main route table of " + s.Name
}

func (a *analysis) tableURN(s *Subnet) string {
	if s.RouteTable != "" {
		return s.RouteTable
	}
	return s.URN
}

// routeHop is the route from subnet s to dst, and the NAT gateway's
// subnet when the route goes through one.
func (a *analysis) routeHop(name string, s *Subnet, dst netip.Prefix, public bool, ask Ports) (hopEval, *Subnet) {
	h := hopEval{name: name, asked: ask, dropURN: a.tableURN(s)}
	r, local, known := a.lookup(s, dst)
	switch {
	case local:
		h.admit = ask
		h.hits = []hit{{label: a.tableName(s) + ": local", ports: ask}}
		return h, nil
	case !known:
		h.unknown = ask
		h.unknownURNs = []string{a.tableURN(s)}
		return h, nil
	case r == nil:
		h.why = fixed(fmt.Sprintf("%s has no route out of the VPC", a.tableName(s)))
		return h, nil
	}
	label := fmt.Sprintf("%s: %s → %s", a.tableName(s), r.Dest, r.TargetName)
	switch r.Target {
	case ToInternetGateway:
		if !public {
			h.why = fixed(fmt.Sprintf("%s routes %s to an internet gateway, which only carries traffic of public addresses, and the source has none", a.tableName(s), r.Dest))
			return h, nil
		}
		h.admit = ask
		h.hits = []hit{{label: label, urn: r.URN, ports: ask}}
		return h, nil
	case ToNATGateway:
		nat, ok := a.nats[r.TargetURN]
		if !ok {
			h.unknown = ask
			h.unknownURNs = []string{r.URN}
			return h, nil
		}
		if nat.Private {
			h.why = fixed(fmt.Sprintf("%s routes %s to the private NAT gateway %s, which does not reach the internet", a.tableName(s), r.Dest, nat.Name))
			return h, nil
		}
		ns, ok := a.subnets[nat.Subnet]
		if !ok {
			h.unknown = ask
			h.unknownURNs = []string{nat.URN}
			return h, nil
		}
		h.admit = ask
		h.hits = []hit{{label: label, urn: r.URN, ports: ask}}
		return h, ns
	}
	h.unknown = ask
	h.unknownURNs = []string{r.URN}
	h.why = fixed(fmt.Sprintf("%s sends %s to %s, which leaves what this analysis models", a.tableName(s), r.Dest, r.TargetName))
	return h, nil
}

// gatewayRoute is the route from subnet s to a gateway endpoint: its route
// table must be one of the endpoint's.
func (a *analysis) gatewayRoute(s *Subnet, g *GatewayEndpoint, ask Ports) hopEval {
	h := hopEval{name: "route", asked: ask, dropURN: g.URN}
	if slices.Contains(g.RouteTables, s.RouteTable) && s.RouteTable != "" {
		h.admit = ask
		h.hits = []hit{{label: fmt.Sprintf("%s: prefix list of %s → %s", a.tableName(s), g.Service, g.Name), urn: g.URN, ports: ask}}
		return h
	}
	for _, rt := range a.n.RouteTables {
		if rt.URN != s.RouteTable {
			continue
		}
		for _, r := range rt.Routes {
			if r.Gateway == g.URN {
				h.admit = ask
				h.hits = []hit{{label: fmt.Sprintf("%s: prefix list of %s → %s", rt.Name, g.Service, g.Name), urn: r.URN, ports: ask}}
				return h
			}
		}
	}
	if g.RouteTablesUnknown || s.RouteTable == "" {
		h.unknown = ask
		h.unknownURNs = []string{g.URN}
		h.why = fixed(fmt.Sprintf("whether %s is associated with the gateway endpoint %s is not known until the deployment", a.tableName(s), g.Name))
		return h
	}
	h.why = fixed(fmt.Sprintf("%s is not associated with the gateway endpoint %s", a.tableName(s), g.Name))
	return h
}

// inboundRoute is the route back to the internet from a destination in
// subnet s: only an internet gateway route carries a connection the
// internet opens, and only to a public address.
func (a *analysis) inboundRoute(s *Subnet, from netip.Prefix, public bool, ask Ports) hopEval {
	h := hopEval{name: "route", asked: ask, dropURN: a.tableURN(s)}
	r, _, known := a.lookup(s, from)
	switch {
	case !known:
		h.unknown = ask
		h.unknownURNs = []string{a.tableURN(s)}
	case r == nil || r.Target != ToInternetGateway:
		h.why = fixed(fmt.Sprintf("%s has no internet gateway route: the internet cannot open connections into %s", a.tableName(s), s.Name))
	case !public:
		h.why = fixed(fmt.Sprintf("nothing of the destination in %s has a public address", s.Name))
		h.dropURN = s.URN
	default:
		h.admit = ask
		h.hits = []hit{{label: fmt.Sprintf("%s: %s → %s", a.tableName(s), r.Dest, r.TargetName), urn: r.URN, ports: ask}}
	}
	return h
}

// leg is every hop of traffic from (S, ls) to (D, ld) on the ports asked:
// the request's hops, then the reply's (on the client's ephemeral ports).
func (a *analysis) leg(S *party, ls loc, D *party, ld loc, proto Protocol, ask Ports) []hopEval {
	ephemeral, natEphemeral := ClientEphemeral, NATEphemeral
	if !proto.ported() {
		ephemeral, natEphemeral = Port(0), Port(0)
	}
	src := peer{addr: ls.addr, party: S}
	dst := peer{addr: ld.addr, party: D, service: D.kind == gatewayParty}
	var req, rep []hopEval
	if S.kind == groupsParty {
		req = append(req, a.groupHop("source security group (egress)", S.groups, true, dst, proto, ask))
	}
	if ls.noAddr || ld.noAddr {
		s := ls.subnet
		if ld.noAddr {
			s = ld.subnet
		}
		fam := "IPv4"
		if ls.is6() || ld.is6() {
			fam = "IPv6"
		}
		req = append(req, hopEval{name: "address", asked: ask, why: fixed(fmt.Sprintf("%s has no %s range", s.Name, fam)), dropURN: s.URN})
		if D.kind == groupsParty {
			req = append(req, a.groupHop("destination security group (ingress)", D.groups, false, src, proto, ask))
		}
		return req
	}
	switch {
	case S.kind == internetParty:
		s := ld.subnet
		req = append(req,
			a.inboundRoute(s, ls.addr, ld.public, ask),
			a.naclHop("destination NACL (inbound)", s, false, src, proto, ask))
		rep = append(rep, a.naclHop("destination NACL (outbound reply)", s, true, src, proto, ephemeral))
	case D.kind == internetParty:
		s := ls.subnet
		req = append(req, a.naclHop("source NACL (outbound)", s, true, dst, proto, ask))
		route, natSubnet := a.routeHop("route", s, ld.addr, ls.public, ask)
		req = append(req, route)
		if natSubnet != nil {
			if natSubnet != s {
				req = append(req, a.naclHop("NAT gateway's NACL (inbound)", natSubnet, false, src, proto, ask))
			}
			req = append(req, a.naclHop("NAT gateway's NACL (outbound)", natSubnet, true, dst, proto, ask))
			natRoute, _ := a.routeHop("NAT gateway's route", natSubnet, ld.addr, true, ask)
			req = append(req, natRoute)
			rep = append(rep, a.naclHop("NAT gateway's NACL (inbound reply)", natSubnet, false, dst, proto, natEphemeral))
			if natSubnet != s {
				rep = append(rep, a.naclHop("NAT gateway's NACL (outbound reply)", natSubnet, true, src, proto, ephemeral))
			}
		}
		rep = append(rep, a.naclHop("source NACL (inbound reply)", s, false, dst, proto, ephemeral))
	case D.kind == gatewayParty:
		s := ls.subnet
		req = append(req, a.naclHop("source NACL (outbound)", s, true, dst, proto, ask), a.gatewayRoute(s, D.gateway, ask))
		rep = append(rep, a.naclHop("source NACL (inbound reply)", s, false, dst, proto, ephemeral))
	default:
		if ls.subnet != ld.subnet {
			if ls.subnet.VPC != ld.subnet.VPC {
				req = append(req, hopEval{name: "route", asked: ask, unknown: ask, unknownURNs: []string{ls.subnet.URN},
					why: fixed("the subnets are in different VPCs; peering is not modelled")})
			} else {
				req = append(req,
					a.naclHop("source NACL (outbound)", ls.subnet, true, dst, proto, ask),
					hopEval{name: "route", asked: ask, admit: ask, hits: []hit{{label: a.tableName(ls.subnet) + ": local", ports: ask}}},
					a.naclHop("destination NACL (inbound)", ld.subnet, false, src, proto, ask))
				rep = append(rep,
					a.naclHop("destination NACL (outbound reply)", ld.subnet, true, src, proto, ephemeral),
					a.naclHop("source NACL (inbound reply)", ls.subnet, false, dst, proto, ephemeral))
			}
		}
	}
	if D.kind == groupsParty {
		req = append(req, a.groupHop("destination security group (ingress)", D.groups, false, src, proto, ask))
	}
	for i := range rep {
		rep[i].reply = true
	}
	return append(req, rep...)
}

// segment is a run of ports every hop treats alike.
type segment struct {
	ports      Ports
	hops       []hopEval
	status     Status
	drop       int // index of the hop that drops it, or -1
	sgAdmitted bool
	// gap is the reply ports dropped; gapHop the hop that drops them.
	gap    Ports
	gapHop int
}

// segments splits the ports asked of a leg into runs decided alike,
// cutting also at extra's bounds.
func segments(hops []hopEval, ask Ports, extra ...Ports) []segment {
	var bounds []int
	add := func(ps Ports) {
		for _, r := range ps {
			bounds = append(bounds, r.From, r.To+1)
		}
	}
	add(ask)
	for _, h := range hops {
		if h.reply {
			continue
		}
		add(h.admit)
		add(h.unknown)
		for _, x := range append(slices.Clone(h.hits), h.denies...) {
			add(x.ports)
		}
	}
	for _, e := range extra {
		add(e)
	}
	slices.Sort(bounds)
	bounds = slices.Compact(bounds)
	var out []segment
	// last is what the hops do to out's last segment, kept until a merge
	// changes its ports: rendering the hops (their reasons name the ports)
	// is most of an analysis's cost.
	var last []Hop
	for i := 0; i+1 < len(bounds); i++ {
		piece := PortRange(bounds[i], bounds[i+1]-1).Intersect(ask)
		if piece.Empty() {
			continue
		}
		s := judge(hops, piece)
		n := len(out)
		if n == 0 || !sameVerdicts(out[n-1], s) {
			out, last = append(out, s), nil
			continue
		}
		if last == nil {
			last = out[n-1].displayHops()
		}
		cur := s.displayHops()
		if sameHops(last, cur) {
			out[n-1].ports = out[n-1].ports.Union(piece)
			last = nil
			continue
		}
		out, last = append(out, s), cur
	}
	return out
}

func judge(hops []hopEval, piece Ports) segment {
	s := segment{ports: piece, hops: hops, drop: -1, gapHop: -1, sgAdmitted: true, status: Admitted}
	undecided := false
	for i, h := range hops {
		if h.reply {
			continue
		}
		sg := strings.Contains(h.name, "security group")
		switch {
		case h.admit.Covers(piece):
		case h.unknown.Covers(piece):
			undecided = true
			// A flow is listed only where the security groups are known
			// to admit it; an unknown rule is a finding of its own.
			s.sgAdmitted = s.sgAdmitted && !sg
		default:
			s.sgAdmitted = s.sgAdmitted && !sg
			if s.drop < 0 {
				s.drop = i
			}
		}
	}
	switch {
	case s.drop >= 0:
		s.status = Dropped
		return s
	case undecided:
		s.status = NotJudged
	}
	// The reply: dropped when a hop admits none of it, otherwise admitted
	// with the ports some hop drops.
	for i, h := range hops {
		if !h.reply {
			continue
		}
		switch {
		case h.admit.Empty() && h.unknown.Empty():
			s.status, s.drop = Dropped, i
			return s
		case h.admit.Empty():
			s.status = NotJudged
		}
		if g := h.asked.Minus(h.admit).Minus(h.unknown); !g.Empty() {
			s.gap = s.gap.Union(g)
			if s.gapHop < 0 {
				s.gapHop = i
			}
		}
	}
	return s
}

// sameVerdicts reports whether two segments end alike (status, the hop
// that drops, the reply's gap); sameHops then compares what each hop does.
// Two segments are decided alike when both hold.
func sameVerdicts(x, y segment) bool {
	return x.status == y.status && x.drop == y.drop && x.sgAdmitted == y.sgAdmitted && x.gapHop == y.gapHop && x.gap.Equal(y.gap)
}

func sameHops(a, b []Hop) bool {
	return slices.EqualFunc(a, b, func(p, q Hop) bool {
		return p.Name == q.Name && p.Verdict == q.Verdict && slices.Equal(p.Rules, q.Rules) && p.Detail == q.Detail
	})
}

// displayHops is what each hop does to the segment's ports.
func (s segment) displayHops() []Hop {
	out := make([]Hop, 0, len(s.hops))
	for _, h := range s.hops {
		d := Hop{Name: h.name}
		ports := s.ports
		if h.reply {
			ports = h.asked
		}
		switch {
		case h.admit.Covers(ports):
			d.Verdict = Admits
		case h.reply && !h.admit.Empty():
			d.Verdict = Partly
			d.Detail = h.reason(ports.Minus(h.admit).Minus(h.unknown))
		case h.unknown.Covers(ports) || (h.reply && !h.unknown.Empty()):
			d.Verdict = Undecided
			d.Detail = "inputs not known until the deployment"
		default:
			d.Verdict = Drops
			d.Detail = h.reason(ports.Minus(h.admit))
		}
		for _, x := range h.hits {
			if !x.ports.Intersect(ports).Empty() {
				d.Rules = append(d.Rules, x.label)
			}
		}
		if d.Verdict == Drops || d.Verdict == Partly {
			for _, x := range h.denies {
				if !x.ports.Intersect(ports).Empty() {
					d.Detail += "; " + x.label + " denies"
				}
			}
		}
		slices.Sort(d.Rules)
		d.Rules = slices.Compact(d.Rules)
		out = append(out, d)
	}
	return out
}
