package identity

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cognito"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/identity/signin"
	"github.com/example/hardening/internal/iampolicy"
)

// UserPoolType is the type token of the UserPool component.
const UserPoolType = "hardening:identity:UserPool"

// GroupArgs is a user pool group mapped to an IAM role.
type GroupArgs struct {
	Name       string
	Precedence int
	// Policy is the group role's policy, already validated.
	Policy iampolicy.Document
	// RoleName is the config role the group maps to, for descriptions.
	RoleName string
}

// UserPoolArgs configures a UserPool.
type UserPoolArgs struct {
	// MFA is ON, OPTIONAL or OFF; SMS adds SMS to TOTP.
	MFA signin.MFA
	SMS bool
	// SMSRoleARN is the role Cognito sends SMS with, when SMS is on.
	SMSRoleARN pulumi.StringInput
	// Passkeys allows WebAuthn with user verification, for RelyingPartyID.
	Passkeys       bool
	RelyingPartyID string
	// SESSourceARN and EmailFrom send email through SES ("" for Cognito's
	// own, rate-limited sender).
	SESSourceARN string
	EmailFrom    string
	// Password policy.
	PasswordMinLength     int
	PasswordHistory       int
	TemporaryPasswordDays int
	// ThreatProtection is ENFORCED or AUDIT; Tier is PLUS (threat
	// protection needs it) or ESSENTIALS.
	ThreatProtection signin.ThreatProtection
	Tier             signin.Tier
	SelfSignUp       bool
	DomainPrefix     string
	// Client settings.
	CallbackURLs       []string
	LogoutURLs         []string
	AccessTokenMinutes int
	IDTokenMinutes     int
	RefreshTokenDays   int
	// Groups map to their roles.
	Groups []GroupArgs
	// FederationCallbackURLs are the redirect URIs of the public client
	// through which a browser app or a CLI exchanges a member's ID token
	// for its group's role (https, or a loopback http://localhost URI for
	// a native app, RFC 8252 section 7.3).
	FederationCallbackURLs []string
	// ListenerARN and TargetGroupARN receive a rule that authenticates
	// AuthenticatedPaths before forwarding.
	ListenerARN        pulumi.StringInput
	TargetGroupARN     pulumi.StringInput
	AuthenticatedPaths []string
	// BoundaryARN is the group roles' permissions boundary, and RolePath
	// their IAM path (awsenv.RolePath).
	BoundaryARN pulumi.StringInput
	RolePath    string
	// Protect protects and retains the user pool; production pools also
	// get deletion protection.
	Protect bool
}

// Validate reports every problem of the arguments at once, each naming its
// setting and quoting the value (identity/signin holds the sign-in rules,
// which the stack configuration reuses).
func (a *UserPoolArgs) Validate() error {
	errs := signin.Settings{
		MFA: a.MFA, PasswordMinLength: a.PasswordMinLength, PasswordHistory: a.PasswordHistory,
		TemporaryPasswordDays: a.TemporaryPasswordDays, ThreatProtection: a.ThreatProtection, Tier: a.Tier,
	}.Check().Errors()
	if a.SMS && a.SMSRoleARN == nil {
		errs = append(errs, errors.New("sms: needs SMSRoleARN, the role Cognito sends with"))
	}
	return errors.Join(errs...)
}

// UserPool is a Cognito user pool with MFA and threat protection, its
// domain, the load balancer's confidential app client, groups mapped to
// IAM roles through an identity pool, and a listener rule that signs users
// in before the authenticated paths.
type UserPool struct {
	pulumi.ResourceState

	// UserPoolARN and UserPoolID identify the pool.
	UserPoolARN pulumi.StringOutput `pulumi:"userPoolArn"`
	UserPoolID  pulumi.StringOutput `pulumi:"userPoolId"`
	// ClientID is the app client's id.
	ClientID pulumi.StringOutput `pulumi:"clientId"`
	// FederationClientID is the public client whose ID tokens the identity
	// pool exchanges for group roles.
	FederationClientID pulumi.StringOutput `pulumi:"federationClientId"`
	// ClientSecret is the app client's secret: a secret output that goes to
	// the secrets inventory, never to a stack output.
	ClientSecret pulumi.StringOutput `pulumi:"-"`
	// Domain is the hosted domain's prefix.
	Domain pulumi.StringOutput `pulumi:"domain"`
	// IdentityPoolID is the identity pool's id.
	IdentityPoolID pulumi.StringOutput `pulumi:"identityPoolId"`
	// GroupRoleARNs maps each group to its role's ARN.
	GroupRoleARNs pulumi.StringMapOutput `pulumi:"groupRoleArns"`
}

