package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

// importedCert is an acm.Certificate imported from the tls.PrivateKey and
// tls.LocallySignedCert named, as a preview presents it.
func importedCert(key, cert string) Resource {
	r := res(restype.ACMCertificate, "cert", map[string]any{"privateKey": Secret{Unknown{}}, "certificateBody": Unknown{}})
	if key != "" {
		r = withRefs(r, "privateKey", key)
	}
	if cert != "" {
		r = withRefs(r, "certificateBody", cert)
	}
	return r
}

func TestACMKeyAlgorithm(t *testing.T) {
	const c = "FSBP ACM.2"
	requested := func(alg any) *Graph {
		in := map[string]any{"domainName": "app.example.com", "validationMethod": "DNS"}
		if alg != nil {
			in["keyAlgorithm"] = alg
		}
		return graphOf(res(restype.ACMCertificate, "cert", in))
	}
	key := func(in map[string]any) Resource { return res(restype.TLSPrivateKey, "key", in) }
	runCases(t, ruleByID(t, "acm-key-algorithm"), []ruleCase{
		{"RSA 1024", c, requested("RSA_1024"), fail},
		{"an imported 1024-bit RSA key", c, graphOf(key(map[string]any{"algorithm": "RSA", "rsaBits": 1024.0}), importedCert("key", "")), fail},
		{"unset is RSA 2048", c, requested(nil), pass},
		{"ECDSA", c, requested("EC_prime256v1"), pass},
		{"an imported RSA key of the default size", c, graphOf(key(map[string]any{"algorithm": "RSA"}), importedCert("key", "")), pass},
		{"an imported ECDSA key", c, graphOf(key(map[string]any{"algorithm": "ECDSA", "ecdsaCurve": "P256"}), importedCert("key", "")), pass},
		{"algorithm computed", c, requested(Unknown{}), unjudged},
		{"an imported key's size computed", c, graphOf(key(map[string]any{"algorithm": "RSA", "rsaBits": Unknown{}}), importedCert("key", "")), unjudged},
		{"an imported key from outside the plan", c, graphOf(importedCert("", "")), unjudged},
	})
}

func TestACMRenewal(t *testing.T) {
	const c = "FSBP ACM.1"
	requested := func(kv ...any) *Graph {
		return graphOf(res(restype.ACMCertificate, "cert", withFields(map[string]any{"domainName": "app.example.com"}, kv...)))
	}
	leaf := func(early, validity any) Resource {
		return res(restype.TLSLocallySignedCert, "leaf", map[string]any{"earlyRenewalHours": early, "validityPeriodHours": validity})
	}
	runCases(t, ruleByID(t, "acm-renewal"), []ruleCase{
		{"e-mail validation", c, requested("validationMethod", "EMAIL"), fail},
		{"imported, renewed a day before expiry", c, graphOf(leaf(24.0, 8760.0), importedCert("", "leaf")), fail},
		{"imported, valid for 20 days", c, graphOf(leaf(720.0, 480.0), importedCert("", "leaf")), fail},
		{"imported from outside the stack", c, graphOf(importedCert("", "")), fail},
		{"DNS validation", c, requested("validationMethod", "DNS"), pass},
		{"a private certificate", c, requested("certificateAuthorityArn", "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca"), pass},
		{"imported, renewed 30 days before expiry", c, graphOf(leaf(720.0, 8760.0), importedCert("", "leaf")), pass},
		{"validation computed", c, requested("validationMethod", Unknown{}), unjudged},
		{"the early renewal computed", c, graphOf(leaf(Unknown{}, 8760.0), importedCert("", "leaf")), unjudged},
	})
}

func TestACMTransparencyLogging(t *testing.T) {
	const c = "CKV_AWS_234"
	pref := func(v any) *Graph {
		return graphOf(res(restype.ACMCertificate, "cert", map[string]any{"domainName": "d", "options": map[string]any{"certificateTransparencyLoggingPreference": v}}))
	}
	runCases(t, ruleByID(t, "acm-transparency-logging"), []ruleCase{
		{"opted out", c, pref("DISABLED"), fail},
		{"enabled", c, pref("ENABLED"), pass},
		{"imported", c, graphOf(importedCert("", "")), pass},
		{"computed", c, pref(Unknown{}), unjudged},
	})
}
