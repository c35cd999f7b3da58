package tests

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/stackconfig"
)

// TestLightPackagesStayLight: the packages that hold shared facts and the
// configuration import no AWS SDK, and the Pulumi components do not pull
// in the rotation function's SDK for constants; the policy
// pack's rules import neither the AWS provider SDK nor the AWS SDK; the
// program, the plan and the pack link none of cmd/verify's AWS SDK
// clients, and verify none of the provider's.
func TestLightPackagesStayLight(t *testing.T) {
	forbidden := map[string][]string{
		"github.com/example/hardening/secrets/secretkind": {"github.com/"},
		"github.com/example/hardening/stackconfig":        {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
		"github.com/example/hardening/fleet":              {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
		"github.com/example/hardening/secrets":            {"github.com/aws/"},
		"github.com/example/hardening/compliance":         {"github.com/aws/", "github.com/pulumi/pulumi-aws/"},
		"github.com/example/hardening/tls/policy":         {"github.com/"},
		"github.com/example/hardening/ratelimit/limits":   {"github.com/"},
		// The AWS SDK's service clients are cmd/verify's (and the rotation
		// function's): the program, the plan and the pack link none.
		"github.com/example/hardening/baseline":   {"github.com/aws/aws-sdk-go-v2/"},
		"github.com/example/hardening/plan":       {"github.com/aws/aws-sdk-go-v2/"},
		"github.com/example/hardening/policypack": {"github.com/aws/aws-sdk-go-v2/"},
		// cmd/verify reads the deployed stack, not the provider's types.
		"github.com/example/hardening/verify": {"github.com/pulumi/pulumi-aws/"},
	}
	args := []string{"list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}"}
	for pkg := range forbidden {
		args = append(args, pkg)
	}
	out, err := exec.Command("go", args...).Output()
	require.NoError(t, err, "go list")
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		for _, dep := range fields[1:] {
			for _, f := range forbidden[pkg] {
				assert.False(t, strings.HasPrefix(dep, f) && !strings.HasPrefix(dep, "github.com/example/hardening"), "%s depends on %s", pkg, dep)
			}
		}
	}
}

// TestTypeTokensDeclaredOnce: provider resource type tokens are written in
// internal/restype only; any Go string literal that is one, anywhere else
// in the module, fails (literals inside longer strings, such as URNs and
// JSON documents in tests, are not tokens of their own).
func TestTypeTokensDeclaredOnce(t *testing.T) {
	tokenRE := regexp.MustCompile(`^(aws|tls|random):[a-zA-Z0-9]+/[a-zA-Z0-9]+:[A-Z][A-Za-z0-9]+$`)
	out, err := exec.Command("git", "-C", "..", "ls-files", "*.go").Output()
	require.NoError(t, err)
	var found []string
	for _, f := range strings.Fields(string(out)) {
		if strings.HasPrefix(f, "internal/restype/") {
			continue
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, filepath.Join("..", f), nil, 0)
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil && tokenRE.MatchString(v) {
					found = append(found, fmt.Sprintf("%s: %s", fset.Position(lit.Pos()), v))
				}
			}
			return true
		})
	}
	assert.Empty(t, found, "type tokens written outside internal/restype; use its constants")
}

