// Package tls secures traffic in transit: an ACM certificate (DNS-validated,
// or issued by a pulumi-tls private CA and imported) on an internet-facing
// Application Load Balancer that speaks only modern TLS, redirects HTTP to
// HTTPS, drops invalid headers, logs to a locked-down bucket and, by config,
// verifies client certificates.
package tls

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	ptls "github.com/pulumi/pulumi-tls/sdk/v5/go/tls"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/example/hardening/internal/awsenv"
	"github.com/example/hardening/internal/logbucket"
	"github.com/example/hardening/tls/policy"
)

// LoadBalancerType is the type token of the LoadBalancer component.
const LoadBalancerType = "hardening:tls:LoadBalancer"

// PrivateCAArgs configures the pulumi-tls private CA.
type PrivateCAArgs struct {
	// KeyAlgorithm is the CA's and its certificates' key: ECDSA P-256 or
	// RSA 3072.
	KeyAlgorithm policy.CAKey
	// CommonName names the CA.
	CommonName string
	// CAValidityHours, CertValidityHours and EarlyRenewalHours set the CA's
	// lifetime, an issued certificate's, and the renewal window.
	CAValidityHours, CertValidityHours, EarlyRenewalHours int
}

// LoadBalancerArgs configures a LoadBalancer.
type LoadBalancerArgs struct {
	// Domain is the public name served; empty means the server certificate
	// comes from the private CA (PrivateCA must be set).
	Domain string
	// AlternativeNames are more names on the certificate.
	AlternativeNames []string
	// HostedZoneID holds the DNS validation records for Domain.
	HostedZoneID string
	// KeyAlgorithm is the ACM key algorithm (EC_prime256v1, ...).
	KeyAlgorithm string
	// ServerName is the private certificate's name when Domain is empty.
	ServerName string
	// SSLPolicy names a policy from tls/policy's catalogue.
	SSLPolicy string
	// PrivateCA, when set, creates the private CA.
	PrivateCA *PrivateCAArgs
	// MutualTLS turns on client-certificate verification.
	MutualTLS bool
	// CABundlePEM is the trusted client CA bundle; empty means the private CA.
	CABundlePEM string
	// ClientName is the service the example client certificate is issued to.
	ClientName string

	// VPCID, PublicSubnetIDs and SecurityGroupID place the load balancer.
	VPCID           pulumi.StringInput
	PublicSubnetIDs pulumi.StringArrayInput
	SecurityGroupID pulumi.StringInput
	// ZoneCount is the number of zones of PublicSubnetIDs (at least 2).
	ZoneCount int
	// TargetPort and HealthCheckPath configure the app target group.
	TargetPort      int
	HealthCheckPath string
	// DeletionProtection protects the load balancer from deletion.
	DeletionProtection bool
	// LogExpirationDays is how long the access and connection logs stay.
	LogExpirationDays int
	// AccessLogBucket receives the log bucket's own S3 server access logs
	// (FSBP S3.9); nil for none.
	AccessLogBucket pulumi.StringInput
	// Env scopes the log bucket policy.
	Env awsenv.Env
	// Protect protects the log bucket and retains it on delete.
	Protect bool
}

// LoadBalancer is the hardened HTTPS entry point of the stack.
type LoadBalancer struct {
	pulumi.ResourceState

	// DNSName is the load balancer's DNS name.
	DNSName pulumi.StringOutput `pulumi:"dnsName"`
	// ARN is the load balancer's ARN.
	ARN pulumi.StringOutput `pulumi:"arn"`
	// HTTPListenerARN is the redirecting :80 listener.
	HTTPListenerARN pulumi.StringOutput `pulumi:"httpListenerArn"`
	// HTTPSListenerARN is the :443 listener.
	HTTPSListenerARN pulumi.StringOutput `pulumi:"httpsListenerArn"`
	// TargetGroupARN is the app tier's target group.
	TargetGroupARN pulumi.StringOutput `pulumi:"targetGroupArn"`
	// CertificateARN is the listener's certificate.
	CertificateARN pulumi.StringOutput `pulumi:"certificateArn"`
	// CACertificatePEM is the private CA's certificate (public), or empty.
	CACertificatePEM pulumi.StringOutput `pulumi:"caCertificatePem"`
	// ClientCertificatePEM is the example client certificate, or empty.
	ClientCertificatePEM pulumi.StringOutput `pulumi:"clientCertificatePem"`
	// ClientPrivateKeyPEM is the example client's key, secret, or empty.
	ClientPrivateKeyPEM pulumi.StringOutput `pulumi:"clientPrivateKeyPem"`
	// LogBucket is the access and connection log bucket's name.
	LogBucket pulumi.StringOutput `pulumi:"logBucket"`
}

