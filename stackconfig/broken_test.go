package stackconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/mockaws"
)

// setAt sets the value at a dotted path ("inventory.0.rotationDays") of a
// JSON document, creating objects on the way; a path of "" replaces it.
func setAt(t *testing.T, raw, path string, v any) string {
	t.Helper()
	if path == "" {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return string(b)
	}
	var doc any = map[string]any{}
	if raw != "" {
		require.NoError(t, json.Unmarshal([]byte(raw), &doc))
	}
	parts := strings.Split(path, ".")
	cur := doc
	for i, p := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = v
				break
			}
			if c[p] == nil {
				c[p] = map[string]any{}
			}
			cur = c[p]
		case []any:
			n, err := strconv.Atoi(p)
			require.NoError(t, err, "index %q in %s", p, path)
			require.Less(t, n, len(c), "index %d in %s", n, path)
			if last {
				c[n] = v
				break
			}
			cur = c[n]
		default:
			require.Failf(t, "path", "%s: %q is not an object or list", path, p)
		}
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return string(b)
}

// edit is one change to a stack file: the value at path of key's JSON.
type edit struct {
	key, path string
	value     any
}

func parseEdited(t *testing.T, stack string, edits ...edit) (*Config, error) {
	t.Helper()
	s, err := mockaws.LoadStack("..", stack)
	require.NoError(t, err)
	for _, e := range edits {
		raw, _ := s.Value(e.key)
		s.Set(e.key, setAt(t, raw, e.path, e.value))
	}
	return ParseKeys(s.Keys(), s.Value, s.IsSecret)
}

func long(prefix string, n int) string { return prefix + strings.Repeat("x", n-len(prefix)) }

