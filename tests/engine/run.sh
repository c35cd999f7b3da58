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
# Then a small fleet (tests/engine/fleet.yaml: three accounts in two
# regions) through cmd/fleet, as docs/deployment.md runs it: the
# organization wave, then each wave's bootstraps and workload stacks,
# previewed and updated, every provider assuming its account's role; a
# second run that skips every stack by digest; a change to one account
# that re-runs only that account's stacks.
#
# `run.sh stacks` runs only the stack files' part, `run.sh fleet` only the
# fleet's; no argument runs both.
#
# The CLI and language host come from PATH (the official release, as
# pulumi/actions installs it). Where they are missing and the workplace's
# offline engine build (../shared/engine/build.sh beside the repository, or
# beside the repository it was cloned from) exists, that script builds them;
# otherwise the test fails saying what to install.
set -euo pipefail
mode=${1:-all}
case "$mode" in all|stacks|fleet) ;; *) echo "engine test: unknown mode $mode (all, stacks or fleet)" >&2; exit 2 ;; esac
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
[ "$mode" = fleet ] && stacks=""
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
[ "$mode" = stacks ] && { echo "engine test passed ($repo)"; exit 0; }

# The fleet. cmd/fleet digests the program from git's view of its files.
started=$(date +%s)
git init -q . && git add -A
step "fleet: the program and cmd/fleet built once; every workspace runs the binary"
go build -o "$work/hardening-program" .
go build -o "$work/fleet" ./cmd/fleet
fleetfile=$work/fleet.yaml
cp tests/engine/fleet.yaml "$fleetfile"
export STUB_ASSUME_ROLE_LOG="$work/assumed-roles.log"
admin=OrganizationAccountAccessRole
fleet() { "$work/fleet" -fleet "$fleetfile" -binary "$work/hardening-program" -admin-role "$admin" "$@"; }
# run NAME ARGS...: cmd/fleet, its output kept; the outcome lines are
# "<stack> <status>".
run() {
  local name=$1; shift
  fleet "$@" > "$work/fleet-$name.txt" 2>&1 || fail "fleet $name ($*) failed: $(grep -v '^[a-z0-9-]*: ' "$work/fleet-$name.txt" | tail -30)"
}
# expect NAME STATUS STACK...: exactly these stacks ran in NAME, each with STATUS.
expect() {
  local name=$1 status=$2; shift 2
  local want got
  want=$(printf '%s\n' "$@" | sort)
  got=$(awk -v s="$status" 'NF == 2 && $2 == s { print $1 }' "$work/fleet-$name.txt" | sort)
  [ "$got" = "$want" ] || fail "fleet $name: stacks $status: got [$(echo $got)], want [$(echo $want)]"
}
waves="organization canary rest"
for wave in $waves; do
  list=$(fleet -wave "$wave" -list)
  if [ "$wave" = organization ]; then
    step "fleet: $wave: preview and up"
    run "$wave-preview" -wave "$wave"
    expect "$wave-preview" succeeded $list
    run "$wave-up" -wave "$wave" -update
    expect "$wave-up" succeeded $list
    continue
  fi
  # A workload stack reads the boundary its bootstrap deploys: the
  # bootstraps go up before the workload stacks are previewed.
  for kind in bootstrap workload; do
    kinds=$(fleet -wave "$wave" -kinds "$kind" -list)
    step "fleet: $wave: preview and up of the ${kind}s ($(echo $kinds))"
    run "$wave-$kind-preview" -wave "$wave" -kinds "$kind"
    expect "$wave-$kind-preview" succeeded $kinds
    run "$wave-$kind-up" -wave "$wave" -kinds "$kind" -update
    expect "$wave-$kind-up" succeeded $kinds
  done
done
all=$(for wave in $waves; do fleet -wave "$wave" -list; done)
[ "$(echo $all | wc -w)" = 13 ] || fail "the fleet has $(echo $all | wc -w) stacks, want 13 (org, log-archive, 2 security, 3 bootstraps, 6 workload): $(echo $all)"
step "fleet: each provider assumed a role of its own account"
for s in $all; do
  case "$s" in
    org) ! grep -q "^org " "$STUB_ASSUME_ROLE_LOG" || fail "the org stack assumed a role; it runs as the management account's caller" ;;
    wl-*)
      for kind in preview deploy; do
        grep -Eq "^$s arn:aws:iam::[0-9]{12}:role/ci/hardening-$s-ci-$kind\$" "$STUB_ASSUME_ROLE_LOG" || fail "$s: no $kind with its $kind role: $(grep "^$s " "$STUB_ASSUME_ROLE_LOG")"
      done ;;
    *) grep -Eq "^$s arn:aws:iam::[0-9]{12}:role/$admin\$" "$STUB_ASSUME_ROLE_LOG" || fail "$s: did not assume $admin: $(grep "^$s " "$STUB_ASSUME_ROLE_LOG")" ;;
  esac
done
step "fleet: a second run skips every stack by its digest"
for wave in $waves; do
  run "$wave-again" -wave "$wave" -update
  expect "$wave-again" unchanged $(fleet -wave "$wave" -list)
  expect "$wave-again" succeeded
done
step "fleet: a change to one account (app2's address blocks) re-runs only its stacks"
sed -i 's|cidrs: {us-east-1: 10.2.0.0/18, us-west-2: 10.2.64.0/18}|cidrs: {us-east-1: 10.12.0.0/18, us-west-2: 10.12.64.0/18}|' "$fleetfile"
grep -q '10.12.0.0/18' "$fleetfile" || fail "the planted change to app2 did not apply"
for wave in $waves; do
  run "$wave-changed" -wave "$wave" -update
done
expect organization-changed succeeded
expect canary-changed succeeded
expect rest-changed succeeded bootstrap-app2 wl-app2-use1 wl-app2-usw2
expect rest-changed unchanged bootstrap-app3 wl-app3-use1 wl-app3-usw2
grep -q '"10.12.0.0/18"' "$work/state/.pulumi/stacks/hardening/wl-app2-use1.json" || fail "wl-app2-use1's state does not hold its new block"
echo "fleet engine test: $(( $(date +%s) - started )) s"
echo "engine test passed ($repo)"
