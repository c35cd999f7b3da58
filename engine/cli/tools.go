//go:build tools

// Package cli pins the Pulumi CLI this project builds from source: the
// module and every dependency are verified against go.sum and the Go
// checksum database, so the CLI that previews and deploys the stacks is
// the one the SDK's version names. Build it with .ci/install-pulumi.
package cli

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
