package reach

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stretchr/testify/require"
)

func TestReportCompareAndRender(t *testing.T) {
	base := Report{Stack: "prod", Flows: []Flow{
		{From: "internet", To: "lb", Protocol: TCP, Ports: "443", Status: Admitted, Intended: "clients"},
		{From: "app", To: "data", Protocol: TCP, Ports: "5432", Status: Admitted, Intended: "db"},
	}}
	head := Report{Stack: "prod", Parties: []PartyInfo{{Label: "internet", Kind: "internet"}, {Label: "data", Kind: "security group", Tier: "isolated"}, {Label: "lb", Kind: "security group", Tier: "public"}},
		Flows: []Flow{
			{From: "internet", To: "lb", Protocol: TCP, Ports: "443", Status: Admitted, Intended: "clients"},
			{From: "internet", To: "data", Protocol: TCP, Ports: "5432", Status: Dropped, Note: "dropped at route"},
		}}
	var buf bytes.Buffer
	if err := head.WriteJSON(&buf); err != nil {
		require.NoError(t, err)
	}
	back, err := ReadReport(&buf)
	if err != nil || len(back.Flows) != 2 {
		require.Failf(t, "precondition", "round trip: %v %v", back, err)
	}
	head.Compare(base)
	if len(head.Added) != 1 || head.Added[0].To != "data" || len(head.Removed) != 1 || head.Removed[0].From != "app" {
		require.Failf(t, "precondition", "added %v removed %v", head.Added, head.Removed)
	}
	var md bytes.Buffer
	if err := head.WriteMarkdown(&md); err != nil {
		require.NoError(t, err)
	}
	for _, want := range []string{
		"```mermaid\nflowchart LR",
		`subgraph tier_isolated["isolated tier"]`,
		`-.->|"tcp 5432 (dropped)"|`, // another hop drops it: dotted
		"linkStyle 1 stroke:#d33",    // not intended: red
		"- added: `internet → data tcp 5432` (dropped)",
		"- removed: `app → data tcp 5432` (admitted)",
		"| internet | data | tcp | 5432 | dropped: dropped at route | **not intended** |",
	} {
		if !strings.Contains(md.String(), want) {
			assert.Failf(t, "check", "markdown lacks %q:\n%s", want, md.String())
		}
	}
	if _, err := ReadReport(strings.NewReader("{")); err == nil {
		assert.Fail(t, "a broken base is read")
	}
}
