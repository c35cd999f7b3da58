package tests

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/compliance"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/iampolicy/sar"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/tls"
	"github.com/example/hardening/verify"
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
	require.NoError(t, err)
	d, err := iampolicy.Evaluate(doc, req)
	require.NoError(t, err, req.Action)
	return d
}

func checkAccess(t *testing.T, policy string, cases []access) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decide(t, policy, c.req)
			assert.Equal(t, c.allowed, got == iampolicy.Allowed, "%s %s on %s with %v: %v, want allowed", c.req.Principal, c.req.Action, c.req.Resource, c.req.Context, got)
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
		key := only(t, m, restype.KMSKey)
		keyARN := output(key, "arn").(string)
		trailARN := output(only(t, m, restype.CloudTrailTrail), "arn").(string)
		topicARN := output(only(t, m, restype.SNSTopic), "arn").(string)
		otherTrail := "arn:aws:cloudtrail:us-east-1:" + accountOf(stack) + ":trail/other"
		admin := "arn:aws:iam::" + accountOf(stack) + ":role/admin"
		logGroup := "arn:aws:logs:us-east-1:" + accountOf(stack) + ":log-group:/cloudtrail/x"
		t.Run(stack, func(t *testing.T) {
			checkAccess(t, str(key, "policy"), []access{
				{"CloudTrail generates a data key for this trail", svc("cloudtrail.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"aws:SourceArn", trailARN, "aws:SourceAccount", accountOf(stack), "kms:EncryptionContext:aws:cloudtrail:arn", trailARN), true},
				{"CloudTrail describes the key (no encryption context)", svc("cloudtrail.amazonaws.com", "kms:DescribeKey", keyARN,
					"aws:SourceArn", trailARN, "aws:SourceAccount", accountOf(stack)), true},
				{"CloudTrail decrypts for the trail bucket's S3 Bucket Key", svc("cloudtrail.amazonaws.com", "kms:Decrypt", keyARN,
					"aws:SourceArn", trailARN, "aws:SourceAccount", accountOf(stack)), true},
				{"another trail of the account cannot use the key", svc("cloudtrail.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"aws:SourceArn", otherTrail, "aws:SourceAccount", accountOf(stack), "kms:EncryptionContext:aws:cloudtrail:arn", otherTrail), false},
				{"CloudWatch alarms publish to the encrypted alerts topic", svc("cloudwatch.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"kms:EncryptionContext:aws:sns:topicArn", topicARN), true},
				{"EventBridge publishes to the encrypted alerts topic", svc("events.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"kms:EncryptionContext:aws:sns:topicArn", topicARN), true},
				{"EventBridge cannot use the key for another topic", svc("events.amazonaws.com", "kms:Decrypt", keyARN,
					"kms:EncryptionContext:aws:sns:topicArn", "arn:aws:sns:us-east-1:"+accountOf(stack)+":other"), false},
				{"CloudWatch Logs encrypts a log group of the account", svc("logs.us-east-1.amazonaws.com", "kms:GenerateDataKey", keyARN,
					"kms:EncryptionContext:aws:logs:arn", logGroup), true},
				{"an administrator replicates the multi-Region key", principal(admin, "kms:ReplicateKey", keyARN), true},
				{"an administrator moves the primary Region", principal(admin, "kms:UpdatePrimaryRegion", keyARN), true},
				{"an administrator cannot create a grant for itself", principal(admin, "kms:CreateGrant", keyARN), false},
				{"an administrator's grant for an AWS service", principal(admin, "kms:CreateGrant", keyARN, "kms:GrantIsForAWSResource", "true"), true},
				{"an administrator cannot decrypt directly", principal(admin, "kms:Decrypt", keyARN, "kms:CallerAccount", accountOf(stack)), false},
				{"a principal of the account decrypts through Secrets Manager", principal(admin, "kms:Decrypt", keyARN,
					"kms:ViaService", "secretsmanager.us-east-1.amazonaws.com", "kms:CallerAccount", accountOf(stack)), true},
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
		topic := only(t, m, restype.SNSTopic)
		topicARN := output(topic, "arn").(string)
		alarm := "arn:aws:cloudwatch:us-east-1:" + accountOf(stack) + ":alarm:x"
		rule := "arn:aws:events:us-east-1:" + accountOf(stack) + ":rule/x"
		t.Run(stack, func(t *testing.T) {
			checkAccess(t, str(only(t, m, restype.SNSTopicPolicy), "policy"), []access{
				{"a CloudWatch alarm of the account publishes", svc("cloudwatch.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", accountOf(stack), "aws:SourceArn", alarm, "aws:SecureTransport", "true"), true},
				{"an EventBridge rule of the account publishes", svc("events.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", accountOf(stack), "aws:SourceArn", rule, "aws:SecureTransport", "true"), true},
				{"another account's rule cannot publish", svc("events.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", "999999999999", "aws:SourceArn", "arn:aws:events:us-east-1:999999999999:rule/x", "aws:SecureTransport", "true"), false},
				{"another service cannot publish", svc("s3.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", accountOf(stack), "aws:SecureTransport", "true"), false},
				{"no one publishes without TLS", svc("events.amazonaws.com", "sns:Publish", topicARN,
					"aws:SourceAccount", accountOf(stack), "aws:SecureTransport", "false"), false},
			})
		})
	}
}

func mustParse(t *testing.T, policy string) iampolicy.Document {
	t.Helper()
	d, err := iampolicy.Parse(policy)
	require.NoError(t, err)
	return d
}

// TestSecretAccess evaluates prod's secrets (a replicated generated secret
// and an api-key whose value Pulumi writes) against the requests of the
// deployer (the provider's create, read-back and refresh:
// internal/service/secretsmanager/secret_version.go), the rotation
// function, a workload reading the us-west-2 replica on failover, and
// principals that must be refused, through the identity policy, the
// permissions boundary, the secret policy and the key policy together.
func TestSecretAccess(t *testing.T) {
	m, cfg := inAccount(t, "prod"), stackConfig(t, "prod")
	boundary := mustParse(t, str(find(t, m, restype.IAMPolicy, "boundary", func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "-boundary") }), "policy"))
	roleNamed := func(suffix string) mockaws.Resource {
		return find(t, m, restype.IAMRole, suffix, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, suffix) })
	}
	identityOf := func(role mockaws.Resource) []iampolicy.Document {
		var out []iampolicy.Document
		for _, rp := range m.ByType(restype.IAMRolePolicy) {
			if str(rp, "role") == output(role, "name") {
				out = append(out, mustParse(t, str(rp, "policy")))
			}
		}
		return out
	}
	app, rotationRole, ciDeploy := roleNamed("-app"), roleNamed("-rotation"), roleNamed("-ci-deploy")
	deployer := cfg.Secrets.Deployers[0]
	other := "arn:aws:iam::" + mockaws.AccountID + ":role/someone-else"
	keyPolicy := map[string]iampolicy.Document{"us-east-1": mustParse(t, str(only(t, m, restype.KMSKey), "policy"))}
	keyARN := map[string]string{"us-east-1": output(only(t, m, restype.KMSKey), "arn").(string)}
	for _, rk := range m.ByType(restype.KMSReplicaKey) {
		region := strings.Split(output(rk, "arn").(string), ":")[3]
		keyPolicy[region], keyARN[region] = mustParse(t, str(rk, "policy")), output(rk, "arn").(string)
	}

	type request struct {
		name      string
		principal string
		identity  []iampolicy.Document
		action    string
		region    string
		allowed   bool
	}
	admin := []iampolicy.Document{iampolicy.New(iampolicy.Statement{Effect: iampolicy.Allow, Action: []string{"secretsmanager:*", "kms:*"}, Resource: []string{"*"}})}
	check := func(t *testing.T, name string, r request) {
		secret := secretNamed(t, m, name)
		arn := output(secret, "arn").(string)
		if r.region != "us-east-1" {
			arn = secrets.InRegion(arn, r.region)
		}
		tags := map[string]string{}
		for k, v := range secret.Inputs["tags"].ObjectValue() {
			tags[string(k)] = v.StringValue()
		}
		ctx := map[string][]string{
			"aws:PrincipalArn": {r.principal}, "aws:SecureTransport": {"true"}, "aws:PrincipalIsAWSService": {"false"},
			"aws:ResourceTag/team": {tags["team"]}, "aws:RequestedRegion": {r.region},
		}
		var b *iampolicy.Document
		if r.identity != nil && r.principal != deployer {
			ctx["aws:PrincipalTag/team"] = []string{"app"}
			b = &boundary
		}
		policy := mustParse(t, str(bySecretID(m, restype.SecretsManagerSecretPolicy, "secretArn", secret)[0], "policy"))
		ok, why, err := iampolicy.Authorize(iampolicy.Request{Principal: r.principal, Action: r.action, Resource: arn, Context: ctx},
			iampolicy.Policies{Identity: r.identity, Boundary: b, Resource: &policy})
		require.NoError(t, err)
		if ok && strings.HasPrefix(r.action, "secretsmanager:GetSecretValue") || ok && r.action == "secretsmanager:PutSecretValue" {
			// Secrets Manager decrypts (or encrypts) with the secret's key in
			// the secret's region on the caller's behalf.
			// The stack key carries the stack's tag (aws:defaultTags).
			kctx := map[string][]string{"kms:ViaService": {"secretsmanager." + r.region + ".amazonaws.com"}, "kms:CallerAccount": {mockaws.AccountID}, "aws:RequestedRegion": {r.region},
				"aws:ResourceTag/environment": {"prod"}}
			kp := keyPolicy[r.region]
			ok, why, err = iampolicy.Authorize(iampolicy.Request{Principal: r.principal, Action: "kms:Decrypt", Resource: keyARN[r.region], Context: kctx},
				iampolicy.Policies{Identity: r.identity, Boundary: b, Resource: &kp, KeyPolicy: true})
			require.NoError(t, err)
			why = "key: " + why
		}
		assert.Equal(t, r.allowed, ok, "%s %s on %s in %s: allowed (%s)", r.principal, r.action, name, r.region, why)
	}
	for _, tc := range []struct {
		secret string
		r      request
	}{
		// An api-key's values come from the rotation function only: Pulumi
		// neither writes nor reads them back.
		{"app-api-key", request{"a configured deployer cannot read it", deployer, admin, "secretsmanager:GetSecretValue", "us-east-1", false}},
		{"app-api-key", request{"the CI deploy role cannot read it", output(ciDeploy, "arn").(string), admin, "secretsmanager:GetSecretValue", "us-east-1", false}},
		{"app-api-key", request{"the rotation function reads the current value", output(rotationRole, "arn").(string), identityOf(rotationRole), "secretsmanager:GetSecretValue", "us-east-1", true}},
		{"app-api-key", request{"an administrator not named cannot read it", other, admin, "secretsmanager:GetSecretValue", "us-east-1", false}},
		{"app-api-key", request{"an administrator not named cannot plant a value", other, admin, "secretsmanager:PutSecretValue", "us-east-1", false}},
		{"app-api-key", request{"an administrator not named cannot retag it (the tags steer rotation)", other, admin, "secretsmanager:TagResource", "us-east-1", false}},
		{"app-api-key", request{"an administrator not named cannot drop its policy", other, admin, "secretsmanager:DeleteResourcePolicy", "us-east-1", false}},
		{"app-api-key", request{"the deployer manages its tags", deployer, admin, "secretsmanager:TagResource", "us-east-1", true}},
		{"app-db-password", request{"the deployer cannot read a generated value", deployer, admin, "secretsmanager:GetSecretValue", "us-east-1", false}},
		{"app-db-password", request{"the rotation function puts a new value", output(rotationRole, "arn").(string), identityOf(rotationRole), "secretsmanager:PutSecretValue", "us-east-1", true}},
		{"app-db-password", request{"the rotation function reads the current value", output(rotationRole, "arn").(string), identityOf(rotationRole), "secretsmanager:GetSecretValue", "us-east-1", true}},
		{"app-db-password", request{"the app reads its secret", output(app, "arn").(string), identityOf(app), "secretsmanager:GetSecretValue", "us-east-1", true}},
		{"app-db-password", request{"the app reads the us-west-2 replica on failover", output(app, "arn").(string), identityOf(app), "secretsmanager:GetSecretValue", "us-west-2", true}},
		{"app-db-password", request{"the app cannot write it", output(app, "arn").(string), identityOf(app), "secretsmanager:PutSecretValue", "us-east-1", false}},
	} {
		t.Run(tc.secret+"/"+tc.r.name, func(t *testing.T) { check(t, tc.secret, tc.r) })
	}
}

// TestSecretsDeployOrder checks what AWS needs to exist first and what the
// replica region's provider is given.
func TestSecretsDeployOrder(t *testing.T) {
	m, cfg := deployed(t, "prod"), loadStack(t, "prod")
	fn := only(t, m, restype.LambdaFunction)
	rotationRole := roleByARN(t, m, str(fn, "role"))
	rp := find(t, m, restype.IAMRolePolicy, "of the rotation role", func(r mockaws.Resource) bool { return str(r, "role") == output(rotationRole, "name") })
	t.Run("the function waits for its role's policy (network interfaces, logs)", func(t *testing.T) {
		assert.Contains(t, fn.Dependencies, rp.URN, "function dependencies lack %s", rp.URN)
	})
	t.Run("the replica region's provider carries aws:defaultTags", func(t *testing.T) {
		var want struct {
			Tags map[string]string `json:"tags"`
		}
		raw, _ := cfg.Value("aws:defaultTags")
		mustJSON(t, raw, &want)
		var found bool
		for _, p := range m.ByType("pulumi:providers:aws") {
			if str(p, "region") != "us-west-2" {
				continue
			}
			found = true
			got := map[string]string{}
			for k, v := range p.Inputs["defaultTags"].ObjectValue()["tags"].ObjectValue() {
				got[string(k)] = v.StringValue()
			}
			assert.NotEmpty(t, want.Tags, "defaultTags %v, want %v", got, want.Tags)
			assert.Equal(t, want.Tags, got, "defaultTags")
		}
		require.True(t, found, "no us-west-2 provider")
	})
	t.Run("every guarded write raises the secret-change event", func(t *testing.T) {
		for _, a := range secrets.WriteActions {
			assert.Contains(t, secrets.SecretChangePattern, `"`+strings.TrimPrefix(a, "secretsmanager:")+`"`, "%s is not in the secret-change pattern", a)
		}
	})
}

// TestGroupRolesReachable follows Cognito's enhanced flow with token-based
// role mapping (Cognito developer guide, "Using role-based access
// control"): a member signs in through the federation client, the user
// pool puts the role of the member's group of lowest precedence in the ID
// token's cognito:preferred_role, the identity pool (classic flow off, so
// the caller cannot name a role) assumes that role with the pool as
// audience and "authenticated" in amr. A member of each group reaches
// exactly its group's role.
func TestGroupRolesReachable(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		pool := only(t, m, restype.CognitoIdentityPool)
		poolID := id(pool)
		federation := find(t, m, restype.CognitoUserPoolClient, "federation", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-federation") })
		att := only(t, m, restype.CognitoIdentityPoolRoleAttachment)
		t.Run(stack+"/the identity pool trusts the federation client, enhanced flow only", func(t *testing.T) {
			classic, _ := boolean(pool, "allowClassicFlow")
			require.False(t, classic, "classic flow on: a member could ask for any group's role")
			providers, _ := input(pool, "cognitoIdentityProviders").([]any)
			if assert.Len(t, providers, 1, "providers %v, want the federation client only (the load balancer never passes the ID token on)", providers) {
				assert.Equal(t, id(federation), providers[0].(map[string]any)["clientId"], "providers %v, want the federation client only (the load balancer never passes the ID token on)", providers)
			}
			secret, _ := boolean(federation, "generateSecret")
			assert.False(t, secret, "the federation client has a secret; a browser or CLI cannot keep one")
			maps, _ := input(att, "roleMappings").([]any)
			if assert.Len(t, maps, 1, "role mappings %v, want the federation client's tokens mapped", maps) {
				assert.True(t, strings.HasSuffix(maps[0].(map[string]any)["identityProvider"].(string), ":"+id(federation)), "role mappings %v, want the federation client's tokens mapped", maps)
			}
		})
		groups := m.ByType(restype.CognitoUserGroup)
		require.NotEmpty(t, groups, "%s: no groups", stack)
		preferred := func(memberOf ...mockaws.Resource) string {
			best := memberOf[0]
			for _, g := range memberOf[1:] {
				if num(g, "precedence") < num(best, "precedence") {
					best = g
				}
			}
			return str(best, "roleArn")
		}
		for _, g := range groups {
			t.Run(stack+"/a member of "+str(g, "name")+" reaches its role and no other", func(t *testing.T) {
				chosen := preferred(g)
				for _, h := range groups {
					role := roleByARN(t, m, str(h, "roleArn"))
					req := iampolicy.Request{Principal: "cognito-identity.amazonaws.com", Federated: true, Action: "sts:AssumeRoleWithWebIdentity",
						Context: map[string][]string{"cognito-identity.amazonaws.com:aud": {poolID}, "cognito-identity.amazonaws.com:amr": {"authenticated", "cognito-idp.us-east-1.amazonaws.com/pool:" + id(federation)}}}
					trusted := decide(t, str(role, "assumeRolePolicy"), req) == iampolicy.Allowed
					reached := trusted && str(h, "roleArn") == chosen
					assert.Equal(t, h.URN == g.URN, reached, "role of %s reached", str(h, "name"))
					other := req
					other.Context = map[string][]string{"cognito-identity.amazonaws.com:aud": {"us-east-1:other-pool"}, "cognito-identity.amazonaws.com:amr": {"authenticated"}}
					assert.NotEqual(t, iampolicy.Allowed, decide(t, str(role, "assumeRolePolicy"), other), "role of %s trusts another identity pool", str(h, "name"))
					guest := req
					guest.Context = map[string][]string{"cognito-identity.amazonaws.com:aud": {poolID}, "cognito-identity.amazonaws.com:amr": {"unauthenticated"}}
					assert.NotEqual(t, iampolicy.Allowed, decide(t, str(role, "assumeRolePolicy"), guest), "role of %s trusts unauthenticated identities", str(h, "name"))
				}
			})
		}
		if len(groups) > 1 {
			t.Run(stack+"/a member of several groups gets the lowest precedence's role", func(t *testing.T) {
				low := groups[0]
				for _, g := range groups {
					if num(g, "precedence") < num(low, "precedence") {
						low = g
					}
				}
				assert.Equal(t, str(low, "roleArn"), preferred(groups...), "preferred role is not the lowest precedence's")
			})
		}
	}
}

// TestEventDeliveryIsWatched: EventBridge drops an event it cannot deliver
// (an encrypted topic it may not use, throttling) unless the target has a
// dead-letter queue; the FailedInvocations alarm says it happened.
func TestEventDeliveryIsWatched(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		queue := only(t, m, restype.SQSQueue)
		qARN := output(queue, "arn").(string)
		t.Run(stack+"/every target has the dead-letter queue, every rule a FailedInvocations alarm", func(t *testing.T) {
			rules := m.ByType(restype.CloudWatchEventRule)
			require.GreaterOrEqual(t, len(rules), 2, "event rules")
			for _, tg := range m.ByType(restype.CloudWatchEventTarget) {
				assert.Equal(t, qARN, input(tg, "deadLetterConfig.arn"), "target %s has no dead-letter queue", tg.Name)
			}
			for _, r := range rules {
				var watched bool
				for _, a := range m.ByType(restype.CloudWatchMetricAlarm) {
					watched = watched || str(a, "namespace") == "AWS/Events" && str(a, "metricName") == "FailedInvocations" && input(a, "dimensions.RuleName") == output(r, "name")
				}
				assert.True(t, watched, "rule %s has no FailedInvocations alarm", r.Name)
			}
		})
		t.Run(stack+"/the queue takes EventBridge rules of this account only, and is watched", func(t *testing.T) {
			sse, _ := boolean(queue, "sqsManagedSseEnabled")
			assert.True(t, sse, "queue not encrypted")
			rule := "arn:aws:events:us-east-1:" + accountOf(stack) + ":rule/x"
			checkAccess(t, str(only(t, m, restype.SQSQueuePolicy), "policy"), []access{
				{"a rule of the account", svc("events.amazonaws.com", "sqs:SendMessage", qARN, "aws:SourceArn", rule, "aws:SourceAccount", accountOf(stack), "aws:SecureTransport", "true"), true},
				{"another account's rule", svc("events.amazonaws.com", "sqs:SendMessage", qARN, "aws:SourceArn", "arn:aws:events:us-east-1:999999999999:rule/x", "aws:SecureTransport", "true"), false},
				{"another service", svc("sns.amazonaws.com", "sqs:SendMessage", qARN, "aws:SourceArn", rule, "aws:SecureTransport", "true"), false},
			})
			var watched bool
			for _, a := range m.ByType(restype.CloudWatchMetricAlarm) {
				watched = watched || str(a, "namespace") == "AWS/SQS" && input(a, "dimensions.QueueName") == output(queue, "name")
			}
			assert.True(t, watched, "no alarm on the dead-letter queue")
		})
	}
}

// TestLogBucketsLifecycle: unprotected stacks can be destroyed (a versioned
// bucket without forceDestroy stops `pulumi destroy` at BucketNotEmpty);
// production keeps every trail log version under Object Lock.
func TestLogBucketsLifecycle(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		trail := only(t, m, restype.CloudTrailTrail)
		for _, b := range m.ByType(restype.S3BucketV2) {
			t.Run(stack+"/"+b.Name+" is emptied on destroy only when unprotected", func(t *testing.T) {
				v, _ := boolean(b, "forceDestroy")
				assert.Equal(t, !cfg.ProtectStateful, v, "forceDestroy with protectStateful %v", cfg.ProtectStateful)
			})
		}
		trailBucket := find(t, m, restype.S3BucketV2, "of the trail", func(r mockaws.Resource) bool { return output(r, "bucket") == str(trail, "s3BucketName") })
		t.Run(stack+"/trail log versions locked as configured (governance mode)", func(t *testing.T) {
			locks := bySecretID(m, restype.S3BucketObjectLockConfigurationV2, "bucket", trailBucket)
			enabled, _ := boolean(trailBucket, "objectLockEnabled")
			days := cfg.Audit.Trail.ObjectLockDays
			switch {
			case days == 0:
				assert.False(t, enabled, "object lock on, but not asked for")
				assert.Empty(t, locks, "object lock on, but not asked for")
			case days > 0:
				assert.True(t, enabled, "object lock enabled=%v %v, want GOVERNANCE for %d days", enabled, locks, days)
				if assert.Len(t, locks, 1, "object lock enabled=%v %v, want GOVERNANCE for %d days", enabled, locks, days) {
					assert.Equal(t, "GOVERNANCE", input(locks[0], "rule.defaultRetention.mode"), "object lock enabled=%v %v, want GOVERNANCE for %d days", enabled, locks, days)
					assert.Equal(t, float64(days), input(locks[0], "rule.defaultRetention.days"), "object lock enabled=%v %v, want GOVERNANCE for %d days", enabled, locks, days)
				}
			}
			if cfg.Production {
				assert.NotZero(t, days, "production trail logs are not locked")
			}
		})
	}
}

// TestLoadBalancerWaitsForTheInternetGateway: CreateLoadBalancer fails with
// "InvalidSubnet ... has no internet gateway" when the public route is not
// there yet.
func TestLoadBalancerWaitsForTheInternetGateway(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		alb := only(t, m, restype.LBLoadBalancer)
		want := []string{only(t, m, restype.EC2InternetGateway).URN,
			find(t, m, restype.EC2Route, "to the internet", func(r mockaws.Resource) bool {
				return str(r, "destinationCidrBlock") == "0.0.0.0/0" && str(r, "gatewayId") != ""
			}).URN}
		for _, a := range m.ByType(restype.EC2RouteTableAssociation) {
			if strings.Contains(a.Name, "-public-") {
				want = append(want, a.URN)
			}
		}
		for _, w := range want {
			assert.Contains(t, alb.Dependencies, w, "%s: the load balancer does not wait for %s", stack, w)
		}
	}
}

// TestFirstRotationWaitsForTheEndpoint: the Secrets Manager interface
// endpoint is the rotation function's only route to the service, so the
// function (and each rotation schedule, which names it) waits for it.
func TestFirstRotationWaitsForTheEndpoint(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		ep := find(t, m, restype.EC2VPCEndpoint, "for Secrets Manager", func(r mockaws.Resource) bool {
			return strings.HasSuffix(str(r, "serviceName"), ".secretsmanager")
		})
		fn := only(t, m, restype.LambdaFunction)
		assert.Contains(t, fn.Dependencies, ep.URN, "%s: the rotation function does not wait for %s", stack, ep.Name)
		for _, rot := range m.ByType(restype.SecretsManagerSecretRotation) {
			assert.Contains(t, rot.Dependencies, fn.URN, "%s: rotation %s does not wait for the function", stack, rot.Name)
		}
	}
}

// TestZones: the program asks only for the region's own zones, and the
// zone-count check runs offline against the zones accounts really see.
func TestZones(t *testing.T) {
	m := deployed(t, "prod")
	for _, s := range m.ByType(restype.EC2Subnet) {
		z := str(s, "availabilityZone")
		assert.Equal(t, 2, strings.Count(z, "-"), "subnet %s in %s, not one of the region's own zones (a Local Zone has no NAT gateway, endpoints or load balancer)", s.Name, z)
	}
	s := loadStack(t, "prod")
	s.Config["aws:region"], s.Region = "us-west-1", "us-west-1"
	_, err := s.Run(baseline.Run)
	assert.ErrorContains(t, err, "network.azCount: 3 zones asked for, but region us-west-1 has 2 available", "prod in us-west-1: want the zone count refused")
}

// accountWide are the resource types of which an account (and region)
// holds one: a second stack creating one fails with EntityAlreadyExists
// or the like.
var accountWide = []string{
	restype.IAMOpenIdConnectProvider, restype.IAMAccountPasswordPolicy,
	restype.GuardDutyDetector, restype.SecurityHubAccount,
	restype.S3AccountPublicAccessBlock,
}

// regionOf is the region a resource is created in: its explicit
// provider's, else the stack's (stackRegion).
func regionOf(t *testing.T, m *mockaws.Mocks, r mockaws.Resource, stackRegion string) string {
	t.Helper()
	if r.Provider == "" {
		return stackRegion
	}
	p := find(t, m, "pulumi:providers:aws", "of "+r.Name, func(p mockaws.Resource) bool { return strings.HasPrefix(r.Provider, p.URN+"::") })
	return str(p, "region")
}

// TestStacksDeploySideBySide: the stack files put dev and prod in one
// account, so each account-wide resource is declared by one of them, and
// each Access Analyzer type per region by one.
func TestStacksDeploySideBySide(t *testing.T) {
	// Per account: every account-wide type once, across the stacks that
	// deploy into it (a workload stack and its bootstrap, or more where
	// non-production stacks share by name).
	byAccount := map[string]map[string]int{}
	all := append(slices.Clone(stacks), slices.Sorted(maps.Values(bootstraps))...)
	for _, stack := range slices.Compact(all) {
		m, account := deployed(t, stack), accountOf(stack)
		if byAccount[account] == nil {
			byAccount[account] = map[string]int{}
		}
		count := byAccount[account]
		for _, typ := range accountWide {
			for _, r := range m.ByType(typ) {
				// GuardDuty detectors and Security Hub hubs are one per
				// account and Region.
				key := typ
				if typ == restype.GuardDutyDetector || typ == restype.SecurityHubAccount {
					key += " in " + regionOf(t, m, r, loadStack(t, stack).Region)
				}
				count[key]++
			}
		}
		for _, a := range m.ByType(restype.AccessAnalyzerAnalyzer) {
			count["analyzer "+str(a, "type")+" in "+regionOf(t, m, a, loadStack(t, stack).Region)]++
		}
	}
	for account, count := range byAccount {
		for what, n := range count {
			assert.LessOrEqual(t, n, 1, "%s declared by %d stacks of account %s", what, n, account)
		}
		assert.Equal(t, 1, count[restype.IAMOpenIdConnectProvider], "account %s: the GitHub OIDC provider the CI roles trust", account)
	}
}

// TestCIRolesCanDecryptTheState: a stack whose secrets provider is a KMS
// key and that has CI roles names that key by ARN, so the roles can use it.
func TestCIRolesCanDecryptTheState(t *testing.T) {
	for _, stack := range stacks {
		s, cfg := loadStack(t, stack), stackConfig(t, stack)
		if !strings.HasPrefix(s.SecretsProvider, "awskms://") || cfg.Identity.CI.Repository == "" {
			continue
		}
		assert.Contains(t, cfg.Identity.CI.StateKeyARN, ":key/", "%s: secretsprovider %s but identity.ci.stateKeyArn %q: the CI roles cannot decrypt the stack's secrets", stack, s.SecretsProvider, cfg.Identity.CI.StateKeyARN)
		m := inAccount(t, stack)
		for _, r := range []string{"-ci-preview", "-ci-deploy"} {
			rp := find(t, m, restype.IAMRolePolicy, r, func(x mockaws.Resource) bool { return strings.HasSuffix(x.Name, r) })
			assert.Equal(t, iampolicy.Allowed, decide(t, str(rp, "policy"), iampolicy.Request{Principal: "arn:aws:iam::123456789012:role/ci", Action: "kms:Decrypt", Resource: cfg.Identity.CI.StateKeyARN}), "%s: %s may not decrypt with the state key", stack, r)
		}
	}
}

func TestValidationDomains(t *testing.T) {
	for _, tc := range []struct {
		domain string
		alts   []string
		want   []string
	}{
		{"app.example.com", nil, []string{"app.example.com"}},
		{"example.com", []string{"*.example.com"}, []string{"example.com"}},
		// ACM reports the wildcard by its own name; its base is not on the
		// certificate, so it has a record of its own.
		{"app.example.com", []string{"*.example.com"}, []string{"app.example.com", "*.example.com"}},
		{"app.example.com", []string{"app.example.com", "www.example.com"}, []string{"app.example.com", "www.example.com"}},
	} {
		assert.Equal(t, tc.want, tls.ValidationDomains(tc.domain, tc.alts), "ValidationDomains(%s, %v)", tc.domain, tc.alts)
	}
	// Through the whole program: a wildcard whose base is not on the
	// certificate gets its validation record.
	s := loadStack(t, "prod")
	setField(t, s, "tls", "alternativeNames", []any{"*.example.com"})
	m, err := s.Run(baseline.Run)
	require.NoError(t, err, "prod with *.example.com beside app.example.com")
	assert.GreaterOrEqual(t, len(m.ByType(restype.Route53Record)), 2, "Route 53 records, want one validation record per name")
}

// TestSignInPagesServe: managed login (version 2) serves "Login pages
// unavailable" until a branding style exists, which pulumi-aws v6.83.4
// cannot create; the classic hosted UI serves without one.
func TestSignInPagesServe(t *testing.T) {
	for _, stack := range stacks {
		d := only(t, deployed(t, stack), restype.CognitoUserPoolDomain)
		assert.Equal(t, 1.0, input(d, "managedLoginVersion"), "%s: managedLoginVersion, want 1 (no ManagedLoginBranding in this provider)", stack)
	}
}

// TestDefaultsStayLocked: the default security group's rule lists are
// managed as empty (an absent list is left alone after adoption), and the
// default NACL's subnets are AWS's to track.
func TestDefaultsStayLocked(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		sg := only(t, m, restype.EC2DefaultSecurityGroup)
		for _, k := range []string{"ingress", "egress"} {
			v, set := sg.Inputs[resource.PropertyKey(k)]
			if assert.True(t, set, "%s: default security group %s = %v, want an empty list", stack, k, v) &&
				assert.True(t, v.IsArray(), "%s: default security group %s = %v, want an empty list", stack, k, v) {
				assert.Empty(t, v.ArrayValue(), "%s: default security group %s = %v, want an empty list", stack, k, v)
			}
		}
		nacl := only(t, m, restype.EC2DefaultNetworkACL)
		assert.Contains(t, nacl.IgnoreChanges, "subnetIds", "%s: default NACL ignores %v, want subnetIds", stack, nacl.IgnoreChanges)
	}
}

// TestEndpointPolicies evaluates each endpoint's policy: principals of
// this account pass, to this account's buckets and tables through the
// gateway endpoints, ECR's presigned image-layer downloads pass, nothing
// else.
func TestEndpointPolicies(t *testing.T) {
	m := deployed(t, "prod")
	role := "arn:aws:iam::" + mockaws.AccountID + ":role/hardening-prod-app"
	other := "999999999999"
	endpoint := func(suffix string) string {
		return str(find(t, m, restype.EC2VPCEndpoint, suffix, func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "serviceName"), "."+suffix) }), "policy")
	}
	checkAccess(t, endpoint("s3"), []access{
		{"a workload writes to a bucket of the account", principal(role, "s3:PutObject", "arn:aws:s3:::hardening-prod-data/x",
			"aws:PrincipalAccount", mockaws.AccountID, "aws:ResourceAccount", mockaws.AccountID), true},
		{"a workload cannot copy data to another account's bucket", principal(role, "s3:PutObject", "arn:aws:s3:::attacker/x",
			"aws:PrincipalAccount", mockaws.AccountID, "aws:ResourceAccount", other), false},
		// ECR presigns the layer URLs with its own credentials: the request
		// is not this account's (Amazon ECR user guide, "Minimum Amazon S3
		// bucket permissions for Amazon ECR").
		{"ECS pulls image layers from ECR's bucket through ECR's presigned URLs", principal("arn:aws:iam::000000000000:role/ecr", "s3:GetObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layer",
			"aws:PrincipalAccount", "000000000000", "aws:ResourceAccount", "000000000000"), true},
		{"nobody writes to ECR's layer bucket", principal("arn:aws:iam::000000000000:role/ecr", "s3:PutObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layer",
			"aws:PrincipalAccount", "000000000000", "aws:ResourceAccount", "000000000000"), false},
		{"another account's credentials do not pass", principal("arn:aws:iam::"+other+":role/x", "s3:GetObject", "arn:aws:s3:::hardening-prod-data/x",
			"aws:PrincipalAccount", other, "aws:ResourceAccount", mockaws.AccountID), false},
	})
	checkAccess(t, endpoint("dynamodb"), []access{
		{"a table of the account", principal(role, "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:"+mockaws.AccountID+":table/t",
			"aws:PrincipalAccount", mockaws.AccountID, "aws:ResourceAccount", mockaws.AccountID), true},
		{"another account's table", principal(role, "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:"+other+":table/t",
			"aws:PrincipalAccount", mockaws.AccountID, "aws:ResourceAccount", other), false},
	})
	checkAccess(t, endpoint("secretsmanager"), []access{
		{"the rotation function reaches Secrets Manager", principal(role, "secretsmanager:PutSecretValue", "arn:aws:secretsmanager:us-east-1:"+mockaws.AccountID+":secret:x",
			"aws:PrincipalAccount", mockaws.AccountID), true},
		{"another account's credentials do not pass", principal("arn:aws:iam::"+other+":role/x", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:"+other+":secret:x",
			"aws:PrincipalAccount", other), false},
	})
}

