package awsname

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/example/hardening/internal/iampolicy/sar"
)

// coverage is how many of ops are actions of the SAR service s.
func coverage(s sar.Service, ops []string) int {
	n := 0
	for _, op := range ops {
		for a := range s.Actions {
			if strings.EqualFold(a, op) {
				n++
				break
			}
		}
	}
	return n
}

// TestEndpointPrefixesFromData: each endpoint's IAM prefix is the one the
// pinned data gives, not its name: the Service Authorization Reference
// service whose actions are most of the operations of the endpoint's API
// model (monitoring's operations are cloudwatch actions). Every prefix is
// in the reference, so the endpoint policies built from it are linted.
func TestEndpointPrefixesFromData(t *testing.T) {
	m, err := LoadModels()
	require.NoError(t, err)
	ref, err := sar.Load()
	require.NoError(t, err)
	for _, e := range VPCEndpoints {
		t.Run(e.Name, func(t *testing.T) {
			s, ok := ref.Services[e.IAMPrefix]
			require.True(t, ok, "IAM prefix %q is not in internal/iampolicy/sar: run .ci/iamdata", e.IAMPrefix)
			if e.Model == "" {
				return
			}
			model, ok := m.EndpointModels[e.Model]
			require.True(t, ok, "model %q is not in models.json: run .ci/awsmodels", e.Model)
			require.NotEmpty(t, model.Operations)
			own := coverage(s, model.Operations)
			// S3's API names many operations its actions group (GetObjectAcl
			// and PutObjectAcl under their own, ListObjectsV2 under
			// ListBucket): a third is what the data has.
			assert.GreaterOrEqual(t, 3*own, len(model.Operations), "%s covers %d of %s's %d operations", e.IAMPrefix, own, e.Model, len(model.Operations))
			for prefix, other := range ref.Services {
				if prefix != e.IAMPrefix {
					assert.Less(t, coverage(other, model.Operations), own, "%s's operations are more %s actions than %s actions", e.Model, prefix, e.IAMPrefix)
				}
			}
		})
	}
}

// TestEndpointNamesAreNotPrefixes keeps the cases that broke endpoint
// policies built from the name: the data says otherwise.
func TestEndpointNamesAreNotPrefixes(t *testing.T) {
	m, err := LoadModels()
	require.NoError(t, err)
	for name, want := range map[string]string{"monitoring": "cloudwatch", "kinesis-streams": "kinesis", "ecr.api": "ecr", "ecr.dkr": "ecr"} {
		e, ok := LookupVPCEndpoint(name)
		require.True(t, ok, name)
		assert.Equal(t, want, e.IAMPrefix, name)
	}
	// CloudWatch signs as "monitoring" (its model has no signingName), so
	// neither the endpoint name nor the signing name is the IAM prefix.
	assert.Equal(t, "monitoring", m.EndpointModels["monitoring"].SigningName)
	assert.Equal(t, []string{"CloudWatch"}, m.EndpointModels["monitoring"].ServiceIDs)
}

func TestEndpointCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range VPCEndpoints {
		assert.False(t, seen[e.Name], "%s listed twice", e.Name)
		seen[e.Name] = true
		assert.Contains(t, []EndpointType{Gateway, Interface}, e.Type, e.Name)
		assert.True(t, strings.HasPrefix(e.Doc, "https://docs.aws.amazon.com/"), "%s: Doc %q", e.Name, e.Doc)
	}
	assert.Equal(t, []string{"s3", "dynamodb"}, EndpointNames(Gateway))
	for _, tc := range []struct{ name, err string }{
		{"monitoring", ""},
		{"ecr.dkr", ""},
		{"cloudwatch", `"cloudwatch" is not an interface endpoint this stack knows; use one of secretsmanager, kms, logs`},
		{"s3", `"s3" already has a gateway endpoint`},
	} {
		err := InterfaceEndpoint(tc.name)
		if tc.err == "" {
			assert.NoError(t, err, tc.name)
		} else {
			assert.ErrorContains(t, err, tc.err, tc.name)
		}
	}
	assert.Equal(t, "monitoring", EndpointName("com.amazonaws.eu-west-1.monitoring", "eu-west-1"))
	assert.Equal(t, "", EndpointName("com.amazonaws.eu-west-1.monitoring", "us-east-1"))
	assert.True(t, slices.Contains(EndpointNames(Interface), "kinesis-streams"), fmt.Sprint(EndpointNames(Interface)))
}
