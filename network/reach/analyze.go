package reach

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Status is what becomes of a flow.
type Status string

// Statuses.
const (
	// Admitted: every hop admits the request and its reply.
	Admitted Status = "admitted"
	// Dropped: a hop drops it.
	Dropped Status = "dropped"
	// NotJudged: a hop's inputs are not known until the deployment.
	NotJudged Status = "not judged"
)

// Verdict is what one hop does.
type Verdict string

// Verdicts.
const (
	Admits    Verdict = "admits"
	Drops     Verdict = "drops"
	Partly    Verdict = "admits part"
	Undecided Verdict = "not judged"
)

// Hop is one place a flow is filtered, and what there decides it.
type Hop struct {
	Name    string   `json:"hop"`
	Verdict Verdict  `json:"verdict"`
	Rules   []string `json:"rules,omitempty"`
	Detail  string   `json:"detail,omitempty"`
}

// Flow is traffic from one party to another that the security groups
// admit, with what every other hop does to it.
type Flow struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	Protocol Protocol `json:"protocol"`
	Ports    string   `json:"ports"`
	Status   Status   `json:"status"`
	// Intended names the intended flow it is; "" when none.
	Intended string `json:"intended,omitempty"`
	// Accepted is why the intent tolerates it, when it does.
	Accepted string `json:"accepted,omitempty"`
	Note     string `json:"note,omitempty"`
	Hops     []Hop  `json:"hops"`
}

// Key identifies a flow across two analyses (for a diff).
func (f Flow) Key() string {
	return fmt.Sprintf("%s → %s %s %s", f.From, f.To, f.Protocol, f.Ports)
}

// What names the flow for people: "internet → lb tcp 443".
func (f Flow) What() string {
	if f.Ports == "" {
		return fmt.Sprintf("%s → %s %s", f.From, f.To, f.Protocol)
	}
	return fmt.Sprintf("%s → %s %s %s", f.From, f.To, f.Protocol, f.Ports)
}

// Kind is what a finding says.
type Kind string

// Finding kinds.
const (
	// Unintended: the security groups admit a flow no intended flow covers.
	Unintended Kind = "unintended"
	// Blocked: a hop drops an intended flow.
	Blocked Kind = "dropped"
	// Missing: a required intended flow has no source or destination.
	Missing Kind = "missing"
	// Unjudged: a hop's inputs are not known until the deployment.
	Unjudged Kind = "not judged"
)

// Finding is one way the network differs from its intent.
type Finding struct {
	Kind Kind   `json:"kind"`
	Flow string `json:"flow"`
	// Intent is the intended flow a Blocked finding is about.
	Intent string `json:"intent,omitempty"`
	Hop    string `json:"hop,omitempty"`
	// EndToEnd is true when an unintended flow passes every hop.
	EndToEnd bool `json:"endToEnd,omitempty"`
	// Rules name what admits an unintended flow, or what drops an
	// intended one.
	Rules   []string `json:"rules,omitempty"`
	Message string   `json:"message"`
	// URNs are the resources the finding is about.
	URNs []string `json:"urns,omitempty"`
}

// PartyInfo describes one source or destination.
type PartyInfo struct {
	Label   string   `json:"label"`
	Kind    string   `json:"kind"`
	Tier    string   `json:"tier,omitempty"`
	Members []string `json:"members,omitempty"`
	// Declared is true when the intent places it (no members in the plan).
	Declared bool `json:"declared,omitempty"`
}

// Result is the analysis of one network.
type Result struct {
	Parties  []PartyInfo `json:"parties"`
	Flows    []Flow      `json:"flows"`
	Findings []Finding   `json:"findings"`
}

// Failing returns the findings that block: unintended flows, dropped
// intended flows and missing ones.
func (r Result) Failing() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Kind != Unjudged {
			out = append(out, f)
		}
	}
	return out
}

type partyKind int

const (
	internetParty partyKind = iota
	groupsParty
	gatewayParty
)

type party struct {
	key, label string
	kind       partyKind
	groups     []string // URNs, sorted
	groupNames []string
	gateway    *GatewayEndpoint
	members    []*Member
	locs       []loc
	// noAddr are locations of a family the party's subnets lack, judged
	// only against the internet of that family.
	noAddr   []loc
	tier     string
	iface    bool
	declared bool
	unknown  []Unknown
}

