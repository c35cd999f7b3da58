package compliance

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network/reach"
)

// securityGroupTypes are the types a security group reference resolves to.
var securityGroupTypes = []string{restype.EC2SecurityGroup, restype.EC2DefaultSecurityGroup}

// naclTypesByID are the types a network ACL id resolves to.
var naclTypesByID = []string{restype.EC2NetworkACL, restype.EC2DefaultNetworkACL}

// ref is what a reference input names: resources of the graph, ids of
// resources outside it, or nothing known yet.
type ref struct {
	urns     []string
	external []string
	unknown  bool
}

// refs resolves the reference input at path of r (an id, or a list of
// ids) to resources of types: by id where ids are known (the offline
// plan, a preview's unchanged resources), else by the engine's property
// dependencies, which name the resource a value came from even where its
// id is not known yet. A list of n unknown ids that depends on exactly n
// resources of the types names those; anything less certain is unknown.
func (g *Graph) refs(r Resource, path string, types ...string) ref {
	top, _, _ := strings.Cut(path, ".")
	var cands []Resource
	for _, u := range r.PropertyDependencies[top] {
		if c, ok := g.byURNOf(u); ok && slices.Contains(types, c.Type) {
			cands = append(cands, c)
		}
	}
	byID := func(id string) (Resource, bool) {
		for _, c := range cands {
			if c.ID == id {
				return c, true
			}
		}
		for _, t := range types {
			for _, c := range g.ByType(t) {
				if c.ID != "" && c.ID == id {
					return c, true
				}
			}
		}
		return Resource{}, false
	}
	var out ref
	var open []any // elements not resolved by id
	v := r.Get(path)
	values, isList := v.([]any)
	if !isList {
		values = []any{v}
	}
	if _, unknown := v.(Unknown); unknown {
		if len(cands) == 1 && !isList {
			return ref{urns: []string{cands[0].URN}}
		}
		return ref{unknown: true}
	}
	for _, e := range values {
		if s, ok := e.(Secret); ok {
			e = s.Value
		}
		switch x := e.(type) {
		case nil:
		case string:
			if x == "" {
				continue
			}
			if c, ok := byID(x); ok {
				out.urns = append(out.urns, c.URN)
			} else {
				open = append(open, x)
			}
		default:
			open = append(open, e)
		}
	}
	// The rest, by property dependency: the candidates not already named.
	var rest []string
	for _, c := range cands {
		if !slices.Contains(out.urns, c.URN) && c.ID == "" {
			rest = append(rest, c.URN)
		}
	}
	switch {
	case len(open) == 0:
	case len(open) == len(rest):
		out.urns = append(out.urns, rest...)
	default:
		for _, e := range open {
			if s, ok := e.(string); ok && len(rest) == 0 && g.knowsIDs(types) {
				out.external = append(out.external, s)
			} else {
				// Without ids or property dependencies to match (an older
				// preview), a value cannot be told from an outside one.
				out.unknown = true
			}
		}
	}
	slices.Sort(out.urns)
	out.urns = slices.Compact(out.urns)
	return out
}

// outputRefs resolves an input that holds another output than the id of
// the resources it names (a gateway endpoint's prefixListId): by property
// dependency alone, one resource of types per value.
func (g *Graph) outputRefs(r Resource, path string, types ...string) ref {
	top, _, _ := strings.Cut(path, ".")
	var cands []string
	for _, u := range r.PropertyDependencies[top] {
		for _, c := range g.Resources {
			if c.URN == u && slices.Contains(types, c.Type) {
				cands = append(cands, c.URN)
			}
		}
	}
	v := r.Get(path)
	values, isList := v.([]any)
	if !isList {
		values = []any{v}
	}
	n := 0
	var named []string
	for _, e := range values {
		switch x := e.(type) {
		case nil:
		case string:
			if x != "" {
				n++
				named = append(named, x)
			}
		default:
			n++
		}
	}
	switch {
	case n == 0:
		return ref{}
	case len(cands) == n:
		return ref{urns: cands}
	case len(cands) == 0 && len(named) == n:
		return ref{external: named}
	}
	return ref{unknown: true}
}

