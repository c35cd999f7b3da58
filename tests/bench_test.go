package tests

import (
	"testing"

	"github.com/stretchr/testify/require"

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
		require.NoError(b, err)
		total += len(m.Resources())
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "resources/s")
}
