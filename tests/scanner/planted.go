package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
)

// plant is one change planted into a stack's plan: each flips a setting
// a paired check and its control both judge, so that the two verdicts
// are compared on a failing input as well as on the passing stacks.
type plant struct {
	Name, Stack, Change string
	Plant               func(g *compliance.Graph) error
}

// first returns the index of the first resource of typ whose name
// contains part.
func first(g *compliance.Graph, typ, part string) (int, error) {
	for i, r := range g.Resources {
		if r.Type == typ && strings.Contains(r.Name, part) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("no %s named like %q", typ, part)
}

// set plants inputs into the first resource of typ named like part; a
// nil value removes the input.
func set(typ, part string, inputs map[string]any) func(*compliance.Graph) error {
	return func(g *compliance.Graph) error {
		i, err := first(g, typ, part)
		if err != nil {
			return err
		}
		for k, v := range inputs {
			if v == nil {
				delete(g.Resources[i].Inputs, k)
				delete(g.Resources[i].PropertyDependencies, k)
				continue
			}
			g.Resources[i].Inputs[k] = v
		}
		return nil
	}
}

// remove plants the removal of every resource of typ named like part.
func remove(typ, part string) func(*compliance.Graph) error {
	return func(g *compliance.Graph) error {
		n := len(g.Resources)
		g.Resources = slices.DeleteFunc(g.Resources, func(r compliance.Resource) bool {
			return r.Type == typ && strings.Contains(r.Name, part)
		})
		if len(g.Resources) == n {
			return fmt.Errorf("no %s named like %q", typ, part)
		}
		return nil
	}
}

// addRule plants a copy of the first resource of typ named like part,
// renamed, with inputs changed.
func addCopy(typ, part, name string, inputs map[string]any) func(*compliance.Graph) error {
	return func(g *compliance.Graph) error {
		i, err := first(g, typ, part)
		if err != nil {
			return err
		}
		r := g.Resources[i]
		r.Inputs = cloneValue(r.Inputs).(map[string]any)
		deps := map[string][]string{}
		for k, v := range r.PropertyDependencies {
			deps[k] = slices.Clone(v)
		}
		r.PropertyDependencies = deps
		r.URN = strings.TrimSuffix(r.URN, r.Name) + name
		r.Name = name
		r.ID = ""
		for k, v := range inputs {
			if v == nil {
				delete(r.Inputs, k)
				delete(r.PropertyDependencies, k)
				continue
			}
			r.Inputs[k] = v
		}
		g.Resources = append(g.Resources, r)
		return nil
	}
}

var planted = []plant{
	{"prod-kms-no-rotation", "prod", "the stack key does not rotate",
		set(restype.KMSKey, "", map[string]any{"enableKeyRotation": false})},
	{"prod-trail-one-region", "prod", "the trail is single-Region",
		set(restype.CloudTrailTrail, "", map[string]any{"isMultiRegionTrail": false})},
	{"prod-trail-no-validation", "prod", "the trail's log file validation is off",
		set(restype.CloudTrailTrail, "", map[string]any{"enableLogFileValidation": false})},
	{"prod-trail-no-kms", "prod", "the trail has no KMS key",
		set(restype.CloudTrailTrail, "", map[string]any{"kmsKeyId": nil})},
	{"prod-trail-no-cloudwatch", "prod", "the trail does not deliver to CloudWatch Logs",
		set(restype.CloudTrailTrail, "", map[string]any{"cloudWatchLogsGroupArn": nil, "cloudWatchLogsRoleArn": nil})},
	{"prod-trail-no-data-events", "prod", "the trail records no S3 data events",
		set(restype.CloudTrailTrail, "", map[string]any{"eventSelectors": nil})},
	{"prod-trail-write-data-events-only", "prod", "the trail's S3 data events are WriteOnly",
		func(g *compliance.Graph) error {
			i, err := first(g, restype.CloudTrailTrail, "")
			if err != nil {
				return err
			}
			for _, sel := range g.Resources[i].List("eventSelectors") {
				if m, ok := sel.(map[string]any); ok {
					m["readWriteType"] = "WriteOnly"
				}
			}
			return nil
		}},
	{"prod-log-group-no-kms", "prod", "the flow-log group has no KMS key",
		set(restype.CloudWatchLogGroup, "flow-logs", map[string]any{"kmsKeyId": nil})},
	{"prod-sg-rule-no-description", "prod", "an ingress rule has no description",
		set(restype.VPCSecurityGroupIngressRule, "app-from-lb", map[string]any{"description": nil})},
	{"prod-sg-ssh-open", "prod", "the app group admits SSH from 0.0.0.0/0",
		addCopy(restype.VPCSecurityGroupIngressRule, "app-from-lb", "hardening-prod-app-ssh", map[string]any{
			"fromPort": 22.0, "toPort": 22.0, "cidrIpv4": "0.0.0.0/0", "referencedSecurityGroupId": nil, "description": "planted"})},
	{"prod-sg-rdp-open-ipv6", "prod", "the app group admits RDP from ::/0",
		addCopy(restype.VPCSecurityGroupIngressRule, "app-from-lb", "hardening-prod-app-rdp", map[string]any{
			"fromPort": 3389.0, "toPort": 3389.0, "cidrIpv6": "::/0", "referencedSecurityGroupId": nil, "description": "planted"})},
	{"prod-sg-all-traffic-open", "prod", "the app group admits all traffic (protocol -1) from 0.0.0.0/0",
		addCopy(restype.VPCSecurityGroupIngressRule, "app-from-lb", "hardening-prod-app-all", map[string]any{
			"ipProtocol": "-1", "fromPort": nil, "toPort": nil, "cidrIpv4": "0.0.0.0/0", "referencedSecurityGroupId": nil, "description": "planted"})},
	{"prod-sg-egress-open", "prod", "the app group sends HTTPS to 0.0.0.0/0",
		addCopy(restype.VPCSecurityGroupEgressRule, "app-to-data", "hardening-prod-app-to-any", map[string]any{
			"fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "0.0.0.0/0", "referencedSecurityGroupId": nil, "description": "planted"})},
	{"prod-nacl-ssh-open", "prod", "the isolated NACL admits SSH from 0.0.0.0/0",
		addCopy(restype.EC2NetworkACLRule, "isolated-in-app-data-request", "hardening-prod-isolated-in-ssh", map[string]any{
			"cidrBlock": "0.0.0.0/0", "fromPort": 22.0, "toPort": 22.0, "ruleNumber": 90.0})},
	{"prod-nacl-all-ports", "prod", "the isolated NACL allows all protocols from the app subnet",
		addCopy(restype.EC2NetworkACLRule, "isolated-in-app-data-request", "hardening-prod-isolated-in-all", map[string]any{
			"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "ruleNumber": 91.0})},
	{"prod-subnet-public-ip", "prod", "an isolated subnet assigns public IPv4 addresses",
		set(restype.EC2Subnet, "isolated-0", map[string]any{"mapPublicIpOnLaunch": true})},
	{"prod-no-flow-logs", "prod", "the VPC has no flow log",
		remove(restype.EC2FlowLog, "")},
	{"prod-default-sg-open", "prod", "the default security group admits all traffic from itself",
		set(restype.EC2DefaultSecurityGroup, "", map[string]any{"ingress": []any{map[string]any{
			"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "self": true}}})},
	{"prod-alb-keeps-invalid-headers", "prod", "the ALB keeps invalid header fields",
		set(restype.LBLoadBalancer, "", map[string]any{"dropInvalidHeaderFields": false})},
	{"prod-http-listener-forwards", "prod", "the HTTP listener forwards instead of redirecting",
		func(g *compliance.Graph) error {
			https, err := first(g, restype.LBListener, "https")
			if err != nil {
				return err
			}
			return set(restype.LBListener, "http", map[string]any{"defaultActions": cloneValue(g.Resources[https].Inputs["defaultActions"])})(g)
		}},
	{"prod-listener-old-tls", "prod", "the HTTPS listener uses ELBSecurityPolicy-2016-08",
		set(restype.LBListener, "https", map[string]any{"sslPolicy": "ELBSecurityPolicy-2016-08"})},
	{"prod-listener-tls12-2021", "prod", "the HTTPS listener uses ELBSecurityPolicy-TLS13-1-2-2021-06",
		set(restype.LBListener, "https", map[string]any{"sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"})},
	{"prod-bucket-pab-acls-off", "prod", "the trail bucket's public access block lets public ACLs be set",
		set(restype.S3BucketPublicAccessBlock, "trail", map[string]any{"blockPublicAcls": false})},
	{"prod-bucket-pab-policy-off", "prod", "the trail bucket's public access block lets public policies be set",
		set(restype.S3BucketPublicAccessBlock, "trail", map[string]any{"blockPublicPolicy": false})},
	{"prod-bucket-pab-ignore-off", "prod", "the trail bucket's public access block honours public ACLs",
		set(restype.S3BucketPublicAccessBlock, "trail", map[string]any{"ignorePublicAcls": false})},
	{"prod-bucket-pab-restrict-off", "prod", "the trail bucket's public access block does not restrict public buckets",
		set(restype.S3BucketPublicAccessBlock, "trail", map[string]any{"restrictPublicBuckets": false})},
	{"prod-bucket-no-pab", "prod", "the trail bucket has no public access block",
		remove(restype.S3BucketPublicAccessBlock, "trail")},
	{"prod-bucket-no-logging", "prod", "the trail bucket has no server access logging",
		remove(restype.S3BucketLoggingV2, "trail")},
	{"prod-sns-unencrypted", "prod", "the alerts topic has no KMS key",
		set(restype.SNSTopic, "", map[string]any{"kmsMasterKeyId": nil})},
	{"prod-sqs-unencrypted", "prod", "the dead-letter queue has no encryption",
		set(restype.SQSQueue, "", map[string]any{"sqsManagedSseEnabled": false, "kmsMasterKeyId": nil})},
	{"prod-secret-no-cmk", "prod", "a secret has no KMS key (the AWS managed key)",
		set(restype.SecretsManagerSecret, "app-api-key", map[string]any{"kmsKeyId": nil})},
	{"prod-lambda-permission-no-source", "prod", "a rotation permission names no source ARN or account",
		set(restype.LambdaPermission, "app-api-key", map[string]any{"sourceArn": nil, "sourceAccount": nil})},
	{"prod-no-root-filter", "prod", "the root-usage metric filter is gone",
		func(g *compliance.Graph) error {
			n := len(g.Resources)
			g.Resources = slices.DeleteFunc(g.Resources, func(r compliance.Resource) bool {
				return r.Type == restype.CloudWatchLogMetricFilter && strings.Contains(r.Str("pattern"), `"Root"`)
			})
			if len(g.Resources) == n {
				return fmt.Errorf("no root-usage metric filter")
			}
			return nil
		}},
	{"bootstrap-prod-short-passwords", "bootstrap-prod", "the password policy asks for 8 characters",
		set(restype.IAMAccountPasswordPolicy, "", map[string]any{"minimumPasswordLength": 8.0})},
	{"bootstrap-prod-password-reuse", "bootstrap-prod", "the password policy remembers no previous passwords",
		set(restype.IAMAccountPasswordPolicy, "", map[string]any{"passwordReusePrevention": nil})},
}
