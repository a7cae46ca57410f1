#!/usr/bin/env bash
# Start or stop a complete local service in the background (local AWS + gateway), for the
# benchmark and the smoke rush. `make run` is the interactive version of the same thing.
#   scripts/stack.sh start DIR GATEWAY_BINARY | stop DIR
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:?start|stop}; dir=${2:?directory}
case "$cmd" in
start)
  gateway=${3:?gateway binary}
  scripts/local-aws.sh start "$dir" >/dev/null
  # shellcheck disable=SC1091
  source "$dir/env"
  export ADMIT_PER_TICK=50 ACTIVE_CAP=200 TICK_SECONDS=2 SEED_DEMO=1 RUST_LOG=${RUST_LOG:-warn}
  PORT=$(.local/venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export PORT
  nohup "$gateway" "$dir/routes.json" >"$dir/gateway.log" 2>&1 &
  echo $! >"$dir/gateway.pid"
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/concerts" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$PORT/concerts" >/dev/null || { echo "gateway did not start; see $dir/gateway.log" >&2; exit 1; }
  echo "export SERVICE_URL='http://127.0.0.1:$PORT'" >>"$dir/env"
  ;;
stop)
  [ -f "$dir/gateway.pid" ] && { kill "$(cat "$dir/gateway.pid")" 2>/dev/null || true; rm -f "$dir/gateway.pid"; }
  scripts/local-aws.sh stop "$dir"
  ;;
*) echo "usage: $0 start DIR GATEWAY | stop DIR" >&2; exit 2 ;;
esac
