package verify

import (
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"
)

// ACMCertificate is what ACM says of the stack's certificate.
type ACMCertificate struct {
	// ARN is the certificate's ARN (the certificateArn output).
	ARN string
	// Serial is its serial number as ACM prints it: hex bytes with colons.
	Serial string
}

// ACMLookup returns the stack's certificate as ACM describes it, or why it
// cannot be read (no credentials, no output), as a not-checked reason.
type ACMLookup func(ctx context.Context) (cert *ACMCertificate, notChecked string, err error)

// versions are the protocol versions probed one at a time.
var versions = []struct {
	name string
	id   uint16
}{
	{"1.0", tls.VersionTLS10}, {"1.1", tls.VersionTLS11}, {"1.2", tls.VersionTLS12}, {"1.3", tls.VersionTLS13},
}

// sctOID is the X.509 extension that embeds signed certificate timestamps
// (RFC 6962 section 3.3).
var sctOID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}

// CheckTLS checks TLS as served: each protocol version alone, the TLS 1.2
// suites one by one against the policy's, the TLS 1.3 suite and key
// exchange, and the certificate (chain, name, expiry, the stack's ACM
// certificate, transparency). now is the time certificates are judged at.
func CheckTLS(ctx context.Context, e Endpoint, now time.Time, acm ACMLookup) []Result {
	// One handshake with the client's defaults first: without it nothing
	// else means anything.
	st, err := handshake(ctx, e, &tls.Config{})
	if err != nil {
		return []Result{fail("tls.handshake", "no TLS handshake with %s (name %s): %v", e.hostPort(), e.ServerName, err)}
	}
	out := []Result{pass("tls.handshake", "%s at %s, %s", tls.VersionName(st.Version), e.hostPort(), tls.CipherSuiteName(st.CipherSuite))}
	out = append(out, checkVersions(ctx, e)...)
	out = append(out, checkSuites12(ctx, e, st.PeerCertificates[0])...)
	out = append(out, checkTLS13(ctx, e)...)
	out = append(out, checkCertificate(ctx, e, st, now, acm)...)
	return out
}

