#!/usr/bin/env bash
# Fetches the Noto emoji set used by Retouch: the npm package emoji-datasource-google@16.0.0, as the packed .tgz
# that retouch-data reads directly (dev.retouch.data.emoji.EmojiArchive).
#
# Usage: scripts/fetch-emoji.sh [CACHE_DIR]
#   CACHE_DIR defaults to ${RETOUCH_CACHE:-$HOME/.cache/retouch}.
# Idempotent: if CACHE_DIR/emoji-datasource-google-16.0.0.tgz already exists it is verified, not fetched again.
# Prints the path of the verified archive on stdout.
set -euo pipefail

readonly PACKAGE="emoji-datasource-google"
readonly VERSION="16.0.0"
readonly FILE="${PACKAGE}-${VERSION}.tgz"

cache_dir="${1:-${RETOUCH_CACHE:-$HOME/.cache/retouch}}"
target="${cache_dir}/${FILE}"

die() { echo "fetch-emoji: $*" >&2; exit 1; }

verify() {
  local file="$1"
  [[ -s "$file" ]] || die "$file is empty or missing (expected the npm package ${PACKAGE}@${VERSION})"
  # grep without -q reads the whole listing, so tar never dies of SIGPIPE under pipefail
  tar tzf "$file" 2>/dev/null | grep -x 'package/emoji.json' >/dev/null \
    || die "$file is not a valid ${PACKAGE} archive: expected package/emoji.json inside, found none (delete it and rerun)"
}

if [[ ! -f "$target" ]]; then
  command -v npm >/dev/null 2>&1 || die "npm not found on PATH: install Node.js (which provides npm), or place ${FILE} in ${cache_dir}"
  mkdir -p "$cache_dir"
  tmp_dir="$(mktemp -d "${cache_dir}/.fetch-emoji.XXXXXX")"
  trap 'rm -rf "$tmp_dir"' EXIT
  echo "fetch-emoji: npm pack ${PACKAGE}@${VERSION} into ${cache_dir}" >&2
  npm pack "${PACKAGE}@${VERSION}" --pack-destination "$tmp_dir" --loglevel=warn >&2 \
    || die "npm pack ${PACKAGE}@${VERSION} failed (see npm's output above)"
  [[ -f "${tmp_dir}/${FILE}" ]] || die "npm pack did not produce ${FILE} in ${tmp_dir}"
  verify "${tmp_dir}/${FILE}"
  mv -f "${tmp_dir}/${FILE}" "$target"   # same file system: an atomic rename
fi

verify "$target"
echo "$target"
