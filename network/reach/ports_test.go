package reach

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPorts(t *testing.T) {
	eph := PortRange(1024, MaxPort)
	split := PortRange(1024, 3388).Union(PortRange(3390, MaxPort))
	cases := []struct {
		name      string
		got, want string
	}{
		{"union joins adjacent ranges", PortRange(1, 5).Union(PortRange(6, 9)).String(), "1-9"},
		{"intersect", eph.Intersect(PortRange(0, 2000)).String(), "1024-2000"},
		{"minus splits", eph.Minus(Port(3389)).String(), split.String()},
		{"the split leaves 3389", eph.Minus(split).String(), "3389"},
		{"all", AllPorts.String(), "all"},
		{"none", eph.Minus(AllPorts).String(), "none"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				assert.Failf(t, "check", "got %s, want %s", c.got, c.want)
			}
		})
	}
	if !eph.Covers(split) || split.Covers(eph) {
		assert.Fail(t, "covers")
	}
	for _, s := range []string{"443", "80, 443", "1024-3388, 3390-65535", "all"} {
		p, err := ParsePorts(s)
		if err != nil || p.String() != s {
			assert.Failf(t, "check", "ParsePorts(%q) = %s, %v", s, p, err)
		}
	}
	for _, bad := range []string{"x", "5-1", "70000"} {
		if _, err := ParsePorts(bad); err == nil {
			assert.Failf(t, "check", "ParsePorts(%q) accepted", bad)
		}
	}
}

func TestRefine(t *testing.T) {
	vpc := netip.MustParsePrefix("10.30.0.0/16")
	office := netip.MustParsePrefix("203.0.113.0/24")
	atoms := refine([]netip.Prefix{AnyIPv4}, []netip.Prefix{vpc, office})
	// Every atom lies wholly inside or outside each cut, and the atoms
	// cover the space exactly once.
	total := 0.0
	for _, a := range atoms {
		for _, c := range []netip.Prefix{vpc, office} {
			if a.Overlaps(c) && !contains(c, a) {
				assert.Failf(t, "check", "atom %s straddles %s", a, c)
			}
		}
		total += 1 / float64(uint64(1)<<uint(a.Bits()))
	}
	if total != 1 {
		assert.Failf(t, "check", "atoms cover %v of the space", total)
	}
	if !slices.Contains(atoms, vpc) || !slices.Contains(atoms, office) {
		assert.Failf(t, "check", "atoms %v lack the cuts", atoms)
	}
	if got := merge([]netip.Prefix{netip.MustParsePrefix("128.0.0.0/1"), netip.MustParsePrefix("0.0.0.0/1")}); !slices.Equal(got, []netip.Prefix{AnyIPv4}) {
		assert.Failf(t, "check", "merge of the two halves: %v", got)
	}
	if got := merge(without(AnyIPv4, vpc)); len(got) != 16 {
		assert.Failf(t, "check", "0.0.0.0/0 less a /16 is 16 prefixes, got %d: %v", len(got), got)
	}
}
