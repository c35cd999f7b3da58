// Package compliance judges a stack's resources against named controls
// (AWS Foundational Security Best Practices, CIS AWS Foundations, cdk-nag,
// Checkov, and this project's own) and reports the findings as a table,
// JSON, SARIF 2.1.0 or Markdown.
//
// The same rules run on three inputs: the resources the Pulumi mocks
// record for a stack (offline), a `pulumi preview --json` file (online),
// and the Pulumi policy pack in policypack/ (during `pulumi preview`). An
// unset property is judged as the provider's default.
package compliance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/network/reach"
)

// Secret is a value marked secret; Value holds it when known.
type Secret struct{ Value any }

// Unknown is a value not known until the deployment (a preview's computed
// output).
type Unknown struct{}

// Resource is one resource of a stack, its inputs as plain Go values
// (string, float64, bool, []any, map[string]any, Secret, Unknown).
type Resource struct {
	Type         string   `json:"type"`
	Name         string   `json:"name"`
	URN          string   `json:"urn"`
	Parent       string   `json:"parent,omitempty"`
	Dependencies []string `json:"dependencies,omitempty"`
	// Provider is the URN of the explicit provider resource that manages
	// it, or "" for the stack's default provider.
	Provider string         `json:"provider,omitempty"`
	Inputs   map[string]any `json:"-"`
	// ID is the physical id when known (the mocks' record, a preview's
	// unchanged resources); "" otherwise.
	ID string `json:"id,omitempty"`
	// PropertyDependencies are, per top-level input, the URNs of the
	// resources its value came from: they name a referenced resource even
	// where its id is not known yet.
	PropertyDependencies map[string][]string `json:"propertyDependencies,omitempty"`
	// SourceFile and SourceLine locate the code that registered it.
	SourceFile string `json:"sourceFile,omitempty"`
	SourceLine int    `json:"sourceLine,omitempty"`
	// unknown, when set, records that a read met a value not known until
	// the deployment: the rule could not judge the resource.
	unknown *bool
}

