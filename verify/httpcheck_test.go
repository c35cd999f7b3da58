package verify

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/example/hardening/tls/policy"
)

const testClientID = "4example0client0id0abcdefg"

// site is a test double of the load balancer in front of an app: the
// listener's response headers, the authenticate-cognito rule on /admin/*,
// invalid headers dropped before an app that echoes what it gets on /echo.
// Each field breaks one behaviour.
type site struct {
	hostedUI       string // the hosted UI's base URL
	noHSTS         bool
	frameOptions   string // replaces DENY
	serverHeader   bool
	noSniffMissing bool
	keepInvalid    bool
	noSignIn       bool
	signInTo       string // replaces the hosted UI's base URL in the redirect
	clientID       string // replaces the app client's ID in the redirect
}

func (s site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if !s.noHSTS {
		h.Set("Strict-Transport-Security", policy.HSTS)
	}
	if !s.noSniffMissing {
		h.Set("X-Content-Type-Options", policy.ContentTypeOptions)
	}
	h.Set("X-Frame-Options", policy.FrameOptions)
	if s.frameOptions != "" {
		h.Set("X-Frame-Options", s.frameOptions)
	}
	if s.serverHeader {
		h.Set("Server", "awselb/2.0")
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/admin/") && !s.noSignIn:
		base, client := s.hostedUI, testClientID
		if s.signInTo != "" {
			base = s.signInTo
		}
		if s.clientID != "" {
			client = s.clientID
		}
		q := url.Values{"client_id": {client}, "redirect_uri": {"https://" + r.Host + "/oauth2/idpresponse"},
			"response_type": {"code"}, "scope": {"openid email"}, "state": {"opaque"}}
		http.Redirect(w, r, base+"/oauth2/authorize?"+q.Encode(), http.StatusFound)
	case r.URL.Path == "/echo":
		for name, v := range r.Header {
			if strings.Contains(name, "_") && !s.keepInvalid {
				continue // the load balancer drops it before the app
			}
			fmt.Fprintf(w, "%s: %s\n", name, strings.Join(v, ","))
		}
	default:
		// Not http.NotFound: it sets X-Content-Type-Options itself.
		w.WriteHeader(http.StatusNotFound)
	}
}

// hostedUI is a test double of Cognito's hosted UI: the authorize
// endpoint redirects to the login page, which answers 200, unless broken.
type hostedUI struct{ broken bool }

func (h hostedUI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case h.broken:
		http.Error(w, "Login pages unavailable", http.StatusBadRequest)
	case r.URL.Path == "/oauth2/authorize":
		http.Redirect(w, r, "/login?"+r.URL.RawQuery, http.StatusFound)
	case r.URL.Path == "/login":
		fmt.Fprint(w, "<html><body>Sign in</body></html>")
	default:
		http.NotFound(w, r)
	}
}

// redirector is a test double of the :80 listener: a 301 to HTTPS on the
// site's port with the same path and query, or what its fields break.
type redirector struct {
	https     *url.URL
	status    int
	dropPath  bool
	dropQuery bool
}

func (rd redirector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u := *rd.https
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	if rd.dropPath {
		u.Path = "/"
	}
	if rd.dropQuery {
		u.RawQuery = ""
	}
	status := http.StatusMovedPermanently
	if rd.status != 0 {
		status = rd.status
	}
	http.Redirect(w, r, u.String(), status)
}