// NewUserPool creates a UserPool.
func NewUserPool(ctx *pulumi.Context, name string, args *UserPoolArgs, opts ...pulumi.ResourceOption) (*UserPool, error) {
	if args == nil || args.ListenerARN == nil || args.TargetGroupARN == nil || args.BoundaryARN == nil {
		return nil, errors.New("identity user pool: args with a listener, a target group and a boundary are required")
	}
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("identity user pool %s: %w", name, err)
	}
	u := &UserPool{}
	if err := ctx.RegisterComponentResource(UserPoolType, name, u, opts...); err != nil {
		return nil, err
	}
	b := &poolBuilder{ctx: ctx, name: name, args: args, parent: pulumi.Parent(u)}
	fail := func(err error) (*UserPool, error) { return nil, fmt.Errorf("identity user pool %s: %w", name, err) }
	pool, err := cognito.NewUserPool(ctx, name, poolArgs(name, args), b.parent, pulumi.Protect(args.Protect), pulumi.RetainOnDelete(args.Protect))
	if err != nil {
		return fail(err)
	}
	domain, err := b.domain(pool)
	if err != nil {
		return fail(err)
	}
	client, err := b.loadBalancerClient(pool)
	if err != nil {
		return fail(err)
	}
	federation, err := b.federationClient(pool)
	if err != nil {
		return fail(err)
	}
	identityPool, err := b.identityPool(pool, federation)
	if err != nil {
		return fail(err)
	}
	noAccess, roleARNs, err := b.groupRoles(pool, identityPool)
	if err != nil {
		return fail(err)
	}
	if err := b.roleAttachment(pool, federation, identityPool, noAccess); err != nil {
		return fail(err)
	}
	if err := b.signInRule(pool, client, domain); err != nil {
		return fail(err)
	}
	u.UserPoolARN = pool.Arn
	u.UserPoolID = pool.ID().ToStringOutput()
	u.ClientID = client.ID().ToStringOutput()
	u.FederationClientID = federation.ID().ToStringOutput()
	u.ClientSecret = pulumi.ToSecret(client.ClientSecret).(pulumi.StringOutput)
	u.Domain = domain.Domain
	u.IdentityPoolID = identityPool.ID().ToStringOutput()
	u.GroupRoleARNs = roleARNs.ToStringMapOutput()
	return u, ctx.RegisterResourceOutputs(u, pulumi.Map{
		"userPoolArn":        u.UserPoolARN,
		"userPoolId":         u.UserPoolID,
		"clientId":           u.ClientID,
		"federationClientId": u.FederationClientID,
		"domain":             u.Domain,
		"identityPoolId":     u.IdentityPoolID,
		"groupRoleArns":      u.GroupRoleARNs,
	})
}

// poolBuilder holds what every step of one NewUserPool call reads; each
// step takes the resources it needs as arguments.
type poolBuilder struct {
	ctx    *pulumi.Context
	name   string
	args   *UserPoolArgs
	parent pulumi.ResourceOption
}

func (b *poolBuilder) domain(pool *cognito.UserPool) (*cognito.UserPoolDomain, error) {
	return cognito.NewUserPoolDomain(b.ctx, b.name, &cognito.UserPoolDomainArgs{
		Domain:     pulumi.String(b.args.DomainPrefix),
		UserPoolId: pool.ID(),
		// The classic hosted UI. Managed login (version 2) shows "Login
		// pages unavailable" until a branding style exists, and
		// pulumi-aws v6.83.4 has no ManagedLoginBranding resource.
		ManagedLoginVersion: pulumi.Int(1),
	}, b.parent)
}

