package stackconfig

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/example/hardening/identity/signin"
	"github.com/example/hardening/internal/iampolicy"
)

// Identity configures Cognito, the roles users and CI assume, and the
// account's IAM guardrails (key "identity").
type Identity struct {
	// UserPool configures the Cognito user pool.
	UserPool UserPool `json:"userPool"`
	// Client configures the load balancer's app client.
	Client AppClient `json:"client"`
	// AuthenticatedPaths are the load balancer paths that require a
	// signed-in user (authenticate-cognito). Default ["/admin/*"].
	AuthenticatedPaths []string `json:"authenticatedPaths"`
	// Groups are the user pool's groups, each mapped to a role.
	Groups []Group `json:"groups"`
	// Roles are the IAM roles the groups map to, with their statements.
	Roles []Role `json:"roles"`
	// CI configures GitHub Actions' short-lived credentials: which
	// repository, branch and environments the stack's CI roles trust. The
	// account's bootstrap stack creates those roles from these settings.
	CI CI `json:"ci"`
}

// UserPool configures the Cognito user pool.
type UserPool struct {
	// MFA is ON (default), OPTIONAL or OFF; production stacks need ON.
	MFA signin.MFA `json:"mfa"`
	// SMS allows SMS as a second factor (TOTP is always on); it needs
	// SMSRoleARN, the role Cognito sends through SNS with. Default false.
	SMS        bool   `json:"sms"`
	SMSRoleARN string `json:"smsRoleArn"`
	// Passkeys allows WebAuthn passkeys with user verification required;
	// they need RelyingPartyID. Default false.
	Passkeys bool `json:"passkeys"`
	// RelyingPartyID is the passkeys' domain.
	RelyingPartyID string `json:"relyingPartyId"`
	// PasswordMinLength is at least 14. Default 14.
	PasswordMinLength int `json:"passwordMinLength"`
	// PasswordHistory forbids reusing that many passwords, 0 to 24.
	// Default 24.
	PasswordHistory int `json:"passwordHistory"`
	// TemporaryPasswordDays is an invitation's validity, 1 to 7. Default 1.
	TemporaryPasswordDays int `json:"temporaryPasswordDays"`
	// ThreatProtection is ENFORCED (default; needs the PLUS tier) or AUDIT
	// (non-production stacks only).
	ThreatProtection signin.ThreatProtection `json:"threatProtection"`
	// Tier is the user pool tier: PLUS (default) or ESSENTIALS.
	Tier signin.Tier `json:"tier"`
	// SelfSignUp lets users create their own accounts. Default false.
	SelfSignUp bool `json:"selfSignUp"`
	// DomainPrefix is the Cognito hosted domain's prefix. Default
	// "<project>-<stack>".
	DomainPrefix string `json:"domainPrefix"`
	// SESSourceARN and EmailFrom send invitations and recovery codes
	// through Amazon SES (EmailSendingAccount DEVELOPER) from a verified
	// identity. Cognito's own sender allows a few dozen messages a day
	// (Cognito developer guide, "Email settings"), below what production
	// invitations and recovery need, so production requires SES.
	SESSourceARN string `json:"sesSourceArn"`
	EmailFrom    string `json:"emailFrom"`
}

// AppClient configures the load balancer's Cognito app client.
type AppClient struct {
	// CallbackURLs and LogoutURLs are HTTPS; http://localhost is accepted
	// in non-production stacks only. Default: the load balancer's own
	// https://<name>/oauth2/idpresponse and https://<name>/.
	CallbackURLs []string `json:"callbackUrls"`
	LogoutURLs   []string `json:"logoutUrls"`
	// AccessTokenMinutes and IDTokenMinutes are 5 to 60. Default 60.
	AccessTokenMinutes int `json:"accessTokenMinutes"`
	IDTokenMinutes     int `json:"idTokenMinutes"`
	// RefreshTokenDays is 1 to 30. Default 30.
	RefreshTokenDays int `json:"refreshTokenDays"`
	// FederationCallbackURLs are the redirect URIs of the public client
	// that browser apps and CLIs sign members in with (code grant with
	// PKCE) to exchange the ID token for their group's role. HTTPS, or a
	// loopback http://localhost URI, which native apps use in every stack
	// (RFC 8252 section 7.3). Default http://localhost:8400/callback.
	FederationCallbackURLs []string `json:"federationCallbackUrls"`
}

// Group is a user pool group.
type Group struct {
	Name string `json:"name"`
	// Precedence orders groups when a user is in several: lower wins.
	Precedence int `json:"precedence"`
	// Role names the entry of roles the group maps to.
	Role string `json:"role"`
}

