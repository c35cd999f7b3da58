package verify

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/example/hardening/tls/policy"
)

// invalidHeader is a request header the load balancer must drop: Elastic
// Load Balancing takes only letters, digits and hyphens in header names
// (Application Load Balancer user guide, load balancer attributes,
// routing.http.drop_invalid_header_fields.enabled), and an underscore is
// the classic smuggling vector (Nginx and others map it onto a hyphen).
const invalidHeader = "X_Verify_Invalid"

// maxBody bounds what is read of any response body.
const maxBody = 1 << 20

// siteClient is the HTTP client of the site: its own name as SNI and
// verified against the endpoint's roots, no redirects followed.
func siteClient(e Endpoint) *http.Client {
	return &http.Client{
		Timeout: e.timeout(),
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{ServerName: e.ServerName, RootCAs: e.Roots, MinVersion: tls.VersionTLS12},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// hostedUIClient follows redirects within the hosted UI's host, verified
// against the endpoint's roots under the host's own name.
func hostedUIClient(e Endpoint, host string) *http.Client {
	return &http.Client{
		Timeout:   e.timeout(),
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.Roots, MinVersion: tls.VersionTLS12}},
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return fmt.Errorf("more than 5 redirects")
			}
			if r.URL.Host != host {
				return fmt.Errorf("redirected off the hosted UI to %s", r.URL.Redacted())
			}
			return nil
		},
	}
}

// get sends a GET and returns the response with at most maxBody of its
// body read.
func get(ctx context.Context, c *http.Client, u string, header http.Header) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v // as given: an invalid name must reach the wire unchanged
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return resp, body, err
}

// CheckHTTP checks the site's HTTP behaviour: port 80 redirects to HTTPS
// with the same path, responses carry the security headers and no server
// header, an invalid header is dropped, and the sign-in paths redirect to
// the hosted UI, which answers.
func CheckHTTP(ctx context.Context, e Endpoint) []Result {
	c := siteClient(e)
	out := []Result{checkRedirect(ctx, e)}
	out = append(out, checkHeaders(ctx, e, c)...)
	out = append(out, checkInvalidHeader(ctx, e, c))
	out = append(out, checkSignIn(ctx, e, c)...)
	return out
}

// redirectProbe is the path and query the port-80 check asks for; both
// must come back in the redirect.
const redirectProbe = "/verify/redirect-probe?from=cmd-verify"