// clientArgs are what both app clients share: the authorization-code
// grant only (no implicit grant), SRP sign-in, no user-existence errors,
// revocable tokens of the configured lifetimes.
func (b *poolBuilder) clientArgs(pool *cognito.UserPool, callbacks []string) *cognito.UserPoolClientArgs {
	return &cognito.UserPoolClientArgs{
		UserPoolId:                      pool.ID(),
		AllowedOauthFlowsUserPoolClient: pulumi.Bool(true),
		AllowedOauthFlows:               pulumi.StringArray{pulumi.String("code")},
		AllowedOauthScopes:              pulumi.StringArray{pulumi.String("openid"), pulumi.String("email")},
		SupportedIdentityProviders:      pulumi.StringArray{pulumi.String("COGNITO")},
		CallbackUrls:                    pulumi.ToStringArray(callbacks),
		ExplicitAuthFlows:               pulumi.StringArray{pulumi.String("ALLOW_USER_SRP_AUTH")},
		PreventUserExistenceErrors:      pulumi.String("ENABLED"),
		EnableTokenRevocation:           pulumi.Bool(true),
		AccessTokenValidity:             pulumi.Int(b.args.AccessTokenMinutes),
		IdTokenValidity:                 pulumi.Int(b.args.IDTokenMinutes),
		RefreshTokenValidity:            pulumi.Int(b.args.RefreshTokenDays),
		TokenValidityUnits: &cognito.UserPoolClientTokenValidityUnitsArgs{
			AccessToken:  pulumi.String("minutes"),
			IdToken:      pulumi.String("minutes"),
			RefreshToken: pulumi.String("days"),
		},
		AuthSessionValidity: pulumi.Int(3),
	}
}

// loadBalancerClient is a confidential client: the load balancer keeps the
// secret and runs the grant; its refresh tokens rotate.
func (b *poolBuilder) loadBalancerClient(pool *cognito.UserPool) (*cognito.UserPoolClient, error) {
	args := b.clientArgs(pool, b.args.CallbackURLs)
	args.GenerateSecret = pulumi.Bool(true)
	args.LogoutUrls = pulumi.ToStringArray(b.args.LogoutURLs)
	args.RefreshTokenRotation = &cognito.UserPoolClientRefreshTokenRotationArgs{
		Feature:                 pulumi.String("ENABLED"),
		RetryGracePeriodSeconds: pulumi.Int(10),
	}
	return cognito.NewUserPoolClient(b.ctx, b.name+"-alb", args, b.parent, pulumi.AdditionalSecretOutputs([]string{"clientSecret"}))
}

// federationClient is public: the load balancer never hands the ID token
// to the app (it forwards the access token and its own x-amzn-oidc-data),
// so group roles are reached through this client: a browser app or a CLI
// signs the member in with the authorization-code grant and PKCE (no
// secret to leak), then trades the ID token at the identity pool.
func (b *poolBuilder) federationClient(pool *cognito.UserPool) (*cognito.UserPoolClient, error) {
	args := b.clientArgs(pool, b.args.FederationCallbackURLs)
	args.GenerateSecret = pulumi.Bool(false)
	return cognito.NewUserPoolClient(b.ctx, b.name+"-federation", args, b.parent)
}

func (b *poolBuilder) identityPool(pool *cognito.UserPool, federation *cognito.UserPoolClient) (*cognito.IdentityPool, error) {
	return cognito.NewIdentityPool(b.ctx, b.name, &cognito.IdentityPoolArgs{
		IdentityPoolName:               pulumi.String(b.name),
		AllowUnauthenticatedIdentities: pulumi.Bool(false),
		// The enhanced flow only: the identity pool, not the caller, picks
		// the role from the token, so no member can ask for another
		// group's role.
		AllowClassicFlow: pulumi.Bool(false),
		CognitoIdentityProviders: cognito.IdentityPoolCognitoIdentityProviderArray{cognito.IdentityPoolCognitoIdentityProviderArgs{
			ClientId:             federation.ID(),
			ProviderName:         pool.Endpoint,
			ServerSideTokenCheck: pulumi.Bool(true),
		}},
	}, b.parent)
}