// TestCIRoleBoundaries evaluates the CI roles' policies (inline and
// attached, with the stack's permissions boundary) against the requests
// that would take a CI role out of its stack: rewriting itself or another
// CI role, lifting its boundary, attaching another owner's policy, taking
// over a principal the stack does not own, reading another stack's state
// or secret values; and against what it must still do.
func TestCIRoleBoundaries(t *testing.T) {
	s := loadStack(t, "prod")
	setField(t, s, "identity", "ci", map[string]any{
		"repository": "example-org/hardening", "environment": "production", "previewEnvironment": "production-preview",
		"stateBucket": "example-pulumi-state", "stateKeyArn": "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001",
	})
	b := loadStack(t, bootstraps["prod"])
	// The bootstrap reads the workload stack file from its directory: a
	// copy with the state settings.
	dir := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "Pulumi." + bootstraps["prod"] + ".yaml"} {
		raw, err := os.ReadFile(filepath.Join("..", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), raw, 0o600))
	}
	raw, err := os.ReadFile(filepath.Join("..", "Pulumi.prod.yaml"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	doc["config"].(map[string]any)["hardening:identity"].(map[string]any)["ci"] = map[string]any{
		"repository": "example-org/hardening", "environment": "production", "previewEnvironment": "production-preview",
		"stateBucket": "example-pulumi-state", "stateKeyArn": "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001",
	}
	out, err := yaml.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), out, 0o600))
	b.Dir = dir
	bm, err := b.Run(baseline.Run)
	require.NoError(t, err)
	wm, err := s.Run(baseline.Run)
	require.NoError(t, err)
	m := mockaws.Combine(wm, bm)
	boundaryRes := find(t, m, restype.IAMPolicy, "boundary", func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "-boundary") })
	boundary := mustParse(t, str(boundaryRes, "policy"))
	boundaryARN := output(boundaryRes, "arn").(string)
	managed := func(name string) iampolicy.Document {
		return mustParse(t, str(find(t, m, restype.IAMPolicy, name, func(r mockaws.Resource) bool { return str(r, "name") == name }), "policy"))
	}
	policyOf := func(kind string) []iampolicy.Document {
		rp := find(t, m, restype.IAMRolePolicy, kind, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-ci-"+kind) })
		docs := []iampolicy.Document{mustParse(t, str(rp, "policy")), managed("hardening-prod-ci-read")}
		if kind == "deploy" {
			docs = append(docs, managed("hardening-prod-ci-deploy-guard"))
		}
		return docs
	}
	acct := mockaws.AccountID
	role := func(path, name string) string { return "arn:aws:iam::" + acct + ":role" + path + name }
	stackRole := role("/hardening-prod/", "hardening-prod-app")
	deployRole, previewRole := role("/ci/", "hardening-prod-ci-deploy"), role("/ci/", "hardening-prod-ci-preview")
	admin := role("/", "OrganizationAccountAccessRole")
	state := "arn:aws:s3:::example-pulumi-state/.pulumi/"
	for _, tc := range []struct {
		name, role, action, resource string
		ctx                          []string
		allowed                      bool
	}{
		// What the deploy role must do.
		{"deploy puts a policy on a stack role with the stack's boundary", "deploy", "iam:PutRolePolicy", stackRole, []string{"iam:PermissionsBoundary", boundaryARN}, true},
		{"deploy changes a stack role's trust", "deploy", "iam:UpdateAssumeRolePolicy", stackRole, nil, true},
		{"deploy passes a stack role to Lambda", "deploy", "iam:PassRole", stackRole, []string{"iam:PassedToService", "lambda.amazonaws.com"}, true},
		{"deploy creates a service-linked role", "deploy", "iam:CreateServiceLinkedRole", role("/aws-service-role/elasticloadbalancing.amazonaws.com/", "AWSServiceRoleForElasticLoadBalancing"), nil, true},
		// It cannot rewrite itself or another CI role.
		{"deploy cannot put a policy on itself", "deploy", "iam:PutRolePolicy", deployRole, []string{"iam:PermissionsBoundary", boundaryARN}, false},
		{"deploy cannot delete its own policy", "deploy", "iam:DeleteRolePolicy", deployRole, []string{"iam:PermissionsBoundary", boundaryARN}, false},
		{"deploy cannot attach AdministratorAccess to itself", "deploy", "iam:AttachRolePolicy", deployRole, []string{"iam:PermissionsBoundary", boundaryARN, "iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"}, false},
		{"deploy cannot attach AdministratorAccess to a stack role", "deploy", "iam:AttachRolePolicy", stackRole, []string{"iam:PermissionsBoundary", boundaryARN, "iam:PolicyARN", "arn:aws:iam::aws:policy/AdministratorAccess"}, false},
		{"deploy cannot change its own trust", "deploy", "iam:UpdateAssumeRolePolicy", deployRole, nil, false},
		{"deploy cannot change the preview role's trust", "deploy", "iam:UpdateAssumeRolePolicy", previewRole, nil, false},
		{"deploy cannot pass itself", "deploy", "iam:PassRole", deployRole, []string{"iam:PassedToService", "lambda.amazonaws.com"}, false},
		{"deploy cannot rewrite the read policy pull requests use", "deploy", "iam:CreatePolicyVersion", "arn:aws:iam::" + acct + ":policy/ci/hardening-prod-ci-read", nil, false},
		{"deploy cannot rewrite its guard", "deploy", "iam:CreatePolicyVersion", "arn:aws:iam::" + acct + ":policy/ci/hardening-prod-ci-deploy-guard", nil, false},
		{"deploy cannot rewrite the boundary", "deploy", "iam:CreatePolicyVersion", boundaryARN, nil, false},
		{"deploy cannot remove a boundary", "deploy", "iam:DeleteRolePermissionsBoundary", stackRole, nil, false},
		{"deploy cannot change the OIDC provider", "deploy", "iam:UpdateOpenIDConnectProviderThumbprint", "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com", nil, false},
		{"deploy cannot change the password policy", "deploy", "iam:UpdateAccountPasswordPolicy", "*", nil, false},
		// Nor take over a principal the stack does not own.
		{"deploy cannot put a policy on an administrators' role", "deploy", "iam:PutRolePolicy", admin, []string{"iam:PermissionsBoundary", boundaryARN}, false},
		{"deploy cannot change an administrators' role's trust", "deploy", "iam:UpdateAssumeRolePolicy", admin, nil, false},
		{"deploy cannot pass an administrators' role", "deploy", "iam:PassRole", admin, []string{"iam:PassedToService", "lambda.amazonaws.com"}, false},
		{"deploy cannot create a user", "deploy", "iam:CreateUser", "arn:aws:iam::" + acct + ":user/x", nil, false},
		// Each run reads the deployed boundary to compare it with the one
		// its configuration needs (baseline's checkBoundary).
		{"preview reads the deployed boundary", "preview", "iam:GetPolicyVersion", boundaryARN, nil, true},
		{"deploy reads the deployed boundary", "deploy", "iam:GetPolicy", boundaryARN, nil, true},
		{"deploy cannot create a role outside the stack's path", "deploy", "iam:CreateRole", role("/", "hardening-prod-x"), []string{"iam:PermissionsBoundary", boundaryARN}, false},
		{"deploy cannot create a role without the boundary", "deploy", "iam:CreateRole", stackRole, nil, false},
		// The state: each role its own stack's only.
		{"deploy writes its stack's state", "deploy", "s3:PutObject", state + "stacks/hardening/prod.json", nil, true},
		{"deploy cannot write another stack's state", "deploy", "s3:PutObject", state + "stacks/hardening/dev.json", nil, false},
		{"preview reads its stack's state", "preview", "s3:GetObject", state + "stacks/hardening/prod.json", nil, true},
		{"preview cannot read another stack's state", "preview", "s3:GetObject", state + "stacks/hardening/dev.json", nil, false},
		{"preview takes its stack's lock", "preview", "s3:PutObject", state + "locks/hardening/prod/1.json", nil, true},
		{"preview cannot write the state", "preview", "s3:PutObject", state + "stacks/hardening/prod.json", nil, false},
		{"preview cannot delete the state", "preview", "s3:DeleteObject", state + "stacks/hardening/prod.json", nil, false},
		{"drift reads its stack's history", "drift", "s3:GetObject", state + "history/hardening/prod/prod-1.history.json", nil, true},
		{"drift cannot write the state", "drift", "s3:PutObject", state + "stacks/hardening/prod.json", nil, false},
		{"preview decrypts the stack's secrets", "preview", "kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001", nil, true},
		{"preview cannot encrypt new ones", "preview", "kms:Encrypt", "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001", nil, false},
		// Secret values: only the deploy and drift roles, their stack's only.
		{"preview cannot read a secret value", "preview", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:hardening-prod/app-api-key-AbCdEf", nil, false},
		{"preview cannot read an app client's secret", "preview", "cognito-idp:DescribeUserPoolClient", "arn:aws:cognito-idp:us-east-1:" + acct + ":userpool/us-east-1_AbCdEfGhI", []string{"aws:ResourceTag/environment", "prod"}, false},
		{"drift reads its stack's secret values", "drift", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:hardening-prod/app-api-key-AbCdEf", nil, true},
		{"drift cannot read another owner's secret", "drift", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:payroll/db-AbCdEf", nil, false},
		{"drift reads its stack's app client", "drift", "cognito-idp:DescribeUserPoolClient", "arn:aws:cognito-idp:us-east-1:" + acct + ":userpool/us-east-1_AbCdEfGhI", []string{"aws:ResourceTag/environment", "prod"}, true},
		{"drift cannot read another pool's client", "drift", "cognito-idp:DescribeUserPoolClient", "arn:aws:cognito-idp:us-east-1:" + acct + ":userpool/us-east-1_AbCdEfGhJ", []string{"aws:ResourceTag/environment", "other"}, false},
		// The stack's tag still keeps the deploy role off other owners'
		// resources where the account holds some.
		{"deploy changes its stack's resources", "deploy", "ec2:ModifyVpcAttribute", "arn:aws:ec2:us-east-1:" + acct + ":vpc/vpc-1", []string{"aws:ResourceTag/environment", "prod"}, true},
		{"deploy cannot change another owner's tagged resources", "deploy", "ec2:ModifyVpcAttribute", "arn:aws:ec2:us-east-1:" + acct + ":vpc/vpc-2", []string{"aws:ResourceTag/environment", "dev"}, false},
		{"deploy cannot tag a key into the stack", "deploy", "kms:TagResource", "arn:aws:kms:us-east-1:" + acct + ":key/00000000-0000-4000-8000-0000000000aa", nil, false},
		{"untagged resources stay reachable (routes, rules)", "deploy", "ec2:CreateRoute", "arn:aws:ec2:us-east-1:" + acct + ":route-table/rtb-1", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := map[string][]string{"aws:RequestedRegion": {"us-east-1"}}
			for i := 0; i+1 < len(tc.ctx); i += 2 {
				ctx[tc.ctx[i]] = []string{tc.ctx[i+1]}
			}
			ok, why, err := iampolicy.Authorize(iampolicy.Request{Principal: role("/ci/", "hardening-prod-ci-"+tc.role), Action: tc.action, Resource: tc.resource, Context: ctx},
				iampolicy.Policies{Identity: policyOf(tc.role), Boundary: &boundary})
			require.NoError(t, err)
			assert.Equal(t, tc.allowed, ok, "%s %s on %s: %s", tc.role, tc.action, tc.resource, why)
		})
	}
}

// TestProductionMailsThroughSES: Cognito's own sender allows a few dozen
// messages a day; production sends through a verified SES identity.
func TestProductionMailsThroughSES(t *testing.T) {
	for _, stack := range stacks {
		pool, cfg := only(t, deployed(t, stack), restype.CognitoUserPool), stackConfig(t, stack)
		u := cfg.Identity.UserPool
		got := input(pool, "emailConfiguration.emailSendingAccount")
		if u.SESSourceARN != "" {
			assert.Equal(t, "DEVELOPER", got, "%s: email configuration %v, want SES from %s", stack, input(pool, "emailConfiguration"), u.SESSourceARN)
			assert.Equal(t, u.SESSourceARN, input(pool, "emailConfiguration.sourceArn"), "%s: email configuration %v, want SES from %s", stack, input(pool, "emailConfiguration"), u.SESSourceARN)
			assert.Equal(t, u.EmailFrom, input(pool, "emailConfiguration.fromEmailAddress"), "%s: email configuration %v, want SES from %s", stack, input(pool, "emailConfiguration"), u.SESSourceARN)
		}
		if cfg.Production {
			assert.NotEmpty(t, u.SESSourceARN, "%s: production without SES", stack)
		}
	}
}

// TestMisspelledTopLevelKey: "hardening:alert" for "hardening:alerts" left
// the topic without subscribers; the program now refuses it, through the
// keys the language host passes in PULUMI_CONFIG.
func TestMisspelledTopLevelKey(t *testing.T) {
	s := loadStack(t, "prod")
	s.Config["hardening:alert"] = `{"emails":["security@example.com"]}`
	_, err := s.Run(baseline.Run)
	assert.ErrorContains(t, err, "hardening:alert: is not a setting (did you mean alerts?)", "run with hardening:alert")
}

// TestNamesFitAfterAutoNaming: a 40-character group name made a 69-character
// IAM role name; the program refuses it before registering anything.
func TestNamesFitAfterAutoNaming(t *testing.T) {
	s := loadStack(t, "prod")
	long := strings.Repeat("g", 40)
	setField(t, s, "identity", "groups", []any{map[string]any{"name": long, "precedence": 1, "role": "admin"}})
	m, err := s.Run(baseline.Run)
	require.ErrorContains(t, err, `identity.groups[0].name: "`+long+`" makes the group's role too long: role name "hardening-prod-group-`+long+`-xxxxxxx" and its generated suffix are 69 characters; IAM allows 64; use at most 35 characters`, "a 40-character group name")
	assert.Empty(t, m.Resources(), "resources registered before the refusal")
	assert.Empty(t, m.Invokes(), "invokes made before the refusal")
}

// TestPlanResolvesTheArtifactInTheProject: secrets.rotationArtifact is
// relative to the project directory, as under the engine, so `plan -dir
// <project>` works from anywhere.
func TestPlanResolvesTheArtifactInTheProject(t *testing.T) {
	dir := projectCopy(t, "dev", func(cfg map[string]any) {
		cfg["hardening:secrets"].(map[string]any)["rotationArtifact"] = "build/rotation.zip"
	})
	zip, err := os.ReadFile(artifact)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "build"), 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "build", "rotation.zip"), zip, 0o600))
	wd, _ := os.Getwd()
	code, _, stderr := runPlan("-dir", dir, "-stack", "dev", "-format", "json")
	assert.Equal(t, 0, code, "plan -dir %s from %s: exit code; stderr: %s", dir, wd, stderr)
	now, _ := os.Getwd()
	assert.Equal(t, wd, now, "plan left the working directory")
}

