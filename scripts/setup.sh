#!/usr/bin/env bash
# Prepare a fresh Debian 12 machine for the station: the system packages it needs (PC/SC
# daemon and the vpcd virtual-reader driver, zbar, fonts, Qt runtime libraries, PostgreSQL for
# the backend tests), then a virtualenv in .venv with the project and its tools installed.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  pcscd vsmartcard-vpcd libpcsclite-dev swig pcsc-tools
  libzbar0 fonts-dejavu-core
  python3 python3-venv python3-dev build-essential
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  postgresql
)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
echo "setup: ready ($(.venv/bin/python --version), $(.venv/bin/python -m pip --version | cut -d' ' -f1-2))" >&2
