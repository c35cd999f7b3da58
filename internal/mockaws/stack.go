package mockaws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/internal/stackfile"
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
	// Dir is the project directory the stack files were read from, the
	// program's root directory.
	Dir string
	// CallerAccount, when set, is the account the mocks' credentials are
	// of instead of the stack's: a run with another account's credentials.
	CallerAccount string
	// CallerARN, when set, is the principal the mocks' credentials are of
	// (GetCallerIdentity's arn) instead of a session of CallerRole.
	CallerARN string
	// Existing, when set, are the managed policies the account holds before
	// the run, by ARN (getPolicy's answers). Unset, a workload stack's
	// account holds what its bootstrap stack (the stack file of kind
	// bootstrap that lists it) registers when run on this configuration:
	// the bootstrap is up to date.
	Existing map[string]string
}

// LoadStack reads the project in dir and the config of stack name.
func LoadStack(dir, name string) (*Stack, error) {
	f, err := stackfile.Read(dir, name)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	s := &Stack{Project: f.Project, Name: name, Config: f.Config, SecretKeys: f.Secure, SecretsProvider: f.SecretsProvider, Dir: abs}
	for _, full := range f.Secure {
		s.Config[full] = TestSecret(full)
	}
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
	return (&stackfile.File{Project: s.Project}).FullKey(key)
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

// Account is the account the mocks answer for: CallerAccount when set,
// else the stack's (the one of aws:allowedAccountIds), else AccountID.
func (s *Stack) Account() string {
	if s.CallerAccount != "" {
		return s.CallerAccount
	}
	var ids []string
	if json.Unmarshal([]byte(s.Config["aws:allowedAccountIds"]), &ids) == nil && len(ids) == 1 {
		return ids[0]
	}
	return AccountID
}

// seed gives m the account's policies: Existing, or those of the stack's
// bootstrap run on this configuration.
func (s *Stack) seed(program pulumi.RunFunc, m *Mocks) error {
	if s.Existing != nil {
		m.SetExisting(s.Existing)
		return nil
	}
	policies, err := s.bootstrapped(program)
	if err != nil {
		return err
	}
	m.SetExisting(policies)
	return nil
}

// bootstrapped are the policies the stack's bootstrap registers, the
// stack's file replaced by this configuration; none for a stack no
// bootstrap lists. Runs are cached by the files they read.
func (s *Stack) bootstrapped(program pulumi.RunFunc) (map[string]string, error) {
	if s.Dir == "" || s.Config[s.fullKey("kind")] == "bootstrap" {
		return nil, nil
	}
	names, err := stackfile.Names(s.Dir)
	if err != nil {
		return nil, nil
	}
	files := map[string][]byte{}
	boot := ""
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(s.Dir, "Pulumi."+n+".yaml")) // #nosec G304 -- a stack file of the project directory
		if err != nil {
			return nil, err
		}
		files["Pulumi."+n+".yaml"] = raw
		f, err := stackfile.Read(s.Dir, n)
		if err != nil || f.Config[f.FullKey("kind")] != "bootstrap" {
			continue
		}
		var b struct {
			Stacks []string `json:"stacks"`
		}
		if json.Unmarshal([]byte(f.Config[f.FullKey("bootstrap")]), &b) == nil && slices.Contains(b.Stacks, s.Name) {
			boot = n
		}
	}
	if boot == "" {
		return nil, nil
	}
	own, err := s.stackFile()
	if err != nil {
		return nil, err
	}
	files["Pulumi."+s.Name+".yaml"] = own
	if files["Pulumi.yaml"], err = os.ReadFile(filepath.Join(s.Dir, "Pulumi.yaml")); err != nil {
		return nil, err
	}
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s\x00%d\x00%s", k, len(files[k]), files[k])
	}
	key := boot + "/" + hex.EncodeToString(h.Sum(nil))
	if v, ok := bootstrapCache.Load(key); ok {
		return v.(map[string]string), nil
	}
	dir, err := os.MkdirTemp("", "mockaws-bootstrap-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	for name, raw := range files {
		if err := os.WriteFile(filepath.Join(dir, name), raw, 0o600); err != nil {
			return nil, err
		}
	}
	b, err := LoadStack(dir, boot)
	if err != nil {
		return nil, err
	}
	b.Existing = map[string]string{}
	bm, err := b.Run(program)
	if err != nil {
		// The bootstrap refuses this configuration: the account holds
		// none of its policies, and the stack's own run says what is
		// wrong.
		bootstrapCache.Store(key, map[string]string{})
		return map[string]string{}, nil
	}
	policies := bm.Policies()
	bootstrapCache.Store(key, policies)
	return policies, nil
}

