// Command awsmodels writes internal/awsname/models.json: the constraints AWS's own
// API models put on the names the stack sets (min, max and pattern of each
// shape in Shapes), each partition's regions, and for each VPC endpoint of
// internal/awsname.VPCEndpoints its API model's service id, signing name and
// operations (merged over every model with that endpointPrefix), for every
// input of internal/awsname.InputMembers the constraints of the API member
// it maps to (type, min, max, pattern, enum, required, and a list's or
// map's element; an unknown operation or member is an error), and every
// model's endpointPrefix and signingName (the services a service principal
// can name), from the final release of
// github.com/aws/aws-sdk-go (v1.55.8, from the Go module proxy), which ships
// the models as models/apis/<service>/<version>/api-2.json and
// models/endpoints/endpoints.json.
//
//	.ci/awsmodels          # regenerate
//	.ci/awsmodels -check   # fail if the committed file differs
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/jsonfile"
)

// Shapes are the API model shapes of the names the stack sets, as
// "<service>.<shape>".
var Shapes = []string{
	"iam.roleNameType", "iam.policyNameType", "cognito-idp.DomainType", "wafv2.MetricName",
	"logs.LogGroupName", "logs.FilterPattern", "secretsmanager.NameType", "kms.AliasNameType", "acm.DomainNameString",
}

type shape struct {
	Min     *int   `json:"min,omitempty"`
	Max     *int   `json:"max,omitempty"`
	Pattern string `json:"pattern,omitempty"`
}

type endpointModel struct {
	ServiceIDs  []string `json:"serviceIds"`
	SigningName string   `json:"signingName"`
	Operations  []string `json:"operations"`
}

type models struct {
	Source         string                         `json:"source"`
	Regions        map[string][]string            `json:"regions"`
	Shapes         map[string]shape               `json:"shapes"`
	EndpointModels map[string]endpointModel       `json:"endpointModels"`
	Members        map[string]*awsname.Constraint `json:"members"`
	ServiceNames   []string                       `json:"serviceNames"`
}

func main() {
	dir := flag.String("module", "", "the github.com/aws/aws-sdk-go module directory")
	version := flag.String("version", "", "its version, recorded as the source")
	out := flag.String("out", filepath.Join("internal", "awsname", "models.json"), "the file to write")
	flag.Parse()
	if err := run(*dir, *version, *out); err != nil {
		fmt.Fprintln(os.Stderr, "awsmodels:", err)
		os.Exit(1)
	}
}

func run(dir, version, out string) error {
	m := models{Source: "github.com/aws/aws-sdk-go@" + version, Regions: map[string][]string{}, Shapes: map[string]shape{}, EndpointModels: map[string]endpointModel{}, Members: map[string]*awsname.Constraint{}}
	var endpoints struct {
		Partitions []struct {
			Partition string                     `json:"partition"`
			Regions   map[string]json.RawMessage `json:"regions"`
		} `json:"partitions"`
	}
	if err := jsonfile.Read(filepath.Join(dir, "models", "endpoints", "endpoints.json"), &endpoints); err != nil {
		return err
	}
	for _, p := range endpoints.Partitions {
		regions := []string{}
		for r := range p.Regions {
			regions = append(regions, r)
		}
		sort.Strings(regions)
		m.Regions[p.Partition] = regions
	}
	for _, id := range Shapes {
		var svc, name string
		for i := range id {
			if id[i] == '.' {
				svc, name = id[:i], id[i+1:]
			}
		}
		versions, err := filepath.Glob(filepath.Join(dir, "models", "apis", svc, "*", "api-2.json"))
		if err != nil || len(versions) == 0 {
			return fmt.Errorf("no API model for %s", svc)
		}
		sort.Strings(versions)
		var api struct {
			Shapes map[string]shape `json:"shapes"`
		}
		if err := jsonfile.Read(versions[len(versions)-1], &api); err != nil {
			return err
		}
		s, ok := api.Shapes[name]
		if !ok {
			return fmt.Errorf("%s: no shape %s", versions[len(versions)-1], name)
		}
		m.Shapes[id] = s
	}
	if err := endpointModels(dir, m.EndpointModels); err != nil {
		return err
	}
	if err := members(dir, m.Members); err != nil {
		return err
	}
	names, err := serviceNames(dir)
	if err != nil {
		return err
	}
	m.ServiceNames = names
	return jsonfile.Write(out, m)
}

