"""The audit trail: filters, facets, and append-only enforced by the code base and by the database."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, inspect, text, update
from sqlalchemy.exc import DBAPIError

from outreach import audit
from outreach.db import make_engine, migrate
from outreach.errors import InvalidInput
from outreach.models import AuditEntry, Edition

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def trail(sessions):
    """Five entries over three days, by two actors, on two entities."""
    rows = [
        (dt.datetime(2026, 3, 1, 9), "cora", "create", "organization", "7"),
        (dt.datetime(2026, 3, 1, 23, 59), "cora", "update", "organization", "7"),
        (dt.datetime(2026, 3, 2, 12), "ada", "change_role", "user", "3"),
        (dt.datetime(2026, 3, 3, 0, 0), "ada", "create", "organization", "8"),
        (dt.datetime(2026, 3, 3, 8), "cora", "receive", "stock_unit", "12"),
    ]
    with sessions.begin() as session:
        for at, actor, action, entity, entity_id in rows:
            session.add(
                AuditEntry(
                    at=at,
                    actor=actor,
                    action=action,
                    entity=entity,
                    entity_id=entity_id,
                    before='{"name": "<b>old</b>"}',
                    after='{"name": "new"}',
                )
            )
    return sessions


def test_history_is_newest_first_and_returns_before_and_after_as_text(trail):
    rows = audit.history(trail)
    assert rows["at"].tolist() == sorted(rows["at"].tolist(), reverse=True)
    assert rows.iloc[-1]["before"] == '{"name": "<b>old</b>"}'


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"entity": "organization"}, ["create", "update", "create"]),
        ({"actor": "ada"}, ["create", "change_role"]),
        ({"action": "create"}, ["create", "create"]),
        ({"entity": "organization", "entity_id": "7"}, ["update", "create"]),
        ({"entity_id": " 12 "}, ["receive"]),
        # A date covers its whole day, both ends inclusive.
        ({"since": dt.date(2026, 3, 1), "until": dt.date(2026, 3, 1)}, ["update", "create"]),
        ({"since": dt.date(2026, 3, 2)}, ["receive", "create", "change_role"]),
        ({"until": dt.date(2026, 3, 2)}, ["change_role", "update", "create"]),
        ({"since": dt.datetime(2026, 3, 3, 0, 0)}, ["receive", "create"]),
        ({"actor": "cora", "since": dt.date(2026, 3, 2)}, ["receive"]),
        ({"limit": 2}, ["receive", "create"]),
        ({"actor": "nobody"}, []),
    ],
)
def test_history_filters(trail, filters, expected):
    assert audit.history(trail, **filters)["action"].tolist() == expected


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"since": dt.date(2026, 3, 3), "until": dt.date(2026, 3, 1)}, "reversed"),
        ({"limit": 0}, "at least 1"),
    ],
)
def test_history_refuses_impossible_filters(trail, filters, message):
    with pytest.raises(InvalidInput, match=message):
        audit.history(trail, **filters)


def test_facets_list_what_the_filters_can_choose(trail):
    assert audit.facets(trail) == {
        "entity": ["organization", "stock_unit", "user"],
        "action": ["change_role", "create", "receive", "update"],
        "actor": ["ada", "cora"],
    }


def test_record_joins_the_callers_transaction(sessions):
    with pytest.raises(RuntimeError):
        with sessions.begin() as session:
            audit.record(session, actor="t", action="create", entity="thing", entity_id=1, after={"a": 1})
            raise RuntimeError("the change failed")
    assert audit.history(sessions).empty


def test_add_and_record_adds_the_row_and_audits_what_the_flush_filled_in(sessions):
    with sessions.begin() as session:
        edition = Edition(code="2027-01", title="Next year")
        edition_id = audit.add_and_record(
            session, edition, actor="t", entity="edition", after=lambda: {"status": edition.status}
        )
    assert edition_id == edition.id
    row = audit.history(sessions).iloc[0]
    assert (row.actor, row.action, row.entity, row.entity_id) == ("t", "create", "edition", str(edition_id))
    assert json.loads(row.after) == {"status": "active"}  # the column default, set by the flush


# --- append-only --------------------------------------------------------------------------------------


def _sources() -> list[Path]:
    return [
        *sorted((ROOT / "outreach").rglob("*.py")),
        *sorted((ROOT / "pages").glob("*.py")),
        ROOT / "app.py",
    ]


def test_no_code_path_updates_or_deletes_audit_rows():
    """Only outreach/audit.py (inserts, selects) and the model itself name AuditEntry or its table."""
    allowed = {ROOT / "outreach" / "audit.py", *(ROOT / "outreach" / "models").glob("*.py")}
    offenders = []
    for path in _sources():
        source = path.read_text()
        if path not in allowed and re.search(r"\bAuditEntry\b|['\"]audit_log['\"]", source):
            offenders.append(f"{path.relative_to(ROOT)} names the audit table")
        if re.search(
            r"(update|delete)\(\s*AuditEntry|(UPDATE|DELETE\s+FROM|TRUNCATE)\s+\"?audit_log", source, re.I
        ):
            offenders.append(f"{path.relative_to(ROOT)} changes audit rows")
    module = (ROOT / "outreach" / "audit.py").read_text()
    assert not re.search(r"\b(update|delete|merge)\(|\.delete\b|\.execute\(", module), (
        "audit.py only adds rows"
    )
    assert offenders == []


def test_the_scan_sees_the_whole_code_base():
    names = {str(path.relative_to(ROOT)) for path in _sources()}
    assert {"outreach/audit.py", "outreach/backup.py", "outreach/ui/guards.py", "app.py"} <= names


def _one_entry(sessions) -> int:
    with sessions.begin() as session:
        audit.record(session, actor="t", action="create", entity="thing", entity_id=1, after={"a": 1})
    return int(audit.history(sessions).iloc[0]["id"])


@pytest.mark.parametrize(
    "statement",
    [
        lambda entry: update(AuditEntry).where(AuditEntry.id == entry).values(actor="mallory"),
        lambda entry: delete(AuditEntry).where(AuditEntry.id == entry),
        lambda entry: text("UPDATE audit_log SET after = NULL"),
        lambda entry: text("DELETE FROM audit_log"),
    ],
    ids=["orm-update", "orm-delete", "sql-update", "sql-delete"],
)
def test_the_database_refuses_to_change_or_delete_an_audit_row(sessions, statement):
    """Runs on SQLite here and on PostgreSQL in the PostgreSQL half of `make test`."""
    entry = _one_entry(sessions)
    with pytest.raises(DBAPIError, match="append-only"):
        with sessions.begin() as session:
            session.execute(statement(entry))
    row = audit.history(sessions).iloc[0]
    assert (row["id"], row["actor"], row["after"]) == (entry, "t", '{"a": 1}')


def test_the_orm_cannot_delete_an_audit_row_either(sessions):
    entry = _one_entry(sessions)
    with pytest.raises(DBAPIError, match="append-only"):
        with sessions.begin() as session:
            session.delete(session.get(AuditEntry, entry))
    assert len(audit.history(sessions)) == 1


def test_a_migrated_database_has_the_append_only_triggers(tmp_path):
    """The Alembic migration must create the same triggers as the models (op.execute of
    outreach.models.AUDIT_APPEND_ONLY_DDL); a database built by `migrate` is what production runs."""
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    try:
        migrate(engine)
        with engine.connect() as connection:
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            ).scalars()
            assert set(triggers) == {"audit_log_no_update", "audit_log_no_delete"}
        assert inspect(engine).has_table("audit_log")
    finally:
        engine.dispose()
