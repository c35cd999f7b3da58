// Command fleet previews or updates one wave of a fleet's stacks through
// Pulumi's Automation API, with the wave's concurrency cap, failure
// tolerance and region order (fleet.Rollout):
//
//	go run ./cmd/fleet -fleet examples/fleet.yaml -wave canary             # preview
//	go run ./cmd/fleet -fleet examples/fleet.yaml -wave canary -update     # update
//	go run ./cmd/fleet -fleet examples/fleet.yaml -wave prod -update -retry-failed
//	go run ./cmd/fleet -fleet examples/fleet.yaml -wave prod -shard 2/4    # one CI shard
//
// Each stack gets a workspace directory of its own under -work (parallel
// stacks must not share one: pulumi/pulumi#8186), whose Pulumi.yaml runs
// the project's program (main:) and whose stack configuration is the one
// the fleet renders. An update skips a stack whose digest (the program's
// files and the rendered configuration) equals the one recorded at its
// last successful update; digests and failures are kept in the -state
// file, a local JSON file (CI caches it between runs).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/example/hardening/fleet"
	"github.com/example/hardening/plan"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("fleet", "examples/fleet.yaml", "the fleet file")
	dir := fs.String("dir", ".", "the project directory (Pulumi.yaml, the program)")
	wave := fs.String("wave", fleet.OrgWave, "the wave to run: "+fleet.OrgWave+" or a wave of the fleet file")
	update := fs.Bool("update", false, "update the stacks (default: preview)")
	retry := fs.Bool("retry-failed", false, "run only the stacks whose last run failed")
	state := fs.String("state", ".fleet/state.json", "the file that keeps each stack's last successful digest and failures")
	work := fs.String("work", ".fleet/work", "the directory of the stacks' workspace directories")
	shard := fs.String("shard", "1/1", "run shard i of n of each of the wave's groups (CI's matrix)")
	list := fs.Bool("list", false, "print the wave's stacks, group by group, and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int { fmt.Fprintf(stderr, "fleet: %v\n", err); return 1 }
	for _, p := range []*string{file, dir, state, work} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return fail(err)
		}
		*p = abs
	}
	i, n, err := parseShard(*shard)
	if err != nil {
		return fail(err)
	}
	f, err := fleet.Read(*file)
	if err != nil {
		return fail(err)
	}
	stacks, err := f.Stacks()
	if err != nil {
		return fail(err)
	}
	groups, err := f.WaveStacks(stacks, *wave)
	if err != nil {
		return fail(err)
	}
	for g := range groups {
		groups[g] = fleet.Shard(groups[g], i, n)
	}
	if *list {
		for _, g := range groups {
			for _, s := range g {
				fmt.Fprintln(stdout, s.Name)
			}
		}
		return 0
	}
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	maxConcurrent, tolerance := 1, 0
	for _, w := range f.Waves {
		if w.Name == *wave {
			maxConcurrent = fleet.Resolve(w.MaxConcurrent, total, true)
			tolerance = fleet.Resolve(w.FailureTolerance, total, false)
		}
	}
	version, err := plan.ProgramVersion(*dir, "")
	if err != nil {
		return fail(err)
	}
	st := fleet.State{}
	if b, err := os.ReadFile(*state); err == nil {
		if err := json.Unmarshal(b, &st); err != nil {
			return fail(fmt.Errorf("-state %s: %w", *state, err))
		}
	}
	eng := &autoEngine{project: *dir, fleetFile: *file, work: *work, out: stdout}
	outcomes, runErr := fleet.Rollout(context.Background(), eng, groups, maxConcurrent, tolerance, st, fleet.RolloutOptions{
		Update: *update, RetryFailed: *retry, Digest: func(s fleet.Stack) string { return plan.Digest(version, s) },
	})
	for _, o := range outcomes {
		fmt.Fprintf(stdout, "%-40s %s\n", o.Stack, o.Status)
	}
	if err := os.MkdirAll(filepath.Dir(*state), 0o750); err != nil {
		return fail(err)
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fail(err)
	}
	if err := os.WriteFile(*state, append(b, '\n'), 0o600); err != nil {
		return fail(err)
	}
	if runErr != nil {
		return fail(runErr)
	}
	return 0
}

func parseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("-shard %q: give i/n with 1 <= i <= n", s)
	}
	return i, n, nil
}

// autoEngine runs a stack through the Automation API in a workspace
// directory of its own.
type autoEngine struct {
	project, fleetFile, work string
	out                      io.Writer
}

func (e *autoEngine) Run(ctx context.Context, s fleet.Stack, update bool) error {
	ws := filepath.Join(e.work, s.Name)
	if err := os.MkdirAll(ws, 0o750); err != nil {
		return err
	}
	proj, err := os.ReadFile(filepath.Join(e.project, "Pulumi.yaml"))
	if err != nil {
		return err
	}
	// The workspace's project file runs the project's program.
	if err := os.WriteFile(filepath.Join(ws, "Pulumi.yaml"), append(proj, []byte("\nmain: "+e.project+"\n")...), 0o600); err != nil { // #nosec G703 -- the workspace directory cmd/fleet made for the stack
		return err
	}
	stack, err := auto.UpsertStackLocalSource(ctx, s.Name, ws, auto.EnvVars(map[string]string{fleet.EnvFile: e.fleetFile}))
	if err != nil {
		return fmt.Errorf("select stack: %w", err)
	}
	cfg := auto.ConfigMap{}
	for k, v := range s.Config {
		cfg[k] = auto.ConfigValue{Value: v}
	}
	if err := stack.SetAllConfig(ctx, cfg); err != nil {
		return fmt.Errorf("set config: %w", err)
	}
	if update {
		_, err = stack.Up(ctx, optup.ProgressStreams(prefixed(e.out, s.Name)))
	} else {
		_, err = stack.Preview(ctx, optpreview.ProgressStreams(prefixed(e.out, s.Name)))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", map[bool]string{true: "up", false: "preview"}[update], err)
	}
	return nil
}

// prefixed writes each line of a stack's progress with the stack's name.
func prefixed(w io.Writer, name string) io.Writer { return &prefixWriter{w: w, prefix: name + ": "} }

type prefixWriter struct {
	w      io.Writer
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if l == "" {
			continue
		}
		if _, err := io.WriteString(p.w, p.prefix+l); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}
