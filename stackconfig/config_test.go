package stackconfig

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/identity/signin"
	"github.com/example/hardening/network/addressing"
	"github.com/example/hardening/ratelimit/limits"
)

// parse parses values over the minimal config. An object other than "tls"
// (whose cases test what is missing) is merged over the minimal one, field
// by field and recursively, so that cases need not repeat what every stack
// must say.
func parse(values map[string]string) (*Config, error) {
	return Parse(func(key string) (string, bool) {
		v, ok := values[key]
		base, inMinimal := minimal[key]
		switch {
		case ok && inMinimal && key != "tls":
			return mergeObjects(base, v), true
		case ok:
			return v, true
		}
		return base, inMinimal
	}, func(key string) bool { return secretKeys[key] })
}

// mergeObjects overlays the JSON object over onto base, recursively;
// anything that is not two objects is over unchanged.
func mergeObjects(base, over string) string {
	var b, o map[string]json.RawMessage
	if json.Unmarshal([]byte(base), &b) != nil || json.Unmarshal([]byte(over), &o) != nil {
		return over
	}
	for k, v := range o {
		if prev, ok := b[k]; ok {
			v = json.RawMessage(mergeObjects(string(prev), string(v)))
		}
		b[k] = v
	}
	out, _ := json.Marshal(b)
	return string(out)
}

// secretKeys are the keys parse reports as secret.
var secretKeys = map[string]bool{"secret-partner-token": true}

// minimal is the least a stack must say: where it serves.
var minimal = map[string]string{
	"aws:allowedAccountIds": `["123456789012"]`,
	"tls":                   `{"domain":"app.example.com","hostedZoneId":"Z0EXAMPLE"}`,
	"secrets":               `{"deployers":["arn:aws:iam::123456789012:role/admin"]}`,
	"audit":                 `{"configRecorderExists":true}`,
	"identity":              `{"userPool":{"sesSourceArn":"arn:aws:ses:us-east-1:123456789012:identity/example.com","emailFrom":"no-reply@example.com"}}`,
}

func TestDefaultsAreValidAndSecure(t *testing.T) {
	cfg, err := parse(minimal)
	require.NoError(t, err, "defaults do not validate")
	cases := []struct {
		name string
		ok   bool
	}{
		{"stateful resources protected", cfg.ProtectStateful},
		{"one NAT gateway per zone", cfg.Network.NATGateways == addressing.NATPerZone},
		{"flow logs kept a year", cfg.Network.FlowLogRetentionDays >= 365},
		{"no app egress beyond the VPC endpoints", len(cfg.Network.AppHTTPSEgressCIDRs) == 0},
		{"longest KMS deletion window", cfg.KMS.DeletionWindowDays == 30},
		{"at least 3 zones", cfg.Network.AZCount >= 3},
		{"load balancer deletion protection", cfg.TLS.DeletionProtection},
		{"TLS policy accepted by ELB.17", cfg.TLS.SSLPolicy == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"},
		{"ECDSA certificate key", cfg.TLS.KeyAlgorithm == "EC_prime256v1"},
		{"mutual TLS off unless asked", !cfg.TLS.MutualTLS.Enabled},
		{"target group on the app port", cfg.TLS.TargetPort == cfg.Network.AppPort},
		{"rate rules block", cfg.RateLimit.Mode == limits.Block},
		{"anonymous IPs blocked", cfg.RateLimit.AnonymousIPList},
		{"web ACL within WAF's capacity", cfg.RateLimit.Capacity() <= 1500},
		{"WAF logs kept a year", cfg.RateLimit.LogRetentionDays >= 365},
		{"own multi-Region trail", cfg.Audit.Trail.Enabled},
		{"trail logs kept a year", cfg.Audit.Trail.LogRetentionDays >= 365 && cfg.Audit.Trail.BucketExpirationDays >= 365},
		{"GuardDuty and Security Hub on", cfg.Audit.GuardDuty && cfg.Audit.SecurityHub},
		{"production unless a stack says otherwise", cfg.Production},
		{"MFA required", cfg.Identity.UserPool.MFA == signin.MFAOn},
		{"threat protection enforced on PLUS", cfg.Identity.UserPool.ThreatProtection == signin.Enforced && cfg.Identity.UserPool.Tier == signin.Plus},
		{"passwords of 14 or more, invitations valid a day", cfg.Identity.UserPool.PasswordMinLength >= 14 && cfg.Identity.UserPool.TemporaryPasswordDays == 1},
		{"administrators create users", !cfg.Identity.UserPool.SelfSignUp},
		{"tokens an hour, refresh a month at most", cfg.Identity.Client.AccessTokenMinutes <= 60 && cfg.Identity.Client.RefreshTokenDays <= 30},
		{"a workload stack", cfg.Kind == WorkloadKind},
		{"its own account", !cfg.SharedAccount},
		{"the bootstrap's guardrails and OIDC provider on", cfg.Bootstrap.Guardrails && cfg.Bootstrap.CreateProvider && cfg.Bootstrap.AccessAnalyzers.External && cfg.Bootstrap.AccessAnalyzers.Unused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.True(t, c.ok, "default config: %+v", cfg)
		})
	}
}

