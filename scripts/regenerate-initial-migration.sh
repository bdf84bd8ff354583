#!/usr/bin/env bash
# Until the first release, the schema has one migration generated from the models. This regenerates it
# (after a model change) and appends the append-only audit triggers, which autogenerate cannot see.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
rm -f migrations/versions/0001_initial_schema.py
DATABASE_URL="sqlite:///$tmp/empty.db" .venv/bin/alembic -c migrations/alembic.ini revision --autogenerate \
  -m "initial schema" --rev-id 0001 >/dev/null
.venv/bin/python - <<'PY'
from outreach.models import AUDIT_APPEND_ONLY_DDL

path = "migrations/versions/0001_initial_schema.py"
text = open(path).read()
# Copied in as literals: a migration must not change when the models module changes later.
text = text.replace("    # ### end Alembic commands ###\n", f"""    # ### end Alembic commands ###
    # The database refuses UPDATE and DELETE on the audit trail (outreach.models.AUDIT_APPEND_ONLY_DDL).
    for statement in AUDIT_APPEND_ONLY_DDL.get(op.get_bind().dialect.name, ()):
        op.execute(statement)
""", 1)
text = text.replace("\n\ndef upgrade()", f"\n\nAUDIT_APPEND_ONLY_DDL = {AUDIT_APPEND_ONLY_DDL!r}\n\n\ndef upgrade()", 1)
open(path, "w").write(text)
PY
rm -rf "$tmp"
.venv/bin/ruff format -q migrations/versions/0001_initial_schema.py
echo "regenerated migrations/versions/0001_initial_schema.py"
