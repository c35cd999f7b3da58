package policy

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCatalogue(t *testing.T) {
	t.Run("default is accepted by ELB.17", func(t *testing.T) {
		p, ok := Lookup(Default)
		assert.True(t, ok, "default %s is in the catalogue", Default)
		assert.True(t, p.ELB17, "default %s: %+v", Default, p)
		assert.True(t, p.PostQuantum, "default %s: %+v", Default, p)
	})
	t.Run("an unset policy means 2016-08, which is not in the catalogue", func(t *testing.T) {
		_, ok := Lookup(EffectivePolicy(""))
		assert.False(t, ok, "%s is in the catalogue", EffectivePolicy(""))
	})
	t.Run("no TLS 1.0 or 1.1 entry", func(t *testing.T) {
		for _, p := range Catalogue {
			assert.Contains(t, []string{"1.2", "1.3"}, p.MinTLS, "%s allows TLS %s", p.Name, p.MinTLS)
			assert.NotContains(t, p.Name, "TLS-1-0", "%s allows TLS %s", p.Name, p.MinTLS)
			assert.NotContains(t, p.Name, "TLS-1-1", "%s allows TLS %s", p.Name, p.MinTLS)
		}
	})
	t.Run("names are unique and flags match the names", func(t *testing.T) {
		seen := map[string]bool{}
		for _, p := range Catalogue {
			assert.False(t, seen[p.Name], "%s listed twice", p.Name)
			seen[p.Name] = true
			assert.Equal(t, strings.Contains(p.Name, "FIPS"), p.FIPS, "%s: FIPS flag disagrees with its name", p.Name)
			assert.Equal(t, strings.Contains(p.Name, "-PQ-"), p.PostQuantum, "%s: PQ flag disagrees with its name", p.Name)
		}
	})
}

func TestCatalogueSuites(t *testing.T) {
	for _, p := range Catalogue {
		t.Run(p.Name+" lists a suite for each version it negotiates", func(t *testing.T) {
			tls12 := p.MinTLS == "1.2"
			if tls12 != (len(p.TLS12) > 0) {
				assert.Failf(t, "check", "MinTLS %s with %d TLS 1.2 suites", p.MinTLS, len(p.TLS12))
			}
			if !strings.Contains(p.Name, "TLS13") && len(p.TLS13) > 0 || strings.Contains(p.Name, "TLS13") && len(p.TLS13) == 0 {
				assert.Failf(t, "check", "%d TLS 1.3 suites disagree with the name", len(p.TLS13))
			}
		})
		t.Run(p.Name+" FIPS suites are AES-GCM only", func(t *testing.T) {
			if !p.FIPS {
				return
			}
			for _, s := range append(slices.Clone(p.TLS13), p.TLS12...) {
				if !strings.Contains(s, "GCM") {
					assert.Failf(t, "check", "FIPS policy offers %s", s)
				}
			}
		})
	}
}
