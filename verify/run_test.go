package verify

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunWithoutEndpointOrAccount: with neither, every check is reported
// not checked with the reason, and nothing passes.
func TestRunWithoutEndpointOrAccount(t *testing.T) {
	r := Run(context.Background(), Plan{Stack: "dev", EndpointWhy: "no loadBalancerDnsName output", AccountWhy: "no stack outputs"})
	require.NotEmpty(t, r.Results)
	assert.Zero(t, r.Count(Pass))
	assert.Zero(t, r.Count(Fail))
	assert.False(t, r.Failed(false))
	assert.True(t, r.Failed(true), "-strict fails a run that checked nothing")
	assert.Equal(t, "no loadBalancerDnsName output", find(t, r.Results, "tls.handshake").Evidence)
	assert.Equal(t, "no stack outputs", find(t, r.Results, "account.trail").Evidence)
}

// TestOutputsAreExported: every output the checks read is one the program
// exports, under the same name.
func TestOutputsAreExported(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "baseline", "deploy.go"))
	require.NoError(t, err)
	exported := map[string]bool{}
	for _, m := range regexp.MustCompile(`ctx\.Export\("(\w+)"`).FindAllStringSubmatch(string(src), -1) {
		exported[m[1]] = true
	}
	typ := reflect.TypeFor[Outputs]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		assert.True(t, exported[name], "verify reads the output %s, which baseline does not export", name)
	}
}

func TestReadOutputs(t *testing.T) {
	o, err := ReadOutputs(strings.NewReader(`{"loadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1","clientPrivateKeyPem":"[secret]","other":1}`))
	require.NoError(t, err)
	assert.Equal(t, "123456789012", o.Account())
	_, err = ReadOutputs(strings.NewReader(`{"secretArns":["not","a","map"]}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stack output secretArns: a JSON array, not the map[string]string expected")
	_, err = ReadOutputs(strings.NewReader(`not json`))
	assert.ErrorContains(t, err, "stack outputs:")
}