// NewLoadBalancer creates a LoadBalancer.
func NewLoadBalancer(ctx *pulumi.Context, name string, args *LoadBalancerArgs, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("tls %s: %w", name, err)
	}
	l := &LoadBalancer{}
	if err := ctx.RegisterComponentResource(LoadBalancerType, name, l, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, args: args, parent: pulumi.Parent(l)}
	// Each step takes what an earlier one made as arguments, so the order
	// is the compiler's to check.
	fail := func(err error) (*LoadBalancer, error) { return nil, fmt.Errorf("tls %s: %w", name, err) }
	ca, err := b.privateCA()
	if err != nil {
		return fail(err)
	}
	certARN, err := b.certificate(ca)
	if err != nil {
		return fail(err)
	}
	logs, err := b.logBucket()
	if err != nil {
		return fail(err)
	}
	alb, targetGroup, err := b.loadBalancer(logs)
	if err != nil {
		return fail(err)
	}
	if err := b.dnsNames(alb); err != nil {
		return fail(err)
	}
	trust, err := b.trustStore(ca, logs)
	if err != nil {
		return fail(err)
	}
	httpListener, httpsListener, err := b.listeners(alb, targetGroup, certARN, trust)
	if err != nil {
		return fail(err)
	}
	empty := pulumi.String("").ToStringOutput()
	l.DNSName = alb.DnsName
	l.ARN = alb.Arn
	l.HTTPListenerARN = httpListener.Arn
	l.HTTPSListenerARN = httpsListener.Arn
	l.TargetGroupARN = targetGroup.Arn
	l.CertificateARN = certARN
	l.CACertificatePEM, l.ClientCertificatePEM, l.ClientPrivateKeyPEM = empty, empty, pulumi.ToSecret(empty).(pulumi.StringOutput)
	if ca != nil {
		l.CACertificatePEM = ca.cert.CertPem
	}
	if ca != nil && ca.clientCert != nil {
		l.ClientCertificatePEM = ca.clientCert.CertPem
		l.ClientPrivateKeyPEM = pulumi.ToSecret(ca.clientKey.PrivateKeyPem).(pulumi.StringOutput)
	}
	l.LogBucket = logs.Bucket.Bucket
	return l, ctx.RegisterResourceOutputs(l, pulumi.Map{
		"dnsName":              l.DNSName,
		"arn":                  l.ARN,
		"httpListenerArn":      l.HTTPListenerARN,
		"httpsListenerArn":     l.HTTPSListenerARN,
		"targetGroupArn":       l.TargetGroupARN,
		"certificateArn":       l.CertificateARN,
		"caCertificatePem":     l.CACertificatePEM,
		"clientCertificatePem": l.ClientCertificatePEM,
		"clientPrivateKeyPem":  l.ClientPrivateKeyPEM,
		"logBucket":            l.LogBucket,
	})
}

// Validate reports every problem of the arguments at once (tls/policy
// holds the rules the configuration reuses).
func (a *LoadBalancerArgs) Validate() error {
	if a == nil {
		return errors.New("args are required")
	}
	// The rules the configuration checks too live in tls/policy.
	errs := a.settings().Check().Errors()
	if a.ZoneCount < 2 {
		errs = append(errs, fmt.Errorf("%d zones: a load balancer needs subnets in at least 2 (ELB.13)", a.ZoneCount))
	}
	for _, f := range []struct {
		setting string
		missing bool
	}{{"VPCID", a.VPCID == nil}, {"PublicSubnetIDs", a.PublicSubnetIDs == nil}, {"SecurityGroupID", a.SecurityGroupID == nil}} {
		if f.missing {
			errs = append(errs, fmt.Errorf("%s: is required", f.setting))
		}
	}
	return errors.Join(errs...)
}

func (a *LoadBalancerArgs) settings() policy.Settings {
	return policy.Settings{
		Domain: a.Domain, HostedZoneID: a.HostedZoneID, SSLPolicy: a.SSLPolicy,
		PrivateCA: a.PrivateCA != nil, MutualTLS: a.MutualTLS, CABundlePEM: a.CABundlePEM,
	}
}

// builder holds what every step of one NewLoadBalancer call reads and
// none changes.
type builder struct {
	ctx    *pulumi.Context
	name   string
	args   *LoadBalancerArgs
	parent pulumi.ResourceOption
}