// knowsIDs reports whether the graph holds the ids of resources of types.
func (g *Graph) knowsIDs(types []string) bool {
	for _, t := range types {
		for _, r := range g.ByType(t) {
			if r.ID != "" {
				return true
			}
		}
	}
	return false
}

// netReader reads a graph into the reachability model.
type netReader struct {
	g *Graph
	n reach.Network
}

func (nr *netReader) unknown(r Resource, what string) {
	nr.n.Unknown = append(nr.n.Unknown, reach.Unknown{URN: r.URN, Name: r.Name, What: what})
}

// str is a string input, and whether it is known.
func str(r Resource, path string) (string, bool) {
	if r.Unknown(path) {
		return "", false
	}
	return r.Str(path), true
}

func parseCIDR(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	return p.Masked(), err == nil
}

// NetworkOf reads the VPCs of a graph into the reachability model:
// subnets, network ACLs, route tables, security groups, NAT gateways,
// gateway and interface endpoints, load balancers and functions.
func NetworkOf(g *Graph) reach.Network {
	nr := &netReader{g: g}
	nr.vpcs()
	nr.subnets()
	nr.nacls()
	nr.routeTables()
	nr.groups()
	nr.members()
	return nr.n
}

func (nr *netReader) vpcs() {
	for _, v := range nr.g.ByType(restype.EC2VPC) {
		vpc := reach.VPC{URN: v.URN, Name: v.Name}
		if c, ok := str(v, "cidrBlock"); !ok {
			nr.unknown(v, "cidrBlock")
		} else if p, ok := parseCIDR(c); ok {
			vpc.CIDRs = append(vpc.CIDRs, p)
		}
		if c, ok := str(v, "ipv6CidrBlock"); !ok {
			nr.unknown(v, "ipv6CidrBlock")
		} else if p, ok := parseCIDR(c); ok {
			vpc.CIDRs = append(vpc.CIDRs, p)
		}
		if on, _ := v.Bool("assignGeneratedIpv6CidrBlock"); on {
			nr.unknown(v, "its Amazon-provided IPv6 range")
		}
		nr.n.VPCs = append(nr.n.VPCs, vpc)
	}
}

func (nr *netReader) vpcOf(r Resource) string {
	ref := nr.g.refs(r, "vpcId", restype.EC2VPC)
	if len(ref.urns) == 1 {
		return ref.urns[0]
	}
	if len(nr.n.VPCs) == 1 && (ref.unknown || len(ref.urns) == 0) {
		return nr.n.VPCs[0].URN
	}
	return ""
}

func (nr *netReader) subnets() {
	for _, s := range nr.g.ByType(restype.EC2Subnet) {
		sub := reach.Subnet{URN: s.URN, Name: s.Name, VPC: nr.vpcOf(s), Tier: s.Str("tags.tier")}
		for _, k := range []string{"cidrBlock", "ipv6CidrBlock"} {
			if c, ok := str(s, k); !ok {
				nr.unknown(s, k)
			} else if p, ok := parseCIDR(c); ok {
				sub.CIDRs = append(sub.CIDRs, p)
			}
		}
		nr.n.Subnets = append(nr.n.Subnets, sub)
	}
}

func (nr *netReader) subnet(urn string) *reach.Subnet {
	for i := range nr.n.Subnets {
		if nr.n.Subnets[i].URN == urn {
			return &nr.n.Subnets[i]
		}
	}
	return nil
}

// protocolPorts reads a rule's protocol and ports; ok is false when one
// is not known.
func protocolPorts(r Resource, prefix, protoKey string) (reach.Protocol, reach.Ports, bool) {
	if r.Unknown(prefix+protoKey) || r.Unknown(prefix+"fromPort") || r.Unknown(prefix+"toPort") {
		return "", nil, false
	}
	proto := reach.ProtocolOf(r.Str(prefix + protoKey))
	if proto == reach.AnyIP {
		return proto, reach.AllPorts, true
	}
	f, fromSet := r.Num(prefix + "fromPort")
	t, toSet := r.Num(prefix + "toPort")
	if !fromSet && !toSet {
		return proto, reach.AllPorts, true
	}
	return proto, reach.PortRange(int(f), int(t)), true
}

