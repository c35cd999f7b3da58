package compliance

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/iampolicy/sar"
	"github.com/example/hardening/internal/restype"
)

// deployRules refuse offline what AWS would refuse at `pulumi up`: inputs
// the provider passes through unchecked and AWS rejects. They are critical,
// so they block the plan command, the policy pack and CI.
func deployRules() []Rule {
	return []Rule{deployIAMPolicySize, deployIAMPolicyLint, deployOrdering, deployAWSNames, deployServiceAccess, deployEndpointAccess, deployEC2Description}
}

var deployIAMPolicySize = Rule{ID: "deploy-iam-policy-size", Source: "IAM User Guide, IAM and AWS STS quotas (character limits for managed, inline and trust policies)",
	Severity:    Critical,
	Description: "Every IAM policy fits its quota (IAM user guide, IAM and AWS STS quotas; white space not counted): a managed policy or boundary 6,144 characters, a role's inline policies together 10,240, a trust policy 2,048.",
	Check:       policySizes,
}

var deployIAMPolicyLint = Rule{ID: "deploy-iam-policy-lint", Source: "AWS Service Authorization Reference, pinned in internal/iampolicy/sar (actions, resource types, condition keys per action)",
	Severity:    Critical,
	Description: "Every policy document (identity, boundary, trust, key, bucket, topic, queue, secret, endpoint, log resource policy) names actions that exist, condition keys that the conditioned actions' requests carry, and resources of types its actions take, per the AWS Service Authorization Reference (internal/iampolicy/sar); otherwise the statement is silently dead.",
	Check:       policyLint,
}

var deployOrdering = Rule{ID: "deploy-ordering", Source: "terraform-provider-aws create paths and the AWS API errors each ordering avoids (cited per entry of orderingRules)",
	Severity:    Critical,
	Description: "Resources AWS needs first are dependencies of what needs them: the internet gateway and the public route before the load balancer; a function's role policy before the function; the Secrets Manager endpoint before a rotation function in a VPC; the invoke permission and role policy before a rotation; the bucket policy before the trail; certificate validation before an HTTPS listener.",
	Check:       ordering,
}

var deployAWSNames = Rule{ID: "deploy-aws-names", Source: "aws-sdk-go v1.55.8 API models (internal/awsname/models.json): name lengths and patterns",
	Severity:    Critical,
	Description: "Every name the stack sets fits what AWS's API models accept (length and pattern of IAM role and policy names, with pulumi-aws's generated suffix where the name is generated; Cognito domain prefixes; WAF metric names; log group names; metric filter patterns (1,024 characters); secret names; KMS aliases; ACM domain names) and S3 bucket prefixes leave room for the generated suffix; the provider checks few of these.",
	Check:       awsNames,
}

var deployServiceAccess = Rule{ID: "deploy-service-access", Source: "each service's documented delivery request (CloudTrail, CloudWatch alarms, EventBridge, SNS): principal, action and context keys",
	Severity:    Critical,
	Description: "The key, topic, queue and trail-bucket policies let the AWS services the stack relies on make their requests, with exactly the context keys each service sends (CloudTrail, CloudWatch alarms and EventBridge through SNS, EventBridge dead-lettering), and refuse another account's.",
	Check:       serviceAccess,
}

var deployEndpointAccess = Rule{ID: "deploy-endpoint-access", Source: "AWS PrivateLink service catalogue (internal/awsname.VPCEndpoints) and each workload's requests through its endpoint",
	Severity:    Critical,
	Description: "Every VPC endpoint reaches a service the catalogue knows (internal/awsname.VPCEndpoints: IAM prefix and endpoint-policy support from data), carries a custom policy only where the service accepts one, and its policy lets through the requests the workloads and AWS services make through it (ECR's presigned image-layer downloads, the rotation function, ECS's secrets, images and logs) and stops another account's.",
	Check:       endpointAccess,
}