// TestBrokenStackFilesAreRefusedAtTheirKey: each case breaks the real dev
// or prod stack file in a way AWS would refuse, or that contradicts
// another setting, and validation refuses it naming the key, before
// anything is registered. The cases are of kinds beyond the issue's
// examples, across every section.
func TestBrokenStackFilesAreRefusedAtTheirKey(t *testing.T) {
	otherAccount := "arn:aws:iam::999988887777:role/hardening-administrator"
	cases := []struct {
		name  string
		stack string
		edits []edit
		key   string // the key path the error must name
	}{
		// aws:defaultTags: every tagged resource carries them.
		{"a default tag with AWS's reserved prefix", "dev", []edit{{"aws:defaultTags", "tags.aws:team", "x"}}, "aws:defaultTags.tags.aws:team"},
		{"a default tag key of 129", "dev", []edit{{"aws:defaultTags", "tags." + long("k", 129), "x"}}, "aws:defaultTags.tags." + long("k", 129)},
		{"a default tag value of 257", "prod", []edit{{"aws:defaultTags", "tags.project", long("v", 257)}}, "aws:defaultTags.tags.project"},
		{"a default tag value with a semicolon", "prod", []edit{{"aws:defaultTags", "tags.project", "a;b"}}, "aws:defaultTags.tags.project"},
		{"a default tag the ABAC conditions read", "prod", []edit{{"aws:defaultTags", "tags.team", "app"}}, "aws:defaultTags.tags.team"},
		// secrets
		{"rotation every 0 days", "dev", []edit{{"hardening:secrets", "inventory.0.rotationDays", 0}}, "secrets.inventory[0].rotationDays"},
		{"a generated length of 0", "dev", []edit{{"hardening:secrets", "inventory.1.length", 0}}, "secrets.inventory[1].length"},
		{"a deployer of another partition", "dev", []edit{{"hardening:secrets", "deployers.0", "arn:aws-cn:iam::111122223333:role/hardening-administrator"}}, "secrets.deployers[0]"},
		{"a deployer of another account", "prod", []edit{{"hardening:secrets", "deployers.0", otherAccount}}, "secrets.deployers[0]"},
		{"a replica in another partition", "prod", []edit{{"hardening:secrets", "inventory.0.replicaRegion", "cn-north-1"}}, "secrets.inventory[0].replicaRegion"},
		// workloads
		{"a service principal that does not exist", "dev", []edit{{"hardening:workloads", "0.service", "ecs-task.amazonaws.com"}}, "workloads[0].service"},
		{"a misspelt service principal", "prod", []edit{{"hardening:workloads", "", []any{map[string]any{"name": "app", "team": "app", "service": "lamda.amazonaws.com"}}}}, "workloads[0].service"},
		{"a China principal in the aws partition", "prod", []edit{{"hardening:workloads", "", []any{map[string]any{"name": "app", "team": "app", "service": "ecs-tasks.amazonaws.com.cn"}}}}, "workloads[0].service"},
		// kms
		{"a key administrator of another partition", "prod", []edit{{"hardening:kms", "administrators", []any{"arn:aws-us-gov:iam::123456789012:role/admin"}}}, "kms.administrators[0]"},
		{"a key administrator of another account", "prod", []edit{{"hardening:kms", "administrators", []any{otherAccount}}}, "kms.administrators[0]"},
		// tls
		{"a hosted zone id longer than Route 53's", "prod", []edit{{"hardening:tls", "hostedZoneId", "Z" + strings.Repeat("A", 32)}}, "tls.hostedZoneId"},
		{"a health-check path over 1024", "dev", []edit{{"hardening:tls", "healthCheckPath", long("/", 1025)}}, "tls.healthCheckPath"},
		{"a target port of 0 said out loud", "dev", []edit{{"hardening:tls", "targetPort", 0}}, "tls.targetPort"},
		{"more names than a certificate takes", "prod", []edit{{"hardening:tls", "alternativeNames", manyNames(100)}}, "tls.alternativeNames"},
		{"the domain again among the alternative names", "prod", []edit{{"hardening:tls", "alternativeNames", []any{"app.example.com"}}}, "tls.alternativeNames[0]"},
		// identity
		{"a callback URL over 1024", "dev", []edit{{"hardening:identity", "client.callbackUrls", []any{long("https://app.dev.internal/", 1025)}}}, "identity.client.callbackUrls[0]"},
		{"a logout URL over 1024", "prod", []edit{{"hardening:identity", "client.logoutUrls", []any{long("https://app.example.com/", 1025)}}}, "identity.client.logoutUrls[0]"},
		{"101 callback URLs", "prod", []edit{{"hardening:identity", "client.callbackUrls", manyURLs(101)}}, "identity.client.callbackUrls"},
		{"a Sid twice in a role", "prod", []edit{{"hardening:identity", "roles", []any{map[string]any{"name": "reader", "statements": []any{
			map[string]any{"sid": "Read", "actions": []any{"cloudwatch:GetMetricData"}, "resources": []any{"*"}},
			map[string]any{"sid": "Read", "actions": []any{"cloudwatch:ListMetrics"}, "resources": []any{"*"}},
		}}}}, {"hardening:identity", "groups", []any{map[string]any{"name": "readers", "precedence": 1, "role": "reader"}}}}, "identity.roles[0].statements[1].sid"},
		{"a role resource of another partition", "prod", []edit{{"hardening:identity", "roles", []any{map[string]any{"name": "reader", "statements": []any{
			map[string]any{"sid": "Read", "actions": []any{"logs:GetLogEvents"}, "resources": []any{"arn:aws-cn:logs:cn-north-1:123456789012:log-group:x"}},
		}}}}, {"hardening:identity", "groups", []any{map[string]any{"name": "readers", "precedence": 1, "role": "reader"}}}}, "identity.roles[0].statements[0].resources[0]"},
		{"a role resource that is no ARN", "prod", []edit{{"hardening:identity", "roles", []any{map[string]any{"name": "reader", "statements": []any{
			map[string]any{"sid": "Read", "actions": []any{"logs:GetLogEvents"}, "resources": []any{"log-group:x"}},
		}}}}, {"hardening:identity", "groups", []any{map[string]any{"name": "readers", "precedence": 1, "role": "reader"}}}}, "identity.roles[0].statements[0].resources[0]"},
		{"an SES identity of another partition", "prod", []edit{{"hardening:identity", "userPool.sesSourceArn", "arn:aws-cn:ses:cn-north-1:123456789012:identity/example.com"}}, "identity.userPool.sesSourceArn"},
		{"a From address outside the SES identity", "prod", []edit{{"hardening:identity", "userPool.emailFrom", "no-reply@example.org"}}, "identity.userPool.emailFrom"},
		{"an SMS role that is a user", "prod", []edit{{"hardening:identity", "userPool.sms", true}, {"hardening:identity", "userPool.smsRoleArn", "arn:aws:iam::123456789012:user/sms"}}, "identity.userPool.smsRoleArn"},
		{"a passkey relying party that is not the stack's domain", "prod", []edit{{"hardening:identity", "userPool.passkeys", true}, {"hardening:identity", "userPool.relyingPartyId", "example.org"}}, "identity.userPool.relyingPartyId"},
		{"a state key of another partition", "dev", []edit{{"hardening:identity", "ci.stateKeyArn", "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/00000000-0000-4000-8000-00000000dev0"}}, "identity.ci.stateKeyArn"},
		{"a state key of another account", "dev", []edit{{"hardening:identity", "ci.stateKeyArn", "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-00000000dev0"}}, "identity.ci.stateKeyArn"},
		// audit
		{"an organization trail of another partition", "prod", []edit{{"hardening:audit", "trail.enabled", false}, {"hardening:audit", "trail.objectLockDays", 0}, {"hardening:audit", "trail.organizationTrailArn", "arn:aws-cn:cloudtrail:cn-north-1:123456789012:trail/org"}}, "audit.trail.organizationTrailArn"},
		// rate limiting
		{"a metric prefix WAF refuses", "prod", []edit{{"hardening:rateLimit", "metricPrefix", "hardening prod"}}, "rateLimit.metricPrefix"},
		// network
		{"an interface endpoint nobody offers", "prod", []edit{{"hardening:network", "interfaceEndpoints", []any{"secretsmanager", "secretmanager"}}}, "network.interfaceEndpoints[1]"},
		{"an interface endpoint twice", "prod", []edit{{"hardening:network", "interfaceEndpoints", []any{"secretsmanager", "kms", "kms"}}}, "network.interfaceEndpoints[2]"},
		{"a load balancer CIDR twice", "prod", []edit{{"hardening:network", "loadBalancerIngressCidrs", []any{"203.0.113.0/24", "203.0.113.0/24"}}}, "network.loadBalancerIngressCidrs[1]"},
		// alerts
		{"one address subscribed twice", "prod", []edit{{"hardening:alerts", "emails", []any{"Security@example.com", "security@example.com"}}}, "alerts.emails[1]"},
		{"an address without a reachable domain", "prod", []edit{{"hardening:alerts", "emails", []any{"security@localhost"}}}, "alerts.emails[0]"},
		{"credentials in an alert endpoint's URL", "prod", []edit{{"hardening:alerts", "httpsEndpoints", []any{"https://user:hunter2@hooks.example.com/alerts"}}}, "alerts.httpsEndpoints[0]"},
		// more of tls, identity, kms, rate limiting
		{"a key administrator twice", "prod", []edit{{"hardening:kms", "administrators", []any{"arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"}}}, "kms.administrators[1]"},
		{"an alternative name longer than DNS allows", "prod", []edit{{"hardening:tls", "alternativeNames", []any{strings.Repeat("a", 60) + "." + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + ".example.com"}}}, "tls.alternativeNames[0]"},
		{"a health-check path with a space", "prod", []edit{{"hardening:tls", "healthCheckPath", "/health check"}}, "tls.healthCheckPath"},
		{"a private CA server name over a common name's 64", "dev", []edit{{"hardening:tls", "privateCa.serverName", strings.Repeat("a", 60) + ".dev.internal"}}, "tls.privateCa.serverName"},
		{"an SES identity in a region Cognito does not send from", "prod", []edit{{"hardening:identity", "userPool.sesSourceArn", "arn:aws:ses:ap-east-1:123456789012:identity/example.com"}}, "identity.userPool.sesSourceArn"},
		{"a callback URL twice", "prod", []edit{{"hardening:identity", "client.callbackUrls", []any{"https://app.example.com/oauth2/idpresponse", "https://app.example.com/oauth2/idpresponse"}}}, "identity.client.callbackUrls[1]"},
		{"previews where deploys run", "prod", []edit{{"hardening:identity", "ci.previewEnvironment", "production"}}, "identity.ci.previewEnvironment"},
		{"a wildcard drift branch beside an environment", "prod", []edit{{"hardening:identity", "ci.branch", "*"}}, "identity.ci.branch"},
		{"a temporary password valid longer than Cognito allows", "prod", []edit{{"hardening:identity", "userPool.temporaryPasswordDays", 400}}, "identity.userPool.temporaryPasswordDays"},
		{"an IP blocked twice", "prod", []edit{{"hardening:rateLimit", "ipBlockList", []any{"203.0.113.0/24", "203.0.113.0/24"}}}, "rateLimit.ipBlockList[1]"},
		{"a forwarded-IP header on a load balancer open to all", "prod", []edit{{"hardening:rateLimit", "forwardedIpHeader", "X-Forwarded-For"}}, "rateLimit.forwardedIpHeader"},
		{"a rotation period on an external secret", "dev", []edit{{"hardening:secrets", "inventory", []any{map[string]any{"name": "partner-token", "description": "Token of the partner API", "owner": "app", "classification": "confidential", "kind": "external", "rotationDays": 30, "readers": []any{"app"}}}}}, "secrets.inventory[0].rotationDays"},
		{"a group precedence beyond Cognito's 32 bits", "prod", []edit{{"hardening:identity", "groups", []any{map[string]any{"name": "admins", "precedence": 3000000000, "role": "admin"}}}}, "identity.groups[0].precedence"},
		{"more blocked ranges than an IP set holds", "prod", []edit{{"hardening:rateLimit", "ipBlockList", manyCIDRs(10001)}}, "rateLimit.ipBlockList"},
		{"a key deleted before its secrets' recovery ends", "prod", []edit{{"hardening:kms", "deletionWindowDays", 7}}, "kms.deletionWindowDays"},
		{"app egress to the VPC itself", "dev", []edit{{"hardening:network", "appHttpsEgressCidrs", []any{"10.20.8.0/24"}}}, "network.appHttpsEgressCidrs[0]"},
		{"callbacks without the load balancer's own", "prod", []edit{{"hardening:identity", "client.callbackUrls", []any{"https://app.example.com/callback"}}}, "identity.client.callbackUrls"},
		{"a reader listed twice", "dev", []edit{{"hardening:secrets", "inventory.0.readers", []any{"app", "app"}}}, "secrets.inventory[0].readers[1]"},
	}
	for _, c := range cases {
		t.Run(c.stack+"/"+c.name, func(t *testing.T) {
			_, err := parseEdited(t, c.stack, c.edits...)
			require.Error(t, err, "accepted")
			var keys []string
			var fe *FieldError
			for _, p := range err.(*Error).Problems {
				if errors.As(p, &fe) {
					keys = append(keys, fe.Key)
				}
			}
			assert.Contains(t, keys, c.key, "want a problem at %s; got %v", c.key, err)
		})
	}
}

