"""Backups: a demo database survives backup -> restore into a fresh database unchanged; bad archives and
non-empty targets are refused with a clear message and nothing written."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, func, select, text

from outreach import backup, config, data_versions, inventory
from outreach.accounts import auth
from outreach.accounts import sessions as user_sessions
from outreach.db import SessionFactory, make_engine, make_sessions
from outreach.demo import load_demo, seed_reference
from outreach.errors import Conflict, InvalidInput
from outreach.models import (
    Base,
    ClosedDate,
    DeliveryDriver,
    DeliveryHours,
    DeliveryRun,
    DeliverySchedule,
    DeliveryStop,
    GeocodeCacheEntry,
    MailOptOut,
    NotificationSetting,
    Organization,
    OutboxMessage,
    RestockRequest,
    RestockRequestLine,
    RestockToken,
    ReviewedText,
    RoleMapping,
    SenderLease,
    Shipment,
    StockBalance,
    StockMovement,
    StockUnit,
    TranslationReview,
    User,
    UserSession,
)
from tests.conftest import POSTGRES_URL, _create_schema


def dump(sessions: SessionFactory) -> dict[str, list[tuple]]:
    """Every table's rows, sorted by primary key."""
    with sessions() as session:
        return {
            table.name: [
                tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def row_count(sessions: SessionFactory) -> int:
    with sessions() as session:
        return sum(
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        )


@pytest.fixture
def target(request, tmp_path) -> Iterator[SessionFactory]:
    """A second empty, migrated database on the same kind of server as `sessions`."""
    if POSTGRES_URL:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS kyr_restore_target"))
            connection.execute(text("CREATE DATABASE kyr_restore_target"))
        engine = make_engine(POSTGRES_URL.rsplit("/", 1)[0] + "/kyr_restore_target")
        _create_schema(engine)
    else:
        path = tmp_path / "target.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
    yield make_sessions(engine)
    engine.dispose()
    if POSTGRES_URL:
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE kyr_restore_target"))
        admin.dispose()


@pytest.fixture(scope="module")
def archive(tmp_path_factory, sqlite_template) -> dict:
    """Demo data (a few seconds to load) backed up once for the module from SQLite, with the rows it held.
    In the PostgreSQL run the restores below go into PostgreSQL: a cross-database restore."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_sessions(engine)
    load_demo(sessions, organization_count=120)
    _fill_the_tables_the_demo_leaves_empty(sessions)
    rows = dump(sessions)
    data = backup.backup_bytes(sessions, actor="ada")
    engine.dispose()
    return {"rows": rows, "data": data}


def _fill_the_tables_the_demo_leaves_empty(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        org = session.scalar(select(Organization.id).order_by(Organization.id))
        unit = session.scalar(select(StockUnit.id).order_by(StockUnit.id))
        token = RestockToken(organization_id=org, token_hash="ab" * 32, created_by="cora")
        session.add_all(
            [GeocodeCacheEntry(address_key="1 main st", latitude=40.7, longitude=-73.9, source="fake"), token]
        )
        session.add(RoleMapping(pattern="@nyc.gov", role="organizer", created_by="ada"))
        signed_in = session.scalar(select(User).order_by(User.id).limit(1))
        session.add(
            UserSession(
                token_hash="cd" * 32,
                user_id=signed_in.id,
                last_seen_at=signed_in.created_at,
                idle_expires_at=signed_in.created_at,
                absolute_expires_at=signed_in.created_at,
            )
        )
        session.flush()
        request = RestockRequest(
            reference="R-1",
            idempotency_key="k-1",
            organization_id=org,
            token_id=token.id,
            note="“quoted” ✓ عربى",
        )
        request.lines.append(RestockRequestLine(unit_id=unit, packs_requested=3))
        session.add(request)
        # Messages (issue 16): a message, a coordinator's setting, an opt-out, the sender's lease.
        session.add_all(
            [
                OutboxMessage(
                    key="submitted:1:org",
                    kind="submitted",
                    recipient="leader@example.org",
                    organization_id=org,
                    language="ar",
                    subject="استلمنا طلبكم",
                    text_body="نص",
                    html_body="<p>نص</p>",
                    status="pending",
                    attempts=0,
                    next_attempt_at=signed_in.created_at,
                ),
                NotificationSetting(user_id=signed_in.id, mode="digest", boroughs="Bronx", updated_by="ada"),
                MailOptOut(organization_id=org, source="link", created_by="unsubscribe-link"),
                SenderLease(name="mail-sender", holder="host:1:1", expires_at=signed_in.created_at),
            ]
        )
    _field_rows(sessions)
    _delivery_and_review_rows(sessions)


def _field_rows(sessions: SessionFactory) -> None:
    """Receipts (one short), a handout report, a follow-up call and the receipt key (outreach.field)."""
    from outreach.field import followup, handouts, receipts

    with sessions() as session:
        delivered = session.execute(
            select(Shipment.id, Shipment.organization_id)
            .where(Shipment.status == "delivered")
            .order_by(Shipment.id)
        ).all()[:2]
    receipts.receipt_code(sessions, delivered[0][0])
    for index, (shipment_id, organization_id) in enumerate(delivered):
        parcel = receipts.parcels(sessions, shipment_id=shipment_id)[0]
        receipts.confirm_receipt(
            sessions,
            shipment_id=shipment_id,
            organization_id=organization_id,
            channel="slip",
            language="ar",
            confirmed_by="إمام",
            received_packs={parcel.lines[0].unit_id: "0"} if index else None,
            actor="receipt-code",
        )
    organization_id = delivered[0][1]
    item = next(iter(handouts.item_states(sessions, organization_id)))
    checked = handouts.check_report(sessions, organization_id=organization_id, typed={item: ("1", "1")})
    handouts.report_handouts(
        sessions,
        organization_id=organization_id,
        report=checked,
        submission_key="k",
        language="ht",
        actor="x",
    )
    followup.record_call(
        sessions, organization_id=organization_id, reason="not_confirmed", note="ok", actor="cora"
    )


def _delivery_and_review_rows(sessions: SessionFactory) -> None:
    """A delivery run with a driver and a stop, an organization's hours and closed date (outreach.delivery), a
    reviewed text and its review (outreach.translation_review): written as rows, the archive's business."""
    day = dt.date(2026, 12, 7)
    with sessions.begin() as session:
        org = session.scalar(select(Organization.id).order_by(Organization.id))
        shipment = session.scalar(
            select(Shipment).where(Shipment.status == "delivered").order_by(Shipment.id)
        )
        session.add_all(
            [
                DeliverySchedule(organization_id=org, updated_by="cora"),
                DeliveryHours(organization_id=org, weekday=0, opens=600, closes=1020),
                ClosedDate(organization_id=org, closed_on=day, note="Feast day", created_by="cora"),
                ReviewedText(language="yi", key="page.title", text="טעקסט", reviewer="Rivke", reviewed_on=day),
                TranslationReview(
                    language="yi", reviewer="Rivke", reviewed_on=day, texts_changed=1, imported_by="ada",
                    imported_at=dt.datetime(2026, 12, 7, 10, 0),
                ),
            ]
        )  # fmt: skip
        run = DeliveryRun(
            run_date=day, depot_id=shipment.depot_id, created_by="cora",
            start_latitude=40.7, start_longitude=-73.9,
        )  # fmt: skip
        session.add(run)
        session.flush()
        driver = DeliveryDriver(run_id=run.id, name="Rosa", phone="+1 718-555-0199", capacity_packs=20)
        session.add(driver)
        session.flush()
        session.add(DeliveryStop(run_id=run.id, shipment_id=shipment.id, driver_id=driver.id, position=1))


def _ledger_sums(sessions: SessionFactory) -> tuple[dict, dict]:
    """The ledger's sum per unit and depot, and the stored balances (those the ledger has, or non-zero)."""
    movements = select(StockMovement.unit_id, StockMovement.location_id, func.sum(StockMovement.quantity))
    with sessions() as session:
        ledger = {
            (unit, depot): total
            for unit, depot, total in session.execute(
                movements.group_by(StockMovement.unit_id, StockMovement.location_id)
            )
        }
        balances = {
            (unit, depot): on_hand
            for unit, depot, on_hand in session.execute(
                select(StockBalance.unit_id, StockBalance.location_id, StockBalance.on_hand)
            )
            if on_hand or (unit, depot) in ledger
        }
    return ledger, balances


def test_round_trip_loses_nothing(archive, target):
    counts = backup.restore(target, source=archive["data"], actor="ada")
    restored = dump(target)
    original = archive["rows"]
    # Derived tables are not archived; restore rebuilds them, and they must come back equal (loop below).
    # Nor are the data versions: the target's own count of writes, checked in the next test.
    assert counts == {name: len(rows) for name, rows in original.items() if name not in backup.NOT_ARCHIVED}
    assert "shipment_totals" in original and "shipment_totals" not in counts
    assert all(len(rows) for rows in original.values()), [name for name, rows in original.items() if not rows]
    assert counts["organizations"] == 120
    for name, rows in original.items():
        if name == "audit_log":
            assert restored[name][:-1] == rows, name
            assert restored[name][-1][3] == "restore"  # (id, at, actor, action, ...): the restore itself
        elif name in backup.DERIVED_TABLES:  # rebuilt: the same sums, without rows that fell to zero
            assert restored[name] == [row for row in rows if row[-2] or row[-1]], name  # units or reserved
        elif name != data_versions.TABLE:
            assert restored[name] == rows, name
    ledger, balances = _ledger_sums(target)
    assert ledger and ledger == balances


def test_a_restore_moves_the_data_version_of_every_table_it_fills(archive, target):
    """Another app process's cached reads must see the restored campaign on its next rerun."""
    engine = target.kw["bind"]
    before_total, before = data_versions.current(engine), data_versions.versions(engine)
    counts = backup.restore(target, source=archive["data"], actor="ada")
    after = data_versions.versions(engine)
    assert data_versions.current(engine) > before_total
    filled = {name for name, rows in counts.items() if rows} | {"shipment_totals"}  # rebuilt by the restore
    assert filled <= set(after)
    assert all(after[name] == before.get(name, 0) + 1 for name in filled), (before, after)  # one transaction


def test_after_a_restore_new_rows_get_fresh_ids(archive, target):
    backup.restore(target, source=archive["data"], actor="ada")
    highest = max(row[0] for row in archive["rows"]["stock_movements"])
    unit = archive["rows"]["stock_units"][0][0]
    depot = archive["rows"]["locations"][0][0]
    inventory.receive(
        target, unit_id=unit, location_id=depot, quantity=5, reference="after restore", actor="ada"
    )
    with target() as session:
        assert session.scalar(select(func.max(StockMovement.id))) == highest + 1
    assert auth.create_user(
        target, username="newcomer", password="long-enough-pw", role="organizer", actor="ada"
    )


def test_the_manifest_describes_the_archive(archive):
    with zipfile.ZipFile(io.BytesIO(archive["data"])) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        assert manifest["format"] == backup.FORMAT and manifest["format_version"] == backup.FORMAT_VERSION
        assert manifest["schema_revision"]
        names = [entry["name"] for entry in manifest["tables"]]
        # parents before children; derived tables and data versions are not archived
        assert names == [t.name for t in Base.metadata.sorted_tables if t.name not in backup.NOT_ARCHIVED]
        for entry in manifest["tables"]:
            assert (
                len(zipped.read(entry["file"]).splitlines())
                == entry["rows"]
                == len(archive["rows"][entry["name"]])
            )


def test_a_backup_is_audited(sessions, ref):
    backup.backup_bytes(sessions, actor="ada")
    with sessions() as session:
        rows = session.execute(text("SELECT actor, action, entity FROM audit_log ORDER BY id DESC")).all()
    assert tuple(rows[0]) == ("ada", "backup", "database")


def _rewrite(data: bytes, change) -> bytes:
    """A copy of an archive with `change(name, content) -> content` applied to each member."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                copy.writestr(name, content)
    return out.getvalue()


def _manifest_edit(**fields):
    def change(name, content):
        if name != "manifest.json":
            return content
        return json.dumps({**json.loads(content), **fields}).encode()

    return change


def _tamper(name, content):
    if name == "tables/stock_movements.jsonl":
        return content.replace(b'"quantity": ', b'"quantity": 9', 1)
    return content


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda data: b"PK\x03\x04 definitely not a zip", InvalidInput, "not a zip"),
        (lambda data: data[: len(data) // 2], InvalidInput, "not a zip|damaged"),
        (lambda data: _rewrite(data, _tamper), InvalidInput, "stock_movements.*checksum"),
        (lambda data: _rewrite(data, _manifest_edit(format_version=99)), InvalidInput, "format version 99"),
        (lambda data: _rewrite(data, _manifest_edit(format="zip-of-cats")), InvalidInput, "not a KYR"),
        (
            lambda data: _rewrite(data, _manifest_edit(schema_revision="9999")),
            InvalidInput,
            "revision '9999'",
        ),
        (
            lambda data: _rewrite(data, lambda n, c: None if n == "manifest.json" else c),
            InvalidInput,
            "manifest",
        ),
        (
            lambda data: _rewrite(data, lambda n, c: None if n == "tables/users.jsonl" else c),
            InvalidInput,
            "users.*missing",
        ),
    ],
    ids=["not-zip", "truncated", "tampered", "version", "format", "revision", "no-manifest", "missing-table"],
)
def test_a_bad_archive_is_refused_and_nothing_is_written(archive, target, make, error, message):
    with pytest.raises(error, match=message):
        backup.restore(target, source=make(archive["data"]), actor="ada")
    assert row_count(target) == 0


def test_a_database_with_campaign_data_is_refused(archive, target):
    seed_reference(target)
    before = dump(target)
    with pytest.raises(Conflict, match=r"already holds campaign data \(editions, locations, stock_units"):
        backup.restore(target, source=archive["data"], actor="ada")
    assert dump(target) == before


def test_a_backup_from_this_database_server_restores_identically(sessions, ref, target):
    """The source is the test's own database: PostgreSQL (REPEATABLE READ snapshot) in the PostgreSQL run."""
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "ur")],
        location_id=ref.main_depot,
        quantity=150,
        reference="PR",
        actor="t",
    )
    auth.create_user(sessions, username="cora", password="long-enough-pw", role="coordinator", actor="t")
    before = dump(sessions)
    backup.restore(target, source=backup.backup_bytes(sessions, actor="t"), actor="t")
    after = dump(target)
    # The audit trail gains the restore; the data versions count each database's own writes.
    assert {name: rows for name, rows in after.items() if name not in ("audit_log", data_versions.TABLE)} == {
        name: rows for name, rows in before.items() if name not in ("audit_log", data_versions.TABLE)
    }
    assert after["audit_log"][:-1] == before["audit_log"]