var deployEC2Description = Rule{ID: "deploy-ec2-description", Source: "EC2 API reference, CreateSecurityGroup and AuthorizeSecurityGroupIngress: GroupDescription and rule Description character set and length",
	Severity:    Critical,
	Description: "Security group and rule descriptions use only the characters EC2 accepts (a-z A-Z 0-9, space, ._-:/()#,@[]+=&;{}!$*), at most 255; the provider does not check, so `pulumi up` fails with InvalidParameterValue.",
	Check: forEachIn([]string{restype.EC2SecurityGroup, restype.VPCSecurityGroupIngressRule, restype.VPCSecurityGroupEgressRule, restype.EC2SecurityGroupRule}, func(r Resource) string {
		var problems []string
		if d, ok := r.Get("description").(string); ok {
			if err := awsname.EC2Description(d); err != nil {
				problems = append(problems, err.Error())
			}
		}
		for _, dir := range []string{"ingress", "egress"} {
			for i := range r.List(dir) {
				if d := r.Str(fmt.Sprintf("%s.%d.description", dir, i)); d != "" {
					if err := awsname.EC2Description(d); err != nil {
						problems = append(problems, dir+": "+err.Error())
					}
				}
			}
		}
		return strings.Join(problems, "; ")
	}),
}

// driftRules hold a stack to what the nightly drift job checks: a
// refreshed preview of a stack nobody touched shows no change.
func driftRules() []Rule {
	return []Rule{driftRefreshStable}
}

var driftRefreshStable = Rule{ID: "drift-refresh-stable", Source: "pulumi-aws lambda.Function kmsKeyArn docs; Secrets Manager UpdateSecretVersionStage API reference",
	Severity:    High,
	Description: "What the program sets is what a refresh reads back: no input AWS does not keep (a function's kmsKeyArn without environment variables), and no SecretVersion on a secret the rotation function rotates (rotations strip its staging labels, Secrets Manager may then delete it, and the next `pulumi up` would write the retired value back as AWSCURRENT).",
	Check: func(g *Graph) []Violation {
		out := forEach(restype.LambdaFunction, func(r Resource) string {
			// pulumi-aws lambda.Function kmsKeyArn: "If this
			// configuration is provided when environment variables
			// are not in use, the AWS Lambda API does not save this
			// configuration and the provider will show a perpetual
			// difference".
			vars, _ := r.Get("environment.variables").(map[string]any)
			if r.Get("kmsKeyArn") != nil && len(vars) == 0 {
				return "sets kmsKeyArn without environment variables: Lambda does not save it, so every refresh reads it back empty and every preview adds it again; set it only with environment variables"
			}
			return ""
		})(g)
		rotations := g.ByType(restype.SecretsManagerSecretRotation)
		for _, v := range g.ByType(restype.SecretsManagerSecretVersion) {
			// The version and the rotation both name the secret.
			if slices.ContainsFunc(rotations, func(rot Resource) bool { return sharesDependency(v, rot, restype.SecretsManagerSecret) }) {
				// UpdateSecretVersionStage API reference: a version
				// left without a label "is considered to be
				// 'deprecated' and can be deleted by Secrets
				// Manager"; the provider's read then drops it
				// (terraform-provider-aws secretsmanager/secret_version.go).
				out = append(out, Violation{URN: v.URN, Message: fmt.Sprintf("%s %s: writes a value of a secret the rotation function rotates: two rotations leave this version without a staging label, Secrets Manager may delete it, a refresh drops it and the next `pulumi up` writes the retired value back as AWSCURRENT; let the first rotation (rotateImmediately) write the first value", shortType(v.Type), v.Name)})
			}
		}
		return out
	},
}

