#!/usr/bin/env bash
# Local AWS: start moto (DynamoDB + SQS) on a free port, create template.yaml's tables and
# queues, and write DIR/env for the functions and the local gateway (whose JWT signing key
# is made here on first use). `stop DIR` stops what `start DIR` started.
#   scripts/local-aws.sh start DIR | stop DIR
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:?start|stop}; dir=${2:?directory}
PY=.local/venv/bin/python
mkdir -p "$dir"
case "$cmd" in
start)
  # The local JWT issuer's RS256 key (PKCS#1, as Cognito signs): made once per checkout and
  # never committed (.local/ is git-ignored). Made under a temporary name and linked into
  # place, so of two concurrent starts one key wins whole and neither replaces it later.
  jwt_key="$PWD/.local/dev-jwt/signing-key.pem"
  if [ ! -f "$jwt_key" ]; then
    command -v openssl >/dev/null && openssl version >/dev/null ||
      { echo "openssl is needed to make the dev JWT signing key" >&2; exit 1; }
    mkdir -p "$(dirname "$jwt_key")"
    tmp=$(mktemp "$jwt_key.XXXXXX")
    openssl genrsa -traditional -out "$tmp" 2048 2>/dev/null ||
      { rm -f "$tmp"; echo "openssl genrsa failed to make $jwt_key" >&2; exit 1; }
    chmod 600 "$tmp"
    ln "$tmp" "$jwt_key" 2>/dev/null || [ -f "$jwt_key" ] || mv "$tmp" "$jwt_key"
    rm -f "$tmp"
  fi
  port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  endpoint="http://127.0.0.1:$port"
  # Faults (LOCAL_AWS_FAULTS, see scripts/moto_server.py) go on after provisioning below.
  LOCAL_AWS_FAULTS= nohup $PY scripts/moto_server.py 127.0.0.1 "$port" >"$dir/moto.log" 2>&1 &
  echo $! >"$dir/moto.pid"
  # Dummy credentials: the emulator accepts any, the SDK wants some.
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  ready=0
  for _ in $(seq 1 60); do
    if $PY -c "import boto3,sys; boto3.client('dynamodb', endpoint_url='$endpoint').list_tables(); boto3.client('sqs', endpoint_url='$endpoint').list_queues()" 2>/dev/null; then
      ready=1; break
    fi
    sleep 0.5
  done
  [ "$ready" = 1 ] || { echo "moto did not start; see $dir/moto.log" >&2; exit 1; }
  $PY scripts/provision.py "$endpoint" "$dir"
  if [ -n "${LOCAL_AWS_FAULTS:-}" ]; then
    $PY - "$endpoint/_faults" "$LOCAL_AWS_FAULTS" <<'PY' || { kill "$(cat "$dir/moto.pid")"; rm -f "$dir/moto.pid"; exit 1; }
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST"))
except urllib.error.HTTPError as e:
    sys.exit(f"LOCAL_AWS_FAULTS: {e.read().decode()}")
print(f"DynamoDB faults on: {sys.argv[2]}")
PY
  fi
  # The admission passes' signing key (a Secrets Manager secret on AWS): new for every start.
  admission_key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # The tickets' key (docs/tickets.md), likewise.
  ticket_key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  cat >>"$dir/env" <<ENV
export ADMISSION_KEY='$admission_key'
export TICKET_KEY='$ticket_key'
export DEV_JWT_KEY_FILE='$jwt_key'
export DEV_JWT_ISSUER='http://127.0.0.1/dev-issuer'
export DEV_JWT_AUDIENCE='concert-local'
export AWS_ENDPOINT_URL='$endpoint'
export AWS_REGION='us-east-1'
export AWS_DEFAULT_REGION='us-east-1'
export AWS_ACCESS_KEY_ID='local'
export AWS_SECRET_ACCESS_KEY='local'
export AWS_EC2_METADATA_DISABLED='true'
export LOCAL_AWS_FAULTS='${LOCAL_AWS_FAULTS:-}'
# moto serves DynamoDB one request at a time; on a 2-core machine under a test's load a
# request can wait seconds for its turn. The production budget (3 s) stays in template.yaml.
export DYNAMODB_TIMEOUT_MS='${LOCAL_DYNAMODB_TIMEOUT_MS:-10000}'
ENV
  echo "local AWS on $endpoint (state in $dir)"
  ;;
stop)
  if [ -f "$dir/moto.pid" ]; then
    kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
    rm -f "$dir/moto.pid"
  fi
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
