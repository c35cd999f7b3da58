package reach

import (
	"fmt"
	"slices"
	"strings"
)

// Range is a closed range of ports, From to To.
type Range struct{ From, To int }

// Ports is a set of ports: sorted, disjoint, non-adjacent ranges.
type Ports []Range

// MaxPort is the highest TCP or UDP port.
const MaxPort = 65535

// AllPorts is every port.
var AllPorts = Ports{{0, MaxPort}}

// PortRange is the set from..to (empty when from > to).
func PortRange(from, to int) Ports {
	if from > to {
		return nil
	}
	return Ports{{max(from, 0), min(to, MaxPort)}}
}

// Port is the set of one port.
func Port(p int) Ports { return PortRange(p, p) }

func normalize(rs []Range) Ports {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b Range) int { return a.From - b.From })
	var out Ports
	for _, r := range rs {
		if r.From > r.To {
			continue
		}
		if n := len(out); n > 0 && r.From <= out[n-1].To+1 {
			out[n-1].To = max(out[n-1].To, r.To)
			continue
		}
		out = append(out, r)
	}
	return out
}

// Union is the ports in p or q.
func (p Ports) Union(q Ports) Ports { return normalize(append(slices.Clone(p), q...)) }

// Intersect is the ports in both p and q.
func (p Ports) Intersect(q Ports) Ports {
	var out []Range
	for _, a := range p {
		for _, b := range q {
			if lo, hi := max(a.From, b.From), min(a.To, b.To); lo <= hi {
				out = append(out, Range{lo, hi})
			}
		}
	}
	return normalize(out)
}

// Minus is the ports in p and not in q.
func (p Ports) Minus(q Ports) Ports {
	out := slices.Clone(p)
	for _, b := range q {
		var next []Range
		for _, a := range out {
			if b.To < a.From || b.From > a.To {
				next = append(next, a)
				continue
			}
			if a.From < b.From {
				next = append(next, Range{a.From, b.From - 1})
			}
			if a.To > b.To {
				next = append(next, Range{b.To + 1, a.To})
			}
		}
		out = next
	}
	return normalize(out)
}

// Empty reports whether p holds no port.
func (p Ports) Empty() bool { return len(p) == 0 }

// Equal reports whether p and q hold the same ports.
func (p Ports) Equal(q Ports) bool { return slices.Equal(p, q) }

// Covers reports whether every port of q is in p.
func (p Ports) Covers(q Ports) bool { return q.Minus(p).Empty() }

// Count is the number of ports in p.
func (p Ports) Count() int {
	n := 0
	for _, r := range p {
		n += r.To - r.From + 1
	}
	return n
}

// String is "443", "1024-65535" or "80, 443"; "all" for every port and
// "none" for no port.
func (p Ports) String() string {
	if p.Equal(AllPorts) {
		return "all"
	}
	if p.Empty() {
		return "none"
	}
	parts := make([]string, len(p))
	for i, r := range p {
		if r.From == r.To {
			parts[i] = fmt.Sprint(r.From)
		} else {
			parts[i] = fmt.Sprintf("%d-%d", r.From, r.To)
		}
	}
	return strings.Join(parts, ", ")
}

// ParsePorts reads the String form back ("80, 443", "1024-65535", "all").
func ParsePorts(s string) (Ports, error) {
	switch s = strings.TrimSpace(s); s {
	case "all":
		return AllPorts, nil
	case "none", "":
		return nil, nil
	}
	var out []Range
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		var from, to int
		if lo, hi, ok := strings.Cut(part, "-"); ok {
			if _, err := fmt.Sscanf(lo+" "+hi, "%d %d", &from, &to); err != nil {
				return nil, fmt.Errorf("ports %q: %w", s, err)
			}
		} else if _, err := fmt.Sscanf(part, "%d", &from); err != nil {
			return nil, fmt.Errorf("ports %q: %w", s, err)
		} else {
			to = from
		}
		if from < 0 || to > MaxPort || from > to {
			return nil, fmt.Errorf("ports %q: %d-%d is not a port range", s, from, to)
		}
		out = append(out, Range{from, to})
	}
	return normalize(out), nil
}
