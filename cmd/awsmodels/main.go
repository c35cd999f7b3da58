// Command awsmodels writes internal/awsname/models.json: the constraints AWS's own
// API models put on the names the stack sets (min, max and pattern of each
// shape in Shapes), each partition's regions, and for each VPC endpoint of
// internal/awsname.VPCEndpoints its API model's service id, signing name and
// operations (merged over every model with that endpointPrefix), from the
// final release of
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
	Source         string                   `json:"source"`
	Regions        map[string][]string      `json:"regions"`
	Shapes         map[string]shape         `json:"shapes"`
	EndpointModels map[string]endpointModel `json:"endpointModels"`
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
	m := models{Source: "github.com/aws/aws-sdk-go@" + version, Regions: map[string][]string{}, Shapes: map[string]shape{}, EndpointModels: map[string]endpointModel{}}
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
