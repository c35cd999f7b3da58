package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/internal/iampolicy"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/secrets/secretkind"
	"github.com/example/hardening/stackconfig"
)

// externalEntry is an external secret the tests add to a stack, with its
// value set as a secure config value.
const externalEntry = `{"name":"partner-token","description":"Token the partner issued","owner":"app","classification":"restricted","kind":"external","readers":["app"]}`

// withExternal returns a stack's config with an external secret added.
func withExternal(t *testing.T, stack string) *mockaws.Stack {
	t.Helper()
	s := loadStack(t, stack)
	raw, _ := s.Value("secrets")
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &obj))
	var entry any
	require.NoError(t, json.Unmarshal([]byte(externalEntry), &entry))
	obj["inventory"] = append(obj["inventory"].([]any), entry)
	b, _ := json.Marshal(obj)
	s.Set("secrets", string(b))
	s.SetSecret(stackconfig.ExternalSecretKey("partner-token"), mockaws.TestSecret("hardening:secret-partner-token"))
	return s
}

// secretsRun is one run of the program with the config it ran with.
type secretsRun struct {
	name string
	m    *mockaws.Mocks
	cfg  *stackconfig.Config
	s    *mockaws.Stack
}

// secretsRuns are dev and prod as committed, and each with an external
// secret added.
func secretsRuns(t *testing.T) []secretsRun {
	t.Helper()
	var out []secretsRun
	for _, stack := range stacks {
		out = append(out, secretsRun{stack, deployed(t, stack), stackConfig(t, stack), loadStack(t, stack)})
		s := withExternal(t, stack)
		m, err := s.Run(baseline.Run)
		require.NoError(t, err, "%s with an external secret", stack)
		cfg, err := stackconfig.Parse(s.Value, s.IsSecret)
		require.NoError(t, err)
		out = append(out, secretsRun{stack + "+external", m, cfg, s})
	}
	return out
}

func secretNamed(t *testing.T, m *mockaws.Mocks, name string) mockaws.Resource {
	t.Helper()
	return find(t, m, restype.SecretsManagerSecret, name, func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "/"+name) })
}

// bySecretID returns the resource of typ whose input key refers to secret
// (by ARN or id).
func bySecretID(m *mockaws.Mocks, typ, key string, secret mockaws.Resource) []mockaws.Resource {
	var out []mockaws.Resource
	for _, r := range m.ByType(typ) {
		if v := str(r, key); v != "" && (v == output(secret, "arn") || v == id(secret)) {
			out = append(out, r)
		}
	}
	return out
}

func TestSecretInventory(t *testing.T) {
	for _, run := range secretsRuns(t) {
		m, cfg := run.m, run.cfg
		key := only(t, m, restype.KMSKey)
		keyARN := output(key, "arn")
		require.GreaterOrEqual(t, len(cfg.Secrets.Inventory), 2, "%s: secrets in the inventory; the stacks should exercise generated and api-key", run.name)
		// The configured ones and the Cognito app client's.
		assert.Len(t, m.ByType(restype.SecretsManagerSecret), len(cfg.Secrets.Inventory)+1, "%s: secrets", run.name)
		for _, e := range cfg.Secrets.Inventory {
			sec := secretNamed(t, m, e.Name)
			t.Run(run.name+"/"+e.Name+"/named, described and encrypted with the stack key (CKV_AWS_149)", func(t *testing.T) {
				assert.Equal(t, "hardening-"+strings.Split(run.name, "+")[0]+"/"+e.Name, str(sec, "name"), "name")
				assert.Equal(t, e.Description, str(sec, "description"), "description")
				assert.Equal(t, keyARN, str(sec, "kmsKeyId"), "kmsKeyId, want the stack key")
				assert.Equal(t, cfg.Secrets.RecoveryWindowDays, num(sec, "recoveryWindowInDays"), "recoveryWindowInDays")
			})
			t.Run(run.name+"/"+e.Name+"/metadata kept as tags", func(t *testing.T) {
				want := map[string]string{
					secretkind.TagOwner: e.Owner, secretkind.TagTeam: e.Owner,
					secretkind.TagClassification: e.Classification, secretkind.TagKind: string(e.Kind),
				}
				if e.Rotated() {
					want[secretkind.TagRotationDays] = fmt.Sprint(e.RotationDays)
					want[secretkind.TagLength] = fmt.Sprint(e.Length)
				}
				for k, v := range want {
					assert.Equal(t, v, str(sec, "tags."+k), "tag %s", k)
				}
			})
			t.Run(run.name+"/"+e.Name+"/protected and retained per protectStateful", func(t *testing.T) {
				assert.Equal(t, cfg.ProtectStateful, sec.Protect, "protect")
				assert.Equal(t, cfg.ProtectStateful, sec.RetainOnDelete, "retain on delete")
			})
			t.Run(run.name+"/"+e.Name+"/first value", func(t *testing.T) {
				versions := bySecretID(m, restype.SecretsManagerSecretVersion, "secretId", sec)
				if e.Rotated() {
					// A version Pulumi wrote would lose its labels after two
					// rotations and be deleted; a refresh would drop it and
					// the next up write the retired value back.
					assert.Empty(t, versions, "a %s secret's first value must come from its first rotation, not from Pulumi", e.Kind)
					return
				}
				require.Len(t, versions, 1)
				v := versions[0]
				assert.Contains(t, v.SecretInputs, "secretString", "secretString is a secret input")
				assert.NotContains(t, v.IgnoreChanges, "secretString", "an external value set in config must reach the secret on the next `pulumi up`")
			})
		}
	}
}

