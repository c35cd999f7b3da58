package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i, n int
		ok   bool
	}{{"1/1", 1, 1, true}, {"2/4", 2, 4, true}, {"0/4", 0, 0, false}, {"5/4", 0, 0, false}, {"x", 0, 0, false}, {"1/0", 0, 0, false}} {
		i, n, err := parseShard(tc.in)
		assert.Equal(t, tc.ok, err == nil, "%s: %v", tc.in, err)
		assert.Equal(t, []int{tc.i, tc.n}, []int{i, n}, tc.in)
	}
}

func TestListsAWavesShard(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"-fleet", "../../examples/fleet.yaml", "-dir", "../..", "-wave", "canary", "-list", "-shard", "1/2"}, &out, &errOut), errOut.String())
	lines := strings.Fields(out.String())
	assert.Equal(t, []string{"bootstrap-app001", "wl-app001-use1", "wl-app001-usw2", "wl-app001-euw1", "wl-app001-euc1"}, lines,
		"shard 1 of 2 of each group: the first account's bootstrap, then its stack in each region in the wave's order")
}
