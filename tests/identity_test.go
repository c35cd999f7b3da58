package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/identity/signin"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/stackconfig"
)

func TestUserPool(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		u := cfg.Identity.UserPool
		pool := only(t, m, restype.CognitoUserPool)
		t.Run(stack+"/MFA with TOTP, no SMS unless configured (Cognito.5)", func(t *testing.T) {
			if str(pool, "mfaConfiguration") != string(u.MFA) || (cfg.Production && u.MFA != signin.MFAOn) {
				t.Errorf("mfaConfiguration %q", str(pool, "mfaConfiguration"))
			}
			if v, _ := boolean(pool, "softwareTokenMfaConfiguration.enabled"); !v {
				t.Error("TOTP off")
			}
			if input(pool, "smsConfiguration") != nil && !u.SMS {
				t.Error("SMS configured without being asked for")
			}
		})
		t.Run(stack+"/password policy (Cognito.3)", func(t *testing.T) {
			pp := func(k string) any { return input(pool, "passwordPolicy."+k) }
			for _, k := range []string{"requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"} {
				if pp(k) != true {
					t.Errorf("%s off", k)
				}
			}
			if n := num(pool, "passwordPolicy.minimumLength"); n < 14 || n != u.PasswordMinLength {
				t.Errorf("minimum length %d", n)
			}
			if num(pool, "passwordPolicy.temporaryPasswordValidityDays") != 1 || num(pool, "passwordPolicy.passwordHistorySize") != u.PasswordHistory {
				t.Errorf("password policy %v", input(pool, "passwordPolicy"))
			}
		})
		t.Run(stack+"/threat protection on every flow (Cognito.1, Cognito.4)", func(t *testing.T) {
			mode := str(pool, "userPoolAddOns.advancedSecurityMode")
			if mode != string(u.ThreatProtection) || str(pool, "userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode") != mode {
				t.Errorf("add-ons %v", input(pool, "userPoolAddOns"))
			}
			if cfg.Production && (mode != "ENFORCED" || str(pool, "userPoolTier") != "PLUS") {
				t.Errorf("production pool: %s on tier %s", mode, str(pool, "userPoolTier"))
			}
		})
		t.Run(stack+"/deletion protection, recovery, sign-up, usernames, verification", func(t *testing.T) {
			want := "INACTIVE"
			if cfg.ProtectStateful {
				want = "ACTIVE"
			}
			if str(pool, "deletionProtection") != want || pool.Protect != cfg.ProtectStateful {
				t.Errorf("deletionProtection %q protect %v (Cognito.6)", str(pool, "deletionProtection"), pool.Protect)
			}
			rec, _ := input(pool, "accountRecoverySetting.recoveryMechanisms").([]any)
			if len(rec) != 1 || rec[0].(map[string]any)["name"] != "verified_email" {
				t.Errorf("recovery %v, want verified email only", rec)
			}
			if v, _ := boolean(pool, "adminCreateUserConfig.allowAdminCreateUserOnly"); v == u.SelfSignUp {
				t.Error("self sign-up does not follow config")
			}
			if v, set := boolean(pool, "usernameConfiguration.caseSensitive"); !set || v {
				t.Error("usernames are case-sensitive")
			}
			if !slices.Equal(strs(pool, "autoVerifiedAttributes"), []string{"email"}) {
				t.Errorf("autoVerifiedAttributes %v", strs(pool, "autoVerifiedAttributes"))
			}
			if d := only(t, m, restype.CognitoUserPoolDomain); str(d, "userPoolId") != id(pool) || str(d, "domain") == "" {
				t.Errorf("domain %v", d.Inputs)
			}
		})
		client := find(t, m, restype.CognitoUserPoolClient, "of the load balancer", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-alb") })
		t.Run(stack+"/app client: code grant only, HTTPS callbacks, revocation, rotation, short tokens", func(t *testing.T) {
			if !slices.Equal(strs(client, "allowedOauthFlows"), []string{"code"}) {
				t.Errorf("flows %v", strs(client, "allowedOauthFlows"))
			}
			for _, u := range append(strs(client, "callbackUrls"), strs(client, "logoutUrls")...) {
				if !strings.HasPrefix(u, "https://") && (cfg.Production || !strings.HasPrefix(u, "http://localhost")) {
					t.Errorf("redirect %s", u)
				}
			}
			if str(client, "preventUserExistenceErrors") != "ENABLED" {
				t.Error("user existence errors are not prevented")
			}
			if v, _ := boolean(client, "enableTokenRevocation"); !v {
				t.Error("token revocation off")
			}
			if str(client, "refreshTokenRotation.feature") != "ENABLED" {
				t.Error("refresh tokens are not rotated")
			}
			if str(client, "tokenValidityUnits.accessToken") != "minutes" || str(client, "tokenValidityUnits.idToken") != "minutes" || str(client, "tokenValidityUnits.refreshToken") != "days" {
				t.Errorf("units %v", input(client, "tokenValidityUnits"))
			}
			if num(client, "accessTokenValidity") > 60 || num(client, "idTokenValidity") > 60 || num(client, "refreshTokenValidity") > 30 {
				t.Errorf("validity access %d id %d refresh %d", num(client, "accessTokenValidity"), num(client, "idTokenValidity"), num(client, "refreshTokenValidity"))
			}
		})
		t.Run(stack+"/client secret kept in the inventory", func(t *testing.T) {
			sec := secretNamed(t, m, baseline.ClientSecretName)
			versions := bySecretID(m, restype.SecretsManagerSecretVersion, "secretId", sec)
			if len(versions) != 1 || !slices.Contains(versions[0].SecretInputs, "secretString") ||
				plain(versions[0].Inputs["secretString"]) != mockaws.ClientSecretValue(client.URN) {
				t.Fatalf("the client secret is not the inventory entry's secret value")
			}
			doc := parsePolicy(t, bySecretID(m, restype.SecretsManagerSecretPolicy, "secretArn", sec)[0], "policy")
			if !denies(doc, "secretsmanager:GetSecretValue", "arn:aws:iam::123456789012:role/anyone", true) {
				t.Error("a role may read the client secret; no workload needs it")
			}
		})
	}
}

