// Package mockaws runs the baseline program without an AWS account: a Pulumi
// mock resource monitor that records every registered resource, answers
// with realistic AWS outputs, stubs exactly the invokes the program uses,
// and feeds the program the real Pulumi.<stack>.yaml config.
//
// It serves the tests and the offline plan, as net/http/httptest serves
// tests of HTTP code.
package mockaws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/example/hardening/internal/restype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Test identity of the mocked account.
const (
	AccountID = "123456789012"
	Partition = "aws"
)

// Resource is one registered resource as the engine would have seen it.
type Resource struct {
	Type   string
	Name   string
	URN    string
	Custom bool // false for component resources
	// Inputs are the resource's inputs, secrets kept as secret values.
	Inputs  resource.PropertyMap
	Outputs resource.PropertyMap
	Parent  string
	// ID is the physical id the mocks gave it ("" for components).
	ID string
	// Dependencies are the URNs the resource explicitly depends on.
	Dependencies []string
	// PropertyDependencies are, per input, the URNs its value came from.
	PropertyDependencies map[string][]string
	// Provider is the explicit provider reference ("<urn>::<id>"), or "".
	Provider string
	// SecretInputs are the top-level input keys that hold a secret.
	SecretInputs            []string
	AdditionalSecretOutputs []string
	Protect                 bool
	RetainOnDelete          bool
	DeleteBeforeReplace     bool
	IgnoreChanges           []string
	ReplaceOnChanges        []string
	// SourceFile and SourceLine locate the Go code that registered it.
	SourceFile string
	SourceLine int
}

// Mocks implements pulumi.MockResourceMonitor and records what the program
// registers. It is safe for the concurrent calls the Pulumi runtime makes.
type Mocks struct {
	project, stack, region, account string
	// caller is the ARN of the credentials' principal, "" for CallerRole's
	// session.
	caller string
	// existing are the managed policies the account holds before the run
	// (another stack's, the bootstrap's), by ARN: what getPolicy finds.
	existing map[string]string
	// preview answers as the providers do in a first `pulumi preview`:
	// no ids, and every output that is not an input unknown.
	preview bool

	mu        sync.Mutex
	resources []Resource
	invokes   []string
}

// NewMocks returns mocks for one stack in region and account, answering
// as the providers do in `pulumi up`: every output known, the caller's
// identity and every ARN of that account.
func NewMocks(project, stack, region, account string) *Mocks {
	return &Mocks{project: project, stack: stack, region: region, account: account}
}

// NewPreviewMocks returns mocks that answer as the providers do in the
// first `pulumi preview` of a stack: pulumi-aws (a bridged Terraform
// provider) plans a new resource with its configured inputs and marks
// every computed attribute unknown, its id included. The program must then
// run with ctx.DryRun() true (Stack.Preview does both).
func NewPreviewMocks(project, stack, region, account string) *Mocks {
	return &Mocks{project: project, stack: stack, region: region, account: account, preview: true}
}

// PreviewOutputs are the outputs a provider returns when it plans a new
// resource: the inputs, and each other output unknown. outputs are the
// resource's full outputs, which name the computed ones.
func PreviewOutputs(inputs, outputs resource.PropertyMap) resource.PropertyMap {
	out := inputs.Copy()
	for k := range outputs {
		if _, isInput := inputs[k]; !isInput {
			out[k] = resource.MakeComputed(resource.NewProperty(""))
		}
	}
	return out
}

// previewKnownSecrets are the computed outputs the providers' schemas
// declare secret (pulumi-tls privateKeyPem, the Cognito client secret,
// pulumi-random's result). The program passes them on wrapped in
// pulumi.ToSecret, and the Go SDK's mock monitor cannot carry a secret
// whose value is unknown: it unmarshals inputs without KeepUnknowns and
// fails with "malformed RPC secret: missing value". In a preview under
// mocks they keep their mock values; no rule reads a secret's value, only
// that it is secret. The engine test's stub provider, behind the real
// engine, returns them unknown like every other computed output.
var previewKnownSecrets = map[string][]string{
	restype.TLSPrivateKey:         {"privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"},
	restype.CognitoUserPoolClient: {"clientSecret"},
	restype.RandomPassword:        {"result", "bcryptHash"},
}

