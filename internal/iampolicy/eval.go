package iampolicy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Request is one API request as IAM evaluates it: who makes it, the action,
// the resource, and the request context the calling service sends. The
// context holds only the keys that the service documents sending; a key a
// policy names but the request lacks is absent, as in AWS.
type Request struct {
	// Principal is an IAM ARN (a role, "arn:...:root") or a service
	// principal ("cloudtrail.amazonaws.com").
	Principal string
	// Service marks Principal as a service principal.
	Service bool
	// Federated marks Principal as a federated identity provider (OIDC,
	// cognito-identity.amazonaws.com), for trust policies.
	Federated bool
	Action    string
	Resource  string
	Context   map[string][]string
}

// Decision is the outcome of evaluating policies for a request.
type Decision int

// The three outcomes of IAM's evaluation logic.
const (
	ImplicitDeny Decision = iota
	Allowed
	ExplicitDeny
)

func (d Decision) String() string {
	return [...]string{"implicit deny", "allow", "explicit deny"}[d]
}

// Parse reads a policy document as AWS accepts it: Action, Resource,
// Principal values and condition values may each be a string or a list.
func Parse(s string) (Document, error) {
	var raw struct {
		Version   string
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return Document{}, fmt.Errorf("parse policy: %w", err)
	}
	var stmts []json.RawMessage
	if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
		stmts = []json.RawMessage{raw.Statement}
	}
	d := Document{Version: raw.Version}
	for i, b := range stmts {
		var r struct {
			Sid, Effect                              string
			Principal                                json.RawMessage
			Action, NotAction, Resource, NotResource oneOrMany
			Condition                                map[string]map[string]oneOrMany
		}
		if err := json.Unmarshal(b, &r); err != nil {
			return Document{}, fmt.Errorf("parse policy statement %d: %w", i, err)
		}
		st := Statement{Sid: r.Sid, Effect: r.Effect, Action: r.Action, NotAction: r.NotAction, Resource: r.Resource, NotResource: r.NotResource}
		if len(r.Principal) > 0 {
			p, err := parsePrincipal(r.Principal)
			if err != nil {
				return Document{}, fmt.Errorf("parse policy statement %d: %w", i, err)
			}
			st.Principal = &p
		}
		if len(r.Condition) > 0 {
			st.Condition = Conditions{}
			for op, keys := range r.Condition {
				st.Condition[op] = map[string][]string{}
				for k, v := range keys {
					st.Condition[op][k] = v
				}
			}
		}
		d.Statement = append(d.Statement, st)
	}
	return d, nil
}

type oneOrMany []string

func (o *oneOrMany) UnmarshalJSON(b []byte) error {
	var one any
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	switch v := one.(type) {
	case string:
		*o = []string{v}
	case bool:
		*o = []string{strconv.FormatBool(v)}
	case float64:
		*o = []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case []any:
		for _, e := range v {
			switch e := e.(type) {
			case string:
				*o = append(*o, e)
			case bool:
				*o = append(*o, strconv.FormatBool(e))
			case float64:
				*o = append(*o, strconv.FormatFloat(e, 'f', -1, 64))
			default:
				return fmt.Errorf("unexpected list element %v", e)
			}
		}
	default:
		return fmt.Errorf("want a string or a list, got %s", b)
	}
	return nil
}

func parsePrincipal(b []byte) (Principal, error) {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != "*" {
			return Principal{}, fmt.Errorf("principal %q: only \"*\" may be a bare string", s)
		}
		return Principal{Everyone: true}, nil
	}
	var m map[string]oneOrMany
	if err := json.Unmarshal(b, &m); err != nil {
		return Principal{}, fmt.Errorf("principal: %w", err)
	}
	p := Principal{AWS: m["AWS"], Service: m["Service"], Federated: m["Federated"]}
	if slices.Equal(p.AWS, []string{"*"}) {
		p = Principal{Everyone: true}
	}
	return p, nil
}

// Evaluate applies one document to req: an explicit deny if a Deny
// statement matches, an allow if an Allow statement matches, else an
// implicit deny. Statements without Principal (identity policies) match any
// principal. An error means the document uses a condition operator this
// evaluator does not model; it is never treated as a match.
func Evaluate(d Document, req Request) (Decision, error) {
	allowed := false
	for _, s := range d.Statement {
		ok, err := s.matches(req)
		if err != nil {
			return ImplicitDeny, fmt.Errorf("statement %s: %w", s.Sid, err)
		}
		if !ok {
			continue
		}
		if s.Effect == Deny {
			return ExplicitDeny, nil
		}
		allowed = true
	}
	if allowed {
		return Allowed, nil
	}
	return ImplicitDeny, nil
}