// privateCA is the CA privateCA made, with the example client certificate
// for mutual TLS when it issued one.
type privateCA struct {
	key        *ptls.PrivateKey
	cert       *ptls.SelfSignedCert
	clientKey  *ptls.PrivateKey
	clientCert *ptls.LocallySignedCert
}

func (b *builder) child(suffix string) string { return b.name + "-" + suffix }

func (b *builder) newKey(suffix string) (*ptls.PrivateKey, error) {
	args := &ptls.PrivateKeyArgs{Algorithm: pulumi.String("ECDSA"), EcdsaCurve: pulumi.String("P256")}
	if b.args.PrivateCA.KeyAlgorithm == policy.CAKeyRSA3072 {
		args = &ptls.PrivateKeyArgs{Algorithm: pulumi.String("RSA"), RsaBits: pulumi.Int(3072)}
	}
	// The generated SDK registers the key PEMs as additional secret
	// outputs; every use below wraps them in ToSecret as well.
	return ptls.NewPrivateKey(b.ctx, b.child(suffix), args, b.parent)
}

// issue signs a certificate for names with the private CA.
func (b *builder) issue(ca *privateCA, suffix string, key *ptls.PrivateKey, commonName string, names []string, uses []string) (*ptls.LocallySignedCert, error) {
	csr, err := ptls.NewCertRequest(b.ctx, b.child(suffix), &ptls.CertRequestArgs{
		PrivateKeyPem: pulumi.ToSecret(key.PrivateKeyPem).(pulumi.StringOutput),
		DnsNames:      pulumi.ToStringArray(names),
		Subject:       &ptls.CertRequestSubjectArgs{CommonName: pulumi.String(commonName)},
	}, b.parent)
	if err != nil {
		return nil, err
	}
	hours := b.args.PrivateCA
	return ptls.NewLocallySignedCert(b.ctx, b.child(suffix), &ptls.LocallySignedCertArgs{
		CertRequestPem:      csr.CertRequestPem,
		CaPrivateKeyPem:     pulumi.ToSecret(ca.key.PrivateKeyPem).(pulumi.StringOutput),
		CaCertPem:           ca.cert.CertPem,
		ValidityPeriodHours: pulumi.Int(hours.CertValidityHours),
		EarlyRenewalHours:   pulumi.Int(hours.EarlyRenewalHours),
		AllowedUses:         pulumi.ToStringArray(uses),
	}, b.parent)
}

// privateCA creates the CA: a certificate allowed only to sign
// certificates and CRLs, and, for mutual TLS, an example client certificate.
func (b *builder) privateCA() (*privateCA, error) {
	ca := b.args.PrivateCA
	if ca == nil {
		return nil, nil
	}
	out := &privateCA{}
	var err error
	if out.key, err = b.newKey("ca"); err != nil {
		return nil, err
	}
	out.cert, err = ptls.NewSelfSignedCert(b.ctx, b.child("ca"), &ptls.SelfSignedCertArgs{
		PrivateKeyPem:       pulumi.ToSecret(out.key.PrivateKeyPem).(pulumi.StringOutput),
		IsCaCertificate:     pulumi.Bool(true),
		MaxPathLength:       pulumi.Int(0),
		SetSubjectKeyId:     pulumi.Bool(true),
		ValidityPeriodHours: pulumi.Int(ca.CAValidityHours),
		EarlyRenewalHours:   pulumi.Int(ca.EarlyRenewalHours),
		AllowedUses:         pulumi.ToStringArray([]string{"cert_signing", "crl_signing"}),
		Subject:             &ptls.SelfSignedCertSubjectArgs{CommonName: pulumi.String(ca.CommonName)},
	}, b.parent)
	if err != nil {
		return nil, err
	}
	if !b.args.MutualTLS || b.args.CABundlePEM != "" {
		return out, nil
	}
	if out.clientKey, err = b.newKey("client-" + b.args.ClientName); err != nil {
		return nil, err
	}
	out.clientCert, err = b.issue(out, "client-"+b.args.ClientName, out.clientKey, b.args.ClientName, nil, []string{"digital_signature", "key_encipherment", "client_auth"})
	return out, err
}

