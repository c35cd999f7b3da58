package limits

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/example/hardening/internal/problem"
)

// Body limits, in KB.
const (
	// CoreBodyLimitKB is the body size over which the AWS Core rule set's
	// SizeRestrictions_BODY blocks a request, and the most of a body WAF
	// inspects behind an Application Load Balancer (fixed there; WAF API
	// reference, Body).
	CoreBodyLimitKB = 8
	// MaxBodyLimitKB is the largest body limit offered for the API paths:
	// past it a limit protects the targets from little.
	MaxBodyLimitKB = 10240
)

// CheckMaxBodyKB says what is wrong with a body limit for the API paths.
func CheckMaxBodyKB(kb int) problem.List {
	var out problem.List
	if kb < CoreBodyLimitKB || kb > MaxBodyLimitKB {
		out.Add("maxBodyKB", "%d is out of range; use %d (the Core rule set's limit, every byte inspected) to %d KB", kb, CoreBodyLimitKB, MaxBodyLimitKB)
	}
	return out
}

// DecimalRegex matches a header value that is a decimal number, as a
// Content-Length is (RFC 9110, section 8.6).
const DecimalRegex = `^[0-9]+$`

// DecimalOverRegex is a regular expression that matches a decimal number
// (leading zeros allowed) greater than n > 0, for a WAF regex match on the
// Content-Length header: WAF has no numeric comparison of header values.
// It uses only anchors, classes and counted repeats, no groups (WAF refuses
// capturing subexpressions; "Supported regular expression syntax" in the
// WAF developer guide): one anchored branch for numbers with more digits
// than n, and one for each digit of n that a larger digit can replace.
func DecimalOverRegex(n int) string {
	d := strconv.Itoa(n)
	branches := []string{fmt.Sprintf("^0*[1-9][0-9]{%d,}$", len(d))}
	for i := 0; i < len(d); i++ {
		digit := d[i] - '0'
		if digit == 9 {
			continue
		}
		rest := ""
		if left := len(d) - i - 1; left > 0 {
			rest = fmt.Sprintf("[0-9]{%d}", left)
		}
		branches = append(branches, fmt.Sprintf("^0*%s[%d-9]%s$", d[:i], digit+1, rest))
	}
	return strings.Join(branches, "|")
}

// PathPrefixRegex matches a URI path that starts with one of the prefixes
// (lower-case, as ValidPath requires; the rule lower-cases the path), one
// anchored branch each, metacharacters escaped.
func PathPrefixRegex(prefixes []string) string {
	branches := make([]string, len(prefixes))
	for i, p := range prefixes {
		branches[i] = "^" + regexp.QuoteMeta(p)
	}
	return strings.Join(branches, "|")
}
