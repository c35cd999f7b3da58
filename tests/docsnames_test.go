package tests

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/stackconfig"
)

// docPages are the README and docs/ pages but the generated coverage page.
func docPages(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	require.NoError(t, err)
	files = append(files, filepath.Join("..", "README.md"))
	pages := map[string]string{}
	for _, f := range files {
		if filepath.Base(f) == "coverage.md" {
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		pages[filepath.Base(f)] = string(b)
	}
	return pages
}

// stackOutputs are the names the program exports (ctx.Export in baseline/).
func stackOutputs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "baseline", "*.go"))
	require.NoError(t, err)
	var out []string
	export := regexp.MustCompile(`ctx\.Export\("([^"]+)"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range export.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
	}
	require.NotEmpty(t, out)
	return out
}

// settingTypes are the types of the top-level settings of the namespace,
// by key (stackconfig.Settings; compliance is the review's suppressions).
func settingTypes(t *testing.T) map[string]reflect.Type {
	t.Helper()
	c := reflect.TypeOf(stackconfig.Config{})
	out := map[string]reflect.Type{"compliance": reflect.TypeOf(struct {
		Suppressions []compliance.Suppression `json:"suppressions"`
	}{})}
	for i := 0; i < c.NumField(); i++ {
		f := c.Field(i)
		for _, k := range stackconfig.Settings {
			if strings.EqualFold(k, f.Name) {
				out[k] = f.Type
			}
		}
	}
	for _, k := range stackconfig.Settings {
		require.Contains(t, out, k, "setting %s has no field in stackconfig.Config", k)
	}
	return out
}

// settingExists reports whether a dotted setting path ("identity.ci.stateKeyArn",
// "secrets.inventory[0].kind") names a field of the configuration, by its
// json (or, for suppressions, yaml) tags.
func settingExists(types map[string]reflect.Type, path string) bool {
	parts := strings.Split(regexp.MustCompile(`\[[^\]]*\]`).ReplaceAllString(path, ""), ".")
	typ, ok := types[parts[0]]
	if !ok {
		return false
	}
	for _, p := range parts[1:] {
		for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return false
		}
		field, found := fieldByTag(typ, p)
		if !found {
			return false
		}
		typ = field
	}
	return true
}

// fieldByTag finds the field tagged name in a struct, through embedded
// structs (whose fields encoding/json promotes).
func fieldByTag(typ reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := strings.Split(f.Tag.Get("json"), ",")[0]
		if tag == "" {
			tag = strings.Split(f.Tag.Get("yaml"), ",")[0]
		}
		if f.Anonymous && tag == "" {
			if t, ok := fieldByTag(f.Type, name); ok {
				return t, true
			}
			continue
		}
		if tag == name {
			return f.Type, true
		}
	}
	return nil, false
}

// settingLeaves are the names of every setting field, at any depth.
func settingLeaves(types map[string]reflect.Type) map[string]bool {
	out := map[string]bool{}
	var walk func(reflect.Type, int)
	walk = func(typ reflect.Type, depth int) {
		for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || depth > 8 {
			return
		}
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if tag := strings.Split(f.Tag.Get("json"), ",")[0]; tag != "" && tag != "-" {
				out[tag] = true
			}
			walk(f.Type, depth+1)
		}
	}
	for _, t := range types {
		walk(t, 0)
	}
	return out
}

var (
	docSpan = regexp.MustCompile("`([^`\n]+)`")
	// settingPath is a dotted path under a top-level setting, its segments
	// lowerCamel (a Go identifier such as audit.Alerts is not one).
	settingPath = regexp.MustCompile(`^(alerts|audit|compliance|identity|kms|network|rateLimit|secrets|tls|workloads)((?:\.[a-z][A-Za-z0-9]*(?:\[[^\]]*\])?)+)$`)
	// outputLike is a lowerCamel name in the shape of an output: an ARN, id,
	// name or PEM.
	outputLike     = regexp.MustCompile(`^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*(?:Arn|Arns|Id|Ids|Name|Names|DnsName|Pem)$`)
	stackOutputCmd = regexp.MustCompile(`pulumi stack output ([A-Za-z0-9]+)`)
	tableRow       = regexp.MustCompile("(?m)^\\| `hardening:([^`]+)`((?: / `[^`]+`)*) \\|")
)

// TestDocsNameRealOutputsAndSettings: every stack output a page names (in
// `pulumi stack output <name>`, or a backticked name shaped like an output:
// …Arn, …Id, …Name, …DnsName, …Pem, that is not a setting) is one the
// program exports, and every setting it names (`hardening:<key>`, a dotted
// path under a setting such as `identity.ci.stateKeyArn`, the sibling keys
// of a configuration table row) is a field of the configuration.
func TestDocsNameRealOutputsAndSettings(t *testing.T) {
	outputs := stackOutputs(t)
	types := settingTypes(t)
	leaves := settingLeaves(types)
	settingsChecked, outputsChecked := 0, 0
	checkSetting := func(page, path string) {
		settingsChecked++
		assert.True(t, settingExists(types, path), "%s names the setting %s, which stackconfig does not have", page, path)
	}
	for page, text := range docPages(t) {
		for _, m := range tableRow.FindAllStringSubmatch(text, -1) {
			parent := m[1][:strings.LastIndex(m[1], ".")+1]
			for _, k := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[2], -1) {
				checkSetting(page, parent+k[1])
			}
		}
		for _, m := range docSpan.FindAllStringSubmatch(text, -1) {
			span := m[1]
			for _, c := range stackOutputCmd.FindAllStringSubmatch(span, -1) {
				outputsChecked++
				assert.Contains(t, outputs, c[1], "%s runs `pulumi stack output %s`, which the program does not export", page, c[1])
			}
			key, isKey := strings.CutPrefix(span, stackconfig.Namespace+":")
			if isKey {
				if key == "" || strings.ContainsAny(key, "<>*:") {
					continue // the namespace itself, a pattern such as hardening:secret-<name>, or a type token hardening:network:Vpc
				}
				checkSetting(page, key)
				continue
			}
			// A path may carry a value: `identity.ci.createProvider: false`.
			path, _, _ := strings.Cut(span, ":")
			path, _, _ = strings.Cut(path, " ")
			if settingPath.MatchString(path) && !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".md") {
				checkSetting(page, path)
				continue
			}
			if outputLike.MatchString(span) && !leaves[span] {
				outputsChecked++
				assert.Contains(t, outputs, span, "%s names %s like a stack output; the program exports %v", page, span, outputs)
			}
		}
	}
	t.Logf("checked %d setting names and %d output names", settingsChecked, outputsChecked)
	assert.Greater(t, settingsChecked, 50, "the pages name settings; the scan found few")
	assert.Greater(t, outputsChecked, 5, "the pages name outputs; the scan found few")
}

