package tests

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/example/hardening/plan"
)

// benchmarkFleetPlan plans the example fleet cut to n accounts (4 regions
// each) offline, in one process, and reports stacks per second and the
// peak heap in use between stacks.
func benchmarkFleetPlan(b *testing.B, n int) {
	f := smallFleet(b, n)
	wd, err := os.Getwd()
	require.NoError(b, err)
	require.NoError(b, os.Chdir(projectDir(b)))
	b.Cleanup(func() { _ = os.Chdir(wd) })
	b.ResetTimer()
	for range b.N {
		res, err := plan.PlanFleet(projectDir(b), f)
		require.NoError(b, err)
		b.ReportMetric(float64(res.Stacks)/res.Duration.Seconds(), "stacks/s")
		b.ReportMetric(float64(res.Resources), "resources")
		b.ReportMetric(float64(res.PeakHeap>>20), "peak-heap-MiB")
	}
}

func BenchmarkFleetPlan10Accounts(b *testing.B)  { benchmarkFleetPlan(b, 10) }
func BenchmarkFleetPlan25Accounts(b *testing.B)  { benchmarkFleetPlan(b, 25) }
func BenchmarkFleetPlan50Accounts(b *testing.B)  { benchmarkFleetPlan(b, 50) }
func BenchmarkFleetPlan100Accounts(b *testing.B) { benchmarkFleetPlan(b, 100) }
