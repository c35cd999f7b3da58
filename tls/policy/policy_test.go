package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestCatalogue(t *testing.T) {
	t.Run("default is accepted by ELB.17", func(t *testing.T) {
		p, ok := Lookup(Default)
		if !ok || !p.ELB17 || !p.PostQuantum {
			t.Errorf("default %s: in catalogue %v, %+v", Default, ok, p)
		}
	})
	t.Run("an unset policy means 2016-08, which is not in the catalogue", func(t *testing.T) {
		if _, ok := Lookup(EffectivePolicy("")); ok {
			t.Errorf("%s is in the catalogue", EffectivePolicy(""))
		}
	})
	t.Run("no TLS 1.0 or 1.1 entry", func(t *testing.T) {
		for _, p := range Catalogue {
			if p.MinTLS != "1.2" && p.MinTLS != "1.3" || strings.Contains(p.Name, "TLS-1-0") || strings.Contains(p.Name, "TLS-1-1") {
				t.Errorf("%s allows TLS %s", p.Name, p.MinTLS)
			}
		}
	})
	t.Run("names are unique and flags match the names", func(t *testing.T) {
		seen := map[string]bool{}
		for _, p := range Catalogue {
			if seen[p.Name] {
				t.Errorf("%s listed twice", p.Name)
			}
			seen[p.Name] = true
			if p.FIPS != strings.Contains(p.Name, "FIPS") || p.PostQuantum != strings.Contains(p.Name, "-PQ-") {
				t.Errorf("%s: FIPS %v PQ %v disagree with its name", p.Name, p.FIPS, p.PostQuantum)
			}
		}
	})
}

func TestCatalogueSuites(t *testing.T) {
	for _, p := range Catalogue {
		t.Run(p.Name+" lists a suite for each version it negotiates", func(t *testing.T) {
			tls12 := p.MinTLS == "1.2"
			if tls12 != (len(p.TLS12) > 0) {
				t.Errorf("MinTLS %s with %d TLS 1.2 suites", p.MinTLS, len(p.TLS12))
			}
			if !strings.Contains(p.Name, "TLS13") && len(p.TLS13) > 0 || strings.Contains(p.Name, "TLS13") && len(p.TLS13) == 0 {
				t.Errorf("%d TLS 1.3 suites disagree with the name", len(p.TLS13))
			}
		})
		t.Run(p.Name+" FIPS suites are AES-GCM only", func(t *testing.T) {
			if !p.FIPS {
				return
			}
			for _, s := range append(slices.Clone(p.TLS13), p.TLS12...) {
				if !strings.Contains(s, "GCM") {
					t.Errorf("FIPS policy offers %s", s)
				}
			}
		})
	}
}
