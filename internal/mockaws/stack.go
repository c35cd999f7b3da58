package mockaws

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// Stack is one stack's configuration as the Pulumi engine hands it to the
// program: read from the real Pulumi.yaml and Pulumi.<stack>.yaml, with a
// known test value in place of every `secure:` ciphertext.
type Stack struct {
	// Project is the project name from Pulumi.yaml.
	Project string
	// Name is the stack name.
	Name string
	// Region is the stack's aws:region.
	Region string
	// Config maps full keys ("hardening:network", "aws:region") to raw
	// values; objects and arrays are JSON.
	Config map[string]string
	// SecretKeys are the full keys whose values are secret.
	SecretKeys []string
	// SecretsProvider is the stack's secretsprovider setting.
	SecretsProvider string
}

type projectFile struct {
	Name   string                   `yaml:"name"`
	Config map[string]projectConfig `yaml:"config"`
}

type projectConfig struct {
	Default any `yaml:"default"`
}

type stackFile struct {
	SecretsProvider string         `yaml:"secretsprovider"`
	Config          map[string]any `yaml:"config"`
}

// LoadStack reads the project in dir and the config of stack name.
func LoadStack(dir, name string) (*Stack, error) {
	var proj projectFile
	if err := readYAML(filepath.Join(dir, "Pulumi.yaml"), &proj); err != nil {
		return nil, err
	}
	var sf stackFile
	if err := readYAML(filepath.Join(dir, "Pulumi."+name+".yaml"), &sf); err != nil {
		return nil, err
	}
	s := &Stack{Project: proj.Name, Name: name, Config: map[string]string{}, SecretsProvider: sf.SecretsProvider}
	// Project-level defaults first, as the engine applies them.
	for key, decl := range proj.Config {
		if decl.Default == nil {
			continue
		}
		v, err := rawValue(decl.Default)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.yaml config %s: %w", key, err)
		}
		s.Config[s.fullKey(key)] = v
	}
	for key, value := range sf.Config {
		full := s.fullKey(key)
		if m, ok := value.(map[string]any); ok && len(m) == 1 && m["secure"] != nil {
			s.Config[full] = TestSecret(full)
			s.SecretKeys = append(s.SecretKeys, full)
			continue
		}
		v, err := rawValue(value)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.%s.yaml config %s: %w", name, key, err)
		}
		s.Config[full] = v
	}
	sort.Strings(s.SecretKeys)
	s.Region = s.Config["aws:region"]
	if s.Region == "" {
		return nil, fmt.Errorf("Pulumi.%s.yaml: aws:region is not set", name)
	}
	return s, nil
}

// TestSecret is the value given to the program for the secure config key
// full. Tests scan every recorded input and output for it.
func TestSecret(full string) string {
	return "mockaws-secret-" + shortHash(full, 12)
}

func (s *Stack) fullKey(key string) string {
	if strings.Contains(key, ":") {
		return key
	}
	return s.Project + ":" + key
}

// Keys returns the keys set in the project namespace, without it.
func (s *Stack) Keys() []string {
	var keys []string
	for k := range s.Config {
		if rest, ok := strings.CutPrefix(k, s.Project+":"); ok {
			keys = append(keys, rest)
		}
	}
	sort.Strings(keys)
	return keys
}

// Value returns the raw value of a key in the project namespace, in the
// shape of stackconfig.Lookup.
func (s *Stack) Value(key string) (string, bool) {
	v, ok := s.Config[s.fullKey(key)]
	return v, ok
}

// IsSecret reports whether a key in the project namespace holds a secret,
// in the shape of stackconfig.IsSecret.
func (s *Stack) IsSecret(key string) bool {
	full := s.fullKey(key)
	for _, k := range s.SecretKeys {
		if k == full {
			return true
		}
	}
	return false
}

// Set overrides one config value (a key in the project namespace, or a
// full key); objects and arrays are given as JSON.
func (s *Stack) Set(key, value string) { s.Config[s.fullKey(key)] = value }

// Delete removes one config value, so the program's default applies.
func (s *Stack) Delete(key string) { delete(s.Config, s.fullKey(key)) }

// SetSecret overrides one config value and marks it secret.
func (s *Stack) SetSecret(key, value string) {
	full := s.fullKey(key)
	s.Config[full] = value
	s.SecretKeys = append(s.SecretKeys, full)
}

// Clone returns an independent copy, for tests that flip one setting.
func (s *Stack) Clone() *Stack {
	c := *s
	c.Config = maps.Clone(s.Config)
	c.SecretKeys = append([]string(nil), s.SecretKeys...)
	return &c
}

// runMu serializes Run: it sets the process's PULUMI_CONFIG.
var runMu sync.Mutex

// Run runs program against this stack under fresh mocks and returns them
// with the program's error. Assert on the mocks only after Run returns.
// Like the Go language host, it gives the program its configuration in
// PULUMI_CONFIG too, which is where the program lists the keys set.
func (s *Stack) Run(program pulumi.RunFunc) (*Mocks, error) {
	return s.run(program, NewMocks(s.Project, s.Name, s.Region), false)
}

// Preview runs program as the first `pulumi preview` of this stack does:
// ctx.DryRun() is true and the mocks answer as the providers plan new
// resources (NewPreviewMocks), so every computed output is unknown.
func (s *Stack) Preview(program pulumi.RunFunc) (*Mocks, error) {
	return s.run(program, NewPreviewMocks(s.Project, s.Name, s.Region), true)
}

func (s *Stack) run(program pulumi.RunFunc, m *Mocks, dryRun bool) (*Mocks, error) {
	cfg := maps.Clone(s.Config)
	secretKeys := append([]string(nil), s.SecretKeys...)
	doc, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	runMu.Lock()
	defer runMu.Unlock()
	prev, had := os.LookupEnv(pulumi.EnvConfig)
	if err := os.Setenv(pulumi.EnvConfig, string(doc)); err != nil {
		return nil, err
	}
	defer func() {
		if had {
			_ = os.Setenv(pulumi.EnvConfig, prev) // restoring: nothing to do on failure
		} else {
			_ = os.Unsetenv(pulumi.EnvConfig)
		}
	}()
	err = pulumi.RunErr(program,
		pulumi.WithMocks(s.Project, s.Name, m),
		func(info *pulumi.RunInfo) {
			info.Config = cfg
			info.ConfigSecretKeys = secretKeys
			info.DryRun = dryRun
		})
	return m, err
}

func readYAML(path string, out any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// rawValue renders a YAML value the way the engine passes config: strings
// as they are, other scalars in their text form, objects and arrays as JSON.
func rawValue(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool, int, int64, float64:
		return fmt.Sprint(x), nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// StackNames lists the project's stacks: one per Pulumi.<stack>.yaml in
// dir, sorted. The stack files are the one list of stacks; tests, scripts
// and workflows read it from there.
func StackNames(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s holds no Pulumi.<stack>.yaml", dir)
	}
	sort.Strings(names)
	return names, nil
}
