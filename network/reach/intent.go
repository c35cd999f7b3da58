package reach

import (
	"net/netip"
	"slices"
)

// Ephemeral ports, by who picks them (Amazon VPC user guide, "Network
// ACLs", "Ephemeral ports"): clients on the internet of any OS, and the
// load balancer, NAT gateways and Lambda functions, may use any port from
// 1024 to 65535, so a network ACL must admit replies to all of them.
var (
	ClientEphemeral = PortRange(1024, MaxPort)
	NATEphemeral    = PortRange(1024, MaxPort)
)

// Intent is the flows a network is meant to admit, and what the analysis
// needs to know that the plan does not say.
type Intent struct {
	// NamePrefix is trimmed from resource names in labels
	// ("hardening-prod-").
	NamePrefix string `json:"namePrefix,omitempty"`
	// Flows are the intended flows.
	Flows []Intended `json:"flows"`
	// Placements are the tiers of security groups, by resource name, whose
	// members the plan does not create (the app's tasks, the database):
	// their flows are computed from that tier's subnets.
	Placements map[string]string `json:"placements,omitempty"`
	// ReplyGaps are reply ports the network ACLs may drop, and why.
	ReplyGaps []Gap `json:"replyGaps,omitempty"`
}

// Gap is a range of reply ports the network ACLs may drop.
type Gap struct {
	Ports  Ports  `json:"ports"`
	Reason string `json:"reason"`
}

// Intended is one flow the network is meant to admit.
type Intended struct {
	// Name says what the flow is for ("clients to the load balancer").
	Name     string   `json:"name"`
	From     Selector `json:"from"`
	To       Selector `json:"to"`
	Protocol Protocol `json:"protocol"`
	Ports    Ports    `json:"ports"`
	// Accepted, when set, says why a flow nobody wants is tolerated: it is
	// listed as accepted, never failed, never expected.
	Accepted string `json:"accepted,omitempty"`
	// Expected flows must be admitted between every source and
	// destination they select, and both must be in the plan; the others
	// only permit.
	Expected bool `json:"expected,omitempty"`
}

// Selector picks the parties at one end of an intended flow. Set one
// field.
type Selector struct {
	// Internet is the internet, within these ranges.
	Internet []netip.Prefix `json:"internet,omitempty"`
	// Group is the security group of this resource name.
	Group string `json:"group,omitempty"`
	// Tier is every party placed wholly in this tier.
	Tier string `json:"tier,omitempty"`
	// InterfaceEndpoints is every party that holds interface endpoints.
	InterfaceEndpoints bool `json:"interfaceEndpoints,omitempty"`
	// GatewayEndpoints is every gateway endpoint.
	GatewayEndpoints bool `json:"gatewayEndpoints,omitempty"`
}

// Internet selects the whole internet.
func Internet() Selector { return Selector{Internet: []netip.Prefix{AnyIPv4, AnyIPv6}} }

func (s Selector) matches(p *party, l loc) bool {
	switch {
	case s.Internet != nil:
		return p.kind == internetParty && slices.ContainsFunc(s.Internet, func(c netip.Prefix) bool { return contains(c, l.addr) })
	case s.Group != "":
		return p.kind == groupsParty && slices.Contains(p.groupNames, s.Group)
	case s.Tier != "":
		return p.kind == groupsParty && p.tier == s.Tier
	case s.InterfaceEndpoints:
		return p.kind == groupsParty && p.iface
	case s.GatewayEndpoints:
		return p.kind == gatewayParty
	}
	return false
}

// String names the selector for people.
func (s Selector) label(trim string) string {
	switch {
	case s.Internet != nil:
		if slices.Contains(s.Internet, AnyIPv4) {
			return "internet"
		}
		return "internet " + prefixList(s.Internet)
	case s.Group != "":
		return trimName(s.Group, trim)
	case s.Tier != "":
		return s.Tier + " tier"
	case s.InterfaceEndpoints:
		return "interface endpoints"
	case s.GatewayEndpoints:
		return "gateway endpoints"
	}
	return "nothing"
}
