package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan"
)

// graphOf is a fresh compliance graph of a stack's recorded resources;
// callers may change it.
func graphOf(t *testing.T, stack string) *compliance.Graph {
	t.Helper()
	g := plan.ComplianceGraph(deployed(t, stack).Resources())
	s := loadStack(t, stack)
	g.Intent = baseline.NetworkIntent(s.Project, s.Name, stackConfig(t, stack))
	return g
}

// accountGraph is the graph of what a workload stack's account holds: the
// stack's plan and its bootstrap's.
func accountGraph(t *testing.T, stack string) *compliance.Graph {
	t.Helper()
	g := plan.ComplianceGraph(inAccount(t, stack).Resources())
	s := loadStack(t, stack)
	g.Intent = baseline.NetworkIntent(s.Project, s.Name, stackConfig(t, stack))
	return g
}

func TestStacksPassCompliance(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			sups := suppressionsOf(t, stack)
			rep, err := compliance.Evaluate(graphOf(t, stack), compliance.Rules(), sups)
			require.NoError(t, err, "suppressions")
			for _, f := range rep.Blocking() {
				assert.Failf(t, "blocking finding", "blocking: %s (%s)", f.Message, f.Rule)
			}
			for _, f := range rep.Findings {
				if f.Suppressed {
					assert.NotEmpty(t, f.Reason, "suppressed without a reason: %s", f.Message)
				}
				if stack == "prod" {
					assert.True(t, f.Suppressed, "prod has an unsuppressed finding: %s", f.Message)
				}
			}
		})
	}
}

// set changes the input at a dotted path of the resource of typ whose name
// ends in suffix, creating maps on the way; nil deletes it. It returns the
// resource's URN.
func set(t *testing.T, g *compliance.Graph, typ, suffix, path string, v any) string {
	t.Helper()
	for i := range g.Resources {
		r := &g.Resources[i]
		if r.Type != typ || !strings.HasSuffix(r.Name, suffix) {
			continue
		}
		parts := strings.Split(path, ".")
		var cur any = r.Inputs
		for _, p := range parts[:len(parts)-1] {
			switch c := cur.(type) {
			case map[string]any:
				if c[p] == nil {
					c[p] = map[string]any{}
				}
				cur = c[p]
			case []any:
				n, _ := strconv.Atoi(p)
				cur = c[n]
			}
			if s, ok := cur.(compliance.Secret); ok {
				cur = s.Value
			}
		}
		last := parts[len(parts)-1]
		switch c := cur.(type) {
		case map[string]any:
			if v == nil {
				delete(c, last)
			} else {
				c[last] = v
			}
		case []any:
			n, _ := strconv.Atoi(last)
			c[n] = v
		}
		return r.URN
	}
	require.Failf(t, "no such resource", "no %s named *%s", typ, suffix)
	return ""
}

// plant adds a copy of the resource of typ whose name ends in suffix,
// named with newSuffix instead and with inputs changed, and returns its URN.
func plant(t *testing.T, g *compliance.Graph, typ, suffix, newSuffix string, changes map[string]any) string {
	t.Helper()
	for _, r := range g.Resources {
		if r.Type != typ || !strings.HasSuffix(r.Name, suffix) {
			continue
		}
		c := r
		c.Name = strings.TrimSuffix(r.Name, suffix) + newSuffix
		c.URN = strings.TrimSuffix(r.URN, r.Name) + c.Name
		c.ID = ""
		c.Inputs = map[string]any{}
		for k, v := range r.Inputs {
			c.Inputs[k] = v
		}
		for k, v := range changes {
			c.Inputs[k] = v
		}
		g.Resources = append(g.Resources, c)
		return c.URN
	}
	require.Failf(t, "precondition", "no %s named *%s", typ, suffix)
	return ""
}

// urnOf returns the URN of the resource of typ whose name ends in suffix.
func urnOf(t *testing.T, g *compliance.Graph, typ, suffix string) string {
	t.Helper()
	for _, r := range g.ByType(typ) {
		if strings.HasSuffix(r.Name, suffix) {
			return r.URN
		}
	}
	require.Failf(t, "no such resource", "no %s named *%s", typ, suffix)
	return ""
}

// drop removes the resources of typ whose name ends in suffix.
func drop(g *compliance.Graph, typ, suffix string) {
	g.Resources = slices.DeleteFunc(g.Resources, func(r compliance.Resource) bool {
		return r.Type == typ && strings.HasSuffix(r.Name, suffix)
	})
}

// dropDependencies removes from the first resource of typ its dependencies
// on resources of depType, and returns its URN.
func dropDependencies(t *testing.T, g *compliance.Graph, typ, depType string) string {
	t.Helper()
	types := map[string]string{}
	for _, r := range g.Resources {
		types[r.URN] = r.Type
	}
	for i := range g.Resources {
		r := &g.Resources[i]
		if r.Type != typ {
			continue
		}
		// A new slice: the graph's slices are shared with the cached plan.
		var kept []string
		for _, u := range r.Dependencies {
			if types[u] != depType {
				kept = append(kept, u)
			}
		}
		r.Dependencies = kept
		return r.URN
	}
	require.Failf(t, "no such resource", "no %s", typ)
	return ""
}

// bigStatement is an Allow statement of n distinct 30-character actions.
func bigStatement(sid string, n int) string {
	actions := make([]string, n)
	for i := range actions {
		actions[i] = fmt.Sprintf(`"ec2:DescribeSomething%06d"`, i)
	}
	return `{"Sid":"` + sid + `","Effect":"Allow","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}`
}

// policyJSON renders a one-statement policy document.
func policyJSON(statement string) string {
	return `{"Version":"2012-10-17","Statement":[` + statement + `]}`
}

