package compliance

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// FromPropertyMap converts engine property values (as the mocks record
// them) to the plain values the rules read.
func FromPropertyMap(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[string(k)] = fromPropertyValue(v)
	}
	return out
}

func fromPropertyValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return Secret{Value: fromPropertyValue(v.SecretValue().Element)}
	case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
		return Unknown{}
	case v.IsOutput():
		if v.OutputValue().Secret {
			return Secret{Value: fromPropertyValue(v.OutputValue().Element)}
		}
		return fromPropertyValue(v.OutputValue().Element)
	case v.IsObject():
		return FromPropertyMap(v.ObjectValue())
	case v.IsArray():
		var out []any
		for _, e := range v.ArrayValue() {
			out = append(out, fromPropertyValue(e))
		}
		return out
	case v.IsNull():
		return nil
	case v.IsAsset(), v.IsArchive(), v.IsResourceReference():
		return fmt.Sprint(v.Mappable())
	}
	return v.Mappable()
}

// FromPolicyMap converts the properties a policy pack receives.
func FromPolicyMap(m property.Map) map[string]any {
	out := map[string]any{}
	for k, v := range m.All {
		out[k] = fromPolicyValue(v)
	}
	return out
}

func fromPolicyValue(v property.Value) any {
	var plain any
	switch {
	case v.IsComputed():
		return Unknown{}
	case v.IsMap():
		plain = FromPolicyMap(v.AsMap())
	case v.IsArray():
		var l []any
		for _, e := range v.AsArray().All {
			l = append(l, fromPolicyValue(e))
		}
		plain = l
	case v.IsString():
		plain = v.AsString()
	case v.IsNumber():
		plain = v.AsNumber()
	case v.IsBool():
		plain = v.AsBool()
	case v.IsNull():
		plain = nil
	default:
		plain = fmt.Sprint(v)
	}
	if v.Secret() {
		return Secret{Value: plain}
	}
	return plain
}

// previewUnknown is how `pulumi preview --json` renders an unknown value.
const previewUnknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// previewSecret is how it renders a secret value.
const previewSecret = "[secret]"

// ReadPreview builds the graph of a `pulumi preview --json` document: the
// new state of every step that creates, updates, replaces or keeps a
// resource. Steps that delete a resource are left out.
func ReadPreview(r io.Reader) (*Graph, error) {
	var doc struct {
		Steps []struct {
			Op       string `json:"op"`
			URN      string `json:"urn"`
			OldState *struct {
				Type string `json:"type"`
			} `json:"oldState"`
			NewState *struct {
				Type                 string              `json:"type"`
				ID                   string              `json:"id"`
				PropertyDependencies map[string][]string `json:"propertyDependencies"`
				Custom               bool                `json:"custom"`
				Inputs               map[string]any      `json:"inputs"`
				Parent               string              `json:"parent"`
				Dependencies         []string            `json:"dependencies"`
				SourcePosition       string              `json:"sourcePosition"`
				Provider             string              `json:"provider"`
			} `json:"newState"`
		} `json:"steps"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("read preview: %w", err)
	}
	if doc.Steps == nil {
		return nil, fmt.Errorf("read preview: no steps; pass the output of `pulumi preview --json --show-sames`")
	}
	// Without --show-sames a preview of a deployed stack lists only what
	// changes: judging that part would miss what stays and report
	// suppressions as matching nothing. A first preview creates
	// everything, so it is whole either way.
	var same, other int
	for _, s := range doc.Steps {
		switch s.Op {
		case "same":
			same++
		case "create":
		default:
			other++
		}
	}
	if same == 0 && (other > 0 || len(doc.Steps) == 0) {
		return nil, fmt.Errorf("read preview: a preview of a deployed stack without its unchanged resources (%d steps, none \"same\"): run `pulumi preview --json --show-sames` so that the whole stack is judged", len(doc.Steps))
	}
	g := &Graph{}
	for _, s := range doc.Steps {
		if slices.Contains(destructive, s.Op) {
			typ := ""
			switch {
			case s.OldState != nil:
				typ = s.OldState.Type
			case s.NewState != nil:
				typ = s.NewState.Type
			}
			g.Changes = append(g.Changes, Change{URN: s.URN, Type: typ, Op: s.Op})
		}
		if s.NewState == nil || !s.NewState.Custom || s.Op == "delete" || s.Op == "discard" {
			continue
		}
		ns := s.NewState
		res := Resource{
			Type:         ns.Type,
			Name:         nameOf(s.URN),
			URN:          s.URN,
			Parent:       ns.Parent,
			Dependencies: ns.Dependencies,
			Provider:     ProviderURN(ns.Provider),
			// A create's id is not known; the preview renders it unknown.
			PropertyDependencies: ns.PropertyDependencies,
		}
		if ns.ID != previewUnknown {
			res.ID = ns.ID
		}
		res.Inputs, _ = fromPreview(ns.Inputs).(map[string]any)
		if res.Inputs == nil {
			res.Inputs = map[string]any{}
		}
		res.SourceFile, res.SourceLine = parseSourcePosition(ns.SourcePosition)
		g.Resources = append(g.Resources, res)
	}
	return g, nil
}

func fromPreview(v any) any {
	switch x := v.(type) {
	case string:
		switch x {
		case previewUnknown:
			return Unknown{}
		case previewSecret:
			return Secret{Value: Unknown{}}
		}
		return x
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = fromPreview(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fromPreview(e)
		}
		return out
	}
	return v
}

// nameOf is the name part of a URN.
func nameOf(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// parseSourcePosition splits "project:///path/file.go#12".
// ModulePath is this program's Go module path. The Go language host builds
// with -trimpath, so a real preview's source positions read
// "project:///../../../github.com/example/hardening/tls/tls.go#367": the
// part after the module path is the file's path in the repository.
const ModulePath = "github.com/example/hardening"

func parseSourcePosition(p string) (string, int) {
	if p == "" {
		return "", 0
	}
	p = strings.TrimPrefix(strings.TrimPrefix(p, "project://"), "file://")
	file, line, _ := strings.Cut(p, "#")
	if _, rel, ok := strings.Cut(file, "/"+ModulePath+"/"); ok {
		file = rel // repository-relative, as SARIF's %SRCROOT% wants
	}
	n, _ := strconv.Atoi(line)
	return file, n
}
