// Command awsmodels writes internal/awsname/models.json: the constraints AWS's own
// API models put on the names the stack sets (min, max and pattern of each
// shape in Shapes) and each partition's regions, from the final release of
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
	"sort"

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

type models struct {
	Source  string              `json:"source"`
	Regions map[string][]string `json:"regions"`
	Shapes  map[string]shape    `json:"shapes"`
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
	m := models{Source: "github.com/aws/aws-sdk-go@" + version, Regions: map[string][]string{}, Shapes: map[string]shape{}}
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
	return jsonfile.Write(out, m)
}
