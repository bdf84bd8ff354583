#!/usr/bin/env bash
# Every check: lint, types, the whole test suite on SQLite, then again on a throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export PYTHONDONTWRITEBYTECODE=1 KYR_DEMO_DATA=0

echo "== ruff"; $BIN/ruff check . && $BIN/ruff format --check . >/dev/null || { $BIN/ruff format --diff . | head -50; exit 1; }
echo "== mypy"; $BIN/mypy
echo "== no secrets committed"; bash scripts/check-secrets.sh

echo "== tests on SQLite"
$BIN/pytest -p no:cacheprovider "$@"

echo "== tests on PostgreSQL"
# This run's own server, in its own directory on a free port: another run on the machine does not collide.
# It is stopped however the run ends; a run killed outright (SIGKILL) leaves it to the next start to remove.
pg_dir=""
stop_postgres() { [ -z "$pg_dir" ] || bash scripts/throwaway-postgres.sh stop "$pg_dir"; }
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pg_dir="$(mktemp -d /tmp/kyr-pg.XXXXXX)"
if ! url="$(bash scripts/throwaway-postgres.sh start "$pg_dir" $$)"; then
  echo "PostgreSQL could not be started: the PostgreSQL half of the suite did not run." >&2
  exit 1
fi
KYR_TEST_DATABASE_URL="$url" $BIN/pytest -p no:cacheprovider -m "not e2e and not postgres_servers" "$@"
