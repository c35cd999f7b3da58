package tests

import (
	"testing"

	"github.com/example/hardening/iampolicy"
	"github.com/example/hardening/mockaws"
)

// access is one request an AWS service (or a principal) makes against a
// resource policy of the plan, with exactly the context keys that service
// documents sending, and whether it must be allowed.
type access struct {
	name    string
	req     iampolicy.Request
	allowed bool
}

// decide evaluates a resource policy of the plan for req.
func decide(t *testing.T, policy string, req iampolicy.Request) iampolicy.Decision {
	t.Helper()
	doc, err := iampolicy.Parse(policy)
	if err != nil {
		t.Fatal(err)
	}
	d, err := iampolicy.Evaluate(doc, req)
	if err != nil {
		t.Fatalf("%s: %v", req.Action, err)
	}
	return d
}

func checkAccess(t *testing.T, policy string, cases []access) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := decide(t, policy, c.req); (got == iampolicy.Allowed) != c.allowed {
				t.Errorf("%s %s on %s with %v: %v, want allowed=%v", c.req.Principal, c.req.Action, c.req.Resource, c.req.Context, got, c.allowed)
			}
		})
	}
}

func svc(principal, action, resource string, kv ...string) iampolicy.Request {
	r := iampolicy.Request{Principal: principal, Service: true, Action: action, Resource: resource, Context: map[string][]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Context[kv[i]] = []string{kv[i+1]}
	}
	return r
}

func principal(arn, action, resource string, kv ...string) iampolicy.Request {
	r := svc(arn, action, resource, kv...)
	r.Service = false
	return r
}

// TestServiceAccessToTheStackKey evaluates the key policy against the KMS
// requests each service makes, with the context keys it sends: CloudTrail
// (user guide, "Configure AWS KMS key policies for CloudTrail": aws:SourceArn
// on every request, the trail in the encryption context of data keys only,
// none on DescribeKey); SNS on behalf of CloudWatch alarms and EventBridge
// (the topic in the encryption context, no aws:SourceAccount); CloudWatch
// Logs (the log group in the encryption context).
func TestServiceAccessToTheStackKey(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		key := only(t, m, typeKMSKey)
		keyARN := output(key, "arn").(string)
		trailARN := output(only(t, m, typeTrail), "arn").(string)
		topicARN := output(only(t, m, typeTopic), "arn").(string)
		otherTrail := "arn:aws:cloudtrail:us-east-1:" + mockaws.AccountID + ":trail/other"
		admin := "arn:aws:iam::" + mockaws.AccountID + ":role/admin"
		logGroup := "arn:aws:logs:us-east-1:" + mockaws.AccountID + ":log-group:/cloudtrail/x"
		t.Run(stack, func(t *testing.T) {
			checkAccess(t, str(key, "policy"), []access{
				{"CloudTrail generates a data key for this trail", svc("cloudtrail.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"aws:SourceArn", trailARN, "aws:SourceAccount", mockaws.AccountID, "kms:EncryptionContext:aws:cloudtrail:arn", trailARN), true},
				{"CloudTrail describes the key (no encryption context)", svc("cloudtrail.amazonaws.com", "kms:DescribeKey", keyARN,
					"aws:SourceArn", trailARN, "aws:SourceAccount", mockaws.AccountID), true},
				{"CloudTrail decrypts for the trail bucket's S3 Bucket Key", svc("cloudtrail.amazonaws.com", "kms:Decrypt", keyARN,
					"aws:SourceArn", trailARN, "aws:SourceAccount", mockaws.AccountID), true},
				{"another trail of the account cannot use the key", svc("cloudtrail.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"aws:SourceArn", otherTrail, "aws:SourceAccount", mockaws.AccountID, "kms:EncryptionContext:aws:cloudtrail:arn", otherTrail), false},
				{"CloudWatch alarms publish to the encrypted alerts topic", svc("cloudwatch.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"kms:EncryptionContext:aws:sns:topicArn", topicARN), true},
				{"EventBridge publishes to the encrypted alerts topic", svc("events.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"kms:EncryptionContext:aws:sns:topicArn", topicARN), true},
				{"EventBridge cannot use the key for another topic", svc("events.amazonaws.com", "kms:Decrypt", keyARN,
					"kms:EncryptionContext:aws:sns:topicArn", "arn:aws:sns:us-east-1:"+mockaws.AccountID+":other"), false},
				{"CloudWatch Logs encrypts a log group of the account", svc("logs.us-east-1.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"kms:EncryptionContext:aws:logs:arn", logGroup), true},
				{"an administrator replicates the multi-Region key", principal(admin, "kms:ReplicateKey", keyARN), true},
				{"an administrator moves the primary Region", principal(admin, "kms:UpdatePrimaryRegion", keyARN), true},
				{"an administrator cannot create a grant for itself", principal(admin, "kms:CreateGrant", keyARN), false},
				{"an administrator's grant for an AWS service", principal(admin, "kms:CreateGrant", keyARN, "kms:GrantIsForAWSResource", "true"), true},
				{"an administrator cannot decrypt directly", principal(admin, "kms:Decrypt", keyARN, "kms:CallerAccount", mockaws.AccountID), false},
				{"a principal of the account decrypts through Secrets Manager", principal(admin, "kms:Decrypt", keyARN,
					"kms:ViaService", "secretsmanager.us-east-1.amazonaws.com", "kms:CallerAccount", mockaws.AccountID), true},
				{"another account cannot use it through Secrets Manager", principal("arn:aws:iam::999999999999:role/x", "kms:Decrypt", keyARN,
					"kms:ViaService", "secretsmanager.us-east-1.amazonaws.com", "kms:CallerAccount", "999999999999"), false},
			})
		})
	}
}

// TestServiceAccessToTheAlertsTopic evaluates the topic policy against the
// Publish requests CloudWatch and EventBridge make (aws:SourceAccount and
// aws:SourceArn, over TLS).
func TestServiceAccessToTheAlertsTopic(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		topic := only(t, m, typeTopic)
		topicARN := output(topic, "arn").(string)
		alarm := "arn:aws:cloudwatch:us-east-1:" + mockaws.AccountID + ":alarm:x"
		rule := "arn:aws:events:us-east-1:" + mockaws.AccountID + ":rule/x"
		t.Run(stack, func(t *testing.T) {
			checkAccess(t, str(only(t, m, typeTopicPolicy), "policy"), []access{
				{"a CloudWatch alarm of the account publishes", svc("cloudwatch.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", mockaws.AccountID, "aws:SourceArn", alarm, "aws:SecureTransport", "true"), true},
				{"an EventBridge rule of the account publishes", svc("events.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", mockaws.AccountID, "aws:SourceArn", rule, "aws:SecureTransport", "true"), true},
				{"another account's rule cannot publish", svc("events.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", "999999999999", "aws:SourceArn", "arn:aws:events:us-east-1:999999999999:rule/x", "aws:SecureTransport", "true"), false},
				{"another service cannot publish", svc("s3.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", mockaws.AccountID, "aws:SecureTransport", "true"), false},
				{"no one publishes without TLS", svc("events.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", mockaws.AccountID, "aws:SecureTransport", "false"), false},
			})
		})
	}
}
