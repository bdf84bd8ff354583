#!/usr/bin/env bash
# Installs the Debian packages the project needs, when they are missing.
#   venv: python3-venv (only if `python3 -m venv` failed)
#   test: Chromium for browser tests, PostgreSQL for the second database run, fonts for PDFs
set -euo pipefail
what="${1:-test}"

need=()
case "$what" in
  venv) need+=(python3-venv) ;;
  test)
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    [ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/initdb" ] 2>/dev/null || need+=(postgresql)
    [ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
    ;;
esac
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