// orderingRules are what must exist before a resource of Type is created,
// as direct dependencies in the graph: need picks the dependencies that
// satisfy the rule (of, its resource); when applies is false, the rule does
// not judge that resource.
var orderingRules = []struct {
	Type, What string
	applies    func(g *Graph, r Resource) bool
	need       func(r, dep Resource) bool
}{
	{restype.LBLoadBalancer, "the internet gateway (InvalidSubnet ... has no internet gateway)", nil,
		func(_, d Resource) bool { return d.Type == restype.EC2InternetGateway }},
	{restype.LBLoadBalancer, "the public subnets' route to the internet gateway", nil,
		func(_, d Resource) bool {
			// The gateway's id is computed: in a first preview it is unknown,
			// which still names a gateway.
			return d.Type == restype.EC2Route && d.Str("destinationCidrBlock") == "0.0.0.0/0" && d.Get("gatewayId") != nil
		}},
	{restype.LambdaFunction, "its role's policy (Lambda checks the role may create network interfaces and write logs)", nil,
		func(r, d Resource) bool {
			if d.Type != restype.IAMRolePolicy {
				return false
			}
			// A role ARN ends with the role's name after its path; names
			// hold no slash.
			if role, name := r.Str("role"), d.Str("role"); role != "" && name != "" {
				return strings.Contains(role, ":role/") && strings.HasSuffix(role, "/"+name)
			}
			// In a first preview the role's ARN and name are computed:
			// the policy is the function's role's when both depend on
			// the same role.
			return sharesDependency(r, d, restype.IAMRole)
		}},
	{restype.LambdaFunction, "the Secrets Manager interface endpoint, a rotation function's only route to the service",
		func(g *Graph, r Resource) bool {
			// Subnets not known until deployment still place it in a VPC.
			inVPC := len(r.List("vpcConfig.subnetIds")) > 0 || r.Unknown("vpcConfig.subnetIds")
			return inVPC && slices.ContainsFunc(g.ByType(restype.SecretsManagerSecretRotation), func(rot Resource) bool {
				return slices.Contains(rot.Dependencies, r.URN)
			})
		},
		func(_, d Resource) bool {
			return d.Type == restype.EC2VPCEndpoint && strings.HasSuffix(d.Str("serviceName"), ".secretsmanager")
		}},
	{restype.SecretsManagerSecretRotation, "the permission that lets Secrets Manager invoke the function", nil,
		func(_, d Resource) bool { return d.Type == restype.LambdaPermission }},
	{restype.SecretsManagerSecretRotation, "the rotation function", nil,
		func(_, d Resource) bool { return d.Type == restype.LambdaFunction }},
	{restype.CloudTrailTrail, "its bucket's policy (CreateTrail checks CloudTrail may write)", nil,
		func(_, d Resource) bool { return d.Type == restype.S3BucketPolicy }},
	{restype.LBListener, "the certificate's validation (an HTTPS listener needs an issued certificate)",
		func(g *Graph, r Resource) bool {
			return r.Str("protocol") == "HTTPS" && len(g.ByType(restype.ACMCertificateValidation)) > 0
		},
		func(_, d Resource) bool { return d.Type == restype.ACMCertificateValidation }},
}

// ordering checks orderingRules on the recorded dependency graph.
func ordering(g *Graph) []Violation {
	byURN := make(map[string]Resource, len(g.Resources))
	for _, r := range g.Resources {
		byURN[r.URN] = r
	}
	var out []Violation
	for _, o := range orderingRules {
		for _, r := range g.ByType(o.Type) {
			if o.applies != nil && !o.applies(g, r) {
				continue
			}
			ok := false
			for _, urn := range r.Dependencies {
				if d, found := byURN[urn]; found && o.need(r, d) {
					ok = true
					break
				}
			}
			if !ok {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: created without waiting for %s; make it a dependency (pass an output of it, or pulumi.DependsOn)", shortType(r.Type), r.Name, o.What)})
			}
		}
	}
	return out
}

// sharesDependency reports whether a and b both depend on one resource of
// typ.
func sharesDependency(a, b Resource, typ string) bool {
	return slices.ContainsFunc(a.Dependencies, func(urn string) bool {
		return TypeOfURN(urn) == typ && slices.Contains(b.Dependencies, urn)
	})
}

