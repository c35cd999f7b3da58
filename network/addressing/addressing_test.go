package addressing

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLayoutIsStableAndDisjoint(t *testing.T) {
	for _, cidr := range []string{"10.0.0.0/16", "172.16.8.0/21", "192.168.0.0/23"} {
		t.Run(cidr, func(t *testing.T) {
			three, err := New(cidr, 3)
			require.NoError(t, err)
			six, err := New(cidr, 6)
			require.NoError(t, err)
			var all []netip.Prefix
			for _, tier := range Tiers {
				assert.True(t, three.VPC.Contains(three.TierBlock(tier).Addr()), "%s block %s outside the VPC", tier, three.TierBlock(tier))
				for z := 0; z < 6; z++ {
					s := six.Subnet(tier, z)
					if z < 3 {
						assert.Equal(t, three.Subnet(tier, z), s, "%s zone %d moved from %s to %s when zones grew", tier, z, three.Subnet(tier, z), s)
					}
					assert.True(t, six.TierBlock(tier).Contains(s.Addr()), "%s zone %d subnet %s outside its tier block", tier, z, s)
					assert.LessOrEqual(t, s.Bits(), 28, "%s zone %d subnet %s below /28", tier, z, s)
					all = append(all, s)
				}
			}
			for i := range all {
				for j := i + 1; j < len(all); j++ {
					assert.False(t, all[i].Overlaps(all[j]), "%s overlaps %s", all[i], all[j])
				}
			}
		})
	}
}

func TestIsPrivate(t *testing.T) {
	cases := map[string]bool{"10.1.0.0/16": true, "172.31.0.0/16": true, "172.32.0.0/16": false, "192.168.4.0/23": true, "100.64.0.0/16": false}
	for cidr, want := range cases {
		assert.Equal(t, want, IsPrivate(netip.MustParsePrefix(cidr)), "IsPrivate(%s)", cidr)
	}
}
