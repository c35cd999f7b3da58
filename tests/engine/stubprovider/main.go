// Command stubprovider stands in for the aws, tls and random provider
// plugins so that the real Pulumi engine can preview, update and destroy
// the program offline (tests/engine/run.sh installs it as each of them).
// Check echoes the inputs; Diff compares old and new inputs and replaces on
// the properties the real providers force a replacement for; Create
// returns ids, ARNs in real formats and the computed outputs the program
// reads, from the same model as the mocks (mockaws), and, in a preview,
// what pulumi-aws returns when it plans a new resource: the inputs, with
// every other output unknown and no id; Invoke answers the four lookups
// the program makes. It talks to no cloud.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/example/hardening/internal/mockaws"
	"github.com/example/hardening/internal/restype"
)

// replaceOn are the inputs whose change the real providers turn into a
// replacement, for the types the engine test changes.
var replaceOn = map[string][]string{
	restype.KMSKey:               {"multiRegion", "customerMasterKeySpec", "keyUsage"},
	restype.SecretsManagerSecret: {"name"},
	restype.CognitoUserPool:      {"name", "usernameAttributes"},
	restype.S3BucketV2:           {"bucketPrefix", "objectLockEnabled"},
}

// name and version come from the plugin's install path,
// .../plugins/resource-<name>-v<version>/pulumi-resource-<name>.
func identity() (string, string) {
	dir := filepath.Base(filepath.Dir(os.Args[0]))
	rest := strings.TrimPrefix(dir, "resource-")
	if i := strings.LastIndex(rest, "-v"); i > 0 {
		return rest[:i], rest[i+2:]
	}
	return strings.TrimPrefix(filepath.Base(os.Args[0]), "pulumi-resource-"), "0.0.0"
}

type stub struct {
	pulumirpc.UnimplementedResourceProviderServer
	name, version string
	mu            sync.Mutex
	mocks         *mockaws.Mocks
}

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	return plugin.UnmarshalProperties(s, opts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, opts)
}

func (p *stub) model() *mockaws.Mocks {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mocks == nil {
		region := os.Getenv("AWS_REGION")
		if region == "" {
			region = "us-east-1"
		}
		p.mocks = mockaws.NewMocks("hardening", "engine", region, mockaws.AccountID)
	}
	return p.mocks
}

func (p *stub) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: p.version}, nil
}

func (p *stub) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *stub) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *stub) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	if r, ok := req.GetVariables()["aws:config:region"]; ok && r != "" {
		// The caller is of the account the provider allows, as the
		// provider itself refuses any other.
		account := mockaws.AccountID
		var ids []string
		if json.Unmarshal([]byte(req.GetVariables()["aws:config:allowedAccountIds"]), &ids) == nil && len(ids) == 1 {
			account = ids[0]
		}
		if err := checkAssumeRole(req.GetVariables()["aws:config:assumeRole"], account); err != nil {
			return nil, err
		}
		p.mu.Lock()
		p.mocks = mockaws.NewMocks("hardening", "engine", r, account)
		p.mu.Unlock()
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true, AcceptOutputs: true}, nil
}

func (p *stub) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *stub) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var diffs, replaces []string
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	typ := string(resource.URN(req.GetUrn()).Type())
	for k := range keys {
		if reflect.DeepEqual(olds[k].Mappable(), news[k].Mappable()) {
			continue
		}
		diffs = append(diffs, string(k))
		for _, r := range replaceOn[typ] {
			if r == string(k) {
				replaces = append(replaces, r)
			}
		}
	}
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(diffs) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{Changes: changes, Diffs: diffs, Replaces: replaces}, nil
}

