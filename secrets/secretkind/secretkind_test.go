package secretkind

import (
	"strings"
	"testing"
)

// TestKinds: every kind is known and each rotated kind has its character
// policy; an unknown kind is refused by name.
func TestKinds(t *testing.T) {
	for _, k := range Kinds {
		if err := k.Check(); err != nil {
			t.Errorf("%s: %v", k, err)
		}
		if _, ok := Policies[k]; ok != k.Rotated() {
			t.Errorf("%s: rotated %v, has a policy %v", k, k.Rotated(), ok)
		}
	}
	if err := Kind("password").Check(); err == nil || !strings.Contains(err.Error(), `"password" is not one of generated, api-key, external`) {
		t.Errorf("unknown kind: %v", err)
	}
}
