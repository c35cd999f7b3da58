package verify

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// testProject writes a project directory with Pulumi.yaml and a stack
// "verifytest": dev's real stack file without sign-in paths (their hosted
// UI would be Cognito's, on the internet).
func testProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	proj, err := os.ReadFile(filepath.Join("..", "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), proj, 0o600))
	raw, err := os.ReadFile(filepath.Join("..", "Pulumi.dev.yaml"))
	require.NoError(t, err)
	var stack map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &stack))
	cfg := stack["config"].(map[string]any)
	cfg["hardening:identity"].(map[string]any)["authenticatedPaths"] = []string{}
	out, err := yaml.Marshal(stack)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.verifytest.yaml"), out, 0o600))
	return dir
}

// testSite starts the site (TLS with cfg, named as dev's private CA names
// it) and its :80 redirector, and writes the CA to a file for -ca.
func testSite(t *testing.T, mutate func(*tls.Config)) (https, http, caFile string) {
	t.Helper()
	ca := newCA(t, "stack private CA")
	cfg := goodTLS(ca.leaf(t, leafOpts{names: []string{"app.dev.internal"}}))
	if mutate != nil {
		mutate(cfg)
	}
	s := startTLS(t, site{}, cfg)
	plain := httptest.NewServer(redirector{https: mustURL(t, s.URL)})
	t.Cleanup(plain.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca.pem, 0o600))
	return s.URL, plain.URL, caFile
}

func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := command(args, &stdout, &stderr, func() time.Time { return testNow })
	return code, stdout.String(), stderr.String()
}

func TestCommandUsage(t *testing.T) {
	dir := testProject(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, exitUsage, "-stack is required"},
		{[]string{"-stack", "verifytest", "-dir", dir, "-json", "-markdown"}, exitUsage, "choose one"},
		{[]string{"-stack", "verifytest", "-dir", dir, "-url", "http://app.example.test"}, exitUsage, "give an https URL"},
		{[]string{"-stack", "verifytest", "-dir", dir, "-url", "https://127.0.0.1:1", "-http-url", "ftp://x"}, exitUsage, "give an http URL"},
		{[]string{"-stack", "verifytest", "-dir", dir, "-burst-max", "-1"}, exitUsage, "give a positive cap"},
		{[]string{"-stack", "verifytest", "-dir", dir, "extra"}, exitUsage, "unexpected arguments [extra]"},
		{[]string{"-stack", "nosuch", "-dir", dir}, exitFailed, "Pulumi.nosuch.yaml"},
		{[]string{"-stack", "verifytest", "-dir", dir, "-url", "https://127.0.0.1:1", "-ca", filepath.Join(dir, "Pulumi.yaml")}, exitFailed, "no PEM certificate"},
	} {
		code, _, stderr := run(c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, stderr)
		assert.Contains(t, stderr, c.want, "%v", c.args)
	}
}

// TestCommandURL: -url checks the endpoint alone, without credentials; the
// account is reported not checked, which -strict fails.
func TestCommandURL(t *testing.T) {
	dir := testProject(t)
	https, http, ca := testSite(t, nil)
	args := []string{"-stack", "verifytest", "-dir", dir, "-url", https, "-http-url", http, "-ca", ca, "-echo-path", "/echo"}
	code, stdout, stderr := run(args...)
	require.Equal(t, exitOK, code, "stderr %s\n%s", stderr, stdout)
	assert.Contains(t, stdout, "verify verifytest at "+https)
	assert.Regexp(t, `pass\s+tls.version.1.2\s+TLS 1.2 accepted`, stdout)
	assert.Regexp(t, `not checked\s+account.trail\s+-url: the endpoint checks only`, stdout)
	assert.Regexp(t, `not checked\s+ratelimit.burst\s+opt-in`, stdout)
	assert.Regexp(t, `not checked\s+tls.cert.acm\s+-url: the endpoint checks only`, stdout)
	assert.Regexp(t, `(?m)^pass \d+, fail 0, not checked \d+$`, stdout)

	code, _, _ = run(append(args, "-strict")...)
	assert.Equal(t, exitFailed, code, "-strict fails on a check not made")

	code, stdout, _ = run(append(args, "-json")...)
	require.Equal(t, exitOK, code)
	var doc struct {
		Stack      string   `json:"stack"`
		Results    []Result `json:"results"`
		Fail       int      `json:"fail"`
		NotChecked int      `json:"notChecked"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, "verifytest", doc.Stack)
	assert.Zero(t, doc.Fail)
	assert.Positive(t, doc.NotChecked)
	assert.True(t, slices.ContainsFunc(doc.Results, func(r Result) bool { return r.Check == "tls.cert.transparency" && r.Status == NotChecked }),
		"dev's private CA: no CT")
}

// TestCommandFailure: a failed check is exit 1, and the Markdown summary
// puts it first.
func TestCommandFailure(t *testing.T) {
	dir := testProject(t)
	https, http, ca := testSite(t, func(c *tls.Config) {
		c.MinVersion = tls.VersionTLS10
		c.CipherSuites = append(slices.Clone(restrictedSuites), tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA)
	})
	code, stdout, stderr := run("-stack", "verifytest", "-dir", dir, "-url", https, "-http-url", http, "-ca", ca, "-markdown")
	require.Equal(t, exitFailed, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "## Deployed stack `verifytest`\n"), stdout)
	rows := strings.Split(stdout[strings.Index(stdout, "|---|---|---|\n")+len("|---|---|---|\n"):], "\n")
	assert.True(t, strings.HasPrefix(rows[0], "| ❌ fail | `tls.version.1.0` |"), "failures first: %s", rows[0])
	assert.Contains(t, stdout, "fail 3,")
}

// TestCommandAccount: without -url the command reads the outputs file and
// the account with the environment's credentials (here a fake endpoint
// named by AWS_ENDPOINT_URL, as the SDK reads it).
func TestCommandAccount(t *testing.T) {
	dir := testProject(t)
	https, http, ca := testSite(t, nil)
	o := readTestOutputs(t)
	o.LoadBalancerDNSName = strings.TrimPrefix(https, "https://")
	o.UserPoolDomain = "" // no sign-in paths in verifytest
	b, err := json.Marshal(o)
	require.NoError(t, err)
	outputs := filepath.Join(dir, "outputs.json")
	require.NoError(t, os.WriteFile(outputs, b, 0o600))
	_, fake := testAWS(t, o, nil)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
		"AWS_PROFILE": "", "AWS_SESSION_TOKEN": "",
	} {
		t.Setenv(k, v)
	}
	code, stdout, stderr := run("-stack", "verifytest", "-dir", dir, "-outputs", outputs, "-http-url", http, "-ca", ca, "-json")
	require.Equal(t, exitOK, code, "stderr %s\n%s", stderr, stdout)
	var doc struct {
		Endpoint string   `json:"endpoint"`
		Results  []Result `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, https, doc.Endpoint, "dev's endpoint is the load balancer's name")
	got := status(doc.Results)
	assert.Equal(t, Pass, got["account.identity"])
	assert.Equal(t, Pass, got["account.trail"])
	assert.Equal(t, Pass, got["account.waf"])
	assert.Equal(t, NotChecked, got["account.guardduty"], "dev leaves GuardDuty to prod")
	assert.Equal(t, Pass, got["tls.cert.acm"], "the test site serves the serial of the recorded ACM certificate")
}
