"""Backup files in a folder: `create DIR --keep N` keeps the newest N archives and never deletes anything that
is not one of ours; the restore drill of docs/deploy.md (create, restore into a fresh database, compare)."""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import update

from outreach import backup, backup_files, config
from outreach.demo import load_demo
from outreach.models import Organization
from tests.test_backup import target  # noqa: F401  (the fresh database a restore goes into)


def _archive(path: Path, created_at: str, *, format: str = backup_files.FORMAT) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(backup_files.MANIFEST, json.dumps({"format": format, "created_at": created_at}))
    return path


def test_rotation_keeps_the_newest_archives_by_their_manifest_time(tmp_path):
    # File names and file dates disagree with the manifests on purpose: the manifest's time decides.
    oldest = _archive(tmp_path / "z-renamed.zip", "2026-01-01T00:00:00+00:00")
    middle = _archive(tmp_path / "kyr-backup-3.zip", "2026-02-01T00:00:00+00:00")
    newer = _archive(tmp_path / "a-copy.zip", "2026-03-01T00:00:00+00:00")
    written = _archive(tmp_path / "kyr-backup-1.zip", "2026-04-01T00:00:00+00:00")
    os.utime(oldest, (2_000_000_000, 2_000_000_000))  # the newest file date, the oldest archive

    deleted = backup_files.rotate(tmp_path, keep=2, written=written)

    assert sorted(deleted) == sorted([oldest, middle])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-copy.zip", "kyr-backup-1.zip"]
    assert newer.exists() and written.exists()


def test_rotation_never_touches_what_is_not_ours(tmp_path):
    written = _archive(tmp_path / "kyr-backup-new.zip", "2026-05-01T00:00:00+00:00")
    ours = _archive(tmp_path / "kyr-backup-old.zip", "2026-01-01T00:00:00+00:00")
    foreign = {
        "notes.txt": b"keep me",
        "photos.zip": None,  # a zip without our manifest
        "other-app.zip": "other-format",  # a zip whose manifest is someone else's
        "broken.zip": b"not a zip at all",
        "kyr-backup-x.zip.partial": b"half written",
    }
    for name, content in foreign.items():
        path = tmp_path / name
        if content is None:
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("photo.jpg", b"...")
        elif isinstance(content, str):
            _archive(path, "2020-01-01T00:00:00+00:00", format=content)
        else:
            path.write_bytes(content)
    (tmp_path / "old.zip").mkdir()  # a folder named like an archive
    (tmp_path / "link.zip").symlink_to(ours)  # a link to one of ours: the link is not ours to delete
    inside = tmp_path / "sub"
    inside.mkdir()
    nested = _archive(inside / "kyr-backup-nested.zip", "2019-01-01T00:00:00+00:00")  # not in this folder

    deleted = backup_files.rotate(tmp_path, keep=1, written=written)

    assert deleted == [ours]
    for name in foreign:
        assert (tmp_path / name).exists(), f"rotation deleted {name}, which is not one of our archives"
    assert (tmp_path / "old.zip").is_dir() and (tmp_path / "link.zip").is_symlink() and nested.exists()
    assert written.exists()


def test_keep_must_leave_the_new_archive(tmp_path):
    written = _archive(tmp_path / "kyr-backup-a.zip", "2026-01-01T00:00:00+00:00")
    with pytest.raises(ValueError, match="keep at least 1"):
        backup_files.rotate(tmp_path, keep=0, written=written)
    assert written.exists()


def test_a_new_name_never_replaces_an_archive(tmp_path):
    moment = dt.datetime(2026, 12, 3, 18, 5, 1, tzinfo=dt.UTC)
    first = backup_files.new_name(tmp_path, moment)
    assert first.name == "kyr-backup-20261203-180501Z.zip"
    first.write_bytes(b"")
    assert backup_files.new_name(tmp_path, moment).name == "kyr-backup-20261203-180501Z-2.zip"


@pytest.fixture
def cli_database(monkeypatch):
    def point_at(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
        config.settings.cache_clear()

    yield point_at
    config.settings.cache_clear()


def test_the_restore_drill(sessions, database_url, target, cli_database, tmp_path, capsys):  # noqa: F811
    """docs/deploy.md's drill: nightly `create DIR --keep N`, restore the newest into a fresh database,
    compare; a difference is reported, not hidden."""
    load_demo(sessions, organization_count=30)
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "README.txt").write_text("the admins' notes")
    cli_database(database_url)
    for _ in range(3):
        assert backup.main(["create", str(folder), "--keep", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("Deleted ") == 1, out  # the third run removed the first archive
    archives = backup_files.archives_in(folder)
    assert len(archives) == 2 and (folder / "README.txt").exists()
    newest = archives[-1].path

    cli_database(target.kw["bind"].url.render_as_string(hide_password=False))
    assert backup.main(["restore", str(newest)]) == 0
    assert backup.main(["compare", str(newest)]) == 0
    assert "holds every row" in capsys.readouterr().out

    with target.begin() as session:  # the restored copy loses something: the drill must say so
        session.execute(update(Organization).where(Organization.id == 1).values(name="Changed"))
    assert backup.main(["compare", str(newest)]) == 1
    assert "organizations differs" in capsys.readouterr().out


def test_keep_zero_is_refused_before_anything_is_written(tmp_path, cli_database, database_url, capsys):
    folder = tmp_path / "backups"
    folder.mkdir()
    cli_database(database_url)
    with pytest.raises(SystemExit):
        backup.main(["create", str(folder), "--keep", "0"])
    assert "keep at least 1" in capsys.readouterr().err
    assert not list(folder.iterdir())