func TestClientSecretIsASecretOutput(t *testing.T) {
	got := deployAndAwait(t, "prod", func(b *baseline.Baseline) map[string]pulumi.Output {
		return map[string]pulumi.Output{"clientSecret": b.UserPool.ClientSecret}
	})
	if !got["clientSecret"].Secret {
		t.Error("the component's client secret output is not secret")
	}
}

func TestGroupsAndRoles(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		ip := only(t, m, restype.CognitoIdentityPool)
		t.Run(stack+"/identity pool without unauthenticated identities (Cognito.2)", func(t *testing.T) {
			if v, set := boolean(ip, "allowUnauthenticatedIdentities"); !set || v {
				t.Error("unauthenticated identities allowed")
			}
			if v, _ := boolean(ip, "allowClassicFlow"); v {
				t.Error("classic flow allowed")
			}
			att := only(t, m, restype.CognitoIdentityPoolRoleAttachment)
			maps, _ := input(att, "roleMappings").([]any)
			if len(maps) != 1 || maps[0].(map[string]any)["type"] != "Token" || maps[0].(map[string]any)["ambiguousRoleResolution"] != "Deny" {
				t.Errorf("role mappings %v", maps)
			}
			// The provider refuses a roles map with neither authenticated nor
			// unauthenticated (pool_roles_attachment.go); the default
			// authenticated role exists and grants nothing.
			roles, _ := input(att, "roles").(map[string]any)
			def, _ := roles["authenticated"].(string)
			if len(roles) != 1 || def == "" {
				t.Fatalf("roles %v, want only an authenticated default role", roles)
			}
			for _, rp := range m.ByType(restype.IAMRolePolicy) {
				if str(rp, "role") == output(roleByARN(t, m, def), "name") {
					for _, s := range parsePolicy(t, rp, "policy").Statement {
						if s.Effect == "Allow" {
							t.Errorf("the default role allows %v", s.Action)
						}
					}
				}
			}
		})
		roles := map[string]stackconfig.Role{}
		for _, r := range cfg.Identity.Roles {
			roles[r.Name] = r
		}
		for _, g := range cfg.Identity.Groups {
			t.Run(stack+"/group "+g.Name, func(t *testing.T) {
				grp := find(t, m, restype.CognitoUserGroup, g.Name, func(r mockaws.Resource) bool { return str(r, "name") == g.Name })
				if num(grp, "precedence") != g.Precedence {
					t.Errorf("precedence %d", num(grp, "precedence"))
				}
				role := roleByARN(t, m, str(grp, "roleArn"))
				trust := parsePolicy(t, role, "assumeRolePolicy")
				s := trust.Statement[0]
				if len(trust.Statement) != 1 || string(s.Principal) != `{"Federated":["cognito-identity.amazonaws.com"]}` ||
					!slices.Equal(s.Condition["StringEquals"]["cognito-identity.amazonaws.com:aud"], []string{id(ip)}) ||
					!slices.Equal(s.Condition["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"], []string{"authenticated"}) {
					t.Errorf("trust %+v", trust)
				}
				rp := find(t, m, restype.IAMRolePolicy, "of the group role", func(r mockaws.Resource) bool { return str(r, "role") == output(role, "name") })
				doc := parsePolicy(t, rp, "policy")
				want := roles[g.Role].Statements
				if len(doc.Statement) != len(want) {
					t.Fatalf("%d statements, want role %s's %d", len(doc.Statement), g.Role, len(want))
				}
				for i, s := range doc.Statement {
					if s.Sid != want[i].Sid || !slices.Equal(s.Action, want[i].Actions) || !slices.Equal(s.Resource, want[i].Resources) {
						t.Errorf("statement %+v, want %+v", s, want[i])
					}
				}
			})
		}
		t.Run(stack+"/the listener signs users in before the authenticated paths", func(t *testing.T) {
			rule := only(t, m, restype.LBListenerRule)
			if str(rule, "listenerArn") != output(listenerOnPort(t, m, 443), "arn") {
				t.Errorf("rule on %s, want the HTTPS listener", str(rule, "listenerArn"))
			}
			conds, _ := input(rule, "conditions").([]any)
			var paths []string
			for _, v := range conds[0].(map[string]any)["pathPattern"].(map[string]any)["values"].([]any) {
				paths = append(paths, v.(string))
			}
			if !slices.Equal(paths, cfg.Identity.AuthenticatedPaths) {
				t.Errorf("paths %v", paths)
			}
			actions, _ := input(rule, "actions").([]any)
			if len(actions) != 2 {
				t.Fatalf("actions %v", actions)
			}
			auth := actions[0].(map[string]any)
			ac, _ := auth["authenticateCognito"].(map[string]any)
			if auth["type"] != "authenticate-cognito" || auth["order"] != 1.0 || ac["userPoolArn"] != output(only(t, m, restype.CognitoUserPool), "arn") ||
				ac["userPoolClientId"] != id(find(t, m, restype.CognitoUserPoolClient, "of the load balancer", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-alb") })) || ac["onUnauthenticatedRequest"] != "authenticate" {
				t.Errorf("first action %v", auth)
			}
			fwd := actions[1].(map[string]any)
			if fwd["type"] != "forward" || fwd["order"] != 2.0 || fwd["targetGroupArn"] != output(only(t, m, "aws:lb/targetGroup:TargetGroup"), "arn") {
				t.Errorf("second action %v", fwd)
			}
		})
	}
}

