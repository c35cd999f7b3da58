package tests

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/baseline"
	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
	"github.com/example/hardening/plan"
	"github.com/example/hardening/tls/policy"
)

func listenerOnPort(t *testing.T, m *mockaws.Mocks, port int) mockaws.Resource {
	t.Helper()
	return find(t, m, restype.LBListener, "on port "+strconv.Itoa(port), func(r mockaws.Resource) bool { return num(r, "port") == port })
}

func TestLoadBalancer(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		alb := only(t, m, restype.LBLoadBalancer)
		cases := []struct {
			name string
			key  string
			want any
		}{
			{"internet-facing application load balancer", "loadBalancerType", "application"},
			{"not internal", "internal", false},
			{"drops invalid header fields (ELB.4)", "dropInvalidHeaderFields", true},
			{"desync mitigation strictest (ELB.12)", "desyncMitigationMode", "strictest"},
			{"deletion protection from config (ELB.6)", "enableDeletionProtection", cfg.TLS.DeletionProtection},
			{"HTTP/2 on", "enableHttp2", true},
			{"WAF fails closed", "enableWafFailOpen", false},
			{"access logs on (ELB.5)", "accessLogs.enabled", true},
			{"connection logs on", "connectionLogs.enabled", true},
		}
		for _, c := range cases {
			t.Run(stack+"/"+c.name, func(t *testing.T) {
				if got := input(alb, c.key); got != c.want {
					t.Errorf("%s = %v, want %v", c.key, got, c.want)
				}
			})
		}
		t.Run(stack+"/in the public subnets of every zone, at least 2 (ELB.13)", func(t *testing.T) {
			var public []string
			for _, s := range subnetsByTier(t, m)["public"] {
				public = append(public, id(s))
			}
			got := strs(alb, "subnets")
			slices.Sort(got)
			slices.Sort(public)
			if !slices.Equal(got, public) || len(got) < 2 {
				t.Errorf("subnets %v, want the %d public ones %v", got, len(public), public)
			}
		})
		t.Run(stack+"/behind the network's load-balancer security group only", func(t *testing.T) {
			var lbSG string
			for _, sg := range m.ByType(restype.EC2SecurityGroup) {
				if strings.HasSuffix(sg.Name, "-lb") {
					lbSG = id(sg)
				}
			}
			if got := strs(alb, "securityGroups"); !slices.Equal(got, []string{lbSG}) {
				t.Errorf("security groups %v, want [%s]", got, lbSG)
			}
		})
		t.Run(stack+"/logs go to the stack's log bucket", func(t *testing.T) {
			bucket := lbLogBucket(t, m)
			if input(alb, "accessLogs.bucket") != output(bucket, "bucket") || input(alb, "connectionLogs.bucket") != output(bucket, "bucket") {
				t.Errorf("logs to %v / %v, want %v", input(alb, "accessLogs.bucket"), input(alb, "connectionLogs.bucket"), output(bucket, "bucket"))
			}
		})
	}
}