// previewInputs are a registration's inputs with their unknown values. The
// Go SDK's mock monitor drops unknown inputs before NewResource sees them
// (it unmarshals without KeepUnknowns), which would make a computed input
// look unset; the request itself still carries them.
func previewInputs(args pulumi.MockResourceArgs) (resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	if rpc == nil || rpc.GetObject() == nil {
		return args.Inputs.Copy(), nil
	}
	in, err := plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, fmt.Errorf("mockaws: inputs of %s %s: %w", args.TypeToken, args.Name, err)
	}
	return in, nil
}

// Zones are the availability zones the mocked region has.
func (m *Mocks) Zones() []string {
	var zs []string
	for _, s := range regionZones[m.region] {
		zs = append(zs, m.region+s)
	}
	return zs
}

// regionZones are the standard Availability Zones an account sees in each
// region (AWS documentation, "AWS Regions and Availability Zones": us-west-1
// offers new accounts two), so the program's zone-count check runs offline
// as it does online. localZones are Local Zones an account opted into a
// zone group sees as well; their names sort before the region's own
// ("us-east-1-bos-1a" < "us-east-1a").
var (
	regionZones = map[string][]string{
		"us-east-1": {"a", "b", "c", "d", "e", "f"}, "us-east-2": {"a", "b", "c"},
		"us-west-1": {"a", "c"}, "us-west-2": {"a", "b", "c", "d"},
		"ca-central-1": {"a", "b", "d"}, "eu-west-1": {"a", "b", "c"}, "eu-west-2": {"a", "b", "c"},
		"eu-central-1": {"a", "b", "c"}, "eu-north-1": {"a", "b", "c"}, "ap-southeast-2": {"a", "b", "c"},
		"ap-northeast-1": {"a", "c", "d"}, "ap-south-1": {"a", "b", "c"}, "sa-east-1": {"a", "b", "c"},
	}
	localZones = map[string][]string{
		"us-east-1": {"us-east-1-bos-1a", "us-east-1-mia-1a"},
		"us-west-2": {"us-west-2-lax-1a"},
	}
)

// SetExisting sets the managed policies the account holds before the run,
// by ARN (getPolicy's answers).
func (m *Mocks) SetExisting(policies map[string]string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.existing = maps.Clone(policies)
}

// Policies are the managed policies the run registered, by ARN: what the
// account holds after it.
func (m *Mocks) Policies() map[string]string {
	out := map[string]string{}
	for _, r := range m.Resources() {
		if r.Type != restype.IAMPolicy {
			continue
		}
		arn, doc := r.Outputs["arn"], r.Inputs["policy"]
		if arn.IsString() && doc.IsString() {
			out[arn.StringValue()] = doc.StringValue()
		}
	}
	return out
}

// CallerRole is the role the mocks' credentials are a session of, unless
// the stack names another (Stack.CallerARN): the administrators' role the
// example stack files list in secrets.deployers.
const CallerRole = "hardening-administrator"

// callerARN is the ARN GetCallerIdentity returns: a role session's.
func (m *Mocks) callerARN() string {
	if m.caller != "" {
		return m.caller
	}
	return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/mock", m.account, CallerRole)
}

// Call answers the invokes the program uses and fails on any other, naming
// its token, so a new lookup cannot pass the tests unnoticed.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, args.Token)
	m.mu.Unlock()
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": m.account,
			"arn":       m.callerARN(),
			"userId":    "AROAMOCKROLEID:mock",
			"id":        m.account,
		}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{
			"partition": Partition, "dnsSuffix": "amazonaws.com", "id": Partition,
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{
			"name": m.region, "id": m.region, "description": m.region,
			"endpoint": fmt.Sprintf("ec2.%s.amazonaws.com", m.region),
		}), nil
	case "aws:iam/getPolicy:getPolicy":
		arn := args.Args["arn"]
		if !arn.IsString() {
			return nil, fmt.Errorf("mockaws: getPolicy by name or prefix is not modelled; look a policy up by its ARN")
		}
		m.mu.Lock()
		doc, ok := m.existing[arn.StringValue()]
		m.mu.Unlock()
		if !ok {
			// The provider's error for GetPolicy's NoSuchEntity
			// (iam/policy_data_source.go, FindPolicyByARN).
			return nil, fmt.Errorf("reading IAM Policy (%s): couldn't find resource", arn.StringValue())
		}
		a := arn.StringValue()
		name := a[strings.LastIndex(a, "/")+1:]
		_, rest, _ := strings.Cut(a, ":policy")
		return resource.NewPropertyMapFromMap(map[string]any{
			"arn": a, "id": a, "name": name, "path": rest[:len(rest)-len(name)], "policy": doc,
			"policyId": "ANPAMOCKPOLICYID", "description": "", "attachmentCount": 1, "tags": map[string]any{},
		}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		var ids []any
		names := []any{}
		zones := m.Zones()
		if len(zones) == 0 {
			return nil, fmt.Errorf("mockaws: no zone list for region %s; add it to regionZones", m.region)
		}
		// Without an opt-in-status filter, AWS lists the opted-in Local
		// Zones too, first.
		if !optInNotRequired(args.Args) {
			zones = append(slices.Clone(localZones[m.region]), zones...)
		}
		for i, z := range zones {
			names = append(names, z)
			ids = append(ids, fmt.Sprintf("%s-az%d", m.region, i+1))
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"names": names, "zoneIds": ids, "id": m.region,
		}), nil
	}
	return nil, fmt.Errorf("mockaws: unexpected invoke %s: stub it in mockaws.Mocks.Call if the program really needs it", args.Token)
}

