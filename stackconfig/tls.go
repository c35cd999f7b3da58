package stackconfig

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/example/hardening/tls/policy"
)

// TLS configures certificates and the load balancer (key "tls").
type TLS struct {
	// Domain is the public name the load balancer serves. Empty means no
	// public domain: the server certificate comes from the private CA.
	Domain string `json:"domain"`
	// AlternativeNames are more names on the certificate.
	AlternativeNames []string `json:"alternativeNames"`
	// HostedZoneID is the Route53 zone that holds Domain's validation records.
	HostedZoneID string `json:"hostedZoneId"`
	// KeyAlgorithm is the ACM key: EC_prime256v1 (default), EC_secp384r1 or
	// RSA_2048 (FSBP ACM.2).
	KeyAlgorithm string `json:"keyAlgorithm"`
	// SSLPolicy names the HTTPS listener's policy from the catalogue in
	// tls/policy. Default ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09.
	SSLPolicy string `json:"sslPolicy"`
	// DeletionProtection protects the load balancer (FSBP ELB.6). Default true.
	DeletionProtection bool `json:"deletionProtection"`
	// LogExpirationDays is how long access and connection logs are kept.
	// Default 365.
	LogExpirationDays int `json:"logExpirationDays"`
	// TargetPort is the app port the target group forwards to. Default the
	// network's appPort.
	TargetPort int `json:"targetPort"`
	// HealthCheckPath is the HTTPS health-check path. Default /healthz.
	HealthCheckPath string `json:"healthCheckPath"`
	// PrivateCA configures the pulumi-tls private CA.
	PrivateCA PrivateCA `json:"privateCa"`
	// MutualTLS configures client-certificate verification.
	MutualTLS MutualTLS `json:"mutualTls"`
}

// PrivateCA configures the private CA made with pulumi-tls, for stacks
// without a public domain and for mutual TLS.
type PrivateCA struct {
	// Enabled creates the CA.
	Enabled bool `json:"enabled"`
	// KeyAlgorithm is ECDSA_P256 (default) or RSA_3072.
	KeyAlgorithm policy.CAKey `json:"keyAlgorithm"`
	// CAValidityHours is the CA certificate's lifetime. Default 5 years.
	CAValidityHours int `json:"caValidityHours"`
	// CertValidityHours is an issued certificate's lifetime. Default 90 days.
	CertValidityHours int `json:"certValidityHours"`
	// EarlyRenewalHours is the window before expiry in which any
	// `pulumi up` replaces a certificate. Default 30 days.
	EarlyRenewalHours int `json:"earlyRenewalHours"`
	// ServerName is the server certificate's name when there is no Domain.
	ServerName string `json:"serverName"`
}

// MutualTLS configures the HTTPS listener's client-certificate check.
type MutualTLS struct {
	// Enabled turns on mutual TLS in verify mode. Default false.
	Enabled bool `json:"enabled"`
	// CABundlePEM is a CA bundle to trust instead of the private CA.
	CABundlePEM string `json:"caBundlePem"`
	// ClientName is the service the example client certificate is issued to.
	ClientName string `json:"clientName"`
}

// DefaultTLS returns the TLS defaults.
func DefaultTLS() TLS {
	return TLS{
		KeyAlgorithm:       "EC_prime256v1",
		SSLPolicy:          policy.Default,
		DeletionProtection: true,
		LogExpirationDays:  365,
		HealthCheckPath:    "/healthz",
		PrivateCA: PrivateCA{
			KeyAlgorithm:      policy.CAKeyECDSAP256,
			CAValidityHours:   5 * 365 * 24,
			CertValidityHours: 90 * 24,
			EarlyRenewalHours: 30 * 24,
			ServerName:        "app.internal",
		},
		MutualTLS: MutualTLS{ClientName: "service"},
	}
}

var (
	dnsNameRE     = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	hostedZoneRE  = regexp.MustCompile(`^Z[A-Z0-9]{1,32}$`)
	acmAlgorithms = []string{"EC_prime256v1", "EC_secp384r1", "RSA_2048"}
)