// TestCIRolesNeedTheStackTag: without aws:defaultTags' environment the
// deploy role could not be held to its stack's resources.
func TestCIRolesNeedTheStackTag(t *testing.T) {
	s := loadStack(t, "prod")
	delete(s.Config, "aws:defaultTags")
	_, err := s.Run(baseline.Run)
	assert.ErrorContains(t, err, "aws:defaultTags: tags.environment is not set, but identity.ci is", "prod without aws:defaultTags")
}

// arnService maps a pulumi-aws type's module to the IAM service prefix of
// its ARNs.
func arnService(typ string) string {
	mod := strings.SplitN(strings.TrimPrefix(typ, "aws:"), "/", 2)[0]
	switch {
	case mod == "lb":
		return "elasticloadbalancing"
	case mod == "vpc":
		return "ec2"
	case typ == restype.CloudWatchLogGroup:
		return "logs"
	case strings.HasPrefix(typ, "aws:cloudwatch/event"):
		return "events"
	case typ == restype.CognitoIdentityPool:
		return "cognito-identity"
	case mod == "cognito":
		return "cognito-idp"
	case mod == "accessanalyzer":
		return "access-analyzer"
	}
	return mod
}

// TestMockARNsLookLikeAWS: every ARN the mocks return has the shape of one
// of its service's resource types in the Service Authorization Reference,
// so the tests that evaluate ARNs test real shapes.
func TestMockARNsLookLikeAWS(t *testing.T) {
	for _, stack := range stacks {
		for _, r := range deployed(t, stack).Resources() {
			arn, ok := output(r, "arn").(string)
			if _, input := r.Inputs["arn"]; !ok || input || !strings.HasPrefix(r.Type, "aws:") {
				continue // no ARN, or an input's (an event target's target)
			}
			svc := arnService(r.Type)
			assert.True(t, sar.IsARNOf(svc, arn), "%s: %s %s has ARN %s, no %s resource type's shape", stack, r.Type, r.Name, arn, svc)
		}
	}
}