// TestConfigurationTableMatchesDefaults: each default docs/configuration.md
// states as a single value is the one stackconfig applies, so
// the page cannot drift from the code. Rows naming sibling keys
// ("`a.b` / `c`") are split; rows whose default is prose are skipped.
func TestConfigurationTableMatchesDefaults(t *testing.T) {
	d := stackconfig.Default()
	sections := map[string]any{
		"network": d.Network, "kms": d.KMS, "tls": d.TLS, "secrets": d.Secrets, "rateLimit": d.RateLimit,
		"audit": d.Audit, "identity": d.Identity, "alerts": d.Alerts, "workloads": d.Workloads,
		"production": d.Production, "protectStateful": d.ProtectStateful,
	}
	doc := map[string]any{}
	b, _ := json.Marshal(sections)
	_ = json.Unmarshal(b, &doc)
	lookup := func(path string) (any, bool) {
		var cur any = doc
		for _, p := range strings.Split(path, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[p]; !ok {
				return nil, false
			}
		}
		return cur, true
	}
	page, err := os.ReadFile("../docs/configuration.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| `hardening:([^`]+)`((?: / `[^`]+`)*) \\| ([^|]+) \\|")
	value := regexp.MustCompile("^`([^`]+)`$")
	checked := 0
	for _, m := range row.FindAllStringSubmatch(string(page), -1) {
		keys := []string{m[1]}
		parent := m[1][:strings.LastIndex(m[1], ".")+1]
		for _, k := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[2], -1) {
			keys = append(keys, parent+k[1])
		}
		defaults := strings.Split(strings.TrimSpace(m[3]), " / ")
		if len(defaults) != len(keys) {
			continue
		}
		for i, k := range keys {
			v := value.FindStringSubmatch(strings.TrimSpace(defaults[i]))
			if v == nil {
				continue // prose, not one value
			}
			got, ok := lookup(k)
			if !ok {
				continue // a key without a default (set by the stack)
			}
			var want any
			if err := yaml.Unmarshal([]byte(v[1]), &want); err != nil {
				continue
			}
			b, _ := json.Marshal(want) // YAML's ints and maps as JSON's
			_ = json.Unmarshal(b, &want)
			checked++
			assert.True(t, covers(want, got), "docs/configuration.md says hardening:%s defaults to %s; stackconfig applies %v", k, v[1], got)
		}
	}
	assert.GreaterOrEqual(t, checked, 20, "defaults checked; the table's format changed")
	t.Logf("%d defaults checked", checked)
}

// covers reports whether the documented value doc describes got: equal
// scalars and lists (an empty list for none), and for an object, each key
// it names (a row may name only the keys that matter).
func covers(doc, got any) bool {
	switch d := doc.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range d {
			if !covers(v, g[k]) {
				return false
			}
		}
		return true
	case []any:
		g, _ := got.([]any)
		if len(d) != len(g) {
			return false
		}
		for i := range d {
			if !covers(d[i], g[i]) {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(doc) == fmt.Sprint(got)
}

// TestTestsAssertWithTestify: every test of the module asserts with
// testify's require and assert, one style throughout. A call of Error,
// Errorf, Fatal or Fatalf on a *testing.T, *testing.B, *testing.F or
// testing.TB in any _test.go file of the module fails it; the calls are
// found in the syntax tree, so strings and comments do not count.
func TestTestsAssertWithTestify(t *testing.T) {
	var files []string
	require.NoError(t, filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." {
			// What the go command leaves out of the module, and the modules
			// nested in it (engine/cli, engine/language-go).
			if strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		if !d.IsDir() && strings.HasSuffix(path, "_test.go") {
			files = append(files, path)
		}
		return nil
	}))
	require.Contains(t, files, filepath.Join("..", "tests", "layout_test.go"), "the walk missed this very file")
	fset := token.NewFileSet()
	var found []string
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, call := range stdlibFailures(f) {
			found = append(found, fset.Position(call.Pos()).String())
		}
	}
	assert.Empty(t, found, "calls of t.Error, t.Errorf, t.Fatal or t.Fatalf; use require (stops the test) or assert")
}