// The default network ACL EC2 gives a VPC allows all traffic in and out
// (Amazon VPC user guide, "Default network ACL").
func awsDefaultNACL(v reach.VPC) reach.NACL {
	acl := reach.NACL{URN: v.URN, Name: "the default network ACL of " + v.Name + " (as EC2 creates it)"}
	for _, egress := range []bool{false, true} {
		for _, c := range []netip.Prefix{reach.AnyIPv4, reach.AnyIPv6} {
			acl.Entries = append(acl.Entries, reach.NACLEntry{URN: v.URN, Name: "default allow-all", Number: 100, Egress: egress,
				Protocol: reach.AnyIP, Allow: true, CIDR: c, Ports: reach.AllPorts})
		}
	}
	return acl
}

func (nr *netReader) nacls() {
	byURN := map[string]*reach.NACL{}
	var order []string
	add := func(acl reach.NACL) *reach.NACL {
		byURN[acl.URN] = &acl
		order = append(order, acl.URN)
		return &acl
	}
	entry := func(r Resource, prefix, name string, egress bool, actionKey, numberKey string) reach.NACLEntry {
		e := reach.NACLEntry{URN: r.URN, Name: name, Egress: egress}
		n, _ := r.Num(prefix + numberKey)
		e.Number = int(n)
		proto, ports, ok := protocolPorts(r, prefix, "protocol")
		action, aok := str(r, prefix+actionKey)
		c4, ok4 := str(r, prefix+"cidrBlock")
		c6, ok6 := str(r, prefix+"ipv6CidrBlock")
		if !ok || !aok || !ok4 || !ok6 || r.Unknown(prefix+numberKey) {
			e.Unknown = "an entry's protocol, ports, action, range or number"
			nr.unknown(r, e.Unknown)
			return e
		}
		e.Protocol, e.Ports, e.Allow = proto, ports, action == "allow"
		if p, ok := parseCIDR(c4 + c6); ok {
			e.CIDR = p
		}
		return e
	}
	explicit := map[string]string{} // subnet URN → NACL URN
	unknownAssociations := false
	for _, typ := range naclTypesByID {
		for _, r := range nr.g.ByType(typ) {
			acl := add(reach.NACL{URN: r.URN, Name: r.Name})
			for _, dir := range []struct {
				key    string
				egress bool
			}{{"ingress", false}, {"egress", true}} {
				if r.Unknown(dir.key) {
					acl.Entries = append(acl.Entries, reach.NACLEntry{URN: r.URN, Name: r.Name + " " + dir.key, Egress: dir.egress, Unknown: dir.key})
					continue
				}
				for i := range r.List(dir.key) {
					p := fmt.Sprintf("%s.%d.", dir.key, i)
					acl.Entries = append(acl.Entries, entry(r, p, fmt.Sprintf("%s %s", r.Name, dir.key), dir.egress, "action", "ruleNo"))
				}
			}
			if typ == restype.EC2DefaultNetworkACL {
				// Subnets an explicit NACL does not hold are the default
				// NACL's, whatever its subnetIds say (the program ignores
				// changes to them).
				if ref := nr.g.refs(r, "defaultNetworkAclId", restype.EC2VPC); len(ref.urns) == 1 {
					for i := range nr.n.VPCs {
						if nr.n.VPCs[i].URN == ref.urns[0] {
							nr.n.VPCs[i].DefaultNACL = r.URN
						}
					}
				}
				continue
			}
			ref := nr.g.refs(r, "subnetIds", restype.EC2Subnet)
			if ref.unknown {
				unknownAssociations = true
				nr.unknown(r, "subnetIds")
			}
			for _, s := range ref.urns {
				explicit[s] = r.URN
			}
		}
	}
	for _, r := range nr.g.ByType(restype.EC2NetworkACLRule) {
		ref := nr.g.refs(r, "networkAclId", naclTypesByID...)
		egress, _ := r.Bool("egress")
		if len(ref.urns) != 1 {
			if ref.unknown {
				// It may be any NACL's entry.
				nr.unknown(r, "networkAclId")
				for _, u := range order {
					byURN[u].Entries = append(byURN[u].Entries, reach.NACLEntry{URN: r.URN, Name: r.Name, Egress: egress, Unknown: "networkAclId"})
				}
			}
			continue
		}
		byURN[ref.urns[0]].Entries = append(byURN[ref.urns[0]].Entries, entry(r, "", r.Name, egress, "ruleAction", "ruleNumber"))
	}
	for i := range nr.n.VPCs {
		if nr.n.VPCs[i].DefaultNACL == "" {
			acl := awsDefaultNACL(nr.n.VPCs[i])
			acl.URN = nr.n.VPCs[i].URN + "#default-network-acl"
			for j := range acl.Entries {
				acl.Entries[j].URN = nr.n.VPCs[i].URN
			}
			add(acl)
			nr.n.VPCs[i].DefaultNACL = acl.URN
		}
	}
	for i := range nr.n.Subnets {
		s := &nr.n.Subnets[i]
		switch acl, ok := explicit[s.URN]; {
		case ok:
			s.NACL = acl
		case unknownAssociations:
			s.NACL = "" // not known: flows through it are not judged
		default:
			for _, v := range nr.n.VPCs {
				if v.URN == s.VPC {
					s.NACL = v.DefaultNACL
				}
			}
		}
	}
	for _, u := range order {
		nr.n.NACLs = append(nr.n.NACLs, *byURN[u])
	}
}

