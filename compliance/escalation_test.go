package compliance_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
)

const (
	escAccount  = "111122223333"
	githubOIDC  = "arn:aws:iam::" + escAccount + ":oidc-provider/token.actions.githubusercontent.com"
	ciParent    = "urn:pulumi:dev::app::hardening:identity:CIRoles::app-dev"
	escBoundary = "arn:aws:iam::" + escAccount + ":policy/app-dev-boundary"
)

// escGraph builds small account graphs for the escalation rule.
type escGraph struct{ g *compliance.Graph }

func newEscGraph() *escGraph {
	return &escGraph{g: &compliance.Graph{Partition: "aws", Region: "us-east-1", Account: escAccount}}
}

func policyJSON(t *testing.T, statements ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	require.NoError(t, err)
	return string(b)
}

func allow(actions, resources any) map[string]any {
	return map[string]any{"Effect": "Allow", "Action": actions, "Resource": resources}
}

// ciTrust trusts GitHub's OIDC provider for a subject.
func ciTrust(t *testing.T, sub string) string {
	return policyJSON(t, map[string]any{"Effect": "Allow", "Principal": map[string]any{"Federated": githubOIDC},
		"Action": "sts:AssumeRoleWithWebIdentity", "Condition": map[string]any{"StringLike": map[string]any{"token.actions.githubusercontent.com:sub": sub}}})
}

