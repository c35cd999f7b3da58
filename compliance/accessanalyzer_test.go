package compliance

import (
	"testing"

	"github.com/example/hardening/internal/restype"
)

func TestAccessAnalyzerEveryRegion(t *testing.T) {
	analyzer := func(name string, typ any) Resource {
		in := map[string]any{}
		if typ != nil {
			in["type"] = typ
		}
		return res(restype.AccessAnalyzerAnalyzer, name, in)
	}
	west := func(r Resource) Resource { return onProvider(r, "west") }
	region := func(g *Graph) *Graph { g.Region = "us-east-1"; return g }
	for _, ctl := range accessAnalyzerEveryRegion.Controls {
		runCases(t, accessAnalyzerEveryRegion, []ruleCase{
			{"an account analyzer, type unset, one Region " + ctl, ctl, region(graphOf(analyzer("a", nil))), pass},
			{"an organization analyzer in each Region " + ctl, ctl, region(graphOf(analyzer("a", "ORGANIZATION"), westProvider("us-west-2"), west(analyzer("b", "ACCOUNT")))), pass},
			{"none in us-west-2 " + ctl, ctl, region(graphOf(analyzer("a", "ACCOUNT"), westProvider("us-west-2"))), fail},
			{"only an unused-access analyzer in us-west-2 " + ctl, ctl, region(graphOf(analyzer("a", "ACCOUNT"), westProvider("us-west-2"), west(analyzer("b", "ACCOUNT_UNUSED_ACCESS")))), fail},
			{"the us-west-2 analyzer's type computed " + ctl, ctl, region(graphOf(analyzer("a", "ACCOUNT"), westProvider("us-west-2"), west(analyzer("b", Unknown{})))), unjudged},
			{"a provider's Region computed " + ctl, ctl, region(graphOf(analyzer("a", "ACCOUNT"), westProvider(Unknown{}))), unjudged},
		})
	}
}