func (s Statement) matches(req Request) (bool, error) {
	if s.Principal != nil && !s.Principal.matches(req) {
		return false, nil
	}
	if len(s.Action) > 0 && !anyGlob(s.Action, req.Action, true) {
		return false, nil
	}
	if len(s.NotAction) > 0 && anyGlob(s.NotAction, req.Action, true) {
		return false, nil
	}
	if len(s.Resource) > 0 && !anyGlob(substituteAll(s.Resource, req.Context), req.Resource, false) {
		return false, nil
	}
	if len(s.NotResource) > 0 && anyGlob(substituteAll(s.NotResource, req.Context), req.Resource, false) {
		return false, nil
	}
	return conditionsHold(s.Condition, req.Context)
}

// matches reports whether the principal element names req's principal. An
// account ("arn:...:root" or the bare account ID) names every principal of
// that account: the account's IAM policies then decide (see Authorize).
func (p Principal) matches(req Request) bool {
	if p.Everyone {
		return true
	}
	switch {
	case req.Service:
		return slices.Contains(p.Service, req.Principal)
	case req.Federated:
		return slices.Contains(p.Federated, req.Principal)
	}
	for _, a := range p.AWS {
		if a == req.Principal || accountOf(a) != "" && strings.HasSuffix(a, ":root") && accountOf(a) == accountOf(req.Principal) || a == accountOf(req.Principal) {
			return true
		}
	}
	return false
}

// accountOf returns the account ID field of an ARN.
func accountOf(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 {
		return ""
	}
	return f[4]
}

func anyGlob(patterns []string, v string, fold bool) bool {
	for _, p := range patterns {
		if glob(p, v, fold) {
			return true
		}
	}
	return false
}

// glob matches IAM's wildcards: * any run of characters, ? one character;
// actions and condition keys compare case-insensitively (fold).
func glob(pattern, v string, fold bool) bool {
	// The iterative wildcard match: on a mismatch, let the last * take one
	// more character. Linear in practice, and no regexp or allocation, as
	// a rule set evaluates thousands of requests per plan.
	eq := func(a, b byte) bool {
		if fold {
			a, b = lower(a), lower(b)
		}
		return a == b
	}
	p, i, star, mark := 0, 0, -1, 0
	for i < len(v) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] != '*' && eq(pattern[p], v[i])):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// lower folds an ASCII letter; IAM's names and keys are ASCII.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

var patterns sync.Map // "fold|pattern" -> *regexp.Regexp

// Pattern compiles an IAM wildcard pattern (* any run, ? one character),
// lower-cased when fold is set, once per process.
func Pattern(p string, fold bool) *regexp.Regexp {
	key := fmt.Sprint(fold) + "|" + p
	if re, ok := patterns.Load(key); ok {
		return re.(*regexp.Regexp)
	}
	if fold {
		p = strings.ToLower(p)
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re := regexp.MustCompile(b.String())
	patterns.Store(key, re)
	return re
}

var policyVariable = regexp.MustCompile(`\$\{([^}]+)\}`)

// substitute replaces policy variables (${aws:PrincipalTag/team}) with the
// request's values; a variable the request lacks matches nothing.
func substitute(s string, reqCtx map[string][]string) string {
	return policyVariable.ReplaceAllStringFunc(s, func(m string) string {
		k := m[2 : len(m)-1]
		if v := lookup(reqCtx, k); len(v) == 1 {
			return v[0]
		}
		return "\x00unresolved"
	})
}

func substituteAll(vs []string, reqCtx map[string][]string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = substitute(v, reqCtx)
	}
	return out
}

