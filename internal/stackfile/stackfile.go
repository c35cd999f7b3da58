// Package stackfile reads a Pulumi project's stack files as the engine
// hands them to a program: Pulumi.yaml's config defaults, then
// Pulumi.<stack>.yaml's values, each as the raw string the engine passes
// (objects and arrays as JSON), with the keys of `secure:` values listed.
// The stack files are the project's one list of stacks.
package stackfile

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// File is one stack's configuration.
type File struct {
	// Project is the project name from Pulumi.yaml.
	Project string
	// Name is the stack name.
	Name string
	// Config maps full keys ("hardening:network", "aws:region") to raw
	// values; a secure value maps to "" and its key is in Secure.
	Config map[string]string
	// Secure are the full keys whose values are `secure:` ciphertexts.
	Secure []string
	// SecretsProvider is the stack's secretsprovider setting.
	SecretsProvider string
}

type projectFile struct {
	Name   string `yaml:"name"`
	Config map[string]struct {
		Default any `yaml:"default"`
	} `yaml:"config"`
}

type stackFile struct {
	SecretsProvider string         `yaml:"secretsprovider"`
	Config          map[string]any `yaml:"config"`
}

// Read reads the project in dir and the stack file of name.
func Read(dir, name string) (*File, error) {
	var proj projectFile
	if err := readYAML(filepath.Join(dir, "Pulumi.yaml"), &proj); err != nil {
		return nil, err
	}
	var sf stackFile
	if err := readYAML(filepath.Join(dir, "Pulumi."+name+".yaml"), &sf); err != nil {
		return nil, err
	}
	f := &File{Project: proj.Name, Name: name, Config: map[string]string{}, SecretsProvider: sf.SecretsProvider}
	// Project-level defaults first, as the engine applies them.
	for key, decl := range proj.Config {
		if decl.Default == nil {
			continue
		}
		v, err := rawValue(decl.Default)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.yaml config %s: %w", key, err)
		}
		f.Config[f.FullKey(key)] = v
	}
	for key, value := range sf.Config {
		full := f.FullKey(key)
		if m, ok := value.(map[string]any); ok && len(m) == 1 && m["secure"] != nil {
			f.Config[full] = ""
			f.Secure = append(f.Secure, full)
			continue
		}
		v, err := rawValue(value)
		if err != nil {
			return nil, fmt.Errorf("Pulumi.%s.yaml config %s: %w", name, key, err)
		}
		f.Config[full] = v
	}
	sort.Strings(f.Secure)
	return f, nil
}

// FullKey puts a key of the project namespace into it; a key with a
// namespace ("aws:region") stays as it is.
func (f *File) FullKey(key string) string {
	if strings.Contains(key, ":") {
		return key
	}
	return f.Project + ":" + key
}

// Names lists the project's stacks: one per Pulumi.<stack>.yaml in dir,
// sorted.
func Names(dir string) ([]string, error) {
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

// keysKey is the context key of the full config keys a run is given.
type keysKey struct{}

// WithKeys returns parent carrying the full keys of config (as
// pulumi.RunInfo.Config holds them) for Keys. A run in process (the
// mocks') gives its configuration in RunInfo.Config, which the Go SDK
// offers no way to list (Context.GetConfig reads one key), rather than in
// the process-wide PULUMI_CONFIG the language host sets, so that several
// stacks can run at once.
func WithKeys(parent context.Context, config map[string]string) context.Context {
	keys := make([]string, 0, len(config))
	for k := range config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return context.WithValue(parent, keysKey{}, keys)
}

// Keys returns the full config keys WithKeys put in ctx, sorted, and
// whether it did.
func Keys(ctx context.Context) ([]string, bool) {
	keys, ok := ctx.Value(keysKey{}).([]string)
	return keys, ok
}
