package verify

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/stackconfig"
	"github.com/example/hardening/tls/policy"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// Command is the verify command: it parses args, runs the checks, writes
// the report to stdout and returns the exit code (0 when nothing failed, 1
// when a check failed, or with -strict when one was not made, 2 for
// usage). cmd/verify and the tests call it.
func Command(args []string, stdout, stderr io.Writer) int {
	return command(args, stdout, stderr, time.Now)
}

// command is Command with its clock, which the tests set to the time their
// recorded responses are written at.
func command(args []string, stdout, stderr io.Writer, clock func() time.Time) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack name: reads Pulumi.<stack>.yaml (required)")
	dir := fs.String("dir", ".", "project directory (holds Pulumi.yaml)")
	outputsFile := fs.String("outputs", "", "the stack's outputs, as `pulumi stack output --json` writes them (default: run it)")
	target := fs.String("url", "", "check this https URL's endpoint instead of the stack's; no account checks, no credentials needed")
	httpURL := fs.String("http-url", "", "the plain-HTTP URL whose redirect is checked (default: http:// and the https URL's host)")
	name := fs.String("name", "", "the name the certificate must carry (default: tls.domain, or tls.privateCa.serverName)")
	var cas []string
	fs.Func("ca", "a PEM file of CA certificates to trust besides the system's (repeatable)", func(s string) error { cas = append(cas, s); return nil })
	echoPath := fs.String("echo-path", "", "a path whose response echoes the request headers, to see an invalid header dropped")
	burst := fs.Bool("burst", false, "send a bounded burst against the endpoint until its rate rule answers 429")
	burstMax := fs.Int("burst-max", 0, "the burst's request cap (default three times the rule's limit)")
	burstTime := fs.Duration("burst-time", 5*time.Minute, "the burst's time cap")
	timeout := fs.Duration("timeout", 15*time.Second, "the timeout of each connection and request")
	trailAge := fs.Duration("trail-max-age", time.Hour, "how old the trail's latest delivery may be")
	flowAge := fs.Duration("flowlog-max-age", 2*time.Hour, "how old the flow logs' latest delivery may be")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	markdown := fs.Bool("markdown", false, "write the report as Markdown (for $GITHUB_STEP_SUMMARY)")
	strict := fs.Bool("strict", false, "fail when a check could not be made, not only when one failed")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "verify: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case *stack == "":
		return usage("-stack is required")
	case *asJSON && *markdown:
		return usage("-json and -markdown: choose one")
	case fs.NArg() > 0:
		return usage("unexpected arguments %v", fs.Args())
	case *burstMax < 0:
		return usage("-burst-max %d: give a positive cap, or 0 for three times the limit", *burstMax)
	}
	cfg, err := loadStack(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return exitFailed
	}
	ctx := context.Background()
	now := clock()
	var outputs *Outputs
	outputsWhy := ""
	switch {
	case *outputsFile != "":
		if outputs, err = readOutputsFile(*outputsFile); err != nil {
			fmt.Fprintf(stderr, "verify: %v\n", err)
			return exitFailed
		}
	case *target != "":
		outputsWhy = "-url: the endpoint checks only"
	default:
		if outputs, outputsWhy, err = pulumiOutputs(ctx, *dir, *stack); err != nil {
			fmt.Fprintf(stderr, "verify: %v\n", err)
			return exitFailed
		}
	}
	roots, err := trustedRoots(cas, cfg, outputs)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return exitFailed
	}
	plan := Plan{Stack: *stack, Now: now}
	e, why, err := endpointFor(cfg, outputs, *target, *httpURL, *name)
	if err != nil {
		return usage("%v", err)
	}
	if e != nil {
		e.Roots, e.EchoPath, e.Timeout = roots, *echoPath, *timeout
		if *burst {
			e.Burst = BurstFor(cfg.RateLimit.Site, cfg.RateLimit.Auth, cfg.RateLimit.Mode, clock)
			e.Burst.MaxDuration = *burstTime
			if *burstMax > 0 {
				e.Burst.MaxRequests = *burstMax
			}
		}
	}
	plan.Endpoint, plan.EndpointWhy = e, why
	switch {
	case *target != "":
		plan.AccountWhy = "-url: the endpoint checks only"
	case outputs == nil:
		plan.AccountWhy = outputsWhy
	default:
		awsCfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(cfg.Region))
		if err != nil {
			plan.AccountWhy = fmt.Sprintf("no AWS configuration: %v", err)
			break
		}
		plan.Account = &Account{Config: awsCfg, Outputs: outputs, Stack: cfg, Now: now, TrailMaxAge: *trailAge, FlowLogMaxAge: *flowAge}
	}
	report := Run(ctx, plan)
	switch {
	case *asJSON:
		err = report.WriteJSON(stdout)
	case *markdown:
		err = report.WriteMarkdown(stdout)
	default:
		err = report.WriteTable(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return exitFailed
	}
	if report.Failed(*strict) {
		return exitFailed
	}
	return exitOK
}

