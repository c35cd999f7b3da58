package verify

import (
	"context"
	"time"
)

// Plan is one run: the endpoint to connect to and the account to read,
// each with the reason it is left out when it is.
type Plan struct {
	// Stack is the stack's name.
	Stack string
	// Endpoint is nil when the stack's endpoint is unknown; EndpointWhy
	// says why.
	Endpoint    *Endpoint
	EndpointWhy string
	// Account is nil when the account is not read; AccountWhy says why.
	Account    *Account
	AccountWhy string
	// Now is the time certificates, deliveries and rotations are judged
	// at.
	Now time.Time
}

// endpointChecks are the endpoint's checks, for the not-checked rows when
// the endpoint is unknown.
var endpointChecks = []string{"tls.handshake", "http.redirect", "http.headers", "http.signin", "ratelimit.burst"}

// Run makes every check of the plan: TLS, HTTP and the burst against the
// endpoint, then the account.
func Run(ctx context.Context, p Plan) Report {
	r := Report{Stack: p.Stack}
	acm := func(context.Context) (*ACMCertificate, string, error) { return nil, p.AccountWhy, nil }
	if p.Account != nil {
		acm = p.Account.ACM()
	}
	if e := p.Endpoint; e != nil {
		r.Endpoint = e.HTTPS.String()
		r.Results = append(r.Results, CheckTLS(ctx, *e, p.Now, acm)...)
		r.Results = append(r.Results, CheckHTTP(ctx, *e)...)
		r.Results = append(r.Results, CheckBurst(ctx, *e))
	} else {
		for _, c := range endpointChecks {
			r.Results = append(r.Results, notChecked(c, "%s", p.EndpointWhy))
		}
	}
	if p.Account != nil {
		r.Results = append(r.Results, CheckAccount(ctx, *p.Account)...)
	} else {
		r.Results = append(r.Results, allNotChecked("%s", p.AccountWhy)...)
	}
	return r
}
