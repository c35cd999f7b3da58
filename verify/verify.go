// Package verify checks a deployed stack from outside, right after
// `pulumi up`: what only the real endpoint and account can show. It
// connects to the site as served (protocol versions, cipher suites, the
// certificate chain, the HTTP redirect and headers, sign-in through the
// Cognito hosted UI, and by request a bounded burst that must meet the
// WAF's 429) and reads the account through the AWS SDK (the trail's
// delivery, GuardDuty, Security Hub, rotation, public access, flow logs,
// the web ACL's association).
//
// Every check reports pass, fail or not checked, with its evidence. A
// check that cannot be made (no credentials, no stack output, a suite Go's
// crypto/tls cannot offer) is "not checked", never pass. cmd/verify is the
// command; the deploy workflow runs it after each `pulumi up`.
package verify

import "fmt"

// Status is the outcome of one check.
type Status string

// Outcomes.
const (
	Pass       Status = "pass"
	Fail       Status = "fail"
	NotChecked Status = "not checked"
)

// Result is one check's outcome and what it saw.
type Result struct {
	// Check names the property, such as "tls.version.1.0" or
	// "account.trail"; names are stable, so a workflow can grep them.
	Check string `json:"check"`
	// Status is pass, fail or not checked.
	Status Status `json:"status"`
	// Evidence says what was observed (or why nothing could be).
	Evidence string `json:"evidence"`
}

// Report is every result of one run.
type Report struct {
	// Stack is the stack's name.
	Stack string `json:"stack"`
	// Endpoint is the HTTPS URL the endpoint checks connected to.
	Endpoint string `json:"endpoint"`
	// Results are in the order the checks ran.
	Results []Result `json:"results"`
}

// Count returns how many results have status s.
func (r Report) Count(s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// Failed reports whether the run failed: any failed check, or with strict
// any check not made.
func (r Report) Failed(strict bool) bool {
	return r.Count(Fail) > 0 || strict && r.Count(NotChecked) > 0
}

func pass(check, format string, args ...any) Result {
	return Result{Check: check, Status: Pass, Evidence: fmt.Sprintf(format, args...)}
}

func fail(check, format string, args ...any) Result {
	return Result{Check: check, Status: Fail, Evidence: fmt.Sprintf(format, args...)}
}

func notChecked(check, format string, args ...any) Result {
	return Result{Check: check, Status: NotChecked, Evidence: fmt.Sprintf(format, args...)}
}