// routeTarget reads where a route goes: an internet gateway, a NAT
// gateway, a gateway endpoint, or elsewhere.
func (nr *netReader) routeTarget(r Resource, prefix string, rt *reach.Route) {
	if gw, ok := str(r, prefix+"gatewayId"); !ok || gw != "" {
		ref := nr.g.refs(r, prefix+"gatewayId", restype.EC2InternetGateway, restype.EC2VPCEndpoint)
		switch {
		case !ok && len(ref.urns) == 0, ref.unknown:
			rt.Unknown = "gatewayId"
		case gw == "local":
			rt.Target = ""
		case len(ref.urns) == 1 && nr.typeOf(ref.urns[0]) == restype.EC2InternetGateway:
			rt.Target, rt.TargetURN, rt.TargetName = reach.ToInternetGateway, ref.urns[0], nr.nameOf(ref.urns[0])
		case len(ref.urns) == 1:
			rt.Target, rt.TargetURN, rt.TargetName = reach.ToGatewayEndpoint, ref.urns[0], nr.nameOf(ref.urns[0])
		default:
			rt.Target, rt.TargetName = reach.ToOther, gw
		}
		return
	}
	if nat, ok := str(r, prefix+"natGatewayId"); !ok || nat != "" {
		ref := nr.g.refs(r, prefix+"natGatewayId", restype.EC2NatGateway)
		if len(ref.urns) == 1 {
			rt.Target, rt.TargetURN, rt.TargetName = reach.ToNATGateway, ref.urns[0], nr.nameOf(ref.urns[0])
		} else {
			rt.Unknown = "natGatewayId"
		}
		return
	}
	for _, k := range []string{"vpcEndpointId", "transitGatewayId", "vpcPeeringConnectionId", "egressOnlyGatewayId", "networkInterfaceId", "localGatewayId", "carrierGatewayId", "coreNetworkArn"} {
		if v, ok := str(r, prefix+k); !ok || v != "" {
			rt.Target, rt.TargetName = reach.ToOther, k
			if !ok {
				rt.Unknown = k
			}
			return
		}
	}
	rt.Unknown = "its target"
}

func (nr *netReader) typeOf(urn string) string {
	for _, r := range nr.g.Resources {
		if r.URN == urn {
			return r.Type
		}
	}
	return ""
}

func (nr *netReader) nameOf(urn string) string {
	for _, r := range nr.g.Resources {
		if r.URN == urn {
			return r.Name
		}
	}
	return urn
}

// unknownTable stands for a route table association not known yet.
const unknownTable = "(not known until the deployment)"