// boundaryDenies reports whether a Deny statement of the boundary applies
// to action in region.
func boundaryDenies(doc policyDoc, notActions map[string][]string, action, region string) bool {
	for _, s := range doc.Statement {
		if s.Effect != "Deny" {
			continue
		}
		matches := slices.ContainsFunc(s.Action, func(a string) bool { return actionMatches(a, action) })
		if na, ok := notActions[s.Sid]; ok {
			matches = !slices.ContainsFunc(na, func(a string) bool { return actionMatches(a, action) })
		}
		if !matches {
			continue
		}
		if regions, ok := s.Condition["StringNotEquals"]["aws:RequestedRegion"]; ok && slices.Contains(regions, region) {
			continue
		}
		if _, ok := s.Condition["StringNotEquals"]["iam:PermissionsBoundary"]; ok {
			continue // evaluated on its own below
		}
		return true
	}
	return false
}

func TestPermissionsBoundary(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		bp := find(t, m, restype.IAMPolicy, "boundary", func(r mockaws.Resource) bool { return strings.HasSuffix(str(r, "name"), "-boundary") })
		boundaryARN := output(bp, "arn").(string)
		doc := parsePolicy(t, bp, "policy")
		var raw struct {
			Statement []struct {
				Sid       string
				NotAction []string
			}
		}
		mustJSON(t, str(bp, "policy"), &raw)
		notActions := map[string][]string{}
		for _, s := range raw.Statement {
			if s.NotAction != nil {
				notActions[s.Sid] = s.NotAction
			}
		}
		t.Run(stack+"/attached to every role the stack creates", func(t *testing.T) {
			roles := m.ByType(restype.IAMRole)
			if len(roles) < 8 {
				t.Fatalf("%d roles", len(roles))
			}
			for _, r := range roles {
				if str(r, "permissionsBoundary") != boundaryARN {
					t.Errorf("role %s has boundary %q", r.Name, str(r, "permissionsBoundary"))
				}
				if len(strs(r, "managedPolicyArns")) > 0 {
					t.Errorf("role %s attaches managed policies (nag IAM4)", r.Name)
				}
			}
			// The only attachments: the CI roles' shared read policy, the
			// stack's own (AWS-managed ones are nag IAM4).
			for _, a := range m.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
				if !strings.HasSuffix(str(a, "policyArn"), ":policy/hardening-"+stack+"-ci-read") {
					t.Errorf("attachment %s of %s; only the CI read policy is attached", a.Name, str(a, "policyArn"))
				}
			}
		})
		t.Run(stack+"/denies what no grant may override", func(t *testing.T) {
			cases := []struct {
				action, region string
				denied         bool
			}{
				{"iam:CreateUser", "us-east-1", true},
				{"iam:CreateAccessKey", "us-east-1", true},
				{"ec2:RunInstances", "eu-west-1", true},
				{"secretsmanager:GetSecretValue", "ap-south-1", true},
				{"iam:GetRole", "eu-west-1", false},
				{"sts:AssumeRole", "eu-west-1", false},
				{"ec2:DescribeVpcs", "us-east-1", false},
				{"cloudtrail:StopLogging", "us-east-1", true},
				{"cloudtrail:DeleteTrail", "us-east-1", true},
				{"logs:DeleteLogGroup", "us-east-1", true},
				{"kms:ScheduleKeyDeletion", "us-east-1", true},
				{"iam:DeleteRolePermissionsBoundary", "us-east-1", true},
			}
			for _, e := range cfg.Secrets.Inventory {
				if e.ReplicaRegion != "" {
					cases = append(cases, struct {
						action, region string
						denied         bool
					}{"secretsmanager:DescribeSecret", e.ReplicaRegion, false})
				}
			}
			for _, c := range cases {
				if got := boundaryDenies(doc, notActions, c.action, c.region); got != c.denied {
					t.Errorf("%s in %s: denied=%v, want %v", c.action, c.region, got, c.denied)
				}
			}
			var keepsBoundary bool
			for _, s := range doc.Statement {
				if s.Effect == "Deny" && slices.Contains(s.Action, "iam:CreateRole") &&
					slices.Equal(s.Condition["StringNotEquals"]["iam:PermissionsBoundary"], []string{boundaryARN}) {
					keepsBoundary = true
				}
			}
			if !keepsBoundary {
				t.Error("a role could create a role without this boundary")
			}
		})
		t.Run(stack+"/every role's grants fit under it", func(t *testing.T) {
			var allowed []string
			for _, s := range doc.Statement {
				if s.Effect == "Allow" {
					allowed = append(allowed, s.Action...)
				}
			}
			for _, rp := range m.ByType(restype.IAMRolePolicy) {
				for _, s := range parsePolicy(t, rp, "policy").Statement {
					if s.Effect != "Allow" {
						continue
					}
					for _, a := range s.Action {
						if !slices.ContainsFunc(allowed, func(p string) bool { return actionMatches(p, a) }) {
							t.Errorf("%s grants %s, which the boundary does not allow", rp.Name, a)
						}
					}
				}
			}
		})
		t.Run(stack+"/decryption only with the stack's keys (KMS.1)", func(t *testing.T) {
			for _, s := range doc.Statement {
				if s.Effect == "Allow" && slices.Contains(s.Action, "kms:Decrypt") && slices.Contains(s.Resource, "*") {
					t.Errorf("statement %s decrypts with any key", s.Sid)
				}
			}
		})
		t.Run(stack+"/no IAM users or access keys", func(t *testing.T) {
			for _, typ := range []string{"aws:iam/user:User", "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile"} {
				if n := len(m.ByType(typ)); n != 0 {
					t.Errorf("%d %s", n, typ)
				}
			}
		})
	}
}

