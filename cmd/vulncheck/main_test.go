package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scanJSON is govulncheck -format json output in the shape v1.9.0 writes:
// a config message, then module-, package- and symbol-level findings.
const scanJSON = `{"config":{"protocol_version":"v1.0.0","scanner_name":"govulncheck","scanner_version":"v1.9.0","db":"file:///db","go_version":"go1.26.8","scan_level":"symbol","scan_mode":"source"}}
{"progress":{"message":"Checking the code against the vulnerabilities..."}}
{"finding":{"osv":"GO-2026-6809","fixed_version":"v1.26.10","trace":[{"module":"stdlib","version":"v1.26.8"}]}}
{"finding":{"osv":"GO-2026-6809","fixed_version":"v1.26.10","trace":[{"module":"stdlib","version":"v1.26.8","package":"crypto/x509"}]}}
{"finding":{"osv":"GO-2026-6809","fixed_version":"v1.26.10","trace":[{"module":"stdlib","version":"v1.26.8","package":"crypto/x509","function":"Verify","receiver":"*Certificate","position":{"filename":"src/crypto/x509/verify.go","line":700}},{"module":"github.com/example/hardening","package":"github.com/example/hardening/cmd/rotation","function":"main","position":{"filename":"cmd/rotation/main.go","line":12}}]}}
{"finding":{"osv":"GO-2026-6865","fixed_version":"v1.20.2","trace":[{"module":"github.com/klauspost/compress","version":"v1.18.7","package":"github.com/klauspost/compress/zstd"}]}}
`

func mustScan(t *testing.T, s string) Scan {
	t.Helper()
	sc, err := ReadScan(strings.NewReader(s))
	require.NoError(t, err, "ReadScan")
	sc.Name = "./..."
	return sc
}

func TestReadScanKeepsOnlyReachableFindings(t *testing.T) {
	sc := mustScan(t, scanJSON)
	require.Len(t, sc.Reachable, 1, "reachable: want only GO-2026-6809 (GO-2026-6865 is imported, not called)")
	f, ok := sc.Reachable["GO-2026-6809"]
	assert.True(t, ok, "GO-2026-6809 is reachable")
	assert.Equal(t, "v1.26.10", f.FixedVersion, "GO-2026-6809 fixed version")
	assert.Contains(t, f.Trace, "cmd/rotation", "GO-2026-6809: want a trace from cmd/rotation")
	assert.Equal(t, "go1.26.8", sc.GoVersion, "go version")
}

func TestReadScanRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"no config message":      `{"finding":{"osv":"GO-1","trace":[{"function":"f"}]}}`,
		"package-level scan":     `{"config":{"scan_level":"package"}}`,
		"not govulncheck output": `not json`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadScan(strings.NewReader(in))
			assert.Error(t, err, "ReadScan accepted it")
		})
	}
}

func TestParseExclusions(t *testing.T) {
	ex, err := ParseExclusions(strings.NewReader("# comment\n\nGO-2026-6809 2027-01-15 no fixed Go release for the Lambda runtime yet\n"))
	require.NoError(t, err, "ParseExclusions")
	require.Len(t, ex, 1, "ParseExclusions")
	require.Equal(t, "GO-2026-6809", ex[0].ID, "ParseExclusions = %+v", ex)
	require.Equal(t, "no fixed Go release for the Lambda runtime yet", ex[0].Reason, "ParseExclusions = %+v", ex)
	require.Equal(t, 3, ex[0].Line, "ParseExclusions = %+v", ex)
	for name, tc := range map[string]struct{ in, want string }{
		"no reason":   {"GO-2026-6809 2027-01-15\n", "line 1: want `ID YYYY-MM-DD reason`"},
		"no date":     {"GO-2026-6809 soon because\n", `line 1: revisit date "soon" is not YYYY-MM-DD`},
		"not an ID":   {"CVE-2026-1 2027-01-15 because\n", `line 1: "CVE-2026-1" is not a Go vulnerability ID`},
		"every error": {"x\nGO-1 someday why\n", "line 2: revisit date"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseExclusions(strings.NewReader(tc.in))
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

func TestGate(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	now := day("2026-11-27")
	excl := func(id, revisit string) []Exclusion {
		return []Exclusion{{ID: id, Revisit: day(revisit), Reason: "why", Line: 4}}
	}
	for _, tc := range []struct {
		name string
		ex   []Exclusion
		want string // "" means the gate passes
	}{
		{"a reachable finding blocks", nil, "reachable vulnerability GO-2026-6809 in stdlib@v1.26.8 (fixed in v1.26.10), ./..."},
		{"an exclusion with a reason and a future date admits it", excl("GO-2026-6809", "2026-12-31"), ""},
		{"an exclusion is valid through its revisit day", excl("GO-2026-6809", "2026-11-27"), ""},
		{"an expired exclusion blocks", excl("GO-2026-6809", "2026-11-01"), "exclusion of GO-2026-6809 (line 4) was due for review on 2026-11-01"},
		{"an exclusion of an unreached finding blocks", append(excl("GO-2026-6809", "2026-12-31"), Exclusion{ID: "GO-2026-6865", Revisit: day("2026-12-31"), Line: 5}), "exclusion of GO-2026-6865 (line 5) matches no reachable finding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Gate(io.Discard, []Scan{mustScan(t, scanJSON)}, tc.ex, now)
			if tc.want == "" {
				assert.NoError(t, err, "Gate: want pass")
			} else {
				assert.ErrorContains(t, err, tc.want, "Gate")
			}
		})
	}
}

func TestGatePassesACleanScan(t *testing.T) {
	clean := mustScan(t, `{"config":{"go_version":"go1.27.3","db":"file:///db","scan_level":"symbol"}}`)
	var out strings.Builder
	require.NoError(t, Gate(&out, []Scan{clean}, nil, time.Now()), "Gate: want pass")
	assert.Contains(t, out.String(), "./...: 0 reachable (go1.27.3, db file:///db)", "report: want the scan's name, count, toolchain and database")
}