func TestListeners(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		http := listenerOnPort(t, m, 80)
		https := listenerOnPort(t, m, 443)
		t.Run(stack+"/HTTP only redirects to HTTPS with 301 (ELB.1)", func(t *testing.T) {
			actions, _ := input(http, "defaultActions").([]any)
			if len(actions) != 1 {
				t.Fatalf("%d default actions, want 1", len(actions))
			}
			a := actions[0].(map[string]any)
			r, _ := a["redirect"].(map[string]any)
			if a["type"] != "redirect" || r["protocol"] != "HTTPS" || r["port"] != "443" || r["statusCode"] != "HTTP_301" {
				t.Errorf("default action %v, want a 301 redirect to HTTPS:443", a)
			}
		})
		t.Run(stack+"/HTTPS on 443 (ELB.18)", func(t *testing.T) {
			if str(https, "protocol") != "HTTPS" {
				t.Errorf("protocol %s", str(https, "protocol"))
			}
		})
		t.Run(stack+"/TLS policy from the catalogue and accepted by ELB.17", func(t *testing.T) {
			p, ok := policy.Lookup(str(https, "sslPolicy"))
			if !ok || !p.ELB17 || str(https, "sslPolicy") != cfg.TLS.SSLPolicy {
				t.Errorf("sslPolicy %q (catalogue %v, ELB.17 %v), want %s", str(https, "sslPolicy"), ok, p.ELB17, cfg.TLS.SSLPolicy)
			}
		})
		t.Run(stack+"/security response headers", func(t *testing.T) {
			hsts := str(https, "routingHttpResponseStrictTransportSecurityHeaderValue")
			if !strings.Contains(hsts, "includeSubDomains") || !strings.HasPrefix(hsts, "max-age=") {
				t.Errorf("HSTS %q, want max-age and includeSubDomains", hsts)
			}
			age, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(hsts, ";", 2)[0], "max-age="))
			if err != nil || age < 31536000 {
				t.Errorf("HSTS max-age %d, want at least one year", age)
			}
			if got := str(https, "routingHttpResponseXContentTypeOptionsHeaderValue"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := str(https, "routingHttpResponseXFrameOptionsHeaderValue"); got != "DENY" {
				t.Errorf("X-Frame-Options %q", got)
			}
			if v, set := boolean(https, "routingHttpResponseServerEnabled"); v || !set {
				t.Errorf("server header enabled=%v set=%v, want explicitly off", v, set)
			}
		})
		t.Run(stack+"/forwards to an HTTPS target group with HTTPS health checks (ELB.21, ELB.22)", func(t *testing.T) {
			tg := only(t, m, restype.LBTargetGroup)
			actions, _ := input(https, "defaultActions").([]any)
			if len(actions) != 1 || actions[0].(map[string]any)["targetGroupArn"] != output(tg, "arn") {
				t.Errorf("default actions %v, want forward to %v", actions, output(tg, "arn"))
			}
			if str(tg, "protocol") != "HTTPS" || str(tg, "healthCheck.protocol") != "HTTPS" {
				t.Errorf("target group %s, health check %s, want HTTPS both", str(tg, "protocol"), str(tg, "healthCheck.protocol"))
			}
			if num(tg, "port") != cfg.TLS.TargetPort || str(tg, "healthCheck.path") != cfg.TLS.HealthCheckPath {
				t.Errorf("port %d path %s, want %d %s", num(tg, "port"), str(tg, "healthCheck.path"), cfg.TLS.TargetPort, cfg.TLS.HealthCheckPath)
			}
		})
		t.Run(stack+"/HTTPS listener uses the stack's certificate", func(t *testing.T) {
			cert := only(t, m, restype.ACMCertificate)
			if str(https, "certificateArn") != output(cert, "arn") {
				t.Errorf("certificateArn %s, want %v", str(https, "certificateArn"), output(cert, "arn"))
			}
		})
		t.Run(stack+"/mutual TLS in verify mode exactly when configured", func(t *testing.T) {
			mode := str(https, "mutualAuthentication.mode")
			stores := m.ByType(restype.LBTrustStore)
			if cfg.TLS.MutualTLS.Enabled {
				if mode != "verify" || len(stores) != 1 || str(https, "mutualAuthentication.trustStoreArn") != output(stores[0], "arn") {
					t.Errorf("mutual authentication %q with %d trust stores, want verify against the trust store", mode, len(stores))
				}
			} else if mode != "" || len(stores) != 0 {
				t.Errorf("mutual authentication %q, trust stores %d, want none", mode, len(stores))
			}
		})
	}
}