// TestCIRolesCoverEveryTypeOfThePlans: the CI roles' permissions come from
// identity.TypeActions (the calls pulumi-aws makes per resource type, with
// the provider source file), and every type both plans register has an
// entry; evaluated with the permissions boundary, the deploy role may make
// every call and the preview role every read and no write.
func TestCIRolesCoverEveryTypeOfThePlans(t *testing.T) {
	for _, stack := range stacks {
		m := inAccount(t, stack)
		for _, r := range m.Resources() {
			if !strings.HasPrefix(r.Type, "aws:") || !r.Custom {
				continue
			}
			_, ok := identity.TypeActions[r.Type]
			assert.True(t, ok, "%s: %s has no entry in identity.TypeActions; the CI roles may lack what the provider calls for it", stack, r.Type)
		}
	}
	// Calls the provider makes that the roles lacked before.
	for _, a := range []string{"lambda:GetFunctionCodeSigningConfig", "iam:ListPolicyVersions"} {
		assert.Contains(t, identity.PreviewActions, a, "the reads")
	}
	assert.Contains(t, identity.SecretReads, "secretsmanager:GetSecretValue", "the provider reads back secret values")
	for _, a := range []string{"sqs:DeleteQueue", "cognito-idp:DeleteUserPool", "s3:DeleteBucket"} {
		assert.Contains(t, identity.DeployActions, a, "the writes")
	}
	m := inAccount(t, "prod")
	workloadTypes := map[string]bool{}
	for _, r := range deployed(t, "prod").Resources() {
		workloadTypes[r.Type] = true
	}
	boundaryRes := find(t, m, restype.IAMPolicy, "boundary", func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "-boundary") })
	boundary := mustParse(t, str(boundaryRes, "policy"))
	read := mustParse(t, str(find(t, m, restype.IAMPolicy, "the CI read policy", func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "-ci-read") }), "policy"))
	guard := mustParse(t, str(find(t, m, restype.IAMPolicy, "the deploy role's guard", func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "-ci-deploy-guard") }), "policy"))
	inline := func(suffix string) iampolicy.Document {
		return mustParse(t, str(find(t, m, restype.IAMRolePolicy, suffix, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, suffix) }), "policy"))
	}
	preview := []iampolicy.Document{read, inline("-ci-preview")}
	deploy := []iampolicy.Document{read, inline("-ci-deploy"), guard}
	drift := []iampolicy.Document{read, inline("-ci-drift")}
	acct := mockaws.AccountID
	stackRole := "arn:aws:iam::" + acct + ":role/hardening-prod/hardening-prod-x"
	may := func(policies []iampolicy.Document, action string) (bool, string) {
		ctx := map[string][]string{"aws:RequestedRegion": {"us-east-1"}, "aws:ResourceTag/environment": {"prod"},
			"iam:PermissionsBoundary": {output(boundaryRes, "arn").(string)}, "iam:PassedToService": {"lambda.amazonaws.com"}}
		// A resource of the stack, named by its prefix or path, where the
		// action takes one the deploy role is held to.
		res := "*"
		switch svc, _, _ := strings.Cut(action, ":"); {
		case svc == "iam" && strings.Contains(action, "Role"):
			res = stackRole
		case svc == "iam" && strings.Contains(action, "Policy"):
			res = "arn:aws:iam::" + acct + ":policy/hardening-prod/x"
		case slices.Contains(identity.ObjectActions, action):
			res = "arn:aws:s3:::hardening-prod-trail-x/AWSLogs/x"
		case svc == "s3":
			res = "arn:aws:s3:::hardening-prod-trail-x"
		case svc == "secretsmanager":
			res = "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:hardening-prod/x-AbCdEf"
		case svc == "lambda":
			res = "arn:aws:lambda:us-east-1:" + acct + ":function:hardening-prod-rotation-x"
		case svc == "cognito-idp":
			res = "arn:aws:cognito-idp:us-east-1:" + acct + ":userpool/us-east-1_AbCdEfGhI"
		}
		ok, why, err := iampolicy.Authorize(iampolicy.Request{Principal: "arn:aws:iam::" + acct + ":role/ci/hardening-prod-ci-deploy", Action: action, Resource: res, Context: ctx},
			iampolicy.Policies{Identity: policies, Boundary: &boundary})
		require.NoError(t, err)
		return ok, why
	}
	sarData, err := sar.Load()
	require.NoError(t, err)
	bootstrapOwned := []string{output(boundaryRes, "arn").(string), "arn:aws:iam::" + acct + ":policy/ci/hardening-prod-ci-read",
		"arn:aws:iam::" + acct + ":role/ci/hardening-prod-ci-deploy", "arn:aws:iam::" + acct + ":oidc-provider/token.actions.githubusercontent.com"}
	for typ, a := range identity.TypeActions {
		if !workloadTypes[typ] {
			// What the bootstrap owns: no IAM change by the deploy role, on
			// any of the bootstrap's resources, or on the account (actions
			// that take no resource are asked on "*").
			for _, action := range a.Write {
				name, ok := strings.CutPrefix(action, "iam:")
				if !ok || action == "iam:CreateServiceLinkedRole" || !sarData.Services["iam"].Actions[name].Changes() {
					continue
				}
				targets := bootstrapOwned
				if len(sarData.Services["iam"].Actions[name].Resources) == 0 {
					targets = []string{"*"}
				}
				for _, res := range targets {
					ctx := map[string][]string{"aws:RequestedRegion": {"us-east-1"}, "iam:PermissionsBoundary": {output(boundaryRes, "arn").(string)}}
					allowed, _, err := iampolicy.Authorize(iampolicy.Request{Principal: "arn:aws:iam::" + acct + ":role/ci/hardening-prod-ci-deploy", Action: action, Resource: res, Context: ctx},
						iampolicy.Policies{Identity: deploy, Boundary: &boundary})
					require.NoError(t, err)
					assert.False(t, allowed, "%s (the bootstrap's): deploy may %s on %s", typ, action, res)
				}
			}
			continue
		}
		for _, action := range a.Read {
			if slices.Contains(identity.SecretReads, action) {
				ok, _ := may(preview, action)
				assert.False(t, ok, "%s: preview may %s, which returns a secret value", typ, action)
				for name, role := range map[string][]iampolicy.Document{"deploy": deploy, "drift": drift} {
					ok, why := may(role, action)
					assert.True(t, ok, "%s (%s): %s may not %s on the stack's own: %s", typ, a.Source, name, action, why)
				}
				continue
			}
			ok, why := may(preview, action)
			assert.True(t, ok, "%s (%s): preview may not %s: %s", typ, a.Source, action, why)
		}
		for _, action := range append(slices.Clone(a.Read), a.Write...) {
			ok, why := may(deploy, action)
			assert.True(t, ok, "%s (%s): deploy may not %s: %s", typ, a.Source, action, why)
		}
		for _, action := range a.Write {
			if slices.Contains(a.Read, action) || slices.Contains(identity.PreviewActions, action) {
				continue
			}
			ok, _ := may(preview, action)
			assert.False(t, ok, "%s: preview may %s", typ, action)
		}
	}
	// What cmd/verify reads after each deploy, with either role.
	for _, action := range verify.Actions {
		for _, role := range []string{"-ci-preview", "-ci-deploy"} {
			if ok, why := may([]iampolicy.Document{read, inline(role)}, action); !ok {
				assert.Failf(t, "check", "cmd/verify: %s may not %s: %s", role, action, why)
			}
		}
	}
}

