package main

import (
	"context"
	"os"
	"path/filepath"
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

// TestConfigureRefusesAnotherAccountsRole: the provider takes a role to
// assume only in the account it allows, in a named session, and logs it.
func TestConfigureRefusesAnotherAccountsRole(t *testing.T) {
	log := filepath.Join(t.TempDir(), "roles.log")
	t.Setenv("STUB_ASSUME_ROLE_LOG", log)
	for _, tc := range []struct {
		name, assume, want string
	}{
		{"no role", "", ""},
		{"the account's role", `{"roleArn":"arn:aws:iam::400000000001:role/ci/hardening-wl-app1-use1-ci-deploy","sessionName":"wl-app1-use1"}`, ""},
		{"another account's role", `{"roleArn":"arn:aws:iam::400000000002:role/ci/hardening-wl-app2-use1-ci-deploy","sessionName":"wl-app1-use1"}`, "is not a role of account 400000000001"},
		{"a user", `{"roleArn":"arn:aws:iam::400000000001:user/ci","sessionName":"wl-app1-use1"}`, "is not a role of account"},
		{"no session name", `{"roleArn":"arn:aws:iam::400000000001:role/ci/x"}`, "without a sessionName"},
		{"not an object", `arn:aws:iam::400000000001:role/ci/x`, "aws:assumeRole"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &stub{name: "aws", version: "6.83.4"}
			_, err := p.Configure(context.Background(), &pulumirpc.ConfigureRequest{Variables: map[string]string{
				"aws:config:region": "us-east-1", "aws:config:allowedAccountIds": `["400000000001"]`, "aws:config:assumeRole": tc.assume,
			}})
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tc.want)
		})
	}
	b, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, "wl-app1-use1 arn:aws:iam::400000000001:role/ci/hardening-wl-app1-use1-ci-deploy\n", string(b), "only the accepted role is logged")
}
