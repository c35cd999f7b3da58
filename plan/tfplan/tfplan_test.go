package tfplan

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/compliance"
	"github.com/example/hardening/internal/restype"
)

// bucketGraph is a bucket, its encryption configuration (a list block
// holding a maxItems=1 block) and its public access block, both naming
// the bucket by its id, as the mocks record them.
func bucketGraph() *compliance.Graph {
	bucket := compliance.Resource{
		Type: restype.S3BucketV2, Name: "logs", URN: "urn:bucket", ID: "logs-123",
		Inputs: map[string]any{"bucketPrefix": "logs-", "tags": map[string]any{"costCenter": "sec"}},
	}
	sse := compliance.Resource{
		Type: restype.S3BucketServerSideEncryptionConfigurationV2, Name: "logs", URN: "urn:sse", ID: "logs-123",
		Inputs: map[string]any{
			"bucket": "logs-123",
			"rules": []any{map[string]any{
				"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:aws:kms:eu-west-1:123456789012:key/k-1"},
				"bucketKeyEnabled":                   true,
			}},
		},
		PropertyDependencies: map[string][]string{"bucket": {"urn:bucket"}, "rules": {"urn:key"}},
	}
	key := compliance.Resource{Type: restype.KMSKey, Name: "key", URN: "urn:key", ID: "k-1", Inputs: map[string]any{"enableKeyRotation": true}}
	pab := compliance.Resource{
		Type: restype.S3BucketPublicAccessBlock, Name: "logs", URN: "urn:pab",
		Inputs:               map[string]any{"bucket": "logs-123", "blockPublicAcls": true, "ignorePublicAcls": compliance.Unknown{}},
		PropertyDependencies: map[string][]string{"bucket": {"urn:bucket"}},
	}
	return &compliance.Graph{Resources: []compliance.Resource{bucket, sse, key, pab}}
}

func resourceOf(t *testing.T, p *Plan, addr string) (Resource, Change, ConfigResource) {
	t.Helper()
	var r Resource
	var c Change
	var cr ConfigResource
	for _, x := range p.PlannedValues.RootModule.Resources {
		if x.Address == addr {
			r = x
		}
	}
	for _, x := range p.ResourceChanges {
		if x.Address == addr {
			c = x
		}
	}
	for _, x := range p.Configuration.RootModule.Resources {
		if x.Address == addr {
			cr = x
		}
	}
	require.Equal(t, addr, r.Address, "planned values hold %s", addr)
	require.Equal(t, addr, c.Address, "resource changes hold %s", addr)
	require.Equal(t, addr, cr.Address, "configuration holds %s", addr)
	return r, c, cr
}

func TestConvertMapsTypesAndNames(t *testing.T) {
	p := Convert(bucketGraph())
	assert.Equal(t, map[string]string{
		"aws_s3_bucket.logs": "urn:bucket",
		"aws_s3_bucket_server_side_encryption_configuration.logs": "urn:sse",
		"aws_kms_key.key":                        "urn:key",
		"aws_s3_bucket_public_access_block.logs": "urn:pab",
	}, p.URNs)

	bucket, _, _ := resourceOf(t, p, "aws_s3_bucket.logs")
	assert.Equal(t, "aws_s3_bucket", bucket.Type)
	assert.Equal(t, "logs", bucket.Name)
	assert.Equal(t, "managed", bucket.Mode)
	assert.Equal(t, "logs-", bucket.Values["bucket_prefix"], "camelCase inputs become snake_case")
	assert.Equal(t, "logs-123", bucket.Values["bucket"], "an unnamed bucket's name is its id")
	assert.Equal(t, map[string]any{"costCenter": "sec"}, bucket.Values["tags"], "a map attribute keeps its keys")

	sse, _, cfg := resourceOf(t, p, "aws_s3_bucket_server_side_encryption_configuration.logs")
	assert.Equal(t, []any{map[string]any{
		"apply_server_side_encryption_by_default": []any{map[string]any{"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:eu-west-1:123456789012:key/k-1"}},
		"bucket_key_enabled":                      true,
	}}, sse.Values["rule"], "rules is the list block rule; the maxItems=1 object is a one-element list")
	assert.NotContains(t, sse.Values, "rules")
	assert.Equal(t, []any{map[string]any{
		"apply_server_side_encryption_by_default": []any{map[string]any{
			"sse_algorithm":     map[string]any{"constant_value": "aws:kms"},
			"kms_master_key_id": map[string]any{"constant_value": "arn:aws:kms:eu-west-1:123456789012:key/k-1"},
		}},
		"bucket_key_enabled": map[string]any{"constant_value": true},
	}}, cfg.Expressions["rule"], "the configuration gives the block structure a scanner needs")
}