// loc is one place a party's addresses are: a subnet's range, an internet
// range, or a gateway endpoint's service.
type loc struct {
	subnet *Subnet
	addr   netip.Prefix
	public bool
	// v6 is the family of a location without an address (noAddr).
	v6, noAddr bool
}

func (l loc) is6() bool {
	if l.noAddr {
		return l.v6
	}
	return l.addr.IsValid() && l.addr.Addr().Is6()
}

type analysis struct {
	n        Network
	in       Intent
	subnets  map[string]*Subnet
	nacls    map[string]*NACL
	rts      map[string]*RouteTable
	groups   map[string]*Group
	gateways map[string]*GatewayEndpoint
	nats     map[string]*NAT
	vpcs     map[string]*VPC
	unknown  map[string]Unknown
	parties  []*party
	// rows are the flows with the resources behind them.
	rows []row
}

type row struct {
	flow                Flow
	sgURNs, unknownURNs []string
}

// Analyze computes every flow the security groups of n admit, what every
// hop does to it, and how n differs from in.
func Analyze(n Network, in Intent) Result {
	a := &analysis{n: n, in: in, subnets: map[string]*Subnet{}, nacls: map[string]*NACL{}, rts: map[string]*RouteTable{},
		groups: map[string]*Group{}, gateways: map[string]*GatewayEndpoint{}, nats: map[string]*NAT{}, vpcs: map[string]*VPC{}, unknown: map[string]Unknown{}}
	for i := range n.Subnets {
		a.subnets[n.Subnets[i].URN] = &n.Subnets[i]
	}
	for i := range n.NACLs {
		a.nacls[n.NACLs[i].URN] = &n.NACLs[i]
	}
	for i := range n.RouteTables {
		a.rts[n.RouteTables[i].URN] = &n.RouteTables[i]
	}
	for i := range n.Groups {
		a.groups[n.Groups[i].URN] = &n.Groups[i]
	}
	for i := range n.Gateways {
		a.gateways[n.Gateways[i].URN] = &n.Gateways[i]
	}
	for i := range n.NATs {
		a.nats[n.NATs[i].URN] = &n.NATs[i]
	}
	for i := range n.VPCs {
		a.vpcs[n.VPCs[i].URN] = &n.VPCs[i]
	}
	for _, u := range n.Unknown {
		a.unknown[u.URN] = u
	}
	a.buildParties()
	var res Result
	for _, p := range a.parties {
		res.Parties = append(res.Parties, p.info())
	}
	res.Flows = a.flows()
	res.Findings = a.findings(res.Flows)
	return res
}

func trimName(name, prefix string) string {
	if prefix != "" && strings.HasPrefix(name, prefix) && len(name) > len(prefix) {
		return name[len(prefix):]
	}
	return name
}

func (p *party) info() PartyInfo {
	kinds := map[partyKind]string{internetParty: "internet", groupsParty: "security group", gatewayParty: "gateway endpoint"}
	info := PartyInfo{Label: p.label, Kind: kinds[p.kind], Tier: p.tier, Declared: p.declared}
	var services []string
	for _, m := range p.members {
		if m.Kind == KindInterfaceEndpoint {
			services = append(services, m.Detail)
			continue
		}
		info.Members = append(info.Members, m.Kind+" "+m.Name)
	}
	slices.Sort(services)
	if len(services) > 0 {
		info.Members = append(info.Members, "interface endpoints: "+strings.Join(slices.Compact(services), ", "))
	}
	slices.Sort(info.Members)
	info.Members = slices.Compact(info.Members)
	return info
}

