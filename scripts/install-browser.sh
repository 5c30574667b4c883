#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver when they are missing: the web studio's browser test
# (StudioBrowserTest) drives the real browser through Selenium. A test tool, never a runtime dependency. Needs root
# and apt; prints what it does on stderr; exits 0 when both are on the PATH afterwards.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "install-browser: chromium or chromedriver is missing; install Debian's chromium and chromium-driver" \
       "(apt-get install chromium chromium-driver, as root)" >&2
  exit 1
fi
echo "install-browser: installing Debian's chromium and chromium-driver with apt-get (a few minutes, once)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || true
apt-get install -y -q --no-install-recommends chromium chromium-driver >&2
command -v chromium >/dev/null && command -v chromedriver >/dev/null
