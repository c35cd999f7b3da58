package tests

import (
	"sync"
	"testing"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/mockaws"
)

// stacks are the stacks users deploy; every property is checked on each.
var stacks = []string{"dev", "prod"}

var (
	runsMu sync.Mutex
	runs   = map[string]*mockaws.Mocks{}
)

// loadStack reads a real stack file from the project root.
func loadStack(t testing.TB, name string) *mockaws.Stack {
	t.Helper()
	s, err := mockaws.LoadStack("..", name)
	if err != nil {
		t.Fatalf("load stack %s: %v", name, err)
	}
	return s
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
	if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	runs[name] = m
	return m
}
