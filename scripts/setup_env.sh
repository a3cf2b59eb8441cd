#!/usr/bin/env bash
# Create .venv with python3 and install a requirements file into it.
# Sourced by app.sh and test.sh; needs only python3 (python3-venv is
# installed with apt-get when missing on Debian/Ubuntu).
set -euo pipefail
req="${1:-requirements.txt}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  echo "==> installing python3-venv with apt-get"
  as_root apt-get update -qq
  as_root apt-get install -y -qq python3-venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(cat "$req" requirements.txt 2>/dev/null | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> installing $req"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$req"
  touch "$stamp"
fi
