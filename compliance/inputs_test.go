package compliance_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
)

// TestInputRules: each rule of compliance/inputs.go on one resource, good
// and bad, as tflint's rule tests do; an unknown value is not judged.
func TestInputRules(t *testing.T) {
	policy := func(statements string) string {
		return `{"Version":"2012-10-17","Statement":[` + statements + `]}`
	}
	cases := []struct {
		name   string
		rule   string
		typ    string
		inputs map[string]any
		want   string // "" passes; "not judged" for an unknown
	}{
		{"rotation every 30 days", "deploy-input-constraints", restype.SecretsManagerSecretRotation, map[string]any{"rotationRules": map[string]any{"automaticallyAfterDays": 30.0}}, ""},
		{"rotation every 0 days", "deploy-input-constraints", restype.SecretsManagerSecretRotation, map[string]any{"rotationRules": map[string]any{"automaticallyAfterDays": 0.0}}, "secrets.inventory[].rotationDays"},
		{"rotation days unknown", "deploy-input-constraints", restype.SecretsManagerSecretRotation, map[string]any{"rotationRules": map[string]any{"automaticallyAfterDays": compliance.Unknown{}}}, "not judged"},
		{"a listener rule priority of 0", "deploy-input-constraints", restype.LBListenerRule, map[string]any{"priority": 0.0}, "below"},
		{"a WAF rule metric name too long", "deploy-input-constraints", restype.WAFv2WebACL, map[string]any{"rules": []any{map[string]any{"visibilityConfig": map[string]any{"metricName": strings.Repeat("m", 256)}}}}, "allows 255"},
		{"an empty list is not sent", "deploy-input-constraints", restype.ACMCertificate, map[string]any{"subjectAlternativeNames": []any{}}, ""},
		{"a role ARN for a group", "deploy-arn-inputs", restype.CognitoUserGroup, map[string]any{"roleArn": "arn:aws:iam::123456789012:role/g"}, ""},
		{"a user ARN for a group", "deploy-arn-inputs", restype.CognitoUserGroup, map[string]any{"roleArn": "arn:aws:iam::123456789012:user/g"}, "is a user"},
		{"a topic of another account for an alarm", "deploy-arn-inputs", restype.CloudWatchMetricAlarm, map[string]any{"alarmActions": []any{"arn:aws:sns:us-east-1:999999999999:t"}}, `account "999999999999"`},
		{"flow logs to another account's bucket", "deploy-arn-inputs", restype.EC2FlowLog, map[string]any{"logDestinationType": "s3", "logDestination": "arn:aws:s3:::hardening-flow-logs-999999999999-us-east-1"}, ""},
		{"flow logs to a log group by default", "deploy-arn-inputs", restype.EC2FlowLog, map[string]any{"logDestination": "arn:aws:logs:us-east-1:123456789012:log-group:/flow"}, ""},
		{"flow logs of type s3 to a log group", "deploy-arn-inputs", restype.EC2FlowLog, map[string]any{"logDestinationType": "s3", "logDestination": "arn:aws:logs:us-east-1:123456789012:log-group:/flow"}, "logDestination"},
		{"flow logs to a bucket without the type", "deploy-arn-inputs", restype.EC2FlowLog, map[string]any{"logDestination": "arn:aws:s3:::flow-logs"}, "logDestination"},
		{"flow logs to a Firehose stream", "deploy-arn-inputs", restype.EC2FlowLog, map[string]any{"logDestinationType": "kinesis-data-firehose", "logDestination": "arn:aws:firehose:us-east-1:123456789012:deliverystream/flow-logs"}, ""},
		{"flow logs of type Firehose to a bucket", "deploy-arn-inputs", restype.EC2FlowLog, map[string]any{"logDestinationType": "kinesis-data-firehose", "logDestination": "arn:aws:s3:::flow-logs"}, "logDestination"},
		{"flow logs whose destination type is computed", "deploy-arn-inputs", restype.EC2FlowLog, map[string]any{"logDestinationType": compliance.Unknown{}, "logDestination": "arn:aws:s3:::flow-logs"}, "not judged"},
		{"a known principal", "deploy-service-principals", restype.IAMRole, map[string]any{"assumeRolePolicy": policy(`{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}`)}, ""},
		{"a made-up principal", "deploy-service-principals", restype.IAMRole, map[string]any{"assumeRolePolicy": policy(`{"Effect":"Allow","Principal":{"Service":"lamda.amazonaws.com"},"Action":"sts:AssumeRole"}`)}, "did you mean lambda.amazonaws.com"},
		{"a made-up Lambda permission principal", "deploy-service-principals", restype.LambdaPermission, map[string]any{"principal": "secretmanager.amazonaws.com"}, "names no AWS service"},
		{"good tags", "deploy-tags", restype.EC2VPC, map[string]any{"tags": map[string]any{"team": "app"}}, ""},
		{"a reserved tag key", "deploy-tags", restype.EC2VPC, map[string]any{"tags": map[string]any{"aws:team": "app"}}, "reserves"},
		{"a tag value of 257", "deploy-tags", restype.IAMRole, map[string]any{"tags": map[string]any{"team": strings.Repeat("v", 257)}}, "AWS allows 256"},
		{"unknown tags", "deploy-tags", restype.IAMRole, map[string]any{"tags": compliance.Unknown{}}, "not judged"},
		{"a clean identity policy", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": policy(`{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)}, ""},
		{"repeated Sids", "deploy-policy-grammar", restype.SNSTopicPolicy, map[string]any{"policy": policy(`{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"*"},{"Sid":"A","Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"*"}`)}, `share Sid "A"`},
		{"an old Version", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`}, "Version"},
		{"a lower-case Effect", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": policy(`{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}`)}, "Effect"},
		{"a Resource that is no ARN", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"my-bucket/*"}`)}, "neither * nor an ARN"},
		{"a Principal in an identity policy", "deploy-policy-grammar", restype.IAMRolePolicy, map[string]any{"policy": policy(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)}, "takes no Principal"},
		{"a Sid with a hyphen in an identity policy", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": policy(`{"Sid":"read-it","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)}, "only letters and digits"},
		{"a made-up operator", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"aws:PrincipalAccount":"123456789012"}}}`)}, "is not a condition operator"},
		{"an IfExists operator with a set prefix", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:CalledVia":"cloudformation.amazonaws.com"}}}`)}, ""},
		{"Bool with a string value", "deploy-policy-grammar", restype.S3BucketPolicy, map[string]any{"policy": policy(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"no"}}}`)}, "is not true or false"},
		{"a date operator on an IP key", "deploy-policy-grammar", restype.S3BucketPolicy, map[string]any{"policy": policy(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:SourceIp":"2026-01-01"}}}`)}, "aws:SourceIp is of type ip"},
		{"a Resource in a trust policy", "deploy-policy-grammar", restype.IAMRole, map[string]any{"assumeRolePolicy": policy(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}`)}, "takes no Resource"},
		{"a Resource of another partition", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": policy(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::b/*"}`)}, `partition "aws-cn"`},
		{"an unknown policy", "deploy-policy-grammar", restype.IAMPolicy, map[string]any{"policy": compliance.Unknown{}}, "not judged"},
	}
	for _, c := range cases {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			rule, ok := compliance.Lookup(c.rule)
			require.True(t, ok)
			g := &compliance.Graph{Partition: "aws", Region: "us-east-1", Account: "123456789012",
				Resources: []compliance.Resource{{Type: c.typ, Name: "r", URN: "urn:r", Inputs: c.inputs}}}
			var msgs []string
			notJudged := false
			for _, v := range rule.Check(g) {
				msgs = append(msgs, v.Message)
				notJudged = notJudged || v.NotJudged
			}
			switch c.want {
			case "":
				assert.Empty(t, msgs)
			case "not judged":
				assert.True(t, notJudged, "want not judged, got %v", msgs)
			default:
				assert.Contains(t, strings.Join(msgs, "\n"), c.want)
			}
		})
	}
}