// handshake connects and completes a handshake with cfg, whose
// verification is left to checkCertificate so that a bad certificate is
// reported as such, with the rest still checked.
func handshake(ctx context.Context, e Endpoint, cfg *tls.Config) (tls.ConnectionState, error) {
	cfg.ServerName = e.ServerName
	cfg.InsecureSkipVerify = true // the chain and name are verified by checkCertificate, against the same roots
	ctx, cancel := context.WithTimeout(ctx, e.timeout())
	defer cancel()
	d := tls.Dialer{NetDialer: &net.Dialer{}, Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", e.hostPort())
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer func() { _ = conn.Close() }() // the handshake is all that is needed
	return conn.(*tls.Conn).ConnectionState(), nil
}

// refused reports whether a failed handshake was the server's refusal (an
// alert, or the connection closed on the client hello) rather than a
// failure to reach it.
func refused(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "remote error" {
		return true
	}
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

// checkVersions offers each protocol version alone: TLS 1.0 and 1.1 must be
// refused, 1.2 accepted exactly when the policy's minimum is 1.2, and 1.3
// accepted.
func checkVersions(ctx context.Context, e Endpoint) []Result {
	var out []Result
	for _, v := range versions {
		check := "tls.version." + v.name
		want := v.name == "1.3" || v.name == "1.2" && e.Policy.MinTLS == "1.2"
		// TLS 1.0 and 1.1 are offered on purpose: the check is that the
		// server refuses them (gosec G402 excluded for this file).
		_, err := handshake(ctx, e, &tls.Config{MinVersion: v.id, MaxVersion: v.id})
		switch {
		case err == nil && want:
			out = append(out, pass(check, "TLS %s accepted, as %s allows", v.name, e.Policy.Name))
		case err == nil:
			out = append(out, fail(check, "TLS %s accepted; %s allows TLS %s and later only", v.name, e.Policy.Name, e.Policy.MinTLS))
		case !refused(err):
			out = append(out, fail(check, "TLS %s: no answer to judge: %v", v.name, err))
		case want:
			out = append(out, fail(check, "TLS %s refused (%v); %s allows it", v.name, err, e.Policy.Name))
		default:
			out = append(out, pass(check, "TLS %s refused (%v)", v.name, err))
		}
	}
	return out
}

// checkSuites12 offers each TLS 1.2 suite Go has alone and compares the
// accepted set with the policy's, among the suites the served key can
// negotiate. Policy suites Go cannot offer, or the key cannot use, are
// reported as not checked.
func checkSuites12(ctx context.Context, e Endpoint, leaf *x509.Certificate) []Result {
	if e.Policy.MinTLS != "1.2" {
		return nil // checkVersions already requires TLS 1.2 refused
	}
	_, keyECDSA := leaf.PublicKey.(*ecdsa.PublicKey)
	keyType := map[bool]string{true: "ECDSA", false: "RSA"}[keyECDSA]
	suites := tls12Suites()
	var accepted, unexpected, missing, unprobed []string
	for _, s := range suites {
		_, err := handshake(ctx, e, &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{s.id}})
		inPolicy := slices.Contains(e.Policy.TLS12, s.openSSL)
		switch {
		case err == nil:
			accepted = append(accepted, s.openSSL)
			if !inPolicy {
				unexpected = append(unexpected, s.openSSL)
			}
		case !refused(err):
			return []Result{fail("tls.suites.1.2", "offering %s alone: no answer to judge: %v", s.openSSL, err)}
		case inPolicy && s.ecdsa == keyECDSA:
			missing = append(missing, s.openSSL)
		}
	}
	for _, name := range e.Policy.TLS12 {
		iana, known := openSSLNames[name]
		switch {
		case !known || !slices.ContainsFunc(suites, func(s suite) bool { return s.name == iana }):
			unprobed = append(unprobed, name+" (Go's crypto/tls cannot offer it)")
		case strings.Contains(iana, "_ECDSA_") != keyECDSA && !slices.Contains(accepted, name):
			unprobed = append(unprobed, fmt.Sprintf("%s (the served key is %s)", name, keyType))
		}
	}
	var out []Result
	switch {
	case len(unexpected) > 0 || len(missing) > 0:
		out = append(out, fail("tls.suites.1.2", "accepted outside %s: %v; refused though in it: %v (accepted: %v)", e.Policy.Name, orNone(unexpected), orNone(missing), orNone(accepted)))
	default:
		out = append(out, pass("tls.suites.1.2", "accepted %v, the suites of %s a %s key negotiates; %d suites offered one at a time", accepted, e.Policy.Name, keyType, len(suites)))
	}
	if len(unprobed) > 0 {
		out = append(out, notChecked("tls.suites.1.2.unprobed", "%s", strings.Join(unprobed, "; ")))
	}
	return out
}

// checkTLS13 judges the suite and key exchange a TLS 1.3 handshake
// negotiates. Go's client offers every TLS 1.3 suite it has and no way to
// offer one alone, so the policy's other suites are not probed.
func checkTLS13(ctx context.Context, e Endpoint) []Result {
	st, err := handshake(ctx, e, &tls.Config{MinVersion: tls.VersionTLS13})
	if err != nil {
		return nil // checkVersions reports TLS 1.3 refused
	}
	name := tls.CipherSuiteName(st.CipherSuite)
	var out []Result
	if slices.Contains(e.Policy.TLS13, name) {
		out = append(out, pass("tls.suites.1.3", "negotiated %s, one of %s's %v; crypto/tls offers its TLS 1.3 suites together, so the others are not probed one by one", name, e.Policy.Name, e.Policy.TLS13))
	} else {
		out = append(out, fail("tls.suites.1.3", "negotiated %s, not one of %s's %v", name, e.Policy.Name, e.Policy.TLS13))
	}
	if e.Policy.PostQuantum {
		// Go's client offers X25519MLKEM768 first by default; a PQ policy
		// supports it (the policy page's "hybrid post-quantum" note).
		if st.CurveID == tls.X25519MLKEM768 {
			out = append(out, pass("tls.key-exchange", "negotiated %v, the hybrid post-quantum group %s offers", st.CurveID, e.Policy.Name))
		} else {
			out = append(out, fail("tls.key-exchange", "negotiated %v though X25519MLKEM768 was offered; %s offers hybrid post-quantum key exchange", st.CurveID, e.Policy.Name))
		}
	}
	return out
}

// checkCertificate judges the served chain against the trusted roots, the
// name, the expiry alarm's threshold, ACM's record of the stack's
// certificate, and Certificate Transparency.
func checkCertificate(ctx context.Context, e Endpoint, st tls.ConnectionState, now time.Time, acm ACMLookup) []Result {
	leaf := st.PeerCertificates[0]
	intermediates := x509.NewCertPool()
	for _, c := range st.PeerCertificates[1:] {
		intermediates.AddCert(c)
	}
	var out []Result
	_, err := leaf.Verify(x509.VerifyOptions{Roots: e.Roots, Intermediates: intermediates, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err != nil {
		out = append(out, fail("tls.cert.chain", "%s issued by %s does not chain to a trusted root: %v", leaf.Subject, leaf.Issuer, err))
	} else {
		out = append(out, pass("tls.cert.chain", "%s chains to a trusted root through %s", leaf.Subject, leaf.Issuer))
	}
	if err := leaf.VerifyHostname(e.ServerName); err != nil {
		out = append(out, fail("tls.cert.name", "%v", err))
	} else {
		out = append(out, pass("tls.cert.name", "names %s (%v)", e.ServerName, leaf.DNSNames))
	}
	left := leaf.NotAfter.Sub(now)
	if threshold := time.Duration(e.ExpiryDays) * 24 * time.Hour; left <= threshold {
		out = append(out, fail("tls.cert.expiry", "expires %s, %.1f days from now, within the alarm's %d days", leaf.NotAfter.Format(time.RFC3339), left.Hours()/24, e.ExpiryDays))
	} else {
		out = append(out, pass("tls.cert.expiry", "expires %s, %.0f days from now, after the alarm's %d days", leaf.NotAfter.Format(time.RFC3339), left.Hours()/24, e.ExpiryDays))
	}
	out = append(out, checkACM(ctx, leaf, acm))
	out = append(out, checkTransparency(e, st, leaf))
	return out
}

// checkACM compares the served certificate's serial with ACM's.
func checkACM(ctx context.Context, leaf *x509.Certificate, acm ACMLookup) Result {
	const check = "tls.cert.acm"
	if acm == nil {
		return notChecked(check, "no account access to compare with ACM")
	}
	cert, why, err := acm(ctx)
	switch {
	case err != nil:
		return fail(check, "ACM DescribeCertificate: %v", err)
	case cert == nil:
		return notChecked(check, "%s", why)
	}
	serial, ok := parseSerial(cert.Serial)
	switch {
	case !ok:
		return fail(check, "ACM's serial %q of %s does not parse", cert.Serial, cert.ARN)
	case serial.Cmp(leaf.SerialNumber) != 0:
		return fail(check, "served serial %x, but %s has serial %s: the listener serves another certificate", leaf.SerialNumber, cert.ARN, cert.Serial)
	}
	return pass(check, "served serial %s is %s's", cert.Serial, cert.ARN)
}

// parseSerial reads ACM's serial format, hex bytes with colons
// ("0a:1b:..."; ACM API reference, CertificateDetail.Serial).
func parseSerial(s string) (*big.Int, bool) {
	n, ok := new(big.Int).SetString(strings.ReplaceAll(s, ":", ""), 16)
	return n, ok && s != ""
}

// checkTransparency requires signed certificate timestamps, embedded or in
// the handshake, for a public certificate: ACM logs the certificates it
// issues to CT logs unless told not to (ACM user guide, "Certificate
// Transparency logging").
func checkTransparency(e Endpoint, st tls.ConnectionState, leaf *x509.Certificate) Result {
	const check = "tls.cert.transparency"
	if e.PrivateCA {
		return notChecked(check, "the stack's private CA issued the certificate; no CT log records it")
	}
	embedded := slices.ContainsFunc(leaf.Extensions, func(x pkix.Extension) bool { return x.Id.Equal(sctOID) })
	ocsp := "no OCSP responder named"
	if len(leaf.OCSPServer) > 0 {
		ocsp = "OCSP " + strings.Join(leaf.OCSPServer, ", ")
	}
	switch {
	case embedded:
		return pass(check, "signed certificate timestamps embedded in the certificate; %s", ocsp)
	case len(st.SignedCertificateTimestamps) > 0:
		return pass(check, "%d signed certificate timestamps in the handshake; %s", len(st.SignedCertificateTimestamps), ocsp)
	}
	return fail(check, "no signed certificate timestamp, embedded or in the handshake: browsers that require CT refuse it; %s", ocsp)
}

func orNone(s []string) any {
	if len(s) == 0 {
		return "none"
	}
	return s
}
