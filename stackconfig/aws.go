package stackconfig

import (
	"encoding/json"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/example/hardening/internal/awsname"
	"github.com/example/hardening/internal/iampolicy/sar"
	"github.com/example/hardening/secrets/secretkind"
)

// StackTagKey is the aws:defaultTags key that tells the stacks of an
// account apart; the CI deploy role is held to resources with its value.
const StackTagKey = "environment"

// abacTagKeys are the tag keys the program sets itself on the resources
// whose access its conditions decide (aws:ResourceTag/team against
// aws:PrincipalTag/team; the rotation function reads the kind and length):
// a default tag of the same key would put the value on every other role
// and resource of the stack, granting what the conditions withhold.
var abacTagKeys = []string{secretkind.TagTeam, secretkind.TagOwner, secretkind.TagKind, secretkind.TagLength, secretkind.TagClassification, secretkind.TagRotationDays}

// ownTagsMax is the most tags the program sets on one resource itself
// (a secret: secretkind's six); with the default tags they must fit AWS's
// 50 per resource.
const ownTagsMax = 6

// Partition returns the partition of a region in AWS's endpoint model, or
// "" when the region is unknown.
func Partition(region string) string {
	m, err := awsname.LoadModels()
	if err != nil {
		return ""
	}
	for p, regions := range m.Regions {
		if slices.Contains(regions, region) {
			return p
		}
	}
	return ""
}

// partitionOf returns the stack's partition, "aws" when the region is not
// set (tests that leave it out).
func (c *Config) partitionOf() string {
	if p := Partition(c.Region); p != "" {
		return p
	}
	return "aws"
}

// arnAt judges an ARN-valued setting once: the stack's partition, the
// service, this account when own, and the resource types the field
// takes, against the Service Authorization Reference's ARN formats.
func (c *Config) arnAt(key, arn, service string, own bool, types ...string) []error {
	want := sar.ARNWant{Partition: c.partitionOf(), Service: service, Types: types}
	if own {
		want.Account = c.AccountID
	}
	var errs []error
	for _, p := range sar.CheckARN(arn, want) {
		errs = append(errs, fieldErr(key, "%s", p))
	}
	return errs
}

// principalAt judges a service principal setting: a service AWS's models
// know, in the stack's partition's form (.amazonaws.com.cn in China).
func (c *Config) principalAt(key, p string) []error {
	if err := awsname.ServicePrincipal(p); err != nil {
		return []error{fieldErr(key, "%v", err)}
	}
	china := strings.HasSuffix(p, ".amazonaws.com.cn")
	if china != (c.partitionOf() == "aws-cn") {
		return []error{fieldErr(key, "%q is not a principal of partition %s, where the stack deploys", p, c.partitionOf())}
	}
	return nil
}

// memberAt runs the check of an API model member (the one the input fed
// by key carries, awsname.InputMembers' Config) on a setting's value.
func memberAt(key, member string, v any) []error {
	var errs []error
	for _, p := range awsname.Member(member, v) {
		k := key
		// A list element's problem is the element's: "[2]: ..." names
		// key[2].
		if rest, ok := strings.CutPrefix(p, "["); ok {
			if i, tail, ok := strings.Cut(rest, "]: "); ok {
				k, p = key+"["+i+"]", tail
			}
		}
		errs = append(errs, fieldErr(k, "%s (AWS API model, %s)", p, modelSource()))
	}
	return errs
}

func modelSource() string {
	m, _ := awsname.LoadModels()
	return m.Source
}

// configMember is a setting whose value an input carries unchanged to an
// API member: values lists it at its key paths.
type configMember struct {
	// Key is the setting's path, "[]" for every element of a list; it is
	// the Config of the awsname.InputMembers row it feeds.
	Key, Member string
	values      func(c *Config) []keyed
}

type keyed struct {
	key string
	v   any
}

func one(key string, v any) []keyed { return []keyed{{key, v}} }

