#!/usr/bin/env bash
# Installs bcoin 1.0.2 (pinned by package-lock.json) for ActorNode's interop tests and makes it load on node 20:
#   1. npm ci --ignore-scripts   (the native builds of leveldown, bcrypto, secp256k1 and bstring fail on node 20;
#                                 bcoin falls back to JavaScript for all but two modules)
#   2. guard bdb's `require('leveldown')`, which bdb does at load time even for in-memory databases
#                                (bcoin then runs with --memory=true only)
#   3. npm rebuild mrmr          (murmur3 has no JavaScript fallback; built against the headers of the installed node,
#                                 found through npm_config_nodedir, since node-gyp cannot download headers offline)
# Idempotent and fast when already done: a marker in node_modules records the lock file's hash and node's version.
# Safe to run concurrently (flock). Exit status 0 = ready; anything else = not ready, the reason on stderr.
set -euo pipefail
cd "$(dirname "$0")"

die() { echo "setup.sh: $*" >&2; exit 1; }
command -v node >/dev/null || die "node is not installed (the interop tests need Node.js >= 20 and npm; see docs/interop.md)"
command -v npm >/dev/null || die "npm is not installed (the interop tests need Node.js >= 20 and npm; see docs/interop.md)"

if command -v flock >/dev/null; then
  exec 9>.setup.lock
  flock -w 600 9 || die "timed out waiting for another setup.sh"
fi

marker=node_modules/.actornode-setup
want="$(sha256sum package-lock.json | cut -c1-64) node-$(node --version)"
leveldown_guard='/* actornode: leveldown guard */'

ready() {
  [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] &&
    [ -f node_modules/mrmr/build/Release/mrmr.node ] &&
    grep -qF "$leveldown_guard" node_modules/bdb/lib/level.js 2>/dev/null
}

if ready; then
  echo "setup.sh: already set up"
  exit 0
fi

echo "setup.sh: npm ci --ignore-scripts"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error || die "npm ci failed (is the npm registry reachable?)"

echo "setup.sh: guarding bdb's require('leveldown')"
find node_modules -path '*/bdb/lib/level.js' -print0 | while IFS= read -r -d '' f; do
  grep -qF "$leveldown_guard" "$f" && continue
  cat > "$f" <<JS
'use strict';
$leveldown_guard
// leveldown's native build fails on node >= 20; bcoin then runs with --memory=true only.
try {
  module.exports = require('leveldown');
} catch (e) {
  module.exports = function leveldown() {
    throw new Error('leveldown unavailable (native module not built): run bcoin with --memory=true');
  };
}
JS
done
grep -qF "$leveldown_guard" node_modules/bdb/lib/level.js || die "bdb/lib/level.js not found after npm ci"

if [ -z "${npm_config_nodedir:-}" ]; then
  prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  for dir in "$prefix" /usr /usr/local; do
    if [ -f "$dir/include/node/node.h" ]; then export npm_config_nodedir="$dir"; break; fi
  done
fi
[ -n "${npm_config_nodedir:-}" ] || die "node's C headers not found (include/node/node.h); set npm_config_nodedir"
command -v make >/dev/null && command -v g++ >/dev/null || die "building mrmr needs make and g++"

echo "setup.sh: npm rebuild mrmr (nodedir $npm_config_nodedir)"
npm rebuild mrmr --loglevel=error || die "npm rebuild mrmr failed"
[ -f node_modules/mrmr/build/Release/mrmr.node ] || die "mrmr.node was not built"

node -e "require('bdb'); require('mrmr'); require('bcoin/lib/node/fullnode');" \
  || die "bcoin does not load after setup"

echo "$want" > "$marker"
echo "setup.sh: ready"
