package stackconfig

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/example/hardening/internal/stackfile"
)

// Kind is what a stack deploys. Key "kind".
type Kind string

const (
	// WorkloadKind is the baseline (network, TLS, secrets, identity, rate
	// limiting, audit) that CI previews and deploys. The default.
	WorkloadKind Kind = "workload"
	// Bootstrap is an account's foundation that only an administrator
	// runs, never CI: the account's GitHub OIDC provider, the CI roles and
	// permissions boundary of every workload stack deployed into the
	// account, and the account's guardrails. A workload stack's deploy
	// role can change none of it.
	Bootstrap Kind = "bootstrap"
)

// Kinds are the stack kinds.
var Kinds = []Kind{WorkloadKind, Bootstrap}

// BootstrapSettings configures an account's bootstrap stack (key
// "bootstrap").
type BootstrapSettings struct {
	// Stacks are the workload stacks deployed into this account, each with
	// its Pulumi.<stack>.yaml beside this stack's file; the bootstrap
	// creates their CI roles and boundaries from those files.
	Stacks []string `json:"stacks"`
	// CreateProvider creates the account's GitHub OIDC provider; false
	// where the account has one already. Default true.
	CreateProvider bool `json:"createProvider"`
	// Guardrails sets the IAM account password policy, S3 Block Public
	// Access for the account and IAM Access Analyzer. Default true.
	Guardrails bool `json:"guardrails"`
	// AccessAnalyzers picks the analyzers the guardrails create. An account
	// and region holds one analyzer of each type, and the quota cannot be
	// raised: where Control Tower or the console made one, creating
	// another fails, so turn that type off here.
	AccessAnalyzers AccessAnalyzers `json:"accessAnalyzers"`
	// Fleet makes the CI roles trust a fleet's one CI role in its tooling
	// account instead of GitHub's OIDC provider: cmd/fleet assumes them
	// from that role. A fleet renders it in each account's bootstrap.
	Fleet FleetTrust `json:"fleet"`
}

// FleetTrust is the CI role a fleet's accounts trust (key
// "bootstrap.fleet").
type FleetTrust struct {
	// CIRoleARN is the exact ARN of the tooling account's CI role
	// (fleet.ToolingCIRoleName). Empty: the CI roles trust GitHub's OIDC
	// provider, as a single account's do.
	CIRoleARN string `json:"ciRoleArn"`
}

// AccessAnalyzers switches IAM Access Analyzer's account analyzers.
type AccessAnalyzers struct {
	// External reports resources shared outside the account. Default true.
	External bool `json:"external"`
	// Unused reports roles and permissions unused for 90 days. Default
	// true.
	Unused bool `json:"unused"`
}

// DefaultBootstrap returns the bootstrap defaults.
func DefaultBootstrap() BootstrapSettings {
	return BootstrapSettings{CreateProvider: true, Guardrails: true, AccessAnalyzers: AccessAnalyzers{External: true, Unused: true}}
}

// stackNameRE is what Pulumi accepts as a stack name.
var stackNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

func (b BootstrapSettings) validate(key string) []error {
	var errs []error
	if len(b.Stacks) == 0 {
		errs = append(errs, fieldErr(key+".stacks", "is empty; list the workload stacks deployed into this account, whose CI roles and boundaries the bootstrap creates"))
	}
	for i, s := range b.Stacks {
		switch {
		case !stackNameRE.MatchString(s):
			errs = append(errs, fieldErr(fmt.Sprintf("%s.stacks[%d]", key, i), "%q is not a stack name (letters, digits, '_', '.', '-')", s))
		case slices.Index(b.Stacks, s) != i:
			errs = append(errs, fieldErr(fmt.Sprintf("%s.stacks[%d]", key, i), "%q is listed twice", s))
		}
	}
	if r := b.Fleet.CIRoleARN; r != "" && !roleARNRE.MatchString(r) {
		errs = append(errs, fieldErr(key+".fleet.ciRoleArn", "%q is not one IAM role's ARN (arn:aws:iam::<account>:role/<path><name>, no wildcards)", r))
	}
	return errs
}

// validateFleetTrust refuses a fleet CI role in the bootstrap's own
// account: the fleet's CI role lives in the tooling account, so that no
// account's own principals can assume its CI roles.
func (b BootstrapSettings) validateFleetTrust(key, account string) []error {
	r := b.Fleet.CIRoleARN
	if r == "" || !roleARNRE.MatchString(r) || account == "" {
		return nil
	}
	if strings.Split(r, ":")[4] == account {
		return []error{fieldErr(key+".fleet.ciRoleArn", "%q is a role of this account (%s); the fleet's CI role is the tooling account's", r, account)}
	}
	return nil
}

// roleARNRE is an IAM role's ARN without wildcards: a trust policy names
// one role (IAM user guide, "IAM identifiers": a role ARN is
// arn:<partition>:iam::<account>:role/<path><name>; a name is at most 64
// of [\w+=,.@-]).
var roleARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)

// accountIDRE is an AWS account ID.
var accountIDRE = regexp.MustCompile(`^\d{12}$`)

