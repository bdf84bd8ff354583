"""Backups that work from SQLite and PostgreSQL alike, and restore into an empty database.

An archive is a zip: `manifest.json` (format version, schema revision, creation time, and per table its row
count and SHA-256) plus one JSON-lines file per table, in dependency order. It is read in one snapshot
(a single read transaction; REPEATABLE READ on PostgreSQL) and restored in one transaction.

    python -m outreach.backup create FILE      # the database in DATABASE_URL -> FILE
    python -m outreach.backup create DIR --keep 14   # a new archive in DIR; only the newest 14 stay
    python -m outreach.backup compare FILE     # after a restore drill: does the database hold FILE's data?
    python -m outreach.backup restore FILE     # FILE -> the (empty) database in DATABASE_URL

"Empty" means no campaign data. A fresh install may already hold the accounts made to reach it (users,
role mappings) and their audit rows: restore replaces those accounts with the archive's and appends the
archive's audit trail after the rows already there (the audit log is never edited or deleted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, Table, delete, func, select, text
from sqlalchemy.orm import Session

from outreach import audit, backup_files, data_versions
from outreach.db import SessionFactory, engine_of, utcnow
from outreach.errors import Conflict, InvalidInput
from outreach.models import Base, RoleMapping, User, UserSession
from outreach.organizations import served
from outreach.shipments import totals as shipment_totals

FORMAT = backup_files.FORMAT
FORMAT_VERSION = 1
MANIFEST = backup_files.MANIFEST
# Tables a fresh install fills before anyone can restore: replaced by the archive's rows (sessions first:
# they point at users). The restoring admin's own sign-in ends with them.
ACCOUNT_TABLES = (UserSession.__tablename__, User.__tablename__, RoleMapping.__tablename__)
_INSERT_CHUNK = 500
# Derived tables are not archived: restore recomputes them from the rows they summarize. Nor are the data
# versions: they describe this database's history of writes, and only ever grow (outreach/data_versions.py);
# the restore's own writes move them.
DERIVED_TABLES = ("shipment_totals",)
NOT_ARCHIVED = (*DERIVED_TABLES, data_versions.TABLE)
ARCHIVED_TABLES = [table for table in Base.metadata.sorted_tables if table.name not in NOT_ARCHIVED]


@dataclass(frozen=True)
class Archive:
    """A verified archive: the manifest and each table's decoded rows."""

    manifest: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]


# --- create -------------------------------------------------------------------------------------------


def write_backup(sessions: SessionFactory, target: IO[bytes], *, actor: str) -> dict[str, Any]:
    """Write the whole database to `target` as an archive; return its manifest. Audited (who exported)."""
    engine = engine_of(sessions)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": utcnow().isoformat(),
        "source_dialect": engine.dialect.name,
        "tables": [],
    }
    with _snapshot(engine) as connection, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        manifest["schema_revision"] = _revision(connection)
        for table in ARCHIVED_TABLES:
            file_name = f"tables/{table.name}.jsonl"
            digest, count = hashlib.sha256(), 0
            with archive.open(file_name, "w") as handle:
                result = connection.execute(select(table).order_by(*table.primary_key.columns))
                for row in result.mappings():
                    line = (json.dumps(_encode(row), ensure_ascii=False, sort_keys=True) + "\n").encode()
                    digest.update(line)
                    handle.write(line)
                    count += 1
            manifest["tables"].append(
                {"name": table.name, "file": file_name, "rows": count, "sha256": digest.hexdigest()}
            )
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    with sessions.begin() as session:
        audit.record(
            session,
            actor=actor,
            action="backup",
            entity="database",
            after={
                "rows": sum(t["rows"] for t in manifest["tables"]),
                "revision": manifest["schema_revision"],
            },
        )
    return manifest


