package compliance

import (
	"fmt"
	"slices"

	"github.com/example/hardening/internal/restype"
)

// fewZones says what is wrong when a resource placed in n subnets spans
// fewer than two Availability Zones: fewer than two subnets, or subnets the
// plan registers (its dependencies) all in one zone. Subnets from outside
// the plan are counted, not placed.
func fewZones(g *Graph, r Resource, n int) string {
	if n < 2 {
		return fmt.Sprintf("is in %d subnet(s); give it subnets in two or more Availability Zones", n)
	}
	var zones []string
	subnets := 0
	for _, s := range g.ByType(restype.EC2Subnet) {
		if !slices.Contains(r.Dependencies, s.URN) {
			continue
		}
		subnets++
		z := s.Str("availabilityZone") + s.Str("availabilityZoneId")
		if z != "" && !slices.Contains(zones, z) {
			zones = append(zones, z)
		}
	}
	if subnets >= n && len(zones) == 1 {
		return fmt.Sprintf("has all %d subnets in %s; give it subnets in two or more Availability Zones", n, zones[0])
	}
	return ""
}