func TestWorkloadRoles(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		for _, w := range cfg.Workloads {
			t.Run(stack+"/"+w.Name, func(t *testing.T) {
				role := find(t, m, restype.IAMRole, w.Name, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-"+w.Name) })
				if str(role, "tags.team") != w.Team {
					t.Errorf("team tag %q", str(role, "tags.team"))
				}
				trust := parsePolicy(t, role, "assumeRolePolicy")
				if string(trust.Statement[0].Principal) != `{"Service":["`+w.Service+`"]}` ||
					!conditionsHold(trust.Statement[0].Condition, map[string]string{"aws:SourceAccount": mockaws.AccountID}) ||
					conditionsHold(trust.Statement[0].Condition, map[string]string{"aws:SourceAccount": "999999999999"}) {
					t.Errorf("trust %+v", trust)
				}
				rp := find(t, m, restype.IAMRolePolicy, "of "+w.Name, func(r mockaws.Resource) bool { return str(r, "role") == output(role, "name") })
				for _, s := range parsePolicy(t, rp, "policy").Statement {
					if slices.Contains(s.Action, "secretsmanager:GetSecretValue") &&
						!slices.Equal(s.Condition["StringEquals"]["aws:ResourceTag/team"], []string{"${aws:PrincipalTag/team}"}) {
						t.Errorf("secret reads without the team condition: %v", s.Condition)
					}
				}
			})
		}
	}
}