// TestServerAccessLogs: every bucket but the target logs its requests
// (FSBP S3.9, CIS 3.4) to one bucket that S3 log delivery accepts: SSE-S3
// and no Object Lock default retention (Amazon S3 user guide, "Enabling
// Amazon S3 server access logging"), each source under its own prefix,
// and the target's logging waits for its policy.
func TestServerAccessLogs(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		target := find(t, m, restype.S3BucketV2, "for access logs", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-access-logs") })
		tid := id(target)
		t.Run(stack+"/target is SSE-S3 without Object Lock", func(t *testing.T) {
			sse := onBucket(t, m, restype.S3BucketServerSideEncryptionConfigurationV2, tid)
			assert.Equal(t, "AES256", input(sse, "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"), "target encryption; S3 log delivery writes only to SSE-S3 targets")
			lock, _ := boolean(target, "objectLockEnabled")
			assert.False(t, lock, "target has Object Lock; log delivery refuses a default retention")
		})
		policy := onBucket(t, m, restype.S3BucketPolicy, tid)
		prefixes := map[string]bool{}
		for _, b := range m.ByType(restype.S3BucketV2) {
			if b.URN == target.URN {
				continue
			}
			t.Run(stack+"/"+b.Name+" logs to the target after its policy", func(t *testing.T) {
				l := onBucket(t, m, restype.S3BucketLoggingV2, id(b))
				assert.Equal(t, tid, str(l, "targetBucket"), "logging target")
				p := str(l, "targetPrefix")
				if assert.NotEmpty(t, p, "prefix %q empty or shared", p) && assert.False(t, prefixes[p], "prefix %q empty or shared", p) {
					prefixes[p] = true
				}
				assert.Contains(t, l.Dependencies, policy.URN, "logging does not wait for the target's policy")
			})
		}
	}
}