// lookup finds a context key; keys are case-insensitive.
func lookup(reqCtx map[string][]string, key string) []string {
	if v, ok := reqCtx[key]; ok {
		return v
	}
	for k, v := range reqCtx {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// conditionsHold evaluates a Condition block: every operator and every key
// must hold; the values listed for one key are alternatives.
func conditionsHold(cond Conditions, reqCtx map[string][]string) (bool, error) {
	for op, keys := range cond {
		for key, want := range keys {
			ok, err := conditionHolds(op, key, want, reqCtx)
			if err != nil || !ok {
				return false, err
			}
		}
	}
	return true, nil
}

func conditionHolds(op, key string, want []string, reqCtx map[string][]string) (bool, error) {
	got := lookup(reqCtx, key)
	present := got != nil
	if op == "Null" {
		return slices.Contains(want, strconv.FormatBool(!present)), nil
	}
	base, ifExists := strings.CutSuffix(op, "IfExists")
	set := ""
	if s, rest, ok := strings.Cut(base, ":"); ok {
		set, base = s, rest
	}
	if !present {
		// AWS: a missing key makes positive operators false and negated
		// ones true; IfExists makes either true.
		return ifExists || negated(base), nil
	}
	match, err := valueMatcher(base)
	if err != nil {
		return false, err
	}
	want = substituteAll(want, reqCtx)
	one := func(v string) bool {
		for _, w := range want {
			if match(w, v) {
				return true
			}
		}
		return false
	}
	var hit bool
	switch set {
	case "ForAllValues":
		hit = true
		for _, v := range got {
			hit = hit && one(v)
		}
	case "", "ForAnyValue":
		for _, v := range got {
			hit = hit || one(v)
		}
	default:
		return false, fmt.Errorf("condition set operator %q is not modelled", set)
	}
	if negated(base) {
		return !hit, nil
	}
	return hit, nil
}

func negated(op string) bool { return strings.Contains(op, "Not") }

func valueMatcher(op string) (func(want, got string) bool, error) {
	switch strings.Replace(op, "Not", "", 1) {
	case "StringEquals", "ArnEquals", "Bool":
		if op == "Bool" {
			return strings.EqualFold, nil
		}
		return func(w, g string) bool { return w == g }, nil
	case "StringEqualsIgnoreCase":
		return strings.EqualFold, nil
	case "StringLike", "ArnLike":
		return func(w, g string) bool { return glob(w, g, false) }, nil
	case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		return func(w, g string) bool {
			a, err1 := strconv.ParseFloat(g, 64)
			b, err2 := strconv.ParseFloat(w, 64)
			if err1 != nil || err2 != nil {
				return false
			}
			switch strings.Replace(op, "Not", "", 1) {
			case "NumericEquals":
				return a == b
			case "NumericLessThan":
				return a < b
			case "NumericLessThanEquals":
				return a <= b
			case "NumericGreaterThan":
				return a > b
			}
			return a >= b
		}, nil
	}
	return nil, fmt.Errorf("condition operator %q is not modelled", op)
}

// Policies are what IAM evaluates for one request.
type Policies struct {
	// Identity are the principal's identity policies (none for a service).
	Identity []Document
	// Boundary is the principal's permissions boundary, if any.
	Boundary *Document
	// Resource is the resource's policy (key, bucket, topic, secret, trust
	// policy), if any.
	Resource *Document
	// KeyPolicy marks Resource as a KMS key policy: KMS requires it to
	// allow the request, directly or by naming the principal's account.
	KeyPolicy bool
}

// Authorize decides a same-account request with AWS's evaluation logic
// (IAM user guide, "Policy evaluation logic"): any explicit deny refuses;
// a boundary must allow an IAM principal's request; an allow must come
// from the resource policy naming the principal itself, or from an
// identity policy. A key policy or resource policy that names only the
// account delegates to the identity policies. The reason names what
// decided.
func Authorize(req Request, p Policies) (bool, string, error) {
	docs := map[string][]Document{"identity": p.Identity}
	if p.Boundary != nil {
		docs["boundary"] = []Document{*p.Boundary}
	}
	if p.Resource != nil {
		docs["resource"] = []Document{*p.Resource}
	}
	decisions := map[string]Decision{}
	for kind, ds := range docs {
		decisions[kind] = ImplicitDeny
		for i, d := range ds {
			dec, err := Evaluate(d, req)
			if err != nil {
				return false, "", fmt.Errorf("%s policy %d: %w", kind, i, err)
			}
			if dec == ExplicitDeny {
				return false, "explicit deny in the " + kind + " policy", nil
			}
			decisions[kind] = max(decisions[kind], dec)
		}
	}
	if p.Boundary != nil && !req.Service && decisions["boundary"] != Allowed {
		return false, "the permissions boundary does not allow it", nil
	}
	direct := p.Resource != nil && decisions["resource"] == Allowed && namesDirectly(*p.Resource, req)
	delegated := p.Resource != nil && decisions["resource"] == Allowed && !direct
	switch {
	case direct:
		return true, "the resource policy names the principal", nil
	case p.KeyPolicy && !delegated:
		return false, "the key policy does not allow it", nil
	case decisions["identity"] == Allowed:
		return true, "the identity policy allows it", nil
	}
	return false, "no policy allows it", nil
}

// namesDirectly reports whether an allowing statement of d names req's
// principal itself (not only its account).
func namesDirectly(d Document, req Request) bool {
	for _, s := range d.Statement {
		if s.Effect != Allow || s.Principal == nil {
			continue
		}
		ok, err := s.matches(req)
		if err != nil || !ok {
			continue
		}
		if req.Service || req.Federated || s.Principal.Everyone || slices.Contains(s.Principal.AWS, req.Principal) {
			return true
		}
	}
	return false
}
