#!/usr/bin/env bash
# Fails when a secrets file or something that looks like a credential is tracked by git.
set -euo pipefail
cd "$(dirname "$0")/.."
tracked="$(git ls-files 2>/dev/null || true)"
[ -z "$tracked" ] && exit 0
if echo "$tracked" | grep -E '(^|/)(secrets\.toml|\.env)$'; then
  echo "A secrets file is committed; remove it from git and keep it local." >&2; exit 1
fi
if echo "$tracked" | grep -vE '^(tests/|scripts/check-secrets.sh)' | xargs grep -nIE \
   '(-----BEGIN [A-Z ]*PRIVATE KEY-----|client_secret *= *"[^"<]{8,}|cookie_secret *= *"[^"<]{8,}|postgres(ql)?(\+psycopg)?://[^:@/ ]+:[^@/ ]+@)' 2>/dev/null; then
  echo "Something that looks like a credential is committed (above). Move it to the environment or .streamlit/secrets.toml." >&2
  exit 1
fi
echo "no secrets found"