// ruleCases flips one setting of the real prod graph per rule; want is in
// the message of the violation on the changed resource.
var ruleCases = []struct {
	rule   string
	change func(t *testing.T, g *compliance.Graph) string
	want   string
}{
	{"elb-http-redirects", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBListener, "-http", "defaultActions.0.type", "forward")
	}, "make its default action a redirect to HTTPS"},
	{"elb-https-listener", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBListener, "-https", "protocol", "HTTP")
	}, `protocol "HTTP" forwards without TLS`},
	{"elb-tls-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBListener, "-https", "sslPolicy", nil)
	}, "TLS policy ELBSecurityPolicy-2016-08 allows old protocols"},
	{"elb-drop-invalid-headers", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBLoadBalancer, "-alb", "dropInvalidHeaderFields", nil)
	}, "set dropInvalidHeaderFields: true"},
	{"elb-access-logs", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBLoadBalancer, "-alb", "accessLogs.enabled", false)
	}, "keeps no access logs"},
	{"elb-deletion-protection", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBLoadBalancer, "-alb", "enableDeletionProtection", false)
	}, "set enableDeletionProtection: true"},
	{"elb-desync-mitigation", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBLoadBalancer, "-alb", "desyncMitigationMode", "monitor")
	}, "only monitors HTTP desync"},
	{"elb-multi-az", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBLoadBalancer, "-alb", "subnets", []any{"subnet-1"})
	}, "is in 1 subnet(s)"},
	{"elb-waf", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.WAFv2WebACLAssociation, "")
		return set(t, g, restype.LBLoadBalancer, "-alb", "name", nil)
	}, "is internet-facing without a web ACL"},
	{"elb-target-https", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBTargetGroup, "-app", "healthCheck.protocol", "HTTP")
	}, `(health check "HTTP"); use HTTPS for both`},
	{"acm-key-algorithm", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.ACMCertificate, "-cert", "keyAlgorithm", "RSA_1024")
	}, "uses key algorithm RSA_1024"},
	{"ec2-default-sg-closed", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2DefaultSecurityGroup, "", "ingress", []any{map[string]any{"protocol": "-1"}})
	}, "allows traffic"},
	{"ec2-vpc-flow-logs", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2FlowLog, "")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "has no flow log"},
	{"ec2-subnet-no-public-ip", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2Subnet, "-public-0", "mapPublicIpOnLaunch", true)
	}, "set mapPublicIpOnLaunch: false"},
	{"ec2-sg-admin-ports", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.VPCSecurityGroupIngressRule, "-lb-in-443-0", "fromPort", 22.0)
		return set(t, g, restype.VPCSecurityGroupIngressRule, "-lb-in-443-0", "toPort", 22.0)
	}, "admits 0.0.0.0/0 to port 22"},
	{"ec2-sg-open-ports", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.VPCSecurityGroupIngressRule, "-lb-in-443-0", "fromPort", 5432.0)
		return set(t, g, restype.VPCSecurityGroupIngressRule, "-lb-in-443-0", "toPort", 5432.0)
	}, "admits 0.0.0.0/0 to high-risk port 5432"},
	{"ec2-sg-rule-descriptions", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.VPCSecurityGroupIngressRule, "-app-from-lb", "description", nil)
	}, "has no description"},
	{"ec2-nacl-admin-ports", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2NetworkACLRule, "-public-in-lb-idp-reply-1", "fromPort", 3000.0)
	}, "allows port 3389 from the internet"},
	{"iam-no-admin", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-read-app", "policy", policyJSON(`{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}`))
	}, `statement All allows "*" on "*"`},
	{"iam-no-service-wildcard", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-read-app", "policy", policyJSON(`{"Sid":"S3","Effect":"Allow","Action":["s3:*"],"Resource":"arn:aws:s3:::b/*"}`))
	}, "statement S3 allows s3:*"},
	// The boundary of every role rendered to 7,507 characters (dev) when it
	// listed each action: IAM refuses managed policies over 6,144.
	{"deploy-iam-policy-size", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMPolicy, "-boundary", "policy", policyJSON(bigStatement("Ceiling", 250)))
	}, "the managed policy is 7"},
	{"deploy-iam-policy-size", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-ci-deploy", "assumeRolePolicy", policyJSON(bigStatement("Trust", 70)))
	}, "over IAM's quota of 2048"},
	{"deploy-iam-policy-size", func(t *testing.T, g *compliance.Graph) string {
		// Two inline policies of 5,200 each: each fits, together they do not.
		var role any
		for _, r := range g.ByType(restype.IAMRolePolicy) {
			if strings.HasSuffix(r.Name, "-ci-deploy") {
				role = r.Inputs["role"]
			}
		}
		set(t, g, restype.IAMRolePolicy, "-ci-preview", "role", role)
		set(t, g, restype.IAMRolePolicy, "-ci-preview", "policy", policyJSON(bigStatement("B", 170)))
		return set(t, g, restype.IAMRolePolicy, "-ci-deploy", "policy", policyJSON(bigStatement("A", 170)))
	}, "inline policies together"},
	// Both stacks wrote "the app tier's port": EC2 refuses the apostrophe.
	{"deploy-ec2-description", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.VPCSecurityGroupEgressRule, "-lb-to-app", "description", "Load balancer to the app tier's port")
	}, `has '\''; EC2 accepts only`},
	{"deploy-ec2-description", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2SecurityGroup, "-lb", "description", strings.Repeat("x", 256))
	}, "EC2 accepts at most 255"},
	// Both stacks allowed protocol -1 between tiers (public-in-vpc, ...).
	{"ec2-nacl-no-all-ports", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2NetworkACLRule, "-private-in-lb-app-request", "protocol", "-1")
	}, "allows every protocol and port"},
	{"ec2-nacl-no-all-ports", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.EC2NetworkACLRule, "-private-in-lb-app-request", "fromPort", 0.0)
		return set(t, g, restype.EC2NetworkACLRule, "-private-in-lb-app-request", "toPort", 65535.0)
	}, "allows every port"},
	// The key policy's CloudTrail statement put DescribeKey under an
	// encryption-context condition, which DescribeKey requests never carry.
	{"deploy-iam-policy-lint", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.KMSKey, "", "policy", policyJSON(`{"Sid":"CloudTrailEncrypt","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*","Condition":{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:123456789012:trail/*"}}}`))
	}, "condition key kms:EncryptionContext:aws:cloudtrail:arn is not in the requests of kms:DescribeKey"},
	// A stack state key named by its alias: IAM grants nothing on it.
	{"deploy-iam-policy-lint", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-ci-deploy", "policy", policyJSON(`{"Sid":"PulumiSecrets","Effect":"Allow","Action":["kms:Decrypt"],"Resource":"arn:aws:kms:us-east-1:123456789012:alias/hardening-prod-pulumi-state"}`))
	}, "is of no type the statement's actions take"},
	// The load balancer was created beside the internet gateway, not after.
	{"deploy-ordering", func(t *testing.T, g *compliance.Graph) string {
		return dropDependencies(t, g, restype.LBLoadBalancer, restype.EC2InternetGateway)
	}, "created without waiting for the internet gateway"},
	// The rotation function was created before its role policy existed.
	{"deploy-ordering", func(t *testing.T, g *compliance.Graph) string {
		return dropDependencies(t, g, restype.LambdaFunction, restype.IAMRolePolicy)
	}, "created without waiting for its role's policy"},
	{"deploy-ordering", func(t *testing.T, g *compliance.Graph) string {
		return dropDependencies(t, g, restype.LambdaFunction, restype.EC2VPCEndpoint)
	}, "the Secrets Manager interface endpoint"},
	// A reads-by-others filter over many readers outgrows PutMetricFilter.
	{"deploy-aws-names", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudWatchLogMetricFilter, "-secret-reads-by-others", "pattern", "{ "+strings.Repeat(`($.userIdentity.sessionContext.sessionIssuer.arn != "arn:aws:iam::123456789012:role/r") && `, 12)+"($.eventName = \"GetSecretValue\") }")
	}, "logs.FilterPattern allows 1024"},
	{"deploy-aws-names", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudWatchLogGroup, "-trail", "name", "/cloudtrail/hardening prod")
	}, `name: "/cloudtrail/hardening prod" does not match logs.LogGroupName's pattern`},
	{"deploy-aws-names", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.WAFv2WebACL, "", "visibilityConfig.metricName", "hardening prod")
	}, "does not match wafv2.MetricName's pattern"},
	{"deploy-aws-names", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPoolDomain, "", "domain", strings.Repeat("d", 64))
	}, "cognito-idp.DomainType allows 63"},
	// Secrets Manager's AutomaticallyAfterDays is 1 to 1000 (RotateSecret).
	{"deploy-input-constraints", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SecretsManagerSecretRotation, "-app-db-password", "rotationRules.automaticallyAfterDays", 0.0)
	}, "rotationRules.automaticallyAfterDays (set by configuration key secrets.inventory[].rotationDays): 0 is below"},
	{"deploy-input-constraints", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBTargetGroup, "-app", "healthCheck.path", "/"+strings.Repeat("h", 1024))
	}, "elasticloadbalancingv2/CreateTargetGroup.HealthCheckPath allows 1024"},
	{"deploy-input-constraints", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.Route53Record, "-alias-app-example-com", "zoneId", "Z"+strings.Repeat("0", 32))
	}, "route53/ChangeResourceRecordSets.HostedZoneId allows 32"},
	{"deploy-input-constraints", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPoolClient, "-alb", "callbackUrls", []any{"https://app.example.com/" + strings.Repeat("c", 1024)})
	}, "[0]: "},
	{"deploy-input-constraints", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "mfaConfiguration", "REQUIRED")
	}, `"REQUIRED" is not one of cognito-idp/CreateUserPool.MfaConfiguration's values`},
	// A group mapped to a user: Cognito takes roles only.
	{"deploy-arn-inputs", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserGroup, "-admins", "roleArn", "arn:aws:iam::123456789012:user/admin")
	}, "is a user; the field takes a role"},
	{"deploy-arn-inputs", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserGroup, "-readers", "roleArn", "arn:aws-cn:iam::123456789012:role/readers")
	}, `is in partition "aws-cn"`},
	{"deploy-arn-inputs", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserGroup, "-operators", "roleArn", "arn:aws:iam::210987654321:role/operators")
	}, `is of account "210987654321"`},
	{"deploy-service-principals", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-app", "assumeRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-task.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	}, `"ecs-task.amazonaws.com" names no AWS service`},
	{"deploy-tags", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SecretsManagerSecret, "-app-db-password", "tags.aws:owner", "app")
	}, `starts with "aws:"`},
	{"deploy-tags", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SecretsManagerSecret, "-app-api-key", "tags."+strings.Repeat("k", 129), "v")
	}, "is 129 characters; AWS allows 128"},
	{"deploy-policy-grammar", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-ci-deploy", "policy", policyJSON(`{"Sid":"Same","Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"},{"Sid":"Same","Effect":"Allow","Action":["s3:PutObject"],"Resource":"*"}`))
	}, `share Sid "Same"`},
	{"deploy-policy-grammar", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-ci-deploy", "policy", policyJSON(`{"Sid":"Cond","Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceIp":"10.0.0.0/8"}}}`))
	}, "StringEquals compares string values, but aws:SourceIp is of type ip"},
	// The key policy before: CloudTrail's DescribeKey under an
	// encryption-context condition, alarms and rules by aws:SourceAccount,
	// which the KMS requests of neither carry.
	{"deploy-service-access", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.KMSKey, "", "policy", policyJSON(`{"Sid":"CloudTrailEncrypt","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:123456789012:trail/*"}}}`))
	}, "CloudTrail's DescribeKey (no encryption context) for arn:aws:cloudtrail:us-east-1:123456789012:trail/hardening-prod must be allowed by its policy, but is implicit deny"},
	{"deploy-service-access", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.KMSKey, "", "policy", policyJSON(`{"Sid":"AlertPublishers","Effect":"Allow","Principal":{"Service":["cloudwatch.amazonaws.com","events.amazonaws.com"]},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}`))
	}, "events.amazonaws.com publishing to the encrypted topic arn:aws:sns:us-east-1:123456789012:hardening-prod-alerts (through SNS, without aws:SourceAccount) must be allowed"},
	{"deploy-service-access", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SQSQueuePolicy, "", "policy", policyJSON(`{"Sid":"Nobody","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"}`))
	}, "EventBridge dead-lettering"},
	// The network as a whole (network/reach): the database port opened to
	// the internet, and a NACL entry that drops the replies of the load
	// balancer's traffic to the app.
	{compliance.ReachabilityRule, func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.VPCSecurityGroupIngressRule, "-data-from-app", "referencedSecurityGroupId", nil)
		return set(t, g, restype.VPCSecurityGroupIngressRule, "-data-from-app", "cidrIpv4", "0.0.0.0/0")
	}, "internet → data tcp 5432 is not an intended flow, and the security groups admit it (destination security group (ingress): hardening-prod-data-from-app)"},
	{compliance.ReachabilityRule, func(t *testing.T, g *compliance.Graph) string {
		return plant(t, g, restype.EC2NetworkACLRule, "-private-out-lb-app-reply", "-private-out-deny-replies", map[string]any{"ruleNumber": 90.0, "ruleAction": "deny"})
	}, `intended flow "the load balancer to the app port" (lb → app tcp 8443) loses every reply at destination NACL (outbound reply): hardening-prod-private-out-deny-replies (#90) denies it`},
	// The S3 gateway endpoint's policy before: ECR's image layers only for
	// this account's principals, while ECR presigns them with its own.
	{"deploy-endpoint-access", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2VPCEndpoint, "-s3", "policy", policyJSON(
			`{"Sid":"ThisAccountOnly","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012","aws:ResourceAccount":"123456789012"}}},`+
				`{"Sid":"ImageLayersOfECR","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}}`))
	}, "ECR's image-layer download (a URL ECR presigns, not this account's principal)"},
	// A target group on a port the security groups do not open.
	{"elb-target-port-open", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBTargetGroup, "-app", "port", 9443.0)
	}, "sends to port 9443, which no egress rule of the load balancer's security groups opens"},
	{"elb-target-port-open", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.VPCSecurityGroupIngressRule, "-app-from-lb", "fromPort", 9443.0)
		set(t, g, restype.VPCSecurityGroupIngressRule, "-app-from-lb", "toPort", 9443.0)
		return urnOf(t, g, restype.LBTargetGroup, "-app")
	}, "sends to port 8443, which no security group admits from the load balancer's"},
	{"ec2-nacl-in-use", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2NetworkACL, "-isolated", "subnetIds", []any{})
	}, "is associated with no subnet"},
	{"ec2-sg-no-open-egress", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.VPCSecurityGroupEgressRule, "-lb-to-app", "ipProtocol", "-1")
		set(t, g, restype.VPCSecurityGroupEgressRule, "-lb-to-app", "referencedSecurityGroupId", nil)
		return set(t, g, restype.VPCSecurityGroupEgressRule, "-lb-to-app", "cidrIpv4", "0.0.0.0/0")
	}, "allows every protocol and port out to 0.0.0.0/0"},
	{"ec2-sg-no-open-egress", func(t *testing.T, g *compliance.Graph) string {
		// An inline egress block, IPv6, as AWS's own default group has.
		return set(t, g, restype.EC2SecurityGroup, "-lb", "egress", []any{map[string]any{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "ipv6CidrBlocks": []any{"::/0"}}})
	}, "out to ::/0"},
	{"cloudtrail-multi-region", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudTrailTrail, "", "isMultiRegionTrail", false)
	}, "records one Region only"},
	{"cloudtrail-multi-region", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudTrailTrail, "", "eventSelectors.0.readWriteType", "WriteOnly")
	}, "does not record every read and write management event"},
	{"cloudtrail-multi-region", func(t *testing.T, g *compliance.Graph) string {
		// Advanced selectors that leave out KMS's management events.
		set(t, g, restype.CloudTrailTrail, "", "eventSelectors", nil)
		return set(t, g, restype.CloudTrailTrail, "", "advancedEventSelectors", []any{map[string]any{"fieldSelectors": []any{
			map[string]any{"field": "eventCategory", "equals": []any{"Management"}},
			map[string]any{"field": "eventSource", "notEquals": []any{"kms.amazonaws.com"}},
		}}})
	}, "does not record every read and write management event"},
	{"cloudtrail-encrypted", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudTrailTrail, "", "kmsKeyId", nil)
	}, "set kmsKeyId"},
	{"cloudtrail-log-validation", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudTrailTrail, "", "enableLogFileValidation", false)
	}, "has no log file validation"},
	{"cloudtrail-cloudwatch-logs", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudTrailTrail, "", "cloudWatchLogsGroupArn", nil)
	}, "does not deliver to CloudWatch Logs"},
	{"cloudtrail-s3-data-events", func(t *testing.T, g *compliance.Graph) string {
		// One bucket is not every bucket.
		return set(t, g, restype.CloudTrailTrail, "", "eventSelectors.0.dataResources.0.values", []any{"arn:aws:s3:::hardening-prod-data/"})
	}, "does not record S3 object writes in every bucket"},
	{"cloudtrail-s3-data-events", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudTrailTrail, "", "eventSelectors.0.readWriteType", "WriteOnly")
	}, "does not record S3 object reads in every bucket"},
	{"cloudtrail-s3-data-events", func(t *testing.T, g *compliance.Graph) string {
		// Advanced selectors leaving the trail's own bucket out.
		set(t, g, restype.CloudTrailTrail, "", "eventSelectors", nil)
		return set(t, g, restype.CloudTrailTrail, "", "advancedEventSelectors", advancedSelectors(map[string]any{"field": "resources.ARN", "notStartsWiths": []any{"arn:aws:s3:::hardening-prod-trail/"}}))
	}, "does not record S3 object writes in every bucket"},
	{"guardduty-protection-plans", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.GuardDutyDetectorFeature, "-rds-login-events")
		return set(t, g, restype.GuardDutyDetector, "", "findingPublishingFrequency", "FIFTEEN_MINUTES")
	}, "RDS_LOGIN_EVENTS is not enabled by name (GuardDuty.9)"},
	{"guardduty-protection-plans", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.GuardDutyDetectorFeature, "-runtime-monitoring", "additionalConfigurations.2.status", "DISABLED")
		return set(t, g, restype.GuardDutyDetector, "", "findingPublishingFrequency", "FIFTEEN_MINUTES")
	}, "RUNTIME_MONITORING runs without EC2_AGENT_MANAGEMENT"},
	{"guardduty-protection-plans", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.GuardDutyDetector, "", "enable", false)
	}, "is disabled"},
	{"alarm-topic-subscribed", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.SNSTopicSubscription, "")
		return set(t, g, restype.SNSTopic, "-alerts", "displayName", "alerts")
	}, "notifies no one of its"},
	{"s3-account-public-access-block", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.S3AccountPublicAccessBlock, "", "restrictPublicBuckets", nil)
	}, "leaves restrictPublicBuckets off"},
	// Fidelity: "*" among other resources, and wildcard actions.
	{"kms-no-decrypt-all", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-read-app", "policy", policyJSON(`{"Sid":"K","Effect":"Allow","Action":"kms:Decr*","Resource":["arn:aws:kms:us-east-1:123456789012:key/x","*"]}`))
	}, "on every key"},
	{"iam-no-admin", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-read-app", "policy", policyJSON(`{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","*"],"Resource":["arn:aws:s3:::x","*"]}`))
	}, `allows "*" on "*"`},
	{"iam-no-admin", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-read-app", "policy", policyJSON(`{"Sid":"R","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::x/*"},{"Sid":"B","Effect":"Allow","Action":["*"],"Resource":"*"}`))
	}, `statement B allows "*" on "*"`},
	{"acm-transparency-logging", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.ACMCertificate, "", "options.certificateTransparencyLoggingPreference", "DISABLED")
	}, "opts out of Certificate Transparency logging"},
	{"kms-no-decrypt-all", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRolePolicy, "-read-app", "policy", policyJSON(`{"Sid":"K","Effect":"Allow","Action":["kms:Decrypt"],"Resource":["*"]}`))
	}, "allows kms:Decrypt on every key"},
	{"iam-trust-no-wildcard", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-app", "assumeRolePolicy", policyJSON(`{"Sid":"Any","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}`))
	}, `trusts "AWS:*"`},
	{"iam-no-managed-policies", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-app", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/AdministratorAccess"})
	}, "attaches AWS-managed arn:aws:iam::aws:policy/AdministratorAccess"},
	{"iam-no-admin", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-app", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/AdministratorAccess"})
	}, "(every action on every resource)"},
	{"iam-no-cloudshell-full-access", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-app", "managedPolicyArns", []any{"arn:aws:iam::aws:policy/AWSCloudShellFullAccess"})
	}, "attaches AWS-managed arn:aws:iam::aws:policy/AWSCloudShellFullAccess"},
	{"kms-no-decrypt-all", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-app", "inlinePolicies", []any{map[string]any{"name": "keys", "policy": policyJSON(`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:*:key/*"}`)}})
	}, "inline policy keys statement #0 allows kms:Decrypt on every key"},
	{"iam-permissions-boundary", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-flow-logs", "permissionsBoundary", nil)
	}, "has no permissions boundary"},
	{"oidc-trust-exact", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-ci-deploy", "assumeRolePolicy", policyJSON(`{"Sid":"GitHubActions","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/*"}}}`))
	}, `has a wildcard in "repo:example-org/*" outside a pull request's number`},
	{"oidc-trust-exact", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-ci-preview", "assumeRolePolicy", policyJSON(`{"Sid":"GitHubActions","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:aud":"*","token.actions.githubusercontent.com:sub":"repo:example-org/hardening:pull_request:ref:refs/pull/*/merge"}}}`))
	}, "matches token.actions.githubusercontent.com:aud with StringLike"},
	{"oidc-trust-exact", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-ci-deploy", "assumeRolePolicy", policyJSON(`{"Sid":"GitHubActions","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/hardening:environment:*:ref:refs/heads/main"}}}`))
	}, "outside a pull request's number"},
	{"kms-rotation", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.KMSKey, "", "enableKeyRotation", false)
	}, "set enableKeyRotation: true"},
	{"kms-key-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.KMSKey, "", "bypassPolicyLockoutSafetyCheck", true)
	}, "bypasses the policy lockout safety check"},
	{"secrets-rotation", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.SecretsManagerSecretRotation, "-app-db-password")
		return set(t, g, restype.SecretsManagerSecret, "-app-db-password", "description", "x")
	}, "is never rotated"},
	{"securityhub-every-region", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.SecurityHubAccount, "-us-west-2")
		return g.ByType(restype.SecurityHubAccount)[0].URN
	}, "where Security Hub is not enabled"},
	{"alarm-topic-has-subscriber", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.SNSTopicSubscription, "")
		return set(t, g, restype.SNSTopic, "-alerts", "displayName", "alerts")
	}, "notifies no one of its"},
	{"ec2-ebs-default-encryption", func(t *testing.T, g *compliance.Graph) string {
		g.Resources = append(g.Resources, compliance.Resource{Type: restype.EBSEncryptionByDefault, Name: "ebs", URN: "urn:ebs", Inputs: map[string]any{"enabled": false}})
		return "urn:ebs"
	}, "turns EBS encryption by default off"},
	{"iam-user-no-policies", func(t *testing.T, g *compliance.Graph) string {
		g.Resources = append(g.Resources, compliance.Resource{Type: restype.IAMUserPolicyAttachment, Name: "ops", URN: "urn:ops",
			Inputs: map[string]any{"user": "ops", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}})
		return "urn:ops"
	}, "attaches a managed policy to an IAM user"},
	{"cis-metric-filters", func(t *testing.T, g *compliance.Graph) string {
		// An alarm whose only action is not a topic notifies no one.
		set(t, g, restype.CloudWatchMetricAlarm, "-vpc-changes", "alarmActions", []any{"arn:aws:automate:us-east-1:ec2:stop"})
		return set(t, g, restype.CloudTrailTrail, "", "enableLogging", true)
	}, "CIS 4.14 not met"},
	{"waf-rule-group-metrics", func(t *testing.T, g *compliance.Graph) string {
		g.Resources = append(g.Resources, compliance.Resource{Type: restype.WAFv2RuleGroup, Name: "group", URN: "urn:group",
			Inputs: map[string]any{"visibilityConfig": map[string]any{"cloudwatchMetricsEnabled": true},
				"rules": []any{map[string]any{"name": "quiet", "visibilityConfig": map[string]any{"cloudwatchMetricsEnabled": false}}}}})
		return "urn:group"
	}, "rule quiet publishes no metrics"},
	{"sqs-encrypted", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SQSQueue, "-alerts-dlq", "sqsManagedSseEnabled", false)
	}, "is not encrypted at rest"},
	{"sqs-not-public", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SQSQueuePolicy, "", "policy", policyJSON(`{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:events:*:*:rule/*"}}}`))
	}, "allows anyone"},
	{"sns-encrypted", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SNSTopic, "-alerts", "kmsMasterKeyId", nil)
	}, "is not encrypted at rest"},
	{"sns-delivery-status-logging", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SNSTopic, "-alerts", "sqsFailureFeedbackRoleArn", nil)
	}, "logs no delivery status"},
	{"s3-versioned-lifecycle", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.S3BucketLifecycleConfigurationV2, "-trail")
		return set(t, g, restype.S3BucketV2, "-trail", "forceDestroy", false)
	}, "keeps every noncurrent version forever"},
	{"s3-event-notifications", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.S3BucketNotification, "")
		return set(t, g, restype.S3BucketV2, "-trail", "forceDestroy", false)
	}, "sends no event notifications"},
	{"secrets-rotation-interval", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.SecretsManagerSecretRotation, "-app-api-key")
		return set(t, g, restype.SecretsManagerSecret, "-app-api-key", "description", "never rotated")
	}, "is never rotated"},
	{"secrets-rotation-interval", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SecretsManagerSecretRotation, "-app-db-password", "rotationRules.automaticallyAfterDays", 180.0)
	}, "rotates every 180 days"},
	{"secrets-cmk", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SecretsManagerSecret, "-app-db-password", "kmsKeyId", nil)
	}, "uses the AWS-managed key"},
	{"lambda-environment", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LambdaFunction, "-rotation", "environment", map[string]any{"variables": map[string]any{"DB_PASSWORD": "x"}})
	}, "keeps DB_PASSWORD in its environment"},
	{"logs-encrypted", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudWatchLogGroup, "-flow-logs", "kmsKeyId", nil)
	}, "set kmsKeyId"},
	{"logs-retained", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudWatchLogGroup, "-waf", "retentionInDays", 30.0)
	}, "keeps logs 30 days"},
	{"s3-public-access-blocked", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.S3BucketPublicAccessBlock, "-logs", "restrictPublicBuckets", false)
		return set(t, g, restype.S3BucketV2, "-logs", "forceDestroy", false)
	}, "does not block public access"},
	{"s3-tls-only", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.S3BucketPolicy, "-trail", "policy", policyJSON(`{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"*"}`))
		return set(t, g, restype.S3BucketV2, "-trail", "forceDestroy", false)
	}, "accepts requests without TLS"},
	{"cognito-threat-protection", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "userPoolAddOns.advancedSecurityMode", "AUDIT")
	}, `runs threat protection "AUDIT"`},
	{"cognito-threat-protection-custom-auth", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "userPoolAddOns.advancedSecurityAdditionalFlows", nil)
	}, "does not enforce threat protection on custom auth flows"},
	{"cognito-mfa", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "mfaConfiguration", "OPTIONAL")
	}, `has MFA "OPTIONAL"`},
	{"cognito-password-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "passwordPolicy.minimumLength", 6.0)
	}, "accepts passwords of 6 characters"},
	{"cognito-password-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "passwordPolicy.requireLowercase", false)
	}, "does not require lowercase"},
	{"cognito-password-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "passwordPolicy.temporaryPasswordValidityDays", 30.0)
	}, "keeps temporary passwords valid for 30 days"},
	// Forms of the network and load balancer controls the first cases did
	// not reach.
	{"ec2-nacl-admin-ports", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2DefaultNetworkACL, "")
		return urnOf(t, g, restype.EC2VPC, "")
	}, "leaves its default network ACL as EC2 creates it"},
	{"ec2-default-sg-closed", func(t *testing.T, g *compliance.Graph) string {
		dsg := findResource(t, g, restype.EC2DefaultSecurityGroup, "")
		plant(t, g, restype.VPCSecurityGroupIngressRule, "-app-from-lb", "-default-in", map[string]any{"securityGroupId": dsg.ID})
		return dsg.URN
	}, "allows traffic through vpc.SecurityGroupIngressRule"},
	{"ec2-sg-open-ports", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.VPCSecurityGroupIngressRule, "-lb-in-443-0", "ipProtocol", "udp")
		return set(t, g, restype.VPCSecurityGroupIngressRule, "-lb-in-443-0", "fromPort", 443.0)
	}, "only TCP 80 and 443 may be open to the internet"},
	{"elb-waf", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.WAFv2WebACLAssociation, "")
		return set(t, g, restype.LBLoadBalancer, "-alb", "internal", true)
	}, "has no web ACL"},
	{"elb-tls-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBListener, "-https", "sslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06")
	}, "is not one ELB.17 accepts"},
	{"elb-target-https", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBTargetGroup, "-app", "healthCheck.protocol", nil)
	}, `(health check "HTTP")`},
	{"cognito-mfa", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "mfaConfiguration", "OPTIONAL")
	}, `has MFA "OPTIONAL"`},
	{"waf-rules-have-actions", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.WAFv2WebACL, "", "rules", []any{})
	}, "has no rules"},
	{"acm-renewal", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.ACMCertificate, "-cert", "validationMethod", nil)
	}, "names no validation method"},
	// CIS 5.5: the internet sent through a peering connection.
	{"ec2-peering-routes", func(t *testing.T, g *compliance.Graph) string {
		return plant(t, g, restype.EC2Route, "-public-internet", "-peer", map[string]any{"gatewayId": nil, "vpcPeeringConnectionId": "pcx-0123456789abcdef0"})
	}, "routes 0.0.0.0/0 to a peering connection"},
	// Cognito.3 passes 8 characters; the stack asks 14.
	{"cognito-password-length", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "passwordPolicy.minimumLength", 8.0)
	}, "accepts passwords of 8 characters; require 14"},
	{"cognito-deletion-protection", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPool, "", "deletionProtection", "INACTIVE")
	}, "set deletionProtection ACTIVE"},
	{"cognito-no-guests", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoIdentityPool, "", "allowUnauthenticatedIdentities", true)
	}, "gives AWS credentials to unauthenticated users"},
	{"cognito-user-existence", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPoolClient, "-alb", "preventUserExistenceErrors", "LEGACY")
	}, "tells sign-in attempts whether a user exists"},
	{"cognito-https-callbacks", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CognitoUserPoolClient, "-alb", "callbackUrls", []any{"http://app.example.com/cb"})
	}, "redirects to http://app.example.com/cb"},
	{"waf-rules-have-actions", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.WAFv2WebACL, "", "rules.0.overrideAction", nil)
	}, "rule aws-ip-reputation has no action"},
	{"waf-logging", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.WAFv2WebACLLoggingConfiguration, "")
		return set(t, g, restype.WAFv2WebACL, "", "description", "x")
	}, "does not log"},
	{"waf-metrics", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.WAFv2WebACL, "", "rules.2.visibilityConfig.cloudwatchMetricsEnabled", false)
	}, "publishes no metrics"},
	{"waf-known-bad-inputs", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.WAFv2WebACL, "", "rules.2.statement.managedRuleGroupStatement.name", "AWSManagedRulesLinuxRuleSet")
	}, "add AWSManagedRulesKnownBadInputsRuleSet"},
	// A "*" principal with a condition that names no account or source
	// passed when any condition exempted it.
	{"kms-key-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.KMSKey, "", "policy", policyJSON(`{"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`))
	}, "statement Open lets anyone use the key"},
	{"sns-topic-not-public", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SNSTopicPolicy, "-alerts", "policy", policyJSON(`{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"sns:Subscribe","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"123456789012"}}}`))
	}, "statement Anyone allows anyone"},
	{"lambda-not-public", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.LambdaPermission, "-rotate-app-db-password", "sourceArn", nil)
		return set(t, g, restype.LambdaPermission, "-rotate-app-db-password", "sourceAccount", nil)
	}, "on behalf of any account; set sourceArn or sourceAccount"},
	{"lambda-not-public", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LambdaPermission, "-rotate-app-db-password", "principal", "*")
	}, `lets anyone invoke the function (principal "*")`},
	{"lambda-supported-runtime", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LambdaFunction, "-rotation", "runtime", "go1.x")
	}, "runs on go1.x, which Lambda no longer patches"},
	{"lambda-multi-az", func(t *testing.T, g *compliance.Graph) string {
		for _, i := range []string{"-private-1", "-private-2"} {
			set(t, g, restype.EC2Subnet, i, "availabilityZone", "us-east-1a")
		}
		return set(t, g, restype.LambdaFunction, "-rotation", "description", "x")
	}, "has all 3 subnets in us-east-1a"},
	// ELB.13 counts zones: three subnets in one zone fail.
	{"elb-multi-az", func(t *testing.T, g *compliance.Graph) string {
		for _, i := range []string{"-public-1", "-public-2"} {
			set(t, g, restype.EC2Subnet, i, "availabilityZone", "us-east-1a")
		}
		return set(t, g, restype.LBLoadBalancer, "-alb", "name", nil)
	}, "has all 3 subnets in us-east-1a"},
	{"s3-no-cross-account-admin", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.S3BucketPolicy, "-logs", "policy", policyJSON(`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:PutBucket*","Resource":"*"}`))
	}, "statement Partner gives s3:PutBucketAcl, s3:PutBucketPolicy to arn:aws:iam::999999999999:root"},
	{"s3-acls-disabled", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.S3BucketOwnershipControls, "-logs", "rule.objectOwnership", "ObjectWriter")
		return set(t, g, restype.S3BucketV2, "-logs", "forceDestroy", false)
	}, "does not disable ACLs"},
	{"s3-acls-disabled", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.S3BucketOwnershipControls, "-logs", "rule.objectOwnership", "ObjectWriter")
		return set(t, g, restype.S3BucketV2, "-logs", "acl", "log-delivery-write")
	}, "grants access through its ACL"},
	{"kms-key-not-deleted", func(t *testing.T, g *compliance.Graph) string {
		k := findResource(t, g, restype.KMSKey, "")
		g.Changes = append(g.Changes, compliance.Change{URN: k.URN, Type: k.Type, Op: "delete"})
		return k.URN
	}, "which schedules the key for deletion"},
	{"s3-lifecycle", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.S3BucketLifecycleConfigurationV2, "-trail", "rules.0.status", "Disabled")
		return set(t, g, restype.S3BucketV2, "-trail", "forceDestroy", false)
	}, "keeps every object forever"},
	{"s3-mfa-delete", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.S3BucketVersioningV2, "-trail", "versioningConfiguration.mfaDelete", "Disabled")
		return set(t, g, restype.S3BucketV2, "-trail", "forceDestroy", false)
	}, "lets a version be deleted without MFA"},
	{"iam-password-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMAccountPasswordPolicy, "", "minimumPasswordLength", 8.0)
	}, "accepts 8-character passwords"},
	{"iam-password-policy", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMAccountPasswordPolicy, "", "passwordReusePrevention", nil)
	}, "remembers 0 passwords"},
	{"access-analyzer-every-region", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.AccessAnalyzerAnalyzer, "-external-us-west-2")
		return set(t, g, restype.AccessAnalyzerAnalyzer, "-external", "type", "ACCOUNT")
	}, "the stack deploys to us-west-2, which has no account analyzer"},
	{"securityhub-standards", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.SecurityHubStandardsSubscription, "-cis")
		return set(t, g, restype.SecurityHubAccount, "", "autoEnableControls", true)
	}, "does not subscribe to cis-aws-foundations-benchmark/v/3.0.0"},
	{"elb-listener-encrypted", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LBListener, "-https", "protocol", "HTTP")
	}, "listens with HTTP"},
	// Every form the plan can express a rule in.
	{"ec2-sg-admin-ports", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2SecurityGroup, "-app", "ingress", []any{map[string]any{"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "ipv6CidrBlocks": []any{"::/0"}}})
	}, "admits ::/0 to port 22"},
	{"ec2-sg-open-ports", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2SecurityGroup, "-app", "ingress", []any{map[string]any{"protocol": "-1", "cidrBlocks": []any{"0.0.0.0/0"}}})
	}, "admits 0.0.0.0/0 to high-risk port 20"},
	{"ec2-nacl-admin-ports", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2NetworkACL, "-private", "ingress", []any{map[string]any{"action": "allow", "protocol": "tcp", "fromPort": 3389.0, "toPort": 3389.0, "ipv6CidrBlock": "::/0"}})
	}, "allows port 3389 from the internet"},
	{"ec2-nacl-no-all-ports", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.EC2NetworkACL, "-private", "ingress", []any{map[string]any{"action": "allow", "protocol": "-1", "cidrBlock": "10.0.0.0/8"}})
	}, "allows every protocol and port from 10.0.0.0/8"},
	{"ec2-default-sg-closed", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2DefaultSecurityGroup, "")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "leaves its default security group as EC2 creates it"},
	{"ec2-vpc-flow-logs", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.EC2FlowLog, "", "trafficType", "ACCEPT")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "logs only accepted traffic"},
	{"s3-tls-only", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.S3BucketPolicy, "-trail", "policy", policyJSON(`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`))
		return set(t, g, restype.S3BucketV2, "-trail", "forceDestroy", false)
	}, "accepts requests without TLS"},
	{"secrets-rotation-interval", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.SecretsManagerSecretRotation, "-app-db-password", "rotationRules.automaticallyAfterDays", nil)
		return set(t, g, restype.SecretsManagerSecretRotation, "-app-db-password", "rotationRules.scheduleExpression", "rate(180 days)")
	}, "rotates every 180 days (rate(180 days))"},
	{"waf-known-bad-inputs", func(t *testing.T, g *compliance.Graph) string {
		var urn string
		for _, r := range g.ByType(restype.WAFv2WebACL) {
			for i := range r.List("rules") {
				if r.Str(fmt.Sprintf("rules.%d.statement.managedRuleGroupStatement.name", i)) == "AWSManagedRulesKnownBadInputsRuleSet" {
					urn = set(t, g, restype.WAFv2WebACL, "", fmt.Sprintf("rules.%d.statement.managedRuleGroupStatement.ruleActionOverrides", i),
						[]any{map[string]any{"name": "Log4JRCE_HEADER", "actionToUse": map[string]any{"count": map[string]any{}}}})
				}
			}
		}
		return urn
	}, "lets Log4JRCE_HEADER through (ruleActionOverrides)"},
	{"iam-trust-no-wildcard", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.IAMRole, "-ci-deploy", "assumeRolePolicy", policyJSON(`{"Sid":"Account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}`))
	}, "trusts every principal of account arn:aws:iam::123456789012:root"},
	{"s3-access-logging", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.S3BucketLoggingV2, "-trail")
		return set(t, g, restype.S3BucketV2, "-trail", "forceDestroy", false)
	}, "keeps no record of requests to it"},
	// S3 log delivery is refused by a target policy without aws:SourceArn
	// for the source bucket (here: another prefix).
	{"deploy-service-access", func(t *testing.T, g *compliance.Graph) string {
		for _, r := range g.ByType(restype.S3BucketPolicy) {
			if strings.HasSuffix(r.Name, "-access-logs") {
				return set(t, g, r.Type, r.Name, "policy", strings.ReplaceAll(r.Str("policy"), `:s3:::hardening-prod-*`, `:s3:::other-*`))
			}
		}
		return ""
	}, "S3 server access logs of hardening-prod-trail-"},
	{"deploy-service-access", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.S3BucketPolicy, "-access-logs")
		return set(t, g, restype.S3BucketLoggingV2, "-trail", "targetPrefix", "hardening-prod-trail/")
	}, "which has no bucket policy in the stack letting logging.s3.amazonaws.com write"},
	{"ec2-endpoint-ec2", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2VPCEndpoint, "-ec2")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "has no interface endpoint for ec2"},
	{"ec2-endpoint-ecr.api", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2VPCEndpoint, "-ecr.api")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "has no interface endpoint for ecr.api"},
	{"ec2-endpoint-ecr.dkr", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2VPCEndpoint, "-ecr.dkr")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "has no interface endpoint for ecr.dkr"},
	{"ec2-endpoint-ssm", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2VPCEndpoint, "-ssm")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "has no interface endpoint for ssm"},
	{"ec2-endpoint-ssm-contacts", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2VPCEndpoint, "-ssm-contacts")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "has no interface endpoint for ssm-contacts"},
	{"ec2-endpoint-ssm-incidents", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.EC2VPCEndpoint, "-ssm-incidents")
		return set(t, g, restype.EC2VPC, "", "cidrBlock", "10.30.0.0/16")
	}, "has no interface endpoint for ssm-incidents"},
	{"acm-renewal", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.ACMCertificate, "-cert", "validationMethod", "EMAIL")
	}, "is validated by EMAIL, which ACM cannot renew unattended"},
	{"kms-deletion-window", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.KMSKey, "", "deletionWindowInDays", 7.0)
	}, "can be deleted 7 days after a ScheduleKeyDeletion"},
	{"cis-metric-filters", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.CloudWatchLogMetricFilter, "-iam-policy-changes", "pattern", `{ ($.eventName=PutRolePolicy) }`)
		return set(t, g, restype.CloudTrailTrail, "", "enableLogging", true)
	}, "CIS 4.4 not met"},
	{"cis-metric-filters", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.CloudWatchLogMetricFilter, "-console-signin-without-mfa", "pattern", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed = "Yes") }`)
		return set(t, g, restype.CloudTrailTrail, "", "enableLogging", true)
	}, "CIS 4.2 not met"},
	{"cis-metric-filters", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.CloudWatchLogMetricFilter, "-vpc-changes", "logGroupName", "/aws/vpc/flow-logs")
		return set(t, g, restype.CloudTrailTrail, "", "enableLogging", true)
	}, "not a log group the multi-Region trail delivers to"},
	{"cis-metric-filters", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.CloudTrailTrail, "", "cloudWatchLogsGroupArn", nil)
	}, "does not deliver to CloudWatch Logs"},
	{"cis-metric-filters", func(t *testing.T, g *compliance.Graph) string {
		set(t, g, restype.CloudWatchMetricAlarm, "-organizations-changes", "alarmActions", nil)
		return set(t, g, restype.CloudTrailTrail, "", "enableLogging", true)
	}, "CIS 4.15 not met"},
	{"secrets-rotation-watched", func(t *testing.T, g *compliance.Graph) string {
		drop(g, restype.CloudWatchEventTarget, "-rotation-failed")
		return set(t, g, restype.SecretsManagerSecretRotation, "-app-api-key", "rotateImmediately", false)
	}, "a failed rotation alerts no one"},
	// The deploy role could rewrite any untagged key's policy, and any
	// managed policy, bucket or secret policy and function outside its
	// stack, before EscalationStatements.
	// A role is judged with everything it holds: its guard's Deny
	// statements and its boundary narrow its inline Allow on "*".
	{"iam-escalation-scoped", func(t *testing.T, g *compliance.Graph) string {
		for _, suffix := range []string{"-ci-deploy-guard", "-boundary"} {
			r := findResource(t, g, restype.IAMPolicy, suffix)
			set(t, g, r.Type, r.Name, "policy", withoutStatement(t, r.Str("policy"), "KeyPoliciesOnlyOnStackKeys"))
		}
		return findResource(t, g, restype.IAMRole, "-ci-deploy").URN
	}, "allows kms:PutKeyPolicy on arn:aws:kms:us-east-1:123456789012:key/someone-elses"},
	// Without the guard's and the boundary's statement, resource policies
	// of other owners open up.
	{"iam-escalation-scoped", func(t *testing.T, g *compliance.Graph) string {
		for _, suffix := range []string{"-ci-deploy-guard", "-boundary"} {
			r := findResource(t, g, restype.IAMPolicy, suffix)
			set(t, g, r.Type, r.Name, "policy", withoutStatement(t, r.Str("policy"), "PolicyChangesOnlyOnStackResources"))
		}
		return findResource(t, g, restype.IAMRole, "-ci-deploy").URN
	}, "allows s3:PutBucketPolicy on arn:aws:s3:::someone-elses-bucket"},
	// The boundary is part of what a role holds: without its IAM ceiling,
	// and without the guard's, the deploy role could rewrite any role.
	{"iam-escalation-scoped", func(t *testing.T, g *compliance.Graph) string {
		b := findResource(t, g, restype.IAMPolicy, "-boundary")
		set(t, g, b.Type, b.Name, "policy", withoutStatement(t, b.Str("policy"), "IAMChangesOnlyUnderTheStackPath"))
		r := findResource(t, g, restype.IAMPolicy, "-ci-deploy-guard")
		set(t, g, r.Type, r.Name, "policy", withoutStatement(t, r.Str("policy"), "IAMChangesOnlyUnderTheStackPath"))
		return findResource(t, g, restype.IAMRole, "-ci-deploy").URN
	}, "allows iam:UpdateAssumeRolePolicy on arn:aws:iam::123456789012:role/someone-else"},
	// The escalation graph: a workload role holds whatever the deploy role
	// writes into it, so each of the boundary's ceilings is a path when
	// it is gone.
	{"iam-escalation-paths", func(t *testing.T, g *compliance.Graph) string {
		b := findResource(t, g, restype.IAMPolicy, "-boundary")
		set(t, g, b.Type, b.Name, "policy", withoutStatement(t, b.Str("policy"), "AssumeOnlyStackRoles"))
		return findResource(t, g, restype.IAMRole, "-ci-deploy").URN
	}, "reaches administrator rights: creates it with any policy, trusting itself (iam:CreateRole, iam:PutRolePolicy) and assumes it: a new role under /hardening-prod/ with boundary hardening-prod-boundary → assumes it"},
	{"iam-escalation-paths", func(t *testing.T, g *compliance.Graph) string {
		b := findResource(t, g, restype.IAMPolicy, "-boundary")
		set(t, g, b.Type, b.Name, "policy", withoutStatement(t, b.Str("policy"), "ObjectsOnlyOfTheStack"))
		return findResource(t, g, restype.IAMRole, "-ci-deploy").URN
	}, "reaches s3:GetObject on arn:aws:s3:::someone-elses-bucket/object, outside its stack"},
	{"iam-escalation-paths", func(t *testing.T, g *compliance.Graph) string {
		b := findResource(t, g, restype.IAMPolicy, "-boundary")
		set(t, g, b.Type, b.Name, "policy", withoutStatement(t, b.Str("policy"), "PolicyChangesOnlyOnStackResources"))
		return findResource(t, g, restype.IAMRole, "-ci-deploy").URN
	}, "reaches s3:PutBucketPolicy on arn:aws:s3:::someone-elses-bucket, outside its stack"},
	// A pull request's role that may assume the deploy role, which
	// trusts it, once the boundary no longer keeps sts:AssumeRole to the
	// stack's roles: the preview must become no other principal.
	{"iam-escalation-paths", func(t *testing.T, g *compliance.Graph) string {
		b := findResource(t, g, restype.IAMPolicy, "-boundary")
		set(t, g, b.Type, b.Name, "policy", withoutStatement(t, b.Str("policy"), "AssumeOnlyStackRoles"))
		preview := findResource(t, g, restype.IAMRolePolicy, "-ci-preview")
		set(t, g, preview.Type, preview.Name, "policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/ci/*"}]}`)
		deploy := findResource(t, g, restype.IAMRole, "-ci-deploy")
		set(t, g, deploy.Type, deploy.Name, "assumeRolePolicy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ci/hardening-prod-ci-preview"},"Action":"sts:AssumeRole"}]}`)
		return findResource(t, g, restype.IAMRole, "-ci-preview").URN
	}, "a pull request's role reaches another principal: assumes it"},
	{"waf-rate-limit", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.WAFv2WebACL, "", "rules.7.statement.rateBasedStatement.limit", 5.0)
	}, "has limit 5 per"},
	{"no-plaintext-secrets", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.SecretsManagerSecretVersion, "-cognito-alb-client", "secretString", "hunter2-in-plain-text")
	}, "input secretString is in plain text"},
	// The filter as it was: BLOCK and COUNT only, while the anonymous-IP
	// group's hosting-provider rule is overridden to Count.
	{"waf-logging-keeps-decisions", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.WAFv2WebACLLoggingConfiguration, "", "loggingFilter.filters.0.conditions", []any{
			map[string]any{"actionCondition": map[string]any{"action": "BLOCK"}},
			map[string]any{"actionCondition": map[string]any{"action": "COUNT"}},
		})
	}, "drops the EXCLUDED_AS_COUNT decisions of its web ACL's rules"},
	{"drift-refresh-stable", func(t *testing.T, g *compliance.Graph) string {
		return set(t, g, restype.LambdaFunction, "-rotation", "kmsKeyArn", "arn:aws:kms:us-east-1:123456789012:key/k")
	}, "sets kmsKeyArn without environment variables"},
	// Pulumi writing the first value of a rotated secret, as it once did
	// for api keys.
	{"drift-refresh-stable", func(t *testing.T, g *compliance.Graph) string {
		secret := findResource(t, g, restype.SecretsManagerSecret, "-app-db-password")
		v := findResource(t, g, restype.SecretsManagerSecretVersion, "-cognito-alb-client")
		v.Name, v.URN = "hardening-prod-app-db-password", strings.TrimSuffix(v.URN, "cognito-alb-client")+"app-db-password"
		v.Dependencies = []string{secret.URN}
		g.Resources = append(g.Resources, v)
		return v.URN
	}, "writes a value of a secret the rotation function rotates"},
}

// advancedSelectors is a trail's advanced event selectors for every
// management event and every S3 object event, the latter narrowed by extra
// field selectors.
func advancedSelectors(extra ...any) []any {
	data := []any{
		map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
		map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
	}
	return []any{
		map[string]any{"fieldSelectors": []any{map[string]any{"field": "eventCategory", "equals": []any{"Management"}}}},
		map[string]any{"fieldSelectors": append(data, extra...)},
	}
}

// The advanced-selector form of the trail the program builds passes the
// trail rules too, so they judge the events recorded, not the syntax; a
// readOnly filter splits reads and writes across selectors.
func TestTrailRulesAcceptAdvancedSelectors(t *testing.T) {
	cases := []struct {
		name      string
		selectors []any
		want      string // "" for a pass
	}{
		{"all", advancedSelectors(), ""},
		{"writes only", advancedSelectors(map[string]any{"field": "readOnly", "equals": []any{"false"}}), "does not record S3 object reads"},
		{"reads and writes apart", append(advancedSelectors(map[string]any{"field": "readOnly", "equals": []any{"false"}}),
			advancedSelectors(map[string]any{"field": "readOnly", "equals": []any{"true"}})[1]), ""},
		{"one event", advancedSelectors(map[string]any{"field": "eventName", "equals": []any{"PutObject"}}), "does not record S3 object writes"},
		{"one event, reads too", advancedSelectors(map[string]any{"field": "eventName", "equals": []any{"GetObject"}}), "does not record S3 object reads"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := graphOf(t, "prod")
			set(t, g, restype.CloudTrailTrail, "", "eventSelectors", nil)
			set(t, g, restype.CloudTrailTrail, "", "advancedEventSelectors", c.selectors)
			var got []string
			for _, id := range []string{"cloudtrail-multi-region", "cloudtrail-s3-data-events"} {
				rule, _ := compliance.Lookup(id)
				for _, v := range rule.Check(g) {
					got = append(got, v.Message)
				}
			}
			if c.want == "" {
				assert.Empty(t, got, "want a pass")
			} else {
				assert.True(t, slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, c.want) }), "want a violation containing %q, got %v", c.want, got)
			}
		})
	}
}

// TestImportedCertificateKeyIsJudged: FSBP ACM.2 judges imported RSA
// certificates; dev imports the private CA's server certificate, so its
// tls.PrivateKey is what the rule reads.
func TestImportedCertificateKeyIsJudged(t *testing.T) {
	for _, c := range []struct {
		rule, want string
		change     func(g *compliance.Graph)
	}{
		{"acm-key-algorithm", "imports a 1024-bit RSA key (hardening-dev-server)", func(g *compliance.Graph) {
			set(t, g, restype.TLSPrivateKey, "-server", "algorithm", "RSA")
			set(t, g, restype.TLSPrivateKey, "-server", "rsaBits", 1024.0)
		}},
		// FSBP ACM.1: an imported certificate is renewed only by a
		// `pulumi up` after its early-renewal point.
		{"acm-renewal", "renews only 24 hours before expiry", func(g *compliance.Graph) {
			set(t, g, restype.TLSLocallySignedCert, "-server", "earlyRenewalHours", 24.0)
		}},
		{"acm-renewal", "is imported from outside the stack: nothing renews it", func(g *compliance.Graph) {
			drop(g, restype.TLSLocallySignedCert, "")
			drop(g, restype.TLSSelfSignedCert, "")
		}},
	} {
		t.Run(c.rule+"/"+c.want, func(t *testing.T) {
			rule, _ := compliance.Lookup(c.rule)
			g := graphOf(t, "dev")
			require.Empty(t, rule.Check(g), "dev already fails")
			c.change(g)
			got := rule.Check(g)
			require.Len(t, got, 1, "got %v, want one finding containing %q", got, c.want)
			assert.Contains(t, got[0].Message, c.want, "want one finding containing %q", c.want)
		})
	}
}

// findResource is the resource of typ whose name ends in suffix.
func findResource(t *testing.T, g *compliance.Graph, typ, suffix string) compliance.Resource {
	t.Helper()
	for _, r := range g.ByType(typ) {
		if strings.HasSuffix(r.Name, suffix) {
			return r
		}
	}
	require.Failf(t, "no such resource", "no %s named *%s", typ, suffix)
	return compliance.Resource{}
}

// withoutStatement is a policy document without the statement sid.
func withoutStatement(t *testing.T, policy, sid string) string {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(policy), &doc))
	statements, _ := doc["Statement"].([]any)
	kept := slices.DeleteFunc(slices.Clone(statements), func(s any) bool { return s.(map[string]any)["Sid"] == sid })
	require.NotEqual(t, len(statements), len(kept), "no statement %s", sid)
	doc["Statement"] = kept
	b, _ := json.Marshal(doc)
	return string(b)
}

// withEveryEndpoint gives prod's VPC the interface endpoints its stack file
// waives, copies of its kms endpoint.
func withEveryEndpoint(t *testing.T, g *compliance.Graph) {
	var kms compliance.Resource
	for _, r := range g.ByType(restype.EC2VPCEndpoint) {
		if strings.HasSuffix(r.Name, "-kms") {
			kms = r
		}
	}
	for _, svc := range []string{"ec2", "ssm", "ssm-contacts", "ssm-incidents"} {
		ep := kms
		ep.Name, ep.URN = strings.TrimSuffix(kms.Name, "kms")+svc, strings.TrimSuffix(kms.URN, "kms")+svc
		ep.Inputs = map[string]any{"serviceName": "com.amazonaws.us-east-1." + svc, "vpcEndpointType": "Interface", "vpcId": kms.Inputs["vpcId"]}
		g.Resources = append(g.Resources, ep)
	}
}

// prepared makes prod pass a rule that it fails with a suppression in its
// stack file, so that the case's flip is what fails it.
var prepared = map[string]func(t *testing.T, g *compliance.Graph){
	"ec2-endpoint-ec2":           withEveryEndpoint,
	"ec2-endpoint-ssm":           withEveryEndpoint,
	"ec2-endpoint-ssm-contacts":  withEveryEndpoint,
	"ec2-endpoint-ssm-incidents": withEveryEndpoint,
	"s3-access-logging": func(t *testing.T, g *compliance.Graph) {
		drop(g, restype.S3BucketV2, "-access-logs")
	},
	"elb-listener-encrypted": func(t *testing.T, g *compliance.Graph) {
		drop(g, restype.LBListener, "-http")
	},
	"secrets-rotation": func(t *testing.T, g *compliance.Graph) {
		drop(g, restype.SecretsManagerSecret, "-cognito-alb-client")
	},
	"sns-delivery-status-logging": func(t *testing.T, g *compliance.Graph) {
		set(t, g, restype.SNSTopic, "-alerts", "sqsFailureFeedbackRoleArn", "arn:aws:iam::123456789012:role/feedback")
	},
	"s3-event-notifications": func(t *testing.T, g *compliance.Graph) {
		for _, b := range g.ByType(restype.S3BucketV2) {
			g.Resources = append(g.Resources, compliance.Resource{Type: restype.S3BucketNotification, Name: b.Name + "-events",
				URN: b.URN + "-events", Dependencies: []string{b.URN}, Inputs: map[string]any{"bucket": b.Name, "eventbridge": true}})
		}
	},
	"secrets-rotation-interval": func(t *testing.T, g *compliance.Graph) {
		drop(g, restype.SecretsManagerSecret, "-cognito-alb-client")
	},
	"s3-mfa-delete": func(t *testing.T, g *compliance.Graph) {
		for _, v := range g.ByType(restype.S3BucketVersioningV2) {
			set(t, g, v.Type, v.Name, "versioningConfiguration.mfaDelete", "Enabled")
		}
	},
}

func TestEachRuleFailsWhenItsSettingFlips(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range ruleCases {
		covered[c.rule] = true
		t.Run(c.rule, func(t *testing.T) {
			rule, ok := compliance.Lookup(c.rule)
			require.True(t, ok, "no rule %s", c.rule)
			prod := accountGraph(t, "prod")
			if p := prepared[c.rule]; p != nil {
				p(t, prod)
			}
			require.Empty(t, rule.Check(prod), "prod already fails")
			g := accountGraph(t, "prod")
			if p := prepared[c.rule]; p != nil {
				p(t, g)
			}
			urn := c.change(t, g)
			var hit bool
			for _, v := range rule.Check(g) {
				if v.URN == urn && strings.Contains(v.Message, c.want) {
					hit = true
				}
			}
			assert.True(t, hit, "no violation on %s containing %q; got %v", urn, c.want, rule.Check(g))
		})
	}
	for _, id := range compliance.IDs() {
		assert.True(t, covered[id], "rule %s has no failing case", id)
	}
}

func TestSuppressions(t *testing.T) {
	g := graphOf(t, "dev")
	cases := []struct {
		name string
		sups []compliance.Suppression
		want string
	}{
		{"matches nothing", []compliance.Suppression{{Rule: "kms-rotation", Resource: "nothing-*", Reason: "a reason long enough"}}, "matches no finding; remove it"},
		{"unknown rule", []compliance.Suppression{{Rule: "no-such-rule", Resource: "*", Reason: "a reason long enough"}}, `rule "no-such-rule" does not exist`},
		{"no reason", []compliance.Suppression{{Rule: "logs-retained", Resource: "*"}}, "has no reason"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := compliance.Evaluate(g, compliance.Rules(), c.sups)
			assert.ErrorContains(t, err, c.want)
		})
	}
	t.Run("suppressed findings stay in the report", func(t *testing.T) {
		sups := suppressionsOf(t, "dev")
		rep, err := compliance.Evaluate(g, compliance.Rules(), sups)
		require.NoError(t, err)
		n := 0
		for _, f := range rep.Findings {
			if f.Suppressed {
				n++
			}
		}
		assert.GreaterOrEqual(t, n, len(sups), "suppressed findings for %d suppressions", len(sups))
		var md bytes.Buffer
		require.NoError(t, compliance.WriteMarkdown(&md, rep))
		assert.Contains(t, md.String(), sups[0].Reason, "the Markdown report leaves out a suppression's reason")
	})
}

// recorder is a policy manager that keeps what a policy reports.
type recorder struct{ violations []compliance.Violation }

func (r *recorder) ReportViolation(message, urn string) {
	r.violations = append(r.violations, compliance.Violation{URN: urn, Message: message})
}

// analyzerResources are a stack's resources as a policy pack receives
// them; change, when set, edits each resource's inputs first.
func analyzerResources(t *testing.T, stack string, change func(typ string, inputs resource.PropertyMap)) []policyx.AnalyzerResource {
	var out []policyx.AnalyzerResource
	recorded := deployed(t, stack).Resources()
	byURN := map[string]mockaws.Resource{}
	for _, r := range recorded {
		byURN[r.URN] = r
	}
	for _, r := range recorded {
		inputs := r.Inputs.Copy()
		if change != nil {
			change(r.Type, inputs)
		}
		// The engine sends each resource's provider with it (policyx).
		var provider policyx.AnalyzerProviderResource
		if p, ok := byURN[compliance.ProviderURN(r.Provider)]; ok {
			provider = policyx.AnalyzerProviderResource{Type: p.Type, Name: p.Name, URN: p.URN, Properties: resource.FromResourcePropertyMap(p.Inputs)}
		}
		out = append(out, policyx.AnalyzerResource{
			Type: r.Type, Name: r.Name, URN: r.URN, Parent: r.Parent, Dependencies: r.Dependencies,
			Properties: resource.FromResourcePropertyMap(inputs), Provider: provider,
		})
	}
	return out
}

func TestPolicyPack(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			// The pack finds the stack in the URNs and reads its file.
			pack, err := compliance.Pack(func(s string) ([]compliance.Suppression, error) {
				return compliance.ReadSuppressions(filepath.Join("..", "Pulumi."+s+".yaml"))
			})
			require.NoError(t, err)
			require.Len(t, pack.Policies(), len(compliance.Rules()), "policies for %d rules", len(compliance.Rules()))
			resources := analyzerResources(t, stack, nil)
			for _, p := range pack.Policies() {
				rule, _ := compliance.Lookup(p.Name())
				want := policyx.EnforcementLevelAdvisory
				if rule.Severity.Mandatory() {
					want = policyx.EnforcementLevelMandatory
				}
				assert.Equal(t, want, p.EnforcementLevel(), "%s enforcement", p.Name())
				rec := &recorder{}
				sv := p.(policyx.StackValidationPolicy)
				require.NoError(t, sv.Validate(context.Background(), policyx.StackValidationArgs{Manager: rec, Resources: resources}))
				for _, v := range rec.violations {
					assert.Failf(t, "violation", "%s reports %s (suppressions apply in the pack too)", p.Name(), v.Message)
				}
			}
		})
	}
	t.Run("a flipped setting is reported by the pack", func(t *testing.T) {
		pack, _ := compliance.Pack(compliance.Fixed(nil))
		resources := analyzerResources(t, "prod", func(typ string, inputs resource.PropertyMap) {
			if typ == restype.CognitoUserPool {
				inputs["mfaConfiguration"] = resource.NewStringProperty("OFF")
			}
		})
		for _, p := range pack.Policies() {
			if p.Name() != "cognito-mfa" {
				continue
			}
			rec := &recorder{}
			_ = p.(policyx.StackValidationPolicy).Validate(context.Background(), policyx.StackValidationArgs{Manager: rec, Resources: resources})
			if assert.Len(t, rec.violations, 1, "violations %v", rec.violations) {
				assert.Contains(t, rec.violations[0].Message, `has MFA "OFF"`, "violations %v", rec.violations)
			}
		}
	})
}

func TestReports(t *testing.T) {
	sups := suppressionsOf(t, "dev")
	rep, err := compliance.Evaluate(graphOf(t, "dev"), compliance.Rules(), sups)
	require.NoError(t, err)
	rep.Project, rep.Stack, rep.Source = "hardening", "dev", "offline plan under mocks"
	t.Run("JSON round-trips", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, compliance.WriteJSON(&b, rep))
		back, err := compliance.ReadJSON(&b)
		require.NoError(t, err)
		assert.Equal(t, rep, back, "round trip changed the report")
	})
	t.Run("SARIF 2.1.0 required fields", func(t *testing.T) {
		var b bytes.Buffer
		root, _ := filepath.Abs("..")
		require.NoError(t, compliance.WriteSARIF(&b, rep, compliance.Rules(), root))
		checkSARIF(t, b.Bytes(), root, len(rep.Findings))
	})
	t.Run("Markdown for a pull-request comment", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, compliance.WriteMarkdown(&b, rep))
		md := b.String()
		assert.True(t, strings.HasPrefix(md, compliance.MarkdownMarker("dev")), "markdown starts %q", md[:min(80, len(md))])
		assert.Contains(t, md, "✅ passes", "markdown starts %q", md[:min(80, len(md))])
	})
}

// checkSARIF checks what SARIF 2.1.0 requires (version, runs, a tool
// driver's name, each result's message) and what code scanning needs
// (rule ids that exist, locations relative to the repository).
func checkSARIF(t *testing.T, b []byte, root string, results int) {
	t.Helper()
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string                `json:"id"`
						ShortDescription struct{ Text string } `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(b, &log))
	require.Equal(t, "2.1.0", log.Version, "version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
	require.Contains(t, log.Schema, "sarif-2.1.0", "version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
	require.Len(t, log.Runs, 1, "version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
	run := log.Runs[0]
	assert.NotEmpty(t, run.Tool.Driver.Name, "driver %q with %d rules", run.Tool.Driver.Name, len(run.Tool.Driver.Rules))
	assert.Len(t, run.Tool.Driver.Rules, len(compliance.Rules()), "driver %q with %d rules", run.Tool.Driver.Name, len(run.Tool.Driver.Rules))
	assert.Len(t, run.Results, results, "results")
	located := 0
	for _, r := range run.Results {
		assert.NotEmpty(t, r.Message.Text, "result %+v", r)
		if assert.NotNil(t, r.RuleIndex, "result %+v", r) && assert.Less(t, *r.RuleIndex, len(run.Tool.Driver.Rules), "result %+v", r) {
			assert.Equal(t, run.Tool.Driver.Rules[*r.RuleIndex].ID, r.RuleID, "result %+v", r)
		}
		assert.Contains(t, []string{"error", "warning", "note"}, r.Level, "level %q", r.Level)
		for _, l := range r.Locations {
			if assert.Len(t, l.LogicalLocations, 1, "logical locations %+v", l.LogicalLocations) {
				assert.True(t, strings.HasPrefix(l.LogicalLocations[0].FullyQualifiedName, "urn:pulumi:"), "logical locations %+v", l.LogicalLocations)
			}
			if p := l.PhysicalLocation; p != nil {
				located++
				assert.False(t, filepath.IsAbs(p.ArtifactLocation.URI), "physical location %+v", p)
				assert.GreaterOrEqual(t, p.Region.StartLine, 1, "physical location %+v", p)
				_, err := os.Stat(filepath.Join(root, p.ArtifactLocation.URI))
				assert.NoError(t, err, "location %s is not a file of the repository", p.ArtifactLocation.URI)
			}
		}
	}
	if results > 0 {
		assert.NotZero(t, located, "no result points at the Go source that made the resource")
	}
}

func TestFromPreview(t *testing.T) {
	// A preview document in the shape `pulumi preview --json` writes (see
	// shared field notes): the CLI itself cannot run here.
	doc := previewOf(deployed(t, "prod"), nil)
	g, err := compliance.ReadPreview(bytes.NewReader(doc))
	require.NoError(t, err)
	sups := suppressionsOf(t, "prod")
	g.Intent = baseline.NetworkIntent("hardening", "prod", stackConfig(t, "prod")) // as cmd/plan -from-preview does
	fromPreview, err := compliance.Evaluate(g, compliance.Rules(), sups)
	require.NoError(t, err)
	offline, _ := compliance.Evaluate(graphOf(t, "prod"), compliance.Rules(), sups)
	// A preview document does not name the stack's account: the rules
	// whose requests name it, and the ARN fields that must name it, say
	// they could not judge, as does a check of a secret the document
	// masks; the others judge as offline.
	var judged []compliance.Finding
	for _, f := range fromPreview.Findings {
		if !f.NotJudged {
			judged = append(judged, f)
			continue
		}
		if !slices.Contains([]string{"deploy-service-access", "deploy-endpoint-access", "iam-escalation-scoped", "iam-escalation-paths", "s3-no-cross-account-admin", "deploy-arn-inputs"}, f.Rule) && !strings.Contains(f.Message, compliance.MaskedSecret) {
			assert.Failf(t, "check", "%s did not judge a preview of known values: %s", f.Rule, f.Message)
		}
	}
	if len(judged) != len(offline.Findings) || len(fromPreview.Blocking()) != 0 {
		assert.Failf(t, "check", "preview findings %v, offline %v", judged, offline.Findings)
	}
	t.Run("an unsecret password in the preview blocks", func(t *testing.T) {
		doc := []byte(`{"steps":[{"op":"create","urn":"urn:pulumi:prod::hardening::aws:secretsmanager/secretVersion:SecretVersion::v","newState":{"type":"aws:secretsmanager/secretVersion:SecretVersion","custom":true,"inputs":{"secretId":"04da6b54-80e4-46f7-96ec-b56ff0331ba9","secretString":"plain"}}}]}`)
		g, err := compliance.ReadPreview(bytes.NewReader(doc))
		require.NoError(t, err)
		rep, _ := compliance.Evaluate(g, compliance.Rules(), nil)
		require.Len(t, rep.Blocking(), 1, "findings %v", rep.Findings)
		assert.Equal(t, "no-plaintext-secrets", rep.Blocking()[0].Rule, "findings %v", rep.Findings)
	})
	t.Run("not a preview", func(t *testing.T) {
		_, err := compliance.ReadPreview(strings.NewReader(`{"resources":[]}`))
		assert.Error(t, err, "a document without steps was read")
	})
}

func BenchmarkComplianceRulesPer1000Resources(b *testing.B) {
	m, err := loadStack(b, "prod").Run(baseline.Run)
	require.NoError(b, err)
	base := plan.ComplianceGraph(m.Resources())
	g := &compliance.Graph{}
	for i := 0; len(g.Resources) < 1000; i++ {
		for _, r := range base.Resources {
			r.URN = fmt.Sprintf("%s-%d", r.URN, i)
			g.Resources = append(g.Resources, r)
		}
	}
	g.Resources = g.Resources[:1000]
	rules := compliance.Rules()
	b.ResetTimer()
	for b.Loop() {
		// A fresh graph each time, as each plan, preview and policy call
		// builds one, with the account so that the request-evaluating
		// rules run too.
		fresh := &compliance.Graph{Resources: g.Resources, Partition: base.Partition, Region: base.Region, Account: base.Account}
		_, err := compliance.Evaluate(fresh, rules, nil)
		require.NoError(b, err)
	}
}

// TestPolicyPackFindsItsStack: the pack judges the stack the engine names
// in the URNs with that stack's suppressions, from the project directory the
// engine starts it in, and fails rather than judge without them.
func TestPolicyPackFindsItsStack(t *testing.T) {
	dev := analyzerResources(t, "dev", nil)
	got, err := compliance.StackOf(dev)
	require.NoError(t, err, "StackOf(dev resources)")
	require.Equal(t, "dev", got, "StackOf(dev resources)")
	var asked []string
	pack, err := compliance.Pack(func(stack string) ([]compliance.Suppression, error) {
		asked = append(asked, stack)
		return compliance.ReadSuppressions(filepath.Join("..", "Pulumi."+stack+".yaml"))
	})
	require.NoError(t, err)
	for _, p := range pack.Policies() {
		rec := &recorder{}
		require.NoError(t, p.(policyx.StackValidationPolicy).Validate(context.Background(), policyx.StackValidationArgs{Manager: rec, Resources: dev}))
		for _, v := range rec.violations {
			assert.Failf(t, "violation", "%s reports %s on dev: dev's suppressions were not applied", p.Name(), v.Message)
		}
	}
	assert.Equal(t, []string{"dev"}, asked, "suppressions read, want once for dev")
	t.Run("a stack file that cannot be read fails the preview", func(t *testing.T) {
		pack, _ := compliance.Pack(func(stack string) ([]compliance.Suppression, error) {
			return compliance.ReadSuppressions(filepath.Join(t.TempDir(), "Pulumi."+stack+".yaml"))
		})
		err := pack.Policies()[0].(policyx.StackValidationPolicy).Validate(context.Background(), policyx.StackValidationArgs{Manager: &recorder{}, Resources: dev})
		assert.ErrorContains(t, err, "suppressions of stack dev", "Validate: want a failure naming the stack")
	})
	t.Run("the project directory is the working directory when it holds Pulumi.yaml", func(t *testing.T) {
		wd, _ := os.Getwd()
		t.Cleanup(func() { _ = os.Chdir(wd) })
		require.NoError(t, os.Chdir(".."))
		dir, err := compliance.ProjectDir("")
		assert.NoError(t, err, "ProjectDir from the project")
		assert.Equal(t, ".", dir, "ProjectDir from the project")
		require.NoError(t, os.Chdir("policypack"))
		dir, err = compliance.ProjectDir("")
		assert.NoError(t, err, "ProjectDir from policypack/")
		assert.Equal(t, "..", dir, "ProjectDir from policypack/")
	})
}

// TestUnknownsAreNotJudged: in a first preview, computed ARNs make whole
// policy documents and subnet lists unknown. A rule that cannot see the
// value says "not judged until apply", counted and shown in every report;
// it neither passes silently nor fails falsely.
func TestUnknownsAreNotJudged(t *testing.T) {
	const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
	doc := previewOf(deployed(t, "prod"), nil)
	var preview struct {
		Steps []map[string]any `json:"steps"`
	}
	mustJSON(t, string(doc), &preview)
	for _, s := range preview.Steps {
		ns, _ := s["newState"].(map[string]any)
		inputs, _ := ns["inputs"].(map[string]any)
		switch ns["type"] {
		case restype.IAMRole:
			inputs["assumeRolePolicy"] = unknown // both GitHub roles among them
		case restype.LBLoadBalancer:
			inputs["subnets"] = unknown
		case restype.LBListener:
			if inputs["protocol"] == "HTTPS" {
				inputs["sslPolicy"] = unknown
			}
		}
	}
	b, _ := json.Marshal(preview)
	g, err := compliance.ReadPreview(bytes.NewReader(b))
	require.NoError(t, err)
	sups := suppressionsOf(t, "prod")
	g.Intent = baseline.NetworkIntent("hardening", "prod", stackConfig(t, "prod")) // as cmd/plan -from-preview does
	rep, err := compliance.Evaluate(g, compliance.Rules(), sups)
	require.NoError(t, err)
	rep.Project, rep.Stack = "hardening", "prod"
	assert.Empty(t, rep.Blocking(), "unknown values block (elb-multi-az on one unknown subnet list was a false failure)")
	notJudged := map[string]int{}
	for _, f := range rep.NotJudged() {
		notJudged[f.Rule]++
		assert.Contains(t, f.Message, "not judged until apply", "%s: %s", f.Rule, f.Message)
	}
	// ec2-network-flows: the load balancer's subnets place it.
	for _, rule := range []string{"oidc-trust-exact", "iam-trust-no-wildcard", "elb-multi-az", "elb-tls-policy", "deploy-iam-policy-lint", compliance.ReachabilityRule} {
		assert.NotZero(t, notJudged[rule], "rule %s passed on unknown values without saying it could not judge them (not judged: %v)", rule, notJudged)
	}
	var table, md, sarif bytes.Buffer
	require.NoError(t, compliance.WriteTable(&table, rep))
	require.NoError(t, compliance.WriteMarkdown(&md, rep))
	require.NoError(t, compliance.WriteSARIF(&sarif, rep, compliance.Rules(), ".."))
	n := len(rep.NotJudged())
	assert.Contains(t, table.String(), fmt.Sprintf("%d not judged until apply", n), "table does not count the not-judged findings")
	assert.Contains(t, table.String(), "not judged ", "table does not show the not-judged findings")
	assert.Contains(t, md.String(), fmt.Sprintf("%d not judged.", n), "markdown does not count them")
	assert.Contains(t, md.String(), "go run ./cmd/plan -stack prod", "markdown does not point at the offline plan")
	assert.Contains(t, sarif.String(), `"kind": "open"`, `SARIF results for not-judged findings are not kind "open"`)
}

// TestPreviewSourcePositionsMapToTheRepository: the language host builds
// with -trimpath, so a real preview's positions are module paths; SARIF
// needs repository paths for code scanning to place them.
func TestPreviewSourcePositionsMapToTheRepository(t *testing.T) {
	gomod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	require.NoError(t, err, "go.mod")
	require.True(t, strings.HasPrefix(string(gomod), "module "+compliance.ModulePath+"\n"), "go.mod's module is not %s", compliance.ModulePath)
	doc := `{"steps":[{"op":"create","urn":"urn:pulumi:prod::hardening::aws:lb/listener:Listener::l","newState":{"type":"aws:lb/listener:Listener","custom":true,` +
		`"inputs":{"protocol":"HTTP","defaultActions":[{"type":"forward"}]},"sourcePosition":"project:///../../../github.com/example/hardening/tls/tls.go#367"}}]}`
	g, err := compliance.ReadPreview(strings.NewReader(doc))
	require.NoError(t, err)
	rep, _ := compliance.Evaluate(g, compliance.Rules(), nil)
	var sarif bytes.Buffer
	require.NoError(t, compliance.WriteSARIF(&sarif, rep, compliance.Rules(), "/work/repo"))
	assert.Contains(t, sarif.String(), `"uri": "tls/tls.go"`, "SARIF locations do not point at tls/tls.go:367")
	assert.Contains(t, sarif.String(), `"startLine": 367`, "SARIF locations do not point at tls/tls.go:367")
}

// TestControlLabelsBelongToTheirStandard: Security Hub controls outside FSBP
// v1.0.0 (they belong to CIS v3.0, NIST 800-53 r5 or others) are labelled
// by their Security Hub ID, not "FSBP", so reports do not overstate FSBP
// coverage.
func TestControlLabelsBelongToTheirStandard(t *testing.T) {
	notFSBP := []string{"ELB.16", "ELB.21", "ELB.22", "KMS.4", "Cognito.1", "Cognito.4", "Cognito.5", "Cognito.6", "WAF.11", "CloudWatch.16", "EC2.53", "EC2.54"}
	for _, r := range compliance.Rules() {
		for _, c := range r.Controls {
			for _, id := range notFSBP {
				assert.NotEqual(t, "FSBP "+id, c, "rule %s labels %s as FSBP; it is not in FSBP v1.0.0 (use \"SecurityHub %s\")", r.ID, id, id)
			}
		}
	}
}

// TestCoveragePageIsCurrent: docs/coverage.md is what the rules and the
// stack files produce; CI fails when a rule, a control or a suppression
// changes without it.
func TestCoveragePageIsCurrent(t *testing.T) {
	// Every stack file in one project copy, with the test stand-in for the
	// rotation function's zip (CI builds the real one later).
	dir := projectCopy(t, stacks[0])
	all := slices.Compact(append(slices.Clone(stacks), slices.Sorted(maps.Values(bootstraps))...))
	for _, stack := range all[1:] {
		raw, err := os.ReadFile(filepath.Join(projectCopy(t, stack), "Pulumi."+stack+".yaml"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), raw, 0o600))
	}
	var out, errs bytes.Buffer
	code := plan.Command([]string{"-dir", dir, "-stack", strings.Join(all, ","), "-format", "coverage"}, &out, &errs)
	require.Equal(t, 0, code, "plan -format coverage exit code; stderr: %s", errs.String())
	want, err := os.ReadFile("../docs/coverage.md")
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String(), "docs/coverage.md is stale: run `go run ./cmd/plan -stack %s -format coverage > docs/coverage.md`", strings.Join(all, ","))
}

