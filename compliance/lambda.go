package compliance

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// lambdaRules judge Lambda functions and their permissions.
func lambdaRules() []Rule {
	return []Rule{lambdaEnvironment, lambdaNotPublic, lambdaSupportedRuntime, lambdaMultiAZ}
}

// lambdaEnvironment follows CKV_AWS_45 (Checkov
// LambdaEnvironmentCredentials: no credentials in environment variables)
// and CKV_AWS_173 (Checkov LambdaEnvironmentEncryptionSettings: a function
// with environment variables sets kms_key_arn); each finding names the
// one it fails.
var lambdaEnvironment = Rule{ID: "lambda-environment", Controls: []string{"CKV_AWS_45", "CKV_AWS_173"},
	Source:      "Checkov CKV_AWS_45, CKV_AWS_173",
	Severity:    High,
	Description: "Function environments hold no credentials (a variable named for a password, token, key or secret, or an AWS access key ID as a value: CKV_AWS_45) and, when they have variables, are encrypted with a customer-managed key (kmsKeyArn: CKV_AWS_173). Not judged while the environment is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, fn := range g.ByType(restype.LambdaFunction) {
			seen := false
			r := fn.tracked(&seen)
			var found []Violation
			vars, _ := r.Get("environment.variables").(map[string]any)
			for _, k := range sortedKeys(vars) {
				v, _ := vars[k].(string)
				if secretName.MatchString(k) || accessKeyID.MatchString(v) {
					found = append(found, Violation{URN: r.URN, Controls: []string{"CKV_AWS_45"}, Message: fmt.Sprintf("%s %s: keeps %s in its environment; read it from Secrets Manager at run time", shortType(r.Type), r.Name, k)})
					break
				}
			}
			if len(vars) > 0 && (r.Get("kmsKeyArn") == nil || r.Str("kmsKeyArn") == "" && !r.Unknown("kmsKeyArn")) {
				found = append(found, Violation{URN: r.URN, Controls: []string{"CKV_AWS_173"}, Message: fmt.Sprintf("%s %s: has an environment encrypted with the AWS-managed key; set kmsKeyArn", shortType(r.Type), r.Name)})
			}
			if seen {
				found = []Violation{notJudged(fn)}
			}
			out = append(out, found...)
		}
		return out
	}}

// accessKeyID matches an AWS access key ID (long-term AKIA, temporary
// ASIA) in a value.
var accessKeyID = regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// servicePrincipal reports whether a permission's principal is an AWS
// service ("events.amazonaws.com").
func servicePrincipal(p string) bool {
	return strings.HasSuffix(p, ".amazonaws.com") || strings.HasSuffix(p, ".amazonaws.com.cn")
}

// lambdaNotPublic follows Security Hub Lambda.1 (Config rule
// lambda-function-public-access-prohibited: a function policy is public
// when its principal is empty or holds a wildcard, or when S3 may invoke
// it without a condition such as AWS:SourceAccount, because a bucket ARN
// names no account; "to be considered non-public, a Lambda resource-based
// policy must grant access only to fixed values", no wildcard) and
// CKV_AWS_364 (Checkov: a permission for a service principal sets
// source_arn or source_account). Each finding names the controls it fails.
var lambdaNotPublic = Rule{ID: "lambda-not-public", Controls: []string{"FSBP Lambda.1", "CKV_AWS_364"},
	Source:      "Security Hub Lambda.1 (Config lambda-function-public-access-prohibited); Checkov CKV_AWS_364",
	Severity:    High,
	Description: "No function permission's principal holds a wildcard, nor lets S3 invoke without a fixed sourceAccount, nor names its source with a wildcard account (Lambda.1); a service principal is confined by sourceArn or sourceAccount (CKV_AWS_364). Not judged while a principal or source is computed at deployment.",
	Check: func(g *Graph) []Violation {
		var out []Violation
		for _, perm := range g.ByType(restype.LambdaPermission) {
			seen := false
			r := perm.tracked(&seen)
			var found []Violation
			fail := func(msg string, controls ...string) {
				found = append(found, Violation{URN: r.URN, Controls: controls, Message: fmt.Sprintf("%s %s: %s", shortType(r.Type), r.Name, msg)})
			}
			p := r.Str("principal")
			acct, arn := r.Str("sourceAccount"), r.Str("sourceArn")
			hasAcct := acct != "" || r.Unknown("sourceAccount")
			hasArn := arn != "" || r.Unknown("sourceArn")
			switch {
			case p == "" && !r.Unknown("principal") || strings.ContainsAny(p, "*?"):
				fail(fmt.Sprintf("lets anyone invoke the function (principal %q); name the principal", p), "FSBP Lambda.1")
			case strings.ContainsAny(acct, "*?"):
				fail(fmt.Sprintf("confines %s to account %q, a wildcard; set the account ID", p, acct), "FSBP Lambda.1")
			case arn != "" && !arnConfined(arn):
				fail(fmt.Sprintf("confines %s to %q, which names no one account; name the source resource", p, arn), "FSBP Lambda.1")
			case p == "s3.amazonaws.com" && !hasAcct:
				controls := []string{"FSBP Lambda.1"}
				if !hasArn {
					controls = append(controls, "CKV_AWS_364")
				}
				fail("lets S3 invoke the function for a bucket of any account (a bucket ARN names no account); set sourceAccount", controls...)
			case servicePrincipal(p) && !hasArn && !hasAcct:
				fail(fmt.Sprintf("lets %s invoke the function on behalf of any account; set sourceArn or sourceAccount", p), "CKV_AWS_364")
			}
			if seen {
				found = []Violation{notJudged(perm)}
			}
			out = append(out, found...)
		}
		return out
	}}

