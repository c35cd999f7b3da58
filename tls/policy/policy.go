// Package policy is the catalogue of load-balancer TLS policies this
// program may put on an HTTPS listener. It is plain Go, shared by config
// validation, the tls component and the compliance checks.
//
// A policy not in the catalogue is refused: that covers every TLS 1.0 and
// 1.1 policy and ELBSecurityPolicy-2016-08, which is what AWS applies to a
// listener whose policy is unset.
package policy

import "slices"

// Policy describes one AWS load-balancer security policy.
type Policy struct {
	// Name is the AWS policy name.
	Name string
	// MinTLS is the lowest protocol version the policy negotiates.
	MinTLS string
	// FIPS is true for policies restricted to FIPS 140-3 validated ciphers.
	FIPS bool
	// PostQuantum is true for policies with hybrid post-quantum key exchange.
	PostQuantum bool
	// ELB17 is true when Security Hub control ELB.17 accepts the policy.
	ELB17 bool
	// TLS13 and TLS12 are the cipher suites the policy negotiates in each
	// protocol version, by the names AWS lists them under (OpenSSL's for
	// TLS 1.2, IANA's for TLS 1.3), in the policy's order of preference.
	TLS13, TLS12 []string
}

// The suite lists of the policies, from the Application Load Balancer user
// guide, "Security policies for your Application Load Balancer"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html),
// which `aws elbv2 describe-ssl-policies` prints as data too. A PQ policy
// adds hybrid post-quantum key exchange groups to the suites of the policy
// it is named after; a FIPS policy keeps to AES-GCM.
var (
	tls13All  = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}
	tls13FIPS = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"}
	// tls12Res is the restricted list: ECDHE key exchange and AES-GCM only.
	tls12Res = []string{"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"}
	// tls12ECDHE adds the CBC suites with SHA-2 MACs.
	tls12ECDHE = []string{
		"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256",
		"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384",
	}
	// tls12Ext1 adds RSA key exchange with SHA-2 MACs.
	tls12Ext1 = append(slices.Clone(tls12ECDHE), "AES128-GCM-SHA256", "AES128-SHA256", "AES256-GCM-SHA384", "AES256-SHA256")
	// tls12Ext2018 adds SHA-1 MACs too (ELBSecurityPolicy-TLS-1-2-Ext-2018-06).
	tls12Ext2018 = []string{
		"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256",
		"ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
		"ECDHE-ECDSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES256-SHA",
		"AES128-GCM-SHA256", "AES128-SHA256", "AES128-SHA", "AES256-GCM-SHA384", "AES256-SHA256", "AES256-SHA",
	}
)

// Default is the policy used when the config names none: TLS 1.3 and
// restricted TLS 1.2 ciphers with post-quantum key exchange.
const Default = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

// Catalogue lists the policies this program knows, newest first.
var Catalogue = []Policy{
	{Name: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", MinTLS: "1.2", PostQuantum: true, ELB17: true, TLS13: tls13All, TLS12: tls12Res},
	{Name: "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", MinTLS: "1.3", PostQuantum: true, ELB17: true, TLS13: tls13All},
	{Name: "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", MinTLS: "1.2", FIPS: true, PostQuantum: true, ELB17: true, TLS13: tls13FIPS, TLS12: tls12Res},
	{Name: "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09", MinTLS: "1.3", FIPS: true, PostQuantum: true, ELB17: true, TLS13: tls13FIPS},
	{Name: "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", MinTLS: "1.3", FIPS: true, ELB17: true, TLS13: tls13FIPS},
	{Name: "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", MinTLS: "1.2", FIPS: true, ELB17: true, TLS13: tls13FIPS, TLS12: tls12Res},
	{Name: "ELBSecurityPolicy-TLS13-1-3-2021-06", MinTLS: "1.3", ELB17: true, TLS13: tls13All},
	{Name: "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", MinTLS: "1.2", ELB17: true, TLS13: tls13All, TLS12: tls12Res},
	// TLS 1.2+, but ELB.17's current list no longer accepts them: known so
	// that refusing them can say why.
	{Name: "ELBSecurityPolicy-TLS13-1-2-2021-06", MinTLS: "1.2", TLS13: tls13All, TLS12: tls12ECDHE},
	{Name: "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", MinTLS: "1.2", TLS13: tls13All, TLS12: tls12Ext1},
	{Name: "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", MinTLS: "1.2", TLS12: tls12Ext2018},
	{Name: "ELBSecurityPolicy-FS-1-2-Res-2020-10", MinTLS: "1.2", TLS12: tls12Res},
}

// Lookup returns the catalogue entry for name and whether it exists.
func Lookup(name string) (Policy, bool) {
	i := slices.IndexFunc(Catalogue, func(p Policy) bool { return p.Name == name })
	if i < 0 {
		return Policy{}, false
	}
	return Catalogue[i], true
}

// Accepted returns the names of the policies ELB.17 accepts.
func Accepted() []string {
	var out []string
	for _, p := range Catalogue {
		if p.ELB17 {
			out = append(out, p.Name)
		}
	}
	return out
}

// EffectivePolicy returns the policy a listener runs with: AWS applies
// ELBSecurityPolicy-2016-08 when none is set.
func EffectivePolicy(name string) string {
	if name == "" {
		return "ELBSecurityPolicy-2016-08"
	}
	return name
}