func (nr *netReader) routeTables() {
	tables := map[string]*reach.RouteTable{}
	var order []string
	for _, r := range nr.g.ByType(restype.EC2RouteTable) {
		rt := &reach.RouteTable{URN: r.URN, Name: r.Name}
		tables[r.URN] = rt
		order = append(order, r.URN)
		for i := range r.List("routes") {
			p := fmt.Sprintf("routes.%d.", i)
			route := reach.Route{URN: r.URN, Name: r.Name}
			dest, ok := str(r, p+"cidrBlock")
			dest6, ok6 := str(r, p+"ipv6CidrBlock")
			if d, dok := parseCIDR(dest + dest6); ok && ok6 && dok {
				route.Dest = d
			} else if !ok || !ok6 {
				route.Unknown = "destination"
			}
			nr.routeTarget(r, p, &route)
			if route.Target != "" || route.Unknown != "" {
				rt.Routes = append(rt.Routes, route)
			}
		}
	}
	for _, r := range nr.g.ByType(restype.EC2Route) {
		ref := nr.g.refs(r, "routeTableId", restype.EC2RouteTable)
		if len(ref.urns) != 1 {
			if ref.unknown {
				// It may be any table's route.
				nr.unknown(r, "routeTableId")
				for _, u := range order {
					tables[u].Routes = append(tables[u].Routes, reach.Route{URN: r.URN, Name: r.Name, Unknown: "routeTableId"})
				}
			}
			continue
		}
		route := reach.Route{URN: r.URN, Name: r.Name}
		d4, ok4 := str(r, "destinationCidrBlock")
		d6, ok6 := str(r, "destinationIpv6CidrBlock")
		switch d, ok := parseCIDR(d4 + d6); {
		case !ok4 || !ok6:
			route.Unknown = "destination"
		case ok:
			route.Dest = d
		}
		nr.routeTarget(r, "", &route)
		if route.Unknown != "" {
			nr.unknown(r, route.Unknown)
		}
		if route.Target == reach.ToGatewayEndpoint {
			route.Gateway = route.TargetURN
		}
		tables[ref.urns[0]].Routes = append(tables[ref.urns[0]].Routes, route)
	}
	for _, u := range order {
		nr.n.RouteTables = append(nr.n.RouteTables, *tables[u])
	}
	unknownAssociation := false
	for _, a := range nr.g.ByType(restype.EC2RouteTableAssociation) {
		sref := nr.g.refs(a, "subnetId", restype.EC2Subnet)
		tref := nr.g.refs(a, "routeTableId", restype.EC2RouteTable)
		if sref.unknown || tref.unknown {
			nr.unknown(a, "subnetId or routeTableId")
			unknownAssociation = true
			continue
		}
		if len(sref.urns) == 1 && len(tref.urns) == 1 {
			if s := nr.subnet(sref.urns[0]); s != nil {
				s.RouteTable = tref.urns[0]
			}
		}
	}
	if unknownAssociation {
		// A subnet with no known association may have the unknown one.
		for i := range nr.n.Subnets {
			if nr.n.Subnets[i].RouteTable == "" {
				nr.n.Subnets[i].RouteTable = unknownTable
			}
		}
	}
	for _, n := range nr.g.ByType(restype.EC2NatGateway) {
		ref := nr.g.refs(n, "subnetId", restype.EC2Subnet)
		nat := reach.NAT{URN: n.URN, Name: n.Name, Private: n.Str("connectivityType") == "private"}
		if len(ref.urns) == 1 {
			nat.Subnet = ref.urns[0]
		} else {
			nr.unknown(n, "subnetId")
		}
		nr.n.NATs = append(nr.n.NATs, nat)
	}
	for _, e := range nr.g.ByType(restype.EC2VPCEndpoint) {
		if t := e.Str("vpcEndpointType"); t != "" && t != "Gateway" {
			continue
		}
		gw := reach.GatewayEndpoint{URN: e.URN, Name: e.Name, Service: serviceOf(e)}
		ref := nr.g.refs(e, "routeTableIds", restype.EC2RouteTable)
		if ref.unknown {
			nr.unknown(e, "routeTableIds")
		}
		gw.RouteTables, gw.RouteTablesUnknown = ref.urns, ref.unknown
		nr.n.Gateways = append(nr.n.Gateways, gw)
	}
}

