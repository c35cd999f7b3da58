package tests

import (
	"testing"

	"github.com/example/hardening/baseline"
)

// BenchmarkProgramProd runs the whole program under mocks with the prod
// config and reports resources registered per second.
func BenchmarkProgramProd(b *testing.B) {
	s := loadStack(b, "prod")
	total := 0
	b.ReportAllocs()
	for b.Loop() {
		m, err := s.Run(baseline.Run)
		if err != nil {
			b.Fatal(err)
		}
		total += len(m.Resources())
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "resources/s")
}
