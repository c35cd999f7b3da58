// Package addressing computes the subnet layout of the baseline VPC from its
// CIDR block. It is plain Go, shared by config validation and the network
// component.
//
// The VPC block is split into four equal tier blocks (public, private,
// isolated, and one kept free for a later tier), and each tier block into
// eight equal availability-zone slots. A subnet's CIDR depends only on its
// tier and its zone index, so adding a zone never renumbers another subnet,
// and a whole tier is one CIDR that NACL rules can name.
package addressing

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Tier is a subnet tier of the VPC.
type Tier int

// The tiers, in the order of their blocks in the VPC CIDR.
const (
	Public Tier = iota
	Private
	Isolated
)

// Tiers lists the tiers that get subnets.
var Tiers = []Tier{Public, Private, Isolated}

func (t Tier) String() string {
	switch t {
	case Public:
		return "public"
	case Private:
		return "private"
	case Isolated:
		return "isolated"
	}
	return fmt.Sprintf("tier(%d)", int(t))
}

const (
	tierBits = 2 // four tier blocks
	zoneBits = 3 // eight zone slots per tier

	// MaxZones is the number of zone slots in a tier block.
	MaxZones = 1 << zoneBits
	// MinVPCPrefix is the largest VPC AWS allows (/16).
	MinVPCPrefix = 16
	// MaxVPCPrefix is the smallest VPC block that still gives every subnet
	// AWS's smallest size, a /28.
	MaxVPCPrefix = 28 - tierBits - zoneBits
)

// Plan is the subnet layout of one VPC.
type Plan struct {
	// VPC is the VPC's CIDR block.
	VPC netip.Prefix
	// Zones is the number of availability zones that get subnets.
	Zones int
}

// New validates cidr and zones and returns their layout.
func New(cidr string, zones int) (Plan, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return Plan{}, fmt.Errorf("%q is not a valid IPv4 CIDR", cidr)
	}
	if p.Masked() != p {
		return Plan{}, fmt.Errorf("%q has host bits set; the network address is %s", cidr, p.Masked())
	}
	if p.Bits() < MinVPCPrefix {
		return Plan{}, fmt.Errorf("%q is larger than AWS allows for a VPC; use a prefix from /%d to /%d", cidr, MinVPCPrefix, MaxVPCPrefix)
	}
	if p.Bits() > MaxVPCPrefix {
		return Plan{}, fmt.Errorf("%q is too small for the subnet layout (4 tier blocks of %d zone slots, each at least a /28); use a prefix from /%d to /%d", cidr, MaxZones, MinVPCPrefix, MaxVPCPrefix)
	}
	if zones < 1 || zones > MaxZones {
		return Plan{}, fmt.Errorf("%d zones do not fit the layout; use 1 to %d", zones, MaxZones)
	}
	return Plan{VPC: p, Zones: zones}, nil
}

// TierBlock returns the CIDR that holds every subnet of tier t.
func (p Plan) TierBlock(t Tier) netip.Prefix {
	return subdivide(p.VPC, tierBits, int(t))
}

// Subnet returns the CIDR of tier t's subnet in zone index zone.
func (p Plan) Subnet(t Tier, zone int) netip.Prefix {
	return subdivide(p.TierBlock(t), zoneBits, zone)
}

// subdivide splits parent into 2^bits equal blocks and returns block index.
func subdivide(parent netip.Prefix, bits, index int) netip.Prefix {
	newBits := parent.Bits() + bits
	if index < 0 || index > 255 || index >= 1<<bits || newBits > 32 {
		panic(fmt.Sprintf("addressing: block %d of 2^%d in %s", index, bits, parent))
	}
	base := parent.Addr().As4()
	n := binary.BigEndian.Uint32(base[:]) + uint32(index)<<(32-newBits)
	var out [4]byte
	binary.BigEndian.PutUint32(out[:], n)
	return netip.PrefixFrom(netip.AddrFrom4(out), newBits)
}

// IsPrivate reports whether p lies inside an RFC 1918 private range.
func IsPrivate(p netip.Prefix) bool {
	for _, r := range []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
	} {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}
