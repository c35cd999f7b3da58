package compliance

import (
	"fmt"
	"sort"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/iampolicy/sar"
	"github.com/example/hardening/internal/restype"
)

// awsOwnedAccount stands for the account AWS keeps a service's own
// resources in (ECR's layer buckets): its number is not published, and an
// endpoint policy must not depend on it.
const awsOwnedAccount = "000000000000"

// otherAccount is an account outside the stack's.
const otherAccount = "999999999999"

// endpointEnv is where the requests are made: the stack's partition,
// region and account.
type endpointEnv struct{ partition, region, account string }

func (e endpointEnv) arn(svc, res string) string {
	return "arn:" + e.partition + ":" + svc + ":" + e.region + ":" + e.account + ":" + res
}

func (e endpointEnv) role(account, name string) string {
	return "arn:" + e.partition + ":iam::" + account + ":role/" + name
}

// endpointRequest is one request a principal makes through a VPC endpoint,
// with the context keys the request carries, and whether the endpoint's
// policy must let it through (allowed) or stop it.
type endpointRequest struct {
	endpoint string
	what     string
	allowed  bool
	req      func(e endpointEnv) iampolicy.Request
}

// request builds a request of principal with the global keys every
// request carries: aws:PrincipalAccount (the caller's account) and
// aws:ResourceAccount (the resource owner's) (IAM user guide, "AWS global
// condition context keys").
func request(principal, principalAccount, action, resource, resourceAccount string) iampolicy.Request {
	return iampolicy.Request{Principal: principal, Action: action, Resource: resource, Context: map[string][]string{
		"aws:PrincipalAccount": {principalAccount}, "aws:ResourceAccount": {resourceAccount},
	}}
}

// endpointRequests are the requests the stack's workloads and the AWS
// services it relies on make through the endpoints the stack creates. An
// endpoint of the catalogue without an entry here is judged with a
// request of this account and one of another account (throughAnyEndpoint).
var endpointRequests = []endpointRequest{
	// ECR answers an image pull (ECS, Fargate, the Docker client) with
	// layer URLs it presigns with its own credentials, so the S3 request is
	// ECR's, on an AWS-owned bucket (Amazon ECR user guide, "Amazon ECR
	// interface VPC endpoints (AWS PrivateLink)", "Minimum Amazon S3 bucket
	// permissions for Amazon ECR").
	{"s3", "ECR's image-layer download (a URL ECR presigns, not this account's principal)", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(awsOwnedAccount, "ecr"), awsOwnedAccount, "s3:GetObject",
			"arn:"+e.partition+":s3:::prod-"+e.region+"-starport-layer-bucket/sha256/layer", awsOwnedAccount)
	}},
	{"s3", "a write to ECR's image-layer bucket", false, func(e endpointEnv) iampolicy.Request {
		return request(e.role(awsOwnedAccount, "ecr"), awsOwnedAccount, "s3:PutObject",
			"arn:"+e.partition+":s3:::prod-"+e.region+"-starport-layer-bucket/sha256/layer", awsOwnedAccount)
	}},
	// The stack's workloads read and write its buckets; S3 sends
	// aws:ResourceAccount (VPC user guide, "Control access to VPC endpoints
	// using endpoint policies": endpoint policies that keep data in the
	// account's buckets).
	{"s3", "a workload reading a bucket of this account", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "workload"), e.account, "s3:GetObject", "arn:"+e.partition+":s3:::stack-bucket/object", e.account)
	}},
	{"s3", "a workload writing to another account's bucket", false, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "workload"), e.account, "s3:PutObject", "arn:"+e.partition+":s3:::attacker/object", otherAccount)
	}},
	{"s3", "another account's credentials reading a bucket of this account", false, func(e endpointEnv) iampolicy.Request {
		return request(e.role(otherAccount, "x"), otherAccount, "s3:GetObject", "arn:"+e.partition+":s3:::stack-bucket/object", e.account)
	}},
	{"dynamodb", "a workload writing a table of this account", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "workload"), e.account, "dynamodb:PutItem", e.arn("dynamodb", "table/t"), e.account)
	}},
	{"dynamodb", "a workload writing another account's table", false, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "workload"), e.account, "dynamodb:PutItem",
			"arn:"+e.partition+":dynamodb:"+e.region+":"+otherAccount+":table/t", otherAccount)
	}},
	// The rotation function's calls (Secrets Manager user guide, "Lambda
	// rotation functions": GetSecretValue, PutSecretValue,
	// UpdateSecretVersionStage, GetRandomPassword on "*") and ECS's
	// retrieval of a task's secrets with the task execution role (Amazon ECS
	// developer guide, "Pass Secrets Manager secrets through Amazon ECS
	// environment variables").
	{"secretsmanager", "the rotation function's PutSecretValue", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "rotation"), e.account, "secretsmanager:PutSecretValue", e.arn("secretsmanager", "secret:stack/app-AbCdEf"), e.account)
	}},
	{"secretsmanager", "the rotation function's GetRandomPassword", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "rotation"), e.account, "secretsmanager:GetRandomPassword", "*", e.account)
	}},
	{"secretsmanager", "ECS reading a task's secret with the task execution role", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "task-execution"), e.account, "secretsmanager:GetSecretValue", e.arn("secretsmanager", "secret:stack/app-AbCdEf"), e.account)
	}},
	// Pulling an image from this account's registry: the token from
	// ecr.api, the manifest and layer URLs from ecr.dkr (Amazon ECR user
	// guide, "Amazon ECR interface VPC endpoints"; "Private registry
	// authentication").
	{"ecr.api", "ECS's GetAuthorizationToken for an image pull", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "task-execution"), e.account, "ecr:GetAuthorizationToken", "*", e.account)
	}},
	{"ecr.dkr", "ECS's BatchGetImage for an image pull", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "task-execution"), e.account, "ecr:BatchGetImage", e.arn("ecr", "repository/app"), e.account)
	}},
	{"ecr.dkr", "ECS's GetDownloadUrlForLayer for an image pull", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "task-execution"), e.account, "ecr:GetDownloadUrlForLayer", e.arn("ecr", "repository/app"), e.account)
	}},
	// The awslogs log driver writes with the task execution role (Amazon
	// ECS developer guide, "Send Amazon ECS logs to CloudWatch").
	{"logs", "the awslogs driver's PutLogEvents", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "task-execution"), e.account, "logs:PutLogEvents", e.arn("logs", "log-group:/ecs/app:log-stream:x"), e.account)
	}},
	// Metrics are CloudWatch's, signed for "monitoring" and authorized as
	// cloudwatch:* (CloudWatch user guide, "Using CloudWatch and CloudWatch
	// Synthetics with interface VPC endpoints").
	{"monitoring", "a workload's PutMetricData", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "workload"), e.account, "cloudwatch:PutMetricData", "*", e.account)
	}},
	{"kinesis-streams", "a workload's PutRecord", true, func(e endpointEnv) iampolicy.Request {
		return request(e.role(e.account, "workload"), e.account, "kinesis:PutRecord", e.arn("kinesis", "stream/s"), e.account)
	}},
}