// Role is an IAM role that a group maps to.
type Role struct {
	Name       string      `json:"name"`
	Statements []Statement `json:"statements"`
}

// Statement is one Allow statement of a role's policy.
type Statement struct {
	Sid       string   `json:"sid"`
	Actions   []string `json:"actions"`
	Resources []string `json:"resources"`
}

// CI configures GitHub Actions OIDC roles.
type CI struct {
	// Repository is "owner/name". Empty means no CI roles.
	Repository string `json:"repository"`
	// Branch is the branch allowed to deploy when Environment is empty.
	// Default "main".
	Branch string `json:"branch"`
	// Environment is the GitHub environment allowed to deploy, such as
	// "production"; give it a deployment-branch rule in GitHub.
	Environment string `json:"environment"`
	// PreviewEnvironment is the GitHub environment whose jobs may preview,
	// instead of any pull request: give it required reviewers, so that no
	// pull request reads the stack's state unapproved. Required in
	// production.
	PreviewEnvironment string `json:"previewEnvironment"`
	// StateBucket and StateKeyARN are Pulumi's state bucket and secrets
	// key, which both roles need. Empty means a Pulumi Cloud backend.
	StateBucket string `json:"stateBucket"`
	StateKeyARN string `json:"stateKeyArn"`
}

// DefaultIdentity returns the identity defaults.
func DefaultIdentity() Identity {
	return Identity{
		UserPool: UserPool{
			MFA: signin.MFAOn, PasswordMinLength: 14, PasswordHistory: 24, TemporaryPasswordDays: 1,
			ThreatProtection: signin.Enforced, Tier: signin.Plus,
		},
		Client:             AppClient{AccessTokenMinutes: 60, IDTokenMinutes: 60, RefreshTokenDays: 30, FederationCallbackURLs: []string{"http://localhost:8400/callback"}},
		AuthenticatedPaths: []string{"/admin/*"},
		Groups: []Group{
			{Name: "admins", Precedence: 1, Role: "admin"},
			{Name: "operators", Precedence: 2, Role: "operator"},
			{Name: "readers", Precedence: 3, Role: "reader"},
		},
		Roles: []Role{
			{Name: "admin", Statements: []Statement{
				{Sid: "ReadMetricsAndAlarms", Actions: []string{"cloudwatch:GetMetricData", "cloudwatch:DescribeAlarms", "cloudwatch:ListMetrics"}, Resources: []string{"*"}},
				{Sid: "ManageAlarms", Actions: []string{"cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions", "cloudwatch:SetAlarmState"}, Resources: []string{"*"}},
				{Sid: "ReadSecretMetadata", Actions: []string{"secretsmanager:DescribeSecret", "secretsmanager:ListSecrets"}, Resources: []string{"*"}},
			}},
			{Name: "operator", Statements: []Statement{
				{Sid: "ReadMetricsAndAlarms", Actions: []string{"cloudwatch:GetMetricData", "cloudwatch:DescribeAlarms", "cloudwatch:ListMetrics"}, Resources: []string{"*"}},
				{Sid: "ReadLogs", Actions: []string{"logs:FilterLogEvents", "logs:GetLogEvents", "logs:DescribeLogGroups"}, Resources: []string{"*"}},
			}},
			{Name: "reader", Statements: []Statement{
				{Sid: "ReadMetrics", Actions: []string{"cloudwatch:GetMetricData", "cloudwatch:ListMetrics"}, Resources: []string{"*"}},
			}},
		},
		CI: CI{Branch: "main"},
	}
}

// Document returns the role's policy document.
func (r Role) Document() iampolicy.Document {
	var st []iampolicy.Statement
	for _, s := range r.Statements {
		st = append(st, iampolicy.Statement{Sid: s.Sid, Effect: iampolicy.Allow, Action: s.Actions, Resource: s.Resources})
	}
	return iampolicy.New(st...)
}