// nameChecks are the names of the plan that AWS's models constrain: the
// input holding the name (or, for an IAM role without one, its logical name
// with pulumi-aws's generated suffix) and the model shape.
var nameChecks = []struct{ Type, Input, Shape string }{
	{restype.IAMRole, "name", "iam.roleNameType"},
	{restype.IAMPolicy, "name", "iam.policyNameType"},
	{restype.CognitoUserPoolDomain, "domain", "cognito-idp.DomainType"},
	{restype.WAFv2WebACL, "visibilityConfig.metricName", "wafv2.MetricName"},
	{restype.CloudWatchLogGroup, "name", "logs.LogGroupName"},
	{restype.CloudWatchLogMetricFilter, "pattern", "logs.FilterPattern"},
	{restype.SecretsManagerSecret, "name", "secretsmanager.NameType"},
	{restype.KMSAlias, "name", "kms.AliasNameType"},
	{restype.ACMCertificate, "domainName", "acm.DomainNameString"},
}

// awsNames checks the plan's names against the models.
func awsNames(g *Graph) []Violation {
	var out []Violation
	bad := func(r Resource, what string, err error) {
		out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s: %v; AWS refuses it at deployment", shortType(r.Type), r.Name, what, err)})
	}
	for _, c := range nameChecks {
		for _, r := range g.ByType(c.Type) {
			if r.Unknown(c.Input) {
				out = append(out, notJudged(r))
				continue
			}
			v, known := r.Get(c.Input).(string)
			if !known && c.Type == restype.IAMRole && r.Get(c.Input) == nil {
				// pulumi-aws names it "<logical name>-<7 hex>".
				v, known = r.Name+"-0000000", true
			}
			if known {
				if err := awsname.Shape(c.Shape, v); err != nil {
					bad(r, c.Input, err)
				}
			}
		}
	}
	for _, r := range g.ByType(restype.WAFv2WebACL) {
		for i := range r.List("rules") {
			if v := r.Str(fmt.Sprintf("rules.%d.visibilityConfig.metricName", i)); v != "" {
				if err := awsname.Shape("wafv2.MetricName", v); err != nil {
					bad(r, fmt.Sprintf("rules[%d].visibilityConfig.metricName", i), err)
				}
			}
		}
	}
	for _, r := range g.ByType(restype.S3BucketV2) {
		if p := r.Str("bucketPrefix"); len(p) > awsname.S3BucketPrefixMax {
			bad(r, "bucketPrefix", fmt.Errorf("%q is %d characters; with the generated suffix a bucket name would pass S3's 63 (at most %d)", p, len(p), awsname.S3BucketPrefixMax))
		}
	}
	return out
}

// PolicyDocuments are where each resource type keeps a policy document.
var PolicyDocuments = []struct{ Type, Input string }{
	{restype.IAMPolicy, "policy"}, {restype.IAMRolePolicy, "policy"}, {restype.IAMRole, "assumeRolePolicy"},
	{restype.KMSKey, "policy"}, {restype.KMSReplicaKey, "policy"}, {restype.S3BucketPolicy, "policy"},
	{restype.SNSTopicPolicy, "policy"}, {restype.SQSQueuePolicy, "policy"},
	{restype.SecretsManagerSecretPolicy, "policy"}, {restype.EC2VPCEndpoint, "policy"},
	{restype.CloudWatchLogResourcePolicy, "policyDocument"},
}

// policyLint lints every known policy document of the graph.
func policyLint(g *Graph) []Violation {
	var out []Violation
	for _, pd := range PolicyDocuments {
		for _, r := range g.ByType(pd.Type) {
			if r.Unknown(pd.Input) {
				out = append(out, notJudged(r))
				continue
			}
			text := r.Str(pd.Input)
			if text == "" {
				continue // absent
			}
			problems, err := sar.LintJSON(text)
			if err != nil {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s is not a policy document: %v", shortType(r.Type), r.Name, pd.Input, err)})
				continue
			}
			for _, p := range problems {
				out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s %s", shortType(r.Type), r.Name, pd.Input, p)})
			}
		}
	}
	return out
}