func (p *stub) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	inputs, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	urn := resource.URN(req.GetUrn())
	id, outputs, err := p.model().NewResource(pulumi.MockResourceArgs{
		TypeToken: string(urn.Type()), Name: urn.Name(), Inputs: inputs, Custom: true,
	})
	if err != nil {
		return nil, err
	}
	if !req.GetPreview() {
		if err := record(string(urn.Type()), outputs, inputs); err != nil {
			return nil, err
		}
	}
	if req.GetPreview() {
		// A bridged provider plans a new resource with its configured
		// inputs and marks every computed attribute unknown (Terraform's
		// "known after apply"), its id included.
		id, outputs = "", mockaws.PreviewOutputs(inputs, outputs)
	}
	props, err := marshal(outputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

func (p *stub) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	// Nothing drifts outside the program: the state is the truth.
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Update applies the new inputs over the old state. A preview of an update
// keeps the old computed outputs, as Terraform's plan of an in-place update
// keeps the prior values of the attributes it does not recompute (an ARN,
// an id); new inputs that are unknown stay unknown.
func (p *stub) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	for k, v := range news {
		olds[k] = v
	}
	if !req.GetPreview() {
		if err := record(string(resource.URN(req.GetUrn()).Type()), olds, news); err != nil {
			return nil, err
		}
	}
	props, err := marshal(olds)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

func (p *stub) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *stub) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, err
	}
	if req.GetTok() == "aws:iam/getPolicy:getPolicy" {
		policies, err := recorded()
		if err != nil {
			return nil, err
		}
		p.model().SetExisting(policies)
	}
	out, err := p.model().Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args})
	if err != nil {
		return nil, err
	}
	ret, err := marshal(out)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}

func (p *stub) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// checkAssumeRole refuses, as STS and the provider would, a role to
// assume (aws:assumeRole) that is not a role of the account the provider
// allows, or a session without a name, and appends the role and session
// to STUB_ASSUME_ROLE_LOG, where the engine test reads which role each
// stack's provider took.
func checkAssumeRole(raw, account string) error {
	if raw == "" {
		return nil
	}
	var ar struct {
		RoleARN     string `json:"roleArn"`
		SessionName string `json:"sessionName"`
	}
	if err := json.Unmarshal([]byte(raw), &ar); err != nil {
		return fmt.Errorf("aws:assumeRole: %w", err)
	}
	f := strings.SplitN(ar.RoleARN, ":", 6)
	if len(f) < 6 || f[2] != "iam" || !strings.HasPrefix(f[5], "role/") || f[4] != account {
		return fmt.Errorf("aws:assumeRole: %q is not a role of account %s (aws:allowedAccountIds)", ar.RoleARN, account)
	}
	if ar.SessionName == "" {
		return fmt.Errorf("aws:assumeRole: %s without a sessionName", ar.RoleARN)
	}
	log := os.Getenv("STUB_ASSUME_ROLE_LOG")
	if log == "" {
		return nil
	}
	stateMu.Lock()
	defer stateMu.Unlock()
	out, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600) // #nosec G304 G703 -- the engine test's log file (STUB_ASSUME_ROLE_LOG), which run.sh names
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s %s\n", ar.SessionName, ar.RoleARN)
	return errors.Join(err, out.Close())
}

// accountState is the file, shared by every stack's provider process, in
// which the account keeps its managed policies (STUB_ACCOUNT_STATE): what
// one stack creates (the bootstrap's boundary), another's getPolicy finds,
// as in one AWS account. Unset, nothing is kept.
func accountState() string { return os.Getenv("STUB_ACCOUNT_STATE") }

// stateMu serializes this process's writes of the account's state.
var stateMu sync.Mutex

// record keeps a managed policy the engine created or updated.
func record(typ string, outputs, inputs resource.PropertyMap) error {
	if typ != restype.IAMPolicy || accountState() == "" {
		return nil
	}
	stateMu.Lock()
	defer stateMu.Unlock()
	arn, doc := outputs["arn"], inputs["policy"]
	if !arn.IsString() || !doc.IsString() {
		return nil
	}
	policies, err := recorded()
	if err != nil {
		return err
	}
	policies[arn.StringValue()] = doc.StringValue()
	b, err := json.Marshal(policies)
	if err != nil {
		return err
	}
	return os.WriteFile(accountState(), b, 0o600)
}

// recorded are the account's managed policies, by ARN.
func recorded() (map[string]string, error) {
	policies := map[string]string{}
	if accountState() == "" {
		return policies, nil
	}
	b, err := os.ReadFile(accountState())
	if errors.Is(err, os.ErrNotExist) {
		return policies, nil
	}
	if err != nil {
		return nil, err
	}
	return policies, json.Unmarshal(b, &policies)
}

func main() {
	name, version := identity()
	if err := provider.Main(name, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &stub{name: name, version: version}, nil
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