func checkRedirect(ctx context.Context, e Endpoint) Result {
	const check = "http.redirect"
	c := &http.Client{Timeout: e.timeout(), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _, err := get(ctx, c, e.HTTP.String()+redirectProbe, nil)
	if err != nil {
		return fail(check, "GET %s%s: %v", e.HTTP, redirectProbe, err)
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusMovedPermanently {
		return fail(check, "port 80 answered %s (Location %q); want 301 to https", resp.Status, loc)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return fail(check, "301 to %q, which does not parse: %v", loc, err)
	}
	want, _ := url.Parse(e.HTTPS.String() + redirectProbe)
	if u.Scheme != "https" || u.Hostname() != want.Hostname() || defaultPort(u) != defaultPort(want) || u.Path != want.Path || u.RawQuery != want.RawQuery {
		return fail(check, "301 to %s; want %s (same host, path and query over https)", loc, want)
	}
	return pass(check, "301 to %s", loc)
}

// defaultPort is u's port, 443 for https without one; the load balancer's
// redirect names :443 explicitly.
func defaultPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

func checkHeaders(ctx context.Context, e Endpoint, c *http.Client) []Result {
	resp, _, err := get(ctx, c, e.url("/"), nil)
	if err != nil {
		return []Result{fail("http.headers", "GET %s: %v", e.url("/"), err)}
	}
	var out []Result
	for _, h := range []struct{ check, name, want string }{
		{"http.hsts", "Strict-Transport-Security", policy.HSTS},
		{"http.content-type-options", "X-Content-Type-Options", policy.ContentTypeOptions},
		{"http.frame-options", "X-Frame-Options", policy.FrameOptions},
	} {
		switch got := resp.Header.Values(h.name); {
		case len(got) == 0:
			out = append(out, fail(h.check, "%s missing from the response to GET / (%s)", h.name, resp.Status))
		case len(got) > 1 || got[0] != h.want:
			out = append(out, fail(h.check, "%s: %q; want %q", h.name, got, h.want))
		default:
			out = append(out, pass(h.check, "%s: %s", h.name, got[0]))
		}
	}
	if s := resp.Header.Values("Server"); len(s) > 0 {
		out = append(out, fail("http.server-header", "Server: %s; the listener should not name its software", strings.Join(s, ", ")))
	} else {
		out = append(out, pass("http.server-header", "no Server header"))
	}
	return out
}

func checkInvalidHeader(ctx context.Context, e Endpoint, c *http.Client) Result {
	const check = "http.invalid-header"
	if e.EchoPath == "" {
		return notChecked(check, "only a target that echoes its request headers shows what the load balancer forwarded; give -echo-path")
	}
	const value = "cmd-verify-must-be-dropped"
	resp, body, err := get(ctx, c, e.url(e.EchoPath), http.Header{invalidHeader: {value}})
	switch {
	case err != nil:
		return fail(check, "GET %s: %v", e.url(e.EchoPath), err)
	case resp.StatusCode != http.StatusOK:
		return fail(check, "GET %s answered %s; the echo path must answer 200 with the request's headers", e.EchoPath, resp.Status)
	case strings.Contains(strings.ToLower(string(body)), strings.ToLower(invalidHeader)) || strings.Contains(string(body), value):
		return fail(check, "%s reached the target (echoed by %s): invalid header fields are not dropped", invalidHeader, e.EchoPath)
	}
	return pass(check, "%s sent and not echoed by %s: dropped before the target", invalidHeader, e.EchoPath)
}

// concretePath turns a listener rule's path pattern into a path it
// matches: "*" matches any characters, "?" exactly one (Application Load
// Balancer user guide, "Path conditions").
func concretePath(pattern string) string {
	return strings.ReplaceAll(strings.ReplaceAll(pattern, "*", "verify"), "?", "v")
}

func checkSignIn(ctx context.Context, e Endpoint, c *http.Client) []Result {
	if len(e.SignInPaths) == 0 {
		return []Result{notChecked("http.signin", "identity.authenticatedPaths is empty: no path signs users in")}
	}
	var out []Result
	var first *url.URL
	for _, pattern := range e.SignInPaths {
		check := "http.signin[" + pattern + "]"
		path := concretePath(pattern)
		resp, _, err := get(ctx, c, e.url(path), nil)
		if err != nil {
			out = append(out, fail(check, "GET %s: %v", path, err))
			continue
		}
		loc, err := resp.Location()
		if resp.StatusCode != http.StatusFound || err != nil {
			out = append(out, fail(check, "GET %s answered %s (Location %q); want 302 to the hosted UI", path, resp.Status, resp.Header.Get("Location")))
			continue
		}
		if problem := authorizeProblem(e, loc); problem != "" {
			out = append(out, fail(check, "GET %s redirected to %s: %s", path, loc.Redacted(), problem))
			continue
		}
		out = append(out, pass(check, "GET %s: 302 to %s://%s%s", path, loc.Scheme, loc.Host, loc.Path))
		if first == nil {
			first = loc
		}
	}
	if first == nil {
		return append(out, notChecked("http.hosted-ui", "no sign-in path redirected to the hosted UI"))
	}
	resp, _, err := get(ctx, hostedUIClient(e, first.Host), first.String(), nil)
	switch {
	case err != nil:
		out = append(out, fail("http.hosted-ui", "GET %s://%s%s: %v", first.Scheme, first.Host, first.Path, err))
	case resp.StatusCode != http.StatusOK:
		out = append(out, fail("http.hosted-ui", "the hosted UI answered %s at %s", resp.Status, resp.Request.URL.Path))
	default:
		out = append(out, pass("http.hosted-ui", "%s answered 200 at %s", first.Host, resp.Request.URL.Path))
	}
	return out
}

// authorizeProblem says what is wrong with a sign-in redirect, "" if
// nothing: it must be Cognito's authorization endpoint over HTTPS, at the
// stack's hosted UI and for its app client where those are known, asking
// for a code sent back to the load balancer (Cognito developer guide,
// "Authorize endpoint"; Application Load Balancer user guide,
// "Authenticate users using an Application Load Balancer").
func authorizeProblem(e Endpoint, loc *url.URL) string {
	q := loc.Query()
	redirect, _ := url.Parse(q.Get("redirect_uri"))
	switch {
	case loc.Scheme != "https":
		return "not HTTPS"
	case e.HostedUI != nil && loc.Host != e.HostedUI.Host:
		return fmt.Sprintf("not the stack's hosted UI %s", e.HostedUI.Host)
	case e.HostedUI == nil && !strings.HasSuffix(loc.Hostname(), ".amazoncognito.com"):
		return "not a Cognito domain (the stack's is unknown without its outputs)"
	case loc.Path != "/oauth2/authorize":
		return "not the authorization endpoint /oauth2/authorize"
	case q.Get("response_type") != "code":
		return fmt.Sprintf("response_type %q, want code", q.Get("response_type"))
	case e.ClientID != "" && q.Get("client_id") != e.ClientID:
		return fmt.Sprintf("client_id %q, want the stack's %s", q.Get("client_id"), e.ClientID)
	case redirect == nil || redirect.Scheme != "https" || redirect.Path != "/oauth2/idpresponse":
		return fmt.Sprintf("redirect_uri %q, want https://<the site>/oauth2/idpresponse", q.Get("redirect_uri"))
	}
	return ""
}
