package verify

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/tls/policy"
)

const siteName = "app.example.test"

// restrictedSuites are ELBSecurityPolicy-TLS13-1-2-Res-*'s TLS 1.2 suites
// by Go's IDs: what the good server offers.
var restrictedSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
}

// goodTLS is a server configuration that serves what the default policy
// allows: TLS 1.2 and 1.3, the restricted suites, Go's default groups
// (X25519MLKEM768 first).
func goodTLS(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, CipherSuites: restrictedSuites}
}

// startTLS starts an HTTPS server with cfg; its handshake errors (the
// probes' refusals) are not logged.
func startTLS(t *testing.T, h http.Handler, cfg *tls.Config) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.TLS = cfg
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func defaultPolicy(t *testing.T) policy.Policy {
	p, ok := policy.Lookup(policy.Default)
	require.True(t, ok)
	return p
}

// failed returns the names of the failed checks.
func failed(rs []Result) []string {
	var out []string
	for _, r := range rs {
		if r.Status == Fail {
			out = append(out, r.Check)
		}
	}
	slices.Sort(out)
	return out
}

func find(t *testing.T, rs []Result, check string) Result {
	t.Helper()
	i := slices.IndexFunc(rs, func(r Result) bool { return r.Check == check })
	require.GreaterOrEqual(t, i, 0, "no result %s in %v", check, rs)
	return rs[i]
}

func TestCheckTLS(t *testing.T) {
	ca := newCA(t, "test root")
	other := newCA(t, "another root")
	good := leafOpts{names: []string{siteName}, sct: true}
	cases := []struct {
		name     string
		leaf     leafOpts
		issuer   *testCA
		server   func(*tls.Config)
		policy   string
		tls13    []string // replaces the policy's TLS 1.3 suites
		want     []string // the failed checks, exactly
		evidence map[string]string
	}{
		{name: "a server as the policy says passes every check"},
		{name: "TLS 1.0 and 1.1 accepted, as ELBSecurityPolicy-2016-08 does", server: func(c *tls.Config) {
			// The old protocols have no AEAD suite: a CBC one comes with them.
			c.MinVersion = tls.VersionTLS10
			c.CipherSuites = append(slices.Clone(restrictedSuites), tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA)
		},
			want:     []string{"tls.suites.1.2", "tls.version.1.0", "tls.version.1.1"},
			evidence: map[string]string{"tls.version.1.0": "TLS 1.0 accepted; ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 allows TLS 1.2 and later only"}},
		{name: "a TLS 1.2 suite outside the policy", server: func(c *tls.Config) {
			c.CipherSuites = append(slices.Clone(restrictedSuites), tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA)
		}, want: []string{"tls.suites.1.2"}, evidence: map[string]string{"tls.suites.1.2": "accepted outside ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09: [ECDHE-ECDSA-AES128-SHA]"}},
		{name: "a policy suite refused", server: func(c *tls.Config) { c.CipherSuites = restrictedSuites[:1] },
			want: []string{"tls.suites.1.2"}, evidence: map[string]string{"tls.suites.1.2": "refused though in it: [ECDHE-ECDSA-AES256-GCM-SHA384]"}},
		{name: "TLS 1.2 refused though the policy allows it", server: func(c *tls.Config) { c.MinVersion = tls.VersionTLS13 },
			want: []string{"tls.suites.1.2", "tls.version.1.2"}},
		{name: "TLS 1.2 accepted though the policy is TLS 1.3 only", policy: "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
			want: []string{"tls.version.1.2"}},
		{name: "no post-quantum key exchange", server: func(c *tls.Config) { c.CurvePreferences = []tls.CurveID{tls.X25519} },
			want: []string{"tls.key-exchange"}, evidence: map[string]string{"tls.key-exchange": "negotiated X25519 though X25519MLKEM768 was offered"}},
		{name: "a TLS 1.3 suite outside the policy", tls13: []string{"TLS_CHACHA20_POLY1305_SHA256"},
			want: []string{"tls.suites.1.3"}, evidence: map[string]string{"tls.suites.1.3": "not one of"}},
		{name: "a name the certificate does not carry", leaf: leafOpts{names: []string{"other.example.test"}, sct: true},
			want: []string{"tls.cert.name"}, evidence: map[string]string{"tls.cert.name": "x509: certificate is valid for other.example.test, not app.example.test"}},
		{name: "an expiry within the alarm's threshold", leaf: leafOpts{names: []string{siteName}, sct: true, notAfter: testNow.Add(10 * 24 * time.Hour)},
			want: []string{"tls.cert.expiry"}, evidence: map[string]string{"tls.cert.expiry": "10.0 days from now, within the alarm's 30 days"}},
		{name: "a chain to an untrusted root", issuer: other, want: []string{"tls.cert.chain"}},
		{name: "no signed certificate timestamp", leaf: leafOpts{names: []string{siteName}},
			want: []string{"tls.cert.transparency"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			issuer, leaf := ca, c.leaf
			if c.issuer != nil {
				issuer = c.issuer
			}
			if leaf.names == nil {
				leaf = good
			}
			cfg := goodTLS(issuer.leaf(t, leaf))
			if c.server != nil {
				c.server(cfg)
			}
			s := startTLS(t, http.NotFoundHandler(), cfg)
			p := defaultPolicy(t)
			if c.policy != "" {
				p, _ = policy.Lookup(c.policy)
			}
			if c.tls13 != nil {
				// Go's server cannot be kept from a TLS 1.3 suite, so the
				// policy is narrowed instead.
				p.TLS13 = c.tls13
			}
			e := Endpoint{HTTPS: mustURL(t, s.URL), ServerName: siteName, Roots: ca.pool(), Policy: p, ExpiryDays: 30}
			rs := CheckTLS(context.Background(), e, testNow, nil)
			assert.Equal(t, c.want, failed(rs), "failed checks; results %v", rs)
			for check, want := range c.evidence {
				assert.Contains(t, find(t, rs, check).Evidence, want)
			}
		})
	}
}