// optInNotRequired reports whether a getAvailabilityZones call filters on
// opt-in-status = opt-in-not-required (the region's own zones only).
func optInNotRequired(args resource.PropertyMap) bool {
	filters := args["filters"]
	if !filters.IsArray() {
		return false
	}
	for _, f := range filters.ArrayValue() {
		if !f.IsObject() || f.ObjectValue()["name"].StringValue() != "opt-in-status" {
			continue
		}
		for _, v := range f.ObjectValue()["values"].ArrayValue() {
			if v.StringValue() == "opt-in-not-required" {
				return true
			}
		}
	}
	return false
}

// NewResource records a registration and returns its id and outputs.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := Resource{
		Type:   args.TypeToken,
		Name:   args.Name,
		Custom: args.Custom,
		Inputs: args.Inputs.Copy(),
	}
	if m.preview {
		in, err := previewInputs(args)
		if err != nil {
			return "", nil, err
		}
		r.Inputs = in
	}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.Dependencies = slices.Clone(rpc.GetDependencies())
		for k, deps := range rpc.GetPropertyDependencies() {
			if r.PropertyDependencies == nil {
				r.PropertyDependencies = map[string][]string{}
			}
			r.PropertyDependencies[k] = slices.Clone(deps.GetUrns())
		}
		r.Provider = rpc.GetProvider()
		r.AdditionalSecretOutputs = slices.Clone(rpc.GetAdditionalSecretOutputs())
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.IgnoreChanges = slices.Clone(rpc.GetIgnoreChanges())
		r.ReplaceOnChanges = slices.Clone(rpc.GetReplaceOnChanges())
		if pos := rpc.GetSourcePosition(); pos != nil {
			r.SourceFile = strings.TrimPrefix(pos.GetUri(), "file://")
			r.SourceLine = int(pos.GetLine())
		}
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	for k, v := range r.Inputs {
		if v.ContainsSecrets() {
			r.SecretInputs = append(r.SecretInputs, string(k))
		}
	}
	sort.Strings(r.SecretInputs)

	id := ""
	outputs := r.Inputs.Copy()
	if args.Custom {
		id = m.physicalID(r)
		r.ID = id
		for k, v := range m.computed(r, id) {
			if _, set := outputs[k]; !set {
				outputs[k] = v
			}
		}
		if m.preview {
			id = ""
			full := outputs
			outputs = PreviewOutputs(r.Inputs, full)
			for _, k := range previewKnownSecrets[r.Type] {
				if v, ok := full[resource.PropertyKey(k)]; ok {
					outputs[resource.PropertyKey(k)] = v
				}
			}
		}
	}
	// The engine marks additionalSecretOutputs secret; so do the mocks. An
	// unknown one stays unknown: the mock monitor drops unknown outputs,
	// and a secret around nothing is a malformed RPC secret.
	for _, k := range r.AdditionalSecretOutputs {
		if v, ok := outputs[resource.PropertyKey(k)]; ok && !v.IsSecret() && !v.IsComputed() {
			outputs[resource.PropertyKey(k)] = resource.MakeSecret(v)
		}
	}
	r.Outputs = outputs
	m.mu.Lock()
	defer m.mu.Unlock()
	// The engine refuses two resources with one URN; so do the mocks.
	for _, prev := range m.resources {
		if prev.URN == r.URN {
			return "", nil, fmt.Errorf("mockaws: duplicate resource URN %s", r.URN)
		}
	}
	m.resources = append(m.resources, r)
	if m.preview {
		// The mock monitor marshals outputs without unknowns: an unknown
		// inside a list would vanish and leave a shorter list that looks
		// known. An output holding any unknown is left out instead, which
		// the SDK reads as unknown in a dry run.
		returned := resource.PropertyMap{}
		for k, v := range outputs {
			if !v.ContainsUnknowns() {
				returned[k] = v
			}
		}
		return id, returned, nil
	}
	return id, outputs, nil
}

