// Command vulncheck is the gate .ci/vulncheck puts after govulncheck: it
// reads govulncheck's JSON output (one or more scans), keeps the findings
// the code reaches (a call path into the vulnerable symbol), drops those
// excluded by ID in the exclusions file, and exits 1 if any remain.
//
//	govulncheck -format json ./... > scan.json
//	go run ./cmd/vulncheck -exclusions .ci/govulncheck-exclusions scan.json
//
// govulncheck's JSON mode always exits 0, so without this gate a reachable
// vulnerability would pass CI. An exclusion names the OSV ID, the date by
// which it must be revisited and the reason; an expired or unused exclusion
// is an error too, so the list cannot silently outlive its findings.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

func main() {
	exclusions := flag.String("exclusions", "", "file of excluded OSV IDs: `ID YYYY-MM-DD reason` per line")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "vulncheck: name at least one govulncheck JSON file")
		os.Exit(2)
	}
	var ex []Exclusion
	if *exclusions != "" {
		b, err := os.ReadFile(*exclusions)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulncheck:", err)
			os.Exit(2)
		}
		if ex, err = ParseExclusions(bytes.NewReader(b)); err != nil {
			fmt.Fprintf(os.Stderr, "vulncheck: %s: %v\n", *exclusions, err)
			os.Exit(2)
		}
	}
	var scans []Scan
	for _, name := range flag.Args() {
		b, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulncheck:", err)
			os.Exit(2)
		}
		s, err := ReadScan(bytes.NewReader(b))
		if err != nil {
			fmt.Fprintf(os.Stderr, "vulncheck: %s: %v\n", name, err)
			os.Exit(2)
		}
		s.Name = name
		scans = append(scans, s)
	}
	if err := Gate(os.Stdout, scans, ex, time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, "vulncheck:", err)
		os.Exit(1)
	}
}

// Exclusion is one accepted finding: its OSV ID, the day after which it must
// be looked at again, and why it cannot be fixed yet.
type Exclusion struct {
	ID      string
	Revisit time.Time
	Reason  string
	Line    int
}

// ParseExclusions reads `ID YYYY-MM-DD reason` lines; blank lines and lines
// starting with # are skipped. A line without a date or a reason is an error.
func ParseExclusions(r io.Reader) ([]Exclusion, error) {
	var out []Exclusion
	var errs []error
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			errs = append(errs, fmt.Errorf("line %d: want `ID YYYY-MM-DD reason`, got %q", n, line))
			continue
		}
		if !strings.HasPrefix(f[0], "GO-") {
			errs = append(errs, fmt.Errorf("line %d: %q is not a Go vulnerability ID (GO-YYYY-NNNN)", n, f[0]))
			continue
		}
		day, err := time.Parse(time.DateOnly, f[1])
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: revisit date %q is not YYYY-MM-DD", n, f[1]))
			continue
		}
		out = append(out, Exclusion{ID: f[0], Revisit: day, Reason: strings.Join(f[2:], " "), Line: n})
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

// Scan is what one govulncheck run reported.
type Scan struct {
	Name      string
	GoVersion string
	DB        string
	// Reachable holds the findings with a call path from the scanned code,
	// by OSV ID, each with one example trace.
	Reachable map[string]Finding
}

// Finding is a reachable vulnerability.
type Finding struct {
	OSV          string
	FixedVersion string
	Module       string
	Version      string
	Trace        string
}

// message is the subset of govulncheck's JSON protocol (v1.0.0) read here:
// https://pkg.go.dev/golang.org/x/vuln/internal/govulncheck
type message struct {
	Config *struct {
		GoVersion string `json:"go_version"`
		DB        string `json:"db"`
		ScanLevel string `json:"scan_level"`
	} `json:"config"`
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
	Position *struct {
		Filename string `json:"filename"`
		Line     int    `json:"line"`
	} `json:"position"`
}

