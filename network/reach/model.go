// Package reach computes the flows a VPC admits from what a plan declares
// (security groups and their rules, network ACLs, route tables, subnets,
// NAT and internet gateways, gateway and interface endpoints, the load
// balancer and functions placed in subnets), hop by hop, and checks them
// against the flows the network is meant to admit (Intent).
//
// It is plain Go over its own model (Network), so that the compliance
// rules, the plan command and tests all share it; compliance reads a
// plan's resources into the model.
//
// The AWS semantics it follows (Amazon VPC user guide): security groups
// are stateful and judged at both ends, a rule naming a group admits that
// group's members; network ACLs are stateless, so a flow needs its request
// and its reply admitted by the ACL of every subnet it enters or leaves,
// entries judged in rule-number order, the first match deciding and an
// implicit deny last; a subnet's route table decides where traffic that
// leaves the VPC goes (the local route keeps traffic within the VPC);
// an internet gateway route reaches the internet only from an address
// that is public, a NAT gateway forwards a private subnet's traffic from
// its own subnet; gateway endpoints are reached through the route tables
// they are associated with.
package reach

import "net/netip"

// Network is what a VPC's flows depend on. Every element is keyed by its
// resource URN; Name is for people.
type Network struct {
	VPCs        []VPC
	Subnets     []Subnet
	NACLs       []NACL
	RouteTables []RouteTable
	Groups      []Group
	Members     []Member
	Gateways    []GatewayEndpoint
	NATs        []NAT
	// Unknown are the elements whose inputs are not known until the
	// deployment: flows through them are not judged.
	Unknown []Unknown
}

// Unknown is an element the analysis cannot read.
type Unknown struct {
	URN, Name string
	// What says which input is unknown.
	What string
}

// VPC is a VPC's address space.
type VPC struct {
	URN, Name string
	CIDRs     []netip.Prefix
	// DefaultNACL is the URN of the NACL that subnets associated with no
	// other NACL use.
	DefaultNACL string
}

// Subnet is one subnet.
type Subnet struct {
	URN, Name string
	VPC       string
	CIDRs     []netip.Prefix
	// Tier is the subnet's tier ("public", "private", "isolated"), from
	// its tags.
	Tier string
	// NACL and RouteTable are the URNs of its network ACL and route table;
	// "" for a route table means the VPC's main route table, which has
	// only the local route.
	NACL, RouteTable string
}

// NACL is a network ACL and its entries.
type NACL struct {
	URN, Name string
	Entries   []NACLEntry
}

// NACLEntry is one numbered entry of a network ACL.
type NACLEntry struct {
	URN, Name string
	Number    int
	Egress    bool
	Protocol  Protocol
	Allow     bool
	CIDR      netip.Prefix
	Ports     Ports
	// Unknown says what of it is not known; the entry may then match
	// anything.
	Unknown string
}

// RouteTable is a route table and its routes besides the local one.
type RouteTable struct {
	URN, Name string
	Routes    []Route
}

// Target is where a route sends traffic.
type Target string

// Route targets.
const (
	ToInternetGateway Target = "internet gateway"
	ToNATGateway      Target = "NAT gateway"
	ToGatewayEndpoint Target = "gateway endpoint"
	ToOther           Target = "other"
)

// Route is one route of a route table.
type Route struct {
	URN, Name string
	// Dest is the destination range; Gateway, for a route to a gateway
	// endpoint's prefix list, is the endpoint's URN instead.
	Dest    netip.Prefix
	Gateway string
	Target  Target
	// TargetURN is the gateway's URN (a NAT gateway's, for ToNATGateway).
	TargetURN  string
	TargetName string
	Unknown    string
}

// Group is a security group and its rules, inline and separate.
type Group struct {
	URN, Name string
	Rules     []GroupRule
}

// GroupRule is one security group rule.
type GroupRule struct {
	URN, Name string
	Egress    bool
	Protocol  Protocol
	Ports     Ports
	// The peers: address ranges, security groups (URNs; a self rule names
	// its own group), gateway endpoints reached by prefix list (URNs).
	CIDRs    []netip.Prefix
	Groups   []string
	Gateways []string
	Unknown  string
}

// Member is something placed in subnets with security groups: a load
// balancer, an interface endpoint, a function.
type Member struct {
	URN, Name string
	// Kind is "load balancer", "interface endpoint" or "function"; Detail
	// the endpoint's service.
	Kind, Detail string
	Groups       []string
	Subnets      []string
	// Public is true when it has public addresses (an internet-facing load
	// balancer).
	Public  bool
	Unknown string
}

// Interface endpoint members have this Kind.
const KindInterfaceEndpoint = "interface endpoint"

// GatewayEndpoint is a gateway endpoint (S3, DynamoDB) and the route
// tables it is reached from.
type GatewayEndpoint struct {
	URN, Name, Service string
	RouteTables        []string
	// RouteTablesUnknown is set when the endpoint's route tables are not
	// known until apply (a first preview): a missing association is then
	// not judged rather than a drop.
	RouteTablesUnknown bool
}

// NAT is a NAT gateway in its subnet.
type NAT struct {
	URN, Name, Subnet string
	// Private is true for a private NAT gateway, which does not reach the
	// internet.
	Private bool
}

// Protocol is an IP protocol as the analysis names it: "tcp", "udp",
// "icmp", "icmpv6", "all", or a number.
type Protocol string

// The protocols.
const (
	TCP    Protocol = "tcp"
	UDP    Protocol = "udp"
	ICMP   Protocol = "icmp"
	ICMPv6 Protocol = "icmpv6"
	AnyIP  Protocol = "all"
)

// ProtocolOf reads a protocol as EC2 spells it ("tcp", "6", "-1", "all").
func ProtocolOf(s string) Protocol {
	switch s {
	case "6", "tcp", "TCP":
		return TCP
	case "17", "udp", "UDP":
		return UDP
	case "1", "icmp", "ICMP":
		return ICMP
	case "58", "icmpv6", "ICMPv6":
		return ICMPv6
	case "-1", "all", "ALL":
		return AnyIP
	}
	return Protocol(s)
}

// matches reports whether a rule of protocol r applies to traffic of p.
func (r Protocol) matches(p Protocol) bool { return r == AnyIP || r == p }

// ported reports whether the protocol has ports.
func (p Protocol) ported() bool { return p == TCP || p == UDP }

// FlowProtocols are the protocols flows are computed for.
var FlowProtocols = []Protocol{TCP, UDP, ICMP}
