#!/usr/bin/env bash
# The Retouch test command (README, .ci/run): fetches the Noto emoji package into the cache when it is missing,
# then builds and runs every module's tests. Tests that need the full emoji archive are required to run
# (-Dretouch.requireEmoji=true), so a missing download fails instead of silently skipping.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RETOUCH_CACHE="${RETOUCH_CACHE:-$HOME/.cache/retouch}"
"$here/scripts/fetch-emoji.sh" "$RETOUCH_CACHE" >/dev/null
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
start=$(date +%s)
cd "$here"
mvn -B -q test -Dretouch.requireEmoji=true -Dretouch.cache="$RETOUCH_CACHE" "$@"
echo "retouch tests passed in $(( $(date +%s) - start )) s"