// buildParties makes the internet, one party per set of security groups
// that members share (or the intent places), and one per gateway
// endpoint.
func (a *analysis) buildParties() {
	// Every range a rule names cuts the internet into pieces that every
	// rule treats alike.
	var cuts, inside []netip.Prefix
	for _, v := range a.n.VPCs {
		inside = append(inside, v.CIDRs...)
	}
	cuts = append(cuts, inside...)
	for _, g := range a.n.Groups {
		for _, r := range g.Rules {
			cuts = append(cuts, r.CIDRs...)
		}
	}
	for _, n := range a.n.NACLs {
		for _, e := range n.Entries {
			if e.CIDR.IsValid() {
				cuts = append(cuts, e.CIDR)
			}
		}
	}
	for _, rt := range a.n.RouteTables {
		for _, r := range rt.Routes {
			if r.Dest.IsValid() {
				cuts = append(cuts, r.Dest)
			}
		}
	}
	for _, f := range a.in.Flows {
		cuts = append(cuts, f.From.Internet...)
		cuts = append(cuts, f.To.Internet...)
	}
	internet := &party{key: "internet", label: "internet", kind: internetParty}
	for _, atom := range refine([]netip.Prefix{AnyIPv4, AnyIPv6}, cuts) {
		if !slices.ContainsFunc(inside, func(c netip.Prefix) bool { return contains(c, atom) }) {
			internet.locs = append(internet.locs, loc{addr: atom})
		}
	}
	a.parties = append(a.parties, internet)

	bySet := map[string]*party{}
	groupSet := func(urns []string) *party {
		urns = slices.Clone(urns)
		slices.Sort(urns)
		urns = slices.Compact(urns)
		key := strings.Join(urns, "+")
		if p, ok := bySet[key]; ok {
			return p
		}
		p := &party{key: key, kind: groupsParty, groups: urns}
		var labels []string
		for _, u := range urns {
			name := u
			if g, ok := a.groups[u]; ok {
				name = g.Name
			}
			p.groupNames = append(p.groupNames, name)
			labels = append(labels, trimName(name, a.in.NamePrefix))
		}
		p.label = strings.Join(labels, "+")
		bySet[key] = p
		a.parties = append(a.parties, p)
		return p
	}
	placed := map[string]bool{}
	for i := range a.n.Members {
		m := &a.n.Members[i]
		if len(m.Groups) == 0 {
			// No security group known: nothing this analysis can place
			// (an unknown one is a finding of its own).
			continue
		}
		p := groupSet(m.Groups)
		p.members = append(p.members, m)
		for _, g := range m.Groups {
			placed[g] = true
		}
		if m.Unknown != "" {
			p.unknown = append(p.unknown, Unknown{URN: m.URN, Name: m.Name, What: m.Unknown})
			continue
		}
		for _, s := range m.Subnets {
			a.place(p, s, m.Public)
		}
		if m.Kind == KindInterfaceEndpoint {
			p.iface = true
		}
	}
	// Groups whose members the plan does not create, placed by the intent.
	for _, g := range a.n.Groups {
		tier, ok := a.in.Placements[g.Name]
		if placed[g.URN] || !ok {
			continue
		}
		p := groupSet([]string{g.URN})
		p.declared = true
		for _, s := range a.n.Subnets {
			if s.Tier == tier {
				a.place(p, s.URN, false)
			}
		}
	}
	for _, p := range a.parties {
		if p.kind != groupsParty {
			continue
		}
		tiers := map[string]bool{}
		for _, l := range append(slices.Clone(p.locs), p.noAddr...) {
			tiers[l.subnet.Tier] = true
		}
		if len(tiers) == 1 {
			for t := range tiers {
				p.tier = t
			}
		}
	}
	for i := range a.n.Gateways {
		g := &a.n.Gateways[i]
		a.parties = append(a.parties, &party{key: g.URN, label: trimName(g.Name, a.in.NamePrefix), kind: gatewayParty, gateway: g,
			locs: []loc{{addr: AnyIPv4}}})
	}
	slices.SortStableFunc(a.parties, func(x, y *party) int {
		if c := cmp.Compare(x.kind, y.kind); c != 0 {
			return c
		}
		return strings.Compare(x.label, y.label)
	})
}

// place adds a subnet's ranges to p's locations, and a location without
// an address for a family the subnet lacks.
func (a *analysis) place(p *party, subnetURN string, public bool) {
	s, ok := a.subnets[subnetURN]
	if !ok {
		p.unknown = append(p.unknown, Unknown{URN: subnetURN, Name: subnetURN, What: "a subnet that is not in the plan"})
		return
	}
	has4, has6 := false, false
	for _, c := range s.CIDRs {
		i := slices.IndexFunc(p.locs, func(l loc) bool { return l.subnet == s && l.addr == c })
		if i >= 0 {
			p.locs[i].public = p.locs[i].public || public
		} else {
			p.locs = append(p.locs, loc{subnet: s, addr: c, public: public})
		}
		has4 = has4 || c.Addr().Is4()
		has6 = has6 || c.Addr().Is6()
	}
	for _, fam := range []struct{ v6, has bool }{{false, has4}, {true, has6}} {
		if !fam.has && !slices.ContainsFunc(p.noAddr, func(l loc) bool { return l.subnet == s && l.v6 == fam.v6 }) {
			p.noAddr = append(p.noAddr, loc{subnet: s, v6: fam.v6, noAddr: true})
		}
	}
}
