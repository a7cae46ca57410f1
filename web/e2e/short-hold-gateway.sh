#!/usr/bin/env bash
# The local gateway with 5-second holds, for the hold-expiry browser test. The stack's env
# file sets the template's HOLD_SECONDS (300) before the gateway starts; this comes after.
HOLD_SECONDS=5 exec "${LOCAL_GATEWAY_BIN:-$(dirname "$0")/../../target/debug/local-gateway}" "$@"