func TestSecretRotation(t *testing.T) {
	for _, run := range secretsRuns(t) {
		m, cfg := run.m, run.cfg
		fn := only(t, m, restype.LambdaFunction)
		for _, e := range cfg.Secrets.Inventory {
			sec := secretNamed(t, m, e.Name)
			rot := bySecretID(m, restype.SecretsManagerSecretRotation, "secretId", sec)
			perms := bySecretID(m, restype.LambdaPermission, "sourceArn", sec)
			t.Run(run.name+"/"+e.Name+"/rotation schedule (SecretsManager.1, .4)", func(t *testing.T) {
				if !e.Rotated() {
					assert.Empty(t, rot, "external secret has %d rotations and %d permissions; its issuer rotates it", len(rot), len(perms))
					assert.Empty(t, perms, "external secret has %d rotations and %d permissions; its issuer rotates it", len(rot), len(perms))
					return
				}
				require.Len(t, rot, 1, "rotations")
				r := rot[0]
				assert.Equal(t, output(fn, "arn"), str(r, "rotationLambdaArn"), "rotationLambdaArn, want the rotation function")
				days := num(r, "rotationRules.automaticallyAfterDays")
				assert.Equal(t, e.RotationDays, days, "automaticallyAfterDays")
				assert.GreaterOrEqual(t, days, 1, "automaticallyAfterDays %d, want within 1..90", days)
				assert.LessOrEqual(t, days, 90, "automaticallyAfterDays %d, want within 1..90", days)
				immediate, _ := boolean(r, "rotateImmediately")
				assert.True(t, immediate, "rotateImmediately: a %s secret's first value comes from the first rotation", e.Kind)
			})
			t.Run(run.name+"/"+e.Name+"/invoke permission scoped to the secret and account", func(t *testing.T) {
				if !e.Rotated() {
					return
				}
				require.Len(t, perms, 1, "permissions")
				p := perms[0]
				assert.Equal(t, "secretsmanager.amazonaws.com", str(p, "principal"), "permission %v", p.Inputs)
				assert.Equal(t, run.s.Account(), str(p, "sourceAccount"), "permission %v", p.Inputs)
				assert.Equal(t, output(fn, "name"), str(p, "function"), "permission %v", p.Inputs)
				assert.Equal(t, "lambda:InvokeFunction", str(p, "action"), "permission %v", p.Inputs)
				assert.Contains(t, rot[0].Dependencies, p.URN, "the rotation does not wait for the permission; an immediate rotation would fail")
			})
		}
	}
}