// claims is a GitHub Actions OIDC token's claims as IAM sees them.
func claims(sub string) map[string]string {
	return map[string]string{
		identity.GitHubIssuer + ":aud": "sts.amazonaws.com",
		identity.GitHubIssuer + ":sub": sub,
	}
}

func TestCIRoles(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		ci := cfg.Identity.CI
		repo := ci.Repository
		t.Run(stack+"/GitHub OIDC provider", func(t *testing.T) {
			if !ci.CreateProvider {
				// Another stack of the account owns it; the roles trust it by
				// its fixed ARN.
				if n := len(m.ByType(restype.IAMOpenIdConnectProvider)); n != 0 {
					t.Errorf("%d providers with createProvider false", n)
				}
				return
			}
			p := only(t, m, restype.IAMOpenIdConnectProvider)
			if str(p, "url") != "https://token.actions.githubusercontent.com" || !slices.Equal(strs(p, "clientIdLists"), []string{"sts.amazonaws.com"}) {
				t.Errorf("provider %v", p.Inputs)
			}
		})
		role := func(suffix string) mockaws.Resource {
			return find(t, m, restype.IAMRole, suffix, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-"+suffix) })
		}
		trustAllows := func(r mockaws.Resource, c map[string]string) bool {
			trust := parsePolicy(t, r, "assumeRolePolicy")
			for _, s := range trust.Statement {
				if s.Effect == "Allow" && slices.Contains(s.Action, "sts:AssumeRoleWithWebIdentity") && conditionsHold(s.Condition, c) {
					if len(s.Condition["StringLike"]) > 0 {
						t.Errorf("trust of %s uses StringLike", r.Name)
					}
					return true
				}
			}
			return false
		}
		deploySub := "repo:" + repo + ":ref:refs/heads/" + ci.Branch
		if ci.Environment != "" {
			deploySub = "repo:" + repo + ":environment:" + ci.Environment
		}
		previewSub := "repo:" + repo + ":pull_request"
		if ci.PreviewEnvironment != "" {
			previewSub = "repo:" + repo + ":environment:" + ci.PreviewEnvironment
		}
		cases := []struct {
			name, role, sub string
			allowed         bool
		}{
			{"pull request of the repository previews (from the preview environment where one is set)", "ci-preview", previewSub, true},
			{"a pull request outside the preview environment may not preview", "ci-preview", "repo:" + repo + ":pull_request", ci.PreviewEnvironment == ""},
			{"pull request of another repository", "ci-preview", "repo:someone-else/hardening:pull_request", false},
			{"pull request of a look-alike repository", "ci-preview", "repo:" + repo + "-fork:pull_request", false},
			{"runs on the deploy branch preview (drift check)", "ci-preview", "repo:" + repo + ":ref:refs/heads/main", true},
			{"push to another branch may not preview", "ci-preview", "repo:" + repo + ":ref:refs/heads/feature", false},
			{"the configured deployer deploys", "ci-deploy", deploySub, true},
			{"push to another branch", "ci-deploy", "repo:" + repo + ":ref:refs/heads/feature", false},
			{"another environment", "ci-deploy", "repo:" + repo + ":environment:staging", false},
			{"pull request may not deploy", "ci-deploy", "repo:" + repo + ":pull_request", false},
			{"another repository's deployer", "ci-deploy", strings.Replace(deploySub, repo, "someone-else/hardening", 1), false},
		}
		for _, c := range cases {
			t.Run(stack+"/"+c.name, func(t *testing.T) {
				if got := trustAllows(role(c.role), claims(c.sub)); got != c.allowed {
					t.Errorf("%s may assume %s: %v, want %v", c.sub, c.role, got, c.allowed)
				}
			})
		}
		t.Run(stack+"/audience must be STS", func(t *testing.T) {
			c := claims("repo:" + repo + ":pull_request")
			c[identity.GitHubIssuer+":aud"] = "https://github.com/" + repo
			if trustAllows(role("ci-preview"), c) {
				t.Error("a token for another audience is accepted")
			}
		})
		if cfg.Production {
			t.Run(stack+"/deploys from the production environment", func(t *testing.T) {
				if ci.Environment != "production" {
					t.Errorf("environment %q", ci.Environment)
				}
			})
		}
		t.Run(stack+"/preview is read-only; deploy creates roles with the boundary only", func(t *testing.T) {
			for _, suffix := range []string{"ci-preview", "ci-deploy"} {
				r := role(suffix)
				if num(r, "maxSessionDuration") != 3600 {
					t.Errorf("%s sessions of %ds", suffix, num(r, "maxSessionDuration"))
				}
			}
			rp := find(t, m, restype.IAMRolePolicy, "of the preview role", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-ci-preview") })
			for _, s := range parsePolicy(t, rp, "policy").Statement {
				if strings.HasPrefix(s.Sid, "PulumiState") || s.Sid == "PulumiSecrets" || s.Sid == "StackKeysThroughServices" {
					continue // judged in TestCIRoleBoundaries
				}
				for _, a := range s.Action {
					verb := strings.SplitN(a, ":", 2)[1]
					if !strings.HasPrefix(verb, "Describe") && !strings.HasPrefix(verb, "Get") && !strings.HasPrefix(verb, "List") {
						t.Errorf("preview may %s", a)
					}
				}
			}
			rd := find(t, m, restype.IAMRolePolicy, "of the deploy role", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-ci-deploy") })
			var guarded bool
			for _, s := range parsePolicy(t, rd, "policy").Statement {
				if s.Effect == "Deny" && slices.Contains(s.Action, "iam:CreateRole") && len(s.Condition["StringNotEquals"]["iam:PermissionsBoundary"]) == 1 {
					guarded = true
				}
			}
			if !guarded {
				t.Error("the deploy role may create roles without the boundary")
			}
		})
	}
}

func TestAccountGuardrails(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		t.Run(stack, func(t *testing.T) {
			policies := m.ByType(restype.IAMAccountPasswordPolicy)
			analyzers := m.ByType(restype.AccessAnalyzerAnalyzer)
			blocks := m.ByType(restype.S3AccountPublicAccessBlock)
			if !cfg.Identity.AccountGuardrails {
				if len(policies)+len(analyzers)+len(blocks) != 0 {
					t.Errorf("account-wide guardrails made though switched off")
				}
				return
			}
			// S3 Block Public Access for the account (FSBP S3.1, CIS 2.1.4):
			// the provider defaults all four to false.
			if len(blocks) != 1 {
				t.Fatalf("%d account public access blocks", len(blocks))
			}
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if v, _ := boolean(blocks[0], k); !v {
					t.Errorf("account public access block: %s off", k)
				}
			}
			if len(policies) != 1 {
				t.Fatalf("%d password policies", len(policies))
			}
			p := policies[0]
			if num(p, "minimumPasswordLength") < 14 || num(p, "passwordReusePrevention") < 24 {
				t.Errorf("password policy %v (CIS 1.8, 1.9)", p.Inputs)
			}
			for _, k := range []string{"requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"} {
				if v, _ := boolean(p, k); !v {
					t.Errorf("%s off", k)
				}
			}
			// External access in every region the stack deploys to (CIS
			// 1.20: an analyzer judges its own region); unused access, which
			// reads global IAM, once.
			wantTypes := []string{"ACCOUNT_UNUSED_ACCESS@us-east-1", "ACCOUNT@us-east-1"}
			for _, e := range cfg.Secrets.Inventory {
				if e.ReplicaRegion != "" && !slices.Contains(wantTypes, "ACCOUNT@"+e.ReplicaRegion) {
					wantTypes = append(wantTypes, "ACCOUNT@"+e.ReplicaRegion)
				}
			}
			var types []string
			for _, a := range analyzers {
				types = append(types, str(a, "type")+"@"+regionOf(t, m, a, "us-east-1"))
			}
			if !sameSet(types, wantTypes) {
				t.Errorf("analyzers %v, want %v", types, wantTypes)
			}
		})
	}
	t.Run("prod/on", func(t *testing.T) {
		if !stackConfig(t, "prod").Identity.AccountGuardrails {
			t.Error("prod switches the account guardrails off")
		}
	})
}

