#!/usr/bin/env bash
# Installs the Debian packages the project needs, when they are missing.
#   venv: python3-venv (only if `python3 -m venv` failed)
#   run:  the fonts the printable documents embed (the app starts without them; PDFs then say what is missing)
#   test: Chromium for browser tests, PostgreSQL for the second database run, fonts and pdftoppm for PDFs,
#         Caddy for the deployment smoke test
#   serve: what `make serve` needs: PostgreSQL (unless DATABASE_URL names one), Caddy, the fonts
set -euo pipefail
what="${1:-test}"

need=()
# outreach/documents/fonts.py finds Debian's Noto fonts by path: Latin, Cyrillic, Bengali, Arabic, Urdu and
# Hebrew come with fonts-noto-core, Chinese with fonts-noto-cjk.
pdf_fonts() {
  [ -f /usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf ] || need+=(fonts-noto-core)
  [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
}
case "$what" in
  venv) need+=(python3-venv) ;;
  run) pdf_fonts ;;
  serve)
    pdf_fonts
    [ -n "${DATABASE_URL:-}" ] || [ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/initdb" ] 2>/dev/null || need+=(postgresql)
    command -v caddy >/dev/null 2>&1 || need+=(caddy)
    ;;
  test)
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    [ -x "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/initdb" ] 2>/dev/null || need+=(postgresql)
    pdf_fonts
    command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)  # renders PDF pages to PNG in tests
    command -v caddy >/dev/null 2>&1 || need+=(caddy)  # the TLS reverse proxy of the deployment smoke test (deploy/)
    ;;
esac
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] && [ "$what" = run ]; then
  echo "Warning: missing Debian packages ${need[*]}: printable documents need them (sudo apt-get install -y ${need[*]})." >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
