package simulate

import (
	"bufio"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Scenario is a traffic shape and what the web ACL must do to it. Its
// JSON form is documented in docs/waf-simulation.md.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Duration is how long it runs, in seconds.
	Duration int      `json:"duration"`
	Clients  []Client `json:"clients,omitempty"`
	// Trace, when set, is a file of requests (JSON Lines, one Request a
	// line), relative to the scenario file, added to the clients'.
	Trace  string      `json:"trace,omitempty"`
	Expect Expectation `json:"expect"`

	dir string
}

// Client is a set of senders that send alike: Addresses IPs (from
// FirstIP up), each with Users users (distinct values of UserHeader), each
// sending Rate requests a second from Start to Stop, over Paths in turn.
type Client struct {
	Name       string   `json:"name"`
	Legitimate bool     `json:"legitimate"`
	FirstIP    string   `json:"firstIp"`
	Addresses  int      `json:"addresses,omitempty"`
	Users      int      `json:"users,omitempty"`
	UserHeader string   `json:"userHeader,omitempty"`
	Rate       float64  `json:"rate"`
	Start      float64  `json:"start,omitempty"`
	Stop       float64  `json:"stop,omitempty"`
	Method     string   `json:"method,omitempty"`
	Paths      []string `json:"paths"`
}

// Expectation is what must hold for a scenario to pass.
type Expectation struct {
	// StoppedWithin, when set, is the most seconds after the abuse starts
	// by which, in the late bound, at least nine in ten of its requests
	// are stopped every second it lasts; StoppedBy names the rule meant
	// to stop it. A rule whose action is count stops nothing, but its
	// counting over the limit is reported as what it would block.
	StoppedWithin int    `json:"stoppedWithin,omitempty"`
	StoppedBy     string `json:"stoppedBy,omitempty"`
	// LegitimateUnhurt requires that no legitimate request is blocked, in
	// either bound.
	LegitimateUnhurt bool `json:"legitimateUnhurt,omitempty"`
}

//go:embed scenarios/*.json
var builtin embed.FS

// Builtin returns the built-in scenarios, in name order.
func Builtin() ([]Scenario, error) {
	names, err := builtin.ReadDir("scenarios")
	if err != nil {
		return nil, err
	}
	var out []Scenario
	for _, n := range names {
		b, err := builtin.ReadFile("scenarios/" + n.Name())
		if err != nil {
			return nil, err
		}
		s, err := parseScenario(b, "")
		if err != nil {
			return nil, fmt.Errorf("built-in scenario %s: %w", n.Name(), err)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ReadScenario reads a scenario file.
func ReadScenario(path string) (Scenario, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- a file the user names
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario: %w", err)
	}
	s, err := parseScenario(b, filepath.Dir(path))
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario %s: %w", path, err)
	}
	return s, nil
}

func parseScenario(b []byte, dir string) (Scenario, error) {
	var s Scenario
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Scenario{}, err
	}
	s.dir = dir
	return s, s.validate()
}

// validate reports every problem of the scenario at once.
func (s Scenario) validate() error {
	var errs []error
	if s.Name == "" {
		errs = append(errs, errors.New("name: is empty"))
	}
	if s.Duration <= 0 {
		errs = append(errs, fmt.Errorf("duration: %d is not a positive number of seconds", s.Duration))
	}
	if len(s.Clients) == 0 && s.Trace == "" {
		errs = append(errs, errors.New("clients: none, and no trace"))
	}
	for i, c := range s.Clients {
		at := fmt.Sprintf("clients[%d]", i)
		if _, err := netip.ParseAddr(c.FirstIP); err != nil {
			errs = append(errs, fmt.Errorf("%s.firstIp: %q is not an IP address", at, c.FirstIP))
		}
		if c.Rate <= 0 {
			errs = append(errs, fmt.Errorf("%s.rate: %v is not a positive rate", at, c.Rate))
		}
		if len(c.Paths) == 0 {
			errs = append(errs, fmt.Errorf("%s.paths: is empty", at))
		}
		if c.Stop != 0 && c.Stop <= c.Start {
			errs = append(errs, fmt.Errorf("%s.stop: %v is not after start %v", at, c.Stop, c.Start))
		}
	}
	if s.Expect.StoppedWithin < 0 {
		errs = append(errs, fmt.Errorf("expect.stoppedWithin: %d is negative", s.Expect.StoppedWithin))
	}
	return errors.Join(errs...)
}