func TestRotationFunction(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		fn := only(t, m, restype.LambdaFunction)
		key := only(t, m, restype.KMSKey)
		t.Run(stack+"/built for provided.al2023 on arm64 from the zip", func(t *testing.T) {
			assert.Equal(t, "provided.al2023", str(fn, "runtime"), "runtime")
			assert.Equal(t, "bootstrap", str(fn, "handler"), "handler")
			assert.Equal(t, []string{"arm64"}, strs(fn, "architectures"), "architectures")
			code := fn.Inputs["code"]
			if assert.True(t, code.IsArchive(), "code %v, want the archive at %s", code, artifact) {
				assert.Equal(t, artifact, code.ArchiveValue().Path, "code %v, want the archive at %s", code, artifact)
			}
		})
		t.Run(stack+"/no reserved concurrency unless asked for; encrypted environment, no variables (CKV_AWS_173, CKV_AWS_45)", func(t *testing.T) {
			// Reserving fails where the account's concurrency quota is still
			// the new-account 10: UnreservedConcurrentExecution may not drop
			// below 10 (Lambda developer guide, reserved concurrency).
			if _, set := fn.Inputs["reservedConcurrentExecutions"]; set != (cfg.Secrets.RotationConcurrency > 0) {
				assert.Failf(t, "check", "reservedConcurrentExecutions set=%v, want it only when secrets.rotationConcurrency asks (%d)", set, cfg.Secrets.RotationConcurrency)
			}
			// Lambda does not save a key without environment variables: a
			// refresh would read it back empty every time.
			assert.Nil(t, input(fn, "kmsKeyArn"), "kmsKeyArn without environment variables is a permanent diff")
			if input(fn, "environment") != nil {
				assert.Failf(t, "check", "environment %v; the function needs none", input(fn, "environment"))
			}
		})
		t.Run(stack+"/in the private subnets", func(t *testing.T) {
			subnets := strs(fn, "vpcConfig.subnetIds")
			private := subnetsByTier(t, m)["private"]
			require.Len(t, subnets, len(private), "subnets %v, want the %d private subnets", subnets, len(private))
			require.GreaterOrEqual(t, len(subnets), 2, "subnets %v, want the %d private subnets", subnets, len(private))
			for _, s := range private {
				assert.Contains(t, subnets, id(s), "private subnet %s missing", id(s))
			}
		})
		t.Run(stack+"/security group reaches only the VPC endpoints", func(t *testing.T) {
			groups := strs(fn, "vpcConfig.securityGroupIds")
			require.Len(t, groups, 1, "security groups %v, want 1", groups)
			endpoints := find(t, m, restype.EC2SecurityGroup, "for the endpoints", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-endpoints") })
			var rules []mockaws.Resource
			for _, typ := range []string{restype.VPCSecurityGroupIngressRule, restype.VPCSecurityGroupEgressRule} {
				for _, r := range m.ByType(typ) {
					if str(r, "securityGroupId") == groups[0] {
						rules = append(rules, r)
					}
				}
			}
			require.Len(t, rules, 1, "rules on the function's group, want one egress rule")
			r := rules[0]
			assert.Equal(t, restype.VPCSecurityGroupEgressRule, r.Type, "rule %s %v", r.Type, r.Inputs)
			assert.Equal(t, id(endpoints), str(r, "referencedSecurityGroupId"), "rule %s %v", r.Type, r.Inputs)
			assert.Equal(t, 443, num(r, "fromPort"), "rule %s %v", r.Type, r.Inputs)
			assert.Equal(t, 443, num(r, "toPort"), "rule %s %v", r.Type, r.Inputs)
			assert.NotEmpty(t, str(r, "description"), "rule %s %v", r.Type, r.Inputs)
		})
		t.Run(stack+"/log group encrypted, retained per config, in JSON", func(t *testing.T) {
			lg := find(t, m, restype.CloudWatchLogGroup, "named in the function's logging config", func(r mockaws.Resource) bool {
				return str(r, "name") == str(fn, "loggingConfig.logGroup")
			})
			assert.Equal(t, output(key, "arn"), str(lg, "kmsKeyId"), "log group kmsKeyId")
			assert.Equal(t, cfg.Secrets.LogRetentionDays, num(lg, "retentionInDays"), "log group retention")
			assert.Equal(t, "JSON", str(fn, "loggingConfig.logFormat"), "logFormat")
		})
		role := roleByARN(t, m, str(fn, "role"))
		t.Run(stack+"/role assumable by Lambda only", func(t *testing.T) {
			trust := parsePolicy(t, role, "assumeRolePolicy")
			require.Len(t, trust.Statement, 1, "trust %+v", trust)
			assert.Equal(t, `{"Service":["lambda.amazonaws.com"]}`, string(trust.Statement[0].Principal), "trust %+v", trust)
		})
		t.Run(stack+"/role allowed only on the rotated secrets and the key through Secrets Manager", func(t *testing.T) {
			rp := find(t, m, restype.IAMRolePolicy, "of the rotation role", func(r mockaws.Resource) bool { return str(r, "role") == output(role, "name") })
			doc := parsePolicy(t, rp, "policy")
			var rotated []string
			for _, e := range cfg.Secrets.Inventory {
				if e.Rotated() {
					rotated = append(rotated, output(secretNamed(t, m, e.Name), "arn").(string))
				}
			}
			for _, s := range doc.Statement {
				for _, a := range s.Action {
					switch {
					case a == "secretsmanager:GetRandomPassword":
						// No resource-level permission exists for it.
					case strings.HasPrefix(a, "secretsmanager:"):
						assert.True(t, sameSet(s.Resource, rotated), "%s on %v, want exactly the rotated secrets %v", a, s.Resource, rotated)
					case strings.HasPrefix(a, "kms:"):
						// The key and its replicas (PutSecretValue encrypts each
						// replica with its region's key), through Secrets Manager.
						keys, via := []string{output(key, "arn").(string)}, []string{"secretsmanager.us-east-1.amazonaws.com"}
						for _, rk := range m.ByType(restype.KMSReplicaKey) {
							keys = append(keys, output(rk, "arn").(string))
							via = append(via, "secretsmanager."+strings.Split(output(rk, "arn").(string), ":")[3]+".amazonaws.com")
						}
						assert.True(t, sameSet(s.Resource, keys), "%s on %v with %v, want the key and its replicas %v through Secrets Manager only", a, s.Resource, s.Condition, keys)
						assert.True(t, sameSet(s.Condition["StringEquals"]["kms:ViaService"], via), "%s on %v with %v, want the key and its replicas %v through Secrets Manager only", a, s.Resource, s.Condition, keys)
					case strings.HasPrefix(a, "logs:"):
						if assert.Len(t, s.Resource, 1, "%s on %v, want the function's log group", a, s.Resource) {
							assert.Contains(t, s.Resource[0], ":log-group:"+str(fn, "loggingConfig.logGroup")+":", "%s on %v, want the function's log group", a, s.Resource)
						}
					case strings.HasPrefix(a, "ec2:") && strings.Contains(a, "NetworkInterface"), a == "ec2:DescribeSubnets",
						a == "ec2:AssignPrivateIpAddresses", a == "ec2:UnassignPrivateIpAddresses":
					default:
						assert.Failf(t, "unexpected action", "unexpected action %s", a)
					}
				}
			}
		})
	}
}

