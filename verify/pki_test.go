package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testNow is the time the tests judge certificates, deliveries and
// rotations at; the recorded AWS responses are written relative to it.
var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  []byte
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: testNow.Add(-24 * time.Hour), NotAfter: testNow.Add(5 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// leafOpts describe a server certificate.
type leafOpts struct {
	names    []string
	ips      []net.IP
	notAfter time.Time
	serial   *big.Int
	// sct embeds a signed certificate timestamp list extension. Its bytes
	// are not a real log's: the check requires the extension, it does not
	// verify log signatures.
	sct bool
}

// testSerial is the serial of the test's certificate, which the recorded
// ACM DescribeCertificate response names too.
var testSerial, _ = new(big.Int).SetString("0a1b2c3d4e5f60718293a4b5c6d7e8f9", 16)

func (ca *testCA) leaf(t *testing.T, o leafOpts) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	if o.serial == nil {
		o.serial = testSerial
	}
	if o.notAfter.IsZero() {
		o.notAfter = testNow.Add(90 * 24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: o.serial, Subject: pkix.Name{CommonName: firstOr(o.names, "ip")},
		DNSNames: o.names, IPAddresses: o.ips,
		NotBefore: testNow.Add(-time.Hour), NotAfter: o.notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		OCSPServer: []string{"http://ocsp.example.test"},
	}
	if o.sct {
		list, err := asn1.Marshal([]byte{0x00, 0x02, 0x00, 0x00}) // an OCTET STRING holding an (empty) SCT list
		require.NoError(t, err)
		tmpl.ExtraExtensions = []pkix.Extension{{Id: sctOID, Value: list}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func firstOr(s []string, def string) string {
	if len(s) > 0 {
		return s[0]
	}
	return def
}

// loopback is the address the test servers listen on, for certificates
// verified without a name (the hosted UI double).
var loopback = []net.IP{net.IPv4(127, 0, 0, 1)}