// certificate gives the HTTPS listener its certificate: DNS-validated from
// ACM for a public domain, or issued by the private CA and imported. ACM
// never renews an imported certificate; its early renewal window makes
// any `pulumi up` inside the window issue and import a new one.
func (b *builder) certificate(ca *privateCA) (pulumi.StringOutput, error) {
	a := b.args
	if a.Domain == "" {
		key, err := b.newKey("server")
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		cert, err := b.issue(ca, "server", key, a.ServerName, []string{a.ServerName}, []string{"digital_signature", "key_encipherment", "server_auth"})
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		imported, err := acm.NewCertificate(b.ctx, b.child("server"), &acm.CertificateArgs{
			PrivateKey:       pulumi.ToSecret(key.PrivateKeyPem).(pulumi.StringOutput),
			CertificateBody:  cert.CertPem,
			CertificateChain: ca.cert.CertPem,
		}, b.parent)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		return imported.Arn, nil
	}
	cert, err := acm.NewCertificate(b.ctx, b.child("cert"), &acm.CertificateArgs{
		DomainName:              pulumi.String(a.Domain),
		SubjectAlternativeNames: pulumi.ToStringArray(a.AlternativeNames),
		ValidationMethod:        pulumi.String("DNS"),
		KeyAlgorithm:            pulumi.String(a.KeyAlgorithm),
		Options: &acm.CertificateOptionsArgs{
			CertificateTransparencyLoggingPreference: pulumi.String("ENABLED"),
		},
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	var fqdns pulumi.StringArray
	for _, domain := range ValidationDomains(a.Domain, a.AlternativeNames) {
		base := strings.TrimPrefix(domain, "*.")
		option := func(field func(acm.CertificateDomainValidationOption) *string) pulumi.StringOutput {
			return cert.DomainValidationOptions.ApplyT(func(opts []acm.CertificateDomainValidationOption) (string, error) {
				for _, o := range opts {
					if o.DomainName != nil && *o.DomainName == domain && field(o) != nil {
						return *field(o), nil
					}
				}
				return "", fmt.Errorf("ACM returned no validation record for %s", domain)
			}).(pulumi.StringOutput)
		}
		rec, err := route53.NewRecord(b.ctx, b.child("validation-"+strings.ReplaceAll(base, ".", "-")), &route53.RecordArgs{
			ZoneId:         pulumi.String(a.HostedZoneID),
			Name:           option(func(o acm.CertificateDomainValidationOption) *string { return o.ResourceRecordName }),
			Type:           option(func(o acm.CertificateDomainValidationOption) *string { return o.ResourceRecordType }),
			Records:        pulumi.StringArray{option(func(o acm.CertificateDomainValidationOption) *string { return o.ResourceRecordValue })},
			Ttl:            pulumi.Int(60),
			AllowOverwrite: pulumi.Bool(true),
		}, b.parent)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		fqdns = append(fqdns, rec.Fqdn)
	}
	validation, err := acm.NewCertificateValidation(b.ctx, b.child("cert"), &acm.CertificateValidationArgs{
		CertificateArn:        cert.Arn,
		ValidationRecordFqdns: fqdns,
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// The listener takes the ARN from the validation, so it waits for it.
	return validation.CertificateArn, nil
}

// ValidationDomains returns the names that need their own validation
// record, as ACM reports them in DomainValidationOptions (a wildcard as
// "*.example.com"). A wildcard whose base name is on the certificate too
// shares that name's record and is left out; one whose base is not (a
// "*.example.com" beside "app.example.com") is looked up by its own name.
func ValidationDomains(domain string, alternatives []string) []string {
	names := append([]string{domain}, alternatives...)
	var out []string
	for _, d := range names {
		base, wildcard := strings.CutPrefix(d, "*.")
		if wildcard && slices.Contains(names, base) || slices.Contains(out, d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func (b *builder) loadBalancer(logs *logbucket.Bucket) (*lb.LoadBalancer, *lb.TargetGroup, error) {
	a := b.args
	alb, err := lb.NewLoadBalancer(b.ctx, b.child("alb"), &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		Subnets:                  a.PublicSubnetIDs,
		SecurityGroups:           pulumi.StringArray{a.SecurityGroupID},
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("strictest"),
		EnableDeletionProtection: pulumi.Bool(a.DeletionProtection),
		EnableHttp2:              pulumi.Bool(true),
		EnableWafFailOpen:        pulumi.Bool(false),
		AccessLogs: &lb.LoadBalancerAccessLogsArgs{
			Bucket: logs.Bucket.Bucket, Prefix: pulumi.String(accessLogPrefix), Enabled: pulumi.Bool(true),
		},
		ConnectionLogs: &lb.LoadBalancerConnectionLogsArgs{
			Bucket: logs.Bucket.Bucket, Prefix: pulumi.String(connectionLogPrefix), Enabled: pulumi.Bool(true),
		},
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{logs.Policy}),
		// Replacing it changes the public endpoint: the engine refuses to
		// while it is protected.
		pulumi.Protect(a.Protect))
	if err != nil {
		return nil, nil, err
	}
	targetGroup, err := lb.NewTargetGroup(b.ctx, b.child("app"), &lb.TargetGroupArgs{
		VpcId:      a.VPCID,
		TargetType: pulumi.String("ip"),
		Port:       pulumi.Int(a.TargetPort),
		Protocol:   pulumi.String("HTTPS"),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:  pulumi.Bool(true),
			Protocol: pulumi.String("HTTPS"),
			Path:     pulumi.String(a.HealthCheckPath),
			Matcher:  pulumi.String("200"),
		},
	}, b.parent)
	return alb, targetGroup, err
}

// trustStore uploads the client CA bundle and creates the trust store that
// the HTTPS listener verifies client certificates against.
// dnsNames points the domain and its named alternatives at the load
// balancer with alias A records in the hosted zone (the zone that already
// holds their validation records); wildcards are left to the owner of the
// names under them. Without a domain there is no public name to point.
func (b *builder) dnsNames(alb *lb.LoadBalancer) error {
	a := b.args
	if a.Domain == "" {
		return nil
	}
	for _, name := range append([]string{a.Domain}, a.AlternativeNames...) {
		if strings.HasPrefix(name, "*.") {
			continue
		}
		if _, err := route53.NewRecord(b.ctx, b.child("alias-"+strings.ReplaceAll(name, ".", "-")), &route53.RecordArgs{
			ZoneId: pulumi.String(a.HostedZoneID),
			Name:   pulumi.String(name),
			// The load balancer is IPv4 only (no dualstack), so A and no
			// AAAA.
			Type: pulumi.String("A"),
			Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
				Name:                 alb.DnsName,
				ZoneId:               alb.ZoneId,
				EvaluateTargetHealth: pulumi.Bool(true),
			}},
		}, b.parent); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) trustStore(ca *privateCA, logs *logbucket.Bucket) (*lb.TrustStore, error) {
	if !b.args.MutualTLS {
		return nil, nil
	}
	bundle := pulumi.String(b.args.CABundlePEM).ToStringOutput()
	if b.args.CABundlePEM == "" {
		bundle = ca.cert.CertPem
	}
	obj, err := s3.NewBucketObjectv2(b.ctx, b.child("ca-bundle"), &s3.BucketObjectv2Args{
		Bucket:      logs.Bucket.ID(),
		Key:         pulumi.String(trustStorePrefix + "/ca-bundle.pem"),
		Content:     bundle,
		ContentType: pulumi.String("application/x-pem-file"),
	}, b.parent)
	if err != nil {
		return nil, err
	}
	return lb.NewTrustStore(b.ctx, b.child("clients"), &lb.TrustStoreArgs{
		CaCertificatesBundleS3Bucket:        logs.Bucket.Bucket,
		CaCertificatesBundleS3Key:           obj.Key,
		CaCertificatesBundleS3ObjectVersion: obj.VersionId,
	}, b.parent)
}

// listeners: :80 only redirects to HTTPS; :443 serves the certificate with
// the catalogue policy, sets the security headers and forwards to the app.
func (b *builder) listeners(alb *lb.LoadBalancer, targetGroup *lb.TargetGroup, certARN pulumi.StringOutput, trust *lb.TrustStore) (http, https *lb.Listener, err error) {
	http, err = lb.NewListener(b.ctx, b.child("http"), &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Port: pulumi.String("443"), Protocol: pulumi.String("HTTPS"), StatusCode: pulumi.String("HTTP_301"),
			},
		}},
	}, b.parent)
	if err != nil {
		return nil, nil, err
	}
	args := &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(b.args.SSLPolicy),
		CertificateArn:  certARN,
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("forward"), TargetGroupArn: targetGroup.Arn,
		}},
		RoutingHttpResponseStrictTransportSecurityHeaderValue: pulumi.String(policy.HSTS),
		RoutingHttpResponseXContentTypeOptionsHeaderValue:     pulumi.String(policy.ContentTypeOptions),
		RoutingHttpResponseXFrameOptionsHeaderValue:           pulumi.String(policy.FrameOptions),
		RoutingHttpResponseServerEnabled:                      pulumi.Bool(false),
	}
	if trust != nil {
		args.MutualAuthentication = &lb.ListenerMutualAuthenticationArgs{
			Mode:          pulumi.String("verify"),
			TrustStoreArn: trust.Arn,
		}
	}
	https, err = lb.NewListener(b.ctx, b.child("https"), args, b.parent)
	return http, https, err
}
