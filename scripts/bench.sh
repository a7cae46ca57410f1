#!/usr/bin/env bash
# `make bench`: the on-sale rush against a fresh local stack, the cost of one booking, the
# Lambda footprint; writes docs/benchmarks.md. USERS (default 1000) and WORKERS (4) adjust;
# FAULTS (e.g. "conflict=0.05,throttle=0.05,after_commit=0.02,seed=7") runs the rush under
# the local DynamoDB's injected faults and reports them beside the invariants.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
cargo build --release -p local-gateway -p bench
dir=.local/bench
scripts/stack.sh stop "$dir"
rm -rf "$dir"
trap 'scripts/stack.sh stop "$dir"' EXIT

# Cost first, on an idle emulator, so that no admitter tick shows up in the meter.
scripts/local-aws.sh start "$dir" >/dev/null
( source "$dir/env"; COST_JSON="$PWD/$dir/cost.json" target/release/rush cost >"$dir/cost.md" )
scripts/local-aws.sh stop "$dir"

LOCAL_AWS_FAULTS="${FAULTS:-}" scripts/stack.sh start "$dir" target/release/local-gateway
# shellcheck disable=SC1091
source "$dir/env"
users=${USERS:-1000}; workers=${WORKERS:-4}
target/release/rush --base "$SERVICE_URL" --users "$users" --workers "$workers" --report "$dir/rush.md" --cost "$dir/cost.json"
scripts/stack.sh stop "$dir"

scripts/footprint.sh >"$dir/footprint.md"
target/release/join-cost >"$dir/join-cost.md"

{
  cat docs/benchmarks.intro.md
  echo
  echo "## Latest run"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- command: \`make bench\` (USERS=$users, WORKERS=$workers, FAULTS=${FAULTS:-none}; release build; local AWS = moto, one DynamoDB request at a time)"
  echo
  cat "$dir/rush.md"
  echo
  echo "## Cost per booking"
  echo
  cat "$dir/cost.md"
  echo
  echo "## Lambda footprint"
  echo
  cat "$dir/footprint.md"
  echo
  echo "## The join's proof of work (docs/join-cost.md)"
  echo
  cat "$dir/join-cost.md"
} >docs/benchmarks.md
echo "wrote docs/benchmarks.md"