func TestConvertReferences(t *testing.T) {
	p := Convert(bucketGraph())
	pab, change, cfg := resourceOf(t, p, "aws_s3_bucket_public_access_block.logs")
	assert.NotContains(t, pab.Values, "bucket", "a reference is not a known value")
	assert.Equal(t, true, change.Change.AfterUnknown["bucket"])
	assert.Equal(t, map[string]any{"references": []any{"aws_s3_bucket.logs.id", "aws_s3_bucket.logs"}}, cfg.Expressions["bucket"])
	assert.Equal(t, true, change.Change.AfterUnknown["ignore_public_acls"], "an unknown input is unknown after the apply")
	assert.NotContains(t, change.Change.After, "ignore_public_acls")
	assert.Equal(t, true, change.Change.After["block_public_acls"])
}

func TestConvertReferenceNeedsTheDependencysID(t *testing.T) {
	tests := []struct {
		name  string
		value any
		deps  []string
		want  any // the expression of "kmsKeyId"
	}{
		{"the id", "k-1", []string{"urn:key"}, map[string]any{"references": []any{"aws_kms_key.key.id", "aws_kms_key.key"}}},
		{"an ARN naming the id", "arn:aws:kms:eu-west-1:123456789012:key/k-1", []string{"urn:key"}, map[string]any{"references": []any{"aws_kms_key.key.arn", "aws_kms_key.key"}}},
		{"unknown", compliance.Unknown{}, []string{"urn:key"}, map[string]any{"references": []any{"aws_kms_key.key.id", "aws_kms_key.key"}}},
		{"an ARN that names neither", "arn:aws:kms:eu-west-1:123456789012:alias/key", []string{"urn:key"}, map[string]any{"references": []any{"aws_kms_key.key.arn", "aws_kms_key.key"}}},
		{"another value from the key", "alias/other", []string{"urn:key"}, map[string]any{"constant_value": "alias/other"}},
		{"no dependency", "k-1", nil, map[string]any{"constant_value": "k-1"}},
		{"two dependencies", "k-1", []string{"urn:key", "urn:other"}, map[string]any{"constant_value": "k-1"}},
		{"a dependency that is not converted", "k-1", []string{"urn:random"}, map[string]any{"constant_value": "k-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &compliance.Graph{Resources: []compliance.Resource{
				{Type: restype.KMSKey, Name: "key", URN: "urn:key", ID: "k-1"},
				{Type: restype.KMSKey, Name: "other", URN: "urn:other", ID: "k-2"},
				{Type: restype.RandomPassword, Name: "pw", URN: "urn:random", ID: "k-1"},
				{Type: restype.SNSTopic, Name: "alerts", URN: "urn:topic", Inputs: map[string]any{"kmsMasterKeyId": tt.value},
					PropertyDependencies: map[string][]string{"kmsMasterKeyId": tt.deps}},
			}}
			_, _, cfg := resourceOf(t, Convert(g), "aws_sns_topic.alerts")
			assert.Equal(t, tt.want, cfg.Expressions["kms_master_key_id"])
		})
	}
}

func TestConvertPluralBlocksAndLists(t *testing.T) {
	g := &compliance.Graph{Resources: []compliance.Resource{{
		Type: restype.CloudTrailTrail, Name: "trail", URN: "urn:trail",
		Inputs: map[string]any{
			"eventSelectors": []any{map[string]any{
				"readWriteType": "All",
				"dataResources": []any{map[string]any{"type": "AWS::S3::Object", "values": []any{"arn:aws:s3"}}},
			}},
			"isMultiRegionTrail": true,
		},
	}, {
		Type: restype.LBLoadBalancer, Name: "alb", URN: "urn:alb",
		Inputs: map[string]any{"securityGroups": []any{"sg-1"}, "accessLogs": map[string]any{"enabled": true, "bucket": "b"}},
	}}}
	p := Convert(g)
	trail, _, _ := resourceOf(t, p, "aws_cloudtrail.trail")
	assert.Equal(t, []any{map[string]any{
		"read_write_type": "All",
		"data_resource":   []any{map[string]any{"type": "AWS::S3::Object", "values": []any{"arn:aws:s3"}}},
	}}, trail.Values["event_selector"], "eventSelectors and dataResources are the blocks event_selector and data_resource")
	assert.Equal(t, true, trail.Values["is_multi_region_trail"])
	alb, _, _ := resourceOf(t, p, "aws_lb.alb")
	assert.Equal(t, []any{"sg-1"}, alb.Values["security_groups"], "a list of strings keeps its (plural) name")
	assert.Equal(t, []any{map[string]any{"enabled": true, "bucket": "b"}}, alb.Values["access_logs"])
}

