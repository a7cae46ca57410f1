#!/usr/bin/env bash
# Installs the project's tools, idempotently:
# - into .local/venv: moto (local DynamoDB + SQS), aws-sam-cli (template lint), cargo-lambda;
# - for the web app: Debian's Chromium and ChromeDriver (the browser tests drive them; no
#   test tool ever downloads a browser of its own), a Korean font so that the browser shows
#   Hangul, and web/node_modules from web/package-lock.json (again whenever the lock changes).
# CI and every new machine start with nothing, so `make run` and `make test` call this first.
set -euo pipefail
cd "$(dirname "$0")/.."

python_tools() {
  local venv=.local/venv
  local stamp=$venv/.installed-v1
  if [ -f "$stamp" ]; then return 0; fi
  mkdir -p .local
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "moto[server]==5.2.5" "aws-sam-cli==1.170.0" "cargo-lambda==1.9.2"
  touch "$stamp"
}

debian_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
  dpkg -s fonts-nanum >/dev/null 2>&1 || missing+=(fonts-nanum)
  if [ "${#missing[@]}" -eq 0 ]; then return 0; fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
}

web_modules() {
  local lock_sum stamp=web/node_modules/.package-lock.sha256
  lock_sum=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  if [ -d web/node_modules ] && [ "$(cat "$stamp" 2>/dev/null)" = "$lock_sum" ]; then return 0; fi
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
}

python_tools
debian_packages
web_modules