def test_a_fresh_install_with_its_first_admin_can_be_restored(archive, target):
    """The admin made to reach the new install (signed in, restoring from the Backups page) is replaced by
    the archive's accounts, their sign-in with them; the audit trail keeps its rows and appends the archive's."""
    auth.create_user(target, username="first-admin", password="long-enough-pw", role="admin", actor="cli")
    auth.authenticate(target, username="first-admin", password="long-enough-pw")
    user_sessions.start(target, username="first-admin")
    backup.restore(target, source=archive["data"], actor="first-admin")
    restored, original = dump(target), archive["rows"]
    assert restored["users"] == original["users"]
    assert restored["user_sessions"] == original["user_sessions"]
    assert restored["organizations"] == original["organizations"]
    actions = [row[3] for row in restored["audit_log"]]
    assert actions[:2] == ["create", "sign_in"] and actions[-1] == "restore"
    assert [row[1:] for row in restored["audit_log"][2:-1]] == [row[1:] for row in original["audit_log"]]


def test_the_command_line_round_trip(archive, target, tmp_path, monkeypatch, capsys):
    path = tmp_path / "kyr.zip"
    path.write_bytes(archive["data"])
    url = target.kw["bind"].url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    config.settings.cache_clear()
    try:
        assert backup.main(["restore", str(path)]) == 0
        assert "Restored" in capsys.readouterr().out
        assert backup.main(["restore", str(path)]) == 2  # now it is not empty
        assert "Nothing was written" in capsys.readouterr().err
        again = tmp_path / "again.zip"
        assert backup.main(["create", str(again)]) == 0
        assert backup.main(["create", str(again)]) == 2  # never overwrites without --force
        assert not list(tmp_path.glob("*.partial"))
        copy = backup.read_archive(again.read_bytes())
        assert len(copy.rows["organizations"]) == len(archive["rows"]["organizations"])
    finally:
        config.settings.cache_clear()
