#!/usr/bin/env bash
# Lambda footprint: release size of each function built by cargo-lambda for arm64 (x86_64
# if the arm64 target cannot be installed here), and the init time from process start to
# "ready for the first event", measured against a minimal Lambda Runtime API
# (scripts/runtime_api.py). Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.local/venv/bin:$PATH"
functions=(queue availability reservation balance payment admitter hold-expiry)
bins=()
for f in "${functions[@]}"; do bins+=(--bin "$f"); done
arch=arm64; triple=aarch64-unknown-linux-gnu
if ! cargo lambda build --release --arm64 "${bins[@]}" >.local/footprint-build.log 2>&1; then
  arch=x86_64; triple=x86_64-unknown-linux-gnu
  cargo lambda build --release --x86-64 "${bins[@]}" >>.local/footprint-build.log 2>&1
fi
echo "Built with \`cargo lambda build --release --$arch\` (cargo-lambda $(cargo lambda --version | awk '{print $2}'), zig linker; thin LTO, one codegen unit)."
echo
echo "| function | bootstrap size | zipped | init time (process start to first /next) |"
echo "|---|---:|---:|---:|"
# Init is measured on this machine's own architecture (an arm64 binary cannot run here).
cargo build --release "${bins[@]}" >>.local/footprint-build.log 2>&1
# shellcheck disable=SC1091
[ -f .local/bench/env ] && source .local/bench/env
export QUEUE_TABLE=${QUEUE_TABLE:-QueueTable} CATALOG_TABLE=${CATALOG_TABLE:-CatalogTable} \
  RESERVATION_TABLE=${RESERVATION_TABLE:-ReservationTable} WALLET_TABLE=${WALLET_TABLE:-WalletTable} \
  HOLD_EXPIRY_QUEUE_URL=${HOLD_EXPIRY_QUEUE_URL:-http://127.0.0.1:9/q} PAYMENT_EVENTS_QUEUE_URL=${PAYMENT_EVENTS_QUEUE_URL:-http://127.0.0.1:9/q} \
  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true
for f in "${functions[@]}"; do
  boot=target/lambda/$f/bootstrap
  size=$(stat -c %s "$boot")
  zipped=$(gzip -9 -c "$boot" | wc -c)
  init=$(.local/venv/bin/python scripts/runtime_api.py "target/release/$f")
  printf "| %s | %.1f MB | %.1f MB | %s ms |\n" "$f" "$(echo "$size/1048576" | bc -l)" "$(echo "$zipped/1048576" | bc -l)" "$init"
done