// groupRoles creates a role per group, trusted by the identity pool, and
// the signed-in default role that grants nothing.
func (b *poolBuilder) groupRoles(pool *cognito.UserPool, identityPool *cognito.IdentityPool) (*iam.Role, pulumi.StringMap, error) {
	poolTrust := identityPool.ID().ToStringOutput().ApplyT(func(id string) (string, error) {
		return GroupTrustPolicy(id).JSON()
	}).(pulumi.StringOutput)
	// The provider refuses a role attachment whose roles map has neither
	// authenticated nor unauthenticated
	// (internal/service/cognitoidentity/pool_roles_attachment.go). The
	// authenticated default role grants nothing: a member gets only its
	// group's role, anyone else nothing.
	noAccess, err := iam.NewRole(b.ctx, b.name+"-signed-in", &iam.RoleArgs{
		Description:         pulumi.String("Default role of signed-in users without a group: no permissions"),
		AssumeRolePolicy:    poolTrust,
		MaxSessionDuration:  pulumi.Int(3600),
		PermissionsBoundary: b.args.BoundaryARN,
		Path:                pulumi.String(b.args.RolePath),
	}, b.parent)
	if err != nil {
		return nil, nil, err
	}
	if _, err := iam.NewRolePolicy(b.ctx, b.name+"-signed-in", &iam.RolePolicyArgs{
		Role: noAccess.Name,
		Policy: pulumi.String(iampolicy.New(iampolicy.Statement{
			Sid: "NoAccess", Effect: iampolicy.Deny, Action: []string{"*"}, Resource: []string{"*"},
		}).MustJSON()),
	}, b.parent); err != nil {
		return nil, nil, err
	}
	roleARNs := pulumi.StringMap{}
	for _, g := range b.args.Groups {
		role, err := iam.NewRole(b.ctx, b.name+"-group-"+g.Name, &iam.RoleArgs{
			Description:         pulumi.String(fmt.Sprintf("Users of group %s (role %s)", g.Name, g.RoleName)),
			AssumeRolePolicy:    poolTrust,
			MaxSessionDuration:  pulumi.Int(3600),
			PermissionsBoundary: b.args.BoundaryARN,
			Path:                pulumi.String(b.args.RolePath),
		}, b.parent)
		if err != nil {
			return nil, nil, err
		}
		policy, err := g.Policy.JSON()
		if err != nil {
			return nil, nil, fmt.Errorf("group %s role %s: %w", g.Name, g.RoleName, err)
		}
		if _, err := iam.NewRolePolicy(b.ctx, b.name+"-group-"+g.Name, &iam.RolePolicyArgs{
			Role:   role.Name,
			Policy: pulumi.String(policy),
		}, b.parent); err != nil {
			return nil, nil, err
		}
		if _, err := cognito.NewUserGroup(b.ctx, b.name+"-"+g.Name, &cognito.UserGroupArgs{
			UserPoolId: pool.ID(),
			Name:       pulumi.String(g.Name),
			Precedence: pulumi.Int(g.Precedence),
			RoleArn:    role.Arn,
		}, b.parent); err != nil {
			return nil, nil, err
		}
		roleARNs[g.Name] = role.Arn
	}
	return noAccess, roleARNs, nil
}

func (b *poolBuilder) roleAttachment(pool *cognito.UserPool, federation *cognito.UserPoolClient, identityPool *cognito.IdentityPool, noAccess *iam.Role) error {
	_, err := cognito.NewIdentityPoolRoleAttachment(b.ctx, b.name, &cognito.IdentityPoolRoleAttachmentArgs{
		IdentityPoolId: identityPool.ID(),
		Roles:          pulumi.StringMap{"authenticated": noAccess.Arn},
		RoleMappings: cognito.IdentityPoolRoleAttachmentRoleMappingArray{cognito.IdentityPoolRoleAttachmentRoleMappingArgs{
			IdentityProvider:        pulumi.Sprintf("%s:%s", pool.Endpoint, federation.ID()),
			Type:                    pulumi.String("Token"),
			AmbiguousRoleResolution: pulumi.String("Deny"),
		}},
	}, b.parent)
	return err
}

// signInRule makes the load balancer sign users in on the authenticated
// paths before forwarding.
func (b *poolBuilder) signInRule(pool *cognito.UserPool, client *cognito.UserPoolClient, domain *cognito.UserPoolDomain) error {
	if len(b.args.AuthenticatedPaths) == 0 {
		return nil
	}
	_, err := lb.NewListenerRule(b.ctx, b.name+"-authenticated", &lb.ListenerRuleArgs{
		ListenerArn: b.args.ListenerARN,
		Priority:    pulumi.Int(10),
		Conditions: lb.ListenerRuleConditionArray{lb.ListenerRuleConditionArgs{
			PathPattern: &lb.ListenerRuleConditionPathPatternArgs{Values: pulumi.ToStringArray(b.args.AuthenticatedPaths)},
		}},
		Actions: lb.ListenerRuleActionArray{
			lb.ListenerRuleActionArgs{
				Type:  pulumi.String("authenticate-cognito"),
				Order: pulumi.Int(1),
				AuthenticateCognito: &lb.ListenerRuleActionAuthenticateCognitoArgs{
					UserPoolArn:              pool.Arn,
					UserPoolClientId:         client.ID(),
					UserPoolDomain:           domain.Domain,
					OnUnauthenticatedRequest: pulumi.String("authenticate"),
					Scope:                    pulumi.String("openid email"),
					SessionTimeout:           pulumi.Int(3600),
				},
			},
			lb.ListenerRuleActionArgs{
				Type:           pulumi.String("forward"),
				Order:          pulumi.Int(2),
				TargetGroupArn: b.args.TargetGroupARN,
			},
		},
	}, b.parent)
	return err
}

