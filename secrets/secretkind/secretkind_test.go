package secretkind

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestKinds: every kind is known and each rotated kind has its character
// policy; an unknown kind is refused by name.
func TestKinds(t *testing.T) {
	for _, k := range Kinds {
		assert.NoError(t, k.Check(), "%s", k)
		_, ok := Policies[k]
		assert.Equal(t, k.Rotated(), ok, "%s: rotated %v, has a policy", k, k.Rotated())
	}
	assert.ErrorContains(t, Kind("password").Check(), `"password" is not one of generated, api-key, external`, "unknown kind")
}