func strs(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// configMembers are the settings checked against the model member of the
// input they feed, before anything is registered; TestConfigMembersTrace
// holds them to awsname.InputMembers.
var configMembers = []configMember{
	{"secrets.inventory[].rotationDays", "secretsmanager/RotateSecret.RotationRules.AutomaticallyAfterDays", func(c *Config) []keyed {
		var out []keyed
		for i, s := range c.Secrets.Inventory {
			if s.Rotated() {
				out = append(out, keyed{fmt.Sprintf("secrets.inventory[%d].rotationDays", i), float64(s.RotationDays)})
			}
		}
		return out
	}},
	{"secrets.inventory[].replicaRegion", "secretsmanager/CreateSecret.AddReplicaRegions.Region", func(c *Config) []keyed {
		var out []keyed
		for i, s := range c.Secrets.Inventory {
			if s.ReplicaRegion != "" {
				out = append(out, keyed{fmt.Sprintf("secrets.inventory[%d].replicaRegion", i), s.ReplicaRegion})
			}
		}
		return out
	}},
	{"secrets.recoveryWindowDays", "secretsmanager/DeleteSecret.RecoveryWindowInDays", func(c *Config) []keyed {
		return one("secrets.recoveryWindowDays", float64(c.Secrets.RecoveryWindowDays))
	}},
	{"kms.deletionWindowDays", "kms/ScheduleKeyDeletion.PendingWindowInDays", func(c *Config) []keyed {
		return one("kms.deletionWindowDays", float64(c.KMS.DeletionWindowDays))
	}},
	{"kms.rotationPeriodDays", "kms/EnableKeyRotation.RotationPeriodInDays", func(c *Config) []keyed {
		return one("kms.rotationPeriodDays", float64(c.KMS.RotationPeriodDays))
	}},
	{"tls.healthCheckPath", "elasticloadbalancingv2/CreateTargetGroup.HealthCheckPath", func(c *Config) []keyed {
		return one("tls.healthCheckPath", c.TLS.HealthCheckPath)
	}},
	{"tls.targetPort", "elasticloadbalancingv2/CreateTargetGroup.Port", func(c *Config) []keyed {
		if c.TLS.TargetPort == 0 {
			return nil // unset: network.appPort
		}
		return one("tls.targetPort", float64(c.TLS.TargetPort))
	}},
	{"tls.domain", "acm/RequestCertificate.DomainName", func(c *Config) []keyed {
		if c.TLS.Domain == "" {
			return nil
		}
		return one("tls.domain", c.TLS.Domain)
	}},
	{"tls.alternativeNames", "acm/RequestCertificate.SubjectAlternativeNames", func(c *Config) []keyed {
		if len(c.TLS.AlternativeNames) == 0 {
			return nil // not sent
		}
		return one("tls.alternativeNames", strs(c.TLS.AlternativeNames))
	}},
	{"tls.hostedZoneId", "route53/ChangeResourceRecordSets.HostedZoneId", func(c *Config) []keyed {
		if c.TLS.HostedZoneID == "" {
			return nil
		}
		return one("tls.hostedZoneId", c.TLS.HostedZoneID)
	}},
	{"identity.client.callbackUrls", "cognito-idp/CreateUserPoolClient.CallbackURLs", func(c *Config) []keyed {
		return one("identity.client.callbackUrls", strs(c.Identity.Client.CallbackURLs))
	}},
	{"identity.client.logoutUrls", "cognito-idp/CreateUserPoolClient.LogoutURLs", func(c *Config) []keyed {
		return one("identity.client.logoutUrls", strs(c.Identity.Client.LogoutURLs))
	}},
	{"identity.client.accessTokenMinutes", "cognito-idp/CreateUserPoolClient.AccessTokenValidity", func(c *Config) []keyed {
		return one("identity.client.accessTokenMinutes", float64(c.Identity.Client.AccessTokenMinutes))
	}},
	{"identity.client.idTokenMinutes", "cognito-idp/CreateUserPoolClient.IdTokenValidity", func(c *Config) []keyed {
		return one("identity.client.idTokenMinutes", float64(c.Identity.Client.IDTokenMinutes))
	}},
	{"identity.userPool.passwordMinLength", "cognito-idp/CreateUserPool.Policies.PasswordPolicy.MinimumLength", func(c *Config) []keyed {
		return one("identity.userPool.passwordMinLength", float64(c.Identity.UserPool.PasswordMinLength))
	}},
	{"identity.userPool.temporaryPasswordDays", "cognito-idp/CreateUserPool.Policies.PasswordPolicy.TemporaryPasswordValidityDays", func(c *Config) []keyed {
		return one("identity.userPool.temporaryPasswordDays", float64(c.Identity.UserPool.TemporaryPasswordDays))
	}},
	{"identity.userPool.sesSourceArn", "cognito-idp/CreateUserPool.EmailConfiguration.SourceArn", func(c *Config) []keyed {
		if c.Identity.UserPool.SESSourceARN == "" {
			return nil
		}
		return one("identity.userPool.sesSourceArn", c.Identity.UserPool.SESSourceARN)
	}},
	{"identity.userPool.emailFrom", "cognito-idp/CreateUserPool.EmailConfiguration.From", func(c *Config) []keyed {
		if c.Identity.UserPool.EmailFrom == "" {
			return nil
		}
		return one("identity.userPool.emailFrom", c.Identity.UserPool.EmailFrom)
	}},
	{"identity.userPool.smsRoleArn", "cognito-idp/CreateUserPool.SmsConfiguration.SnsCallerArn", func(c *Config) []keyed {
		if !c.Identity.UserPool.SMS {
			return nil
		}
		return one("identity.userPool.smsRoleArn", c.Identity.UserPool.SMSRoleARN)
	}},
	{"identity.userPool.domainPrefix", "cognito-idp/CreateUserPoolDomain.Domain", func(c *Config) []keyed {
		if c.Identity.UserPool.DomainPrefix == "" {
			return nil
		}
		return one("identity.userPool.domainPrefix", c.Identity.UserPool.DomainPrefix)
	}},
	{"identity.groups[].precedence", "cognito-idp/CreateGroup.Precedence", func(c *Config) []keyed {
		var out []keyed
		for i, g := range c.Identity.Groups {
			out = append(out, keyed{fmt.Sprintf("identity.groups[%d].precedence", i), float64(g.Precedence)})
		}
		return out
	}},
	{"identity.authenticatedPaths", "elasticloadbalancingv2/CreateRule.Conditions.PathPatternConfig.Values", func(c *Config) []keyed {
		return one("identity.authenticatedPaths", strs(c.Identity.AuthenticatedPaths))
	}},
}

// modelChecks runs every configMember's member check.
func (c *Config) modelChecks() []error {
	var errs []error
	for _, cm := range configMembers {
		for _, kv := range cm.values(c) {
			errs = append(errs, memberAt(kv.key, cm.Member, kv.v)...)
		}
	}
	return errs
}

// checkDefaultTags judges aws:defaultTags as AWS judges the tags of every
// resource they land on.
func checkDefaultTags(tags map[string]string, workload bool) []error {
	var errs []error
	for _, k := range slices.Sorted(mapKeys(tags)) {
		key := "aws:defaultTags.tags." + k
		for _, p := range awsname.Tag(k, tags[k]) {
			errs = append(errs, fieldErr(key, "%s", p))
		}
		if workload && slices.Contains(abacTagKeys, k) {
			errs = append(errs, fieldErr(key, "is a tag the program sets on secrets and workload roles, whose access conditions compare it (aws:ResourceTag/team = aws:PrincipalTag/team); as a default tag it would land on every other role and resource of the stack and grant what they withhold: remove it"))
		}
	}
	if n := len(tags); n+ownTagsMax > awsname.TagsPerResource {
		errs = append(errs, fieldErr("aws:defaultTags.tags", "has %d tags; with the %d the program sets on a secret that passes AWS's %d per resource: keep at most %d", n, ownTagsMax, awsname.TagsPerResource, awsname.TagsPerResource-ownTagsMax))
	}
	return errs
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// explicitZeros refuses a 0 said out loud where 0 means "the default"
// (the decoder cannot tell it from an unset field): the stack would get
// the default while its file says otherwise.
func explicitZeros(lookup Lookup) []error {
	var errs []error
	if raw, ok := lookup("secrets"); ok {
		var s struct {
			Inventory []map[string]json.RawMessage `json:"inventory"`
		}
		if json.Unmarshal([]byte(raw), &s) == nil {
			for i, e := range s.Inventory {
				if string(e["rotationDays"]) == "0" {
					errs = append(errs, fieldErr(fmt.Sprintf("secrets.inventory[%d].rotationDays", i), "0 is out of range; Secrets Manager rotates every 1 to 1000 days (RotateSecret AutomaticallyAfterDays) and FSBP SecretsManager.4 wants at most 90: leave it unset for 30"))
				}
				if _, set := e["rotationDays"]; set && string(e["kind"]) == `"external"` {
					errs = append(errs, fieldErr(fmt.Sprintf("secrets.inventory[%d].rotationDays", i), "is set, but an external secret is not rotated here (its value comes from %s:secret-<name>); remove it", Namespace))
				}
				if string(e["length"]) == "0" && string(e["kind"]) != `"external"` {
					errs = append(errs, fieldErr(fmt.Sprintf("secrets.inventory[%d].length", i), "0 is out of range; generate 16 to 4096 characters, or leave it unset for the kind's length"))
				}
			}
		}
	}
	if raw, ok := lookup("tls"); ok {
		var t map[string]json.RawMessage
		if json.Unmarshal([]byte(raw), &t) == nil && string(t["targetPort"]) == "0" {
			errs = append(errs, fieldErr("tls.targetPort", "0 is not a port; leave it unset for network.appPort"))
		}
	}
	return errs
}

// awsChecks are the checks AWS applies the same way to every service,
// run on the settings that feed them, and the settings that must agree.
func (c *Config) awsChecks() []error {
	var errs []error
	errs = append(errs, c.modelChecks()...)
	for i, d := range c.Secrets.Deployers {
		// The program refuses credentials of another account than
		// aws:allowedAccountIds, so a deployer is a role of this account.
		errs = append(errs, c.arnAt(fmt.Sprintf("secrets.deployers[%d]", i), d, "iam", true, "role")...)
	}
	for i, a := range c.KMS.Administrators {
		errs = append(errs, c.arnAt(fmt.Sprintf("kms.administrators[%d]", i), a, "iam", true, "role", "user")...)
	}
	for i, s := range c.Secrets.Inventory {
		if s.ReplicaRegion != "" && c.Region != "" && Partition(s.ReplicaRegion) != c.partitionOf() {
			errs = append(errs, fieldErr(fmt.Sprintf("secrets.inventory[%d].replicaRegion", i), "%s is a region of partition %s; Secrets Manager replicates within the stack's partition %s", s.ReplicaRegion, Partition(s.ReplicaRegion), c.partitionOf()))
		}
	}
	for i, w := range c.Workloads {
		errs = append(errs, c.principalAt(fmt.Sprintf("workloads[%d].service", i), w.Service)...)
	}
	u := c.Identity.UserPool
	if u.SESSourceARN != "" {
		// Cognito sends through an SES identity of any account that
		// authorizes it, so the account is not this stack's to require.
		errs = append(errs, c.arnAt("identity.userPool.sesSourceArn", u.SESSourceARN, "ses", false, "identity")...)
		errs = append(errs, emailFromIdentity(u.SESSourceARN, u.EmailFrom)...)
	}
	if u.SMS && u.SMSRoleARN != "" {
		errs = append(errs, c.arnAt("identity.userPool.smsRoleArn", u.SMSRoleARN, "iam", true, "role")...)
	}
	if u.Passkeys && u.RelyingPartyID != "" {
		errs = append(errs, c.relyingParty()...)
	}
	if k := c.Identity.CI.StateKeyARN; k != "" {
		// The state key encrypts this stack's secrets in its state; the
		// CI roles of this account are granted it by ARN.
		errs = append(errs, c.arnAt("identity.ci.stateKeyArn", k, "kms", true, "key")...)
	}
	if a := c.Audit.Trail.OrganizationTrailARN; a != "" {
		errs = append(errs, c.arnAt("audit.trail.organizationTrailArn", a, "cloudtrail", false, "trail")...)
	}
	for i, r := range c.Identity.Roles {
		sids := map[string]int{}
		for j, s := range r.Statements {
			key := fmt.Sprintf("identity.roles[%d].statements[%d]", i, j)
			if first, dup := sids[s.Sid]; dup && s.Sid != "" {
				errs = append(errs, fieldErr(key+".sid", "%q is also the sid of statements[%d]; statement ids are unique in a policy (IAM Access Analyzer: duplicate Sid)", s.Sid, first))
			} else {
				sids[s.Sid] = j
			}
			for k, res := range s.Resources {
				if res == "*" {
					continue
				}
				rk := fmt.Sprintf("%s.resources[%d]", key, k)
				parts := strings.SplitN(res, ":", 6)
				switch {
				case len(parts) != 6 || parts[0] != "arn":
					errs = append(errs, fieldErr(rk, "%q is neither * nor an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)", res))
				case parts[1] != c.partitionOf():
					errs = append(errs, fieldErr(rk, "%q is in partition %q; the stack deploys into %q", res, parts[1], c.partitionOf()))
				}
			}
		}
	}
	errs = append(errs, c.certificateNames()...)
	errs = append(errs, c.duplicates()...)
	errs = append(errs, c.agreements()...)
	return errs
}

// duplicates refuses an entry listed twice in a list that is a set: AWS
// either refuses it (Cognito's URL lists) or makes one thing of two
// (an SNS subscription, an IAM principal), and two resources of the
// program would then claim it.
func (c *Config) duplicates() []error {
	lists := []struct {
		key  string
		list []string
	}{
		{"alerts.emails", c.Alerts.Emails}, {"alerts.httpsEndpoints", c.Alerts.HTTPSEndpoints},
		{"kms.administrators", c.KMS.Administrators}, {"secrets.deployers", c.Secrets.Deployers},
		{"identity.client.callbackUrls", c.Identity.Client.CallbackURLs}, {"identity.client.logoutUrls", c.Identity.Client.LogoutURLs},
		{"identity.client.federationCallbackUrls", c.Identity.Client.FederationCallbackURLs},
		{"identity.authenticatedPaths", c.Identity.AuthenticatedPaths},
		{"network.loadBalancerIngressCidrs", c.Network.LoadBalancerIngressCIDRs}, {"network.appHttpsEgressCidrs", c.Network.AppHTTPSEgressCIDRs},
		{"rateLimit.ipBlockList", c.RateLimit.IPBlockList}, {"rateLimit.auth.paths", c.RateLimit.Auth.Paths}, {"rateLimit.perUser.paths", c.RateLimit.PerUser.Paths},
	}
	for i, s := range c.Secrets.Inventory {
		lists = append(lists, struct {
			key  string
			list []string
		}{fmt.Sprintf("secrets.inventory[%d].readers", i), s.Readers})
	}
	var errs []error
	for _, l := range lists {
		seen := map[string]int{}
		for i, v := range l.list {
			norm := strings.ToLower(v)
			if j, dup := seen[norm]; dup {
				errs = append(errs, fieldErr(fmt.Sprintf("%s[%d]", l.key, i), "%q is already %s[%d]; list it once", v, l.key, j))
				continue
			}
			seen[norm] = i
		}
	}
	return errs
}

// healthCheckPathRE is an absolute URI path with an optional query, of
// RFC 3986's path and query characters: the target group's health check
// requests it as written.
var healthCheckPathRE = regexp.MustCompile(`^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*(\?[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$`)

// wafIPSetMax is how many addresses one WAF IP set holds (a quota that
// cannot be raised).
const wafIPSetMax = 10000

// cognitoSESRegions are the regions besides the user pool's own whose SES
// identities a user pool may send through (Cognito developer guide, "Email
// settings for Amazon Cognito user pools": the backwards-compatible
// Regions).
var cognitoSESRegions = []string{"us-east-1", "us-west-2", "eu-west-1"}

// agreements are the rules between settings of one stack file that the
// sections' own checks do not see.
func (c *Config) agreements() []error {
	var errs []error
	if p := c.TLS.HealthCheckPath; strings.HasPrefix(p, "/") && !healthCheckPathRE.MatchString(p) {
		errs = append(errs, fieldErr("tls.healthCheckPath", "%q is not a URI path (RFC 3986 characters only; encode a space as %%20)", p))
	}
	if n := c.TLS.PrivateCA.ServerName; c.TLS.PrivateCA.Enabled && len(n) > 64 {
		// The server certificate's subject common name (RFC 5280,
		// ub-common-name: 64), as for tls.domain.
		errs = append(errs, fieldErr("tls.privateCa.serverName", "%q is %d characters; a certificate's common name holds at most 64", n, len(n)))
	}
	for i, e := range c.Alerts.Emails {
		if _, domain, ok := strings.Cut(e, "@"); ok && !strings.Contains(domain, ".") {
			errs = append(errs, fieldErr(fmt.Sprintf("alerts.emails[%d]", i), "%q has no domain that mail can reach (%q has no dot)", e, domain))
		}
	}
	for i, e := range c.Alerts.HTTPSEndpoints {
		if u, err := url.Parse(e); err == nil && u.User != nil {
			errs = append(errs, fieldErr(fmt.Sprintf("alerts.httpsEndpoints[%d]", i), "carries credentials in the URL, in plain text in the stack file and the state; authenticate the endpoint otherwise (a token the endpoint checks in the path is still a secret)"))
		}
	}
	if arn := c.Identity.UserPool.SESSourceARN; arn != "" && c.Region != "" {
		if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 && parts[3] != c.Region && !slices.Contains(cognitoSESRegions, parts[3]) {
			errs = append(errs, fieldErr("identity.userPool.sesSourceArn", "is an SES identity of %s; a user pool in %s sends through its own region's SES or that of %s (Cognito developer guide, email settings)", parts[3], c.Region, strings.Join(cognitoSESRegions, ", ")))
		}
	}
	if c.KMS.DeletionWindowDays < c.Secrets.RecoveryWindowDays {
		// The secrets are encrypted under the stack key; a secret restored
		// after the key is gone cannot be read.
		errs = append(errs, fieldErr("kms.deletionWindowDays", "%d is shorter than secrets.recoveryWindowDays %d: after a teardown the key would be deleted while its secrets can still be restored, and a restored secret could not be decrypted; wait at least as long as the secrets do", c.KMS.DeletionWindowDays, c.Secrets.RecoveryWindowDays))
	}
	if _, vpc, err := net.ParseCIDR(c.Network.CIDR); err == nil {
		for i, e := range c.Network.AppHTTPSEgressCIDRs {
			if ip, _, err := net.ParseCIDR(e); err == nil && vpc.Contains(ip) {
				errs = append(errs, fieldErr(fmt.Sprintf("network.appHttpsEgressCidrs[%d]", i), "%s is inside the VPC (network.cidr %s); egress through NAT reaches the internet only: the tiers' own rules govern traffic inside", e, c.Network.CIDR))
			}
		}
	}
	if cbs := c.Identity.Client.CallbackURLs; len(cbs) > 0 {
		// The load balancer's authenticate-cognito action sends users back
		// to https://<its DNS name>/oauth2/idpresponse, which must be a
		// callback URL of the client (ELB user guide, "Authenticate users
		// using an Application Load Balancer").
		var want []string
		for _, h := range append([]string{c.TLS.Domain, c.TLS.PrivateCA.ServerName}, c.TLS.AlternativeNames...) {
			if h != "" {
				want = append(want, "https://"+h+"/oauth2/idpresponse")
			}
		}
		if len(want) > 0 && !slices.ContainsFunc(cbs, func(u string) bool { return slices.Contains(want, u) }) {
			errs = append(errs, fieldErr("identity.client.callbackUrls", "has none of %s, where the load balancer sends users back after sign-in; add %s", strings.Join(want, ", "), want[0]))
		}
	}
	if n := len(c.RateLimit.IPBlockList); n > wafIPSetMax {
		errs = append(errs, fieldErr("rateLimit.ipBlockList", "has %d addresses; a WAF IP set holds at most %d (AWS WAF developer guide, quotas: IP addresses per IP set)", n, wafIPSetMax))
	}
	if h := c.RateLimit.ForwardedIPHeader; h != "" && slices.Contains(c.Network.LoadBalancerIngressCIDRs, "0.0.0.0/0") {
		// WAF takes the header's first address as written (AWS WAF
		// developer guide, "Forwarded IP address"): only a CDN in front
		// may set it, so the load balancer must admit the CDN alone.
		errs = append(errs, fieldErr("rateLimit.forwardedIpHeader", "%q is trusted while network.loadBalancerIngressCidrs admits 0.0.0.0/0: any client could set it and evade every rate rule keyed on the IP; admit only the CDN's ranges, or leave the header unset", h))
	}
	if ci := c.Identity.CI; ci.Repository != "" && ci.Environment != "" && ci.Environment == ci.PreviewEnvironment {
		errs = append(errs, fieldErr("identity.ci.previewEnvironment", "%q is also identity.ci.environment; a pull request's preview job would then run where the deploy role is trusted: preview from an environment of its own", ci.PreviewEnvironment))
	}
	return errs
}

// emailFromIdentity: Cognito sends from an address of the SES identity,
// the address itself or one at its domain (Cognito developer guide,
// "Email settings for Amazon Cognito user pools").
func emailFromIdentity(arn, from string) []error {
	_, identity, ok := strings.Cut(arn, ":identity/")
	if !ok || from == "" {
		return nil
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return []error{fieldErr("identity.userPool.emailFrom", "%q is not an email address", from)}
	}
	a := strings.ToLower(addr.Address)
	identity = strings.ToLower(identity)
	if strings.Contains(identity, "@") {
		if a != identity {
			return []error{fieldErr("identity.userPool.emailFrom", "%q is not %s, the SES identity of identity.userPool.sesSourceArn; SES sends from that address only", from, identity)}
		}
		return nil
	}
	_, domain, _ := strings.Cut(a, "@")
	if domain != identity && !strings.HasSuffix(domain, "."+identity) {
		return []error{fieldErr("identity.userPool.emailFrom", "%q is not an address at %s, the SES identity of identity.userPool.sesSourceArn; SES refuses to send from another domain", from, identity)}
	}
	return nil
}

// relyingParty: a passkey's relying party is the domain users sign in at
// or a parent of it (W3C WebAuthn, "Relying Party Identifier"): the
// stack's domain, or its Cognito prefix domain.
func (c *Config) relyingParty() []error {
	rp := c.Identity.UserPool.RelyingPartyID
	var hosts []string
	for _, h := range []string{c.TLS.Domain, c.TLS.PrivateCA.ServerName} {
		if h != "" {
			hosts = append(hosts, h)
		}
	}
	if p := c.Identity.UserPool.DomainPrefix; p != "" && c.Region != "" {
		hosts = append(hosts, p+".auth."+c.Region+".amazoncognito.com")
	}
	for _, h := range hosts {
		if h == rp || strings.HasSuffix(h, "."+rp) {
			return nil
		}
	}
	return []error{fieldErr("identity.userPool.relyingPartyId", "%q is neither the domain users sign in at nor a parent of it (%s); browsers refuse a passkey for any other relying party", rp, strings.Join(hosts, ", "))}
}

// acmMaxNames is how many names one certificate holds, its domain
// included (ACM user guide, "Quotas": domain names per certificate, 10 by
// default, adjustable to at most 100).
const acmMaxNames = 100

func (c *Config) certificateNames() []error {
	var errs []error
	seen := map[string]string{c.TLS.Domain: "tls.domain"}
	for i, n := range c.TLS.AlternativeNames {
		key := fmt.Sprintf("tls.alternativeNames[%d]", i)
		if prev, dup := seen[n]; dup && n != "" {
			errs = append(errs, fieldErr(key, "%q is already %s; a certificate names each domain once", n, prev))
			continue
		}
		seen[n] = key
	}
	if n := 1 + len(c.TLS.AlternativeNames); c.TLS.Domain != "" && n > acmMaxNames {
		errs = append(errs, fieldErr("tls.alternativeNames", "has %d names; with tls.domain that is %d, over the %d an ACM certificate can hold (ACM quotas)", len(c.TLS.AlternativeNames), n, acmMaxNames))
	}
	return errs
}
