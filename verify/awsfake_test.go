package verify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/require"
)

// fakeAWS is a local endpoint (the SDK's BaseEndpoint) that answers the
// account checks' calls with recorded responses, as strict as AWS on what
// it is asked: each request must be signed for the service it calls, use
// that service's protocol (JSON 1.1 with X-Amz-Target; REST-JSON, REST-XML
// and the query protocols by method, path and Action) and name the
// stack's own resources, or the test fails. The responses are files in
// testdata/aws/healthy, written from the API references' shapes; a test
// replaces one with a file from testdata/aws/broken.
type fakeAWS struct {
	t       *testing.T
	outputs *Outputs
	// broken maps a response's key ("cloudtrail.GetTrailStatus") to the
	// file under testdata/aws/broken that replaces the healthy one.
	broken map[string]string

	mu sync.Mutex
	// actions are the IAM actions of the calls received.
	actions []string
}

// jsonTargets are the X-Amz-Target prefixes of the JSON 1.1 services, by
// signing name (each API model's targetPrefix).
var jsonTargets = map[string]string{
	"acm": "CertificateManager", "cloudtrail": "CloudTrail_20131101", "logs": "Logs_20140328",
	"secretsmanager": "secretsmanager", "wafv2": "AWSWAF_20190729",
}

// queryVersions are the API versions of the query-protocol services.
var queryVersions = map[string]string{"sts": "2011-06-15", "ec2": "2016-11-15"}

var credentialScope = regexp.MustCompile(`Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9]+)/aws4_request`)

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil || m[1] != "us-east-1" {
		f.t.Errorf("%s %s: not signed for us-east-1: %q", r.Method, r.URL, r.Header.Get("Authorization"))
		http.Error(w, "unsigned", http.StatusForbidden)
		return
	}
	service := m[2]
	body, _ := io.ReadAll(r.Body)
	key, action, problem := f.route(service, r, body)
	if problem != "" {
		f.t.Errorf("%s %s (%s): %s", r.Method, r.URL, service, problem)
		http.Error(w, problem, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.actions = append(f.actions, action)
	f.mu.Unlock()
	f.respond(w, key, strings.SplitN(r.URL.Path+"/", "/", 3)[1])
}

// route returns the recorded response's key and the IAM action of a
// request, or what is wrong with it.
func (f *fakeAWS) route(service string, r *http.Request, body []byte) (key, action, problem string) {
	o := f.outputs
	var in map[string]any
	if prefix, ok := jsonTargets[service]; ok {
		if r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			return "", "", "not JSON 1.1: " + r.Header.Get("Content-Type")
		}
		op, found := strings.CutPrefix(r.Header.Get("X-Amz-Target"), prefix+".")
		if !found || json.Unmarshal(body, &in) != nil {
			return "", "", "bad target or body: " + r.Header.Get("X-Amz-Target")
		}
		want := map[string]map[string]any{
			"DescribeCertificate":  {"CertificateArn": o.CertificateARN},
			"GetTrailStatus":       {"Name": o.TrailARN},
			"DescribeLogStreams":   {"logGroupName": o.FlowLogGroupName, "orderBy": "LastEventTime", "descending": true, "limit": float64(1)},
			"GetWebACLForResource": {"ResourceArn": o.LoadBalancerARN},
		}[op]
		for k, v := range want {
			if in[k] != v {
				return "", "", op + ": " + k + " is not the stack's " + stringOf(v)
			}
		}
		key = service + "." + op
		if op == "DescribeSecret" {
			name := nameOf(o.SecretARNs, stringOf(in["SecretId"]))
			if name == "" {
				return "", "", "DescribeSecret of a secret not the stack's: " + stringOf(in["SecretId"])
			}
			key += "." + name
		}
		return key, service + ":" + op, ""
	}
	if version, ok := queryVersions[service]; ok {
		form, err := url.ParseQuery(string(body))
		if err != nil || r.Method != http.MethodPost || form.Get("Version") != version {
			return "", "", "not the query protocol of " + service
		}
		op := form.Get("Action")
		if op == "DescribeFlowLogs" && (form.Get("Filter.1.Name") != "resource-id" || form.Get("Filter.1.Value.1") != o.VPCID) {
			return "", "", "DescribeFlowLogs not filtered to the stack's VPC: " + string(body)
		}
		return service + "." + op, service + ":" + op, ""
	}
	switch {
	case service == "guardduty" && r.Method == http.MethodGet && r.URL.Path == "/detector/"+o.GuardDutyDetectorID:
		return "guardduty.GetDetector", "guardduty:GetDetector", ""
	case service == "securityhub" && r.Method == http.MethodPost && r.URL.Path == "/standards/get":
		return "securityhub.GetEnabledStandards", "securityhub:GetEnabledStandards", ""
	case service == "s3" && r.Method == http.MethodGet:
		bucket := strings.Trim(r.URL.Path, "/")
		if !slices.Contains([]string{o.TrailBucketName, o.LoadBalancerLogBucketName, o.AccessLogBucketName}, bucket) {
			return "", "", "a bucket not the stack's: " + bucket
		}
		switch q := r.URL.Query(); {
		case q.Has("publicAccessBlock"):
			return "s3.GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", ""
		case q.Has("policyStatus"):
			return "s3.GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", ""
		}
	}
	return "", "", "no such operation"
}

// respond writes the recorded response of key, the broken one if the test
// asks for it. S3's error bodies name the bucket asked for.
func (f *fakeAWS) respond(w http.ResponseWriter, key, bucket string) {
	path := filepath.Join("testdata", "aws", "healthy", key+".http")
	if b, ok := f.broken[key]; ok {
		path = filepath.Join("testdata", "aws", "broken", b)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		f.t.Errorf("recorded response %s: %v", key, err)
		http.Error(w, "no recording", http.StatusInternalServerError)
		return
	}
	raw = bytes.ReplaceAll(raw, []byte("{{bucket}}"), []byte(bucket))
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		f.t.Errorf("recorded response %s: %v", path, err)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	out, _ := io.ReadAll(resp.Body)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(bytes.TrimSpace(out))
}

func (f *fakeAWS) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.actions)
}

func stringOf(v any) string {
	s, _ := v.(string)
	if s == "" && v != nil {
		b, _ := json.Marshal(v)
		s = string(b)
	}
	return s
}

func nameOf(m map[string]string, value string) string {
	for k, v := range m {
		if v == value {
			return k
		}
	}
	return ""
}

// testAWS starts the fake and returns an SDK configuration for it with
// static credentials and no retries (a recorded error is final).
func testAWS(t *testing.T, o *Outputs, broken map[string]string) (aws.Config, *fakeAWS) {
	t.Helper()
	f := &fakeAWS{t: t, outputs: o, broken: broken}
	s := httptest.NewServer(f)
	t.Cleanup(s.Close)
	cfg := aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Source: "test"}, nil
		}),
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	}
	return cfg, f
}

func readTestOutputs(t *testing.T) *Outputs {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "outputs-prod.json"))
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	o, err := ReadOutputs(f)
	require.NoError(t, err)
	return o
}