func TestValidationMessages(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"cidr not a CIDR", map[string]string{"network": `{"cidr":"10.0.0.0/33"}`}, `network.cidr: "10.0.0.0/33" is not a valid IPv4 CIDR`},
		{"cidr IPv6", map[string]string{"network": `{"cidr":"fd00::/48"}`}, `network.cidr: "fd00::/48" is not a valid IPv4 CIDR`},
		{"cidr host bits", map[string]string{"network": `{"cidr":"10.0.0.1/16"}`}, `network.cidr: "10.0.0.1/16" has host bits set; the network address is 10.0.0.0/16`},
		{"cidr larger than a VPC", map[string]string{"network": `{"cidr":"10.0.0.0/8"}`}, `network.cidr: "10.0.0.0/8" is larger than AWS allows for a VPC; use a prefix from /16 to /23`},
		{"cidr too small for the layout", map[string]string{"network": `{"cidr":"10.0.0.0/24"}`}, `network.cidr: "10.0.0.0/24" is too small for the subnet layout`},
		{"cidr public", map[string]string{"network": `{"cidr":"8.8.0.0/16"}`}, `network.cidr: "8.8.0.0/16" is not in an RFC 1918 private range`},
		{"azCount too few", map[string]string{"network": `{"azCount":1}`}, "network.azCount: 1 is out of range; use 2 to 6 zones"},
		{"azCount too many", map[string]string{"network": `{"azCount":7}`}, "network.azCount: 7 is out of range; use 2 to 6 zones"},
		{"natGateways unknown", map[string]string{"network": `{"natGateways":"none"}`}, `network.natGateways: "none" is not a NAT layout; use "perZone" or "single"`},
		{"lb CIDRs empty", map[string]string{"network": `{"loadBalancerIngressCidrs":[]}`}, "network.loadBalancerIngressCidrs: is empty"},
		{"lb CIDR invalid", map[string]string{"network": `{"loadBalancerIngressCidrs":["anywhere"]}`}, `network.loadBalancerIngressCidrs[0]: "anywhere" is not a valid IPv4 CIDR`},
		{"lb CIDR host bits", map[string]string{"network": `{"loadBalancerIngressCidrs":["192.0.2.1/24"]}`}, `network.loadBalancerIngressCidrs[0]: "192.0.2.1/24" has host bits set`},
		{"egress CIDR invalid", map[string]string{"network": `{"appHttpsEgressCidrs":["x"]}`}, `network.appHttpsEgressCidrs[0]: "x" is not a valid IPv4 CIDR`},
		{"app port out of range", map[string]string{"network": `{"appPort":70000}`}, "network.appPort: 70000 is not a TCP port; use 1 to 65535"},
		{"app port SSH", map[string]string{"network": `{"appPort":22}`}, "network.appPort: 22 is a remote-administration port (SSH or RDP)"},
		{"database port RDP", map[string]string{"network": `{"databasePort":3389}`}, "network.databasePort: 3389 is a remote-administration port"},
		{"ports equal", map[string]string{"network": `{"appPort":5432,"databasePort":5432}`}, "network.databasePort: 5432 is also the app port"},
		{"retention not accepted by CloudWatch", map[string]string{"network": `{"flowLogRetentionDays":100}`}, "network.flowLogRetentionDays: 100 is not a CloudWatch Logs retention; use one of [1 3 5"},
		{"flow-log archive not an ARN", map[string]string{"network": `{"flowLogArchiveBucketArn":"hardening-flow-logs"}`}, `network.flowLogArchiveBucketArn: "hardening-flow-logs" is not an S3 bucket ARN`},
		{"flow-log archive another service's ARN", map[string]string{"network": `{"flowLogArchiveBucketArn":"arn:aws:logs:us-east-1:123456789012:log-group:x"}`}, `network.flowLogArchiveBucketArn: "arn:aws:logs:us-east-1:123456789012:log-group:x" is not an S3 bucket ARN`},
		{"flow-log archive unknown partition", map[string]string{"network": `{"flowLogArchiveBucketArn":"arn:aws-xx:s3:::logs-bucket"}`}, `is not an S3 bucket ARN`},
		{"flow-log archive with a prefix", map[string]string{"network": `{"flowLogArchiveBucketArn":"arn:aws:s3:::logs-bucket/vpc/"}`}, `network.flowLogArchiveBucketArn: "arn:aws:s3:::logs-bucket/vpc/" names a key or prefix`},
		{"flow-log archive bucket name upper case", map[string]string{"network": `{"flowLogArchiveBucketArn":"arn:aws:s3:::Logs"}`}, `bucket name "Logs" is not one S3 accepts`},
		{"flow-log archive bucket name too long", map[string]string{"network": `{"flowLogArchiveBucketArn":"arn:aws:s3:::` + strings.Repeat("a", 64) + `"}`}, `is not one S3 accepts`},
		{"flow-log archive bucket name adjacent dots", map[string]string{"network": `{"flowLogArchiveBucketArn":"arn:aws:s3:::logs..bucket"}`}, `is not one S3 accepts`},
		{"flow-log archive bucket name an IP address", map[string]string{"network": `{"flowLogArchiveBucketArn":"arn:aws:s3:::192.168.5.4"}`}, `shaped like an IP address`},
		{"endpoint name invalid", map[string]string{"network": `{"interfaceEndpoints":["Secrets Manager"]}`}, `network.interfaceEndpoints[0]: "Secrets Manager" is not an interface endpoint this stack knows; use one of secretsmanager, kms, logs, sts, ecr.api`},
		// CloudWatch's endpoint is "monitoring"; "cloudwatch" is its IAM prefix.
		{"endpoint named by its IAM prefix", map[string]string{"network": `{"interfaceEndpoints":["secretsmanager","cloudwatch"]}`}, `network.interfaceEndpoints[1]: "cloudwatch" is not an interface endpoint this stack knows; use one of secretsmanager, kms, logs, sts, ecr.api, ecr.dkr, ec2, monitoring, kinesis-streams`},
		{"endpoint the catalogue lacks", map[string]string{"network": `{"interfaceEndpoints":["secretsmanager","xray"]}`}, `network.interfaceEndpoints[1]: "xray" is not an interface endpoint this stack knows`},
		{"rotation without the Secrets Manager endpoint", withValue(secret(`"readers":[]`), "network", `{"interfaceEndpoints":["kms","logs","sts"]}`),
			`network.interfaceEndpoints: has no "secretsmanager", the only route to Secrets Manager from the private subnets, and secrets.inventory[0] (db) is rotated by the rotation function; add "secretsmanager"`},
		{"a read secret without the Secrets Manager endpoint", withValue(secret(`"kind":"external"`), "network", `{"interfaceEndpoints":["kms"]}`),
			`network.interfaceEndpoints: has no "secretsmanager", the only route to Secrets Manager from the private subnets, and secrets.inventory[0] (db) is read by app; add "secretsmanager"`},
		{"target port other than the app port", map[string]string{"tls": `{"domain":"app.example.com","hostedZoneId":"Z0EXAMPLE","targetPort":9443}`},
			"tls.targetPort: 9443 differs from network.appPort 8443, the only port the security groups and network ACLs open from the load balancer to the app tier; set network.appPort to 9443 and leave tls.targetPort unset"},
		{"endpoint gateway service", map[string]string{"network": `{"interfaceEndpoints":["s3"]}`}, `network.interfaceEndpoints[0]: "s3" already has a gateway endpoint`},
		{"endpoint twice", map[string]string{"network": `{"interfaceEndpoints":["kms","kms"]}`}, `network.interfaceEndpoints[1]: "kms" is listed twice`},
		{"unknown network field", map[string]string{"network": `{"zoneCount":2}`}, "network.zoneCount: is not a known setting"},
		{"wrong type", map[string]string{"network": `{"azCount":"two"}`}, `network.azCount: expected a whole number, got the string "two"`},
		{"not an object", map[string]string{"network": `[1]`}, "network: "},
		{"protectStateful not a bool", map[string]string{"protectStateful": "yes"}, `protectStateful: "yes" is not a boolean`},
		{"kms rotation too short", map[string]string{"kms": `{"rotationPeriodDays":30}`}, "kms.rotationPeriodDays: 30 is out of range; KMS rotates every 90 to 2560 days"},
		{"kms deletion window too long", map[string]string{"kms": `{"deletionWindowDays":31}`}, "kms.deletionWindowDays: 31 is out of range; KMS waits 7 to 30 days"},
		{"kms administrator wildcard", map[string]string{"kms": `{"administrators":["arn:aws:iam::123456789012:role/*"]}`}, `kms.administrators[0]: "arn:aws:iam::123456789012:role/*" is not an IAM role or user ARN`},
		{"tls no domain and no CA", map[string]string{"tls": `{}`}, "tls.domain: is empty and the private CA is off"},
		{"tls domain without hosted zone", map[string]string{"tls": `{"domain":"app.example.com"}`}, `tls.hostedZoneId: is empty; the domain "app.example.com" needs the Route53 hosted zone`},
		{"tls domain invalid", map[string]string{"tls": `{"domain":"App_Example","hostedZoneId":"Z1"}`}, `tls.domain: "App_Example" is not a lower-case DNS name`},
		{"tls hosted zone invalid", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"zone-1"}`}, `tls.hostedZoneId: "zone-1" is not a Route53 hosted zone id`},
		{"tls alt name invalid", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","alternativeNames":["b..example.com"]}`}, `tls.alternativeNames[0]: "b..example.com" is not a lower-case DNS name`},
		{"tls alt names without domain", map[string]string{"tls": `{"privateCa":{"enabled":true},"alternativeNames":["b.example.com"]}`}, "tls.alternativeNames: needs tls.domain"},
		{"tls weak key", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","keyAlgorithm":"RSA_1024"}`}, `tls.keyAlgorithm: "RSA_1024" is not allowed`},
		{"tls unset-equivalent policy", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","sslPolicy":"ELBSecurityPolicy-2016-08"}`}, `tls.sslPolicy: "ELBSecurityPolicy-2016-08" is unknown or weak`},
		{"tls TLS 1.0 policy", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","sslPolicy":"ELBSecurityPolicy-TLS-1-0-2015-04"}`}, `tls.sslPolicy: "ELBSecurityPolicy-TLS-1-0-2015-04" is unknown or weak`},
		{"tls TLS 1.1 policy", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","sslPolicy":"ELBSecurityPolicy-TLS-1-1-2017-01"}`}, `tls.sslPolicy: "ELBSecurityPolicy-TLS-1-1-2017-01" is unknown or weak`},
		{"tls policy ELB.17 rejects", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","sslPolicy":"ELBSecurityPolicy-TLS13-1-2-2021-06"}`}, `tls.sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" allows TLS 1.2 but Security Hub ELB.17 rejects it`},
		{"tls log expiry", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","logExpirationDays":0}`}, "tls.logExpirationDays: 0 is not a number of days"},
		{"tls health path", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","healthCheckPath":"healthz"}`}, `tls.healthCheckPath: "healthz" is not an absolute path`},
		{"tls target port", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","targetPort":22}`}, "tls.targetPort: 22 is a remote-administration port"},
		{"ca algorithm", map[string]string{"tls": `{"privateCa":{"enabled":true,"keyAlgorithm":"RSA_1024"}}`}, `tls.privateCa.keyAlgorithm: "RSA_1024" is not allowed`},
		{"ca validity shorter than renewal window", map[string]string{"tls": `{"privateCa":{"enabled":true,"certValidityHours":240,"earlyRenewalHours":720}}`}, "tls.privateCa.certValidityHours: 240 is not longer than the renewal window (earlyRenewalHours 720)"},
		{"ca renewal window too short", map[string]string{"tls": `{"privateCa":{"enabled":true,"earlyRenewalHours":1}}`}, "tls.privateCa.earlyRenewalHours: 1 leaves less than a day"},
		{"ca shorter than its certs", map[string]string{"tls": `{"privateCa":{"enabled":true,"caValidityHours":1000}}`}, "tls.privateCa.caValidityHours: 1000 is not longer than the certificates it issues"},
		{"ca server name", map[string]string{"tls": `{"privateCa":{"enabled":true,"serverName":"not a name"}}`}, `tls.privateCa.serverName: "not a name" is not a lower-case DNS name`},
		{"mutual TLS without a CA", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","mutualTls":{"enabled":true}}`}, "tls.mutualTls.enabled: mutual TLS needs a CA"},
		{"mutual TLS bundle not PEM", map[string]string{"tls": `{"domain":"a.example.com","hostedZoneId":"Z1","mutualTls":{"enabled":true,"caBundlePem":"hello"}}`}, "tls.mutualTls.caBundlePem: holds no PEM certificate"},
		{"mutual TLS client name", map[string]string{"tls": `{"privateCa":{"enabled":true},"mutualTls":{"enabled":true,"clientName":"Bad Name"}}`}, `tls.mutualTls.clientName: "Bad Name" is not a service name`},
		{"workload name", map[string]string{"workloads": `[{"name":"App","team":"app","service":"ecs-tasks.amazonaws.com"}]`}, `workloads[0].name: "App" is not a workload name`},
		{"workload twice", map[string]string{"workloads": `[{"name":"app","team":"a","service":"ecs-tasks.amazonaws.com"},{"name":"app","team":"a","service":"ecs-tasks.amazonaws.com"}]`}, `workloads[1].name: "app" is defined twice`},
		{"workload team", map[string]string{"workloads": `[{"name":"app","team":"","service":"ecs-tasks.amazonaws.com"}]`}, `workloads[0].team: "" is not a team name`},
		{"workload service wildcard", map[string]string{"workloads": `[{"name":"app","team":"a","service":"*.amazonaws.com"}]`}, `workloads[0].service: "*.amazonaws.com" is not an AWS service principal`},
		{"secret name", secret(`"name":"DB Password"`), `secrets.inventory[0].name: "DB Password" is not a secret name`},
		{"secret name twice", map[string]string{"secrets": `{"inventory":[` + entry + `,` + entry + `]}`}, `secrets.inventory[1].name: "db" is already in the inventory`},
		{"secret owner missing", secret(`"owner":""`), `secrets.inventory[0].owner: "" must be 1 to 256 letters`},
		{"secret description missing", secret(`"description":""`), "secrets.inventory[0].description: must say what the secret is for"},
		{"secret owner not a tag value", secret(`"owner":"a;b"`), `secrets.inventory[0].owner: "a;b" must be 1 to 256 letters`},
		{"secret classification", secret(`"classification":"secret"`), `secrets.inventory[0].classification: "secret" is not one of [internal confidential restricted]`},
		{"secret kind", secret(`"kind":"password"`), `secrets.inventory[0].kind: "password" is not one of generated, api-key, external`},
		{"secret rotation too long", secret(`"rotationDays":91`), "secrets.inventory[0].rotationDays: 91 is out of range; rotate every 1 to 90 days (FSBP SecretsManager.4)"},
		{"secret rotation negative", secret(`"rotationDays":-1`), "secrets.inventory[0].rotationDays: -1 is out of range"},
		{"secret too short", secret(`"length":8`), "secrets.inventory[0].length: 8 is out of range; generate 16 to 4096 characters"},
		{"secret without readers", secret(`"readers":[]`), "secrets.inventory[0].readers: is empty"},
		{"secret unknown reader", secret(`"readers":["billing"]`), `secrets.inventory[0].readers[0]: "billing" is not a workload; define it under workloads (known: [app])`},
		{"external secret unset", secret(`"name":"partner","kind":"external"`), "secret-partner: is not set; external secret \"partner\" needs its value: pulumi config set --secret hardening:secret-partner <value>"},
		{"external secret in plain text", withValue(secret(`"name":"partner","kind":"external"`), "secret-partner", "plain"), "secret-partner: is in plain text; set it again with --secret"},
		{"external secret with length", withValue(secret(`"name":"partner-token","kind":"external","length":20`), "secret-partner-token", "x"), "secrets.inventory[0].length: is set, but an external secret's value is not generated here"},
		{"secret replica region name", secret(`"replicaRegion":"mars"`), `secrets.inventory[0].replicaRegion: "mars" is not an AWS region such as us-west-2 (regions of github.com/aws/aws-sdk-go@v1.55.8's endpoint model)`},
		{"secret replica without multi-region key", secret(`"replicaRegion":"us-west-2"`), "secrets.inventory[0].replicaRegion: needs kms.multiRegion: true"},
		{"secret unknown field", secret(`"rotation":30`), "secrets.inventory[0].rotation: is not a known setting (did you mean rotationDays?); valid here: classification, description, kind, length, name, owner, readers, replicaRegion, rotationDays"},
		{"rotation concurrency", map[string]string{"secrets": `{"rotationConcurrency":11}`}, "secrets.rotationConcurrency: 11 is out of range; reserve 1 to 10, or 0 for none"},
		{"security hub without a config recorder", map[string]string{"audit": `{"securityHub":true,"configRecorderExists":false}`}, "audit.securityHub: is true but configRecorderExists is false; Security Hub evaluates its controls with AWS Config rules"},
		{"trail lock longer than the logs live", map[string]string{"audit": `{"trail":{"enabled":true,"logRetentionDays":365,"bucketExpirationDays":90,"objectLockDays":365}}`}, "audit.trail.objectLockDays: 365 is out of range; lock log files 0 to 90 days"},
		{"production without a trail lock", map[string]string{"audit": `{"trail":{"enabled":true,"logRetentionDays":365,"bucketExpirationDays":365,"objectLockDays":0}}`}, "audit.trail.objectLockDays: 0 in a production stack"},
		{"production without SES", map[string]string{"identity": `{"userPool":{"sesSourceArn":"","emailFrom":""}}`}, "identity.userPool.sesSourceArn: is empty in a production stack; Cognito's own sender allows only a few dozen messages a day"},
		{"SES without a sender", map[string]string{"identity": `{"userPool":{"sesSourceArn":"arn:aws:ses:us-east-1:123456789012:identity/example.com","emailFrom":""}}`}, "identity.userPool.emailFrom: is empty; SES needs the From address"},
		{"SES not an identity", map[string]string{"identity": `{"userPool":{"sesSourceArn":"arn:aws:sns:us-east-1:123456789012:topic","emailFrom":"a@example.com"}}`}, `identity.userPool.sesSourceArn: "arn:aws:sns:us-east-1:123456789012:topic" is not an SES identity ARN`},
		{"unknown key two levels down", map[string]string{"identity": `{"userPool":{"mfaMode":"ON"}}`}, "identity.userPool.mfaMode: is not a known setting (did you mean mfa?)"},
		{"unknown key in a list entry", map[string]string{"secrets": `{"inventory":[` + entry + `,{"name":"b","description":"B","owner":"app","classification":"internal","kind":"generated","rotationDay":7}]}`}, "secrets.inventory[1].rotationDay: is not a known setting (did you mean rotationDays?)"},
		{"misspelled key under the private CA", map[string]string{"tls": `{"privateCa":{"enabled":true,"serverNmae":"app.internal"}}`}, "tls.privateCa.serverNmae: is not a known setting (did you mean serverName?)"},
		{"wrong type in a list entry", map[string]string{"secrets": `{"inventory":[` + strings.TrimSuffix(entry, "}") + `,"readers":["app",3]}]}`}, "secrets.inventory[0].readers[1]: expected a string, got the number 3"},
		{"a list where an object goes", map[string]string{"network": `[]`}, "network: expected an object, got a list"},
		{"domain over 64 characters", map[string]string{"tls": `{"domain":"` + strings.Repeat("a", 60) + `.example.com","hostedZoneId":"Z0EXAMPLE"}`}, "tls.domain: \"" + strings.Repeat("a", 60) + ".example.com\" is 72 characters; ACM refuses a first domain name over 64"},
		{"cognito reserved word amazon", map[string]string{"identity": `{"userPool":{"domainPrefix":"amazon-login"}}`}, `identity.userPool.domainPrefix: "amazon-login" is not a Cognito domain prefix: lower-case letters, digits and hyphens, without aws, amazon or cognito`},
		{"duplicate ingress CIDR", map[string]string{"network": `{"loadBalancerIngressCidrs":["10.0.0.0/8","10.0.0.0/8"]}`}, `network.loadBalancerIngressCidrs[1]: "10.0.0.0/8" repeats network.loadBalancerIngressCidrs[0]; EC2 refuses a duplicate rule`},
		{"duplicate block", map[string]string{"rateLimit": `{"ipBlockList":["192.0.2.0/24","192.0.2.0/24"]}`}, `rateLimit.ipBlockList[1]: "192.0.2.0/24" repeats rateLimit.ipBlockList[0]`},
		{"blocking everyone", map[string]string{"rateLimit": `{"ipBlockList":["0.0.0.0/0"]}`}, `rateLimit.ipBlockList[0]: "0.0.0.0/0" blocks all IPv4 addresses; set rateLimit.blockWideRanges: true if that is meant`},
		{"blocking a quarter of the internet", map[string]string{"rateLimit": `{"ipBlockList":["64.0.0.0/2"]}`}, `rateLimit.ipBlockList[0]: "64.0.0.0/2" blocks 1/4 of all IPv4 addresses`},
		{"production without deletion protection", map[string]string{"tls": `{"domain":"app.example.com","hostedZoneId":"Z0EXAMPLE","deletionProtection":false}`}, "tls.deletionProtection: false in a production stack"},
		{"the program's own secret name", map[string]string{"secrets": `{"inventory":[{"name":"cognito-alb-client","description":"C","owner":"app","classification":"restricted","kind":"generated"}]}`}, `secrets.inventory[0].name: "cognito-alb-client" is the program's own entry for the Cognito app client's secret`},
		{"replica region that does not exist", map[string]string{"kms": `{"multiRegion":true}`, "secrets": `{"inventory":[` + strings.TrimSuffix(entry, "}") + `,"replicaRegion":"us-east-9"}]}`}, `secrets.inventory[0].replicaRegion: "us-east-9" is not an AWS region`},
		{"replica region in the stack's region", map[string]string{"aws:region": "us-west-2", "kms": `{"multiRegion":true}`, "secrets": `{"inventory":[` + strings.TrimSuffix(entry, "}") + `,"replicaRegion":"us-west-2"}]}`}, `secrets.inventory[0].replicaRegion: us-west-2 is the stack's own region (aws:region); name another region`},
		{"stack region with underscores", map[string]string{"aws:region": "us_east_1"}, `aws:region: "us_east_1" is not an AWS region such as us-east-1`},
		{"no deployers", map[string]string{"secrets": `{"deployers":[]}`}, "secrets.deployers: is empty; name the IAM role ARNs that run `pulumi up` by hand"},
		{"deployer wildcard", map[string]string{"secrets": `{"deployers":["arn:aws:iam::123456789012:role/*"]}`}, `secrets.deployers[0]: "arn:aws:iam::123456789012:role/*" is not an IAM role ARN`},
		{"deployer session", map[string]string{"secrets": `{"deployers":["arn:aws:sts::123456789012:assumed-role/admin/me"]}`}, `secrets.deployers[0]: "arn:aws:sts::123456789012:assumed-role/admin/me" is not an IAM role ARN`},
		{"rotation log retention", map[string]string{"secrets": `{"logRetentionDays":2}`}, "secrets.logRetentionDays: 2 is not a CloudWatch Logs retention"},
		{"recovery window", map[string]string{"secrets": `{"recoveryWindowDays":0}`}, "secrets.recoveryWindowDays: 0 is out of range; Secrets Manager keeps a deleted secret 7 to 30 days"},
		{"rotation artifact", map[string]string{"secrets": `{"rotationArtifact":""}`}, "secrets.rotationArtifact: is empty"},
		{"alert email", map[string]string{"alerts": `{"emails":["Security <sec@example.com>"]}`}, `alerts.emails[0]: "Security <sec@example.com>" is not a plain email address`},
		{"alert endpoint http", map[string]string{"alerts": `{"httpsEndpoints":["http://hooks.example.com/x"]}`}, `alerts.httpsEndpoints[0]: "http://hooks.example.com/x" is not an https:// URL`},
		{"rate mode", map[string]string{"rateLimit": `{"mode":"off"}`}, `rateLimit.mode: "off" is not a mode; use "block" or "count"`},
		{"API body limit under the Core rule set's", map[string]string{"rateLimit": `{"maxBodyKB":4}`}, "rateLimit.maxBodyKB: 4 is out of range; use 8 (the Core rule set's limit, every byte inspected) to 10240 KB"},
		{"API body limit too large", map[string]string{"rateLimit": `{"maxBodyKB":20000}`}, "rateLimit.maxBodyKB: 20000 is out of range"},
		{"rate metric prefix", map[string]string{"rateLimit": `{"metricPrefix":"All"}`}, `rateLimit.metricPrefix: "All" is not a WAF metric name`},
		{"rate metric prefix characters", map[string]string{"rateLimit": `{"metricPrefix":"my metrics"}`}, `rateLimit.metricPrefix: "my metrics" is not a WAF metric name`},
		{"rate block list CIDR", map[string]string{"rateLimit": `{"ipBlockList":["203.0.113.7/24"]}`}, `rateLimit.ipBlockList[0]: "203.0.113.7/24" is not an IPv4 CIDR with its network address`},
		{"rate limit too low", map[string]string{"rateLimit": `{"site":{"limit":9}}`}, "rateLimit.site.limit: 9 is out of range; WAF allows 10 to 2,000,000,000 requests per window"},
		{"rate limit too high", map[string]string{"rateLimit": `{"auth":{"limit":2000000001}}`}, "rateLimit.auth.limit: 2000000001 is out of range"},
		{"rate window", map[string]string{"rateLimit": `{"auth":{"windowSec":30}}`}, "rateLimit.auth.windowSec: 30 is not a WAF evaluation window; use one of [60 120 300 600]"},
		{"rate scope-down empty", map[string]string{"rateLimit": `{"auth":{"paths":[]}}`}, "rateLimit.auth.paths: is empty; the rule needs the path prefixes it is scoped to"},
		{"rate site scoped", map[string]string{"rateLimit": `{"site":{"paths":["/x"]}}`}, "rateLimit.site.paths: is set, but this rule covers the whole site"},
		{"rate path relative", map[string]string{"rateLimit": `{"perUser":{"paths":["api/"]}}`}, `rateLimit.perUser.paths[0]: "api/" is not a lower-case absolute path prefix`},
		{"rate path upper case", map[string]string{"rateLimit": `{"auth":{"paths":["/Login"]}}`}, `rateLimit.auth.paths[0]: "/Login" is not a lower-case absolute path prefix`},
		{"rate path twice", map[string]string{"rateLimit": `{"auth":{"paths":["/login","/login"]}}`}, `rateLimit.auth.paths[1]: "/login" is listed twice`},
		{"rate user key", map[string]string{"rateLimit": `{"perUser":{"key":"jwt"}}`}, `rateLimit.perUser.key: "jwt" is not a key source; use "header" or "cookie"`},
		{"rate user header", map[string]string{"rateLimit": `{"perUser":{"keyName":"x y"}}`}, `rateLimit.perUser.keyName: "x y" is not a header name`},
		{"rate forwarded header", map[string]string{"rateLimit": `{"forwardedIpHeader":"X Forwarded"}`}, `rateLimit.forwardedIpHeader: "X Forwarded" is not a header name`},
		{"rate login path", map[string]string{"rateLimit": `{"accountTakeover":{"enabled":true,"loginPath":"login"}}`}, `rateLimit.accountTakeover.loginPath: "login" is not a lower-case absolute path`},
		{"rate log retention", map[string]string{"rateLimit": `{"logRetentionDays":2}`}, "rateLimit.logRetentionDays: 2 is not a CloudWatch Logs retention"},
		{"rate alarm threshold", map[string]string{"rateLimit": `{"alarms":{"ruleBlocked":0}}`}, "rateLimit.alarms.ruleBlocked: 0 is not a threshold"},
		{"rate acl alarm threshold", map[string]string{"rateLimit": `{"alarms":{"aclBlocked":-1}}`}, "rateLimit.alarms.aclBlocked: -1 is not a threshold"},
		// 1125 base groups + 50 anonymous IP + 50 bot control + 2 site + (2 + 19×12) auth + (2 + 2×30 + 12) per user.
		{"rate capacity", map[string]string{"rateLimit": `{"botControl":true,"auth":{"paths":["/a","/b","/c","/d","/e","/f","/g","/h","/i","/j","/k","/l","/m","/n","/o","/p","/q","/r","/s"]}}`}, "rateLimit: the web ACL would need 1531 WCUs, over WAF's limit of 1500"},
		{"audit org trail while enabled", map[string]string{"audit": `{"trail":{"organizationTrailArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/org"}}`}, "audit.trail.organizationTrailArn: is set while the stack's own trail is enabled"},
		{"audit trail off without org trail", map[string]string{"audit": `{"trail":{"enabled":false}}`}, `audit.trail.organizationTrailArn: "" is not a CloudTrail trail ARN; with the stack's trail off, name the organization trail`},
		{"audit log group while enabled", map[string]string{"audit": `{"trail":{"logGroupName":"org-trail"}}`}, "audit.trail.logGroupName: is set while the stack's own trail is enabled"},
		{"audit log group name", map[string]string{"audit": `{"trail":{"enabled":false,"organizationTrailArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/org","logGroupName":"a b"}}`}, `audit.trail.logGroupName: "a b" is not a CloudWatch log group name`},
		{"audit trail retention", map[string]string{"audit": `{"trail":{"logRetentionDays":10}}`}, "audit.trail.logRetentionDays: 10 is not a CloudWatch Logs retention"},
		{"audit bucket expiry", map[string]string{"audit": `{"trail":{"bucketExpirationDays":30}}`}, "audit.trail.bucketExpirationDays: 30 is too short; keep trail log files at least 90 days"},
		{"audit certificate expiry", map[string]string{"audit": `{"certificateExpiryDays":60}`}, "audit.certificateExpiryDays: 60 is out of range; alarm 1 to 44 days before expiry"},
		{"http callback in production", map[string]string{"identity": `{"client":{"callbackUrls":["http://app.example.com/cb"]}}`}, `identity.client.callbackUrls[0]: "http://app.example.com/cb" is not https`},
		{"localhost callback in production", map[string]string{"identity": `{"client":{"logoutUrls":["http://localhost:3000/"]}}`}, `identity.client.logoutUrls[0]: "http://localhost:3000/" is http://localhost in a production stack`},
		{"callback with a fragment", map[string]string{"identity": `{"client":{"callbackUrls":["https://a.example.com/#x"]}}`}, `identity.client.callbackUrls[0]: "https://a.example.com/#x" is not an absolute URL without a fragment`},
		{"MFA off in production", map[string]string{"identity": `{"userPool":{"mfa":"OFF"}}`}, `identity.userPool.mfa: "OFF" in a production stack; MFA must be ON (FSBP Cognito.5)`},
		{"MFA unknown", map[string]string{"identity": `{"userPool":{"mfa":"SOMETIMES"}}`}, `identity.userPool.mfa: "SOMETIMES" is not ON, OPTIONAL or OFF`},
		{"threat protection audit in production", map[string]string{"identity": `{"userPool":{"threatProtection":"AUDIT"}}`}, `identity.userPool.threatProtection: "AUDIT" in a production stack; threat protection must be ENFORCED (FSBP Cognito.1)`},
		{"threat protection unknown", map[string]string{"identity": `{"userPool":{"threatProtection":"OFF"}}`}, `identity.userPool.threatProtection: "OFF" is not ENFORCED or AUDIT`},
		{"enforced below PLUS", map[string]string{"identity": `{"userPool":{"tier":"ESSENTIALS"}}`}, `identity.userPool.tier: "ESSENTIALS" has no threat protection (AUDIT or ENFORCED, threatProtection is ENFORCED); use PLUS`},
		{"audit below PLUS", map[string]string{"production": "false", "protectStateful": "false", "identity": `{"userPool":{"tier":"ESSENTIALS","threatProtection":"AUDIT"}}`}, `identity.userPool.tier: "ESSENTIALS" has no threat protection (AUDIT or ENFORCED, threatProtection is AUDIT); use PLUS`},
		{"tier unknown", map[string]string{"identity": `{"userPool":{"tier":"LITE"}}`}, `identity.userPool.tier: "LITE" is not PLUS or ESSENTIALS`},
		{"SMS without a role", map[string]string{"identity": `{"userPool":{"sms":true}}`}, `identity.userPool.smsRoleArn: "" is not an IAM role ARN`},
		{"passkeys without relying party", map[string]string{"identity": `{"userPool":{"passkeys":true}}`}, "identity.userPool.relyingPartyId: is empty; passkeys need the domain"},
		{"short password", map[string]string{"identity": `{"userPool":{"passwordMinLength":8}}`}, "identity.userPool.passwordMinLength: 8 is out of range; use 14 to 99"},
		{"password history", map[string]string{"identity": `{"userPool":{"passwordHistory":25}}`}, "identity.userPool.passwordHistory: 25 is out of range; Cognito remembers 0 to 24 passwords"},
		{"temporary password", map[string]string{"identity": `{"userPool":{"temporaryPasswordDays":8}}`}, "identity.userPool.temporaryPasswordDays: 8 is out of range; use 1 to 7 days"},
		{"domain prefix", map[string]string{"identity": `{"userPool":{"domainPrefix":"my-aws-login"}}`}, `identity.userPool.domainPrefix: "my-aws-login" is not a Cognito domain prefix`},
		{"access token over the limit", map[string]string{"identity": `{"client":{"accessTokenMinutes":120}}`}, "identity.client.accessTokenMinutes: 120 is out of range; tokens live 5 to 60 minutes"},
		{"ID token under the limit", map[string]string{"identity": `{"client":{"idTokenMinutes":1}}`}, "identity.client.idTokenMinutes: 1 is out of range"},
		{"refresh token over the limit", map[string]string{"identity": `{"client":{"refreshTokenDays":31}}`}, "identity.client.refreshTokenDays: 31 is out of range; refresh tokens live 1 to 30 days"},
		{"authenticated path", map[string]string{"identity": `{"authenticatedPaths":["admin/*"]}`}, `identity.authenticatedPaths[0]: "admin/*" is not a load balancer path pattern`},
		{"too many authenticated paths", map[string]string{"identity": `{"authenticatedPaths":["/a","/b","/c","/d","/e","/f"]}`}, "identity.authenticatedPaths: has 6 patterns; a listener rule takes at most 5"},
		{"group mapped to unknown role", map[string]string{"identity": `{"groups":[{"name":"auditors","precedence":4,"role":"auditor"}]}`}, `identity.groups[0].role: "auditor" is not a role under identity.roles (known: [admin operator reader])`},
		{"group twice", map[string]string{"identity": `{"groups":[{"name":"a","role":"reader"},{"name":"a","role":"reader"}]}`}, `identity.groups[1].name: "a" is not a unique group name`},
		{"group precedence", map[string]string{"identity": `{"groups":[{"name":"a","precedence":-1,"role":"reader"}]}`}, "identity.groups[0].precedence: -1 is negative"},
		{"policy statement with *", map[string]string{"identity": `{"roles":[{"name":"god","statements":[{"sid":"All","actions":["*"],"resources":["*"]}]}],"groups":[]}`}, `identity.roles[0].statements: role god: statement All: action "*" allows everything (IAM.1)`},
		{"policy statement with a whole service", map[string]string{"identity": `{"roles":[{"name":"s3","statements":[{"sid":"S3","actions":["s3:*"],"resources":["*"]}]}],"groups":[]}`}, `identity.roles[0].statements: role s3: statement S3: action "s3:*" on every resource allows a whole service (IAM.21)`},
		{"policy statement decrypting every key", map[string]string{"identity": `{"roles":[{"name":"k","statements":[{"sid":"K","actions":["kms:Decrypt"],"resources":["*"]}]}],"groups":[]}`}, `identity.roles[0].statements: role k: statement K: action "kms:Decrypt" on every resource decrypts with any KMS key`},
		{"statement id", map[string]string{"identity": `{"roles":[{"name":"r","statements":[{"sid":"a b","actions":["s3:GetObject"],"resources":["arn:aws:s3:::b/*"]}]}],"groups":[]}`}, `identity.roles[0].statements[0].sid: "a b" is not a statement id`},
		{"CI repository wildcard", map[string]string{"identity": `{"ci":{"repository":"example-org/*","environment":"production"}}`}, `identity.ci.repository: "example-org/*" is not owner/name; wildcards are not allowed`},
		{"CI production without environment", map[string]string{"identity": `{"ci":{"repository":"example-org/app","previewEnvironment":"production-preview"}}`}, "identity.ci.environment: is empty; the deploy role trusts only the jobs of one GitHub environment on the branch (such as production, with required reviewers"},
		{"CI development without environment", map[string]string{"production": "false", "protectStateful": "false", "identity": `{"ci":{"repository":"example-org/app"}}`}, "identity.ci.environment: is empty; the deploy role trusts only the jobs of one GitHub environment on the branch (such as development, with a deployment-branch rule for main)"},
		{"CI environment wildcard", map[string]string{"identity": `{"ci":{"repository":"example-org/app","environment":"prod*"}}`}, `identity.ci.environment: "prod*" is not a GitHub environment name`},
		{"CI branch wildcard", map[string]string{"production": "false", "protectStateful": "false", "identity": `{"ci":{"repository":"example-org/app","branch":"release/*"}}`}, `identity.ci.branch: "release/*" is not a branch name`},
		{"CI state key", map[string]string{"identity": `{"ci":{"stateKeyArn":"alias/state"}}`}, `identity.ci.stateKeyArn: "alias/state" is not a KMS key ARN`},
		{"CI state key alias ARN", map[string]string{"identity": `{"ci":{"stateKeyArn":"arn:aws:kms:us-east-1:123456789012:alias/state"}}`}, `identity.ci.stateKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/state" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias ARN in an IAM policy grants nothing`},
		{"CI state bucket", map[string]string{"identity": `{"ci":{"stateBucket":"State_Bucket"}}`}, `identity.ci.stateBucket: "State_Bucket" is not an S3 bucket name`},
		{"production counts", map[string]string{"rateLimit": `{"mode":"count"}`}, `rateLimit.mode: "count" in a production stack; production blocks`},
		{"production unprotected", map[string]string{"protectStateful": "false"}, "protectStateful: false in a production stack"},
		{"production not a bool", map[string]string{"production": "maybe"}, `production: "maybe" is not a boolean`},
		{"reader of another team's secret", map[string]string{"workloads": `[{"name":"app","team":"app","service":"ecs-tasks.amazonaws.com"},{"name":"billing","team":"billing","service":"ecs-tasks.amazonaws.com"}]`, "secrets": `{"inventory":[` + strings.TrimSuffix(entry, "}") + `,"readers":["billing"]}]}`}, `secrets.inventory[0].readers[0]: workload "billing" is in team "billing", but the secret's owner is "app"`},
		{"kms administrator star", map[string]string{"kms": `{"administrators":["*"]}`}, `kms.administrators[0]: "*" is not an IAM role or user ARN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(c.values)
			require.Error(t, err, "config %v validated, want error %q", c.values, c.want)
			assert.ErrorContains(t, err, c.want)
			var fe *FieldError
			assert.ErrorAs(t, err, &fe, "the error holds no FieldError naming the key")
		})
	}
}

func TestFlowLogArchiveBucketAccepted(t *testing.T) {
	cfg, err := parse(map[string]string{})
	require.NoError(t, err)
	assert.Empty(t, cfg.Network.FlowLogArchiveBucketARN, "no archive by default: a stack outside a fleet has none")
	for _, arn := range []string{"arn:aws:s3:::hardening-flow-logs-100000000003-us-east-1", "arn:aws-us-gov:s3:::logs.example-1", "arn:aws:s3:::abc"} {
		cfg, err := parse(map[string]string{"network": `{"flowLogArchiveBucketArn":"` + arn + `"}`})
		require.NoError(t, err, arn)
		assert.Equal(t, arn, cfg.Network.FlowLogArchiveBucketARN)
	}
}

// entry is a valid inventory entry; secret overrides some of its fields
// (a repeated JSON key's last value wins).
const entry = `{"name":"db","description":"App database password","owner":"app","classification":"confidential","kind":"generated","readers":["app"]}`

func secret(fields string) map[string]string {
	return map[string]string{"secrets": `{"inventory":[` + strings.TrimSuffix(entry, "}") + "," + fields + "}" + `]}`}
}

func withValue(values map[string]string, key, value string) map[string]string {
	values[key] = value
	return values
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	_, err := parse(map[string]string{
		"network": `{"cidr":"10.0.0.0/33","azCount":9,"natGateways":"x"}`,
		"kms":     `{"deletionWindowDays":1}`,
	})
	var cfgErr *Error
	require.ErrorAs(t, err, &cfgErr, "the error is not a *stackconfig.Error")
	for _, key := range []string{"network.cidr", "network.azCount", "network.natGateways", "kms.deletionWindowDays"} {
		assert.ErrorContains(t, err, key+":", "error does not report %s", key)
	}
}

func TestInventoryDefaults(t *testing.T) {
	cfg, err := parse(map[string]string{
		"secrets":              `{"inventory":[` + entry + `,{"name":"api","description":"Partner API key","owner":"app","classification":"restricted","kind":"api-key","readers":["app"]},{"name":"partner-token","description":"Token the partner issued","owner":"app","classification":"restricted","kind":"external","readers":["app"]}]}`,
		"secret-partner-token": "ciphertext stands here",
	})
	require.NoError(t, err)
	inv := cfg.Secrets.Inventory
	cases := []struct {
		name      string
		got, want int
	}{
		{"generated length", inv[0].Length, 32},
		{"api-key length", inv[1].Length, 40},
		{"external length", inv[2].Length, 0},
		{"rotation every 30 days", inv[0].RotationDays, 30},
		{"recovery window 30 days", cfg.Secrets.RecoveryWindowDays, 30},
		{"function log retention a year", cfg.Secrets.LogRetentionDays, 365},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, c.got)
		})
	}
	assert.False(t, inv[2].Rotated(), "external secrets are not rotated here; the others are")
	assert.True(t, inv[0].Rotated(), "external secrets are not rotated here; the others are")
}

func TestDevelopmentMayRelax(t *testing.T) {
	_, err := parse(map[string]string{
		"production":      "false",
		"protectStateful": "false",
		"rateLimit":       `{"mode":"count"}`,
		"identity":        `{"userPool":{"mfa":"OPTIONAL","threatProtection":"AUDIT"},"client":{"callbackUrls":["https://app.example.com/oauth2/idpresponse","http://localhost:3000/callback"]},"ci":{"repository":"example-org/app","branch":"main","environment":"development"}}`,
	})
	require.NoError(t, err, "a development stack may relax these")
}

func TestUnknownTopLevelKeys(t *testing.T) {
	lookup := func(key string) (string, bool) {
		switch key {
		case "secrets":
			return mergeObjects(minimal["secrets"], `{"inventory":[{"name":"partner","description":"P","owner":"app","classification":"restricted","kind":"external","readers":["app"]}]}`), true
		case "secret-partner":
			return "ciphertext stands here", true
		}
		v, ok := minimal[key]
		return v, ok
	}
	isSecret := func(key string) bool { return key == "secret-partner" }
	for _, tc := range []struct {
		name string
		keys []string
		want string
	}{
		{"a misspelled setting", []string{"alert"}, "hardening:alert: is not a setting (did you mean alerts?); the settings are alerts, audit"},
		{"a secret value with no external entry", []string{"secret-other"}, `hardening:secret-other: is not the value of an external secret of secrets.inventory (an entry named "other" with kind external)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseKeys(append([]string{"tls", "secrets", "audit", "identity", "secret-partner"}, tc.keys...), lookup, isSecret)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	_, err := ParseKeys([]string{"tls", "secrets", "audit", "identity", "secret-partner"}, lookup, isSecret)
	assert.NoError(t, err, "the settings and an external secret's value")
	got := ConfigKeys(`{"hardening:alerts":"{}","aws:region":"us-east-1","hardening:secret-x":"v"}`)
	assert.Equal(t, "alerts,secret-x", strings.Join(got, ","), "ConfigKeys = %v", got)
}

// TestOneBrokenFileListsEveryProblem: decode errors in one section do not
// hide the validation errors of the others, nor an unknown top-level key.
func TestOneBrokenFileListsEveryProblem(t *testing.T) {
	values := map[string]string{
		"network":   `{"azCount":"two","cidr":"10.0.0.0/33"}`,
		"identity":  `{"userPool":{"mfaMode":"ON"}}`,
		"rateLimit": `{"ipBlockList":["0.0.0.0/0"]}`,
		"kms":       `{"deletionWindowDays":3}`,
	}
	_, err := ParseKeys([]string{"network", "identity", "rateLimit", "kms", "tls", "secrets", "audit", "alert"}, func(key string) (string, bool) {
		if v, ok := values[key]; ok {
			return v, true
		}
		v, ok := minimal[key]
		return v, ok
	}, func(string) bool { return false })
	require.Error(t, err, "a broken file validated")
	for _, want := range []string{
		`network.azCount: expected a whole number, got the string "two"`,
		"identity.userPool.mfaMode: is not a known setting",
		`rateLimit.ipBlockList[0]: "0.0.0.0/0" blocks all IPv4 addresses`,
		"kms.deletionWindowDays:",
		"hardening:alert: is not a setting",
	} {
		assert.ErrorContains(t, err, want, "the errors do not say %q", want)
	}
}

// TestAcceptedEndpointsAndPorts: what the checks above must not refuse.
func TestAcceptedEndpointsAndPorts(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
	}{
		{"endpoints named as AWS names them", map[string]string{"network": `{"interfaceEndpoints":["secretsmanager","monitoring","kinesis-streams","ecr.api","ecr.dkr","ecs-agent"]}`}},
		{"no Secrets Manager endpoint without secrets that need it", map[string]string{"network": `{"interfaceEndpoints":["kms"]}`}},
		{"a target port equal to the app port", map[string]string{"network": `{"appPort":9443}`, "tls": `{"domain":"app.example.com","hostedZoneId":"Z0EXAMPLE","targetPort":9443}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parse(c.values)
			require.NoError(t, err)
			assert.Equal(t, cfg.Network.AppPort, cfg.TLS.TargetPort)
		})
	}
}