// supportedRuntimes are the Lambda runtimes not deprecated on the date of
// this list (AWS Lambda developer guide, "Lambda runtimes", supported
// runtimes table, read 2026-11); FSBP Lambda.2 fails any other.
var supportedRuntimes = []string{
	"nodejs24.x", "nodejs22.x", "nodejs20.x",
	"python3.14", "python3.13", "python3.12", "python3.11", "python3.10",
	"java25", "java21", "java17", "java11", "java8.al2",
	"dotnet10", "dotnet8",
	"ruby3.4", "ruby3.3",
	"provided.al2023", "provided.al2",
}

// lambdaSupportedRuntime follows Security Hub Lambda.2 (Config rule
// lambda-function-settings-check with the supported runtimes as its
// runtime parameter) and CKV_AWS_363; a container-image function has no
// runtime and is not judged by either.
var lambdaSupportedRuntime = Rule{ID: "lambda-supported-runtime", Controls: []string{"FSBP Lambda.2", "CKV_AWS_363"},
	Source:      "Security Hub Lambda.2 (Config lambda-function-settings-check, runtime parameter); Checkov CKV_AWS_363",
	Severity:    Medium,
	Description: "Functions run on a runtime Lambda still supports (patched by AWS); image functions, which have none, pass. Not judged while the runtime is computed at deployment.",
	Check: forEach(restype.LambdaFunction, func(r Resource) string {
		if rt := r.Str("runtime"); rt != "" && !slices.Contains(supportedRuntimes, rt) {
			return fmt.Sprintf("runs on %s, which Lambda no longer patches; use one of %s", rt, strings.Join(supportedRuntimes, ", "))
		}
		return ""
	})}

// lambdaMultiAZ follows Security Hub Lambda.5 (Config rule
// lambda-vpc-multi-az-check, availabilityZones default 2): a function
// attached to a VPC runs in subnets of at least two Availability Zones; a
// function outside a VPC is not judged.
var lambdaMultiAZ = Rule{ID: "lambda-multi-az", Controls: []string{"FSBP Lambda.5"},
	Source:      "Security Hub Lambda.5 (Config lambda-vpc-multi-az-check, availabilityZones 2)",
	Severity:    Medium,
	Description: "Functions attached to a VPC run in subnets of at least two Availability Zones. Not judged while the subnets or their zones are computed at deployment.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.LambdaFunction, func(r Resource) string {
			n := len(r.List("vpcConfig.subnetIds"))
			if n == 0 {
				return ""
			}
			for _, s := range g.ByType(restype.EC2Subnet) {
				if slices.Contains(r.Dependencies, s.URN) && s.Str("availabilityZone")+s.Str("availabilityZoneId") == "" &&
					(s.Unknown("availabilityZone") || s.Unknown("availabilityZoneId")) {
					r.sawUnknown()
				}
			}
			return fewZones(g, r, n)
		})(g)
	}}
