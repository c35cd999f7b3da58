package stackconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/internal/mockaws"
)

// FuzzParse feeds decode and validation arbitrary values for every setting
// (seeded with both stack files and the validation cases): whatever a stack
// file holds, the program reports problems and never panics. .ci/run runs it
// for a bounded time; a crasher it finds stays in testdata/fuzz as a
// regression case.
func FuzzParse(f *testing.F) {
	stacks, err := mockaws.StackNames("..")
	require.NoError(f, err)
	for _, stack := range stacks {
		b, err := os.ReadFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
		require.NoError(f, err)
		var doc struct {
			Config map[string]any `yaml:"config"`
		}
		require.NoError(f, yaml.Unmarshal(b, &doc))
		for k, v := range doc.Config {
			key, ok := strings.CutPrefix(k, Namespace+":")
			if !ok {
				continue
			}
			raw, err := rawYAML(v)
			require.NoError(f, err)
			f.Add(key, raw)
		}
	}
	f.Add("secrets", `{"inventory":[{"name":"a","kind":"external","readers":[1,null]}]}`)
	f.Add("network", `{"cidr":"10.0.0.0/33","azCount":1e99}`)
	f.Add("rateLimit", `{"ipBlockList":["0.0.0.0/0",""],"perUser":{"paths":[null]}}`)
	f.Add("identity", `{"roles":[{"name":"","statements":[{"actions":[],"resources":null}]}],"groups":[{}]}`)
	f.Fuzz(func(t *testing.T, key, raw string) {
		values := map[string]string{key: raw}
		cfg, err := ParseKeys([]string{key}, func(k string) (string, bool) {
			if v, ok := values[k]; ok {
				return v, true
			}
			v, ok := minimal[k]
			return v, ok
		}, func(string) bool { return false })
		if err == nil {
			require.NotNil(t, cfg, "no configuration and no error")
		}
	})
}

// rawYAML renders a stack file value as the engine passes it.
func rawYAML(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	switch v.(type) {
	case bool, int, float64:
		return fmt.Sprint(v), nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}
