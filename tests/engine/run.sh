#!/usr/bin/env bash
# The real Pulumi engine test: the CLI and Go language host built from
# engine/ (.ci/install-pulumi), the stub provider (tests/engine/stubprovider)
# installed as aws 6.83.4, tls 5.3.1 and random 4.19.2 under a temporary
# PULUMI_HOME with automatic plugin acquisition off, a file backend and
# passphrase secrets. For dev and prod it runs what docs/compliance.md and the
# workflows run: preview; preview --json read by `plan -from-preview`;
# preview with the policy pack; up; a preview that must show no change;
# preview --json --show-sames through the guard; a planted key replacement
# that the guard must block; and destroy of the unprotected stack. Any
# unexpected result fails it.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
export GOTOOLCHAIN=go1.27.3
bin=${PULUMI_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/hardening/pulumi-bin}
if [ ! -x "$bin/pulumi" ] || [ ! -x "$bin/pulumi-language-go" ]; then
  PULUMI_BIN="$bin" .ci/install-pulumi > /dev/null
fi
export PATH="$bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PULUMI_HOME="$work/home" PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_SKIP_UPDATE_CHECK=true \
  PULUMI_CONFIG_PASSPHRASE=engine-test PULUMI_BACKEND_URL="file://$work/state"
mkdir -p "$work/state"
go build -o "$work/pulumi-resource-stub" ./tests/engine/stubprovider
for p in aws:6.83.4 tls:5.3.1 random:4.19.2; do
  pulumi plugin install resource "${p%%:*}" "${p##*:}" --file "$work/pulumi-resource-stub" > /dev/null
done
go build -o "$work/plan" ./cmd/plan
# A copy of the project: the stacks' KMS secrets providers become passphrase ones.
git ls-files -co --exclude-standard | grep -v '^bin/' | tar -cf - -T - | tar -xf - -C "$work" --one-top-level=proj
cd "$work/proj"
go run ./cmd/buildlambda > /dev/null 2>&1
sed -i '/^secretsprovider:/d' Pulumi.dev.yaml Pulumi.prod.yaml

fail() { echo "engine test: $*" >&2; exit 1; }
step() { echo "== $*"; }
for stack in dev prod; do
  pulumi stack init "$stack" --secrets-provider passphrase > /dev/null
  step "$stack: preview"
  pulumi preview --stack "$stack" --non-interactive > "$work/$stack-preview.txt" || fail "$stack: preview failed: $(tail -20 "$work/$stack-preview.txt")"
  step "$stack: preview --json read by plan -from-preview"
  pulumi preview --stack "$stack" --json > "$work/$stack.json"
  "$work/plan" -stack "$stack" -from-preview "$work/$stack.json" > "$work/$stack-review.txt" || fail "$stack: the first preview's review failed: $(tail -20 "$work/$stack-review.txt")"
  # The language host builds with -trimpath; SARIF must point into the repository.
  "$work/plan" -stack "$stack" -from-preview "$work/$stack.json" -format sarif -source-root . > "$work/$stack.sarif" || true
  grep -q '"uri": "tls/tls.go"' "$work/$stack.sarif" || fail "$stack: SARIF locations from the preview do not resolve to repository paths: $(grep -m3 '"uri"' "$work/$stack.sarif")"
  step "$stack: preview with the policy pack, as docs/compliance.md writes it"
  pulumi preview --stack "$stack" --non-interactive --policy-pack ./policypack > "$work/$stack-pack.txt" 2>&1 || { cp "$work/$stack-pack.txt" /tmp/engine-pack-failure.txt 2>/dev/null; fail "$stack: preview with the policy pack failed: $(grep -i -m5 -B2 -A8 "error\|violation\|mandatory" "$work/$stack-pack.txt")"; }
  step "$stack: up"
  pulumi up --stack "$stack" --yes --non-interactive > "$work/$stack-up.txt" 2>&1 || fail "$stack: up failed: $(tail -30 "$work/$stack-up.txt")"
  step "$stack: preview expects no changes"
  pulumi preview --stack "$stack" --non-interactive --expect-no-changes > /dev/null || fail "$stack: a second preview has changes"
  step "$stack: .ci/preview, as the pull-request workflow runs it (policy pack, --show-sames, the guard)"
  .ci/preview "$stack" > "$work/$stack-ci-preview.txt" 2>&1 || fail "$stack: .ci/preview failed on an unchanged stack: $(tail -20 "$work/$stack-ci-preview.txt")"
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
done
step "dev: destroy (unprotected)"
pulumi destroy --stack dev --yes --non-interactive > "$work/dev-destroy.txt" 2>&1 || fail "dev: destroy failed: $(tail -20 "$work/dev-destroy.txt")"
echo "engine test passed ($repo)"
