// Package stackconfig defines the typed configuration of one stack of the
// hardening baseline: its defaults, how it is read from Pulumi config, and
// the validation that runs before any resource is registered.
//
// Every default is the secure choice. A stack that wants the less safe one
// (a single NAT gateway, short log retention, unprotected stateful
// resources) must ask for it by name in its Pulumi.<stack>.yaml.
package stackconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/example/hardening/internal/problem"
	"github.com/example/hardening/internal/stackfile"
	"github.com/example/hardening/ratelimit/limits"
	"github.com/example/hardening/secrets/secretkind"
)

// Namespace is the Pulumi project name, and so the namespace of every
// project config key (hardening:network, hardening:kms, ...).
const Namespace = "hardening"

// Config is the whole typed configuration of a stack.
type Config struct {
	// Kind is what the stack deploys: a workload (default) or an
	// account's bootstrap. Key "kind".
	Kind Kind
	// Region is the stack's aws:region, when set ("" in tests that leave
	// it out).
	Region string
	// AccountID is the one account of aws:allowedAccountIds.
	AccountID string
	// DefaultTags are aws:defaultTags' tags, which the provider puts on
	// every resource.
	DefaultTags map[string]string
	// SharedAccount accepts, by name, a non-production stack sharing its
	// account with another workload stack. Key "sharedAccount"; default
	// false, and production refuses it.
	SharedAccount bool
	// Bootstrap configures a bootstrap stack. Key "bootstrap".
	Bootstrap BootstrapSettings
	// Production marks a stack that must not relax any setting that only
	// development may relax (MFA, threat protection, localhost callbacks,
	// rate rules that only count, CI without an environment). Key
	// "production"; default true, so a development stack says so by name.
	Production bool
	// ProtectStateful marks stateful resources (KMS keys, log groups,
	// secrets, user pools) protected and retained on delete. Key
	// "protectStateful"; default true.
	ProtectStateful bool
	// Network configures the network component. Key "network".
	Network Network
	// KMS configures the stack's customer-managed key. Key "kms".
	KMS KMS
	// TLS configures certificates and the load balancer. Key "tls".
	TLS TLS
	// Workloads are the services that run under their own roles. Key
	// "workloads".
	Workloads []Workload
	// Secrets configures the secrets inventory. Key "secrets".
	Secrets Secrets
	// Alerts configures the alerts topic's subscribers. Key "alerts".
	Alerts Alerts
	// RateLimit configures the WAF web ACL. Key "rateLimit".
	RateLimit RateLimit
	// Audit configures CloudTrail and detection. Key "audit".
	Audit Audit
	// Identity configures Cognito, group and CI roles, and guardrails.
	// Key "identity".
	Identity Identity
}

// Default returns the configuration a stack gets when it sets nothing.
func Default() Config {
	return Config{
		Kind:            WorkloadKind,
		Bootstrap:       DefaultBootstrap(),
		Production:      true,
		ProtectStateful: true,
		Network:         DefaultNetwork(),
		KMS:             DefaultKMS(),
		TLS:             DefaultTLS(),
		Workloads:       DefaultWorkloads(),
		Secrets:         DefaultSecrets(),
		RateLimit:       DefaultRateLimit(),
		Audit:           DefaultAudit(),
		Identity:        DefaultIdentity(),
	}
}

// Lookup returns the raw value of a project config key (without the
// namespace) and whether it is set.
type Lookup func(key string) (string, bool)

// IsSecret reports whether a project config key (without the namespace)
// holds a secret value, one set with `pulumi config set --secret`.
type IsSecret func(key string) bool

// Load reads the stack's configuration from the Pulumi context, applies the
// defaults and validates it. The returned error lists every problem. The
// keys set are those of PULUMI_CONFIG, which the Go language host gives
// every program, or those a run in process puts in its context
// (stackfile.WithKeys: mockaws), so that a misspelled top-level key is an
// error rather than a silent default.
func Load(ctx *pulumi.Context) (*Config, error) {
	c := config.New(ctx, Namespace)
	keys := ConfigKeys(os.Getenv(pulumi.EnvConfig))
	if full, ok := stackfile.Keys(ctx.Context()); ok {
		keys = projectKeys(full)
	}
	return ParseKeys(keys, func(key string) (string, bool) {
		if strings.Contains(key, ":") {
			return ctx.GetConfig(key) // a full key of another namespace: aws:region
		}
		v, err := c.Try(key)
		return v, err == nil
	}, func(key string) bool { return ctx.IsConfigSecret(Namespace + ":" + key) })
}