func manyNames(n int) []any {
	var out []any
	for i := range n {
		out = append(out, "n"+strconv.Itoa(i)+".example.com")
	}
	return out
}

func manyURLs(n int) []any {
	var out []any
	for i := range n {
		out = append(out, "https://app.example.com/cb"+strconv.Itoa(i))
	}
	return out
}

// TestConfigMembersTrace: every setting checked against a model member
// is the Config of the awsname.InputMembers row of the input it feeds,
// with the same member, and the other way round, so that the rule's
// finding on the input names the key validation names.
func TestConfigMembersTrace(t *testing.T) {
	fromTable := map[string]string{}
	for _, im := range awsname.InputMembers {
		if im.Config != "" && im.Member != "" {
			fromTable[im.Config] = im.Member
		}
	}
	fromConfig := map[string]string{}
	for _, cm := range configMembers {
		fromConfig[cm.Key] = cm.Member
	}
	assert.Equal(t, fromTable, fromConfig, "awsname.InputMembers' Config against stackconfig's configMembers")
	require.NotEmpty(t, fromConfig)
}

// TestProjectFilesThatContradictEachOther: one real stack file edited to
// collide with another's; CheckProject names the key in both files.
func TestProjectFilesThatContradictEachOther(t *testing.T) {
	real := func(name string) Stack {
		cfg, err := parseEdited(t, name)
		require.NoError(t, err, name)
		return Stack{Name: name, Config: cfg}
	}
	cases := []struct {
		name  string
		stack string
		edits []edit
		want  []string
	}{
		{"dev serves prod's domain", "dev", []edit{{"hardening:tls", "domain", "app.example.com"}, {"hardening:tls", "hostedZoneId", "Z0EXAMPLE"}, {"hardening:tls", "privateCa.enabled", false}, {"hardening:tls", "mutualTls.enabled", false}},
			[]string{"Pulumi.dev.yaml: tls.domain", "Pulumi.prod.yaml: tls.domain"}},
		{"dev takes prod's Cognito domain prefix", "dev", []edit{{"hardening:identity", "userPool.domainPrefix", "hardening-prod"}},
			[]string{"Pulumi.dev.yaml: identity.userPool.domainPrefix", "Pulumi.prod.yaml: identity.userPool.domainPrefix"}},
		{"dev deploys from prod's GitHub environment", "dev", []edit{{"hardening:identity", "ci.environment", "production"}},
			[]string{"Pulumi.dev.yaml: identity.ci.environment", "Pulumi.prod.yaml: identity.ci.environment"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stacks []Stack
			for _, n := range []string{"bootstrap-dev", "bootstrap-prod", "dev", "prod"} {
				if n != c.stack {
					stacks = append(stacks, real(n))
				}
			}
			cfg, err := parseEdited(t, c.stack, c.edits...)
			require.NoError(t, err, "the edited file is valid on its own")
			stacks = append(stacks, Stack{Name: c.stack, Config: cfg})
			var got []string
			for _, e := range CheckProject(stacks) {
				got = append(got, e.Error())
			}
			for _, w := range c.want {
				assert.True(t, slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w+":") }), "want a problem at %s; got %v", w, got)
			}
		})
	}
	var stacks []Stack
	for _, n := range []string{"bootstrap-dev", "bootstrap-prod", "dev", "prod"} {
		stacks = append(stacks, real(n))
	}
	assert.Empty(t, CheckProject(stacks), "the project's own stack files agree")

	t.Run("two stacks of one account with one stack tag and one state key", func(t *testing.T) {
		dev, qa := real("dev"), real("dev")
		qa.Name = "qa"
		dev.Config.SharedAccount, qa.Config.SharedAccount = true, true
		var got []string
		for _, e := range checkAgreement([]Stack{dev, qa}) {
			got = append(got, e.Error())
		}
		for _, w := range []string{"Pulumi.dev.yaml: aws:defaultTags.tags.environment", "Pulumi.qa.yaml: aws:defaultTags.tags.environment", "Pulumi.qa.yaml: identity.ci.stateKeyArn", "Pulumi.qa.yaml: identity.ci.environment"} {
			assert.True(t, slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w+":") }), "want a problem at %s; got %v", w, got)
		}
	})
}

func manyCIDRs(n int) []any {
	var out []any
	for i := range n {
		out = append(out, fmt.Sprintf("100.%d.%d.0/24", 64+i/256%64, i%256))
	}
	return out
}