func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(s string) bool { return !slices.Contains(b, s) })
}

// denies reports whether a Deny statement of doc applies to a request by
// principal, over TLS or not, evaluating the condition operators the
// program uses.
// denies reports whether doc explicitly denies principal's action on any
// resource the document names.
func denies(doc policyDoc, action, principal string, secure bool) bool {
	for _, s := range doc.Statement {
		for _, res := range s.Resource {
			req := iampolicy.Request{Principal: principal, Action: action, Resource: res, Context: map[string][]string{
				"aws:PrincipalArn": {principal}, "aws:SecureTransport": {fmt.Sprint(secure)}, "aws:PrincipalIsAWSService": {"false"},
			}}
			if evaluate(doc, req) == iampolicy.ExplicitDeny {
				return true
			}
		}
	}
	return false
}

// evaluate applies doc to req with the IAM evaluator (AWS's semantics for
// condition keys the request lacks).
func evaluate(doc policyDoc, req iampolicy.Request) iampolicy.Decision {
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	d, err := iampolicy.Parse(string(b))
	if err != nil {
		panic(err)
	}
	dec, err := iampolicy.Evaluate(d, req)
	if err != nil {
		panic(err)
	}
	return dec
}

// actionMatches reports whether a policy's action (maybe "svc:*") covers
// action.
func actionMatches(pattern, action string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(action, prefix)
	}
	return pattern == action
}