// ConfigKeys returns the keys of the project namespace, without it, in a
// PULUMI_CONFIG document (a JSON object of full keys); nil when there is
// none.
func ConfigKeys(pulumiConfig string) []string {
	var all map[string]json.RawMessage
	if json.Unmarshal([]byte(pulumiConfig), &all) != nil {
		return nil
	}
	full := make([]string, 0, len(all))
	for k := range all {
		full = append(full, k)
	}
	return projectKeys(full)
}

// projectKeys are the keys of the project namespace among full keys,
// without it, sorted; nil when there is none.
func projectKeys(full []string) []string {
	var keys []string
	for _, k := range full {
		if rest, ok := strings.CutPrefix(k, Namespace+":"); ok {
			keys = append(keys, rest)
		}
	}
	slices.Sort(keys)
	return keys
}

// Settings are the top-level keys of the project namespace. The
// configuration decodes every one of them but "compliance", the review's
// suppressions, which compliance.ReadSuppressions owns and checks.
var Settings = []string{
	"alerts", "audit", "bootstrap", "compliance", "identity", "kind", "kms", "network", "production",
	"protectStateful", "rateLimit", "secrets", "sharedAccount", "tls", "workloads",
}

// bootstrapSettings are the keys a bootstrap stack takes; the others are
// a workload's.
var bootstrapSettings = []string{"bootstrap", "kind", "production", "protectStateful"}

// checkKeys refuses a key of the namespace that is neither a setting nor
// the secure value of an external secret of the inventory.
func checkKeys(keys []string, inventory []Secret) []error {
	var errs []error
	for _, k := range keys {
		if slices.Contains(Settings, k) {
			continue
		}
		if name, ok := strings.CutPrefix(k, "secret-"); ok {
			if slices.ContainsFunc(inventory, func(s Secret) bool { return s.Name == name && s.Kind == secretkind.External }) {
				continue
			}
			errs = append(errs, fieldErr(Namespace+":"+k, "is not the value of an external secret of secrets.inventory (an entry named %q with kind external); remove it or add the entry", name))
			continue
		}
		errs = append(errs, fieldErr(Namespace+":"+k, "is not a setting%s; the settings are %s", suggest(k, Settings), strings.Join(Settings, ", ")))
	}
	return errs
}

// Parse is ParseKeys without the check of which keys are set.
func Parse(lookup Lookup, isSecret IsSecret) (*Config, error) {
	return ParseKeys(nil, lookup, isSecret)
}