// phase is a fixed offset in [0, 1) per sender, so that senders do not
// all send at the same instant and runs are repeatable.
func phase(parts ...string) float64 {
	h := fnv.New32a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p + "\x00")) // a hash's Write never fails
	}
	return float64(h.Sum32()%1000) / 1000
}

// Requests is the scenario's trace, in time order.
func (s Scenario) Requests() ([]Request, error) {
	var out []Request
	for _, c := range s.Clients {
		addrs, users := max(c.Addresses, 1), max(c.Users, 1)
		header := c.UserHeader
		if header == "" && c.Users > 0 {
			header = "authorization"
		}
		stop := c.Stop
		if stop == 0 {
			stop = float64(s.Duration)
		}
		ip, _ := netip.ParseAddr(c.FirstIP)
		for a := 0; a < addrs; a++ {
			for u := 0; u < users; u++ {
				n := 0
				for t := c.Start + phase(c.Name, ip.String(), fmt.Sprint(u))/c.Rate; t < stop; t += 1 / c.Rate {
					r := Request{T: t, IP: ip.String(), Method: c.Method, Path: c.Paths[n%len(c.Paths)], Client: c.Name, Legitimate: c.Legitimate}
					if r.Method == "" {
						r.Method = "GET"
					}
					if header != "" {
						r.Headers = map[string]string{header: fmt.Sprintf("Bearer %s-%d-%d", c.Name, a, u)}
					}
					out = append(out, r)
					n++
				}
			}
			ip = ip.Next()
		}
	}
	if s.Trace != "" {
		f, err := os.Open(filepath.Join(s.dir, s.Trace)) // #nosec G304 -- a file the scenario names
		if err != nil {
			return nil, fmt.Errorf("trace: %w", err)
		}
		defer func() { _ = f.Close() }() // read-only
		more, err := ReadTrace(f)
		if err != nil {
			return nil, fmt.Errorf("trace %s: %w", s.Trace, err)
		}
		out = append(out, more...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].T < out[j].T })
	return out, nil
}

// ReadTrace reads a trace in JSON Lines: one Request a line, blank lines
// and lines starting with # skipped. Every bad line is reported.
func ReadTrace(r io.Reader) ([]Request, error) {
	var out []Request
	var errs []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var req Request
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", line, err))
			continue
		}
		if _, err := netip.ParseAddr(req.IP); err != nil {
			errs = append(errs, fmt.Errorf("line %d: ip %q is not an IP address", line, req.IP))
		}
		if !strings.HasPrefix(req.Path, "/") {
			errs = append(errs, fmt.Errorf("line %d: path %q does not start with /", line, req.Path))
		}
		if req.T < 0 {
			errs = append(errs, fmt.Errorf("line %d: t %v is negative", line, req.T))
		}
		if req.Method == "" {
			req.Method = "GET"
		}
		if req.Client == "" {
			req.Client = "trace"
		}
		out = append(out, req)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err)
	}
	return out, errors.Join(errs...)
}

// TraceScenario is a scenario of a trace file alone, with no expectation:
// it reports what the web ACL does to the traffic.
func TraceScenario(path string) (Scenario, error) {
	s := Scenario{Name: filepath.Base(path), Description: "the requests of " + path, Trace: filepath.Base(path), dir: filepath.Dir(path)}
	reqs, err := s.Requests()
	if err != nil {
		return Scenario{}, err
	}
	for _, r := range reqs {
		s.Duration = max(s.Duration, int(r.T)+1)
	}
	return s, nil
}