func TestCheckHTTP(t *testing.T) {
	ca := newCA(t, "test root")
	ui := startTLS(t, hostedUI{}, goodTLS(ca.leaf(t, leafOpts{ips: loopback})))
	brokenUI := startTLS(t, hostedUI{broken: true}, goodTLS(ca.leaf(t, leafOpts{ips: loopback})))
	cases := []struct {
		name     string
		site     site
		redirect redirector
		hosted   string
		want     []string
		evidence map[string]string
	}{
		{name: "a site as the stack builds it passes every check"},
		{name: "no HSTS", site: site{noHSTS: true}, want: []string{"http.hsts"},
			evidence: map[string]string{"http.hsts": "Strict-Transport-Security missing"}},
		{name: "no X-Content-Type-Options", site: site{noSniffMissing: true}, want: []string{"http.content-type-options"}},
		{name: "X-Frame-Options other than DENY", site: site{frameOptions: "SAMEORIGIN"}, want: []string{"http.frame-options"},
			evidence: map[string]string{"http.frame-options": `X-Frame-Options: ["SAMEORIGIN"]; want "DENY"`}},
		{name: "a Server header", site: site{serverHeader: true}, want: []string{"http.server-header"},
			evidence: map[string]string{"http.server-header": "Server: awselb/2.0"}},
		{name: "an invalid header reaches the app", site: site{keepInvalid: true}, want: []string{"http.invalid-header"},
			evidence: map[string]string{"http.invalid-header": "X_Verify_Invalid reached the target"}},
		{name: "a 302 on port 80", redirect: redirector{status: http.StatusFound}, want: []string{"http.redirect"},
			evidence: map[string]string{"http.redirect": "port 80 answered 302 Found"}},
		{name: "the redirect drops the path", redirect: redirector{dropPath: true}, want: []string{"http.redirect"}},
		{name: "the redirect drops the query", redirect: redirector{dropQuery: true}, want: []string{"http.redirect"}},
		{name: "the sign-in path is served without signing in", site: site{noSignIn: true}, want: []string{"http.signin[/admin/*]"},
			evidence: map[string]string{"http.signin[/admin/*]": "answered 404 Not Found"}},
		{name: "the sign-in path redirects elsewhere", site: site{signInTo: "https://evil.example.test"}, want: []string{"http.signin[/admin/*]"},
			evidence: map[string]string{"http.signin[/admin/*]": "not the stack's hosted UI"}},
		{name: "the sign-in redirect names another client", site: site{clientID: "another"}, want: []string{"http.signin[/admin/*]"},
			evidence: map[string]string{"http.signin[/admin/*]": `client_id "another"`}},
		{name: "the hosted UI does not answer", hosted: brokenUI.URL, want: []string{"http.hosted-ui"},
			evidence: map[string]string{"http.hosted-ui": "answered 400 Bad Request"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hosted := ui.URL
			if c.hosted != "" {
				hosted = c.hosted
			}
			c.site.hostedUI = hosted
			s := startTLS(t, c.site, goodTLS(ca.leaf(t, leafOpts{names: []string{siteName}, sct: true})))
			c.redirect.https = mustURL(t, s.URL)
			plain := httptest.NewServer(c.redirect)
			t.Cleanup(plain.Close)
			e := Endpoint{
				HTTPS: mustURL(t, s.URL), HTTP: mustURL(t, plain.URL), ServerName: siteName, Roots: ca.pool(),
				SignInPaths: []string{"/admin/*"}, HostedUI: mustURL(t, ui.URL), ClientID: testClientID, EchoPath: "/echo",
			}
			if c.hosted != "" {
				e.HostedUI = mustURL(t, c.hosted)
			}
			rs := CheckHTTP(context.Background(), e)
			assert.Equal(t, c.want, failed(rs), "failed checks; results %v", rs)
			for check, want := range c.evidence {
				assert.Contains(t, find(t, rs, check).Evidence, want)
			}
		})
	}
}

// TestCheckHTTPNotChecked: what cannot be seen is reported as such, never
// as a pass.
func TestCheckHTTPNotChecked(t *testing.T) {
	ca := newCA(t, "test root")
	s := startTLS(t, site{}, goodTLS(ca.leaf(t, leafOpts{names: []string{siteName}})))
	plain := httptest.NewServer(redirector{https: mustURL(t, s.URL)})
	t.Cleanup(plain.Close)
	e := Endpoint{HTTPS: mustURL(t, s.URL), HTTP: mustURL(t, plain.URL), ServerName: siteName, Roots: ca.pool()}
	rs := CheckHTTP(context.Background(), e)
	for check, why := range map[string]string{
		"http.invalid-header": "give -echo-path",
		"http.signin":         "identity.authenticatedPaths is empty",
	} {
		r := find(t, rs, check)
		assert.Equal(t, NotChecked, r.Status, check)
		assert.Contains(t, r.Evidence, why, check)
	}
}

func TestConcretePath(t *testing.T) {
	for pattern, want := range map[string]string{"/admin/*": "/admin/verify", "/a?c/*/x": "/avc/verify/x", "/login": "/login"} {
		assert.Equal(t, want, concretePath(pattern), pattern)
	}
}