func TestConvertRenamedInputs(t *testing.T) {
	g := &compliance.Graph{Resources: []compliance.Resource{
		{Type: restype.LambdaFunction, Name: "fn", URN: "urn:fn", ID: "fn-1", Inputs: map[string]any{"name": "rotation", "runtime": "provided.al2023"}},
		{Type: restype.LambdaPermission, Name: "p", URN: "urn:p", Inputs: map[string]any{"function": "fn-1", "principal": "secretsmanager.amazonaws.com"},
			PropertyDependencies: map[string][]string{"function": {"urn:fn"}}},
	}}
	p := Convert(g)
	fn, _, _ := resourceOf(t, p, "aws_lambda_function.fn")
	assert.Equal(t, "rotation", fn.Values["function_name"], "a Function's name is function_name")
	assert.NotContains(t, fn.Values, "name")
	_, _, cfg := resourceOf(t, p, "aws_lambda_permission.p")
	assert.Equal(t, map[string]any{"references": []any{"aws_lambda_function.fn.id", "aws_lambda_function.fn"}}, cfg.Expressions["function_name"],
		"a Permission's function is function_name, a reference to the function")
}

func TestConvertSkipsTypesWithoutTerraformCounterpart(t *testing.T) {
	g := &compliance.Graph{Resources: []compliance.Resource{
		{Type: restype.TLSPrivateKey, Name: "ca", URN: "urn:ca"},
		{Type: restype.ProviderAWS, Name: "replica", URN: "urn:provider"},
		{Type: restype.S3BucketV2, Name: "a", URN: "urn:a"},
	}}
	p := Convert(g)
	assert.Equal(t, map[string]int{restype.TLSPrivateKey: 1, restype.ProviderAWS: 1}, p.Skipped)
	assert.Len(t, p.PlannedValues.RootModule.Resources, 1)
	assert.Equal(t, map[string]any{}, p.PlannedValues.RootModule.Resources[0].Values, "a bucket without inputs or id has no name")
}

func TestConvertSecretsAndNulls(t *testing.T) {
	g := &compliance.Graph{Resources: []compliance.Resource{{
		Type: restype.SecretsManagerSecretVersion, Name: "v", URN: "urn:v",
		Inputs: map[string]any{"secretString": compliance.Secret{Value: "s3cr3t"}, "versionStages": nil, "secretBinary": compliance.Secret{}},
	}}}
	v, c, _ := resourceOf(t, Convert(g), "aws_secretsmanager_secret_version.v")
	assert.Equal(t, "s3cr3t", v.Values["secret_string"], "a known secret is converted (the scanner runs locally)")
	assert.NotContains(t, v.Values, "version_stages", "a null input is left out")
	assert.NotContains(t, c.Change.After, "secret_binary", "a secret without a value is left out")
}

func TestAddressesAreUniqueIdentifiers(t *testing.T) {
	g := &compliance.Graph{Resources: []compliance.Resource{
		{Type: restype.EC2VPCEndpoint, Name: "prod-ecr.api", URN: "urn:a"},
		{Type: restype.EC2VPCEndpoint, Name: "prod-ecr_api", URN: "urn:b"},
		{Type: restype.EC2VPCEndpoint, Name: "0-start", URN: "urn:c"},
	}}
	p := Convert(g)
	assert.Equal(t, map[string]string{
		"aws_vpc_endpoint.prod-ecr_api":   "urn:a",
		"aws_vpc_endpoint.prod-ecr_api_2": "urn:b",
		"aws_vpc_endpoint.r_0-start":      "urn:c",
	}, p.URNs)
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"kmsMasterKeyId":     "kms_master_key_id",
		"enableHttp2":        "enable_http2",
		"cidrIpv4":           "cidr_ipv4",
		"arn":                "arn",
		"isMultiRegionTrail": "is_multi_region_trail",
	} {
		assert.Equal(t, want, SnakeCase(in), in)
	}
}

func TestWriteIsTerraformJSON(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Convert(bucketGraph()).Write(&b))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	for _, k := range []string{"format_version", "planned_values", "resource_changes", "configuration"} {
		assert.Contains(t, doc, k)
	}
	assert.Len(t, doc["resource_changes"], 4)
}

func TestEveryRegisteredAWSTypeHasATerraformType(t *testing.T) {
	// Every AWS type restype declares (the types the stacks register): a
	// new one without a Terraform type would silently drop out of the
	// scanner's input.
	f, err := parser.ParseFile(token.NewFileSet(), "../../internal/restype/restype.go", nil, 0)
	require.NoError(t, err)
	n := 0
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			for _, v := range s.(*ast.ValueSpec).Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok {
					continue
				}
				typ, err := strconv.Unquote(lit.Value)
				require.NoError(t, err)
				if !strings.HasPrefix(typ, "aws:") {
					continue
				}
				n++
				_, ok = TerraformType(typ)
				assert.True(t, ok, "%s has no Terraform type", typ)
			}
		}
	}
	assert.Greater(t, n, 50, "restype.go declares the AWS types")
	_, ok := TerraformType(restype.TLSPrivateKey)
	assert.False(t, ok, "another provider's type has none")
}