// endpointModels fills out with the API models whose endpointPrefix is the
// Model of an endpoint of the catalogue; every such Model must be found.
func endpointModels(dir string, out map[string]endpointModel) error {
	want := map[string]bool{}
	for _, e := range awsname.VPCEndpoints {
		if e.Model != "" {
			want[e.Model] = true
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "models", "apis", "*", "*", "api-2.json"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		var api struct {
			Metadata struct {
				EndpointPrefix string `json:"endpointPrefix"`
				SigningName    string `json:"signingName"`
				ServiceID      string `json:"serviceId"`
			} `json:"metadata"`
			Operations map[string]json.RawMessage `json:"operations"`
		}
		if err := jsonfile.Read(f, &api); err != nil {
			return err
		}
		md := api.Metadata
		if !want[md.EndpointPrefix] {
			continue
		}
		em := out[md.EndpointPrefix]
		// A model without signingName signs with its endpointPrefix.
		em.SigningName = md.SigningName
		if em.SigningName == "" {
			em.SigningName = md.EndpointPrefix
		}
		if !slices.Contains(em.ServiceIDs, md.ServiceID) {
			em.ServiceIDs = append(em.ServiceIDs, md.ServiceID)
		}
		for op := range api.Operations {
			if !slices.Contains(em.Operations, op) {
				em.Operations = append(em.Operations, op)
			}
		}
		sort.Strings(em.ServiceIDs)
		sort.Strings(em.Operations)
		out[md.EndpointPrefix] = em
	}
	for m := range want {
		if _, ok := out[m]; !ok {
			return fmt.Errorf("no API model has endpointPrefix %q (a Model of internal/awsname.VPCEndpoints)", m)
		}
	}
	return nil
}

// apiShape is one shape of an API model, as much as the constraints need.
type apiShape struct {
	Type     string   `json:"type"`
	Min      *float64 `json:"min"`
	Max      *float64 `json:"max"`
	Pattern  string   `json:"pattern"`
	Enum     []string `json:"enum"`
	Required []string `json:"required"`
	Members  map[string]struct {
		Shape string `json:"shape"`
	} `json:"members"`
	Member *struct {
		Shape string `json:"shape"`
	} `json:"member"`
	Value *struct {
		Shape string `json:"shape"`
	} `json:"value"`
}

type apiModel struct {
	Operations map[string]struct {
		Input *struct {
			Shape string `json:"shape"`
		} `json:"input"`
	} `json:"operations"`
	Shapes map[string]apiShape `json:"shapes"`
}

// members resolves every Member of internal/awsname.InputMembers in the
// newest API model of its service and records its constraints.
func members(dir string, out map[string]*awsname.Constraint) error {
	apis := map[string]*apiModel{}
	var errs []string
	for _, im := range awsname.InputMembers {
		if im.Member == "" {
			if im.Reason == "" {
				errs = append(errs, fmt.Sprintf("%s %s: no member and no reason", im.Type, im.Input))
			}
			continue
		}
		if _, done := out[im.Member]; done {
			continue
		}
		svc, path, ok := strings.Cut(im.Member, "/")
		if !ok {
			errs = append(errs, fmt.Sprintf("%s %s: member %q is not <service>/<Operation>.<Member>", im.Type, im.Input, im.Member))
			continue
		}
		api, ok := apis[svc]
		if !ok {
			versions, err := filepath.Glob(filepath.Join(dir, "models", "apis", svc, "*", "api-2.json"))
			if err != nil || len(versions) == 0 {
				errs = append(errs, fmt.Sprintf("%s %s: no API model for %s", im.Type, im.Input, svc))
				continue
			}
			sort.Strings(versions)
			api = &apiModel{}
			if err := jsonfile.Read(versions[len(versions)-1], api); err != nil {
				return err
			}
			apis[svc] = api
		}
		c, err := resolve(api, path)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s %s: %s: %v", im.Type, im.Input, im.Member, err))
			continue
		}
		out[im.Member] = c
	}
	if len(errs) > 0 {
		return fmt.Errorf("internal/awsname.InputMembers names members the models do not have:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

// resolve walks "<Operation>.<Member>..." from the operation's input
// shape, through a list's or map's element where the next name needs a
// structure.
func resolve(api *apiModel, path string) (*awsname.Constraint, error) {
	parts := strings.Split(path, ".")
	op, ok := api.Operations[parts[0]]
	if !ok || op.Input == nil {
		return nil, fmt.Errorf("no operation %s with an input", parts[0])
	}
	name := op.Input.Shape
	required := false
	for _, p := range parts[1:] {
		s := api.Shapes[name]
		for s.Type == "list" || s.Type == "map" {
			if s.Type == "list" {
				name = s.Member.Shape
			} else {
				name = s.Value.Shape
			}
			s = api.Shapes[name]
		}
		mem, ok := s.Members[p]
		if !ok {
			return nil, fmt.Errorf("shape %s has no member %s", name, p)
		}
		required = slices.Contains(s.Required, p)
		name = mem.Shape
	}
	c := constraint(api, name, 0)
	c.Required = required
	return c, nil
}

func constraint(api *apiModel, name string, depth int) *awsname.Constraint {
	s := api.Shapes[name]
	c := &awsname.Constraint{Type: s.Type, Min: s.Min, Max: s.Max, Pattern: s.Pattern, Enum: s.Enum}
	if depth < 2 {
		switch {
		case s.Type == "list" && s.Member != nil:
			c.Element = constraint(api, s.Member.Shape, depth+1)
		case s.Type == "map" && s.Value != nil:
			c.Element = constraint(api, s.Value.Shape, depth+1)
		}
	}
	return c
}

// serviceNames returns every model's endpointPrefix and signingName.
func serviceNames(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "models", "apis", "*", "*", "api-2.json"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		var api struct {
			Metadata struct {
				EndpointPrefix string `json:"endpointPrefix"`
				SigningName    string `json:"signingName"`
			} `json:"metadata"`
		}
		if err := jsonfile.Read(f, &api); err != nil {
			return nil, err
		}
		for _, n := range []string{api.Metadata.EndpointPrefix, api.Metadata.SigningName} {
			if n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}