func TestCertificates(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		cert := only(t, m, restype.ACMCertificate)
		if cfg.TLS.Domain != "" {
			t.Run(stack+"/ACM certificate for the domain, DNS-validated, transparency logged", func(t *testing.T) {
				if str(cert, "domainName") != cfg.TLS.Domain || str(cert, "validationMethod") != "DNS" {
					t.Errorf("domain %s via %s", str(cert, "domainName"), str(cert, "validationMethod"))
				}
				if got := str(cert, "options.certificateTransparencyLoggingPreference"); got != "ENABLED" {
					t.Errorf("transparency logging %q (CKV_AWS_234)", got)
				}
				if got := str(cert, "keyAlgorithm"); got != cfg.TLS.KeyAlgorithm || !(strings.HasPrefix(got, "EC_") || got == "RSA_2048") {
					t.Errorf("key algorithm %s (ACM.2)", got)
				}
				if cert.DeleteBeforeReplace {
					t.Error("certificate is deleted before its replacement exists")
				}
			})
			t.Run(stack+"/validation records in the hosted zone, and the listener waits for validation", func(t *testing.T) {
				v := only(t, m, restype.ACMCertificateValidation)
				records := m.ByType(restype.Route53Record)
				if len(records) == 0 {
					t.Fatal("no validation records")
				}
				var fqdns []string
				for _, r := range records {
					if str(r, "type") == "A" {
						continue // the alias records, below
					}
					if str(r, "zoneId") != cfg.TLS.HostedZoneID || str(r, "type") != "CNAME" {
						t.Errorf("record %s in zone %s type %s", r.Name, str(r, "zoneId"), str(r, "type"))
					}
					fqdns = append(fqdns, output(r, "fqdn").(string))
				}
				got := strs(v, "validationRecordFqdns")
				slices.Sort(got)
				slices.Sort(fqdns)
				if !slices.Equal(got, fqdns) || str(v, "certificateArn") != output(cert, "arn") {
					t.Errorf("validation of %s with %v, want %v", str(v, "certificateArn"), got, fqdns)
				}
				https := listenerOnPort(t, m, 443)
				// The domain points at the load balancer: without it neither
				// https://<domain>/ nor the Cognito callback reaches the site.
				alb := only(t, m, "aws:lb/loadBalancer:LoadBalancer")
				var aliased bool
				for _, r := range records {
					aliased = aliased || str(r, "type") == "A" && str(r, "name") == cfg.TLS.Domain && str(r, "zoneId") == cfg.TLS.HostedZoneID &&
						input(r, "aliases.0.name") == output(alb, "dnsName") && input(r, "aliases.0.zoneId") == output(alb, "zoneId")
				}
				if !aliased {
					t.Errorf("no alias A record for %s to the load balancer", cfg.TLS.Domain)
				}
				// The listener's ARN comes from the validation's output, so it
				// is created only once the certificate is issued.
				if str(https, "certificateArn") != output(v, "certificateArn") {
					t.Errorf("listener does not take its certificate from the validation")
				}
			})
		} else {
			t.Run(stack+"/server certificate from the private CA, imported with its chain", func(t *testing.T) {
				ca := only(t, m, restype.TLSSelfSignedCert)
				var server mockaws.Resource
				for _, c := range m.ByType(restype.TLSLocallySignedCert) {
					if strings.HasSuffix(c.Name, "-server") {
						server = c
					}
				}
				if str(cert, "certificateBody") != output(server, "certPem") || str(cert, "certificateChain") != output(ca, "certPem") {
					t.Error("imported certificate is not the CA-issued server certificate with the CA chain")
				}
				if !slices.Contains(cert.SecretInputs, "privateKey") {
					t.Errorf("imported private key is not secret (secret inputs %v)", cert.SecretInputs)
				}
				uses := strs(server, "allowedUses")
				if !slices.Contains(uses, "server_auth") || slices.Contains(uses, "cert_signing") {
					t.Errorf("server certificate uses %v", uses)
				}
			})
			t.Run(stack+"/renewed early by any pulumi up inside the window", func(t *testing.T) {
				for _, c := range append(m.ByType(restype.TLSLocallySignedCert), m.ByType(restype.TLSSelfSignedCert)...) {
					if got := num(c, "earlyRenewalHours"); got != cfg.TLS.PrivateCA.EarlyRenewalHours || got == 0 {
						t.Errorf("%s earlyRenewalHours %d, want %d", c.Name, got, cfg.TLS.PrivateCA.EarlyRenewalHours)
					}
					if num(c, "validityPeriodHours") <= num(c, "earlyRenewalHours") {
						t.Errorf("%s validity %d is inside its renewal window", c.Name, num(c, "validityPeriodHours"))
					}
				}
			})
		}
		if cfg.TLS.PrivateCA.Enabled {
			t.Run(stack+"/CA certificate only signs certificates and CRLs", func(t *testing.T) {
				ca := only(t, m, restype.TLSSelfSignedCert)
				uses := strs(ca, "allowedUses")
				slices.Sort(uses)
				if v, _ := boolean(ca, "isCaCertificate"); !v || !slices.Equal(uses, []string{"cert_signing", "crl_signing"}) {
					t.Errorf("CA: isCa %v uses %v", v, uses)
				}
			})
			t.Run(stack+"/CA keys are ECDSA P-256 or RSA 3072", func(t *testing.T) {
				for _, k := range m.ByType(restype.TLSPrivateKey) {
					alg := str(k, "algorithm")
					if !(alg == "ECDSA" && str(k, "ecdsaCurve") == "P256") && !(alg == "RSA" && num(k, "rsaBits") == 3072) {
						t.Errorf("key %s: %s %s %d", k.Name, alg, str(k, "ecdsaCurve"), num(k, "rsaBits"))
					}
				}
			})
		}
	}
}

// lbLogBucket is the load balancer's log bucket.
func lbLogBucket(t *testing.T, m *mockaws.Mocks) mockaws.Resource {
	t.Helper()
	return find(t, m, restype.S3BucketV2, "for load-balancer logs", func(r mockaws.Resource) bool {
		return strings.HasSuffix(r.Name, "-logs") && !strings.HasSuffix(r.Name, "-access-logs")
	})
}