// loadStack reads and validates Pulumi.<stack>.yaml with the program's own
// configuration loader.
func loadStack(dir, name string) (*stackconfig.Config, error) {
	s, err := mockaws.LoadStack(dir, name)
	if err != nil {
		return nil, err
	}
	cfg, err := stackconfig.ParseKeys(s.Keys(), s.Value, s.IsSecret)
	if err != nil {
		return nil, fmt.Errorf("Pulumi.%s.yaml: %w", name, err)
	}
	return cfg, nil
}

func readOutputsFile(path string) (*Outputs, error) {
	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		return nil, fmt.Errorf("-outputs: %w", err)
	}
	defer func() { _ = f.Close() }() // read only
	o, err := ReadOutputs(f)
	if err != nil {
		return nil, fmt.Errorf("-outputs %s: %w", path, err)
	}
	return o, nil
}

// pulumiOutputs runs `pulumi stack output --json` when the CLI is on the
// path; without it the outputs are unknown, which is a reason, not an
// error.
func pulumiOutputs(ctx context.Context, dir, stack string) (*Outputs, string, error) {
	bin, err := exec.LookPath("pulumi")
	if err != nil {
		return nil, "no stack outputs: the pulumi CLI is not on the PATH; give -outputs", nil
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "stack", "output", "--json", "--stack", stack)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, "", fmt.Errorf("pulumi stack output --json --stack %s: %w: %s", stack, err, strings.TrimSpace(stderr.String()))
	}
	o, err := ReadOutputs(&stdout)
	return o, "", err
}

// trustedRoots are the system's roots, each -ca file's certificates, and
// the stack's private CA when it issues the server certificate.
func trustedRoots(files []string, cfg *stackconfig.Config, o *Outputs) (*x509.CertPool, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	for _, f := range files {
		pem, err := os.ReadFile(filepath.Clean(f))
		if err != nil {
			return nil, fmt.Errorf("-ca: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("-ca %s: no PEM certificate in it", f)
		}
	}
	if o != nil && cfg.TLS.Domain == "" && strings.Contains(o.CACertificatePEM, "BEGIN CERTIFICATE") {
		if !roots.AppendCertsFromPEM([]byte(o.CACertificatePEM)) {
			return nil, errors.New("stack output caCertificatePem: no certificate parses")
		}
	}
	return roots, nil
}

// endpointFor builds the endpoint from the stack's configuration and
// outputs, or from -url; nil with the reason when neither names one.
func endpointFor(cfg *stackconfig.Config, o *Outputs, target, httpURL, name string) (*Endpoint, string, error) {
	p, ok := policy.Lookup(cfg.TLS.SSLPolicy)
	if !ok {
		return nil, "", fmt.Errorf("tls.sslPolicy %q is not in the catalogue", cfg.TLS.SSLPolicy)
	}
	e := &Endpoint{
		ServerName: name, PrivateCA: cfg.TLS.Domain == "", Policy: p, ExpiryDays: cfg.Audit.CertificateExpiryDays,
		SignInPaths: cfg.Identity.AuthenticatedPaths,
	}
	if e.ServerName == "" {
		e.ServerName = cfg.TLS.Domain
		if e.PrivateCA {
			e.ServerName = cfg.TLS.PrivateCA.ServerName
		}
	}
	host := cfg.TLS.Domain
	if host == "" && o != nil {
		host = o.LoadBalancerDNSName
	}
	raw := "https://" + host
	switch {
	case target != "":
		raw = target
	case host == "":
		return nil, "the stack has no tls.domain and no loadBalancerDnsName output: give -outputs or -url", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, "", fmt.Errorf("-url %q: give an https URL such as https://app.example.com", raw)
	}
	e.HTTPS = &url.URL{Scheme: "https", Host: u.Host}
	e.HTTP = &url.URL{Scheme: "http", Host: u.Hostname()}
	if httpURL != "" {
		h, err := url.Parse(httpURL)
		if err != nil || h.Scheme != "http" || h.Host == "" {
			return nil, "", fmt.Errorf("-http-url %q: give an http URL such as http://app.example.com", httpURL)
		}
		e.HTTP = &url.URL{Scheme: "http", Host: h.Host}
	}
	if o != nil {
		e.ClientID = o.UserPoolClientID
		if o.UserPoolDomain != "" {
			// The prefix domain's hosted UI (Cognito developer guide,
			// "Using the Amazon Cognito domain").
			e.HostedUI = &url.URL{Scheme: "https", Host: o.UserPoolDomain + ".auth." + cfg.Region + ".amazoncognito.com"}
		}
	}
	return e, "", nil
}