// TestCheckTLSGoodDetail: what the good server's run reports beyond "no
// failure": the suites compared, those Go or the key cannot show, and the
// checks that cannot be made without the account.
func TestCheckTLSGoodDetail(t *testing.T) {
	ca := newCA(t, "test root")
	s := startTLS(t, http.NotFoundHandler(), goodTLS(ca.leaf(t, leafOpts{names: []string{siteName}, sct: true})))
	e := Endpoint{HTTPS: mustURL(t, s.URL), ServerName: siteName, Roots: ca.pool(), Policy: defaultPolicy(t), ExpiryDays: 30}
	rs := CheckTLS(context.Background(), e, testNow, nil)
	for _, c := range []struct{ check, status, evidence string }{
		{"tls.version.1.0", "pass", "TLS 1.0 refused"},
		{"tls.version.1.3", "pass", "TLS 1.3 accepted"},
		{"tls.suites.1.2", "pass", "accepted [ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384]"},
		{"tls.suites.1.2.unprobed", "not checked", "ECDHE-RSA-AES128-GCM-SHA256 (the served key is ECDSA)"},
		{"tls.suites.1.3", "pass", "crypto/tls offers its TLS 1.3 suites together"},
		{"tls.key-exchange", "pass", "X25519MLKEM768"},
		{"tls.cert.acm", "not checked", "no account access"},
		{"tls.cert.transparency", "pass", "embedded"},
	} {
		r := find(t, rs, c.check)
		assert.Equal(t, Status(c.status), r.Status, c.check)
		assert.Contains(t, r.Evidence, c.evidence, c.check)
	}
}

func TestCheckTLSPrivateCA(t *testing.T) {
	ca := newCA(t, "stack private CA")
	s := startTLS(t, http.NotFoundHandler(), goodTLS(ca.leaf(t, leafOpts{names: []string{siteName}})))
	e := Endpoint{HTTPS: mustURL(t, s.URL), ServerName: siteName, Roots: ca.pool(), Policy: defaultPolicy(t), ExpiryDays: 30, PrivateCA: true}
	r := find(t, CheckTLS(context.Background(), e, testNow, nil), "tls.cert.transparency")
	assert.Equal(t, NotChecked, r.Status)
	assert.Contains(t, r.Evidence, "private CA")
}

func TestCheckTLSUnreachable(t *testing.T) {
	s := startTLS(t, http.NotFoundHandler(), goodTLS(newCA(t, "root").leaf(t, leafOpts{names: []string{siteName}})))
	u := mustURL(t, s.URL)
	s.Close()
	rs := CheckTLS(context.Background(), Endpoint{HTTPS: u, ServerName: siteName, Policy: defaultPolicy(t), Timeout: time.Second}, testNow, nil)
	require.Len(t, rs, 1)
	assert.Equal(t, Fail, rs[0].Status)
	assert.Equal(t, "tls.handshake", rs[0].Check)
	assert.Contains(t, rs[0].Evidence, "no TLS handshake")
}

func TestCheckACM(t *testing.T) {
	ca := newCA(t, "root")
	s := startTLS(t, http.NotFoundHandler(), goodTLS(ca.leaf(t, leafOpts{names: []string{siteName}, sct: true})))
	e := Endpoint{HTTPS: mustURL(t, s.URL), ServerName: siteName, Roots: ca.pool(), Policy: defaultPolicy(t), ExpiryDays: 30}
	const arn = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
	cases := []struct {
		name, serial string
		status       Status
		evidence     string
	}{
		{"the served certificate is ACM's", "0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9", Pass, "is " + arn + "'s"},
		{"another certificate is served", "0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:fa", Fail, "the listener serves another certificate"},
		{"ACM's serial does not parse", "zz:11", Fail, "does not parse"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lookup := func(context.Context) (*ACMCertificate, string, error) {
				return &ACMCertificate{ARN: arn, Serial: c.serial}, "", nil
			}
			r := find(t, CheckTLS(context.Background(), e, testNow, lookup), "tls.cert.acm")
			assert.Equal(t, c.status, r.Status)
			assert.Contains(t, r.Evidence, c.evidence)
		})
	}
	t.Run("without account access it is not checked", func(t *testing.T) {
		lookup := func(context.Context) (*ACMCertificate, string, error) {
			return nil, "no AWS credentials in the environment", nil
		}
		r := find(t, CheckTLS(context.Background(), e, testNow, lookup), "tls.cert.acm")
		assert.Equal(t, NotChecked, r.Status)
		assert.Equal(t, "no AWS credentials in the environment", r.Evidence)
	})
}
