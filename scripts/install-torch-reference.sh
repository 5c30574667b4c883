#!/usr/bin/env bash
# Installs Debian's python3-torch (and numpy) for /usr/bin/python3 when it cannot import torch. PyTorch is an
# independent reference for Retouch's benchmarks and parity tests (scripts/torch_unet.py), never a runtime
# dependency. Needs root and apt; prints what it does on stderr; exits 0 when torch is importable afterwards.
set -euo pipefail
if /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "install-torch-reference: /usr/bin/python3 cannot import torch; install Debian's python3-torch and" \
       "python3-numpy (apt-get install python3-torch python3-numpy, as root)" >&2
  exit 1
fi
echo "install-torch-reference: installing Debian's python3-torch with apt-get (a few minutes, once)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 || true
apt-get install -y -q --no-install-recommends python3-torch python3-numpy >&2
/usr/bin/python3 -c "import torch, numpy"
