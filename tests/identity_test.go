package tests

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
			assert.Equal(t, string(u.MFA), str(pool, "mfaConfiguration"), "mfaConfiguration")
			if cfg.Production {
				assert.Equal(t, signin.MFAOn, u.MFA, "mfaConfiguration %q", str(pool, "mfaConfiguration"))
			}
			totp, _ := boolean(pool, "softwareTokenMfaConfiguration.enabled")
			assert.True(t, totp, "TOTP off")
			if !u.SMS {
				assert.Nil(t, input(pool, "smsConfiguration"), "SMS configured without being asked for")
			}
		})
		t.Run(stack+"/password policy (Cognito.3)", func(t *testing.T) {
			pp := func(k string) any { return input(pool, "passwordPolicy."+k) }
			for _, k := range []string{"requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"} {
				assert.Equal(t, true, pp(k), "%s off", k)
			}
			n := num(pool, "passwordPolicy.minimumLength")
			assert.GreaterOrEqual(t, n, 14, "minimum length")
			assert.Equal(t, u.PasswordMinLength, n, "minimum length")
			assert.Equal(t, 1, num(pool, "passwordPolicy.temporaryPasswordValidityDays"), "password policy %v", input(pool, "passwordPolicy"))
			assert.Equal(t, u.PasswordHistory, num(pool, "passwordPolicy.passwordHistorySize"), "password policy %v", input(pool, "passwordPolicy"))
		})
		t.Run(stack+"/threat protection on every flow (Cognito.1, Cognito.4)", func(t *testing.T) {
			mode := str(pool, "userPoolAddOns.advancedSecurityMode")
			assert.Equal(t, string(u.ThreatProtection), mode, "add-ons %v", input(pool, "userPoolAddOns"))
			assert.Equal(t, mode, str(pool, "userPoolAddOns.advancedSecurityAdditionalFlows.customAuthMode"), "add-ons %v", input(pool, "userPoolAddOns"))
			if cfg.Production {
				assert.Equal(t, "ENFORCED", mode, "production pool: %s on tier %s", mode, str(pool, "userPoolTier"))
				assert.Equal(t, "PLUS", str(pool, "userPoolTier"), "production pool: %s on tier %s", mode, str(pool, "userPoolTier"))
			}
		})
		t.Run(stack+"/deletion protection, recovery, sign-up, usernames, verification", func(t *testing.T) {
			want := "INACTIVE"
			if cfg.ProtectStateful {
				want = "ACTIVE"
			}
			assert.Equal(t, want, str(pool, "deletionProtection"), "deletionProtection (Cognito.6)")
			assert.Equal(t, cfg.ProtectStateful, pool.Protect, "protect (Cognito.6)")
			rec, _ := input(pool, "accountRecoverySetting.recoveryMechanisms").([]any)
			if assert.Len(t, rec, 1, "recovery %v, want verified email only", rec) {
				assert.Equal(t, "verified_email", rec[0].(map[string]any)["name"], "recovery %v, want verified email only", rec)
			}
			adminOnly, _ := boolean(pool, "adminCreateUserConfig.allowAdminCreateUserOnly")
			assert.Equal(t, !u.SelfSignUp, adminOnly, "self sign-up does not follow config")
			caseSensitive, set := boolean(pool, "usernameConfiguration.caseSensitive")
			assert.True(t, set, "usernames are case-sensitive")
			assert.False(t, caseSensitive, "usernames are case-sensitive")
			assert.Equal(t, []string{"email"}, strs(pool, "autoVerifiedAttributes"), "autoVerifiedAttributes")
			d := only(t, m, restype.CognitoUserPoolDomain)
			assert.Equal(t, id(pool), str(d, "userPoolId"), "domain %v", d.Inputs)
			assert.NotEmpty(t, str(d, "domain"), "domain %v", d.Inputs)
		})
		client := find(t, m, restype.CognitoUserPoolClient, "of the load balancer", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-alb") })
		t.Run(stack+"/app client: code grant only, HTTPS callbacks, revocation, rotation, short tokens", func(t *testing.T) {
			assert.Equal(t, []string{"code"}, strs(client, "allowedOauthFlows"), "flows")
			for _, u := range append(strs(client, "callbackUrls"), strs(client, "logoutUrls")...) {
				assert.True(t, strings.HasPrefix(u, "https://") || !cfg.Production && strings.HasPrefix(u, "http://localhost"), "redirect %s", u)
			}
			assert.Equal(t, "ENABLED", str(client, "preventUserExistenceErrors"), "user existence errors are not prevented")
			revocation, _ := boolean(client, "enableTokenRevocation")
			assert.True(t, revocation, "token revocation off")
			assert.Equal(t, "ENABLED", str(client, "refreshTokenRotation.feature"), "refresh tokens are not rotated")
			assert.Equal(t, "minutes", str(client, "tokenValidityUnits.accessToken"), "units %v", input(client, "tokenValidityUnits"))
			assert.Equal(t, "minutes", str(client, "tokenValidityUnits.idToken"), "units %v", input(client, "tokenValidityUnits"))
			assert.Equal(t, "days", str(client, "tokenValidityUnits.refreshToken"), "units %v", input(client, "tokenValidityUnits"))
			assert.LessOrEqual(t, num(client, "accessTokenValidity"), 60, "validity access %d id %d refresh %d", num(client, "accessTokenValidity"), num(client, "idTokenValidity"), num(client, "refreshTokenValidity"))
			assert.LessOrEqual(t, num(client, "idTokenValidity"), 60, "validity access %d id %d refresh %d", num(client, "accessTokenValidity"), num(client, "idTokenValidity"), num(client, "refreshTokenValidity"))
			assert.LessOrEqual(t, num(client, "refreshTokenValidity"), 30, "validity access %d id %d refresh %d", num(client, "accessTokenValidity"), num(client, "idTokenValidity"), num(client, "refreshTokenValidity"))
		})
		t.Run(stack+"/client secret kept in the inventory", func(t *testing.T) {
			sec := secretNamed(t, m, baseline.ClientSecretName)
			versions := bySecretID(m, restype.SecretsManagerSecretVersion, "secretId", sec)
			require.Len(t, versions, 1, "the client secret is not the inventory entry's secret value")
			require.Contains(t, versions[0].SecretInputs, "secretString", "the client secret is not the inventory entry's secret value")
			require.Equal(t, mockaws.ClientSecretValue(client.URN), plain(versions[0].Inputs["secretString"]), "the client secret is not the inventory entry's secret value")
			doc := parsePolicy(t, bySecretID(m, restype.SecretsManagerSecretPolicy, "secretArn", sec)[0], "policy")
			assert.True(t, denies(doc, "secretsmanager:GetSecretValue", "arn:aws:iam::123456789012:role/anyone", true), "a role may read the client secret; no workload needs it")
		})
	}
}