func TestPasskeysAndSMSByConfig(t *testing.T) {
	s := loadStack(t, "prod")
	setField(t, s, "identity", "userPool", map[string]any{
		"passkeys": true, "relyingPartyId": "app.example.com",
		"sms": true, "smsRoleArn": "arn:aws:iam::123456789012:role/cognito-sms",
		"sesSourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com", "emailFrom": "no-reply@example.com",
	})
	m, err := s.Run(baseline.Run)
	if err != nil {
		t.Fatal(err)
	}
	pool := only(t, m, restype.CognitoUserPool)
	if str(pool, "webAuthnConfiguration.userVerification") != "required" || str(pool, "webAuthnConfiguration.relyingPartyId") != "app.example.com" {
		t.Errorf("webAuthn %v", input(pool, "webAuthnConfiguration"))
	}
	if str(pool, "smsConfiguration.snsCallerArn") != "arn:aws:iam::123456789012:role/cognito-sms" {
		t.Errorf("sms %v", input(pool, "smsConfiguration"))
	}
	if str(pool, "mfaConfiguration") != "ON" {
		t.Error("MFA relaxed by the new factors")
	}
	if input(only(t, deployed(t, "prod"), restype.CognitoUserPool), "webAuthnConfiguration") != nil {
		t.Error("passkeys on without being asked for")
	}
}
