#!/usr/bin/env bash
# Lambda footprint: release size of each function built by cargo-lambda for arm64 (x86_64
# if the arm64 target cannot be installed here), and the init time from process start to
# "ready for the first event", measured against a minimal Lambda Runtime API
# (scripts/runtime_api.py). Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.local/venv/bin:$PATH"
functions=(queue availability reservation balance payment operator admitter hold-expiry)
bins=()
for f in "${functions[@]}"; do bins+=(--bin "$f"); done
# No package named: the workspace's default members, the Lambda functions and nothing else.
arch=arm64; triple=aarch64-unknown-linux-gnu
if ! cargo lambda build --release --arm64 >.local/footprint-build.log 2>&1; then
  arch=x86_64; triple=x86_64-unknown-linux-gnu
  cargo lambda build --release --x86-64 >>.local/footprint-build.log 2>&1
fi
built=$(find target/lambda -mindepth 1 -maxdepth 1 -type d -printf '%f ' | xargs -n1 | sort | xargs)
echo "Built with \`cargo lambda build --release --$arch\` (cargo-lambda $(cargo lambda --version | awk '{print $2}'), zig linker; the release profile of Cargo.toml: opt-level s, fat LTO, one codegen unit, symbols stripped). It built: $built."
echo
echo "Much of init is the SDK's TLS set-up loading the trusted certificates. Lambda does not set \`SSL_CERT_DIR\`, and Amazon Linux keeps the certificates in a bundle (/etc/pki/tls/certs/ca-bundle.crt); this sandbox sets \`SSL_CERT_DIR=/etc/ssl/certs\`, a directory of about 140 single certificates, which every start then reads one by one. So init is measured twice: with the bundle alone, as on Lambda (\`SSL_CERT_FILE\` set, \`SSL_CERT_DIR\` unset), and in this machine's own environment."
echo
echo "| function | bootstrap size | zipped | init, one CA bundle as on Lambda (process start to first /next, median of 5) | init, this machine's environment |"
echo "|---|---:|---:|---:|---:|"
# Init is measured on this machine's own architecture (an arm64 binary cannot run here).
cargo build --release "${bins[@]}" >>.local/footprint-build.log 2>&1
# shellcheck disable=SC1091
[ -f .local/bench/env ] && source .local/bench/env
export QUEUE_TABLE=${QUEUE_TABLE:-QueueTable} CATALOG_TABLE=${CATALOG_TABLE:-CatalogTable} \
  RESERVATION_TABLE=${RESERVATION_TABLE:-ReservationTable} WALLET_TABLE=${WALLET_TABLE:-WalletTable} \
  HOLD_EXPIRY_QUEUE_URL=${HOLD_EXPIRY_QUEUE_URL:-http://127.0.0.1:9/q} PAYMENT_EVENTS_QUEUE_URL=${PAYMENT_EVENTS_QUEUE_URL:-http://127.0.0.1:9/q} \
  ADMISSION_KEY=${ADMISSION_KEY:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')} \
  TICKET_KEY=${TICKET_KEY:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')} \
  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true
for f in "${functions[@]}"; do
  boot=target/lambda/$f/bootstrap
  size=$(stat -c %s "$boot")
  zipped=$(gzip -9 -c "$boot" | wc -c)
  # The median of five cold starts: one start on a busy 2-core machine is noise.
  bundle=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
  init=$(for _ in 1 2 3 4 5; do env -u SSL_CERT_DIR SSL_CERT_FILE="$bundle" .local/venv/bin/python scripts/runtime_api.py "target/release/$f"; done | sort -n | sed -n 3p)
  here=$(for _ in 1 2 3 4 5; do .local/venv/bin/python scripts/runtime_api.py "target/release/$f"; done | sort -n | sed -n 3p)
  printf "| %s | %.1f MB | %.1f MB | %s ms | %s ms |\n" "$f" "$(echo "$size/1048576" | bc -l)" "$(echo "$zipped/1048576" | bc -l)" "$init" "$here"
done
