package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
)

// acmRules judge ACM certificates.
func acmRules() []Rule { return []Rule{acmTransparencyLogging, acmKeyAlgorithm, acmRenewal} }

// tlsCerts are the pulumi-tls certificates an imported ACM certificate is
// made from, the leaf (signed by a CA) before a self-signed one.
var tlsCerts = []string{restype.TLSLocallySignedCert, restype.TLSSelfSignedCert}

// acmDaysToExpiration is ACM.1's daysToExpiration parameter at its
// Security Hub default (30; the Config rule's own default is 14).
const acmDaysToExpiration = 30

// acmImported reports whether an ACM certificate is imported (its private key
// is given) rather than issued by ACM.
func acmImported(r Resource) bool {
	_, ok := r.Inputs["privateKey"]
	return ok
}

// inputSources returns the resources of types an input of r came from: by
// property dependency, else (an older preview) by r's dependencies.
func inputSources(g *Graph, r Resource, input string, types ...string) []Resource {
	deps, ok := r.PropertyDependencies[input]
	if !ok {
		deps = r.Dependencies
	}
	var out []Resource
	for _, t := range types {
		for _, c := range g.ByType(t) {
			if slices.Contains(deps, c.URN) {
				out = append(out, c)
			}
		}
	}
	return out
}

// acmTransparencyLogging follows Checkov CKV_AWS_234 ("Verify logging
// preference for ACM certificates"): a requested certificate does not opt
// out of Certificate Transparency logging.
var acmTransparencyLogging = Rule{ID: "acm-transparency-logging", Controls: []string{"CKV_AWS_234"}, Severity: Medium,
	Source:      "Checkov CKV_AWS_234",
	Description: "ACM certificates that ACM issues are logged to Certificate Transparency (the default), so a certificate issued for the domain cannot go unnoticed; imported certificates are not ACM's to log. Not judged while the preference is computed at deployment.",
	Check: forEach(restype.ACMCertificate, func(r Resource) string {
		if acmImported(r) {
			return ""
		}
		if r.Str("options.certificateTransparencyLoggingPreference") == "DISABLED" {
			return "opts out of Certificate Transparency logging; set options.certificateTransparencyLoggingPreference ENABLED"
		}
		return ""
	})}

// acmKeyAlgorithm follows Security Hub ACM.2 ("RSA certificates managed by
// ACM should use a key length of at least 2,048 bits", Config rule
// acm-certificate-rsa-check): requested and imported RSA certificates.
// keyAlgorithm unset is RSA_2048; an imported certificate's key is the
// tls.PrivateKey its privateKey comes from (rsaBits unset is 2048).
var acmKeyAlgorithm = Rule{ID: "acm-key-algorithm", Controls: []string{"FSBP ACM.2"}, Severity: Medium,
	Source:      "Security Hub ACM.2; AWS Config acm-certificate-rsa-check",
	Description: "ACM certificates, requested or imported, use RSA of 2048 bits or more, or ECDSA; an imported certificate is judged by the tls.PrivateKey its privateKey comes from. Not judged while the algorithm or key size is computed at deployment, or for an imported key from outside the plan.",
	Check: func(g *Graph) []Violation {
		return forEach(restype.ACMCertificate, func(r Resource) string {
			if acmImported(r) {
				keys := inputSources(g, r, "privateKey", restype.TLSPrivateKey)
				if len(keys) == 0 {
					r.sawUnknown() // the key's size is not in the plan
				}
				for _, k := range keys {
					if k.Unknown("algorithm") || k.Unknown("rsaBits") {
						r.sawUnknown()
					}
					if bits, set := k.Num("rsaBits"); k.Str("algorithm") == "RSA" && set && bits < 2048 {
						return fmt.Sprintf("imports a %d-bit RSA key (%s); use 2048 bits or more, or ECDSA P256", int(bits), k.Name)
					}
				}
				return ""
			}
			switch a := r.Str("keyAlgorithm"); {
			case a == "" || a == "RSA_2048" || a == "RSA_3072" || a == "RSA_4096" || strings.HasPrefix(a, "EC_"):
				return ""
			default:
				return fmt.Sprintf("uses key algorithm %s; request EC_prime256v1 or RSA_2048 and above", a)
			}
		})(g)
	}}

// acmRenewal follows Security Hub ACM.1 ("Imported and ACM-issued
// certificates should be renewed after a specified time period", Config
// rule acm-certificate-expiration-check, daysToExpiration 30 in Security
// Hub): it fails a certificate within 30 days of expiry. What a plan
// decides is whether anything renews it in time: ACM renews a
// DNS-validated certificate whose record stays, and a private one
// (certificateAuthorityArn); an imported one is renewed only by a
// `pulumi up` after its pulumi-tls certificate's early-renewal point, so
// that point must be 30 days or more before expiry, and a certificate
// valid for 30 days or less is always within them.
var acmRenewal = Rule{ID: "acm-renewal", Controls: []string{"FSBP ACM.1"}, Severity: Medium,
	Source:      "Security Hub ACM.1 (daysToExpiration 30); AWS Config acm-certificate-expiration-check",
	Description: "Certificates renew before their last 30 days: ACM-issued ones are DNS-validated or private (ACM renews them unattended); imported ones come from a pulumi-tls certificate valid for more than 30 days whose earlyRenewalHours is 720 or more, so any `pulumi up` in the last 30 days replaces them. Whether an up runs in time is the runtime's. Not judged while those are computed at deployment.",
	Check: func(g *Graph) []Violation {
		hours := float64(acmDaysToExpiration * 24)
		return forEach(restype.ACMCertificate, func(r Resource) string {
			if !acmImported(r) {
				if r.Str("certificateAuthorityArn") != "" {
					return ""
				}
				switch m := r.Str("validationMethod"); {
				case m == "":
					return "names no validation method, so ACM cannot renew it unattended; use DNS validation"
				case m != "DNS":
					return fmt.Sprintf("is validated by %s, which ACM cannot renew unattended; use DNS validation", m)
				}
				return ""
			}
			certs := inputSources(g, r, "certificateBody", tlsCerts...)
			if len(certs) == 0 {
				return "is imported from outside the stack: nothing renews it; request it from ACM with DNS validation or make it with pulumi-tls"
			}
			c := certs[0]
			if c.Unknown("earlyRenewalHours") || c.Unknown("validityPeriodHours") {
				r.sawUnknown()
			}
			if v, set := c.Num("validityPeriodHours"); set && v <= hours {
				return fmt.Sprintf("is imported from %s, valid for only %d hours: always within ACM.1's last %d days; make it valid longer", c.Name, int(v), acmDaysToExpiration)
			}
			if h, _ := c.Num("earlyRenewalHours"); h < hours {
				return fmt.Sprintf("is imported from %s, which renews only %d hours before expiry; set earlyRenewalHours %d or more", c.Name, int(h), int(hours))
			}
			return ""
		})(g)
	}}
