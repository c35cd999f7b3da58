// Package plan renders what a stack would create, from the resources the
// mock harness recorded: a component tree with a count per type for people,
// and JSON for tools. Secret inputs are masked in both.
package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
)

// Masked is what a secret value is shown as.
const Masked = "[secret]"

// Resource is one planned resource in the JSON report.
type Resource struct {
	Type           string   `json:"type"`
	Name           string   `json:"name"`
	URN            string   `json:"urn"`
	Parent         string   `json:"parent,omitempty"`
	Component      bool     `json:"component,omitempty"`
	Protect        bool     `json:"protect,omitempty"`
	RetainOnDelete bool     `json:"retainOnDelete,omitempty"`
	SecretInputs   []string `json:"secretInputs,omitempty"`
	Source         string   `json:"source,omitempty"`
	// Dependencies are the URNs the resource waits for, explicit and
	// through its inputs: the graph the ordering rule judges.
	Dependencies []string       `json:"dependencies,omitempty"`
	Inputs       map[string]any `json:"inputs"`
}

// Report is the JSON form of a plan.
type Report struct {
	Project   string         `json:"project"`
	Stack     string         `json:"stack"`
	Resources []Resource     `json:"resources"`
	Counts    map[string]int `json:"counts"`
}

// NewReport builds the report of a stack's recorded resources. Source
// positions are given relative to root, the project directory.
func NewReport(project, stack, root string, recorded []mockaws.Resource) Report {
	r := Report{Project: project, Stack: stack, Counts: map[string]int{}}
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	for _, res := range recorded {
		src := ""
		if res.SourceFile != "" {
			file := res.SourceFile
			if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = filepath.ToSlash(rel)
			}
			src = fmt.Sprintf("%s:%d", file, res.SourceLine)
		}
		r.Resources = append(r.Resources, Resource{
			Type: res.Type, Name: res.Name, URN: res.URN, Parent: res.Parent,
			Component: !res.Custom, Protect: res.Protect, RetainOnDelete: res.RetainOnDelete,
			SecretInputs: res.SecretInputs, Source: src, Dependencies: sortedUnique(res.Dependencies),
			Inputs: MaskedInputs(res.Inputs),
		})
		r.Counts[res.Type]++
	}
	return r
}

// sortedUnique returns the URNs sorted, each once, so that the JSON of an
// unchanged plan is the same from run to run.
func sortedUnique(urns []string) []string {
	out := slices.Clone(urns)
	slices.Sort(out)
	return slices.Compact(out)
}

// MaskedInputs returns inputs as plain values with every secret masked.
func MaskedInputs(inputs resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range inputs {
		out[string(k)] = masked(v)
	}
	return out
}

func masked(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Masked
	case v.IsObject():
		return MaskedInputs(v.ObjectValue())
	case v.IsArray():
		var out []any
		for _, e := range v.ArrayValue() {
			out = append(out, masked(e))
		}
		return out
	case v.IsComputed(), v.IsOutput():
		if v.ContainsSecrets() {
			return Masked
		}
		return "[unknown]"
	}
	return v.Mappable()
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTree writes the component tree and the count per type.
func (r Report) WriteTree(w io.Writer) error {
	children := map[string][]Resource{}
	known := map[string]bool{}
	for _, res := range r.Resources {
		known[res.URN] = true
	}
	var roots []Resource
	for _, res := range r.Resources {
		if known[res.Parent] {
			children[res.Parent] = append(children[res.Parent], res)
		} else {
			roots = append(roots, res)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s would create %d resources\n\n", r.Project, r.Stack, len(r.Resources))
	var walk func(res Resource, depth int)
	walk = func(res Resource, depth int) {
		flags := ""
		if res.Protect {
			flags += " [protected]"
		}
		if len(res.SecretInputs) > 0 {
			flags += " [secret: " + strings.Join(res.SecretInputs, ",") + "]"
		}
		fmt.Fprintf(&b, "%s%s  %s%s\n", strings.Repeat("  ", depth), res.Type, res.Name, flags)
		kids := children[res.URN]
		sort.SliceStable(kids, func(i, j int) bool {
			if kids[i].Type != kids[j].Type {
				return kids[i].Type < kids[j].Type
			}
			return kids[i].Name < kids[j].Name
		})
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, res := range roots {
		walk(res, 0)
	}
	b.WriteString("\nresources by type:\n")
	types := make([]string, 0, len(r.Counts))
	for t := range r.Counts {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(&b, "  %4d  %s\n", r.Counts[t], t)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ComplianceGraph is the recorded resources as the compliance rules read
// them: custom resources only, with their source positions.
func ComplianceGraph(recorded []mockaws.Resource) *compliance.Graph {
	g := &compliance.Graph{}
	for _, r := range recorded {
		// The stack's partition, region and account, from its key's ARN.
		if arn, ok := r.Outputs["arn"]; ok && r.Type == restype.KMSKey && arn.IsString() {
			if f := strings.SplitN(arn.StringValue(), ":", 6); len(f) == 6 {
				g.Partition, g.Region, g.Account = f[1], f[3], f[4]
			}
		}
	}
	// A stack without a key (an account's bootstrap): the account and
	// partition of any ARN it makes.
	for _, r := range recorded {
		if g.Account != "" {
			break
		}
		if arn, ok := r.Outputs["arn"]; ok && arn.IsString() {
			if f := strings.SplitN(arn.StringValue(), ":", 6); len(f) == 6 && len(f[4]) == 12 {
				g.Partition, g.Account = f[1], f[4]
			}
		}
	}
	for _, r := range recorded {
		if !r.Custom {
			continue
		}
		g.Resources = append(g.Resources, compliance.Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, Parent: r.Parent,
			Dependencies: r.Dependencies, PropertyDependencies: r.PropertyDependencies,
			ID:         r.ID,
			Provider:   compliance.ProviderURN(r.Provider),
			Inputs:     compliance.FromPropertyMap(r.Inputs),
			SourceFile: r.SourceFile, SourceLine: r.SourceLine,
		})
	}
	return g
}