def backup_bytes(sessions: SessionFactory, *, actor: str) -> bytes:
    buffer = io.BytesIO()
    write_backup(sessions, buffer, actor=actor)
    return buffer.getvalue()


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction over every table, so the archive is a consistent point in time."""
    options: dict[str, Any] = {"readonly": True}
    if engine.dialect.name == "postgresql":
        options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with engine.connect().execution_options(**options) as connection, connection.begin() as transaction:
        yield connection
        transaction.rollback()  # read-only: nothing to keep


def _revision(connection: Connection) -> str:
    revision = MigrationContext.configure(connection).get_current_revision()
    if not revision:
        raise InvalidInput(
            "The database has no schema revision (it was never migrated). Start the app once or run "
            "`alembic upgrade head`, then try again."
        )
    return revision


def _encode(row: Any) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in row.items()}


# --- read and verify ----------------------------------------------------------------------------------


def read_archive(source: bytes | IO[bytes]) -> Archive:
    """Open and verify an archive completely (format, tables, columns, checksums) before anything is written."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except zipfile.BadZipFile:
        raise InvalidInput("This file is not a KYR Tracker backup (it is not a zip archive).") from None
    with archive:
        manifest = _manifest(archive)
        rows = {entry["name"]: _table_rows(archive, entry) for entry in manifest["tables"]}
    return Archive(manifest=manifest, rows=rows)


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise InvalidInput(f"This archive has no {MANIFEST}: it is not a KYR Tracker backup.") from None
    except (ValueError, zipfile.BadZipFile) as exc:
        raise InvalidInput(f"The archive's {MANIFEST} is damaged ({exc}). Use another backup.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput("This archive is not a KYR Tracker backup (unknown format in its manifest).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(
            f"This backup has format version {manifest.get('format_version')!r}; this version of the app "
            f"reads version {FORMAT_VERSION}. Restore it with the app version that made it."
        )
    names = [entry.get("name") for entry in manifest.get("tables", []) if isinstance(entry, dict)]
    expected = [table.name for table in ARCHIVED_TABLES]
    if sorted(map(str, names)) != sorted(expected):
        missing, extra = set(expected) - set(names), set(names) - set(expected)
        raise InvalidInput(
            "The backup's tables do not match this app's schema "
            f"(missing: {', '.join(sorted(missing)) or 'none'}; unknown: {', '.join(map(str, extra)) or 'none'})."
        )
    return manifest


def _table_rows(archive: zipfile.ZipFile, entry: dict[str, Any]) -> list[dict[str, Any]]:
    table = Base.metadata.tables[entry["name"]]
    try:
        data = archive.read(str(entry.get("file")))
    except (KeyError, zipfile.BadZipFile):
        raise InvalidInput(f"The backup is damaged: the file for table {table.name!r} is missing.") from None
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise InvalidInput(
            f"The backup is damaged: table {table.name!r} does not match its checksum. Use another backup."
        )
    columns = {column.name for column in table.columns}
    rows = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        try:
            record = json.loads(line)
        except ValueError:
            raise InvalidInput(f"The backup is damaged: line {number} of table {table.name!r}.") from None
        if not isinstance(record, dict) or set(record) != columns:
            raise InvalidInput(
                f"Line {number} of table {table.name!r} has columns that do not match this app's schema."
            )
        rows.append(_decode(table, record))
    if len(rows) != entry.get("rows"):
        raise InvalidInput(
            f"The backup is damaged: table {table.name!r} has {len(rows)} rows, its manifest says {entry.get('rows')}."
        )
    return rows


def _decode(table: Table, record: dict[str, Any]) -> dict[str, Any]:
    decoded = dict(record)
    for column in table.columns:
        value = record[column.name]
        if value is None:
            continue
        kind = column.type.python_type
        try:
            if kind is dt.datetime:
                decoded[column.name] = dt.datetime.fromisoformat(value)
            elif kind is dt.date:
                decoded[column.name] = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidInput(
                f"Table {table.name!r} has a malformed date {value!r} in the backup."
            ) from None
    return decoded


# --- restore ------------------------------------------------------------------------------------------


def restore(sessions: SessionFactory, *, source: bytes | IO[bytes], actor: str) -> dict[str, int]:
    """Restore a verified archive into an empty database, in one transaction. Returns rows per table."""
    archive = read_archive(source)
    with sessions.begin() as session:
        connection = session.connection()
        revision = _revision(connection)
        if archive.manifest.get("schema_revision") != revision:
            raise InvalidInput(
                f"The backup was made at schema revision {archive.manifest.get('schema_revision')!r}; this "
                f"database is at {revision!r}. Restore it into a database at the same revision."
            )
        _require_empty(session)
        counts = _insert_all(session, archive)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)  # before the audit row below takes the next id
        audit.record(
            session,
            actor=actor,
            action="restore",
            entity="database",
            after={"created_at": archive.manifest.get("created_at"), "rows": sum(counts.values())},
        )
    return counts


def _require_empty(session: Session) -> None:
    filled = []
    for table in Base.metadata.sorted_tables:
        if table.name in (*ACCOUNT_TABLES, audit.TABLE_NAME, data_versions.TABLE):
            continue
        if session.execute(select(func.count()).select_from(table)).scalar_one():
            filled.append(table.name)
    if filled:
        raise Conflict(
            f"This database already holds campaign data ({', '.join(filled)}). A backup is only restored "
            "into an empty database, so nothing is overwritten: create a new empty database and restore there."
        )