// TestStdlibFailures: what the one-style check counts, and what it does not.
func TestStdlibFailures(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"each method on *testing.T", `func TestX(t *testing.T) { t.Error(1); t.Errorf("%d", 1); t.Fatal(1); t.Fatalf("%d", 1) }`, 4},
		{"a helper's testing.TB", `func check(tb testing.TB) { tb.Helper(); tb.Fatalf("x") }`, 1},
		{"a benchmark and a fuzz target", `func BenchmarkX(b *testing.B) { b.Fatal(1) }; func FuzzX(f *testing.F) { f.Fuzz(func(t *testing.T, s string) { t.Error(s) }) }`, 2},
		{"a subtest's t", `func TestX(t *testing.T) { t.Run("a", func(t *testing.T) { t.Errorf("x") }) }`, 1},
		{"a closure using the test's t", `func TestX(t *testing.T) { check := func() { t.Fatal("x") }; check() }`, 1},
		{"the testing package under another name", `import tst "testing"; func TestX(t *tst.T) { t.Error(1) }`, 1},
		{"allowed methods", `func TestX(t *testing.T) { t.Helper(); t.Log(1); t.Logf("x"); t.Skip(); t.Run("a", nil); t.Cleanup(nil) }`, 0},
		{"strings and comments", `func TestX(t *testing.T) { _ = "t.Errorf(x)" /* t.Fatal(err) */ } // t.Error(1)`, 0},
		{"Error on an error", `func TestX(t *testing.T) { var err error; _ = err.Error() }`, 0},
		{"a parameter that shadows t", `func TestX(t *testing.T) { func(t fmt.Stringer) { t.Error() }(nil) }`, 0},
		{"testify", `func TestX(t *testing.T) { require.NoError(t, nil); assert.Equal(t, 1, 1) }`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "package x\n"
			if !strings.HasPrefix(tc.src, "import") {
				src += `import "testing"` + "\n"
			}
			f, err := parser.ParseFile(token.NewFileSet(), "x_test.go", src+tc.src, parser.SkipObjectResolution)
			require.NoError(t, err)
			assert.Len(t, stdlibFailures(f), tc.want)
		})
	}
}

// stdlibFailures returns the calls in f of Error, Errorf, Fatal or Fatalf
// on a parameter of type *testing.T, *testing.B, *testing.F or testing.TB,
// including from closures that use it.
func stdlibFailures(f *ast.File) []*ast.CallExpr {
	pkg := "" // the name f imports "testing" under
	for _, imp := range f.Imports {
		if imp.Path.Value == `"testing"` {
			pkg = "testing"
			if imp.Name != nil {
				pkg = imp.Name.Name
			}
		}
	}
	if pkg == "" {
		return nil
	}
	isTesting := func(typ ast.Expr) bool {
		if star, ok := typ.(*ast.StarExpr); ok {
			typ = star.X
		}
		sel, ok := typ.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		x, ok := sel.X.(*ast.Ident)
		return ok && x.Name == pkg && slices.Contains([]string{"T", "B", "F", "TB"}, sel.Sel.Name)
	}
	var calls []*ast.CallExpr
	// walk visits n with the names that are testing values there; a
	// function's parameters shadow the names of the enclosing ones.
	var walk func(n ast.Node, inScope map[string]bool)
	walk = func(n ast.Node, inScope map[string]bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			var params []*ast.FieldList
			var body *ast.BlockStmt
			switch n := n.(type) {
			case *ast.FuncDecl:
				params, body = []*ast.FieldList{n.Recv, n.Type.Params}, n.Body
			case *ast.FuncLit:
				params, body = []*ast.FieldList{n.Type.Params}, n.Body
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && inScope[x.Name] && slices.Contains([]string{"Error", "Errorf", "Fatal", "Fatalf"}, sel.Sel.Name) {
						calls = append(calls, n)
					}
				}
				return true
			default:
				return true
			}
			inner := map[string]bool{}
			for k, v := range inScope {
				inner[k] = v
			}
			for _, fl := range params {
				if fl == nil {
					continue
				}
				for _, field := range fl.List {
					for _, name := range field.Names {
						inner[name.Name] = isTesting(field.Type)
					}
				}
			}
			if body != nil {
				walk(body, inner)
			}
			return false
		})
	}
	walk(f, map[string]bool{})
	return calls
}
