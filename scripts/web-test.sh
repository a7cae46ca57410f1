#!/usr/bin/env bash
# The web app's tests: its unit tests (Vitest), then end-to-end tests in Debian's headless
# Chromium (playwright-core) against two local stacks started here and stopped on exit: one
# as `make run` has it, one whose seat holds last 5 seconds (the hold-expiry test). The
# browser run writes the screenshots of docs/screenshots/. Prints one `test result:` line
# per suite, which scripts/test.sh adds up; exits non-zero if any test failed.
#   scripts/web-test.sh [all|unit|e2e]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
scripts/install-tools.sh
dir=$PWD/.local/web-test-$$
mkdir -p "$dir"
trap 'scripts/stack.sh stop "$dir/main" >/dev/null 2>&1; scripts/stack.sh stop "$dir/short-hold" >/dev/null 2>&1; rm -rf "$dir"' EXIT

# summary REPORT_JSON LABEL: one cargo-style line from Vitest's JSON report (a run that
# wrote no report counts as one failure).
summary() {
  node -e '
    const fs = require("fs");
    const [file, label] = process.argv.slice(1);
    let r = { numPassedTests: 0, numFailedTests: 1 };
    try { r = JSON.parse(fs.readFileSync(file, "utf8")); } catch {}
    const failed = r.numFailedTests + (r.numPassedTests + r.numFailedTests === 0 ? 1 : 0);
    console.log(`test result: ${failed ? "FAILED" : "ok"}. ${r.numPassedTests} passed; ${failed} failed (${label})`);
    process.exit(failed ? 1 : 0);
  ' "$1" "$2"
}

status=0
if [ "$what" = all ] || [ "$what" = unit ]; then
  echo "== web: type check and unit tests"
  (cd web && npx tsc --noEmit && npx vitest run --reporter=default --reporter=json --outputFile="$dir/unit.json") || true
  summary "$dir/unit.json" "web unit" || status=1
fi

if [ "$what" = all ] || [ "$what" = e2e ]; then
  echo "== web: end to end in headless Chromium"
  (cd web && npm run --silent build) >/dev/null
  # LOCAL_GATEWAY_BIN: a gateway built beforehand (e.g. while another build runs); else built here.
  gateway=${LOCAL_GATEWAY_BIN:-}
  if [ -z "$gateway" ]; then cargo build --quiet -p local-gateway; gateway=$PWD/target/debug/local-gateway; fi
  export LOCAL_GATEWAY_BIN=$gateway
  scripts/stack.sh start "$dir/main" "$gateway"
  scripts/stack.sh start "$dir/short-hold" web/e2e/short-hold-gateway.sh
  SERVICE_URL=$(source "$dir/main/env" && echo "$SERVICE_URL")
  SHORT_HOLD_SERVICE_URL=$(source "$dir/short-hold/env" && echo "$SERVICE_URL")
  export SERVICE_URL SHORT_HOLD_SERVICE_URL
  (cd web && npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile="$dir/e2e.json") || true
  summary "$dir/e2e.json" "web e2e" || status=1
fi
exit "$status"