// conditionsHold evaluates a Condition block for a request context with
// the IAM evaluator.
func conditionsHold(cond map[string]map[string][]string, reqCtx map[string]string) bool {
	b, err := json.Marshal(map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Action": []string{"x:Y"}, "Resource": []string{"*"}, "Condition": cond}}})
	if err != nil {
		panic(err)
	}
	var doc policyDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		panic(err)
	}
	ctx := map[string][]string{}
	for k, v := range reqCtx {
		ctx[k] = []string{v}
	}
	return evaluate(doc, iampolicy.Request{Principal: "p", Action: "x:Y", Resource: "r", Context: ctx}) == iampolicy.Allowed
}

func TestSecretResourcePolicies(t *testing.T) {
	for _, run := range secretsRuns(t) {
		m, cfg := run.m, run.cfg
		fn := only(t, m, restype.LambdaFunction)
		rotationRole := str(fn, "role")
		app := find(t, m, restype.IAMRole, "of the app workload", func(r mockaws.Resource) bool { return r.Name == "hardening-"+strings.Split(run.name, "+")[0]+"-app" })
		other := "arn:aws:iam::123456789012:role/admin"
		for _, e := range cfg.Secrets.Inventory {
			sec := secretNamed(t, m, e.Name)
			pols := bySecretID(m, restype.SecretsManagerSecretPolicy, "secretArn", sec)
			t.Run(run.name+"/"+e.Name, func(t *testing.T) {
				require.Len(t, pols, 1, "resource policies")
				p := pols[0]
				block, _ := boolean(p, "blockPublicPolicy")
				assert.True(t, block, "blockPublicPolicy off")
				doc := parsePolicy(t, p, "policy")
				cases := []struct {
					name      string
					principal string
					secure    bool
					denied    bool
				}{
					{"reader over TLS", output(app, "arn").(string), true, false},
					{"reader without TLS", output(app, "arn").(string), false, true},
					{"another principal of the account", other, true, true},
					{"rotation function", rotationRole, true, !e.Rotated()},
				}
				for _, c := range cases {
					assert.Equal(t, c.denied, denies(doc, "secretsmanager:GetSecretValue", c.principal, c.secure), "%s: denied", c.name)
				}
				assert.True(t, denies(doc, "secretsmanager:PutSecretValue", rotationRole, false), "a write without TLS is not denied")
				for _, s := range doc.Statement {
					assert.NotEqual(t, "Allow", s.Effect, "statement %s allows; grants belong in identity policies", s.Sid)
				}
			})
		}
		t.Run(run.name+"/readers granted their own secrets only, decrypting through Secrets Manager", func(t *testing.T) {
			rp := find(t, m, restype.IAMRolePolicy, "of the app role", func(r mockaws.Resource) bool { return str(r, "role") == output(app, "name") })
			doc := parsePolicy(t, rp, "policy")
			var mine []string
			for _, e := range cfg.Secrets.Inventory {
				if slices.Contains(e.Readers, "app") {
					arn := output(secretNamed(t, m, e.Name), "arn").(string)
					mine = append(mine, arn)
					if e.ReplicaRegion != "" {
						// A replica has its primary's ARN in its own region.
						mine = append(mine, secrets.InRegion(arn, e.ReplicaRegion))
					}
				}
			}
			for _, s := range doc.Statement {
				switch {
				case slices.Contains(s.Action, "secretsmanager:GetSecretValue"):
					assert.True(t, sameSet(s.Resource, mine), "reads %v, want %v", s.Resource, mine)
				case slices.Contains(s.Action, "kms:Decrypt"):
					if assert.NotEmpty(t, s.Resource, "decrypt %v %v", s.Resource, s.Condition) {
						assert.True(t, strings.HasPrefix(s.Resource[0], "arn:aws:kms:"), "decrypt %v %v", s.Resource, s.Condition)
					}
					assert.NotNil(t, s.Condition["StringEquals"]["kms:ViaService"], "decrypt %v %v", s.Resource, s.Condition)
				default:
					assert.Failf(t, "unexpected statement", "unexpected statement %s %v", s.Sid, s.Action)
				}
			}
		})
	}
}

