package policy

import "github.com/example/hardening/internal/problem"

// Settings are the TLS settings of a load balancer that both the tls
// component's arguments and the stack configuration hold; Check is the one
// home of the rules between them.
type Settings struct {
	Domain       string
	HostedZoneID string
	SSLPolicy    string
	PrivateCA    bool
	MutualTLS    bool
	CABundlePEM  string
}

// Check returns every rule s breaks.
func (s Settings) Check() problem.List {
	var out problem.List
	add := out.Add
	switch {
	case s.Domain == "" && !s.PrivateCA:
		add("domain", "is empty and the private CA is off; a stack without a public domain needs the private CA for its server certificate")
	case s.Domain != "" && s.HostedZoneID == "":
		add("hostedZoneId", "is empty; the domain %q needs the Route53 hosted zone that holds its validation records", s.Domain)
	}
	if p, ok := Lookup(s.SSLPolicy); !ok {
		add("sslPolicy", "%q is unknown or weak; use one of %v", s.SSLPolicy, Accepted())
	} else if !p.ELB17 {
		add("sslPolicy", "%q allows TLS %s but Security Hub ELB.17 rejects it; use one of %v", s.SSLPolicy, p.MinTLS, Accepted())
	}
	if s.MutualTLS && s.CABundlePEM == "" && !s.PrivateCA {
		add("mutualTls.enabled", "mutual TLS needs a CA: set caBundlePem or enable the private CA")
	}
	return out
}

// CAKey is the private CA's key algorithm.
type CAKey string

// Private CA key algorithms.
const (
	CAKeyECDSAP256 CAKey = "ECDSA_P256"
	CAKeyRSA3072   CAKey = "RSA_3072"
)

// CAKeys are the private CA's allowed key algorithms.
var CAKeys = []CAKey{CAKeyECDSAP256, CAKeyRSA3072}
