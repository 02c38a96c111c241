#!/usr/bin/env bash
# Lints the Dockerfile with dockerfile-utils (pure JS, offline). It exits 0 even on warnings, so
# any output fails the check. No Docker engine runs here: the image itself is not built in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(npx --no-install dockerfile-utils lint Dockerfile 2>&1 || true)
if [ -n "$out" ]; then
  echo "dockerfile-utils lint Dockerfile:" >&2
  echo "$out" >&2
  exit 1
fi
echo "Dockerfile: lint clean"