// onBucket is the one resource of typ configuring the bucket with id bid.
func onBucket(t *testing.T, m *mockaws.Mocks, typ, bid string) mockaws.Resource {
	t.Helper()
	var on []mockaws.Resource
	for _, r := range m.ByType(typ) {
		if str(r, "bucket") == bid {
			on = append(on, r)
		}
	}
	if len(on) != 1 {
		t.Fatalf("%d %s on bucket %s, want 1", len(on), typ, bid)
	}
	return on[0]
}

func TestLogBucket(t *testing.T) {
	for _, stack := range stacks {
		m := deployed(t, stack)
		cfg := stackConfig(t, stack)
		bucket := lbLogBucket(t, m)
		bid := id(bucket)
		of := func(typ string) mockaws.Resource { return onBucket(t, m, typ, bid) }
		t.Run(stack+"/all public access blocked", func(t *testing.T) {
			pab := of(restype.S3BucketPublicAccessBlock)
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				if v, _ := boolean(pab, k); !v {
					t.Errorf("%s off", k)
				}
			}
		})
		t.Run(stack+"/bucket owner enforced, versioned, SSE-S3", func(t *testing.T) {
			if got := input(of(restype.S3BucketOwnershipControls), "rule.objectOwnership"); got != "BucketOwnerEnforced" {
				t.Errorf("ownership %v", got)
			}
			if got := input(of(restype.S3BucketVersioningV2), "versioningConfiguration.status"); got != "Enabled" {
				t.Errorf("versioning %v", got)
			}
			rules, _ := input(of(restype.S3BucketServerSideEncryptionConfigurationV2), "rules").([]any)
			if len(rules) != 1 || rules[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)["sseAlgorithm"] != "AES256" {
				t.Errorf("encryption rules %v, want SSE-S3 (what ALB log delivery supports)", rules)
			}
		})
		t.Run(stack+"/logs expire after the configured days", func(t *testing.T) {
			rules, _ := input(of(restype.S3BucketLifecycleConfigurationV2), "rules").([]any)
			if len(rules) == 0 {
				t.Fatal("no lifecycle rules")
			}
			for _, r := range rules {
				exp := r.(map[string]any)["expiration"].(map[string]any)["days"]
				if int(exp.(float64)) != cfg.TLS.LogExpirationDays {
					t.Errorf("rule %v expires after %v days, want %d", r.(map[string]any)["id"], exp, cfg.TLS.LogExpirationDays)
				}
			}
		})
		t.Run(stack+"/policy denies non-TLS and lets only the regional log-delivery principal write its prefixes", func(t *testing.T) {
			doc := parsePolicy(t, of(restype.S3BucketPolicy), "policy")
			arn := output(bucket, "arn").(string)
			var denyTLS, deliver bool
			for _, s := range doc.Statement {
				switch s.Effect {
				case "Deny":
					if string(s.Principal) == `"*"` && slices.Equal(s.Condition["Bool"]["aws:SecureTransport"], []string{"false"}) &&
						slices.Contains(s.Resource, arn) && slices.Contains(s.Resource, arn+"/*") {
						denyTLS = true
					}
				case "Allow":
					var p struct{ AWS, Service []string }
					_ = json.Unmarshal(s.Principal, &p)
					// AWS's published ELB log-delivery accounts, by region.
					want := map[string]string{"us-east-1": "arn:aws:iam::127311923021:root"}[loadStack(t, stack).Region]
					if want == "" {
						t.Fatalf("no known log-delivery account for this stack's region")
					}
					if !slices.Equal(p.AWS, []string{want}) || len(p.Service) > 0 {
						t.Errorf("bucket writable by %s, want the regional ELB account %s only", s.Principal, want)
					}
					if !slices.Equal(s.Action, []string{"s3:PutObject"}) {
						t.Errorf("log delivery may %v, want only s3:PutObject", s.Action)
					}
					for _, r := range s.Resource {
						if !strings.HasPrefix(r, arn+"/") || !strings.HasSuffix(r, "/AWSLogs/"+mockaws.AccountID+"/*") {
							t.Errorf("log delivery writes %s, want only this account's log prefixes", r)
						}
					}
					deliver = true
				}
			}
			if !denyTLS || !deliver {
				t.Errorf("deny non-TLS %v, log delivery %v: want both", denyTLS, deliver)
			}
		})
		t.Run(stack+"/bucket protected per protectStateful", func(t *testing.T) {
			if bucket.Protect != cfg.ProtectStateful || bucket.RetainOnDelete != cfg.ProtectStateful {
				t.Errorf("protect %v retain %v, want %v", bucket.Protect, bucket.RetainOnDelete, cfg.ProtectStateful)
			}
		})
	}
}

