// Command verify checks a deployed stack from outside, right after
// `pulumi up`: TLS as served, the HTTP redirect and headers, sign-in, an
// opt-in rate-limit burst, and the account side through the AWS SDK. Each
// check reports pass, fail or not checked; it exits 1 on a failure (or,
// with -strict, on a check not made) and 2 on a usage error. The logic is
// in package verify.
//
//	go run ./cmd/verify -stack prod
//	go run ./cmd/verify -stack dev -outputs outputs.json -markdown >> "$GITHUB_STEP_SUMMARY"
//	go run ./cmd/verify -stack dev -url https://127.0.0.1:8443 -ca ca.pem
package main

import (
	"os"

	"github.com/example/hardening/verify"
)

func main() {
	os.Exit(verify.Command(os.Args[1:], os.Stdout, os.Stderr))
}
