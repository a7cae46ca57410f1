#!/usr/bin/env bash
# `make run`: the whole service on 127.0.0.1:${PORT:-3000}. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
cargo build -p local-gateway
(cd web && npm run --silent build)   # the web app the gateway serves at / (web/dist)
dir=.local/run
scripts/local-aws.sh stop "$dir"
scripts/local-aws.sh start "$dir"
trap 'scripts/local-aws.sh stop "$dir"' EXIT
# shellcheck disable=SC1091
source "$dir/env"
# Local defaults (API.md): an instant demo that survives a small crowd.
export ADMIT_PER_TICK=50 ACTIVE_CAP=200 TICK_SECONDS=2
export SEED_DEMO=1 PORT=${PORT:-3000}
echo "serving on http://127.0.0.1:$PORT (Ctrl-C stops)"
target/debug/local-gateway "$dir/routes.json"