func (f frame) String() string {
	s := f.Package
	if f.Receiver != "" {
		s += ".(" + f.Receiver + ")"
	}
	if f.Function != "" {
		s += "." + f.Function
	}
	if f.Position != nil {
		s += fmt.Sprintf(" (%s:%d)", f.Position.Filename, f.Position.Line)
	}
	return s
}

// ReadScan decodes a govulncheck -format json stream. A finding is reachable
// when its innermost frame names a function: govulncheck reports module- and
// package-level findings too, which say only that vulnerable code is present.
// A scan that ran below symbol level cannot tell, so it is refused.
func ReadScan(r io.Reader) (Scan, error) {
	s := Scan{Reachable: map[string]Finding{}}
	dec := json.NewDecoder(r)
	sawConfig := false
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s, fmt.Errorf("decode govulncheck output: %w", err)
		}
		if m.Config != nil {
			sawConfig = true
			s.GoVersion, s.DB = m.Config.GoVersion, m.Config.DB
			if m.Config.ScanLevel != "symbol" {
				return s, fmt.Errorf("scan level %q cannot tell reachable findings apart; run govulncheck at symbol level", m.Config.ScanLevel)
			}
		}
		if m.Finding == nil || len(m.Finding.Trace) == 0 || m.Finding.Trace[0].Function == "" {
			continue
		}
		if _, seen := s.Reachable[m.Finding.OSV]; seen {
			continue
		}
		t := m.Finding.Trace
		path := make([]string, 0, len(t))
		for i := len(t) - 1; i >= 0; i-- {
			path = append(path, t[i].String())
		}
		s.Reachable[m.Finding.OSV] = Finding{
			OSV: m.Finding.OSV, FixedVersion: m.Finding.FixedVersion,
			Module: t[0].Module, Version: t[0].Version,
			Trace: strings.Join(path, "\n      -> "),
		}
	}
	if !sawConfig {
		return s, errors.New("no govulncheck config message: is this govulncheck -format json output?")
	}
	return s, nil
}

// Gate prints every reachable finding and returns an error naming those not
// excluded, the exclusions past their revisit date and the exclusions that
// match no finding in any scan.
func Gate(w io.Writer, scans []Scan, ex []Exclusion, now time.Time) error {
	byID := map[string]Exclusion{}
	for _, e := range ex {
		byID[e.ID] = e
	}
	used := map[string]bool{}
	var blocking []string
	for _, s := range scans {
		ids := make([]string, 0, len(s.Reachable))
		for id := range s.Reachable {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		fmt.Fprintf(w, "%s: %d reachable (%s, db %s)\n", s.Name, len(ids), s.GoVersion, s.DB)
		for _, id := range ids {
			f := s.Reachable[id]
			state := "BLOCKING"
			if e, ok := byID[id]; ok {
				used[id] = true
				state = fmt.Sprintf("excluded until %s: %s", e.Revisit.Format(time.DateOnly), e.Reason)
			} else {
				blocking = append(blocking, fmt.Sprintf("%s in %s@%s (fixed in %s), %s", id, f.Module, f.Version, orNone(f.FixedVersion), s.Name))
			}
			fmt.Fprintf(w, "  %s %s@%s fixed in %s [%s]\n      %s\n", id, f.Module, f.Version, orNone(f.FixedVersion), state, f.Trace)
		}
	}
	var errs []error
	for _, b := range blocking {
		errs = append(errs, fmt.Errorf("reachable vulnerability %s", b))
	}
	for _, e := range ex {
		if now.After(e.Revisit.AddDate(0, 0, 1)) {
			errs = append(errs, fmt.Errorf("exclusion of %s (line %d) was due for review on %s: fix it or renew it with a new date and reason", e.ID, e.Line, e.Revisit.Format(time.DateOnly)))
		}
		if !used[e.ID] {
			errs = append(errs, fmt.Errorf("exclusion of %s (line %d) matches no reachable finding: remove it", e.ID, e.Line))
		}
	}
	return errors.Join(errs...)
}

func orNone(v string) string {
	if v == "" {
		return "no release yet"
	}
	return v
}
