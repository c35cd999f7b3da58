#!/usr/bin/env bash
# Independent evidence for the compliance rules: Trivy's AWS
# misconfiguration checks on the stacks' plans, converted to Terraform's
# JSON plan format (go run ./cmd/plan -format tfplan), reconciled with the
# project's verdicts (tests/scanner/*.go; the decisions are in
# docs/scanner-reconciliation.md). Not part of .ci/run: building Trivy
# takes many minutes on a 2-core machine.
#
#   bash tests/scanner/run.sh            # writes tests/scanner/results.json
#
# Trivy comes from TRIVY when set, else from PATH when it is the pinned
# version, else it is built from the Go module proxy into
# ${TRIVY_BIN:-/tmp/trivy-bin}. Trivy v0.74.0 needs Go 1.26 with the
# encoding/json/v2 experiment (its goreleaser.yml sets GOEXPERIMENT=jsonv2;
# Go 1.27's json/v2 lacks the SkipFunc it calls). Its checks are the ones
# embedded in the binary (trivy-checks); --skip-check-update keeps the run
# offline.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=v0.74.0
if [ -z "${TRIVY:-}" ]; then
  if command -v trivy > /dev/null && trivy --version | grep -q "Version: ${version#v}"; then
    TRIVY=$(command -v trivy)
  else
    bin=${TRIVY_BIN:-/tmp/trivy-bin}
    if [ ! -x "$bin/trivy" ]; then
      echo "scanner: building trivy $version into $bin (many minutes)" >&2
      GOTOOLCHAIN=go1.26.8 GOEXPERIMENT=jsonv2 GOBIN="$bin" go install \
        -ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${version#v}" \
        "github.com/aquasecurity/trivy/cmd/trivy@$version"
    fi
    TRIVY=$bin/trivy
  fi
fi
GOTOOLCHAIN=$(.ci/toolchain)
export GOTOOLCHAIN
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run ./tests/scanner -trivy "$TRIVY" -work "$work" -out tests/scanner/results.json "$@"
