// Package iampolicy builds IAM policy documents as typed Go values and
// checks them for least privilege before they are rendered to JSON, so that
// no policy of this program is a hand-written JSON string.
package iampolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// errServiceWildcard marks the IAM.21 violation, which boundaries may have;
// errAllowEveryone an Allow to "*", which endpoint policies may have.
var (
	errServiceWildcard = errors.New("allows a whole service (IAM.21)")
	errAllowEveryone   = errors.New(`Allow to the "*" principal; name the principals`)
)

// Effects of a statement.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// Version is the policy language version every document uses.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy document.
type Statement struct {
	Sid         string     `json:"Sid,omitempty"`
	Effect      string     `json:"Effect"`
	Principal   *Principal `json:"Principal,omitempty"`
	Action      []string   `json:"Action,omitempty"`
	NotAction   []string   `json:"NotAction,omitempty"`
	Resource    []string   `json:"Resource,omitempty"`
	NotResource []string   `json:"NotResource,omitempty"`
	Condition   Conditions `json:"Condition,omitempty"`
}

// Principal names who a resource or trust policy statement applies to.
// Everyone is the "*" principal, which only Deny statements may use.
type Principal struct {
	AWS       []string `json:"AWS,omitempty"`
	Service   []string `json:"Service,omitempty"`
	Federated []string `json:"Federated,omitempty"`
	Everyone  bool     `json:"-"`
}

// MarshalJSON renders Everyone as "*".
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Everyone {
		return []byte(`"*"`), nil
	}
	type plain Principal
	return json.Marshal(plain(p))
}

// Conditions maps a condition operator to its keys and their values.
type Conditions map[string]map[string][]string

// New returns a document of the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON validates the document and renders it.
func (d Document) JSON() (string, error) {
	if err := d.Validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("render policy: %w", err)
	}
	return string(b), nil
}

// MustJSON is JSON for documents built from constants, where a violation
// is a programming error.
func (d Document) MustJSON() string {
	s, err := d.JSON()
	if err != nil {
		panic(err)
	}
	return s
}

