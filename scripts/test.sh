#!/usr/bin/env bash
# `make test`: lint the template, start a fresh local AWS, run every test, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
echo "== sam validate --lint"
SAM_CLI_TELEMETRY=0 .local/venv/bin/sam validate --lint -t template.yaml
echo "== format"
cargo fmt --all --check
echo "== build"
cargo build --workspace --all-targets
dir=.local/test-$$
trap 'scripts/stack.sh stop "$dir/smoke" 2>/dev/null; scripts/local-aws.sh stop "$dir"; rm -rf "$dir"' EXIT
scripts/local-aws.sh start "$dir"
# shellcheck disable=SC1091
source "$dir/env"
export LOCAL_AWS_DIR=$PWD/$dir
echo "== tests"
log=$dir/cargo-test.log
cargo test --workspace --lib --bins --tests -- --test-threads=4 2>&1 | tee "$log"
echo "== smoke rush: 100 fans through HTTP, invariants checked in the database"
scripts/stack.sh start "$dir/smoke" target/debug/local-gateway
if ( source "$dir/smoke/env"; target/debug/rush --base "$SERVICE_URL" --users 100 --workers 4 --baseline-seconds 1 ); then smoke=0; else smoke=1; fi
scripts/stack.sh stop "$dir/smoke"
if [ "$smoke" = 0 ]; then echo "test result: ok. 1 passed; 0 failed (smoke rush)" >>"$log"; else echo "test result: FAILED. 0 passed; 1 failed (smoke rush)" >>"$log"; fi
# One closing line for the whole run (cargo prints one per test binary).
awk '/^test result:/ { p += $4; f += $6 } END { printf "all tests: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }' "$log"
