package reach

import (
	"net/netip"
	"slices"
	"strings"
)

// The whole IPv4 and IPv6 address spaces.
var (
	AnyIPv4 = netip.MustParsePrefix("0.0.0.0/0")
	AnyIPv6 = netip.MustParsePrefix("::/0")
)

// contains reports whether outer holds every address of inner.
func contains(outer, inner netip.Prefix) bool {
	return outer.Addr().Is4() == inner.Addr().Is4() && outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// without is p less q, as prefixes, when q lies inside p; p itself when
// they are disjoint; nothing when q holds p.
func without(p, q netip.Prefix) []netip.Prefix {
	switch {
	case contains(q, p):
		return nil
	case !p.Overlaps(q):
		return []netip.Prefix{p}
	}
	var out []netip.Prefix
	for bits := p.Bits() + 1; bits <= q.Bits(); bits++ {
		half, _ := q.Addr().Prefix(bits)
		out = append(out, netip.PrefixFrom(flipBit(half.Addr(), bits-1), bits))
	}
	return out
}

// flipBit flips bit i (0 is the most significant) of a.
func flipBit(a netip.Addr, i int) netip.Addr {
	if a.Is4() {
		b := a.As4()
		b[i/8] ^= 0x80 >> (i % 8)
		return netip.AddrFrom4(b)
	}
	b := a.As16()
	b[i/8] ^= 0x80 >> (i % 8)
	return netip.AddrFrom16(b)
}

// refine splits every prefix of base along cuts, so that each piece lies
// wholly inside or wholly outside each cut: every rule that names one of
// the cuts then treats a piece as one address.
func refine(base, cuts []netip.Prefix) []netip.Prefix {
	out := slices.Clone(base)
	for _, c := range cuts {
		var next []netip.Prefix
		for _, a := range out {
			if contains(c, a) || !a.Overlaps(c) {
				next = append(next, a)
				continue
			}
			next = append(next, c)
			next = append(next, without(a, c)...)
		}
		out = next
	}
	slices.SortFunc(out, comparePrefix)
	return slices.Compact(out)
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// merge joins sibling prefixes into their parent where both are present,
// for display.
func merge(ps []netip.Prefix) []netip.Prefix {
	out := slices.Clone(ps)
	slices.SortFunc(out, comparePrefix)
	for changed := true; changed; {
		changed = false
		for i := 0; i+1 < len(out); i++ {
			a, b := out[i], out[i+1]
			if a.Bits() == b.Bits() && a.Bits() > 0 {
				parent, _ := a.Addr().Prefix(a.Bits() - 1)
				if parent == (netip.PrefixFrom(parent.Addr(), a.Bits()-1)) && contains(parent, b) && parent.Addr() == a.Addr() {
					out = slices.Replace(out, i, i+2, parent)
					changed = true
					break
				}
			}
		}
	}
	return out
}

func prefixList(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}