func trustOf(t *testing.T, principal map[string]any) string {
	return policyJSON(t, map[string]any{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
}

// role adds a role with its inline policy (none if policy is "").
func (e *escGraph) role(name, path, parent, trust, policy, boundary string) {
	in := map[string]any{"name": name, "path": path, "assumeRolePolicy": trust}
	if boundary != "" {
		in["permissionsBoundary"] = boundary
	}
	e.g.Resources = append(e.g.Resources, compliance.Resource{Type: restype.IAMRole, Name: name, URN: "urn:role:" + name, Parent: parent, Inputs: in})
	if policy != "" {
		e.add(restype.IAMRolePolicy, name+"-policy", map[string]any{"role": name, "policy": policy})
	}
}

func (e *escGraph) add(typ, name string, in map[string]any) {
	e.g.Resources = append(e.g.Resources, compliance.Resource{Type: typ, Name: name, URN: "urn:" + typ + ":" + name, Inputs: in})
}

// deploy adds the CI deploy role of app-dev with policy.
func (e *escGraph) deploy(t *testing.T, policy string, boundary string) {
	e.role("app-dev-ci-deploy", "/ci/", ciParent, ciTrust(t, "repo:org/app:environment:dev:ref:refs/heads/main"), policy, boundary)
}

// boundary adds app-dev's boundary: services, and the denials a real
// ceiling needs (no role assumed outside the stack, IAM changes under its
// path, new roles with this boundary).
func (e *escGraph) boundary(t *testing.T, extra ...map[string]any) {
	st := append([]map[string]any{
		allow([]string{"iam:*", "sts:*", "lambda:*", "s3:*", "logs:*"}, "*"),
		{"Effect": "Deny", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::" + escAccount + ":role/app-dev/*"},
		{"Effect": "Deny", "Action": "iam:*", "NotResource": "arn:aws:iam::" + escAccount + ":role/app-dev/*"},
		{"Effect": "Deny", "Action": []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary"}, "Resource": "*", "Condition": map[string]any{"StringNotEquals": map[string]any{"iam:PermissionsBoundary": escBoundary}}},
		{"Effect": "Deny", "Action": "iam:DeleteRolePermissionsBoundary", "Resource": "*"},
		{"Effect": "Deny", "Action": []string{"s3:PutBucketPolicy", "s3:*Object*"}, "NotResource": "arn:aws:s3:::app-dev-*"},
		{"Effect": "Deny", "Action": []string{"lambda:UpdateFunctionCode", "lambda:AddPermission"}, "NotResource": "arn:aws:lambda:*:" + escAccount + ":function:app-dev-*"},
	}, extra...)
	e.add(restype.IAMPolicy, "app-dev-boundary", map[string]any{"name": "app-dev-boundary", "policy": policyJSON(t, st...)})
}

func (e *escGraph) findings(t *testing.T) []compliance.Violation {
	t.Helper()
	rule, ok := compliance.Lookup("iam-escalation-paths")
	require.True(t, ok)
	return rule.Check(e.g)
}

func messages(vs []compliance.Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Message)
	}
	return strings.Join(out, "\n")
}

// compliantDeploy creates and runs roles under app-dev's path with its
// boundary only.
func compliantDeploy(t *testing.T) string {
	return policyJSON(t,
		map[string]any{"Effect": "Allow", "Action": []string{"iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"}, "Resource": "arn:aws:iam::" + escAccount + ":role/app-dev/*",
			"Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": escBoundary}}},
		allow([]string{"iam:PassRole", "lambda:*", "sts:AssumeRole"}, "*"))
}

func TestEscalationPaths(t *testing.T) {
	adminPolicy := func(t *testing.T) string { return policyJSON(t, allow("*", "*")) }
	cases := []struct {
		name  string
		build func(t *testing.T, e *escGraph)
		// want are parts of one finding on the CI role; none: no finding.
		want []string
	}{
		{"an administrators' role trusting the account is assumed (trust edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("sts:AssumeRole", "*")), "")
		}, []string{"reaches administrator rights", "sts:AssumeRole", "role/administrators"}},
		{"a role of the plan trusting the CI role by name, holding everything", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("logs:*", "*")), "")
			e.role("ops", "/", "", trustOf(t, map[string]any{"AWS": "arn:aws:iam::" + escAccount + ":role/ci/app-dev-ci-deploy"}), adminPolicy(t), "")
		}, []string{"reaches administrator rights", "assumes it", "iam.Role ops"}},
		{"its trust rewritten (UpdateAssumeRolePolicy edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("iam:UpdateAssumeRolePolicy", "*")), "")
		}, []string{"reaches administrator rights", "iam:UpdateAssumeRolePolicy"}},
		{"another stack's role's policy written (policy write edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("iam:PutRolePolicy", "arn:aws:iam::"+escAccount+":role/app-prod/*")), "")
			e.role("app-prod-app", "/app-prod/", "", trustOf(t, map[string]any{"Service": "lambda.amazonaws.com"}), "", "")
		}, []string{"reaches another stack's principal", "iam:PutRolePolicy", "app-prod-app"}},
		{"AdministratorAccess attached to an administrators' role (attachment edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("iam:AttachRolePolicy", "arn:aws:iam::"+escAccount+":role/OrganizationAccountAccessRole")), "")
		}, []string{"reaches administrator rights", "iam:AttachRolePolicy"}},
		{"a policy attached to an unbounded role rewritten (CreatePolicyVersion edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("iam:CreatePolicyVersion", "arn:aws:iam::"+escAccount+":policy/shared")), "")
			e.role("worker", "/", "", trustOf(t, map[string]any{"Service": "ecs-tasks.amazonaws.com"}), "", "")
			e.add(restype.IAMRolePolicyAttachment, "worker-shared", map[string]any{"role": "worker", "policyArn": "arn:aws:iam::" + escAccount + ":policy/shared"})
		}, []string{"reaches administrator rights", "iam:CreatePolicyVersion", "worker"}},
		{"an unbounded role passed to Lambda and run (PassRole edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow([]string{"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"}, "*")), "")
			e.role("runner", "/", "", trustOf(t, map[string]any{"Service": "lambda.amazonaws.com"}), adminPolicy(t), "")
		}, []string{"reaches administrator rights", "passes it to lambda.amazonaws.com", "iam.Role runner"}},
		{"passed to a service it does not trust: no edge", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow([]string{"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"}, "arn:aws:*:*:"+escAccount+":*runner*")), "")
			e.role("runner", "/", "", trustOf(t, map[string]any{"Service": "ecs-tasks.amazonaws.com"}), adminPolicy(t), "")
		}, nil},
		{"a function's code replaced (UpdateFunctionCode edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:"+escAccount+":function:janitor")), "")
			e.role("janitor", "/", "", trustOf(t, map[string]any{"Service": "lambda.amazonaws.com"}), adminPolicy(t), "")
			e.add(restype.LambdaFunction, "janitor", map[string]any{"name": "janitor", "role": "arn:aws:iam::" + escAccount + ":role/janitor"})
		}, []string{"reaches administrator rights", "lambda:UpdateFunctionCode", "janitor"}},
		{"an administrator's access key created (access-key edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("iam:CreateAccessKey", "arn:aws:iam::"+escAccount+":user/*")), "")
		}, []string{"reaches administrator rights", "iam:CreateAccessKey", "user/administrator"}},
		{"a login profile set (login-profile edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow("iam:UpdateLoginProfile", "*")), "")
		}, []string{"reaches administrator rights", "iam:UpdateLoginProfile"}},
		{"a new role without a boundary (creation edge)", func(t *testing.T, e *escGraph) {
			e.deploy(t, policyJSON(t, allow([]string{"iam:CreateRole", "iam:PutRolePolicy"}, "*"), allow("sts:AssumeRole", "arn:aws:iam::"+escAccount+":role/app-dev-*")), "")
		}, []string{"reaches administrator rights", "iam:CreateRole", "without a boundary"}},
		{"a chain: a new bounded role whose boundary lets it rewrite bucket policies", func(t *testing.T, e *escGraph) {
			e.add(restype.IAMPolicy, "app-dev-boundary", map[string]any{"name": "app-dev-boundary", "policy": policyJSON(t,
				allow([]string{"iam:*", "sts:*", "s3:*"}, "*"),
				map[string]any{"Effect": "Deny", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::" + escAccount + ":role/app-dev/*"},
				map[string]any{"Effect": "Deny", "Action": "iam:CreateRole", "Resource": "*", "Condition": map[string]any{"StringNotEquals": map[string]any{"iam:PermissionsBoundary": escBoundary}}},
				map[string]any{"Effect": "Deny", "Action": []string{"iam:*"}, "NotResource": "arn:aws:iam::" + escAccount + ":role/app-dev/*"},
			)})
			e.deploy(t, policyJSON(t, map[string]any{"Effect": "Allow", "Action": []string{"iam:CreateRole", "iam:PutRolePolicy", "sts:AssumeRole"}, "Resource": "arn:aws:iam::" + escAccount + ":role/app-dev/*",
				"Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": escBoundary}}},
				allow("sts:AssumeRole", "arn:aws:iam::"+escAccount+":role/app-dev/*")), escBoundary)
		}, []string{"reaches s3:PutBucketPolicy on arn:aws:s3:::someone-elses-bucket", "a new role under /app-dev/ with boundary app-dev-boundary"}},
		{"a pull request's role assumes the deploy role", func(t *testing.T, e *escGraph) {
			e.role("app-dev-ci-preview", "/ci/", ciParent, ciTrust(t, "repo:org/app:environment:dev-preview:ref:refs/pull/*/merge"), policyJSON(t, allow("sts:AssumeRole", "arn:aws:iam::"+escAccount+":role/ci/*")), "")
			e.deploy(t, policyJSON(t, allow("logs:*", "*")), "")
			// The deploy role's trust also names the preview role.
			for i, r := range e.g.Resources {
				if r.Name == "app-dev-ci-deploy" {
					e.g.Resources[i].Inputs["assumeRolePolicy"] = trustOf(t, map[string]any{"AWS": "arn:aws:iam::" + escAccount + ":role/ci/app-dev-ci-preview"})
				}
			}
		}, []string{"iam.Role app-dev-ci-preview (pull request)", "a pull request's role reaches another principal", "app-dev-ci-deploy"}},
		{"compliant: roles created under the stack's path with its boundary, the ceiling holding", func(t *testing.T, e *escGraph) {
			e.boundary(t)
			e.deploy(t, policyJSON(t,
				map[string]any{"Effect": "Allow", "Action": []string{"iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"}, "Resource": "arn:aws:iam::" + escAccount + ":role/app-dev/*",
					"Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": escBoundary}}},
				allow([]string{"iam:PassRole", "lambda:*", "sts:AssumeRole"}, "*")), escBoundary)
			e.role("app-dev-app", "/app-dev/", "", trustOf(t, map[string]any{"Service": "lambda.amazonaws.com"}), policyJSON(t, allow("logs:*", "*")), escBoundary)
		}, nil},
		{"another stack of the account: its secret values reached through a bounded role", func(t *testing.T, e *escGraph) {
			e.boundary(t, allow("secretsmanager:*", "*"))
			e.deploy(t, compliantDeploy(t), escBoundary)
			e.role("app-stage-ci-deploy", "/ci/", "urn:pulumi:stage::app::hardening:identity:CIRoles::app-stage", ciTrust(t, "repo:org/app:environment:stage:ref:refs/heads/main"), "", "")
		}, []string{"reaches secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:" + escAccount + ":secret:app-stage/secret-AbCdEf"}},
		{"the same with the boundary keeping secret values to the stack's", func(t *testing.T, e *escGraph) {
			e.boundary(t, allow("secretsmanager:*", "*"), map[string]any{"Effect": "Deny", "Action": []string{"secretsmanager:GetSecretValue", "secretsmanager:PutResourcePolicy"}, "NotResource": "arn:aws:secretsmanager:*:" + escAccount + ":secret:app-dev/*"})
			e.deploy(t, compliantDeploy(t), escBoundary)
			e.role("app-stage-ci-deploy", "/ci/", "urn:pulumi:stage::app::hardening:identity:CIRoles::app-stage", ciTrust(t, "repo:org/app:environment:stage:ref:refs/heads/main"), "", "")
		}, nil},
		{"the same with the boundary letting roles be assumed anywhere", func(t *testing.T, e *escGraph) {
			e.boundary(t)
			b := &e.g.Resources[len(e.g.Resources)-1]
			b.Inputs["policy"] = strings.Replace(b.Inputs["policy"].(string), `"sts:AssumeRole","Effect":"Deny"`, `"sts:Nothing","Effect":"Deny"`, 1)
			require.NotContains(t, b.Inputs["policy"], `"Action":"sts:AssumeRole","Effect":"Deny"`)
			e.deploy(t, policyJSON(t,
				map[string]any{"Effect": "Allow", "Action": []string{"iam:CreateRole", "iam:PutRolePolicy"}, "Resource": "arn:aws:iam::" + escAccount + ":role/app-dev/*",
					"Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": escBoundary}}},
				allow("sts:AssumeRole", "arn:aws:iam::"+escAccount+":role/app-dev/*")), escBoundary)
		}, []string{"reaches administrator rights", "a new role under /app-dev/ with boundary app-dev-boundary", "role/administrators"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEscGraph()
			tc.build(t, e)
			vs := e.findings(t)
			if tc.want == nil {
				assert.Empty(t, vs, "%s", messages(vs))
				return
			}
			hit := false
			for _, v := range vs {
				ok := !v.NotJudged
				for _, w := range tc.want {
					ok = ok && strings.Contains(v.Message, w)
				}
				hit = hit || ok
			}
			assert.True(t, hit, "no finding with %q; got:\n%s", tc.want, messages(vs))
		})
	}
}

func TestEscalationPathsNotJudgedOnUnknowns(t *testing.T) {
	t.Run("a trust policy computed at deployment", func(t *testing.T) {
		e := newEscGraph()
		e.deploy(t, policyJSON(t, allow("sts:AssumeRole", "*")), "")
		e.g.Resources[0].Inputs["assumeRolePolicy"] = compliance.Unknown{}
		vs := e.findings(t)
		require.Len(t, vs, 1, "%s", messages(vs))
		assert.True(t, vs[0].NotJudged, "%s", messages(vs))
	})
	t.Run("an account a first preview does not know", func(t *testing.T) {
		e := newEscGraph()
		e.g.Account = ""
		e.deploy(t, policyJSON(t, allow("sts:AssumeRole", "*")), "")
		vs := e.findings(t)
		require.Len(t, vs, 1, "%s", messages(vs))
		assert.True(t, vs[0].NotJudged, "%s", messages(vs))
	})
}
