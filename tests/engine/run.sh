#!/usr/bin/env bash
# The real Pulumi engine test: the Pulumi CLI and Go language host at the
# version of the Go SDK in go.mod, the stub provider (tests/engine/stubprovider)
# installed as aws 6.83.4, tls 5.3.1 and random 4.19.2 under a temporary
# PULUMI_HOME with automatic plugin acquisition off, a file backend and
# passphrase secrets. For every stack file it runs what docs/compliance.md and the
# workflows run: preview; preview --json read by `plan -from-preview`;
# preview with the policy pack; up; a preview that must show no change;
# preview --json --show-sames through the guard; a planted key replacement
# that the guard must block; and destroy of every non-production stack. Any
# unexpected result fails it.
#
# The CLI and language host come from PATH (the official release, as
# pulumi/actions installs it). Where they are missing and the workplace's
# offline engine build (../shared/engine/build.sh beside the repository, or
# beside the repository it was cloned from) exists, that script builds them;
# otherwise the test fails saying what to install.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
GOTOOLCHAIN=$(.ci/toolchain)
export GOTOOLCHAIN
want=$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/sdk/v3)
have_engine() {
  command -v pulumi > /dev/null && command -v pulumi-language-go > /dev/null &&
    [ "$(pulumi version 2> /dev/null)" = "$want" ]
}
if ! have_engine; then
  origin=$(git config --get remote.origin.url 2> /dev/null || true)
  for script in "$repo/../shared/engine/build.sh" "${origin:+$origin/../shared/engine/build.sh}"; do
    if [ -n "$script" ] && [ -x "$script" ]; then
      bin=$("$script" | tail -n 1)
      export PATH="$bin:$PATH"
      break
    fi
  done
fi
have_engine || {
  echo "engine test: needs the Pulumi CLI $want and pulumi-language-go on PATH (found: $(command -v pulumi || echo no pulumi) $(pulumi version 2> /dev/null || true)); install the official release (https://www.pulumi.com/docs/install/, or pulumi/actions in a workflow) at $want" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PULUMI_HOME="$work/home" PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true \
  PULUMI_CONFIG_PASSPHRASE=engine-test PULUMI_BACKEND_URL="file://$work/state"
mkdir -p "$work/state"
# The stub's account: the managed policies one stack creates (a bootstrap's
# boundary) and another looks up.
export STUB_ACCOUNT_STATE="$work/account-policies.json"
go build -o "$work/pulumi-resource-stub" ./tests/engine/stubprovider
for p in aws:6.83.4 tls:5.3.1 random:4.19.2; do
  pulumi plugin install resource "${p%%:*}" "${p##*:}" --file "$work/pulumi-resource-stub" > /dev/null
done
go build -o "$work/plan" ./cmd/plan
# A copy of the project: the stacks' KMS secrets providers become passphrase ones.
git ls-files -co --exclude-standard | grep -v '^bin/' | tar -cf - -T - | tar -xf - -C "$work" --one-top-level=proj
cd "$work/proj"
go run ./cmd/buildlambda > /dev/null 2>&1
sed -i '/^secretsprovider:/d' Pulumi.*.yaml
stacks=$(for f in Pulumi.*.yaml; do f=${f#Pulumi.}; echo "${f%.yaml}"; done)

fail() { echo "engine test: $*" >&2; exit 1; }
step() { echo "== $*"; }
for stack in $stacks; do
  pulumi stack init "$stack" --secrets-provider passphrase > /dev/null
  step "$stack: preview"
  pulumi preview --stack "$stack" --non-interactive > "$work/$stack-preview.txt" || fail "$stack: preview failed: $(tail -20 "$work/$stack-preview.txt")"
  step "$stack: preview --json read by plan -from-preview"
  pulumi preview --stack "$stack" --json > "$work/$stack.json"
  "$work/plan" -stack "$stack" -from-preview "$work/$stack.json" > "$work/$stack-review.txt" || fail "$stack: the first preview's review failed: $(tail -20 "$work/$stack-review.txt")"
  # The language host builds with -trimpath; SARIF must point into the repository.
  "$work/plan" -stack "$stack" -from-preview "$work/$stack.json" -format sarif -source-root . > "$work/$stack.sarif" || true
  if grep -q '"uri": "/' "$work/$stack.sarif"; then
    fail "$stack: SARIF locations from the preview do not resolve to repository paths: $(grep -m3 '"uri"' "$work/$stack.sarif")"
  fi
  kind=$(pulumi config get --stack "$stack" kind 2> /dev/null || echo workload)
  if [ "$kind" != bootstrap ]; then
    grep -q '"uri": "tls/tls.go"' "$work/$stack.sarif" || fail "$stack: SARIF locations from the preview do not resolve to repository paths: $(grep -m3 '"uri"' "$work/$stack.sarif")"
  fi
  step "$stack: preview with the policy pack, as docs/compliance.md writes it"
  pulumi preview --stack "$stack" --non-interactive --policy-pack ./policypack > "$work/$stack-pack.txt" 2>&1 || { cp "$work/$stack-pack.txt" /tmp/engine-pack-failure.txt 2>/dev/null; fail "$stack: preview with the policy pack failed: $(grep -i -m5 -B2 -A8 "error\|violation\|mandatory" "$work/$stack-pack.txt")"; }
  step "$stack: up"
  pulumi up --stack "$stack" --yes --non-interactive > "$work/$stack-up.txt" 2>&1 || fail "$stack: up failed: $(tail -30 "$work/$stack-up.txt")"
  step "$stack: preview expects no changes"
  pulumi preview --stack "$stack" --non-interactive --expect-no-changes > /dev/null || fail "$stack: a second preview has changes"
  step "$stack: .ci/preview, as the pull-request workflow runs it (policy pack, --show-sames, the guard)"
  .ci/preview "$stack" > "$work/$stack-ci-preview.txt" 2>&1 || fail "$stack: .ci/preview failed on an unchanged stack: $(tail -20 "$work/$stack-ci-preview.txt")"
  # A bootstrap stack holds no key: the guard's planted replacement is a
  # workload stack's.
  if [ "$kind" != bootstrap ]; then
    step "$stack: a planted key replacement, blocked by the guard"
    multi=$(pulumi config get --stack "$stack" --path 'hardening:kms.multiRegion' 2>/dev/null || echo false)
    flip=true; [ "$multi" = true ] && flip=false
    cp "Pulumi.$stack.yaml" "$work/$stack.yaml.bak"
    pulumi config set --stack "$stack" --path 'hardening:kms.multiRegion' "$flip" --type bool > /dev/null
    pulumi preview --stack "$stack" --json --show-sames > "$work/$stack-replace.json" || true
    if "$work/plan" -stack "$stack" -from-preview "$work/$stack-replace.json" -guard > "$work/$stack-blocked.txt" 2>&1; then
      fail "$stack: the guard let a key replacement through"
    fi
    grep -q "kms" "$work/$stack-blocked.txt" || fail "$stack: the guard's refusal does not name the key: $(tail -5 "$work/$stack-blocked.txt")"
    cp "$work/$stack.yaml.bak" "Pulumi.$stack.yaml"
  fi
done
for stack in $stacks; do
  # Production stacks protect their stateful resources: only the others
  # are destroyed.
  [ "$(pulumi config get --stack "$stack" production 2> /dev/null || echo false)" = true ] && continue
  step "$stack: destroy (unprotected)"
  pulumi destroy --stack "$stack" --yes --non-interactive > "$work/$stack-destroy.txt" 2>&1 || fail "$stack: destroy failed: $(tail -20 "$work/$stack-destroy.txt")"
done
echo "engine test passed ($repo)"