// policySizes checks each known policy document against its IAM quota. A
// document not known until deployment cannot be measured here (the
// components measure theirs before registering, iampolicy.CheckSize): it
// is reported not judged, and so is the sum of a role's inline policies
// when one of them, or the role it is for, is not known.
func policySizes(g *Graph) []Violation {
	var out []Violation
	over := func(r Resource, what string, n, limit int) {
		out = append(out, Violation{URN: r.URN, Message: fmt.Sprintf("%s %s: %s is %d characters without white space, over IAM's quota of %d; IAM refuses it at deployment", shortType(r.Type), r.Name, what, n, limit)})
	}
	for _, r := range g.ByType(restype.IAMPolicy) {
		if r.Unknown("policy") {
			out = append(out, notJudged(r))
		}
		if s := r.Str("policy"); s != "" {
			if n := iampolicy.Size(s); n > iampolicy.ManagedPolicyMaxChars {
				over(r, "the managed policy", n, iampolicy.ManagedPolicyMaxChars)
			}
		}
	}
	inline := map[string]int{}
	first := map[string]Resource{}
	for _, r := range g.ByType(restype.IAMRole) {
		if r.Unknown("assumeRolePolicy") || slices.ContainsFunc(r.List("inlinePolicies"), func(p any) bool {
			m, _ := p.(map[string]any)
			_, unknown := m["policy"].(Unknown)
			return unknown
		}) || r.Unknown("inlinePolicies") {
			out = append(out, notJudged(r))
		}
		if s := r.Str("assumeRolePolicy"); s != "" {
			if n := iampolicy.Size(s); n > iampolicy.TrustPolicyMaxChars {
				over(r, "the trust policy", n, iampolicy.TrustPolicyMaxChars)
			}
		}
		for _, p := range r.List("inlinePolicies") {
			if m, ok := p.(map[string]any); ok {
				if s, ok := m["policy"].(string); ok {
					inline[r.Name] += iampolicy.Size(s)
					first[r.Name] = r
				}
			}
		}
	}
	for _, r := range g.ByType(restype.IAMRolePolicy) {
		if r.Unknown("role") || r.Unknown("policy") {
			out = append(out, notJudged(r))
			continue
		}
		role := r.Str("role")
		if s := r.Str("policy"); s != "" && role != "" {
			inline[role] += iampolicy.Size(s)
			if _, ok := first[role]; !ok {
				first[role] = r
			}
		}
	}
	roles := make([]string, 0, len(inline))
	for role := range inline {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	for _, role := range roles {
		if n := inline[role]; n > iampolicy.RoleInlinePoliciesMaxChars {
			over(first[role], "role "+role+"'s inline policies together", n, iampolicy.RoleInlinePoliciesMaxChars)
		}
	}
	return out
}

// boundaryPolicies are the URNs of the managed policies that some role of
// the graph carries as its permissions boundary.
func boundaryPolicies(g *Graph) map[string]bool {
	out := map[string]bool{}
	var used []string
	for _, r := range g.ByType(restype.IAMRole) {
		if b := r.Str("permissionsBoundary"); b != "" {
			used = append(used, b)
		}
		// In a first preview the boundary's ARN is computed: the policy
		// the input comes from is the boundary.
		for _, u := range r.PropertyDependencies["permissionsBoundary"] {
			out[u] = true
		}
	}
	for _, p := range g.ByType(restype.IAMPolicy) {
		name := p.Str("name")
		for _, b := range used {
			if name != "" && strings.HasSuffix(b, ":policy/"+name) {
				out[p.URN] = true
			}
		}
	}
	return out
}