// serviceOf is an endpoint's service without its Region's prefix
// ("secretsmanager" for "com.amazonaws.us-east-1.secretsmanager").
func serviceOf(e Resource) string {
	s := e.Str("serviceName")
	if parts := strings.SplitN(s, ".", 4); len(parts) == 4 {
		return parts[3]
	}
	return s
}

// groupRule reads one security group rule: inline (prefix "ingress.0."),
// an ec2.SecurityGroupRule or a vpc.SecurityGroup*Rule.
func (nr *netReader) groupRule(r Resource, prefix string, egress bool, self string) reach.GroupRule {
	gr := reach.GroupRule{URN: r.URN, Name: r.Name, Egress: egress}
	protoKey := "protocol"
	if _, ok := r.Inputs["ipProtocol"]; ok && prefix == "" {
		protoKey = "ipProtocol"
	}
	proto, ports, ok := protocolPorts(r, prefix, protoKey)
	if !ok {
		gr.Unknown = "protocol or ports"
		return gr
	}
	gr.Protocol, gr.Ports = proto, ports
	for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
		if c, ok := str(r, prefix+k); !ok {
			gr.Unknown = k
		} else if p, ok := parseCIDR(c); ok {
			gr.CIDRs = append(gr.CIDRs, p)
		}
	}
	for _, k := range []string{"cidrBlocks", "ipv6CidrBlocks"} {
		if r.Unknown(prefix + k) {
			gr.Unknown = k
			continue
		}
		for i := range r.List(prefix + k) {
			c, ok := str(r, fmt.Sprintf("%s%s.%d", prefix, k, i))
			if p, parsed := parseCIDR(c); !ok {
				gr.Unknown = k
			} else if parsed {
				gr.CIDRs = append(gr.CIDRs, p)
			}
		}
	}
	if s, _ := r.Bool(prefix + "self"); s {
		gr.Groups = append(gr.Groups, self)
	}
	for _, k := range []string{"referencedSecurityGroupId", "sourceSecurityGroupId", "securityGroups"} {
		if _, set := r.Inputs[k]; !set && prefix == "" {
			continue
		}
		ref := nr.g.refs(r, prefix+k, securityGroupTypes...)
		if ref.unknown {
			gr.Unknown = k
		}
		gr.Groups = append(gr.Groups, ref.urns...)
	}
	for _, k := range []string{"prefixListId", "prefixListIds"} {
		ref := nr.g.outputRefs(r, prefix+k, restype.EC2VPCEndpoint)
		switch {
		case ref.unknown:
			gr.Unknown = k
		case len(ref.external) > 0:
			gr.Unknown = "prefix list " + strings.Join(ref.external, ", ") + ", which is not in the plan"
		}
		gr.Gateways = append(gr.Gateways, ref.urns...)
	}
	if gr.Unknown != "" {
		nr.unknown(r, gr.Unknown)
	}
	return gr
}

