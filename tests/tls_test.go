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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
				assert.Equal(t, c.want, input(alb, c.key), c.key)
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
			assert.ElementsMatch(t, public, got, "subnets: want the %d public ones", len(public))
			assert.GreaterOrEqual(t, len(got), 2, "subnets %v, want at least 2", got)
		})
		t.Run(stack+"/behind the network's load-balancer security group only", func(t *testing.T) {
			var lbSG string
			for _, sg := range m.ByType(restype.EC2SecurityGroup) {
				if strings.HasSuffix(sg.Name, "-lb") {
					lbSG = id(sg)
				}
			}
			assert.Equal(t, []string{lbSG}, strs(alb, "securityGroups"), "security groups")
		})
		t.Run(stack+"/logs go to the stack's log bucket", func(t *testing.T) {
			bucket := lbLogBucket(t, m)
			assert.Equal(t, output(bucket, "bucket"), input(alb, "accessLogs.bucket"), "access logs bucket")
			assert.Equal(t, output(bucket, "bucket"), input(alb, "connectionLogs.bucket"), "connection logs bucket")
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
			require.Len(t, actions, 1, "default actions")
			a := actions[0].(map[string]any)
			r, _ := a["redirect"].(map[string]any)
			assert.Equal(t, "redirect", a["type"], "default action %v, want a 301 redirect to HTTPS:443", a)
			assert.Equal(t, "HTTPS", r["protocol"], "default action %v, want a 301 redirect to HTTPS:443", a)
			assert.Equal(t, "443", r["port"], "default action %v, want a 301 redirect to HTTPS:443", a)
			assert.Equal(t, "HTTP_301", r["statusCode"], "default action %v, want a 301 redirect to HTTPS:443", a)
		})
		t.Run(stack+"/HTTPS on 443 (ELB.18)", func(t *testing.T) {
			assert.Equal(t, "HTTPS", str(https, "protocol"), "protocol")
		})
		t.Run(stack+"/TLS policy from the catalogue and accepted by ELB.17", func(t *testing.T) {
			p, ok := policy.Lookup(str(https, "sslPolicy"))
			assert.True(t, ok, "sslPolicy %q is in the catalogue", str(https, "sslPolicy"))
			assert.True(t, p.ELB17, "sslPolicy %q is accepted by ELB.17", str(https, "sslPolicy"))
			assert.Equal(t, cfg.TLS.SSLPolicy, str(https, "sslPolicy"), "sslPolicy")
		})
		t.Run(stack+"/security response headers", func(t *testing.T) {
			hsts := str(https, "routingHttpResponseStrictTransportSecurityHeaderValue")
			assert.Contains(t, hsts, "includeSubDomains", "HSTS %q, want max-age and includeSubDomains", hsts)
			assert.True(t, strings.HasPrefix(hsts, "max-age="), "HSTS %q, want max-age and includeSubDomains", hsts)
			age, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(hsts, ";", 2)[0], "max-age="))
			assert.NoError(t, err, "HSTS max-age")
			assert.GreaterOrEqual(t, age, 31536000, "HSTS max-age, want at least one year")
			assert.Equal(t, "nosniff", str(https, "routingHttpResponseXContentTypeOptionsHeaderValue"), "X-Content-Type-Options")
			assert.Equal(t, "DENY", str(https, "routingHttpResponseXFrameOptionsHeaderValue"), "X-Frame-Options")
			v, set := boolean(https, "routingHttpResponseServerEnabled")
			assert.True(t, set, "server header enabled=%v set=%v, want explicitly off", v, set)
			assert.False(t, v, "server header enabled=%v set=%v, want explicitly off", v, set)
		})
		t.Run(stack+"/forwards to an HTTPS target group with HTTPS health checks (ELB.21, ELB.22)", func(t *testing.T) {
			tg := only(t, m, restype.LBTargetGroup)
			actions, _ := input(https, "defaultActions").([]any)
			if assert.Len(t, actions, 1, "default actions %v, want forward to %v", actions, output(tg, "arn")) {
				assert.Equal(t, output(tg, "arn"), actions[0].(map[string]any)["targetGroupArn"], "default actions %v, want forward to %v", actions, output(tg, "arn"))
			}
			assert.Equal(t, "HTTPS", str(tg, "protocol"), "target group protocol")
			assert.Equal(t, "HTTPS", str(tg, "healthCheck.protocol"), "health check protocol")
			assert.Equal(t, cfg.TLS.TargetPort, num(tg, "port"), "target group port")
			assert.Equal(t, cfg.TLS.HealthCheckPath, str(tg, "healthCheck.path"), "health check path")
		})
		t.Run(stack+"/HTTPS listener uses the stack's certificate", func(t *testing.T) {
			cert := only(t, m, restype.ACMCertificate)
			assert.Equal(t, output(cert, "arn"), str(https, "certificateArn"), "certificateArn")
		})
		t.Run(stack+"/mutual TLS in verify mode exactly when configured", func(t *testing.T) {
			mode := str(https, "mutualAuthentication.mode")
			stores := m.ByType(restype.LBTrustStore)
			if cfg.TLS.MutualTLS.Enabled {
				assert.Equal(t, "verify", mode, "mutual authentication mode")
				if assert.Len(t, stores, 1, "trust stores") {
					assert.Equal(t, output(stores[0], "arn"), str(https, "mutualAuthentication.trustStoreArn"), "mutual authentication: want verify against the trust store")
				}
			} else {
				assert.Empty(t, mode, "mutual authentication mode, want none")
				assert.Empty(t, stores, "trust stores, want none")
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
				assert.Equal(t, cfg.TLS.Domain, str(cert, "domainName"), "domain")
				assert.Equal(t, "DNS", str(cert, "validationMethod"), "validation method")
				assert.Equal(t, "ENABLED", str(cert, "options.certificateTransparencyLoggingPreference"), "transparency logging (CKV_AWS_234)")
				got := str(cert, "keyAlgorithm")
				assert.Equal(t, cfg.TLS.KeyAlgorithm, got, "key algorithm (ACM.2)")
				assert.True(t, strings.HasPrefix(got, "EC_") || got == "RSA_2048", "key algorithm %s (ACM.2)", got)
				assert.False(t, cert.DeleteBeforeReplace, "certificate is deleted before its replacement exists")
			})
			t.Run(stack+"/validation records in the hosted zone, and the listener waits for validation", func(t *testing.T) {
				v := only(t, m, restype.ACMCertificateValidation)
				records := m.ByType(restype.Route53Record)
				require.NotEmpty(t, records, "no validation records")
				var fqdns []string
				for _, r := range records {
					if str(r, "type") == "A" {
						continue // the alias records, below
					}
					assert.Equal(t, cfg.TLS.HostedZoneID, str(r, "zoneId"), "record %s zone", r.Name)
					assert.Equal(t, "CNAME", str(r, "type"), "record %s type", r.Name)
					fqdns = append(fqdns, output(r, "fqdn").(string))
				}
				got := strs(v, "validationRecordFqdns")
				slices.Sort(got)
				slices.Sort(fqdns)
				assert.ElementsMatch(t, fqdns, got, "validation records of %s", str(v, "certificateArn"))
				assert.Equal(t, output(cert, "arn"), str(v, "certificateArn"), "validated certificate")
				https := listenerOnPort(t, m, 443)
				// The domain points at the load balancer: without it neither
				// https://<domain>/ nor the Cognito callback reaches the site.
				alb := only(t, m, restype.LBLoadBalancer)
				var aliased bool
				for _, r := range records {
					aliased = aliased || str(r, "type") == "A" && str(r, "name") == cfg.TLS.Domain && str(r, "zoneId") == cfg.TLS.HostedZoneID &&
						input(r, "aliases.0.name") == output(alb, "dnsName") && input(r, "aliases.0.zoneId") == output(alb, "zoneId")
				}
				assert.True(t, aliased, "no alias A record for %s to the load balancer", cfg.TLS.Domain)
				// The listener's ARN comes from the validation's output, so it
				// is created only once the certificate is issued.
				assert.Equal(t, output(v, "certificateArn"), str(https, "certificateArn"), "listener does not take its certificate from the validation")
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
				assert.Equal(t, output(server, "certPem"), str(cert, "certificateBody"), "imported certificate is not the CA-issued server certificate with the CA chain")
				assert.Equal(t, output(ca, "certPem"), str(cert, "certificateChain"), "imported certificate is not the CA-issued server certificate with the CA chain")
				assert.Contains(t, cert.SecretInputs, "privateKey", "imported private key is not secret")
				uses := strs(server, "allowedUses")
				assert.Contains(t, uses, "server_auth", "server certificate uses %v", uses)
				assert.NotContains(t, uses, "cert_signing", "server certificate uses %v", uses)
			})
			t.Run(stack+"/renewed early by any pulumi up inside the window", func(t *testing.T) {
				for _, c := range append(m.ByType(restype.TLSLocallySignedCert), m.ByType(restype.TLSSelfSignedCert)...) {
					got := num(c, "earlyRenewalHours")
					assert.Equal(t, cfg.TLS.PrivateCA.EarlyRenewalHours, got, "%s earlyRenewalHours", c.Name)
					assert.NotZero(t, got, "%s earlyRenewalHours", c.Name)
					assert.Greater(t, num(c, "validityPeriodHours"), num(c, "earlyRenewalHours"), "%s validity %d is inside its renewal window", c.Name, num(c, "validityPeriodHours"))
				}
			})
		}
		if cfg.TLS.PrivateCA.Enabled {
			t.Run(stack+"/CA certificate only signs certificates and CRLs", func(t *testing.T) {
				ca := only(t, m, restype.TLSSelfSignedCert)
				uses := strs(ca, "allowedUses")
				slices.Sort(uses)
				v, _ := boolean(ca, "isCaCertificate")
				assert.True(t, v, "CA: isCa %v uses %v", v, uses)
				assert.Equal(t, []string{"cert_signing", "crl_signing"}, uses, "CA uses")
			})
			t.Run(stack+"/CA keys are ECDSA P-256 or RSA 3072", func(t *testing.T) {
				for _, k := range m.ByType(restype.TLSPrivateKey) {
					alg := str(k, "algorithm")
					assert.True(t, alg == "ECDSA" && str(k, "ecdsaCurve") == "P256" || alg == "RSA" && num(k, "rsaBits") == 3072, "key %s: %s %s %d", k.Name, alg, str(k, "ecdsaCurve"), num(k, "rsaBits"))
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
	require.Len(t, on, 1, "%s on bucket %s", typ, bid)
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
				v, _ := boolean(pab, k)
				assert.True(t, v, "%s off", k)
			}
		})
		t.Run(stack+"/bucket owner enforced, versioned, SSE-S3", func(t *testing.T) {
			assert.Equal(t, "BucketOwnerEnforced", input(of(restype.S3BucketOwnershipControls), "rule.objectOwnership"), "ownership")
			assert.Equal(t, "Enabled", input(of(restype.S3BucketVersioningV2), "versioningConfiguration.status"), "versioning")
			rules, _ := input(of(restype.S3BucketServerSideEncryptionConfigurationV2), "rules").([]any)
			require.Len(t, rules, 1, "encryption rules %v, want SSE-S3 (what ALB log delivery supports)", rules)
			assert.Equal(t, "AES256", rules[0].(map[string]any)["applyServerSideEncryptionByDefault"].(map[string]any)["sseAlgorithm"], "encryption rules %v, want SSE-S3 (what ALB log delivery supports)", rules)
		})
		t.Run(stack+"/logs expire after the configured days", func(t *testing.T) {
			rules, _ := input(of(restype.S3BucketLifecycleConfigurationV2), "rules").([]any)
			require.NotEmpty(t, rules, "no lifecycle rules")
			for _, r := range rules {
				exp := r.(map[string]any)["expiration"].(map[string]any)["days"]
				assert.Equal(t, cfg.TLS.LogExpirationDays, int(exp.(float64)), "rule %v expiry days", r.(map[string]any)["id"])
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
					require.NotEmpty(t, want, "no known log-delivery account for this stack's region")
					assert.Equal(t, []string{want}, p.AWS, "bucket writable by %s, want the regional ELB account %s only", s.Principal, want)
					assert.Empty(t, p.Service, "bucket writable by %s, want the regional ELB account %s only", s.Principal, want)
					assert.Equal(t, []string{"s3:PutObject"}, s.Action, "log delivery actions, want only s3:PutObject")
					for _, r := range s.Resource {
						assert.True(t, strings.HasPrefix(r, arn+"/"), "log delivery writes %s, want only this account's log prefixes", r)
						assert.True(t, strings.HasSuffix(r, "/AWSLogs/"+accountOf(stack)+"/*"), "log delivery writes %s, want only this account's log prefixes", r)
					}
					deliver = true
				}
			}
			assert.True(t, denyTLS, "deny non-TLS %v, log delivery %v: want both", denyTLS, deliver)
			assert.True(t, deliver, "deny non-TLS %v, log delivery %v: want both", denyTLS, deliver)
		})
		t.Run(stack+"/bucket protected per protectStateful", func(t *testing.T) {
			assert.Equal(t, cfg.ProtectStateful, bucket.Protect, "protect")
			assert.Equal(t, cfg.ProtectStateful, bucket.RetainOnDelete, "retain on delete")
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
	require.NoError(t, err)
	runs["prod with mutual TLS"] = m
	for name, m := range runs {
		t.Run(name, func(t *testing.T) {
			n := 0
			for _, r := range m.Resources() {
				for label, pm := range map[string]any{"inputs": plan.MaskedInputs(r.Inputs), "outputs": plan.MaskedInputs(r.Outputs)} {
					b, _ := json.Marshal(pm)
					// Not assert.NotContains: its message would print the key.
					assert.False(t, strings.Contains(string(b), "PRIVATE KEY"), "%s %s %s hold private key material unsecret", r.Type, r.Name, label)
				}
				if strings.Contains(r.Type, "privateKey") {
					n++
				}
			}
			if name != "prod" {
				assert.NotZero(t, n, "no private keys were made, so the scan proved nothing")
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
			assert.NotEmpty(t, got[k].value, "%s empty", k)
		})
	}
	t.Run("dev/client private key is a secret output", func(t *testing.T) {
		assert.True(t, got["clientKey"].secret, "client key secret")
		// Not assert.Contains: its message would print the key.
		assert.True(t, strings.Contains(got["clientKey"].value, "PRIVATE KEY"), "client key output holds no private key")
	})
	t.Run("dev/CA output is the public certificate only", func(t *testing.T) {
		assert.NotContains(t, got["ca"].value, "PRIVATE KEY", "CA output")
		assert.Contains(t, got["ca"].value, "CERTIFICATE", "CA output")
	})
}

func TestMutualTLSWithGivenBundle(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "partner CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	bundle := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	cfgJSON, _ := json.Marshal(map[string]any{
		"domain": "app.example.com", "hostedZoneId": "Z0EXAMPLE",
		"mutualTls": map[string]any{"enabled": true, "caBundlePem": bundle},
	})
	s := loadStack(t, "prod")
	s.Set("tls", string(cfgJSON))
	m, err := s.Run(baseline.Run)
	require.NoError(t, err)
	obj := only(t, m, restype.S3BucketObjectV2)
	assert.Equal(t, bundle, str(obj, "content"), "uploaded bundle differs from the configured one")
	store := only(t, m, restype.LBTrustStore)
	assert.Equal(t, str(obj, "key"), str(store, "caCertificatesBundleS3Key"), "trust store bundle key, want the uploaded bundle")
	assert.Equal(t, output(obj, "versionId"), str(store, "caCertificatesBundleS3ObjectVersion"), "trust store bundle version, want the uploaded bundle")
	assert.Equal(t, "verify", str(listenerOnPort(t, m, 443), "mutualAuthentication.mode"), "listener does not verify client certificates")
	assert.Empty(t, m.ByType(restype.TLSPrivateKey), "private keys made, want none: the bundle replaces the private CA")
}