// TestControlCoverage: every FSBP and CIS control the stack decides has a
// rule, and every FSBP or CIS label a rule carries
// names a catalogued control.
func TestControlCoverage(t *testing.T) {
	assert.Empty(t, compliance.UnknownLabels(compliance.Rules()), "labels naming no catalogued control")
	total, judged := map[compliance.Standard]int{}, map[compliance.Standard]int{}
	for _, row := range compliance.Coverage(compliance.Rules(), nil) {
		if row.Control.Scope != compliance.InStack {
			if row.Control.Scope == compliance.Account {
				assert.NotEmpty(t, row.Control.Check, "%s is outside the stack without how to check it", row.Control.Label())
			}
			continue
		}
		total[row.Control.Standard]++
		if assert.NotEmpty(t, row.Rules, "%s has no rule", row.Control.Label()) {
			judged[row.Control.Standard]++
		}
	}
	for std, n := range total {
		assert.GreaterOrEqual(t, float64(judged[std]), 0.95*float64(n), "%s: %d of %d controls judged, under 95%%", std, judged[std], n)
	}
}

// TestCoverageStatus: a control's status follows its findings: one
// unsuppressed finding fails it, suppressed ones are shown as such.
func TestCoverageStatus(t *testing.T) {
	rep, err := compliance.Evaluate(graphOf(t, "prod"), compliance.Rules(), suppressionsOf(t, "prod"))
	require.NoError(t, err)
	status := func(rep *compliance.Report, label string) string {
		for _, row := range compliance.Coverage(compliance.Rules(), []*compliance.Report{rep}) {
			if row.Control.Label() == label {
				return row.Status[0]
			}
		}
		return "absent"
	}
	for label, want := range map[string]string{"FSBP ELB.18": "suppressed", "FSBP ELB.1": "pass", "CIS 1.4": "outside the stack", "FSBP SecretsManager.3": "after deployment"} {
		assert.Equal(t, want, status(rep, label), label)
	}
	for i, f := range rep.Findings {
		if f.Rule == "elb-listener-encrypted" {
			rep.Findings[i].Suppressed = false
		}
	}
	assert.Equal(t, "fail", status(rep, "FSBP ELB.18"), "FSBP ELB.18 with an unsuppressed finding")
	// dev leaves GuardDuty to prod, in the same account.
	dev, err := compliance.Evaluate(graphOf(t, "dev"), compliance.Rules(), suppressionsOf(t, "dev"))
	require.NoError(t, err)
	assert.Equal(t, "another stack owns it", status(dev, "FSBP GuardDuty.1"), "dev GuardDuty.1")
}