func (nr *netReader) groups() {
	byURN := map[string]*reach.Group{}
	var order []string
	for _, typ := range securityGroupTypes {
		for _, r := range nr.g.ByType(typ) {
			g := &reach.Group{URN: r.URN, Name: r.Name}
			for _, dir := range []struct {
				key    string
				egress bool
			}{{"ingress", false}, {"egress", true}} {
				if r.Unknown(dir.key) {
					g.Rules = append(g.Rules, reach.GroupRule{URN: r.URN, Name: r.Name + " " + dir.key, Egress: dir.egress, Unknown: dir.key})
					continue
				}
				for i := range r.List(dir.key) {
					rule := nr.groupRule(r, fmt.Sprintf("%s.%d.", dir.key, i), dir.egress, r.URN)
					rule.Name = fmt.Sprintf("%s %s #%d", r.Name, dir.key, i)
					g.Rules = append(g.Rules, rule)
				}
			}
			byURN[r.URN] = g
			order = append(order, r.URN)
		}
	}
	separate := func(r Resource, egress bool) {
		ref := nr.g.refs(r, "securityGroupId", securityGroupTypes...)
		if len(ref.urns) != 1 {
			if ref.unknown {
				// It may be any group's rule.
				nr.unknown(r, "securityGroupId")
				for _, u := range order {
					byURN[u].Rules = append(byURN[u].Rules, reach.GroupRule{URN: r.URN, Name: r.Name, Egress: egress, Unknown: "securityGroupId"})
				}
			}
			return
		}
		owner := ref.urns[0]
		byURN[owner].Rules = append(byURN[owner].Rules, nr.groupRule(r, "", egress, owner))
	}
	for _, r := range nr.g.ByType(restype.VPCSecurityGroupIngressRule) {
		separate(r, false)
	}
	for _, r := range nr.g.ByType(restype.VPCSecurityGroupEgressRule) {
		separate(r, true)
	}
	for _, r := range nr.g.ByType(restype.EC2SecurityGroupRule) {
		separate(r, r.Str("type") == "egress")
	}
	for _, u := range order {
		nr.n.Groups = append(nr.n.Groups, *byURN[u])
	}
}

// defaultGroup is the URN of a VPC's default security group in the graph,
// which members that name no group get.
func (nr *netReader) defaultGroup() []string {
	var out []string
	for _, d := range nr.g.ByType(restype.EC2DefaultSecurityGroup) {
		out = append(out, d.URN)
	}
	return out
}

func (nr *netReader) members() {
	member := func(r Resource, kind, detail, subnetsKey, groupsKey string, public bool) {
		m := reach.Member{URN: r.URN, Name: r.Name, Kind: kind, Detail: detail, Public: public}
		sref := nr.g.refs(r, subnetsKey, restype.EC2Subnet)
		gref := nr.g.refs(r, groupsKey, securityGroupTypes...)
		switch {
		case sref.unknown:
			m.Unknown = subnetsKey
		case gref.unknown:
			m.Unknown = groupsKey
		}
		m.Subnets, m.Groups = sref.urns, gref.urns
		if len(m.Groups) == 0 && len(gref.external) == 0 && m.Unknown == "" && kind == reach.KindInterfaceEndpoint {
			// An endpoint created without groups gets the VPC's default one
			// (Amazon VPC user guide, "Create an interface endpoint").
			m.Groups = nr.defaultGroup()
		}
		if m.Unknown != "" {
			nr.unknown(r, m.Unknown)
		}
		if len(m.Subnets) > 0 || m.Unknown != "" {
			nr.n.Members = append(nr.n.Members, m)
		}
	}
	for _, lb := range nr.g.ByType(restype.LBLoadBalancer) {
		internal, _ := lb.Bool("internal")
		key := "subnets"
		if len(lb.List("subnets")) == 0 && !lb.Unknown("subnets") {
			key = "subnetMappings"
		}
		if key == "subnetMappings" {
			// One subnet per mapping.
			var ids []any
			for i := range lb.List("subnetMappings") {
				ids = append(ids, lb.Get(fmt.Sprintf("subnetMappings.%d.subnetId", i)))
			}
			lb.Inputs = cloneWith(lb.Inputs, "subnetMappings", ids)
		}
		kind := "load balancer"
		member(lb, kind, "", key, "securityGroups", !internal)
	}
	for _, e := range nr.g.ByType(restype.EC2VPCEndpoint) {
		if e.Str("vpcEndpointType") == "Interface" {
			member(e, reach.KindInterfaceEndpoint, serviceOf(e), "subnetIds", "securityGroupIds", false)
		}
	}
	for _, f := range nr.g.ByType(restype.LambdaFunction) {
		if f.Get("vpcConfig") == nil {
			continue
		}
		member(f, "function", "", "vpcConfig.subnetIds", "vpcConfig.securityGroupIds", false)
	}
}

// cloneWith is inputs with key set to v, the original untouched.
func cloneWith(inputs map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(inputs))
	for k, x := range inputs {
		out[k] = x
	}
	out[key] = v
	return out
}