func (c TLS) validate(key string) []error {
	var errs []error
	// The rules the tls component checks too live in tls/policy.
	errs = append(errs, problemsAt(key, c.Settings().Check())...)
	switch {
	case c.Domain != "" && !dnsNameRE.MatchString(c.Domain):
		errs = append(errs, fieldErr(key+".domain", "%q is not a lower-case DNS name", c.Domain))
	case len(c.Domain) > 64:
		// The certificate's first name is its subject's common name, at most
		// 64 characters (ACM user guide, "Domain names"; RFC 5280).
		errs = append(errs, fieldErr(key+".domain", "%q is %d characters; ACM refuses a first domain name over 64 (put long names in alternativeNames)", c.Domain, len(c.Domain)))
	}
	if c.HostedZoneID != "" && !hostedZoneRE.MatchString(c.HostedZoneID) {
		errs = append(errs, fieldErr(key+".hostedZoneId", "%q is not a Route53 hosted zone id (Z followed by letters and digits)", c.HostedZoneID))
	}
	if len(c.AlternativeNames) > 0 && c.Domain == "" {
		errs = append(errs, fieldErr(key+".alternativeNames", "needs %s.domain", key))
	}
	for i, n := range c.AlternativeNames {
		if !dnsNameRE.MatchString(n) {
			errs = append(errs, fieldErr(fmt.Sprintf("%s.alternativeNames[%d]", key, i), "%q is not a lower-case DNS name", n))
		}
	}
	if !slices.Contains(acmAlgorithms, c.KeyAlgorithm) {
		errs = append(errs, fieldErr(key+".keyAlgorithm", "%q is not allowed; use one of %v (ACM.2: RSA at least 2048 or ECDSA)", c.KeyAlgorithm, acmAlgorithms))
	}
	if c.LogExpirationDays < 1 {
		errs = append(errs, fieldErr(key+".logExpirationDays", "%d is not a number of days; use 1 or more", c.LogExpirationDays))
	}
	if c.TargetPort != 0 {
		errs = append(errs, validatePort(key+".targetPort", c.TargetPort)...)
	}
	if !strings.HasPrefix(c.HealthCheckPath, "/") {
		errs = append(errs, fieldErr(key+".healthCheckPath", "%q is not an absolute path (it must start with /)", c.HealthCheckPath))
	}
	errs = append(errs, c.PrivateCA.validate(key+".privateCa")...)
	errs = append(errs, c.MutualTLS.validate(key+".mutualTls")...)
	return errs
}

// Settings are the settings whose rules tls/policy holds.
func (c TLS) Settings() policy.Settings {
	return policy.Settings{
		Domain: c.Domain, HostedZoneID: c.HostedZoneID, SSLPolicy: c.SSLPolicy,
		PrivateCA: c.PrivateCA.Enabled, MutualTLS: c.MutualTLS.Enabled, CABundlePEM: c.MutualTLS.CABundlePEM,
	}
}

func (c PrivateCA) validate(key string) []error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if !slices.Contains(policy.CAKeys, c.KeyAlgorithm) {
		errs = append(errs, fieldErr(key+".keyAlgorithm", "%q is not allowed; use one of %v", c.KeyAlgorithm, policy.CAKeys))
	}
	if c.EarlyRenewalHours < 24 {
		errs = append(errs, fieldErr(key+".earlyRenewalHours", "%d leaves less than a day to renew; use 24 or more", c.EarlyRenewalHours))
	}
	if c.CertValidityHours <= c.EarlyRenewalHours {
		errs = append(errs, fieldErr(key+".certValidityHours", "%d is not longer than the renewal window (earlyRenewalHours %d); every `pulumi up` would replace the certificate", c.CertValidityHours, c.EarlyRenewalHours))
	}
	if c.CAValidityHours <= c.CertValidityHours {
		errs = append(errs, fieldErr(key+".caValidityHours", "%d is not longer than the certificates it issues (certValidityHours %d)", c.CAValidityHours, c.CertValidityHours))
	}
	if !dnsNameRE.MatchString(c.ServerName) {
		errs = append(errs, fieldErr(key+".serverName", "%q is not a lower-case DNS name", c.ServerName))
	}
	return errs
}

func (c MutualTLS) validate(key string) []error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if c.CABundlePEM != "" {
		if err := checkBundle(c.CABundlePEM); err != nil {
			errs = append(errs, fieldErr(key+".caBundlePem", "%v", err))
		}
	}
	if !regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`).MatchString(c.ClientName) {
		errs = append(errs, fieldErr(key+".clientName", "%q is not a service name (lower-case letters, digits, hyphens)", c.ClientName))
	}
	return errs
}

func checkBundle(bundle string) error {
	rest := []byte(bundle)
	n := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return fmt.Errorf("holds a %s block; a CA bundle holds only certificates", block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return fmt.Errorf("certificate %d does not parse: %v", n+1, err)
		}
		if !cert.IsCA {
			return fmt.Errorf("certificate %d (%s) is not a CA certificate", n+1, cert.Subject)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("holds no PEM certificate")
	}
	return nil
}