// poolArgs is the user pool: MFA with TOTP, a strong password policy,
// threat protection on every flow, recovery by verified email only,
// administrators create users unless self sign-up is asked for,
// case-insensitive usernames and deletion protection when protected.
func poolArgs(name string, a *UserPoolArgs) *cognito.UserPoolArgs {
	deletion := "INACTIVE"
	if a.Protect {
		deletion = "ACTIVE"
	}
	p := &cognito.UserPoolArgs{
		Name:                          pulumi.String(name),
		UserPoolTier:                  pulumi.String(string(a.Tier)),
		DeletionProtection:            pulumi.String(deletion),
		MfaConfiguration:              pulumi.String(string(a.MFA)),
		SoftwareTokenMfaConfiguration: &cognito.UserPoolSoftwareTokenMfaConfigurationArgs{Enabled: pulumi.Bool(true)},
		PasswordPolicy: &cognito.UserPoolPasswordPolicyArgs{
			MinimumLength:                 pulumi.Int(a.PasswordMinLength),
			RequireLowercase:              pulumi.Bool(true),
			RequireUppercase:              pulumi.Bool(true),
			RequireNumbers:                pulumi.Bool(true),
			RequireSymbols:                pulumi.Bool(true),
			TemporaryPasswordValidityDays: pulumi.Int(a.TemporaryPasswordDays),
			PasswordHistorySize:           pulumi.Int(a.PasswordHistory),
		},
		UserPoolAddOns: &cognito.UserPoolUserPoolAddOnsArgs{
			AdvancedSecurityMode: pulumi.String(string(a.ThreatProtection)),
			AdvancedSecurityAdditionalFlows: &cognito.UserPoolUserPoolAddOnsAdvancedSecurityAdditionalFlowsArgs{
				CustomAuthMode: pulumi.String(string(a.ThreatProtection)),
			},
		},
		AccountRecoverySetting: &cognito.UserPoolAccountRecoverySettingArgs{
			RecoveryMechanisms: cognito.UserPoolAccountRecoverySettingRecoveryMechanismArray{
				cognito.UserPoolAccountRecoverySettingRecoveryMechanismArgs{Name: pulumi.String("verified_email"), Priority: pulumi.Int(1)},
			},
		},
		AdminCreateUserConfig:  &cognito.UserPoolAdminCreateUserConfigArgs{AllowAdminCreateUserOnly: pulumi.Bool(!a.SelfSignUp)},
		UsernameAttributes:     pulumi.StringArray{pulumi.String("email")},
		UsernameConfiguration:  &cognito.UserPoolUsernameConfigurationArgs{CaseSensitive: pulumi.Bool(false)},
		AutoVerifiedAttributes: pulumi.StringArray{pulumi.String("email")},
	}
	if a.Passkeys {
		p.WebAuthnConfiguration = &cognito.UserPoolWebAuthnConfigurationArgs{
			RelyingPartyId:   pulumi.String(a.RelyingPartyID),
			UserVerification: pulumi.String("required"),
		}
		p.SignInPolicy = &cognito.UserPoolSignInPolicyArgs{
			AllowedFirstAuthFactors: pulumi.StringArray{pulumi.String("PASSWORD"), pulumi.String("WEB_AUTHN")},
		}
	}
	if a.SESSourceARN != "" {
		p.EmailConfiguration = &cognito.UserPoolEmailConfigurationArgs{
			EmailSendingAccount: pulumi.String("DEVELOPER"),
			SourceArn:           pulumi.String(a.SESSourceARN),
			FromEmailAddress:    pulumi.String(a.EmailFrom),
		}
	}
	if a.SMS {
		p.SmsConfiguration = &cognito.UserPoolSmsConfigurationArgs{SnsCallerArn: a.SMSRoleARN, ExternalId: pulumi.String(name)}
	}
	return p
}

// GroupTrustPolicy lets users signed in through identityPoolID (and only
// authenticated ones) assume a group role.
func GroupTrustPolicy(identityPoolID string) iampolicy.Document {
	const provider = "cognito-identity.amazonaws.com"
	return iampolicy.New(iampolicy.Statement{
		Sid:       "AuthenticatedUsersOfThisIdentityPool",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Federated: []string{provider}},
		Action:    []string{"sts:AssumeRoleWithWebIdentity", "sts:TagSession"},
		Condition: iampolicy.Conditions{
			"StringEquals":           {provider + ":aud": {identityPoolID}},
			"ForAnyValue:StringLike": {provider + ":amr": {"authenticated"}},
		},
	})
}