func TestSecretAudit(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		topic := only(t, m, restype.SNSTopic)
		topicARN := output(topic, "arn")
		key := only(t, m, restype.KMSKey)
		t.Run(stack+"/alerts topic encrypted with the stack key", func(t *testing.T) {
			assert.Equal(t, output(key, "arn"), str(topic, "kmsMasterKeyId"), "kmsMasterKeyId")
			doc := parsePolicy(t, only(t, m, restype.SNSTopicPolicy), "policy")
			assert.True(t, denies(doc, "sns:Publish", "arn:aws:iam::123456789012:role/x", false), "publishing without TLS is not denied")
		})
		t.Run(stack+"/rotation failures and secret changes go to the alerts topic", func(t *testing.T) {
			want := map[string][]string{
				"rotation failures": {"RotationFailed", "RotationAbandoned"},
				"secret changes":    {"DeleteSecret", "PutResourcePolicy", "DeleteResourcePolicy", "CancelRotateSecret"},
			}
			for what, events := range want {
				rule := find(t, m, restype.CloudWatchEventRule, what, func(r mockaws.Resource) bool {
					return strings.Contains(str(r, "eventPattern"), events[0])
				})
				var pattern struct {
					Source []string
					Detail struct{ EventName []string }
				}
				require.NoError(t, json.Unmarshal([]byte(str(rule, "eventPattern")), &pattern), "%s pattern", what)
				assert.Equal(t, []string{"aws.secretsmanager"}, pattern.Source, "%s source", what)
				for _, e := range events {
					assert.Contains(t, pattern.Detail.EventName, e, "%s does not match %s", what, e)
				}
				targets := 0
				for _, tg := range m.ByType(restype.CloudWatchEventTarget) {
					if str(tg, "rule") == output(rule, "name") {
						targets++
						assert.Equal(t, topicARN, str(tg, "arn"), "%s target, want the alerts topic", what)
					}
				}
				assert.Equal(t, 1, targets, "%s targets", what)
			}
		})
		t.Run(stack+"/alarm on the rotation function's errors", func(t *testing.T) {
			fn := only(t, m, restype.LambdaFunction)
			alarm := find(t, m, restype.CloudWatchMetricAlarm, "on the function's errors", func(r mockaws.Resource) bool {
				return str(r, "namespace") == "AWS/Lambda" && str(r, "metricName") == "Errors"
			})
			assert.Equal(t, output(fn, "name"), str(alarm, "dimensions.FunctionName"), "dimensions %v", input(alarm, "dimensions"))
			assert.Equal(t, []string{topicARN.(string)}, strs(alarm, "alarmActions"), "alarmActions, want the alerts topic")
			assert.Equal(t, "GreaterThanThreshold", str(alarm, "comparisonOperator"), "alarm fires on %s %v", str(alarm, "comparisonOperator"), input(alarm, "threshold"))
			assert.Equal(t, 0.0, input(alarm, "threshold"), "alarm fires on %s %v", str(alarm, "comparisonOperator"), input(alarm, "threshold"))
		})
	}
}

func TestSecretReplica(t *testing.T) {
	m, cfg := deployed(t, "prod"), stackConfig(t, "prod")
	key := only(t, m, restype.KMSKey)
	var replicated []stackconfig.Secret
	for _, e := range cfg.Secrets.Inventory {
		if e.ReplicaRegion != "" {
			replicated = append(replicated, e)
		}
	}
	require.NotEmpty(t, replicated, "prod replicates no secret")
	t.Run("prod/primary key is multi-Region", func(t *testing.T) {
		v, _ := boolean(key, "multiRegion")
		assert.True(t, v, "multiRegion off")
	})
	for _, e := range replicated {
		t.Run("prod/"+e.Name+"/replica encrypted by a replica key in its region", func(t *testing.T) {
			sec := secretNamed(t, m, e.Name)
			replicas, _ := input(sec, "replicas").([]any)
			require.Len(t, replicas, 1, "replicas %v", replicas)
			rep := replicas[0].(map[string]any)
			assert.Equal(t, e.ReplicaRegion, rep["region"], "replica region")
			rk := find(t, m, restype.KMSReplicaKey, "used by the replica", func(r mockaws.Resource) bool { return output(r, "arn") == rep["kmsKeyId"] })
			assert.Equal(t, output(key, "arn"), str(rk, "primaryKeyArn"), "primaryKeyArn")
			provider := find(t, m, restype.ProviderAWS, "of the replica key", func(r mockaws.Resource) bool {
				return strings.HasPrefix(rk.Provider, r.URN+"::")
			})
			assert.Equal(t, e.ReplicaRegion, str(provider, "region"), "replica key provider region")
			doc := parsePolicy(t, rk, "policy")
			for _, s := range doc.Statement {
				if v := s.Condition["StringEquals"]["kms:ViaService"]; v != nil {
					assert.Contains(t, v, "secretsmanager."+e.ReplicaRegion+".amazonaws.com", "replica key policy statement %s scopes to %v, not the replica region", s.Sid, v)
				}
			}
			assert.True(t, rk.Protect, "the replica key is not protected in prod")
		})
	}
}