// Validate checks the least-privilege rules every document of this program
// must meet (FSBP IAM.1, IAM.21, KMS.1, KMS.2; Checkov CKV_AWS_60/61):
// no Allow of every action, no Allow of a whole service on every resource,
// no Allow with NotAction, no Allow to the "*" principal, and no KMS
// decryption allowed on every key outside a key policy.
func (d Document) Validate() error {
	var errs []error
	if d.Version != Version {
		errs = append(errs, fmt.Errorf("policy version %q: use %q", d.Version, Version))
	}
	if len(d.Statement) == 0 {
		errs = append(errs, errors.New("policy has no statements"))
	}
	for i, s := range d.Statement {
		name := s.Sid
		if name == "" {
			name = fmt.Sprintf("#%d", i)
		}
		for _, err := range s.violations() {
			errs = append(errs, fmt.Errorf("statement %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

func (s Statement) violations() []error {
	var errs []error
	if s.Effect != Allow && s.Effect != Deny {
		errs = append(errs, fmt.Errorf("effect %q is neither Allow nor Deny", s.Effect))
	}
	if len(s.Action) == 0 && len(s.NotAction) == 0 {
		errs = append(errs, errors.New("no actions"))
	}
	if s.Effect != Allow {
		return errs
	}
	if len(s.NotAction) > 0 {
		errs = append(errs, errors.New("Allow with NotAction grants every other action; list the actions instead"))
	}
	if s.Principal != nil && s.Principal.Everyone {
		errs = append(errs, errAllowEveryone)
	}
	if s.Principal != nil {
		for _, p := range append(append([]string{}, s.Principal.AWS...), s.Principal.Service...) {
			if strings.Contains(p, "*") {
				errs = append(errs, fmt.Errorf("principal %q has a wildcard; name the principal", p))
			}
		}
	}
	allResources := len(s.Resource) == 1 && s.Resource[0] == "*"
	for _, a := range s.Action {
		switch {
		case a == "*":
			errs = append(errs, errors.New(`action "*" allows everything (IAM.1); list the actions`))
		case strings.HasSuffix(a, ":*") && allResources && s.Principal == nil:
			errs = append(errs, fmt.Errorf("action %q on every resource %w; list the actions or the resources", a, errServiceWildcard))
		case allResources && s.Principal == nil && decryptsEveryKey(a):
			errs = append(errs, fmt.Errorf("action %q on every resource decrypts with any KMS key (KMS.1, KMS.2); name the keys", a))
		}
	}
	return errs
}

// decryptsEveryKey reports whether an action, on "*", decrypts with any key.
func decryptsEveryKey(action string) bool {
	a := strings.ToLower(action)
	return a == "kms:decrypt" || a == "kms:reencryptfrom" || a == "kms:*" || a == "kms:decrypt*" || a == "kms:reencrypt*"
}

// EndpointJSON validates d as a VPC endpoint policy and renders it. An
// endpoint policy grants nothing: it limits what passes the endpoint, and
// names every principal as "*" (the principal cannot be known at the
// endpoint), so an Allow to "*" is accepted when a condition pins the
// principal's account (aws:PrincipalAccount or aws:PrincipalOrgID), or
// when it only reads (Get actions, no wildcard) resources of awsOwned:
// resources AWS owns and reaches through the endpoint with its own
// credentials, such as the bucket ECR presigns image-layer URLs for, an
// ARN each, their objects included. Every other rule of Validate applies.
func (d Document) EndpointJSON(awsOwned ...string) (string, error) {
	var errs []error
	for i, s := range d.Statement {
		if s.Effect == Allow && s.Principal != nil && s.Principal.Everyone && !pinsAccount(s.Condition) && !readsOnly(s, awsOwned) {
			errs = append(errs, fmt.Errorf("statement %s: Allow to every principal without an aws:PrincipalAccount condition", sidOr(s, i)))
		}
	}
	b, err := d.renderExcept(errs, errAllowEveryone) // checked above
	return string(b), err
}

// renderExcept validates d, waiving the violation allowed (a sentinel),
// and renders it; errs are problems found already.
func (d Document) renderExcept(errs []error, allowed error) ([]byte, error) {
	if err := d.Validate(); err != nil {
		for _, e := range unwrapAll(err) {
			if !errors.Is(e, allowed) {
				errs = append(errs, e)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("render policy: %w", err)
	}
	return b, nil
}

// readsOnly reports whether s allows only Get actions on resources of
// owned (an ARN, or its objects under "/").
func readsOnly(s Statement, owned []string) bool {
	if len(s.Resource) == 0 || len(s.NotResource) > 0 || len(s.Action) == 0 {
		return false
	}
	for _, a := range s.Action {
		_, name, _ := strings.Cut(a, ":")
		if !strings.HasPrefix(name, "Get") || strings.ContainsAny(name, "*?") {
			return false
		}
	}
	for _, r := range s.Resource {
		if !slices.ContainsFunc(owned, func(o string) bool { return r == o || strings.HasPrefix(r, o+"/") }) {
			return false
		}
	}
	return true
}

func pinsAccount(c Conditions) bool {
	for _, keys := range c {
		for k := range keys {
			if k == "aws:PrincipalAccount" || k == "aws:PrincipalOrgID" {
				return true
			}
		}
	}
	return false
}

func sidOr(s Statement, i int) string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("#%d", i)
}

// IAM's size quotas, in characters with white space not counted (IAM user
// guide, "IAM and AWS STS quotas"). The provider does not check them:
// CreatePolicy, PutRolePolicy and CreateRole fail with LimitExceeded.
const (
	// ManagedPolicyMaxChars is the size of one customer managed policy,
	// permissions boundaries included.
	ManagedPolicyMaxChars = 6144
	// RoleInlinePoliciesMaxChars is the size of all of a role's inline
	// policies together.
	RoleInlinePoliciesMaxChars = 10240
	// TrustPolicyMaxChars is a role trust policy's default quota
	// (raisable to 4,096; this program stays within the default).
	TrustPolicyMaxChars = 2048
)

// Size is a rendered policy's size as IAM counts it: every character but
// white space.
func Size(policyJSON string) int {
	n := 0
	for _, r := range policyJSON {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// CheckSize refuses a rendered policy larger than limit.
func CheckSize(policyJSON string, limit int) error {
	if n := Size(policyJSON); n > limit {
		return fmt.Errorf("policy is %d characters without white space, over IAM's quota of %d", n, limit)
	}
	return nil
}

// BoundaryJSON validates d as a permissions boundary and renders it. A
// boundary grants nothing by itself: it caps what identity policies grant,
// so whole services may be allowed ("ec2:*", as in the IAM user guide's
// boundary examples) and the IAM.21 rule for identity policies does not
// apply. Everything else does: no "*" action, no Allow with NotAction, no
// decryption with every key; and it must fit a managed policy.
func (d Document) BoundaryJSON() (string, error) {
	b, err := d.renderExcept(nil, errServiceWildcard)
	if err != nil {
		return "", err
	}
	if err := CheckSize(string(b), ManagedPolicyMaxChars); err != nil {
		return "", fmt.Errorf("permissions boundary: %w", err)
	}
	return string(b), nil
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unwrapAll(e)...)
		}
		return out
	}
	return []error{err}
}
