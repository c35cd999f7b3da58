package verify

import (
	"crypto/x509"
	"net"
	"net/url"
	"time"

	"github.com/example/hardening/tls/policy"
)

// Endpoint is what the endpoint checks connect to and what they expect of
// it.
type Endpoint struct {
	// HTTPS is the site's URL, https://host[:port].
	HTTPS *url.URL
	// HTTP is the same site's plain-HTTP URL, http://host[:port].
	HTTP *url.URL
	// ServerName is the name the certificate must carry; it is sent as
	// SNI.
	ServerName string
	// Roots are the trusted CAs: the system's and any added.
	Roots *x509.CertPool
	// PrivateCA is true when the stack's own CA issued the certificate,
	// which no Certificate Transparency log records.
	PrivateCA bool
	// Policy is the HTTPS listener's TLS policy.
	Policy policy.Policy
	// ExpiryDays is the certificate-expiry alarm's threshold: a served
	// certificate must have more days left.
	ExpiryDays int
	// SignInPaths are the path patterns on which the load balancer signs
	// users in (authenticate-cognito).
	SignInPaths []string
	// HostedUI is the Cognito hosted UI those paths redirect to; nil when
	// unknown (no stack outputs).
	HostedUI *url.URL
	// ClientID is the app client the redirect names; "" when unknown.
	ClientID string
	// EchoPath is a path whose response body holds the request's headers,
	// to see whether an invalid header reached the target; "" for none.
	EchoPath string
	// Burst configures the rate-limit burst; nil leaves it out.
	Burst *Burst
	// Timeout bounds each connection and request.
	Timeout time.Duration
}

// timeout is the per-connection timeout, 15 s when none is set.
func (e Endpoint) timeout() time.Duration {
	if e.Timeout <= 0 {
		return 15 * time.Second
	}
	return e.Timeout
}

// hostPort is the HTTPS URL's address with its port (443 by default).
func (e Endpoint) hostPort() string {
	port := e.HTTPS.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(e.HTTPS.Hostname(), port)
}

// url returns the HTTPS URL of path.
func (e Endpoint) url(path string) string {
	u := *e.HTTPS
	u.Path = path
	u.RawQuery = ""
	return u.String()
}