// TestNoSecretValueInPlainText scans every recorded input and output of
// every run for the values of secure config keys and of generated
// passwords; an occurrence outside a secret value fails.
func TestNoSecretValueInPlainText(t *testing.T) {
	for _, run := range secretsRuns(t) {
		t.Run(run.name, func(t *testing.T) {
			values := map[string]string{}
			for _, k := range run.s.SecretKeys {
				values[k] = mockaws.TestSecret(k)
			}
			for _, r := range run.m.ByType(restype.RandomPassword) {
				values[r.URN] = mockaws.RandomValue(r.URN)
			}
			for _, r := range run.m.ByType(restype.CognitoUserPoolClient) {
				values[r.URN] = mockaws.ClientSecretValue(r.URN)
			}
			if len(run.m.ByType(restype.CognitoUserPoolClient)) == 0 {
				require.Fail(t, "no provider-generated secret to look for; the scan would prove nothing")
			}
			seen := map[string]bool{}
			for _, r := range run.m.Resources() {
				for label, pm := range map[string]resource.PropertyMap{"inputs": r.Inputs, "outputs": r.Outputs} {
					all, _ := json.Marshal(pm.Mappable())
					masked, _ := json.Marshal(plan.MaskedInputs(pm))
					for what, v := range values {
						if strings.Contains(string(all), v) {
							seen[what] = true
						}
						// Not assert.NotContains: its message would print the value.
						assert.False(t, strings.Contains(string(masked), v), "%s %s %s hold the value of %s unsecret", r.Type, r.Name, label, what)
					}
				}
			}
			for what := range values {
				assert.True(t, seen[what], "the value of %s is nowhere, so the scan proved nothing for it", what)
			}
		})
	}
	t.Run("stack files hold no external value in plain text", func(t *testing.T) {
		for _, stack := range stacks {
			b, err := os.ReadFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
			require.NoError(t, err)
			for i, line := range strings.Split(string(b), "\n") {
				if strings.Contains(line, "hardening:secret-") && !strings.Contains(line, "secure:") {
					next := ""
					if lines := strings.Split(string(b), "\n"); i+1 < len(lines) {
						next = lines[i+1]
					}
					// Not assert.Contains: its message would print the value.
					assert.True(t, strings.Contains(next, "secure:"), "Pulumi.%s.yaml line %d sets a secret value without secure:", stack, i+1)
				}
			}
		}
	})
}

func TestMissingRotationArtifact(t *testing.T) {
	s := loadStack(t, "dev")
	setField(t, s, "secrets", "rotationArtifact", filepath.Join(t.TempDir(), "rotation.zip"))
	m, err := s.Run(baseline.Run)
	require.Error(t, err, "the program ran without its rotation function")
	for _, want := range []string{"secrets.rotationArtifact:", "go run ./cmd/buildlambda"} {
		assert.ErrorContains(t, err, want)
	}
	assert.Empty(t, m.Resources(), "resources registered before the error")
}

func TestPlainExternalValueRefused(t *testing.T) {
	s := withExternal(t, "dev")
	s.SecretKeys = slices.DeleteFunc(s.SecretKeys, func(k string) bool { return strings.HasSuffix(k, "secret-partner-token") })
	m, err := s.Run(baseline.Run)
	require.ErrorContains(t, err, "secret-partner-token: is in plain text", "want the plain-text value refused")
	assert.Empty(t, m.Resources(), "resources registered before the error")
}
