package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/audit"
	"github.com/example/hardening/identity"
	"github.com/example/hardening/internal/logbucket"
	"github.com/example/hardening/network"
	"github.com/example/hardening/ratelimit"
	"github.com/example/hardening/secrets"
	"github.com/example/hardening/tls"
)

// TestEveryComponentValidatesItsArgs: each component constructor
// NewX(ctx, name, *XArgs, ...) has an XArgs.Validate() error, and calls it.
func TestEveryComponentValidatesItsArgs(t *testing.T) {
	constructors := 0
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "tests" || d.Name() == "cmd") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "New") || len(fn.Type.Params.List) < 3 {
				continue
			}
			star, ok := fn.Type.Params.List[len(fn.Type.Params.List)-2].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			args, ok := star.X.(*ast.Ident)
			if !ok || !strings.HasSuffix(args.Name, "Args") {
				continue
			}
			constructors++
			assert.True(t, hasValidate(t, filepath.Dir(path), args.Name), "%s: %s has no Validate() error method", path, args.Name)
			calls := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Validate" {
					calls = true
				}
				return true
			})
			assert.True(t, calls, "%s: %s does not call %s.Validate before registering", path, fn.Name.Name, args.Name)
		}
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, constructors, 14, "component constructors found")
}

func hasValidate(t *testing.T, dir, typ string) bool {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	require.NoError(t, err)
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Recv == nil || fn.Name.Name != "Validate" || len(fn.Recv.List) != 1 {
					continue
				}
				if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); ok {
					if id, ok := star.X.(*ast.Ident); ok && id.Name == typ {
						return true
					}
				}
			}
		}
	}
	return false
}

// TestArgsReportEveryProblemAtOnce: empty arguments name every missing
// setting in one error, and nil arguments are refused, for every component.
func TestArgsReportEveryProblemAtOnce(t *testing.T) {
	type validator interface{ Validate() error }
	for _, tc := range []struct {
		name  string
		empty validator
		nil   validator
		want  []string
	}{
		{"network", &network.VPCArgs{}, (*network.VPCArgs)(nil), []string{"AvailabilityZones: 0 zones", "CIDR:", "LogKeyARN: is required", "PermissionsBoundary: is required", "appPort"}},
		{"network endpoints", &network.VPCArgs{InterfaceEndpoints: []string{"kms", "cloudwatch"}}, nil, []string{`InterfaceEndpoints[1]: "cloudwatch" is not an interface endpoint this stack knows`}},
		{"boundary", &identity.BoundaryArgs{}, (*identity.BoundaryArgs)(nil), []string{"Allow: is empty", "Regions: is empty", "StackTagKey: and StackTagValue are required", "Env.RolePath: is required"}},
		{"workload role", &identity.WorkloadRoleArgs{}, (*identity.WorkloadRoleArgs)(nil), []string{"Service: is empty", "Team: is empty", "PermissionsBoundary: is required"}},
		{"CI roles", &identity.CIRolesArgs{Branch: "*"}, (*identity.CIRolesArgs)(nil), []string{"Repository: is empty", "Environment: is empty", `Branch: "*" has a wildcard`, "BoundaryARN: is required", "ProviderARN: is required", "StackTagKey: and StackTagValue", "Env.RolePath: is required"}},
		{"guardrails", &identity.AccountGuardrailsArgs{OtherRegions: []string{"us-west-2", "", "us-west-2"}}, nil, []string{"OtherRegions[1]: is empty", `OtherRegions[2]: "us-west-2" is listed twice`}},
		{"user pool", &identity.UserPoolArgs{SMS: true}, nil, []string{"sms: needs SMSRoleARN", "passwordMinLength"}},
		{"web ACL", &ratelimit.WebACLArgs{}, (*ratelimit.WebACLArgs)(nil), []string{"LoadBalancerARN: is required", "LogKeyARN: is required", "AlertsTopicARN: is required", "site.limit"}},
		{"alerts", &audit.AlertsArgs{}, (*audit.AlertsArgs)(nil), []string{"KeyARN: is required"}},
		{"access logs", &audit.AccessLogsArgs{}, (*audit.AccessLogsArgs)(nil), []string{"SourcePrefix: is empty", "ExpirationDays: 0"}},
		{"trail", &audit.TrailArgs{}, (*audit.TrailArgs)(nil), []string{"KeyARN: is required", "PermissionsBoundary: is required"}},
		{"monitoring", &audit.MonitoringArgs{}, (*audit.MonitoringArgs)(nil), []string{"AlertsTopicARN: is required", "DeadLetterARN: is required"}},
		{"inventory", &secrets.InventoryArgs{}, (*secrets.InventoryArgs)(nil), []string{"Key: is required", "AlertsTopicARN: is required", "DeadLetterARN: is required", "PermissionsBoundary: is required", "Deployers: is required"}},
		{"key", &secrets.KeyArgs{}, (*secrets.KeyArgs)(nil), []string{"RotationPeriodDays: 0", "DeletionWindowDays: 0"}},
		{"log bucket", &logbucket.Args{BucketPrefix: "Hardening_Logs"}, (*logbucket.Args)(nil), []string{`BucketPrefix: "Hardening_Logs"`, "ExpirationDays: 0", "Policy: is required"}},
		{"load balancer", &tls.LoadBalancerArgs{}, (*tls.LoadBalancerArgs)(nil), []string{"VPCID: is required", "PublicSubnetIDs: is required", "SecurityGroupID: is required", "0 zones"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.empty.Validate()
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			if tc.nil != nil {
				assert.ErrorContains(t, tc.nil.Validate(), "args are required")
			}
		})
	}
}