// throughAnyEndpoint are the requests every endpoint with a policy is
// judged on: a principal of this account calling the endpoint's service,
// and another account's principal, which the policy stops.
func throughAnyEndpoint(ep awsname.VPCEndpoint, action string) []endpointRequest {
	return []endpointRequest{
		{ep.Name, "a principal of this account calling " + action, true, func(e endpointEnv) iampolicy.Request {
			return request(e.role(e.account, "workload"), e.account, action, "*", e.account)
		}},
		{ep.Name, "another account's credentials calling " + action, false, func(e endpointEnv) iampolicy.Request {
			return request(e.role(otherAccount, "x"), otherAccount, action, "*", otherAccount)
		}},
	}
}

// anyAction is one action of the service prefix, from the Service
// Authorization Reference ("" when the prefix is not in it).
func anyAction(prefix string) string {
	d, err := sar.Load()
	if err != nil {
		return ""
	}
	var names []string
	for n := range d.Services[prefix].Actions {
		names = append(names, n)
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return prefix + ":" + names[0]
}

// endpointAccess judges every VPC endpoint of the plan: its service is one
// the catalogue knows (internal/awsname.VPCEndpoints: IAM prefix and policy
// support from data); a custom policy only where the service accepts one
// (CreateVpcEndpoint fails otherwise); and the policy lets through the
// requests the stack's workloads and AWS's services make through it
// (endpointRequests), and stops another account's.
func endpointAccess(g *Graph) []Violation {
	if g.Account == "" || g.Region == "" {
		// The requests name the stack's account, which a first preview
		// does not know: evaluated where the plan knows it (cmd/plan).
		var out []Violation
		for _, r := range g.ByType(restype.EC2VPCEndpoint) {
			out = append(out, notJudged(r))
		}
		return out
	}
	env := endpointEnv{partition: g.Partition, region: g.Region, account: g.Account}
	if env.partition == "" {
		env.partition = "aws"
	}
	var out []Violation
	bad := func(r Resource, format string, a ...any) {
		out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: ", shortType(r.Type), r.Name) + fmt.Sprintf(format, a...)})
	}
	for _, r := range g.ByType(restype.EC2VPCEndpoint) {
		if r.Unknown("serviceName") || r.Unknown("policy") {
			out = append(out, notJudged(r))
			continue
		}
		name := awsname.EndpointName(r.Str("serviceName"), g.Region)
		ep, ok := awsname.LookupVPCEndpoint(name)
		if !ok {
			bad(r, "service %q is not in internal/awsname.VPCEndpoints, so neither its IAM prefix nor whether it takes an endpoint policy is known; add it with its documentation", r.Str("serviceName"))
			continue
		}
		text := r.Str("policy")
		if !ep.Policy {
			if text != "" {
				bad(r, "%s takes no custom endpoint policy (%s); CreateVpcEndpoint refuses one, so leave the default full-access policy", name, ep.Doc)
			}
			continue
		}
		if text == "" {
			bad(r, "has no endpoint policy: the default allows every principal, another account's included, to reach %s through it; set one", name)
			continue
		}
		doc, err := g.iamDoc(text)
		if err != nil {
			continue // deploy-iam-policy-lint reports it
		}
		reqs := throughAnyEndpoint(ep, anyAction(ep.IAMPrefix))
		for _, er := range endpointRequests {
			if er.endpoint == name {
				reqs = append(reqs, er)
			}
		}
		for _, er := range reqs {
			req := er.req(env)
			got, err := iampolicy.Evaluate(doc, req)
			if err != nil {
				bad(r, "%s: %v", er.what, err)
				continue
			}
			if (got == iampolicy.Allowed) != er.allowed {
				want := "let through"
				if !er.allowed {
					want = "stopped"
				}
				bad(r, "%s (%s on %s as %s) must be %s by its endpoint policy, but is %s", er.what, req.Action, req.Resource, req.Principal, want, got)
			}
		}
	}
	return out
}
