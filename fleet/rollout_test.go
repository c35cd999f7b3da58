package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/fleet"
)

// fakeEngine records the stacks it runs and how many ran at once, and
// fails the stacks named in fail.
type fakeEngine struct {
	mu         sync.Mutex
	fail       map[string]bool
	ran        []string
	running    int
	maxRunning int
}

func (e *fakeEngine) Run(_ context.Context, s fleet.Stack, _ bool) error {
	e.mu.Lock()
	e.ran = append(e.ran, s.Name)
	e.running++
	e.maxRunning = max(e.maxRunning, e.running)
	e.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.running--
	if e.fail[s.Name] {
		return errors.New("update failed")
	}
	return nil
}

func group(prefix string, n int) []fleet.Stack {
	var out []fleet.Stack
	for i := range n {
		out = append(out, fleet.Stack{Name: fmt.Sprintf("%s%02d", prefix, i)})
	}
	return out
}

func statuses(os []fleet.Outcome) map[fleet.Status]int {
	m := map[fleet.Status]int{}
	for _, o := range os {
		m[o.Status]++
	}
	return m
}

func TestRolloutConcurrencyCap(t *testing.T) {
	e := &fakeEngine{}
	out, err := fleet.Rollout(context.Background(), e, [][]fleet.Stack{group("a", 20)}, 4, 0, fleet.State{}, fleet.RolloutOptions{Update: true})
	require.NoError(t, err)
	assert.Equal(t, 20, statuses(out)[fleet.Succeeded])
	assert.LessOrEqual(t, e.maxRunning, 4, "never more than maxConcurrent at once")
	assert.Greater(t, e.maxRunning, 1, "runs in parallel up to the cap")
}

func TestRolloutGroupsInOrder(t *testing.T) {
	e := &fakeEngine{}
	_, err := fleet.Rollout(context.Background(), e, [][]fleet.Stack{group("boot", 3), group("use1-", 3), group("usw2-", 3)}, 10, 0, fleet.State{}, fleet.RolloutOptions{Update: true})
	require.NoError(t, err)
	require.Len(t, e.ran, 9)
	for i, n := range e.ran {
		want := []string{"boot", "use1-", "usw2-"}[i/3]
		assert.Contains(t, n, want, "region %s finishes before the next starts: %v", want, e.ran)
	}
}

func TestRolloutFailureTolerance(t *testing.T) {
	for _, tc := range []struct {
		name        string
		fail        []string
		tolerance   int
		wantErr     string
		wantStarted int
	}{
		{"no failure", nil, 0, "", 12},
		{"one failure tolerated", []string{"a01"}, 1, "within the tolerance of 1", 12},
		{"over the tolerance stops the wave", []string{"a00", "a01"}, 1, "wave stopped: 2 stacks failed", 2},
		{"zero tolerance stops at the first", []string{"a00"}, 0, "wave stopped: 1 stacks failed", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fail := map[string]bool{}
			for _, n := range tc.fail {
				fail[n] = true
			}
			e := &fakeEngine{fail: fail}
			// one at a time, so that "stopped" is exact
			out, err := fleet.Rollout(context.Background(), e, [][]fleet.Stack{group("a", 6), group("b", 6)}, 1, tc.tolerance, fleet.State{}, fleet.RolloutOptions{Update: true})
			if tc.wantErr == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tc.wantErr)
			}
			assert.Len(t, e.ran, tc.wantStarted)
			assert.Equal(t, 12-tc.wantStarted, statuses(out)[fleet.NotStarted])
		})
	}
}

func TestRolloutDigestSkipAndRetry(t *testing.T) {
	state := fleet.State{}
	digest := func(s fleet.Stack) string { return "d1-" + s.Name }
	e := &fakeEngine{fail: map[string]bool{"a02": true}}
	stacks := [][]fleet.Stack{group("a", 4)}
	_, err := fleet.Rollout(context.Background(), e, stacks, 2, 1, state, fleet.RolloutOptions{Update: true, Digest: digest})
	require.ErrorContains(t, err, "within the tolerance")
	assert.Equal(t, "d1-a00", state["a00"].Digest, "a successful update records its digest")
	assert.True(t, state["a02"].Failed)

	// Nothing changed: only the failed stack runs again.
	e = &fakeEngine{}
	out, err := fleet.Rollout(context.Background(), e, stacks, 2, 0, state, fleet.RolloutOptions{Update: true, Digest: digest})
	require.NoError(t, err)
	assert.Equal(t, []string{"a02"}, e.ran)
	assert.Equal(t, 3, statuses(out)[fleet.Unchanged])

	// A changed digest runs the stack again.
	e = &fakeEngine{}
	_, err = fleet.Rollout(context.Background(), e, stacks, 2, 0, state, fleet.RolloutOptions{Update: true, Digest: func(s fleet.Stack) string {
		if s.Name == "a01" {
			return "d2-a01"
		}
		return digest(s)
	}})
	require.NoError(t, err)
	assert.Equal(t, []string{"a01"}, e.ran)

	// -retry-failed runs only what failed last time.
	state["a03"] = fleet.StackState{Failed: true}
	e = &fakeEngine{}
	out, err = fleet.Rollout(context.Background(), e, stacks, 2, 0, state, fleet.RolloutOptions{Update: true, RetryFailed: true, Digest: digest})
	require.NoError(t, err)
	assert.Equal(t, []string{"a03"}, e.ran)
	assert.Equal(t, 3, statuses(out)[fleet.NotFailed])

	// A preview records no digest.
	e = &fakeEngine{}
	_, err = fleet.Rollout(context.Background(), e, [][]fleet.Stack{group("p", 1)}, 1, 0, state, fleet.RolloutOptions{Digest: digest})
	require.NoError(t, err)
	assert.Empty(t, state["p00"].Digest)
}

func TestWaveStacksInRegionOrder(t *testing.T) {
	f, err := fleet.Read("../examples/fleet.yaml")
	require.NoError(t, err)
	stacks, err := f.Stacks()
	require.NoError(t, err)
	groups, err := f.WaveStacks(stacks, "prod")
	require.NoError(t, err)
	require.Len(t, groups, 5, "bootstraps, then the 4 regions")
	assert.Equal(t, "bootstrap", groups[0][0].Kind)
	for i, r := range []string{"us-west-2", "us-east-1", "eu-west-1", "eu-central-1"} {
		for _, s := range groups[i+1] {
			assert.Equal(t, r, s.Region, "the wave's regionOrder")
		}
	}
	org, err := f.WaveStacks(stacks, fleet.OrgWave)
	require.NoError(t, err)
	assert.Equal(t, "org", org[0][0].Name)
	assert.Equal(t, "log-archive", org[1][0].Name, "the log archive's buckets before the trail that writes to them")
	_, err = f.WaveStacks(stacks, "nope")
	require.ErrorContains(t, err, "is not one of the fleet's")
}

func TestShardsCoverEveryStackOnce(t *testing.T) {
	stacks := group("s", 10)
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		for _, s := range fleet.Shard(stacks, i, 3) {
			seen[s.Name]++
		}
	}
	assert.Len(t, seen, 10)
	for n, c := range seen {
		assert.Equal(t, 1, c, "%s in one shard", n)
	}
}
