package addressing

// NATGateways is how many NAT gateways the layout places for the private
// tier's egress.
type NATGateways string

// NAT gateway layouts.
const (
	// NATPerZone puts one NAT gateway in every zone, so losing a zone does
	// not cut the others' egress. The default.
	NATPerZone NATGateways = "perZone"
	// NATSingle shares one NAT gateway between all zones: cheaper, and one
	// zone's outage cuts every zone's egress. Ask for it by name.
	NATSingle NATGateways = "single"
)