// TestNoKeyMaterialUnsecret scans every recorded input and output of both
// stacks, and of a prod stack with mutual TLS on, for private key PEM that
// is not marked secret.
func TestNoKeyMaterialUnsecret(t *testing.T) {
	runs := map[string]*mockaws.Mocks{"dev": deployed(t, "dev"), "prod": deployed(t, "prod")}
	s := loadStack(t, "prod")
	s.Set("tls", `{"domain":"app.example.com","hostedZoneId":"Z0EXAMPLE","privateCa":{"enabled":true},"mutualTls":{"enabled":true}}`)
	m, err := s.Run(baseline.Run)
	if err != nil {
		t.Fatal(err)
	}
	runs["prod with mutual TLS"] = m
	for name, m := range runs {
		t.Run(name, func(t *testing.T) {
			n := 0
			for _, r := range m.Resources() {
				for label, pm := range map[string]any{"inputs": plan.MaskedInputs(r.Inputs), "outputs": plan.MaskedInputs(r.Outputs)} {
					b, _ := json.Marshal(pm)
					if strings.Contains(string(b), "PRIVATE KEY") {
						t.Errorf("%s %s %s hold private key material unsecret", r.Type, r.Name, label)
					}
				}
				if strings.Contains(r.Type, "privateKey") {
					n++
				}
			}
			if name != "prod" && n == 0 {
				t.Errorf("no private keys were made, so the scan proved nothing")
			}
		})
	}
}

func TestTLSOutputs(t *testing.T) {
	type result struct {
		value  string
		secret bool
	}
	got := map[string]result{}
	resolved := deployAndAwait(t, "dev", func(b *baseline.Baseline) map[string]pulumi.Output {
		l := b.LoadBalancer
		return map[string]pulumi.Output{
			"dnsName": l.DNSName, "arn": l.ARN, "http": l.HTTPListenerARN, "https": l.HTTPSListenerARN,
			"cert": l.CertificateARN, "ca": l.CACertificatePEM, "clientCert": l.ClientCertificatePEM, "clientKey": l.ClientPrivateKeyPEM,
		}
	})
	for k, res := range resolved {
		v, _ := res.Value.(string)
		got[k] = result{v, res.Secret}
	}
	for _, k := range []string{"dnsName", "arn", "http", "https", "cert", "ca", "clientCert", "clientKey"} {
		t.Run("dev/output "+k+" set", func(t *testing.T) {
			if got[k].value == "" {
				t.Errorf("%s empty", k)
			}
		})
	}
	t.Run("dev/client private key is a secret output", func(t *testing.T) {
		if !got["clientKey"].secret || !strings.Contains(got["clientKey"].value, "PRIVATE KEY") {
			t.Errorf("client key secret=%v", got["clientKey"].secret)
		}
	})
	t.Run("dev/CA output is the public certificate only", func(t *testing.T) {
		if strings.Contains(got["ca"].value, "PRIVATE KEY") || !strings.Contains(got["ca"].value, "CERTIFICATE") {
			t.Errorf("CA output %q", got["ca"].value)
		}
	})
}

func TestMutualTLSWithGivenBundle(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "partner CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	bundle := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	cfgJSON, _ := json.Marshal(map[string]any{
		"domain": "app.example.com", "hostedZoneId": "Z0EXAMPLE",
		"mutualTls": map[string]any{"enabled": true, "caBundlePem": bundle},
	})
	s := loadStack(t, "prod")
	s.Set("tls", string(cfgJSON))
	m, err := s.Run(baseline.Run)
	if err != nil {
		t.Fatal(err)
	}
	obj := only(t, m, "aws:s3/bucketObjectv2:BucketObjectv2")
	if str(obj, "content") != bundle {
		t.Errorf("uploaded bundle differs from the configured one")
	}
	store := only(t, m, restype.LBTrustStore)
	if str(store, "caCertificatesBundleS3Key") != str(obj, "key") || str(store, "caCertificatesBundleS3ObjectVersion") != output(obj, "versionId") {
		t.Errorf("trust store reads %s@%s, want the uploaded bundle", str(store, "caCertificatesBundleS3Key"), str(store, "caCertificatesBundleS3ObjectVersion"))
	}
	if str(listenerOnPort(t, m, 443), "mutualAuthentication.mode") != "verify" {
		t.Error("listener does not verify client certificates")
	}
	if n := len(m.ByType(restype.TLSPrivateKey)); n != 0 {
		t.Errorf("%d private keys made, want none: the bundle replaces the private CA", n)
	}
}