// ParseKeys builds a Config from raw values, applies the defaults and
// validates it. Keys are the namespace's keys that are set; each must be a
// setting or an external secret's value. Unknown fields in an object are
// errors, so that a typo is not silently replaced by a default. isSecret
// tells which keys hold secrets, so that a secret value left in plain text
// is an error.
func ParseKeys(keys []string, lookup Lookup, isSecret IsSecret) (*Config, error) {
	cfg := Default()
	var errs []error
	if raw, ok := lookup("kind"); ok {
		cfg.Kind = Kind(raw)
		if !slices.Contains(Kinds, cfg.Kind) {
			errs = append(errs, fieldErr("kind", "%q is not a stack kind; use %s (default) or %s", raw, WorkloadKind, Bootstrap))
			cfg.Kind = WorkloadKind
		}
	}
	account, err := parseAccount(lookup("aws:allowedAccountIds"))
	if err != nil {
		errs = append(errs, err)
	}
	cfg.AccountID = account
	if raw, ok := lookup("aws:defaultTags"); ok {
		var tags struct {
			Tags map[string]string `json:"tags"`
		}
		if err := json.Unmarshal([]byte(raw), &tags); err != nil {
			errs = append(errs, fieldErr("aws:defaultTags", "is not an object with tags: %v", err))
		}
		cfg.DefaultTags = tags.Tags
	}
	for key, out := range map[string]*bool{"production": &cfg.Production, "protectStateful": &cfg.ProtectStateful, "sharedAccount": &cfg.SharedAccount} {
		if raw, ok := lookup(key); ok {
			b, err := strconv.ParseBool(raw)
			if err != nil {
				errs = append(errs, fieldErr(key, "%q is not a boolean (true or false)", raw))
			}
			*out = b
		}
	}
	// A section that does not decode is reported and not validated; every
	// other section still is, so one run lists every problem.
	failed := map[string]bool{}
	for _, sec := range []struct {
		key string
		out any
	}{
		{"network", &cfg.Network}, {"kms", &cfg.KMS}, {"tls", &cfg.TLS}, {"workloads", &cfg.Workloads},
		{"secrets", &cfg.Secrets}, {"alerts", &cfg.Alerts}, {"rateLimit", &cfg.RateLimit}, {"audit", &cfg.Audit},
		{"identity", &cfg.Identity}, {"bootstrap", &cfg.Bootstrap},
	} {
		if e := decodeObject(lookup, sec.key, sec.out); len(e) > 0 {
			errs = append(errs, e...)
			failed[sec.key] = true
		}
	}
	errs = append(errs, explicitZeros(lookup)...)
	cfg.Secrets.defaults()
	if region, ok := lookup("aws:region"); ok {
		cfg.Region = region
		if !knownRegion(region) {
			errs = append(errs, fieldErr("aws:region", "%q is not an AWS region such as us-east-1 (%s)", region, regionSource()))
		}
	}
	present := func(key string) bool { _, ok := lookup(key); return ok }
	if present("aws:defaultTags") {
		errs = append(errs, checkDefaultTags(cfg.DefaultTags, cfg.Kind == WorkloadKind)...)
	}
	if cfg.Kind == Bootstrap {
		errs = append(errs, cfg.validateBootstrap(keys, failed)...)
		if len(errs) > 0 {
			return nil, &Error{Problems: errs}
		}
		return &cfg, nil
	}
	if present("bootstrap") {
		errs = append(errs, fieldErr("bootstrap", "is a bootstrap stack's setting; this is a workload stack (set kind: bootstrap in the account's bootstrap stack file)"))
	}
	if cfg.Production && cfg.SharedAccount {
		errs = append(errs, fieldErr("sharedAccount", "true in a production stack; production has its account to itself"))
	}
	errs = append(errs, cfg.validate(present, isSecret, failed)...)
	// A misspelled top-level key leaves its setting at the default; it is
	// reported beside every other problem.
	errs = append(errs, checkKeys(keys, cfg.Secrets.Inventory)...)
	if cfg.TLS.TargetPort == 0 {
		cfg.TLS.TargetPort = cfg.Network.AppPort
	}
	if len(errs) > 0 {
		return nil, &Error{Problems: errs}
	}
	return &cfg, nil
}