// bootstrapCache holds bootstrapped's runs.
var bootstrapCache sync.Map

// stackFile renders the configuration as a Pulumi.<stack>.yaml: objects
// and arrays from their JSON, secure keys as ciphertexts.
func (s *Stack) stackFile() ([]byte, error) {
	cfg := map[string]any{}
	for k, v := range s.Config {
		var parsed any
		switch {
		case slices.Contains(s.SecretKeys, k):
			cfg[k] = map[string]any{"secure": "v1:mockaws"}
		case strings.HasPrefix(v, "{") || strings.HasPrefix(v, "["):
			if err := json.Unmarshal([]byte(v), &parsed); err != nil {
				return nil, fmt.Errorf("mockaws: config %s: %w", k, err)
			}
			cfg[k] = parsed
		default:
			cfg[k] = v
		}
	}
	doc := map[string]any{"config": cfg}
	if s.SecretsProvider != "" {
		doc["secretsprovider"] = s.SecretsProvider
	}
	return yaml.Marshal(doc)
}

// Run runs program against this stack under fresh mocks and returns them
// with the program's error. Assert on the mocks only after Run returns.
// The configuration reaches the program in the run's context (RunInfo and
// stackfile.WithKeys), never the process environment, so stacks may
// run concurrently.
func (s *Stack) Run(program pulumi.RunFunc) (*Mocks, error) {
	m := NewMocks(s.Project, s.Name, s.Region, s.Account())
	m.caller = s.CallerARN
	if err := s.seed(program, m); err != nil {
		return m, err
	}
	return s.run(program, m, false)
}

// Preview runs program as the first `pulumi preview` of this stack does:
// ctx.DryRun() is true and the mocks answer as the providers plan new
// resources (NewPreviewMocks), so every computed output is unknown.
func (s *Stack) Preview(program pulumi.RunFunc) (*Mocks, error) {
	m := NewPreviewMocks(s.Project, s.Name, s.Region, s.Account())
	m.caller = s.CallerARN
	if err := s.seed(program, m); err != nil {
		return m, err
	}
	return s.run(program, m, true)
}

func (s *Stack) run(program pulumi.RunFunc, m *Mocks, dryRun bool) (*Mocks, error) {
	cfg := maps.Clone(s.Config)
	// What pulumi.RunErr does, but with the configuration in RunInfo and
	// the run's context rather than read from PULUMI_CONFIG.
	ctx, err := pulumi.NewContext(stackfile.WithKeys(context.Background(), cfg), pulumi.RunInfo{
		Project: s.Project, Stack: s.Name, RootDirectory: s.Dir, Mocks: m,
		Config: cfg, ConfigSecretKeys: slices.Clone(s.SecretKeys), DryRun: dryRun,
	})
	if err != nil {
		return m, err
	}
	err = pulumi.RunWithContext(ctx, program)
	if cerr := ctx.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("mockaws: closing the run: %w", cerr)
	}
	return m, err
}

// StackNames lists the project's stacks, one per stack file
// (stackfile.Names).
func StackNames(dir string) ([]string, error) { return stackfile.Names(dir) }