def _insert_all(session: Session, archive: Archive) -> dict[str, int]:
    connection = session.connection()
    for name in ACCOUNT_TABLES:
        connection.execute(delete(Base.metadata.tables[name]))
    audit_table = Base.metadata.tables[audit.TABLE_NAME]
    keep_audit_ids = not session.execute(select(func.count()).select_from(audit_table)).scalar_one()
    counts = {}
    for table in ARCHIVED_TABLES:
        rows = archive.rows[table.name]
        if table is audit_table and not keep_audit_ids:
            # Rows already in the trail keep their ids; the archive's history follows them.
            rows = [{key: value for key, value in row.items() if key != "id"} for row in rows]
        for chunk in _chunks(rows):
            connection.execute(table.insert(), chunk)
        counts[table.name] = len(rows)
    shipment_totals.rebuild(session)
    served.rebuild(session)  # an archive from before organizations.language_list has none
    return counts


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), _INSERT_CHUNK):
        yield rows[start : start + _INSERT_CHUNK]


def _reset_sequences(connection: Connection) -> None:
    """Rows came with their ids: move each id sequence past them so new rows get fresh ids."""
    for table in Base.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or keys[0].type.python_type is not int or not keys[0].autoincrement:
            continue
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": keys[0].name},
        ).scalar()
        if sequence:
            highest = connection.execute(select(func.max(keys[0]))).scalar()
            connection.execute(
                text("SELECT setval(:sequence, :value, :called)"),
                {"sequence": sequence, "value": highest or 1, "called": highest is not None},
            )


# --- command line -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from outreach.db import make_engine, make_sessions, migrate

    parser = argparse.ArgumentParser(prog="python -m outreach.backup", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="write the database in DATABASE_URL to FILE (or into DIR)")
    create.add_argument("file", type=Path, help="the archive to write, or a folder to write a new one into")
    create.add_argument("--force", action="store_true", help="replace FILE if it exists")
    create.add_argument(
        "--keep", type=int, metavar="N", help="then delete all but the newest N archives in that folder"
    )
    restore_cmd = commands.add_parser("restore", help="restore FILE into the empty database in DATABASE_URL")
    restore_cmd.add_argument("file", type=Path)
    compare_cmd = commands.add_parser(
        "compare", help="check that the database in DATABASE_URL holds FILE's rows"
    )
    compare_cmd.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "create" and args.keep is not None and args.keep < 1:
        parser.error(f"--keep {args.keep}: keep at least 1 archive (the one just written)")

    engine = make_engine()
    try:
        migrate(engine)
        sessions = make_sessions(engine)
        if args.command == "create":
            path = backup_files.new_name(args.file) if args.file.is_dir() else args.file
            done = _create_file(sessions, path, force=args.force)
            if done == 0 and args.keep is not None:
                for deleted in backup_files.rotate(path.parent, keep=args.keep, written=path):
                    print(f"Deleted {deleted} (--keep {args.keep}).")
            return done
        if args.command == "compare":
            return _compare_file(sessions, args.file)
        counts = restore(sessions, source=args.file.read_bytes(), actor="cli")
        print(f"Restored {sum(counts.values())} rows into {len(counts)} tables from {args.file}.")
        return 0
    except (InvalidInput, Conflict, OSError) as exc:
        print(f"Nothing was written: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _create_file(sessions: SessionFactory, path: Path, *, force: bool) -> int:
    if path.exists() and not force:
        print(f"{path} exists; choose another name or pass --force.", file=sys.stderr)
        return 2
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as handle:
            manifest = write_backup(sessions, handle, actor="cli")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)  # a crash never leaves a half-written archive under the real name
    rows = sum(entry["rows"] for entry in manifest["tables"])
    print(
        f"Wrote {path}: {rows} rows in {len(manifest['tables'])} tables (revision {manifest['schema_revision']})."
    )
    return 0


def differences(sessions: SessionFactory, source: bytes) -> list[str]:
    """Tables whose rows differ between the archive and the database (the audit trail: only rows missing)."""
    expected = read_archive(source).manifest["tables"]
    now = {entry["name"]: entry for entry in write_backup(sessions, io.BytesIO(), actor="cli")["tables"]}
    return [
        f"{entry['name']} differs: {entry['rows']} rows in the archive, {now[entry['name']]['rows']} in the database"
        for entry in expected
        if (entry["name"] == audit.TABLE_NAME and now[entry["name"]]["rows"] < entry["rows"])
        or (entry["name"] != audit.TABLE_NAME and now[entry["name"]]["sha256"] != entry["sha256"])
    ]


def _compare_file(sessions: SessionFactory, path: Path) -> int:
    found = differences(sessions, path.read_bytes())
    print("\n".join(found) or f"The database holds every row of {path} (the audit trail may have more).")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