// Error reports every problem found in a stack's configuration.
type Error struct {
	Problems []error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid stack configuration (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the individual problems, for errors.Is and errors.As.
func (e *Error) Unwrap() []error { return e.Problems }

// FieldError is one problem with one config key.
type FieldError struct {
	// Key is the config key path, such as "network.cidr".
	Key string
	// Problem says what is wrong and what would be valid.
	Problem string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Problem }

func fieldErr(key, format string, args ...any) error {
	return &FieldError{Key: key, Problem: fmt.Sprintf(format, args...)}
}

// problemsAt puts the problems a shared rule found (tls/policy,
// identity/signin, ratelimit/limits, network/addressing) under the key
// path of the section they were found in.
func problemsAt(key string, ps problem.List) []error {
	var errs []error
	for _, p := range ps {
		errs = append(errs, fieldErr(key+"."+p.Setting, "%s", p.Message))
	}
	return errs
}

// validateBootstrap checks a bootstrap stack: its own section, and no
// workload setting.
func (c *Config) validateBootstrap(keys []string, failed map[string]bool) []error {
	var errs []error
	for _, k := range keys {
		if slices.Contains(Settings, k) && !slices.Contains(bootstrapSettings, k) {
			errs = append(errs, fieldErr(k, "is a workload stack's setting; a bootstrap stack takes %s", strings.Join(bootstrapSettings, ", ")))
		}
	}
	if !failed["bootstrap"] {
		errs = append(errs, c.Bootstrap.validate("bootstrap")...)
		errs = append(errs, c.Bootstrap.validateFleetTrust("bootstrap", c.AccountID)...)
	}
	if c.Production && !c.ProtectStateful {
		errs = append(errs, fieldErr("protectStateful", "false in a production stack; a production account's bootstrap protects what it creates"))
	}
	return errs
}

// validate checks every section that decoded (failed names those that did
// not), and the rules across sections when all did.
func (c *Config) validate(present func(string) bool, isSecret IsSecret, failed map[string]bool) []error {
	var errs []error
	for _, sec := range []struct {
		key   string
		needs []string
		check func() []error
	}{
		{"network", nil, func() []error { return c.Network.validate("network") }},
		{"kms", nil, func() []error { return c.KMS.validate("kms") }},
		{"tls", nil, func() []error { return c.TLS.validate("tls") }},
		{"workloads", nil, func() []error { return validateWorkloads("workloads", c.Workloads) }},
		{"secrets", []string{"workloads", "kms"}, func() []error {
			return c.Secrets.validate("secrets", c.Workloads, c.KMS, c.Region, present, isSecret)
		}},
		{"alerts", nil, func() []error { return c.Alerts.validate("alerts") }},
		{"rateLimit", nil, func() []error { return c.RateLimit.validate("rateLimit") }},
		{"audit", nil, func() []error { return c.Audit.validate("audit") }},
		{"identity", nil, func() []error { return c.Identity.validate("identity", c.Production) }},
	} {
		if failed[sec.key] || slices.ContainsFunc(sec.needs, func(k string) bool { return failed[k] }) {
			continue
		}
		errs = append(errs, sec.check()...)
	}
	if len(failed) > 0 {
		return errs // the rules across sections would judge defaults
	}
	errs = append(errs, c.awsChecks()...)
	if c.Production && c.RateLimit.Mode == limits.Count {
		errs = append(errs, fieldErr("rateLimit.mode", "%q in a production stack; production blocks over the limits (or set production: false)", c.RateLimit.Mode))
	}
	if c.Production && c.Audit.Trail.Enabled && c.Audit.Trail.ObjectLockDays == 0 {
		errs = append(errs, fieldErr("audit.trail.objectLockDays", "0 in a production stack; production keeps trail log files under Object Lock (governance mode) for at least a day (default 365)"))
	}
	if c.Production && !c.TLS.DeletionProtection {
		errs = append(errs, fieldErr("tls.deletionProtection", "false in a production stack; production load balancers keep deletion protection (FSBP ELB.6)"))
	}
	if c.Production && !c.ProtectStateful {
		errs = append(errs, fieldErr("protectStateful", "false in a production stack; production protects its keys, secrets, logs and user pool"))
	}
	errs = append(errs, c.secretsRoute()...)
	// The security groups and NACLs admit the load balancer to the app tier
	// on network.appPort only: a target group on another port would reach
	// nothing, and opening both would leave a port open that nothing serves.
	if t := c.TLS.TargetPort; t != 0 && t != c.Network.AppPort {
		errs = append(errs, fieldErr("tls.targetPort", "%d differs from network.appPort %d, the only port the security groups and network ACLs open from the load balancer to the app tier; set network.appPort to %d and leave tls.targetPort unset (it defaults to network.appPort)", t, c.Network.AppPort, t))
	}
	return errs
}

// secretsRoute refuses a configuration whose secrets need Secrets Manager
// without its interface endpoint: the rotation function's security group
// reaches only the endpoints, and the workloads reach AWS APIs through
// them.
func (c *Config) secretsRoute() []error {
	if slices.Contains(c.Network.InterfaceEndpoints, SecretsManagerEndpoint) {
		return nil
	}
	var need []string
	for i, s := range c.Secrets.Inventory {
		switch {
		case s.Rotated():
			need = append(need, fmt.Sprintf("secrets.inventory[%d] (%s) is rotated by the rotation function", i, s.Name))
		case len(s.Readers) > 0:
			need = append(need, fmt.Sprintf("secrets.inventory[%d] (%s) is read by %s", i, s.Name, strings.Join(s.Readers, ", ")))
		}
	}
	if len(need) == 0 {
		return nil
	}
	return []error{fieldErr("network.interfaceEndpoints", "has no %q, the only route to Secrets Manager from the private subnets, and %s; add %q", SecretsManagerEndpoint, strings.Join(need, "; "), SecretsManagerEndpoint)}
}
