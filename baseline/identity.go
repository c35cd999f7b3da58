package baseline

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/identity"
	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/secrets/secretkind"
	"github.com/example/hardening/stackconfig"
	"github.com/example/hardening/tls"
)

// BoundaryActions are the ceiling of every role of a workload stack: what
// CI previews and deploys with (secret reads included), what the service
// roles use, and what the configured group roles are granted. The
// account's bootstrap stack writes the boundary from them.
func BoundaryActions(cfg *stackconfig.Config) []string {
	actions := slices.Concat(identity.PreviewActions, identity.DeployActions, identity.ObjectActions, identity.SecretReads, identity.RuntimeActions, identity.KeyUseActions)
	for _, reqs := range identity.CallerRequirements {
		for _, r := range reqs {
			actions = append(actions, r.Action)
		}
	}
	for _, r := range cfg.Identity.Roles {
		for _, s := range r.Statements {
			actions = append(actions, s.Actions...)
		}
	}
	return actions
}

// StackRegions are the regions a workload stack's roles may act in: its
// own and its secrets' replica regions.
func StackRegions(cfg *stackconfig.Config, region string) []string {
	regions := []string{region}
	for _, s := range cfg.Secrets.Inventory {
		if s.ReplicaRegion != "" {
			regions = append(regions, s.ReplicaRegion)
		}
	}
	return regions
}

// host is the name users reach the load balancer at.
func host(cfg *stackconfig.Config) string {
	if cfg.TLS.Domain != "" {
		return cfg.TLS.Domain
	}
	return cfg.TLS.PrivateCA.ServerName
}

func deployUserPool(ctx *pulumi.Context, name string, cfg *stackconfig.Config, alb *tls.LoadBalancer, boundary pulumi.StringInput) (*identity.UserPool, error) {
	id := cfg.Identity
	u, c := id.UserPool, id.Client
	callbacks, logouts := c.CallbackURLs, c.LogoutURLs
	if len(callbacks) == 0 {
		callbacks = []string{"https://" + host(cfg) + "/oauth2/idpresponse"}
	}
	if len(logouts) == 0 {
		logouts = []string{"https://" + host(cfg) + "/"}
	}
	domain := u.DomainPrefix
	if domain == "" {
		domain = name
	}
	roles := map[string]stackconfig.Role{}
	for _, r := range id.Roles {
		roles[r.Name] = r
	}
	var groups []identity.GroupArgs
	for _, g := range id.Groups {
		groups = append(groups, identity.GroupArgs{
			Name: g.Name, Precedence: g.Precedence, RoleName: g.Role, Policy: roles[g.Role].Document(),
		})
	}
	return identity.NewUserPool(ctx, name, &identity.UserPoolArgs{
		SESSourceARN: u.SESSourceARN, EmailFrom: u.EmailFrom,
		MFA: u.MFA, SMS: u.SMS, SMSRoleARN: smsRole(u), Passkeys: u.Passkeys, RelyingPartyID: u.RelyingPartyID,
		PasswordMinLength: u.PasswordMinLength, PasswordHistory: u.PasswordHistory, TemporaryPasswordDays: u.TemporaryPasswordDays,
		ThreatProtection: u.ThreatProtection, Tier: u.Tier, SelfSignUp: u.SelfSignUp, DomainPrefix: domain,
		CallbackURLs: callbacks, LogoutURLs: logouts, FederationCallbackURLs: c.FederationCallbackURLs,
		AccessTokenMinutes: c.AccessTokenMinutes, IDTokenMinutes: c.IDTokenMinutes, RefreshTokenDays: c.RefreshTokenDays,
		Groups:             groups,
		ListenerARN:        alb.HTTPSListenerARN,
		TargetGroupARN:     alb.TargetGroupARN,
		AuthenticatedPaths: id.AuthenticatedPaths,
		BoundaryARN:        boundary,
		RolePath:           awsenv.RolePath(name),
		Protect:            cfg.ProtectStateful,
	})
}

// ClientSecretName is the inventory entry of the load balancer's Cognito
// app client secret (declared in stackconfig, which refuses it as a name).
const ClientSecretName = stackconfig.ClientSecretName

// clientSecretEntry keeps the app client's secret in the inventory:
// encrypted, tagged and audited like the others, read by no workload (the
// load balancer gets it from Cognito).
func clientSecretEntry(pool *identity.UserPool) secrets.SecretArgs {
	return secrets.SecretArgs{
		Name:           ClientSecretName,
		Description:    "Secret of the load balancer's Cognito app client",
		Owner:          "identity",
		Classification: "restricted",
		Kind:           secretkind.External,
		Value:          pool.ClientSecret,
	}
}

// smsRole is the SMS sender role, when SMS is on.
func smsRole(u stackconfig.UserPool) pulumi.StringInput {
	if !u.SMS {
		return nil
	}
	return pulumi.String(u.SMSRoleARN)
}