var (
	nameRE           = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	sidRE            = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)
	repoRE           = regexp.MustCompile(`^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$`)
	branchRE         = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,200}$`)
	envNameRE        = regexp.MustCompile(`^[A-Za-z0-9._-]{1,255}$`)
	domainPrefRE     = regexp.MustCompile(`^[a-z0-9](-?[a-z0-9])*$`)
	albPathRE        = regexp.MustCompile(`^/[A-Za-z0-9._~!$&'()+,;=:@%/*?-]{0,127}$`)
	sesIdentityARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:ses:[a-z0-9-]+:\d{12}:identity/[^*\s]+$`)
	kmsKeyARNRE      = regexp.MustCompile(`^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key/[\w-]+$`)
	bucketNameRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// Settings are the user pool's settings whose rules identity/signin holds.
func (u UserPool) Settings(production bool) signin.Settings {
	return signin.Settings{
		MFA: u.MFA, PasswordMinLength: u.PasswordMinLength, PasswordHistory: u.PasswordHistory,
		TemporaryPasswordDays: u.TemporaryPasswordDays, ThreatProtection: u.ThreatProtection, Tier: u.Tier,
		Production: production,
	}
}

func (id Identity) validate(key string, production bool) []error {
	var errs []error
	u, k := id.UserPool, key+".userPool"
	// The rules the identity component checks too live in identity/signin.
	errs = append(errs, problemsAt(k, u.Settings(production).Check())...)
	switch {
	case u.SESSourceARN != "" && !sesIdentityARNRE.MatchString(u.SESSourceARN):
		errs = append(errs, fieldErr(k+".sesSourceArn", "%q is not an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<domain or address>)", u.SESSourceARN))
	case u.SESSourceARN != "" && u.EmailFrom == "":
		errs = append(errs, fieldErr(k+".emailFrom", "is empty; SES needs the From address, an address of the verified identity"))
	case u.SESSourceARN == "" && u.EmailFrom != "":
		errs = append(errs, fieldErr(k+".emailFrom", "is set without sesSourceArn; Cognito's own sender cannot send from it"))
	case production && u.SESSourceARN == "":
		errs = append(errs, fieldErr(k+".sesSourceArn", "is empty in a production stack; Cognito's own sender allows only a few dozen messages a day: send through an SES identity verified in the region"))
	}
	if u.SMS && !principalARNRE.MatchString(u.SMSRoleARN) {
		errs = append(errs, fieldErr(k+".smsRoleArn", "%q is not an IAM role ARN; SMS needs the role Cognito sends through SNS with", u.SMSRoleARN))
	}
	if u.Passkeys && u.RelyingPartyID == "" {
		errs = append(errs, fieldErr(k+".relyingPartyId", "is empty; passkeys need the domain users sign in at"))
	}
	if u.DomainPrefix != "" && (!domainPrefRE.MatchString(u.DomainPrefix) || len(u.DomainPrefix) > 63 || strings.Contains(u.DomainPrefix, "aws") || strings.Contains(u.DomainPrefix, "amazon") || strings.Contains(u.DomainPrefix, "cognito")) {
		// Cognito refuses prefixes with these reserved words (Cognito
		// developer guide, "Using the Amazon Cognito domain").
		errs = append(errs, fieldErr(k+".domainPrefix", "%q is not a Cognito domain prefix: lower-case letters, digits and hyphens, without aws, amazon or cognito", u.DomainPrefix))
	}

	c, ck := id.Client, key+".client"
	for field, urls := range map[string][]string{"callbackUrls": c.CallbackURLs, "logoutUrls": c.LogoutURLs} {
		for i, raw := range urls {
			if err := checkRedirect(raw, production); err != nil {
				errs = append(errs, fieldErr(fmt.Sprintf("%s.%s[%d]", ck, field, i), "%q %v", raw, err))
			}
		}
	}
	for i, raw := range c.FederationCallbackURLs {
		// A native app's loopback redirect stays on the device.
		if err := checkRedirect(raw, false); err != nil {
			errs = append(errs, fieldErr(fmt.Sprintf("%s.federationCallbackUrls[%d]", ck, i), "%q %v", raw, err))
		}
	}
	for field, v := range map[string]int{"accessTokenMinutes": c.AccessTokenMinutes, "idTokenMinutes": c.IDTokenMinutes} {
		if v < 5 || v > 60 {
			errs = append(errs, fieldErr(ck+"."+field, "%d is out of range; tokens live 5 to 60 minutes", v))
		}
	}
	if c.RefreshTokenDays < 1 || c.RefreshTokenDays > 30 {
		errs = append(errs, fieldErr(ck+".refreshTokenDays", "%d is out of range; refresh tokens live 1 to 30 days", c.RefreshTokenDays))
	}
	for i, p := range id.AuthenticatedPaths {
		if !albPathRE.MatchString(p) {
			errs = append(errs, fieldErr(fmt.Sprintf("%s.authenticatedPaths[%d]", key, i), "%q is not a load balancer path pattern such as /admin/*", p))
		}
	}
	if len(id.AuthenticatedPaths) > 5 {
		errs = append(errs, fieldErr(key+".authenticatedPaths", "has %d patterns; a listener rule takes at most 5", len(id.AuthenticatedPaths)))
	}

	roles := map[string]bool{}
	for i, r := range id.Roles {
		rk := fmt.Sprintf("%s.roles[%d]", key, i)
		if !nameRE.MatchString(r.Name) || roles[r.Name] {
			errs = append(errs, fieldErr(rk+".name", "%q is not a unique role name of lower-case letters, digits and hyphens", r.Name))
		}
		roles[r.Name] = true
		for j, s := range r.Statements {
			if !sidRE.MatchString(s.Sid) {
				errs = append(errs, fieldErr(fmt.Sprintf("%s.statements[%d].sid", rk, j), "%q is not a statement id of letters and digits", s.Sid))
			}
		}
		if err := r.Document().Validate(); err != nil {
			for _, e := range unjoin(err) {
				errs = append(errs, fieldErr(rk+".statements", "role %s: %v", r.Name, e))
			}
		}
	}
	groups := map[string]bool{}
	for i, g := range id.Groups {
		gk := fmt.Sprintf("%s.groups[%d]", key, i)
		if !nameRE.MatchString(g.Name) || groups[g.Name] {
			errs = append(errs, fieldErr(gk+".name", "%q is not a unique group name of lower-case letters, digits and hyphens", g.Name))
		}
		groups[g.Name] = true
		if g.Precedence < 0 {
			errs = append(errs, fieldErr(gk+".precedence", "%d is negative", g.Precedence))
		}
		if !roles[g.Role] {
			errs = append(errs, fieldErr(gk+".role", "%q is not a role under %s.roles (known: %v)", g.Role, key, roleNames(id.Roles)))
		}
	}

	ci, cik := id.CI, key+".ci"
	if ci.Repository != "" && !repoRE.MatchString(ci.Repository) {
		errs = append(errs, fieldErr(cik+".repository", "%q is not owner/name; wildcards are not allowed", ci.Repository))
	}
	if ci.Repository != "" && !branchRE.MatchString(ci.Branch) {
		errs = append(errs, fieldErr(cik+".branch", "%q is not a branch name; wildcards are not allowed", ci.Branch))
	}
	if ci.Environment != "" && !envNameRE.MatchString(ci.Environment) {
		errs = append(errs, fieldErr(cik+".environment", "%q is not a GitHub environment name; wildcards are not allowed", ci.Environment))
	}
	if ci.PreviewEnvironment != "" && !envNameRE.MatchString(ci.PreviewEnvironment) {
		errs = append(errs, fieldErr(cik+".previewEnvironment", "%q is not a GitHub environment name; wildcards are not allowed", ci.PreviewEnvironment))
	}
	if production && ci.Repository != "" && ci.PreviewEnvironment == "" {
		errs = append(errs, fieldErr(cik+".previewEnvironment", "is empty in a production stack; pull requests would read production's state unapproved: preview from a GitHub environment with required reviewers, such as production-preview"))
	}
	if ci.Repository != "" && ci.Environment == "" {
		hint := "such as development, with a deployment-branch rule for " + ci.Branch
		if production {
			hint = "such as production, with required reviewers and a deployment-branch rule"
		}
		errs = append(errs, fieldErr(cik+".environment", "is empty; the deploy role trusts only the jobs of one GitHub environment on the branch (%s), never every run of a branch", hint))
	}
	if ci.StateKeyARN != "" && !kmsKeyARNRE.MatchString(ci.StateKeyARN) {
		// IAM matches a key's ARN in Resource; an alias ARN there grants
		// nothing (KMS developer guide, "Using aliases to control access").
		errs = append(errs, fieldErr(cik+".stateKeyArn", "%q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias ARN in an IAM policy grants nothing on the key", ci.StateKeyARN))
	}
	if ci.StateBucket != "" && !bucketNameRE.MatchString(ci.StateBucket) {
		errs = append(errs, fieldErr(cik+".stateBucket", "%q is not an S3 bucket name", ci.StateBucket))
	}
	return errs
}

// checkRedirect accepts an https URL, or http://localhost outside
// production.
func checkRedirect(raw string, production bool) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Fragment != "":
		return errors.New("is not an absolute URL without a fragment")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && u.Hostname() == "localhost" && !production:
		return nil
	case u.Scheme == "http" && u.Hostname() == "localhost":
		return errors.New("is http://localhost in a production stack; use https")
	}
	return errors.New("is not https; Cognito would send codes in plain text")
}

func roleNames(roles []Role) []string {
	var out []string
	for _, r := range roles {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
