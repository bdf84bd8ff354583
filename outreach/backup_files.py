"""Backup archives as files in a folder: a name for a new one, and `--keep N` rotation.

    python -m outreach.backup create /var/backups/kyr --keep 14     # a new kyr-backup-<UTC time>.zip there,
                                                                    # then only the newest 14 archives stay

Rotation deletes only archives this app wrote: `.zip` files directly in that folder whose manifest says they
are KYR Tracker backups (outreach/backup.py). Anything else there (other zips, other files, folders, links,
a half-written `.partial`) is never touched, and the archive just written always stays. Archives are ordered
by the creation time in their manifest (the moment of the snapshot), not by file dates, which copies change.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

FORMAT = "kyr-tracker-backup"  # as outreach.backup.FORMAT (that module imports this one)
MANIFEST = "manifest.json"
PREFIX = "kyr-backup-"


@dataclass(frozen=True)
class ArchiveFile:
    path: Path
    created_at: str  # ISO 8601 from the manifest; sorts in time order


def new_name(folder: Path, now: dt.datetime | None = None) -> Path:
    """`folder/kyr-backup-20261203-180501Z.zip` (a suffix when two land in the same second)."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M%SZ")
    path = folder / f"{PREFIX}{stamp}.zip"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{PREFIX}{stamp}-{number}.zip"
    return path


def _ours(path: Path) -> ArchiveFile | None:
    """The archive's creation time when `path` is a KYR Tracker backup; None for anything else."""
    if path.is_symlink() or not path.is_file() or path.suffix.lower() != ".zip":
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return None
    created_at = manifest.get("created_at")
    return ArchiveFile(path, created_at) if isinstance(created_at, str) else None


def archives_in(folder: Path) -> list[ArchiveFile]:
    """The KYR Tracker archives directly in `folder`, oldest first."""
    found = [archive for path in folder.iterdir() if (archive := _ours(path)) is not None]
    return sorted(found, key=lambda archive: (archive.created_at, archive.path.name))


def rotate(folder: Path, *, keep: int, written: Path) -> list[Path]:
    """Delete all but the newest `keep` archives in `folder` (never `written`); return what was deleted."""
    if keep < 1:
        raise ValueError(f"--keep {keep}: keep at least 1 archive (the one just written).")
    archives = [archive for archive in archives_in(folder) if archive.path.resolve() != written.resolve()]
    doomed = archives[: max(0, len(archives) - (keep - 1))]
    for archive in doomed:
        archive.path.unlink(missing_ok=True)
    return [archive.path for archive in doomed]