// TestCIRolesHoldWhatTheirCallsRequire: every call the deploy role makes
// needs, besides its own action, the dependent actions the Service
// Authorization Reference lists for it and what its API reference asks of
// the caller (identity.CallerRequirements: RotateSecret needs
// lambda:InvokeFunction on the rotation function); the deploy role, under
// its boundary, holds each on the stack's own resources.
func TestCIRolesHoldWhatTheirCallsRequire(t *testing.T) {
	d, err := sar.Load()
	require.NoError(t, err)
	m := inAccount(t, "prod")
	boundary := mustParse(t, str(find(t, m, restype.IAMPolicy, "boundary", func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "-boundary") }), "policy"))
	var deploy []iampolicy.Document
	for _, suffix := range []string{"-ci-read", "-ci-deploy-guard"} {
		deploy = append(deploy, mustParse(t, str(find(t, m, restype.IAMPolicy, suffix, func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), suffix) }), "policy")))
	}
	deploy = append(deploy, mustParse(t, str(find(t, m, restype.IAMRolePolicy, "-ci-deploy", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-ci-deploy") }), "policy")))
	acct := mockaws.AccountID
	resourceFor := map[string]string{
		"lambda":         "arn:aws:lambda:us-east-1:" + acct + ":function:hardening-prod-rotation-x",
		"secretsmanager": "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:hardening-prod/x-AbCdEf",
	}
	required := 0
	for _, action := range append(slices.Clone(identity.DeployActions), identity.ObjectActions...) {
		svc, name, _ := strings.Cut(action, ":")
		needs := slices.Clone(d.Services[svc].Actions[name].DependentActions)
		for _, r := range identity.CallerRequirements[action] {
			needs = append(needs, r.Action)
		}
		for _, need := range needs {
			required++
			nsvc, _, _ := strings.Cut(need, ":")
			res, ok := resourceFor[nsvc]
			if !ok {
				res = "*"
			}
			ok, why, err := iampolicy.Authorize(iampolicy.Request{Principal: "arn:aws:iam::" + acct + ":role/ci/hardening-prod-ci-deploy", Action: need, Resource: res,
				Context: map[string][]string{"aws:RequestedRegion": {"us-east-1"}, "aws:ResourceTag/environment": {"prod"}}},
				iampolicy.Policies{Identity: deploy, Boundary: &boundary})
			require.NoError(t, err)
			assert.True(t, ok, "%s needs %s of its caller, which the deploy role may not do on %s: %s", action, need, res, why)
		}
	}
	assert.NotZero(t, required, "no call needs anything beyond its own action: the check proves nothing")
	for action, reqs := range identity.CallerRequirements {
		for _, r := range reqs {
			assert.True(t, strings.HasPrefix(r.Source, "https://docs.aws.amazon.com/"), "%s's requirement %s cites no API reference page", action, r.Action)
		}
	}
}

// TestNoEscalationPathInAnyAccount judges each workload stack's account
// (its plan and its bootstrap's) with the escalation graph: the CI roles,
// the workload roles and the account's modelled administrators together.
func TestNoEscalationPathInAnyAccount(t *testing.T) {
	rule, ok := compliance.Lookup("iam-escalation-paths")
	require.True(t, ok)
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			g := accountGraph(t, stack)
			require.NotEmpty(t, g.ByType(restype.IAMRole), "the account graph has roles")
			assert.Empty(t, rule.Check(g))
		})
	}
}

