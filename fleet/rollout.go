package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/example/hardening/stackconfig"
)

// Engine previews or updates one stack. cmd/fleet's runs Pulumi's
// Automation API; tests use a fake.
type Engine interface {
	// Run previews (update false) or updates the stack.
	Run(ctx context.Context, s Stack, update bool) error
}

// State is what a rollout remembers of each stack between runs: the
// digest of its last successful update and whether its last run failed.
type State map[string]StackState

// StackState is one stack's remembered state.
type StackState struct {
	Digest string `json:"digest,omitempty"`
	Failed bool   `json:"failed,omitempty"`
}

// Status is what became of a stack in a rollout.
type Status string

// The statuses of a stack in a rollout.
const (
	Succeeded  Status = "succeeded"
	Failed     Status = "failed"
	Unchanged  Status = "unchanged"   // digest equal to the last successful update's
	NotStarted Status = "not-started" // the wave stopped at its failure tolerance
	NotFailed  Status = "not-retried" // -retry-failed: the stack did not fail last time
)

// Outcome is one stack's result.
type Outcome struct {
	Stack  string
	Status Status
	Err    error
}

// RolloutOptions configure a rollout.
type RolloutOptions struct {
	// Update updates; false previews (and records nothing).
	Update bool
	// RetryFailed runs only the stacks whose last run failed.
	RetryFailed bool
	// Digest is a stack's digest (program version and rendered
	// configuration); an update skips a stack whose digest State holds.
	Digest func(Stack) string
}

// WaveStacks are the stacks of the named wave, in the order they roll
// out: groups that finish one before the next starts (the organization's
// stacks one at a time; then the accounts' bootstraps; then the workload
// stacks region by region in the wave's region order).
func (f *File) WaveStacks(stacks []Stack, wave string) ([][]Stack, error) {
	if wave == OrgWave {
		var groups [][]Stack
		for _, s := range stacks {
			if s.Wave == OrgWave {
				groups = append(groups, []Stack{s})
			}
		}
		return groups, nil
	}
	i := slices.IndexFunc(f.Waves, func(w Wave) bool { return w.Name == wave })
	if i < 0 {
		return nil, fmt.Errorf("wave %q is not one of the fleet's (%s or %s)", wave, OrgWave, waveNames(f.Waves))
	}
	w := f.Waves[i]
	var boot []Stack
	byRegion := map[string][]Stack{}
	for _, s := range stacks {
		if s.Wave != wave {
			continue
		}
		if s.Kind == string(stackconfig.Bootstrap) {
			boot = append(boot, s)
			continue
		}
		byRegion[s.Region] = append(byRegion[s.Region], s)
	}
	groups := [][]Stack{boot}
	for _, r := range w.RegionOrder {
		if len(byRegion[r]) > 0 {
			groups = append(groups, byRegion[r])
		}
	}
	return groups, nil
}

func waveNames(ws []Wave) string {
	var names []string
	for _, w := range ws {
		names = append(names, w.Name)
	}
	return fmt.Sprint(names)
}

// Rollout runs groups in order, each group's stacks at most maxConcurrent
// at a time, and stops starting stacks once more than tolerance have
// failed (the stacks already running finish). It returns every stack's
// outcome, updates state, and an error when the wave failed.
func Rollout(ctx context.Context, eng Engine, groups [][]Stack, maxConcurrent, tolerance int, state State, opts RolloutOptions) ([]Outcome, error) {
	maxConcurrent = max(maxConcurrent, 1)
	var (
		mu       sync.Mutex
		outcomes []Outcome
		failures int
	)
	record := func(o Outcome) {
		mu.Lock()
		defer mu.Unlock()
		outcomes = append(outcomes, o)
	}
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return failures > tolerance
	}
	for _, group := range groups {
		sem := make(chan struct{}, maxConcurrent)
		var wg sync.WaitGroup
		for _, s := range group {
			prev := state[s.Name]
			if opts.RetryFailed && !prev.Failed {
				record(Outcome{Stack: s.Name, Status: NotFailed})
				continue
			}
			digest := ""
			if opts.Digest != nil {
				digest = opts.Digest(s)
			}
			if opts.Update && !prev.Failed && digest != "" && prev.Digest == digest {
				record(Outcome{Stack: s.Name, Status: Unchanged})
				continue
			}
			sem <- struct{}{} // a slot first: a stack waiting for one must see failures of those before it
			if stopped() {
				<-sem
				record(Outcome{Stack: s.Name, Status: NotStarted})
				continue
			}
			wg.Add(1)
			go func(s Stack, digest string) {
				defer wg.Done()
				defer func() { <-sem }()
				err := eng.Run(ctx, s, opts.Update)
				mu.Lock()
				if err != nil {
					failures++
					st := state[s.Name]
					st.Failed = true
					state[s.Name] = st
				} else if opts.Update {
					state[s.Name] = StackState{Digest: digest}
				} else if st, ok := state[s.Name]; ok {
					st.Failed = false
					state[s.Name] = st
				}
				mu.Unlock()
				status := Succeeded
				if err != nil {
					status = Failed
				}
				record(Outcome{Stack: s.Name, Status: status, Err: err})
			}(s, digest)
		}
		wg.Wait()
	}
	if failures > 0 {
		var errs []error
		for _, o := range outcomes {
			if o.Err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", o.Stack, o.Err))
			}
		}
		if failures > tolerance {
			return outcomes, fmt.Errorf("wave stopped: %d stacks failed, over the tolerance of %d: %w", failures, tolerance, errors.Join(errs...))
		}
		return outcomes, fmt.Errorf("%d stacks failed, within the tolerance of %d: %w", failures, tolerance, errors.Join(errs...))
	}
	return outcomes, nil
}

// Environment is the GitHub environment a wave's CI jobs run in: the
// tooling account's CI role trusts its jobs, and a wave with approval
// gives it required reviewers.
func Environment(wave string) string { return "fleet-" + wave }

// Shard is shard i of n (1-based) of stacks: every n-th stack, so that
// each shard gets a share of every account.
func Shard(stacks []Stack, i, n int) []Stack {
	var out []Stack
	for j, s := range stacks {
		if j%n == i-1 {
			out = append(out, s)
		}
	}
	return out
}
