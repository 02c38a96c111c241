#!/usr/bin/env bash
# Verifies the systemd unit offline: `verify` must print nothing (it exits 0 on unknown keys,
# so any output is a failure), and the security exposure must be 2.0 or better.
set -euo pipefail
cd "$(dirname "$0")/.."
unit=systemd/ovh-fleet.service
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze not found: install the systemd package" >&2
  exit 1
fi
out=$(systemd-analyze verify "$unit" 2>&1 || true)
if [ -n "$out" ]; then
  echo "systemd-analyze verify $unit printed:" >&2
  echo "$out" >&2
  exit 1
fi
systemd-analyze security --offline=true --threshold=20 "$unit" | tail -n 1
echo "systemd unit: verify clean, exposure within 2.0"
