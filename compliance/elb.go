package compliance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/tls/policy"
)

// elbRules judge load balancers, their listeners and certificates.
func elbRules() []Rule {
	return []Rule{
		{ID: "elb-http-redirects", Controls: []string{"FSBP ELB.1", "CKV2_AWS_20"}, Severity: High,
			Description: "An HTTP listener only redirects to HTTPS.",
			Check: forEach(restype.LBListener, func(r Resource) string {
				if r.Str("protocol") != "HTTP" {
					return ""
				}
				if r.Str("defaultActions.0.type") != "redirect" || r.Str("defaultActions.0.redirect.protocol") != "HTTPS" {
					return "serves plain HTTP; make its default action a redirect to HTTPS (status HTTP_301)"
				}
				return ""
			})},
		{ID: "elb-https-listener", Controls: []string{"CKV_AWS_2"}, Severity: High,
			Description: "Listeners speak HTTPS, or only redirect HTTP to it.",
			Check: forEach(restype.LBListener, func(r Resource) string {
				switch p := r.Str("protocol"); {
				case p == "HTTPS":
					return ""
				case p == "HTTP" && r.Str("defaultActions.0.type") == "redirect":
					return ""
				default:
					return fmt.Sprintf("protocol %q forwards without TLS; use HTTPS with a certificate", p)
				}
			})},
		// FSBP ELB.18's Config rule (elbv2-listener-encryption-in-transit)
		// documents no exemption for a listener that only redirects.
		{ID: "elb-listener-encrypted", Controls: []string{"FSBP ELB.18"}, Severity: Medium,
			Description: "Every listener of an application or network load balancer speaks HTTPS or TLS, a redirecting HTTP listener included.",
			Check: forEach(restype.LBListener, func(r Resource) string {
				switch p := r.Str("protocol"); p {
				case "HTTPS", "TLS", "GENEVE":
					return ""
				default:
					return fmt.Sprintf("listens with %s; ELB.18 fails every listener that is not HTTPS or TLS, one that only redirects included", p)
				}
			})},
		{ID: "elb-tls-policy", Controls: []string{"FSBP ELB.17", "CKV_AWS_103", "CKV2_AWS_74"}, Severity: High,
			Description: "HTTPS listeners use a TLS policy that ELB.17 accepts; unset means ELBSecurityPolicy-2016-08.",
			Check: forEach(restype.LBListener, func(r Resource) string {
				if r.Str("protocol") != "HTTPS" || r.Unknown("sslPolicy") {
					return ""
				}
				p := policy.EffectivePolicy(r.Str("sslPolicy"))
				if !slices.Contains(policy.Accepted(), p) {
					return fmt.Sprintf("TLS policy %s allows old protocols or ciphers; set sslPolicy to %s", p, policy.Default)
				}
				return ""
			})},
		{ID: "elb-drop-invalid-headers", Controls: []string{"FSBP ELB.4", "CKV_AWS_131"}, Severity: Medium,
			Description: "Application load balancers drop invalid HTTP headers.",
			Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
				if v, _ := r.Bool("dropInvalidHeaderFields"); !v && isALB(r) {
					return "passes invalid header fields to targets; set dropInvalidHeaderFields: true"
				}
				return ""
			})},
		{ID: "elb-access-logs", Controls: []string{"FSBP ELB.5", "CKV_AWS_91", "nag ELB2"}, Severity: Medium,
			Description: "Load balancers write access logs.",
			Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
				if v, _ := r.Bool("accessLogs.enabled"); !v {
					return "keeps no access logs; enable accessLogs to a log bucket"
				}
				return ""
			})},
		{ID: "elb-deletion-protection", Controls: []string{"FSBP ELB.6", "CKV_AWS_150"}, Severity: Medium,
			Description: "Load balancers have deletion protection.",
			Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
				if v, _ := r.Bool("enableDeletionProtection"); !v {
					return "can be deleted by one call; set enableDeletionProtection: true"
				}
				return ""
			})},
		{ID: "elb-desync-mitigation", Controls: []string{"FSBP ELB.12", "CKV_AWS_328"}, Severity: Medium,
			Description: "Desync mitigation is defensive or strictest (unset means defensive).",
			Check: forEach(restype.LBLoadBalancer, func(r Resource) string {
				if m := r.Str("desyncMitigationMode"); m == "monitor" {
					return "only monitors HTTP desync; set desyncMitigationMode to strictest"
				}
				return ""
			})},
		{ID: "elb-multi-az", Controls: []string{"FSBP ELB.13"}, Severity: Medium,
			Description: "Load balancers span at least two Availability Zones: subnets counted by zone, not by number.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.LBLoadBalancer, func(r Resource) string {
					n := len(r.List("subnets")) + len(r.List("subnetMappings"))
					return fewZones(g, r, n)
				})(g)
			}},
		{ID: "elb-waf", Controls: []string{"SecurityHub ELB.16", "CKV2_AWS_28"}, Severity: High,
			Description: "Every internet-facing load balancer has a WAF web ACL.",
			Check: func(g *Graph) []Violation {
				var out []Violation
				for _, lb := range g.ByType(restype.LBLoadBalancer) {
					if internal, _ := lb.Bool("internal"); internal || !isALB(lb) {
						continue
					}
					if len(g.Dependents(lb.URN, restype.WAFv2WebACLAssociation)) == 0 {
						out = append(out, Violation{URN: lb.URN, Message: fmt.Sprintf("lb.LoadBalancer %s: is internet-facing without a web ACL; associate one (wafv2.WebAclAssociation)", lb.Name)})
					}
				}
				return out
			}},
		{ID: "elb-target-https", Controls: []string{"SecurityHub ELB.21", "SecurityHub ELB.22", "CKV_AWS_378"}, Severity: Medium,
			Description: "Target groups and their health checks use HTTPS.",
			Check: forEach(restype.LBTargetGroup, func(r Resource) string {
				if r.Str("protocol") != "HTTPS" || r.Str("healthCheck.protocol") != "HTTPS" {
					return fmt.Sprintf("talks %q to targets (health check %q); use HTTPS for both", r.Str("protocol"), r.Str("healthCheck.protocol"))
				}
				return ""
			})},
		{ID: "acm-transparency-logging", Controls: []string{"CKV_AWS_234"}, Severity: Medium,
			Description: "ACM certificates that ACM issues are logged to Certificate Transparency (the default), so a certificate issued for the domain cannot go unnoticed.",
			Check: forEach(restype.ACMCertificate, func(r Resource) string {
				if _, imported := r.Inputs["privateKey"]; imported {
					return "" // imported certificates are not ACM's to log
				}
				if r.Str("options.certificateTransparencyLoggingPreference") == "DISABLED" {
					return "opts out of Certificate Transparency logging; set options.certificateTransparencyLoggingPreference ENABLED"
				}
				return ""
			})},
		{ID: "acm-key-algorithm", Controls: []string{"FSBP ACM.2"}, Severity: Medium,
			Description: "ACM certificates, requested or imported, use RSA of 2048 bits or more, or ECDSA; an imported certificate is judged by the tls.PrivateKey it depends on.",
			Check: func(g *Graph) []Violation {
				return forEach(restype.ACMCertificate, func(r Resource) string {
					if _, imported := r.Inputs["privateKey"]; imported {
						for _, k := range g.ByType(restype.TLSPrivateKey) {
							if !slices.Contains(r.Dependencies, k.URN) {
								continue
							}
							// pulumi-tls's rsaBits defaults to 2048.
							if bits, set := k.Num("rsaBits"); k.Str("algorithm") == "RSA" && set && bits < 2048 {
								return fmt.Sprintf("imports a %d-bit RSA key (%s); use 2048 bits or more, or ECDSA P256", int(bits), k.Name)
							}
						}
						return ""
					}
					switch a := r.Str("keyAlgorithm"); {
					case r.Unknown("keyAlgorithm"):
						return ""
					case a == "" || a == "RSA_2048" || a == "RSA_3072" || a == "RSA_4096" || strings.HasPrefix(a, "EC_"):
						return ""
					default:
						return fmt.Sprintf("uses key algorithm %s; request EC_prime256v1 or RSA_2048 and above", a)
					}
				})(g)
			}},
	}
}

func isALB(r Resource) bool {
	t := r.Str("loadBalancerType")
	return t == "" || t == "application"
}
