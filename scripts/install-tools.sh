#!/usr/bin/env bash
# Installs the project's Python-side tools into .local/venv, idempotently:
# moto (local DynamoDB + SQS), aws-sam-cli (template lint), cargo-lambda (build/invoke).
# CI and every new machine start with nothing, so `make run` and `make test` call this first.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.local/venv
STAMP=$VENV/.installed-v1
if [ -f "$STAMP" ]; then exit 0; fi
mkdir -p .local
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
  "moto[server]==5.2.5" "aws-sam-cli==1.170.0" "cargo-lambda==1.9.2"
touch "$STAMP"
