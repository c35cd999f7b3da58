package tests

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/stackconfig"
)

// stacks are the workload stacks users deploy, one per stack file of
// that kind; every property is checked on each. bootstraps are the
// accounts' bootstrap stacks, by the workload stack they serve.
var stacks, bootstraps = func() ([]string, map[string]string) {
	project, err := stackconfig.LoadProject("..")
	if err != nil {
		panic(err)
	}
	var workloads []string
	serves := map[string]string{}
	for _, s := range project {
		if s.Config.Kind == stackconfig.Bootstrap {
			for _, w := range s.Config.Bootstrap.Stacks {
				serves[w] = s.Name
			}
			continue
		}
		workloads = append(workloads, s.Name)
	}
	return workloads, serves
}()

var (
	runsMu sync.Mutex
	runs   = map[string]*mockaws.Mocks{}
)

// artifact stands in for the rotation function's zip, which
// `go run ./cmd/buildlambda` builds for real deployments.
var artifact string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hardening-tests")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	artifact = filepath.Join(dir, "rotation.zip")
	if err := writeZip(artifact); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func writeZip(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("bootstrap")
	if err == nil {
		_, err = w.Write([]byte("test stand-in"))
	}
	return errors.Join(err, zw.Close(), f.Close())
}

// loadStack reads a real stack file from the project root, with the test
// stand-in for the rotation function's zip.
func loadStack(t testing.TB, name string) *mockaws.Stack {
	t.Helper()
	s, err := mockaws.LoadStack("..", name)
	require.NoError(t, err, "load stack %s", name)
	if kind, _ := s.Value("kind"); kind != string(stackconfig.Bootstrap) {
		setField(t, s, "secrets", "rotationArtifact", artifact)
	}
	return s
}

// setField sets one field of a config object, keeping its other fields.
func setField(t testing.TB, s *mockaws.Stack, key, field string, value any) {
	t.Helper()
	obj := map[string]any{}
	if raw, ok := s.Value(key); ok {
		require.NoError(t, json.Unmarshal([]byte(raw), &obj), "config %s", key)
	}
	obj[field] = value
	b, err := json.Marshal(obj)
	require.NoError(t, err)
	s.Set(key, string(b))
}

// deployed runs the whole program for a stack once and shares the record
// between tests, which only read it.
func deployed(t *testing.T, name string) *mockaws.Mocks {
	t.Helper()
	runsMu.Lock()
	defer runsMu.Unlock()
	if m, ok := runs[name]; ok {
		return m
	}
	m, err := loadStack(t, name).Run(baseline.Run)
	require.NoError(t, err, "run %s", name)
	runs[name] = m
	return m
}

// deployAndAwait runs the whole program for a stack, picks outputs from its
// components, and resolves each before the run ends. It fails the test if
// the run fails or an output stays unknown; assertions belong to the caller,
// on the test goroutine.
func deployAndAwait(t *testing.T, stack string, pick func(*baseline.Baseline) map[string]pulumi.Output) map[string]internals.UnsafeAwaitOutputResult {
	t.Helper()
	got := map[string]internals.UnsafeAwaitOutputResult{}
	var awaitErr error
	_, err := loadStack(t, stack).Run(func(ctx *pulumi.Context) error {
		cfg, err := stackconfig.Load(ctx)
		if err != nil {
			return err
		}
		b, err := baseline.Deploy(ctx, cfg)
		if err != nil {
			return err
		}
		for k, o := range pick(b) {
			res, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
			if err != nil || !res.Known {
				awaitErr = errors.Join(awaitErr, err, errors.New(k+" unknown"))
			}
			got[k] = res
		}
		return nil
	})
	require.NoError(t, err, "run %s", stack)
	require.NoError(t, awaitErr, "run %s", stack)
	return got
}

// accountOf is a stack's account, the one of its aws:allowedAccountIds.
func accountOf(stack string) string {
	s, err := mockaws.LoadStack("..", stack)
	if err != nil {
		panic(err)
	}
	return s.Account()
}

// inAccount is what a workload stack's account holds: the stack's plan and
// its bootstrap's.
func inAccount(t *testing.T, stack string) *mockaws.Mocks {
	t.Helper()
	return mockaws.Combine(deployed(t, stack), deployed(t, bootstraps[stack]))
}