// Get returns the value at a dotted path ("listener.0.port" indexes
// lists), unwrapping secrets; nil when absent.
func (r Resource) Get(path string) any {
	var cur any = r.Inputs
	for _, part := range strings.Split(path, ".") {
		if s, ok := cur.(Secret); ok {
			cur = s.Value
		}
		if _, ok := cur.(Unknown); ok {
			r.sawUnknown()
			return cur
		}
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			i := 0
			for _, ch := range part {
				if ch < '0' || ch > '9' {
					return nil
				}
				i = i*10 + int(ch-'0')
			}
			if i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	if s, ok := cur.(Secret); ok {
		cur = s.Value
	}
	if _, ok := cur.(Unknown); ok {
		r.sawUnknown()
	}
	return cur
}

func (r Resource) sawUnknown() {
	if r.unknown != nil {
		*r.unknown = true
	}
}

// tracked returns a copy of r that records, in *seen, whether a read met a
// value not known until the deployment.
func (r Resource) tracked(seen *bool) Resource {
	r.unknown = seen
	return r
}

// Str returns a string input, "" when absent or not a known string.
func (r Resource) Str(path string) string {
	s, _ := r.Get(path).(string)
	return s
}

// Bool returns a bool input and whether it is set.
func (r Resource) Bool(path string) (value, set bool) {
	b, ok := r.Get(path).(bool)
	return b, ok
}

// Num returns a number input and whether it is set.
func (r Resource) Num(path string) (float64, bool) {
	f, ok := r.Get(path).(float64)
	return f, ok
}

// List returns a list input.
func (r Resource) List(path string) []any {
	l, _ := r.Get(path).([]any)
	return l
}

// Unknown reports whether the value at path is not known yet.
func (r Resource) Unknown(path string) bool {
	_, ok := r.Get(path).(Unknown)
	return ok
}

// Graph is the resources of one stack, and, when read from a preview, the
// steps that replace or delete resources.
type Graph struct {
	Resources []Resource
	Changes   []Change
	// Partition, Region and Account are the stack's, when known (the
	// offline plan knows them; a first preview may not); rules that
	// evaluate requests need them and judge nothing without them.
	Partition, Region, Account string
	// Intent is the flows the stack's network is meant to admit, from its
	// configuration (network.VPCArgs.Intent); the reachability rule judges
	// nothing without it and says so.
	Intent *reach.Intent

	// byType indexes Resources by type (positions, so that changes to a
	// resource in place are seen); it is rebuilt when Resources is
	// replaced or changes length.
	byType   map[string][]int
	byURN    map[string]int
	indexed  *Resource
	indexLen int
	// docs memoizes parsed policy documents by their text: several rules
	// read the same ones.
	docs map[string]policyDoc
	// iamDocs memoizes documents parsed for evaluation (iampolicy.Parse).
	iamDocs map[string]iamParsed
}

type iamParsed struct {
	doc iampolicy.Document
	err error
}

// iamDoc parses a policy document for evaluation once per graph.
func (g *Graph) iamDoc(text string) (iampolicy.Document, error) {
	if p, ok := g.iamDocs[text]; ok {
		return p.doc, p.err
	}
	d, err := iampolicy.Parse(text)
	if g.iamDocs == nil {
		g.iamDocs = map[string]iamParsed{}
	}
	g.iamDocs[text] = iamParsed{d, err}
	return d, err
}

// index (re)builds the indexes by type and URN when Resources changed.
func (g *Graph) index() {
	var first *Resource
	if len(g.Resources) > 0 {
		first = &g.Resources[0]
	}
	if g.byType == nil || first != g.indexed || len(g.Resources) != g.indexLen {
		g.byType = map[string][]int{}
		g.byURN = make(map[string]int, len(g.Resources))
		for i, r := range g.Resources {
			g.byType[r.Type] = append(g.byType[r.Type], i)
			g.byURN[r.URN] = i
		}
		g.indexed, g.indexLen = first, len(g.Resources)
	}
}

// byURNOf returns the resource of the graph with urn.
func (g *Graph) byURNOf(urn string) (Resource, bool) {
	g.index()
	i, ok := g.byURN[urn]
	if !ok {
		return Resource{}, false
	}
	return g.Resources[i], true
}

// ByType returns the resources of a type.
func (g *Graph) ByType(typ string) []Resource {
	g.index()
	idx := g.byType[typ]
	if len(idx) == 0 {
		return nil
	}
	out := make([]Resource, 0, len(idx))
	for _, i := range idx {
		out = append(out, g.Resources[i])
	}
	return out
}

// policy parses a policy document input once per graph (parsePolicy).
func (g *Graph) policy(v any) (policyDoc, bool) {
	text, ok := v.(string)
	if !ok {
		return parsePolicy(v)
	}
	if d, ok := g.docs[text]; ok {
		return d, true
	}
	d, ok := parsePolicy(text)
	if ok {
		if g.docs == nil {
			g.docs = map[string]policyDoc{}
		}
		g.docs[text] = d
	}
	return d, ok
}

// ProviderURN returns the URN of an explicit provider from a provider
// reference ("<urn>::<id>" or a URN), or "" for a default provider, which
// takes the stack's Region.
func ProviderURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 && strings.Count(ref, "::") > 3 {
		ref = ref[:i] // drop the id
	}
	if ref == "" || strings.HasPrefix(ref[strings.LastIndex(ref, "::")+2:], "default") {
		return ""
	}
	return ref
}

// RegionOf returns the Region a resource is created in: its explicit
// provider's region, else the stack's (g.Region, "" when not known).
func (g *Graph) RegionOf(r Resource) string {
	if r.Provider != "" {
		for _, p := range g.Resources {
			if p.URN == r.Provider {
				if region := p.Str("region"); region != "" {
					return region
				}
			}
		}
	}
	return g.Region
}

