#!/usr/bin/env bash
# `make test`: lint the template, start a fresh local AWS, run every test, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
echo "== sam validate --lint"
SAM_CLI_TELEMETRY=0 .local/venv/bin/sam validate --lint -t template.yaml
echo "== build"
cargo build --workspace --all-targets
dir=.local/test-$$
trap 'scripts/local-aws.sh stop "$dir"; rm -rf "$dir"' EXIT
scripts/local-aws.sh start "$dir"
# shellcheck disable=SC1091
source "$dir/env"
export LOCAL_AWS_DIR=$PWD/$dir
echo "== tests"
log=$dir/cargo-test.log
cargo test --workspace --lib --bins --tests -- --test-threads=4 2>&1 | tee "$log"
# One closing line for the whole run (cargo prints one per test binary).
awk '/^test result:/ { p += $4; f += $6 } END { printf "all tests: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }' "$log"