// parseAccount reads aws:allowedAccountIds: the provider refuses any other
// account, and the program checks the caller against it before it
// registers anything. A stack names exactly one account.
func parseAccount(raw string, set bool) (string, error) {
	if !set {
		return "", fieldErr("aws:allowedAccountIds", "is not set; name the one AWS account this stack deploys into (aws:allowedAccountIds: [\"111122223333\"]), so that a stack cannot be deployed with another account's credentials")
	}
	var ids []string
	if err := json.Unmarshal([]byte(raw), &ids); err != nil {
		return "", fieldErr("aws:allowedAccountIds", "%q is not a list of account IDs", raw)
	}
	if len(ids) != 1 || !accountIDRE.MatchString(ids[0]) {
		return "", fieldErr("aws:allowedAccountIds", "%q: name exactly one 12-digit AWS account ID; one stack deploys into one account", raw)
	}
	return ids[0], nil
}

// Stack is a parsed stack file.
type Stack struct {
	Name   string
	Config *Config
}

// ParseFile parses and validates one stack file.
func ParseFile(f *stackfile.File) (*Config, error) {
	var keys []string
	for k := range f.Config {
		if rest, ok := strings.CutPrefix(k, Namespace+":"); ok {
			keys = append(keys, rest)
		}
	}
	slices.Sort(keys)
	return ParseKeys(keys, func(key string) (string, bool) {
		v, ok := f.Config[f.FullKey(key)]
		return v, ok
	}, func(key string) bool { return slices.Contains(f.Secure, f.FullKey(key)) })
}

// LoadProject parses every stack file in dir and checks them together
// (CheckProject); the error lists every problem of every file.
func LoadProject(dir string) ([]Stack, error) {
	names, err := stackfile.Names(dir)
	if err != nil {
		return nil, err
	}
	var stacks []Stack
	var errs []error
	for _, name := range names {
		f, err := stackfile.Read(dir, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cfg, err := ParseFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("Pulumi.%s.yaml: %w", name, err))
			continue
		}
		stacks = append(stacks, Stack{Name: name, Config: cfg})
	}
	if len(errs) > 0 {
		return nil, &Error{Problems: errs}
	}
	if errs := CheckProject(stacks); len(errs) > 0 {
		return nil, &Error{Problems: errs}
	}
	return stacks, nil
}

// CheckProject checks what the stack files must agree on: a production
// workload stack has its account to itself; non-production stacks share
// an account only when each asks for it by name (sharedAccount); every
// account with workload stacks has one bootstrap stack, which lists each
// of them and deploys into the same account; and what two workload stacks
// must not share (checkAgreement).
func CheckProject(stacks []Stack) []error {
	var errs []error
	byName := map[string]*Config{}
	byAccount := map[string][]string{}
	bootstraps := map[string][]string{}
	for _, s := range stacks {
		byName[s.Name] = s.Config
		if s.Config.Kind == Bootstrap {
			bootstraps[s.Config.AccountID] = append(bootstraps[s.Config.AccountID], s.Name)
			continue
		}
		byAccount[s.Config.AccountID] = append(byAccount[s.Config.AccountID], s.Name)
	}
	for account, names := range byAccount {
		if len(names) > 1 {
			for _, n := range names {
				others := slices.DeleteFunc(slices.Clone(names), func(o string) bool { return o == n })
				switch c := byName[n]; {
				case c.Production:
					errs = append(errs, fieldErr("Pulumi."+n+".yaml: aws:allowedAccountIds", "%s is also the account of %s; a production stack has its account to itself: an account is the boundary AWS enforces between environments (tags are not evaluated by every action)", account, strings.Join(others, ", ")))
				case !c.SharedAccount:
					errs = append(errs, fieldErr("Pulumi."+n+".yaml: aws:allowedAccountIds", "%s is also the account of %s; give each environment its own account, or accept the risk by name with sharedAccount: true (each stack's deploy role is then kept from the other's resources only by tags and names, which some actions never evaluate)", account, strings.Join(others, ", ")))
				}
			}
		}
		switch b := bootstraps[account]; len(b) {
		case 0:
			errs = append(errs, fmt.Errorf("account %s (stacks %s) has no bootstrap stack: add a Pulumi.<name>.yaml with kind: bootstrap, aws:allowedAccountIds [%s] and bootstrap.stacks listing them, for an administrator to run first", account, strings.Join(names, ", "), account))
		case 1:
			listed := byName[b[0]].Bootstrap.Stacks
			for _, n := range names {
				if !slices.Contains(listed, n) {
					errs = append(errs, fieldErr("Pulumi."+b[0]+".yaml: bootstrap.stacks", "does not list %s, a workload stack of account %s: its CI roles and boundary would not exist", n, account))
				}
			}
		}
	}
	for account, b := range bootstraps {
		if len(b) > 1 {
			errs = append(errs, fmt.Errorf("account %s has %d bootstrap stacks (%s); one account has one bootstrap, which owns its account-wide resources", account, len(b), strings.Join(b, ", ")))
		}
		for _, name := range b {
			for i, s := range byName[name].Bootstrap.Stacks {
				k := fmt.Sprintf("Pulumi.%s.yaml: bootstrap.stacks[%d]", name, i)
				switch w, ok := byName[s]; {
				case !ok:
					errs = append(errs, fieldErr(k, "%q has no stack file Pulumi.%s.yaml", s, s))
				case w.Kind != WorkloadKind:
					errs = append(errs, fieldErr(k, "%q is a %s stack; a bootstrap lists workload stacks", s, w.Kind))
				case w.AccountID != account:
					errs = append(errs, fieldErr(k, "%q deploys into account %s, not this bootstrap's %s", s, w.AccountID, account))
				}
			}
		}
	}
	errs = append(errs, checkAgreement(stacks)...)
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}