// TestAStaleBoundaryStopsTheRun: a change to a workload stack that its
// boundary, owned by the account's bootstrap stack, does not allow yet (a
// replica in a new region, a service the stack did not use) fails the
// pull request's preview and `pulumi up` before anything is registered,
// naming what differs and the bootstrap stack to run; so does a boundary
// that was never deployed.
func TestAStaleBoundaryStopsTheRun(t *testing.T) {
	committed := deployed(t, bootstraps["dev"]).Policies()
	boundary := "arn:aws:iam::" + accountOf("dev") + ":policy/hardening-dev-boundary"
	require.Contains(t, committed, boundary)
	cases := []struct {
		name     string
		existing map[string]string
		edit     func(t *testing.T, s *mockaws.Stack)
		want     []string
	}{
		{"a secret replicated into a region the boundary does not allow", committed, func(t *testing.T, s *mockaws.Stack) {
			var inv []map[string]any
			raw, _ := s.Value("secrets")
			var sec map[string]any
			require.NoError(t, json.Unmarshal([]byte(raw), &sec))
			b, _ := json.Marshal(sec["inventory"])
			require.NoError(t, json.Unmarshal(b, &inv))
			require.NotEmpty(t, inv)
			inv[0]["replicaRegion"] = "eu-west-1"
			sec["inventory"] = inv
			out, _ := json.Marshal(sec)
			s.Set("secrets", string(out))
			kms := map[string]any{}
			if raw, ok := s.Value("kms"); ok {
				require.NoError(t, json.Unmarshal([]byte(raw), &kms))
			}
			kms["multiRegion"] = true
			out, _ = json.Marshal(kms)
			s.Set("kms", string(out))
		}, []string{"as deployed is not the one this configuration needs", "StackRegionsOnly differs: lacks aws:RequestedRegion=eu-west-1", "pulumi up --stack " + bootstraps["dev"]}},
		{"the bootstrap never ran", map[string]string{}, func(*testing.T, *mockaws.Stack) {},
			[]string{boundary + " cannot be read", "pulumi up --stack " + bootstraps["dev"]}},
	}
	for _, tc := range cases {
		for _, preview := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/preview=%t", tc.name, preview), func(t *testing.T) {
				s := loadStack(t, "dev")
				tc.edit(t, s)
				s.Existing = tc.existing
				run := s.Run
				if preview {
					run = s.Preview
				}
				m, err := run(baseline.Run)
				require.Error(t, err)
				for _, w := range tc.want {
					assert.Contains(t, err.Error(), w)
				}
				assert.Empty(t, m.Resources(), "registered resources past a stale boundary")
			})
		}
	}
	t.Run("an up-to-date bootstrap", func(t *testing.T) {
		s := loadStack(t, "dev")
		s.Existing = committed
		_, err := s.Run(baseline.Run)
		require.NoError(t, err)
	})
}