func TestClientSecretIsASecretOutput(t *testing.T) {
	got := deployAndAwait(t, "prod", func(b *baseline.Baseline) map[string]pulumi.Output {
		return map[string]pulumi.Output{"clientSecret": b.UserPool.ClientSecret}
	})
	assert.True(t, got["clientSecret"].Secret, "the component's client secret output is not secret")
}

func TestGroupsAndRoles(t *testing.T) {
	for _, stack := range stacks {
		m, cfg := deployed(t, stack), stackConfig(t, stack)
		ip := only(t, m, restype.CognitoIdentityPool)
		t.Run(stack+"/identity pool without unauthenticated identities (Cognito.2)", func(t *testing.T) {
			unauth, set := boolean(ip, "allowUnauthenticatedIdentities")
			assert.True(t, set, "unauthenticated identities allowed")
			assert.False(t, unauth, "unauthenticated identities allowed")
			classic, _ := boolean(ip, "allowClassicFlow")
			assert.False(t, classic, "classic flow allowed")
			att := only(t, m, restype.CognitoIdentityPoolRoleAttachment)
			maps, _ := input(att, "roleMappings").([]any)
			if assert.Len(t, maps, 1, "role mappings %v", maps) {
				assert.Equal(t, "Token", maps[0].(map[string]any)["type"], "role mappings %v", maps)
				assert.Equal(t, "Deny", maps[0].(map[string]any)["ambiguousRoleResolution"], "role mappings %v", maps)
			}
			// The provider refuses a roles map with neither authenticated nor
			// unauthenticated (pool_roles_attachment.go); the default
			// authenticated role exists and grants nothing.
			roles, _ := input(att, "roles").(map[string]any)
			def, _ := roles["authenticated"].(string)
			require.Len(t, roles, 1, "roles %v, want only an authenticated default role", roles)
			require.NotEmpty(t, def, "roles %v, want only an authenticated default role", roles)
			for _, rp := range m.ByType(restype.IAMRolePolicy) {
				if str(rp, "role") == output(roleByARN(t, m, def), "name") {
					for _, s := range parsePolicy(t, rp, "policy").Statement {
						assert.NotEqual(t, "Allow", s.Effect, "the default role allows %v", s.Action)
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
				assert.Equal(t, g.Precedence, num(grp, "precedence"), "precedence")
				role := roleByARN(t, m, str(grp, "roleArn"))
				trust := parsePolicy(t, role, "assumeRolePolicy")
				s := trust.Statement[0]
				assert.Len(t, trust.Statement, 1, "trust %+v", trust)
				assert.Equal(t, `{"Federated":["cognito-identity.amazonaws.com"]}`, string(s.Principal), "trust %+v", trust)
				assert.Equal(t, []string{id(ip)}, s.Condition["StringEquals"]["cognito-identity.amazonaws.com:aud"], "trust %+v", trust)
				assert.Equal(t, []string{"authenticated"}, s.Condition["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"], "trust %+v", trust)
				rp := find(t, m, restype.IAMRolePolicy, "of the group role", func(r mockaws.Resource) bool { return str(r, "role") == output(role, "name") })
				doc := parsePolicy(t, rp, "policy")
				want := roles[g.Role].Statements
				require.Len(t, doc.Statement, len(want), "statements, want role %s's", g.Role)
				for i, s := range doc.Statement {
					assert.Equal(t, want[i].Sid, s.Sid, "statement %+v, want %+v", s, want[i])
					// slices.Equal: a list the config leaves empty is absent from the policy.
					assert.True(t, slices.Equal(s.Action, want[i].Actions), "statement %+v, want %+v", s, want[i])
					assert.True(t, slices.Equal(s.Resource, want[i].Resources), "statement %+v, want %+v", s, want[i])
				}
			})
		}
		t.Run(stack+"/the listener signs users in before the authenticated paths", func(t *testing.T) {
			rule := only(t, m, restype.LBListenerRule)
			assert.Equal(t, output(listenerOnPort(t, m, 443), "arn"), str(rule, "listenerArn"), "rule listener, want the HTTPS listener")
			conds, _ := input(rule, "conditions").([]any)
			var paths []string
			for _, v := range conds[0].(map[string]any)["pathPattern"].(map[string]any)["values"].([]any) {
				paths = append(paths, v.(string))
			}
			assert.True(t, slices.Equal(paths, cfg.Identity.AuthenticatedPaths), "paths %v, want %v", paths, cfg.Identity.AuthenticatedPaths)
			actions, _ := input(rule, "actions").([]any)
			require.Len(t, actions, 2, "actions %v", actions)
			auth := actions[0].(map[string]any)
			ac, _ := auth["authenticateCognito"].(map[string]any)
			assert.Equal(t, "authenticate-cognito", auth["type"], "first action %v", auth)
			assert.Equal(t, 1.0, auth["order"], "first action %v", auth)
			assert.Equal(t, output(only(t, m, restype.CognitoUserPool), "arn"), ac["userPoolArn"], "first action %v", auth)
			assert.Equal(t, id(find(t, m, restype.CognitoUserPoolClient, "of the load balancer", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-alb") })), ac["userPoolClientId"], "first action %v", auth)
			assert.Equal(t, "authenticate", ac["onUnauthenticatedRequest"], "first action %v", auth)
			fwd := actions[1].(map[string]any)
			assert.Equal(t, "forward", fwd["type"], "second action %v", fwd)
			assert.Equal(t, 2.0, fwd["order"], "second action %v", fwd)
			assert.Equal(t, output(only(t, m, restype.LBTargetGroup), "arn"), fwd["targetGroupArn"], "second action %v", fwd)
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
		m, cfg := inAccount(t, stack), stackConfig(t, stack)
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
			require.GreaterOrEqual(t, len(roles), 8, "roles")
			for _, r := range roles {
				assert.Equal(t, boundaryARN, str(r, "permissionsBoundary"), "role %s boundary", r.Name)
				assert.Empty(t, strs(r, "managedPolicyArns"), "role %s attaches managed policies (nag IAM4)", r.Name)
			}
			// The only attachments: the CI roles' shared read policy and the
			// deploy role's guard, the bootstrap's own (AWS-managed ones are
			// nag IAM4).
			for _, a := range m.ByType(restype.IAMRolePolicyAttachment) {
				arn := str(a, "policyArn")
				assert.True(t, strings.HasSuffix(arn, ":policy/ci/hardening-"+stack+"-ci-read") || strings.HasSuffix(arn, ":policy/ci/hardening-"+stack+"-ci-deploy-guard"),
					"attachment %s of %s; only the CI read policy and the deploy guard are attached", a.Name, arn)
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
				{"sts:GetCallerIdentity", "eu-west-1", false},
				// Assuming a role is denied outside the stack's path
				// (AssumeOnlyStackRoles): the resource-blind check sees
				// the Deny.
				{"sts:AssumeRole", "us-east-1", true},
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
				assert.Equal(t, c.denied, boundaryDenies(doc, notActions, c.action, c.region), "%s in %s: denied", c.action, c.region)
			}
			var keepsBoundary bool
			for _, s := range doc.Statement {
				if s.Effect == "Deny" && slices.Contains(s.Action, "iam:CreateRole") &&
					slices.Equal(s.Condition["StringNotEquals"]["iam:PermissionsBoundary"], []string{boundaryARN}) {
					keepsBoundary = true
				}
			}
			assert.True(t, keepsBoundary, "a role could create a role without this boundary")
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
						assert.True(t, slices.ContainsFunc(allowed, func(p string) bool { return actionMatches(p, a) }), "%s grants %s, which the boundary does not allow", rp.Name, a)
					}
				}
			}
		})
		t.Run(stack+"/decryption only with the stack's keys (KMS.1)", func(t *testing.T) {
			for _, s := range doc.Statement {
				assert.False(t, s.Effect == "Allow" && slices.Contains(s.Action, "kms:Decrypt") && slices.Contains(s.Resource, "*"), "statement %s decrypts with any key", s.Sid)
			}
		})
		t.Run(stack+"/no IAM users or access keys", func(t *testing.T) {
			for _, typ := range []string{restype.IAMUser, restype.IAMAccessKey, restype.IAMUserLoginProfile} {
				assert.Empty(t, m.ByType(typ), typ)
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
				assert.Equal(t, w.Team, str(role, "tags.team"), "team tag")
				trust := parsePolicy(t, role, "assumeRolePolicy")
				assert.Equal(t, `{"Service":["`+w.Service+`"]}`, string(trust.Statement[0].Principal), "trust %+v", trust)
				assert.True(t, conditionsHold(trust.Statement[0].Condition, map[string]string{"aws:SourceAccount": accountOf(stack)}), "trust %+v", trust)
				assert.False(t, conditionsHold(trust.Statement[0].Condition, map[string]string{"aws:SourceAccount": "999999999999"}), "trust %+v", trust)
				rp := find(t, m, restype.IAMRolePolicy, "of "+w.Name, func(r mockaws.Resource) bool { return str(r, "role") == output(role, "name") })
				for _, s := range parsePolicy(t, rp, "policy").Statement {
					if slices.Contains(s.Action, "secretsmanager:GetSecretValue") {
						assert.Equal(t, []string{"${aws:PrincipalTag/team}"}, s.Condition["StringEquals"]["aws:ResourceTag/team"], "secret reads without the team condition: %v", s.Condition)
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

// TestCIRoles: each workload stack's CI roles, made by its account's
// bootstrap stack, trust exactly its repository's subjects under the
// subject template with the ref: pull requests (or the preview
// environment's jobs) preview, the deploy environment's jobs on the branch
// deploy, the branch's own runs check drift.
func TestCIRoles(t *testing.T) {
	for _, stack := range stacks {
		boot := bootstraps[stack]
		m, cfg, bcfg := deployed(t, boot), stackConfig(t, stack), stackConfig(t, boot)
		ci := cfg.Identity.CI
		repo, branch := ci.Repository, ci.Branch
		t.Run(stack+"/GitHub OIDC provider, in the bootstrap only", func(t *testing.T) {
			assert.Empty(t, deployed(t, stack).ByType(restype.IAMOpenIdConnectProvider), "the workload stack makes a provider")
			for _, r := range deployed(t, stack).ByType(restype.IAMRole) {
				assert.NotContains(t, r.Name, "-ci-", "the workload stack makes CI roles")
			}
			require.True(t, bcfg.Bootstrap.CreateProvider)
			p := only(t, m, restype.IAMOpenIdConnectProvider)
			assert.Equal(t, "https://token.actions.githubusercontent.com", str(p, "url"), "provider %v", p.Inputs)
			assert.Equal(t, []string{"sts.amazonaws.com"}, strs(p, "clientIdLists"), "provider %v", p.Inputs)
			assert.True(t, p.RetainOnDelete, "the account's provider outlives the bootstrap stack")
		})
		role := func(suffix string) mockaws.Resource {
			return find(t, m, restype.IAMRole, suffix, func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-"+stack+"-"+suffix) })
		}
		trustAllows := func(r mockaws.Resource, c map[string]string) bool {
			trust := parsePolicy(t, r, "assumeRolePolicy")
			for _, s := range trust.Statement {
				if s.Effect == "Allow" && slices.Contains(s.Action, "sts:AssumeRoleWithWebIdentity") && conditionsHold(s.Condition, c) {
					return true
				}
			}
			return false
		}
		deploySub := "repo:" + repo + ":environment:" + ci.Environment + ":ref:refs/heads/" + branch
		previewSub := "repo:" + repo + ":pull_request:ref:refs/pull/42/merge"
		if ci.PreviewEnvironment != "" {
			previewSub = "repo:" + repo + ":environment:" + ci.PreviewEnvironment + ":ref:refs/pull/42/merge"
		}
		driftSub := "repo:" + repo + ":ref:refs/heads/" + branch + ":ref:refs/heads/" + branch
		cases := []struct {
			name, role, sub string
			allowed         bool
		}{
			{"pull request of the repository previews (from the preview environment where one is set)", "ci-preview", previewSub, true},
			{"a pull request outside the preview environment may not preview", "ci-preview", "repo:" + repo + ":pull_request:ref:refs/pull/42/merge", ci.PreviewEnvironment == ""},
			{"pull request of another repository", "ci-preview", "repo:someone-else/hardening:pull_request:ref:refs/pull/42/merge", false},
			{"pull request of a look-alike repository", "ci-preview", "repo:" + repo + "-fork:pull_request:ref:refs/pull/42/merge", false},
			{"runs on the branch may not preview (drift has its own role)", "ci-preview", driftSub, false},
			{"the branch's runs check drift", "ci-drift", driftSub, true},
			{"a pull request may not check drift", "ci-drift", previewSub, false},
			{"another branch may not check drift", "ci-drift", "repo:" + repo + ":ref:refs/heads/feature:ref:refs/heads/feature", false},
			{"the deploy environment on the branch deploys", "ci-deploy", deploySub, true},
			{"the deploy environment from another branch", "ci-deploy", "repo:" + repo + ":environment:" + ci.Environment + ":ref:refs/heads/feature", false},
			{"the branch outside the environment", "ci-deploy", driftSub, false},
			{"another environment", "ci-deploy", "repo:" + repo + ":environment:staging:ref:refs/heads/" + branch, false},
			{"pull request may not deploy", "ci-deploy", previewSub, false},
			{"another repository's deployer", "ci-deploy", strings.Replace(deploySub, repo, "someone-else/hardening", 1), false},
		}
		for _, c := range cases {
			t.Run(stack+"/"+c.name, func(t *testing.T) {
				assert.Equal(t, c.allowed, trustAllows(role(c.role), claims(c.sub)), "%s may assume %s", c.sub, c.role)
			})
		}
		t.Run(stack+"/audience must be STS", func(t *testing.T) {
			c := claims(previewSub)
			c[identity.GitHubIssuer+":aud"] = "https://github.com/" + repo
			assert.False(t, trustAllows(role("ci-preview"), c), "a token for another audience is accepted")
		})
		if cfg.Production {
			t.Run(stack+"/deploys from the production environment", func(t *testing.T) {
				assert.Equal(t, "production", ci.Environment, "environment")
			})
		}
		t.Run(stack+"/roles under the CI path, retained; preview reads no secret value", func(t *testing.T) {
			for _, suffix := range []string{"ci-preview", "ci-deploy", "ci-drift"} {
				r := role(suffix)
				assert.Equal(t, 3600, num(r, "maxSessionDuration"), "%s session duration", suffix)
				assert.Equal(t, identity.CIPath, str(r, "path"), "%s path", suffix)
				assert.Equal(t, bcfg.ProtectStateful, r.Protect, "%s protection", suffix)
				assert.Equal(t, bcfg.ProtectStateful, r.RetainOnDelete, "%s retained where protected", suffix)
			}
			for _, a := range identity.SecretReads {
				assert.NotContains(t, identity.PreviewActions, a, "the preview role's reads")
			}
			rp := find(t, m, restype.IAMRolePolicy, "of the preview role", func(r mockaws.Resource) bool { return strings.HasSuffix(r.Name, "-ci-preview") })
			for _, s := range parsePolicy(t, rp, "policy").Statement {
				if strings.HasPrefix(s.Sid, "PulumiState") || s.Sid == "PulumiSecrets" || s.Sid == "StackKeysThroughServices" {
					continue // judged in TestCIRoleBoundaries
				}
				for _, a := range s.Action {
					verb := strings.SplitN(a, ":", 2)[1]
					assert.True(t, strings.HasPrefix(verb, "Describe") || strings.HasPrefix(verb, "Get") || strings.HasPrefix(verb, "List"), "preview may %s", a)
					assert.NotContains(t, identity.SecretReads, a, "preview reads secret values")
				}
			}
		})
	}
}

// TestAccountGuardrails: the account-wide guardrails belong to the
// account's bootstrap, never to a workload stack, and outlive it.
func TestAccountGuardrails(t *testing.T) {
	for _, stack := range stacks {
		boot := bootstraps[stack]
		m, cfg := deployed(t, boot), stackConfig(t, stack)
		t.Run(stack, func(t *testing.T) {
			for _, typ := range []string{restype.IAMAccountPasswordPolicy, restype.AccessAnalyzerAnalyzer, restype.S3AccountPublicAccessBlock} {
				assert.Empty(t, deployed(t, stack).ByType(typ), "the workload stack makes %s", typ)
				for _, r := range m.ByType(typ) {
					assert.True(t, r.RetainOnDelete, "%s %s is retained", typ, r.Name)
				}
			}
			policies := m.ByType(restype.IAMAccountPasswordPolicy)
			analyzers := m.ByType(restype.AccessAnalyzerAnalyzer)
			blocks := m.ByType(restype.S3AccountPublicAccessBlock)
			// S3 Block Public Access for the account (FSBP S3.1, CIS 2.1.4):
			// the provider defaults all four to false.
			require.Len(t, blocks, 1, "account public access blocks")
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				v, _ := boolean(blocks[0], k)
				assert.True(t, v, "account public access block: %s off", k)
			}
			require.Len(t, policies, 1, "password policies")
			p := policies[0]
			assert.GreaterOrEqual(t, num(p, "minimumPasswordLength"), 14, "password policy %v (CIS 1.8, 1.9)", p.Inputs)
			assert.GreaterOrEqual(t, num(p, "passwordReusePrevention"), 24, "password policy %v (CIS 1.8, 1.9)", p.Inputs)
			for _, k := range []string{"requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"} {
				v, _ := boolean(p, k)
				assert.True(t, v, "%s off", k)
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
			assert.True(t, sameSet(types, wantTypes), "analyzers %v, want %v", types, wantTypes)
		})
	}
	t.Run("prod's account/on", func(t *testing.T) {
		assert.True(t, stackConfig(t, bootstraps["prod"]).Bootstrap.Guardrails, "prod's account switches the guardrails off")
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
	require.NoError(t, err)
	pool := only(t, m, restype.CognitoUserPool)
	assert.Equal(t, "required", str(pool, "webAuthnConfiguration.userVerification"), "webAuthn %v", input(pool, "webAuthnConfiguration"))
	assert.Equal(t, "app.example.com", str(pool, "webAuthnConfiguration.relyingPartyId"), "webAuthn %v", input(pool, "webAuthnConfiguration"))
	assert.Equal(t, "arn:aws:iam::123456789012:role/cognito-sms", str(pool, "smsConfiguration.snsCallerArn"), "sms %v", input(pool, "smsConfiguration"))
	assert.Equal(t, "ON", str(pool, "mfaConfiguration"), "MFA relaxed by the new factors")
	assert.Nil(t, input(only(t, deployed(t, "prod"), restype.CognitoUserPool), "webAuthnConfiguration"), "passkeys on without being asked for")
}