// providerRegion is the region of the explicit provider a resource names
// ("<urn>::<id>"), or the stack's region for the default provider.
func (m *Mocks) providerRegion(ref string) string {
	i := strings.LastIndex(ref, "::")
	if i < 0 {
		return m.region
	}
	urn := ref[:i]
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.resources {
		if p.URN == urn {
			if v := p.Inputs["region"]; v.IsString() {
				return v.StringValue()
			}
		}
	}
	return m.region
}

// urn builds the URN the way the engine (and Pulumi's mock monitor) does.
func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// Resources returns a copy of every recorded resource, ordered by URN.
func (m *Mocks) Resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := slices.Clone(m.resources)
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// Invokes returns the tokens of every invoke the program made.
func (m *Mocks) Invokes() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.invokes)
}

// ByType returns the recorded resources of one type token.
func (m *Mocks) ByType(typ string) []Resource {
	var out []Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Named returns the resource of a type and name, and whether it exists.
func (m *Mocks) Named(typ, name string) (Resource, bool) {
	for _, r := range m.ByType(typ) {
		if r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

func shortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// idPrefixes are the prefixes of EC2 ids, by resource type.
var idPrefixes = map[string]string{
	restype.EC2VPC:                      "vpc-",
	restype.EC2Subnet:                   "subnet-",
	restype.EC2SecurityGroup:            "sg-",
	restype.EC2DefaultSecurityGroup:     "sg-",
	restype.EC2RouteTable:               "rtb-",
	restype.EC2InternetGateway:          "igw-",
	restype.EC2NatGateway:               "nat-",
	restype.EC2EIP:                      "eipalloc-",
	restype.EC2NetworkACL:               "acl-",
	restype.EC2DefaultNetworkACL:        "acl-",
	restype.EC2VPCEndpoint:              "vpce-",
	restype.EC2FlowLog:                  "fl-",
	restype.EC2RouteTableAssociation:    "rtbassoc-",
	restype.VPCSecurityGroupIngressRule: "sgr-",
	restype.VPCSecurityGroupEgressRule:  "sgr-",
}

func (m *Mocks) physicalID(r Resource) string {
	if p, ok := idPrefixes[r.Type]; ok {
		return p + shortHash(r.URN, 17)
	}
	switch r.Type {
	case restype.CognitoUserPool:
		return m.region + "_" + shortHash(r.URN, 9)
	case restype.CognitoUserPoolClient:
		// An app client id is 26 lower-case letters and digits (the
		// Cognito API's ClientIdType: [\w+]+, at most 128).
		return shortHash(r.URN, 26)
	case restype.CognitoIdentityPool:
		h := shortHash(r.URN, 32)
		return fmt.Sprintf("%s:%s-%s-%s-%s-%s", m.region, h[:8], h[8:12], h[12:16], h[16:20], h[20:32])
	case restype.KMSKey:
		h := shortHash(r.URN, 32)
		if mr := r.Inputs["multiRegion"]; mr.IsBool() && mr.BoolValue() {
			// A multi-Region key's id is "mrk-" and 32 hex digits, shared by
			// its replicas (KMS developer guide, multi-Region key ids).
			return "mrk-" + h
		}
		return fmt.Sprintf("%s-%s-%s-%s-%s", h[:8], h[8:12], h[12:16], h[16:20], h[20:32])
	case restype.KMSReplicaKey:
		if p := r.Inputs["primaryKeyArn"]; p.IsString() {
			if _, keyID, ok := strings.Cut(p.StringValue(), ":key/"); ok {
				return keyID
			}
		}
	case restype.CloudWatchLogGroup, restype.KMSAlias:
		if n := r.Inputs["name"]; n.IsString() {
			return n.StringValue()
		}
	case restype.S3BucketV2:
		// A bucket's id is its name (s3/bucket.go sets the id to the
		// bucket), the name its ARN and log-delivery conditions carry.
		return bucketName(r)
	}
	return autoName(r)
}

// ClientSecretValue is the mock secret of a Cognito app client, by URN.
// Tests scan every recorded input and output for it.
func ClientSecretValue(urn string) string { return "mockaws-client-secret-" + shortHash(urn, 24) }

// RandomValue is the mock value of a pulumi-random password, by URN. Tests
// scan every recorded input and output for it.
func RandomValue(urn string) string { return "mockaws-random-" + shortHash(urn, 24) }

// bucketName is a bucket's name: the one given, else its prefix and a
// generated suffix, else an auto-name.
func bucketName(r Resource) string {
	if b := r.Inputs["bucket"]; b.IsString() && b.StringValue() != "" {
		return b.StringValue()
	}
	if p := r.Inputs["bucketPrefix"]; p.IsString() {
		return p.StringValue() + shortHash(r.URN, 12)
	}
	return autoName(r)
}

// autoName is the physical name Pulumi's auto-naming would give.
func autoName(r Resource) string { return r.Name + "-" + shortHash(r.URN, 7) }

// arnShapes give the service and resource part of the ARN of the types
// without a case of their own in computed.
var arnShapes = map[string]func(id, name string) (string, string){
	restype.EC2Subnet:        func(id, _ string) (string, string) { return "ec2", "subnet/" + id },
	restype.EC2SecurityGroup: func(id, _ string) (string, string) { return "ec2", "security-group/" + id },
	restype.EC2DefaultSecurityGroup: func(id, _ string) (string, string) {
		return "ec2", "security-group/" + id
	},
	restype.EC2RouteTable:               func(id, _ string) (string, string) { return "ec2", "route-table/" + id },
	restype.EC2InternetGateway:          func(id, _ string) (string, string) { return "ec2", "internet-gateway/" + id },
	restype.EC2NetworkACL:               func(id, _ string) (string, string) { return "ec2", "network-acl/" + id },
	restype.EC2DefaultNetworkACL:        func(id, _ string) (string, string) { return "ec2", "network-acl/" + id },
	restype.EC2FlowLog:                  func(id, _ string) (string, string) { return "ec2", "vpc-flow-log/" + id },
	restype.EC2EIP:                      func(id, _ string) (string, string) { return "ec2", "elastic-ip/" + id },
	restype.EC2NatGateway:               func(id, _ string) (string, string) { return "ec2", "natgateway/" + id },
	restype.VPCSecurityGroupIngressRule: func(id, _ string) (string, string) { return "ec2", "security-group-rule/" + id },
	restype.VPCSecurityGroupEgressRule:  func(id, _ string) (string, string) { return "ec2", "security-group-rule/" + id },
	restype.CloudWatchMetricAlarm:       func(_, name string) (string, string) { return "cloudwatch", "alarm:" + name },
	restype.AccessAnalyzerAnalyzer:      func(_, name string) (string, string) { return "access-analyzer", "analyzer/" + name },
	restype.GuardDutyDetector:           func(id, _ string) (string, string) { return "guardduty", "detector/" + id },
	restype.SecurityHubAccount:          func(string, string) (string, string) { return "securityhub", "hub/default" },
	restype.LBListenerRule: func(id, name string) (string, string) {
		return "elasticloadbalancing", "listener-rule/app/" + name + "/" + id[:16] + "/" + id[:16] + "/" + id[:16]
	},
}

// computed returns the outputs AWS would compute for a resource.
func (m *Mocks) computed(r Resource, id string) resource.PropertyMap {
	region := m.providerRegion(r.Provider)
	arn := func(service, res string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", Partition, service, region, m.account, res)
	}
	out := map[string]any{"id": id}
	name := autoName(r)
	if n := r.Inputs["name"]; n.IsString() {
		name = n.StringValue()
	}
	switch r.Type {
	case restype.KMSKey, restype.KMSReplicaKey:
		out["arn"] = arn("kms", "key/"+id)
		out["keyId"] = id
	case restype.KMSAlias:
		out["arn"] = arn("kms", name)
		out["targetKeyArn"] = arn("kms", "key/"+id)
	case restype.CloudWatchLogGroup:
		out["name"] = name
		out["arn"] = arn("logs", "log-group:"+name)
	case restype.IAMRole:
		// A role's ARN carries its path (IAM user guide, "IAM identifiers").
		path := "/"
		if p := r.Inputs["path"]; p.IsString() && p.StringValue() != "" {
			path = p.StringValue()
		}
		out["name"] = name
		out["path"] = path
		out["arn"] = fmt.Sprintf("arn:%s:iam::%s:role%s%s", Partition, m.account, path, name)
		out["uniqueId"] = "AROA" + strings.ToUpper(shortHash(r.URN, 17))
	case restype.IAMPolicy:
		path := "/"
		if p := r.Inputs["path"]; p.IsString() && p.StringValue() != "" {
			path = p.StringValue()
		}
		out["name"] = name
		out["path"] = path
		out["arn"] = fmt.Sprintf("arn:%s:iam::%s:policy%s%s", Partition, m.account, path, name)
	case restype.EC2VPC:
		out["arn"] = arn("ec2", "vpc/"+id)
		out["defaultNetworkAclId"] = "acl-" + shortHash(r.URN+"acl", 17)
		out["defaultSecurityGroupId"] = "sg-" + shortHash(r.URN+"sg", 17)
		out["mainRouteTableId"] = "rtb-" + shortHash(r.URN+"rtb", 17)
	case restype.EC2EIP:
		out["allocationId"] = id
		out["publicIp"] = "198.51.100." + fmt.Sprint(len(id)%250+1)
	case restype.EC2VPCEndpoint:
		out["arn"] = arn("ec2", "vpc-endpoint/"+id)
		out["prefixListId"] = "pl-" + shortHash(r.URN, 8)
	case restype.ACMCertificate:
		out["arn"] = arn("acm", "certificate/"+shortHash(r.URN, 32))
		var opts []any
		if d := r.Inputs["domainName"]; d.IsString() {
			names := []string{d.StringValue()}
			if sans := r.Inputs["subjectAlternativeNames"]; sans.IsArray() {
				for _, v := range sans.ArrayValue() {
					names = append(names, v.StringValue())
				}
			}
			for _, n := range names {
				base := strings.TrimPrefix(n, "*.")
				opts = append(opts, map[string]any{
					"domainName":          n,
					"resourceRecordName":  "_" + shortHash(base, 32) + "." + base + ".",
					"resourceRecordType":  "CNAME",
					"resourceRecordValue": "_" + shortHash(base+"v", 32) + ".acm-validations.aws.",
				})
			}
		}
		out["domainValidationOptions"] = opts
	case restype.Route53Record:
		if n := r.Inputs["name"]; n.IsString() {
			out["fqdn"] = strings.TrimSuffix(n.StringValue(), ".")
		}
	case restype.LBLoadBalancer:
		out["arn"] = arn("elasticloadbalancing", "loadbalancer/app/"+r.Name+"/"+shortHash(r.URN, 16))
		out["dnsName"] = r.Name + "-" + shortHash(r.URN, 8) + "." + m.region + ".elb.amazonaws.com"
		out["zoneId"] = "Z35SXDOTRQ7X7K"
	case restype.LBTargetGroup:
		out["arn"] = arn("elasticloadbalancing", "targetgroup/"+r.Name+"/"+shortHash(r.URN, 16))
	case restype.LBListener:
		out["arn"] = arn("elasticloadbalancing", "listener/app/"+r.Name+"/"+shortHash(r.URN, 16)+"/"+shortHash(r.URN+"l", 16))
	case restype.LBTrustStore:
		out["arn"] = arn("elasticloadbalancing", "truststore/"+r.Name+"/"+shortHash(r.URN, 16))
	case restype.S3BucketV2:
		bucket := bucketName(r)
		out["bucket"] = bucket
		out["arn"] = fmt.Sprintf("arn:%s:s3:::%s", Partition, bucket)
	case restype.S3BucketObjectV2:
		out["versionId"] = shortHash(r.URN, 32)
	case restype.TLSPrivateKey:
		// A fake PEM, assembled so that no source line looks like key material.
		const label = "PRIVATE " + "KEY"
		pem := "-----BEGIN " + label + "-----\nMOCK" + shortHash(r.URN, 40) + "\n-----END " + label + "-----\n"
		// Plain, as the mocks see it: the engine, not the mock, would mark
		// it secret, so only the program's own ToSecret keeps it secret.
		out["privateKeyPem"] = pem
		out["publicKeyPem"] = "-----BEGIN PUBLIC KEY-----\nMOCK" + shortHash(r.URN+"pub", 40) + "\n-----END PUBLIC KEY-----\n"
	case restype.TLSCertRequest:
		out["certRequestPem"] = "-----BEGIN CERTIFICATE REQUEST-----\nMOCK" + shortHash(r.URN, 40) + "\n-----END CERTIFICATE REQUEST-----\n"
	case restype.TLSSelfSignedCert, restype.TLSLocallySignedCert:
		out["certPem"] = "-----BEGIN CERTIFICATE-----\nMOCK" + shortHash(r.URN, 40) + "\n-----END CERTIFICATE-----\n"
		out["validityEndTime"] = "2027-11-26T00:00:00Z"
	case restype.SecretsManagerSecret:
		out["arn"] = arn("secretsmanager", "secret:"+name+"-"+shortHash(r.URN, 6))
	case restype.LambdaFunction:
		out["name"] = name
		out["arn"] = arn("lambda", "function:"+name)
		out["invokeArn"] = fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", Partition, m.region, arn("lambda", "function:"+name))
	case restype.CloudWatchEventRule:
		out["name"] = name
		out["arn"] = arn("events", "rule/"+name)
	case restype.WAFv2WebACL:
		out["name"] = name
		out["arn"] = arn("wafv2", "regional/webacl/"+name+"/"+id)
	case restype.WAFv2IpSet:
		out["name"] = name
		out["arn"] = arn("wafv2", "regional/ipset/"+name+"/"+id)
	case restype.CloudTrailTrail:
		out["name"] = name
		out["arn"] = arn("cloudtrail", "trail/"+name)
	case restype.CognitoUserPool:
		out["arn"] = arn("cognito-idp", "userpool/"+id)
		out["endpoint"] = "cognito-idp." + m.region + ".amazonaws.com/" + id
	case restype.CognitoUserPoolClient:
		out["clientSecret"] = ClientSecretValue(r.URN)
	case restype.CognitoIdentityPool:
		out["arn"] = arn("cognito-identity", "identitypool/"+id)
	case restype.IAMOpenIdConnectProvider:
		// arn:aws:iam::<account>:oidc-provider/<host>: IAM has no region.
		if u := r.Inputs["url"]; u.IsString() {
			out["arn"] = fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", Partition, m.account, strings.TrimPrefix(u.StringValue(), "https://"))
		}
	case restype.SQSQueue:
		out["name"] = name
		out["arn"] = arn("sqs", name)
		out["url"] = fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, m.account, name)
	case restype.SNSTopic:
		out["name"] = name
		out["arn"] = arn("sns", name)
	case restype.RandomPassword:
		// A value the scans look for; the engine marks it secret because
		// the provider's schema says so (AdditionalSecretOutputs).
		out["result"] = RandomValue(r.URN)
		out["bcryptHash"] = "$2a$10$" + shortHash(r.URN+"bcrypt", 53)
	default:
		if strings.HasPrefix(r.Type, "aws:") && !strings.HasPrefix(r.Type, "aws:ec2/") {
			out["name"] = name
		}
		// Only types whose provider schema has an arn get one, in the
		// shape of their resource type in the Service Authorization
		// Reference (tests/TestMockARNsLookLikeAWS checks every one).
		if f, ok := arnShapes[r.Type]; ok {
			service, res := f(id, name)
			out["arn"] = arn(service, res)
		}
	}
	pm := resource.PropertyMap{}
	for k, v := range out {
		if pv, ok := v.(resource.PropertyValue); ok {
			pm[resource.PropertyKey(k)] = pv
			continue
		}
		pm[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	return pm
}

// Combine returns the resources of several runs as one, in order: the
// plans of the stacks that share an account (a workload stack and its
// bootstrap), judged as the account will hold them.
func Combine(runs ...*Mocks) *Mocks {
	out := &Mocks{}
	for _, m := range runs {
		if out.project == "" {
			out.project, out.stack, out.region, out.account, out.preview = m.project, m.stack, m.region, m.account, m.preview
		}
		out.resources = append(out.resources, m.Resources()...)
		out.invokes = append(out.invokes, m.Invokes()...)
	}
	return out
}