// TestBoundaryKeepsOtherStacksSecretValues: a role of the stack holding
// any policy (what the deploy role may write into it) still reads and
// writes only its own stack's secret values under the real boundary;
// another stack's in the same account (a fleet's region stacks) stay out
// of reach.
func TestBoundaryKeepsOtherStacksSecretValues(t *testing.T) {
	m := deployed(t, bootstraps["prod"])
	b := find(t, m, restype.IAMPolicy, "boundary", func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "-boundary") })
	boundary := mustParse(t, str(b, "policy"))
	anything := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	acct := accountOf("prod")
	secret := func(prefix string) string {
		return "arn:aws:secretsmanager:us-east-1:" + acct + ":secret:" + prefix + "/app-db-password-AbCdEf"
	}
	for _, tc := range []struct {
		action, resource string
		allowed          bool
	}{
		{"secretsmanager:GetSecretValue", secret("hardening-prod"), true},
		{"secretsmanager:GetSecretValue", secret("hardening-wl-app001-usw2"), false},
		{"secretsmanager:PutSecretValue", secret("hardening-staging"), false},
		{"secretsmanager:DeleteSecret", secret("hardening-staging"), false},
	} {
		req := iampolicy.Request{Principal: "arn:aws:iam::" + acct + ":role/hardening-prod/x", Action: tc.action, Resource: tc.resource,
			Context: map[string][]string{"aws:RequestedRegion": {"us-east-1"}}}
		ok, why, err := iampolicy.Authorize(req, iampolicy.Policies{Identity: []iampolicy.Document{anything}, Boundary: &boundary})
		require.NoError(t, err)
		assert.Equal(t, tc.allowed, ok, "%s on %s: %s", tc.action, tc.resource, why)
	}
}