// Regions returns every Region the stack deploys to, the stack's first:
// those of its AWS providers (each can create resources there), of the
// resources it creates, and of its secret replicas.
func (g *Graph) Regions() []string {
	out := []string{g.Region}
	add := func(region string) {
		if !slices.Contains(out, region) {
			out = append(out, region)
		}
	}
	for _, p := range g.ByType(restype.ProviderAWS) {
		if region := p.Str("region"); region != "" {
			add(region)
		}
	}
	for _, r := range g.Resources {
		if !strings.HasPrefix(r.Type, "aws:") {
			continue
		}
		add(g.RegionOf(r))
		if r.Type == restype.SecretsManagerSecret {
			for i := range r.List("replicas") {
				if region := r.Str(fmt.Sprintf("replicas.%d.region", i)); region != "" {
					add(region)
				}
			}
		}
	}
	return out
}

// TypeOfURN is the type token a URN names
// ("urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>").
func TypeOfURN(urn string) string {
	return string(resource.URN(urn).Type())
}

// Dependents returns the resources of typ that depend on urn.
func (g *Graph) Dependents(urn, typ string) []Resource {
	var out []Resource
	for _, r := range g.ByType(typ) {
		for _, d := range r.Dependencies {
			if d == urn {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// policyDoc is an IAM policy document, with the shapes IAM accepts for
// Action, Resource and Principal (a string or a list).
type policyDoc struct {
	Statement []policyStatement
}

type policyStatement struct {
	Sid       string
	Effect    string
	Principal any
	// NotPrincipal, with Allow, grants everyone but the principals named.
	NotPrincipal any
	Action       stringList
	NotAction    stringList
	Resource     stringList
	NotResource  stringList
	Condition    map[string]map[string]stringList
}

type stringList []string

// UnmarshalJSON takes a string, a list of them, or the booleans and
// numbers IAM accepts as condition values ({"Bool": {"aws:SecureTransport":
// false}}), each as its text.
func (l *stringList) UnmarshalJSON(b []byte) error {
	var many []any
	if json.Unmarshal(b, &many) != nil {
		var one any
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		many = []any{one}
	}
	out := make([]string, 0, len(many))
	for _, v := range many {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case bool, float64:
			out = append(out, fmt.Sprint(x))
		default:
			return fmt.Errorf("policy value %s is not a string", b)
		}
	}
	*l = out
	return nil
}

// parsePolicy decodes a policy document input; ok is false when it is not
// known yet or not a document.
func parsePolicy(v any) (policyDoc, bool) {
	var raw []byte
	switch p := v.(type) {
	case string:
		raw = []byte(p)
	case map[string]any:
		raw, _ = json.Marshal(p)
	default:
		return policyDoc{}, false
	}
	var d policyDoc
	if json.Unmarshal(raw, &d) != nil {
		return policyDoc{}, false
	}
	// A single statement may be an object rather than a list.
	if d.Statement == nil {
		var one struct{ Statement policyStatement }
		if json.Unmarshal(raw, &one) == nil && one.Statement.Effect != "" {
			d.Statement = []policyStatement{one.Statement}
		}
	}
	return d, true
}

// everyone reports whether a statement's principal is anyone: "*",
// {"AWS": "*"} (alone or in a list), or, with Allow, a NotPrincipal (every
// principal but those named).
func (s policyStatement) everyone() bool {
	if s.NotPrincipal != nil && s.Effect == "Allow" {
		return true
	}
	return slices.ContainsFunc(s.principals(), func(p string) bool { return p == "*" || p == "AWS:*" })
}

// principals returns a statement's principals as "type:value" pairs, and
// "*" for the everyone principal.
func (s policyStatement) principals() []string {
	switch p := s.Principal.(type) {
	case string:
		return []string{p}
	case map[string]any:
		var out []string
		for k, v := range p {
			switch vv := v.(type) {
			case string:
				out = append(out, k+":"+vv)
			case []any:
				for _, x := range vv {
					if xs, ok := x.(string); ok {
						out = append(out, k+":"+xs)
					}
				}
			}
		}
		return out
	}
	return nil
}
