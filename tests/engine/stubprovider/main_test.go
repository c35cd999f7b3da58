package main

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCreateAnswersAsPulumiAWS: a preview's Create returns the inputs, with
// every computed output unknown (the protocol's unknown sentinel) and no
// id, as pulumi-aws plans a new resource; an update's Create returns the
// computed outputs the mocks model.
func TestCreateAnswersAsPulumiAWS(t *testing.T) {
	const urn = "urn:pulumi:dev::hardening::hardening:secrets:Inventory$aws:iam/role:Role::hardening-dev-rotation"
	inputs, err := marshal(resource.PropertyMap{
		"description":         resource.NewProperty("Rotates the secrets"),
		"permissionsBoundary": resource.MakeComputed(resource.NewProperty("")),
	})
	require.NoError(t, err)
	for _, preview := range []bool{true, false} {
		p := &stub{name: "aws", version: "6.83.4"}
		resp, err := p.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn, Properties: inputs, Preview: preview})
		require.NoError(t, err)
		raw := resp.GetProperties().GetFields()
		assert.Equal(t, "Rotates the secrets", raw["description"].GetStringValue(), "an input is echoed")
		assert.Equal(t, plugin.UnknownStringValue, raw["permissionsBoundary"].GetStringValue(), "an unknown input stays unknown")
		if preview {
			assert.Empty(t, resp.GetId(), "a planned resource has no id")
			for _, k := range []string{"arn", "name", "uniqueId", "id"} {
				assert.Equal(t, plugin.UnknownStringValue, raw[k].GetStringValue(), "computed %s is unknown in a preview", k)
			}
			continue
		}
		assert.NotEmpty(t, resp.GetId())
		assert.Regexp(t, `^arn:aws:iam::\d{12}:role/hardening-dev-rotation-[0-9a-f]{7}$`, raw["arn"].GetStringValue(), "computed arn is known in an update")
	}
}