// TestDocsNameChecks: the checks above on names that exist and names that
// do not, so that they can fail.
func TestDocsNameChecks(t *testing.T) {
	types := settingTypes(t)
	for path, want := range map[string]bool{
		"identity.ci.stateKeyArn": true, "secrets.deployers": true, "identity.userPool.sesSourceArn": true,
		"rateLimit.perUser.limit": true, "rateLimit.perUser.keyName": true, "secrets.inventory[0].kind": true,
		"compliance.suppressions": true, "production": true, "rateLimit.maxBodyKB": true,
		"identity.ci.stateKeyARN": false, "secrets.deployer": false, "tls.domain.name": false, "nosuch": false,
	} {
		assert.Equal(t, want, settingExists(types, path), path)
	}
	assert.Contains(t, stackOutputs(t), "loadBalancerDnsName")
	assert.NotContains(t, stackOutputs(t), "albDnsName")
	assert.True(t, outputLike.MatchString("albDnsName"))
	assert.False(t, settingPath.MatchString("audit.Alerts"), "a Go identifier is not a setting path")
	assert.True(t, slices.Contains(stackconfig.Settings, "compliance"))
}

// placeholder is a value a stack file ships for the user to replace: one
// naming example.com or example-org, an EXAMPLE id, or the documentation
// account 123456789012.
var placeholder = regexp.MustCompile(`example\.com|example-org|EXAMPLE|123456789012`)

// placeholders returns the setting paths ("tls.domain", "secrets.deployers")
// whose values in a stack file are placeholders.
func placeholders(t *testing.T, stackFile string) []string {
	t.Helper()
	b, err := os.ReadFile(stackFile)
	require.NoError(t, err)
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(b, &doc))
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(path, e)
			}
		case string:
			if placeholder.MatchString(x) && !slices.Contains(out, path) {
				out = append(out, path)
			}
		}
	}
	for k, v := range doc.Config {
		if section, ok := strings.CutPrefix(k, stackconfig.Namespace+":"); ok && section != "compliance" {
			walk(section, v)
		}
	}
	slices.Sort(out)
	return out
}

// TestDeploymentGuideNamesEveryPlaceholder: the deployment guide's list of
// what to replace names every setting whose value in a stack file is a
// placeholder, and the state bucket, which no stack file sets but an
// s3:// backend needs.
func TestDeploymentGuideNamesEveryPlaceholder(t *testing.T) {
	guide, err := os.ReadFile(filepath.Join("..", "docs", "deployment.md"))
	require.NoError(t, err)
	for _, stack := range stacks {
		paths := placeholders(t, filepath.Join("..", "Pulumi."+stack+".yaml"))
		require.NotEmpty(t, paths, "Pulumi.%s.yaml ships no placeholder: the scan would prove nothing", stack)
		for _, p := range append(paths, "identity.ci.stateBucket") {
			assert.Contains(t, string(guide), "`"+p+"`", "docs/deployment.md does not say to replace %s (Pulumi.%s.yaml)", p, stack)
		}
	}
	for _, v := range []string{"PULUMI_BACKEND_URL", "_PREVIEW_ROLE_ARN", "_DEPLOY_ROLE_ARN", "key policy"} {
		assert.Contains(t, string(guide), v, "docs/deployment.md does not name %s", v)
	}
}
