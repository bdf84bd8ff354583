#!/usr/bin/env bash
# Fails when a secrets file or something that looks like a credential is in the repository: tracked files,
# and new files git would add (ignored files such as .streamlit/secrets.toml are local and fine).
# Placeholders (CHANGE-ME, <...>, user:pass, ${VAR}) are allowed so the examples can show the shape.
set -euo pipefail
cd "$(dirname "$0")/.."
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
files="$( { git ls-files; git ls-files --others --exclude-standard; } 2>/dev/null || true)"
if echo "$files" | grep -E '(^|/)(secrets\.toml|\.env|secret\.key)$'; then
  echo "A secrets file is in the repository; remove it from git and keep it local." >&2; exit 1
fi
pattern='(-----BEGIN [A-Z ]*PRIVATE KEY-----|(client|cookie)_secret *= *"[^"<]{8,}|postgres(ql)?(\+psycopg2?)?://[^:@/ ]+:[^@/ ]+@)'
placeholder='(://[^:@/ ]+:(CHANGE-ME|pass|password|secret|<[^>]*>|\$\{?[A-Za-z_]+\}?|\*+)@)'
found="$(git grep --untracked -nIE "$pattern" -- . ':!tests/' ':!scripts/check-secrets.sh' 2>/dev/null \
  | grep -vE "$placeholder" || true)"
if [ -n "$found" ]; then
  echo "$found"
  echo "Something that looks like a credential is in the repository (above). Move it to the environment or .streamlit/secrets.toml." >&2
  exit 1
fi
echo "no secrets found"
