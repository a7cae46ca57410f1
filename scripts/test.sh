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
cargo test --workspace -- --test-threads=4
