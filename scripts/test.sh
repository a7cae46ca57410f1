#!/usr/bin/env bash
# `make test`: lint the template, then every test against fresh local AWS emulators:
# once as moto behaves, once under a seeded mix of DynamoDB's real faults
# (scripts/moto_server.py), and the frozen-database test on an emulator of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
echo "== sam validate --lint, cfn-lint (informational checks included)"
SAM_CLI_TELEMETRY=0 .local/venv/bin/sam validate --lint -t template.yaml
.local/venv/bin/cfn-lint -c I -- template.yaml
echo "== the library's layers (scripts/check-layers.py), and format"
scripts/check-layers.py
cargo fmt --all --check
echo "== the documented venue layout is the generator's (docs/venues.md)"
python3 scripts/venue-layout.py arena 2>/dev/null | cmp - docs/venues/arena.json
echo "== build"
cargo build --workspace --all-targets
# The local DynamoDB serves one request at a time, far slower than AWS's: the gateway lets
# a request run 20 times its function's template.yaml timeout before answering as a timed
# out Lambda does (dev/gateway/src/api_gateway.rs), so that a slow emulator under injected
# faults on a busy machine is not taken for a hung function.
export LOCAL_TIMEOUT_FACTOR=20
dir=.local/test-$$
log=$dir/cargo-test.log
mkdir -p "$dir"
trap 'scripts/stack.sh stop "$dir/smoke" 2>/dev/null; for d in plain faults joins joins-faults own; do scripts/local-aws.sh stop "$dir/$d"; done; rm -rf "$dir"' EXIT

echo "== the local DynamoDB's fault injector"
.local/venv/bin/python scripts/test_faults.py 2>&1 | tee -a "$log.py"
if grep -q '^OK' "$log.py"; then echo "test result: ok. 1 passed; 0 failed (fault injector)" >>"$log"
else echo "test result: FAILED. 0 passed; 1 failed (fault injector)" >>"$log"; fi
echo "== the local IAM check (each function held to its template.yaml policy)"
.local/venv/bin/python scripts/test_iam.py 2>&1 | tee "$log.iam"
if grep -q '^OK' "$log.iam"; then echo "test result: ok. 1 passed; 0 failed (local IAM)" >>"$log"
else echo "test result: FAILED. 0 passed; 1 failed (local IAM)" >>"$log"; fi


echo "== tests, as moto behaves"
scripts/local-aws.sh start "$dir/plain"
( source "$dir/plain/env"; export LOCAL_AWS_DIR=$PWD/$dir/plain
  cargo test --workspace --lib --bins --tests -- --test-threads=4 ) 2>&1 | tee -a "$log"

echo "== integration tests under injected DynamoDB faults, and global indexes 200 ms behind"
LOCAL_AWS_FAULTS="${TEST_FAULTS:-conflict=0.05,throttle=0.05,after_commit=0.02,index_lag_ms=200,seed=7}" \
  scripts/local-aws.sh start "$dir/faults"
( source "$dir/faults/env"; export LOCAL_AWS_DIR=$PWD/$dir/faults
  cargo test -p integration-tests --tests -- --test-threads=4 ) 2>&1 | tee -a "$log"
echo "faults injected: $(curl -sf "$(source "$dir/faults/env"; echo "$AWS_ENDPOINT_URL")/_faults")"
scripts/local-aws.sh stop "$dir/faults"

echo "== joins at scale (thousands of items), on emulators of their own: as moto behaves, then under faults"
scripts/local-aws.sh start "$dir/joins"
( source "$dir/joins/env"; export LOCAL_AWS_DIR=$PWD/$dir/joins
  cargo test -p integration-tests --test joins -- --ignored ) 2>&1 | tee -a "$log"
scripts/local-aws.sh stop "$dir/joins"
LOCAL_AWS_FAULTS="${TEST_FAULTS:-conflict=0.05,throttle=0.05,after_commit=0.02,index_lag_ms=200,seed=7}" \
  scripts/local-aws.sh start "$dir/joins-faults"
( source "$dir/joins-faults/env"; export LOCAL_AWS_DIR=$PWD/$dir/joins-faults
  cargo test -p integration-tests --test joins -- --ignored ) 2>&1 | tee -a "$log"
scripts/local-aws.sh stop "$dir/joins-faults"

echo "== tests that act on a whole emulator (every live sale; a 10 s freeze), on one of their own"
scripts/local-aws.sh start "$dir/own"
( source "$dir/own/env"; export LOCAL_AWS_DIR=$PWD/$dir/own
  cargo test -p integration-tests --test own_emulator -- --ignored --test-threads=1 ) 2>&1 | tee -a "$log"
scripts/local-aws.sh stop "$dir/own"

echo "== smoke rush: 100 fans through HTTP, invariants checked in the database"
scripts/stack.sh start "$dir/smoke" target/debug/local-gateway
if ( source "$dir/smoke/env"; target/debug/rush --base "$SERVICE_URL" --users 100 --workers 4 --baseline-seconds 1 ); then smoke=0; else smoke=1; fi
scripts/stack.sh stop "$dir/smoke"
if [ "$smoke" = 0 ]; then echo "test result: ok. 1 passed; 0 failed (smoke rush)" >>"$log"; else echo "test result: FAILED. 0 passed; 1 failed (smoke rush)" >>"$log"; fi
echo "== the web app: unit tests, and end to end in headless Chromium"
if ! scripts/web-test.sh 2>&1 | tee -a "$log"; then
  grep -q '^test result: FAILED.*(web' "$log" || echo "test result: FAILED. 0 passed; 1 failed (web)" >>"$log"
fi
# One closing line for the whole run (cargo prints one per test binary).
awk '/^test result:/ { p += $4; f += $6 } END { printf "all tests: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }' "$log"
