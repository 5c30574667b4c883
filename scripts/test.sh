#!/usr/bin/env bash
# The Retouch test command (README, .ci/run): fetches the Noto emoji package into the cache when it is missing,
# then builds and runs every module's tests. Tests that need the full emoji archive are required to run
# (-Dretouch.requireEmoji=true), so a missing download fails instead of silently skipping. Debian's python3-torch,
# the independent reference of the UNet parity test, is installed when missing (scripts/install-torch-reference.sh)
# and that test is required too (-Dretouch.requireReference=true); so are Debian's chromium and chromium-driver for
# the web studio's browser test (scripts/install-browser.sh, -Dretouch.requireBrowser=true).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RETOUCH_CACHE="${RETOUCH_CACHE:-$HOME/.cache/retouch}"
"$here/scripts/fetch-emoji.sh" "$RETOUCH_CACHE" >/dev/null
"$here/scripts/install-torch-reference.sh"
"$here/scripts/install-browser.sh"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# keep freed tensor memory in glibc's heap for reuse (see bin/retouch): 2x faster batched UNet passes
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
start=$(date +%s)
cd "$here"
mvn -B -q test -Dretouch.requireEmoji=true -Dretouch.requireReference=true -Dretouch.requireBrowser=true -Dretouch.cache="$RETOUCH_CACHE" "$@"
echo "retouch tests passed in $(( $(date +%s) - start )) s"
