"""The reviewer round trip: one language out as a spreadsheet, a native speaker's corrections back in.

An admin exports a language (`sheet`: one row per text, or per plural form; the page writes it as CSV with a
UTF-8 byte-order mark, which Excel and Google Sheets open in UTF-8), the reviewer fills in `reviewed_text` and
`comment`, and the admin imports it: `preview_import` reports every change (before and after) and every
problem; `apply_import` stores the changes, all or nothing, with the reviewer's name and date.

Where reviewed texts live: in the database (`reviewed_texts`, written only here), laid over the JSON catalogs
in the repository (`i18n.set_overrides`, refreshed by the Streamlit layer through a cached read), so every
process of a deployed app shows them at once and nothing writes into the installed code. To bring them
into the repository: `python -m outreach.translation_review write-catalog <lang>` writes them into the JSON
files (into whichever file holds each key), for a commit.

A reviewed text keeps the English text's `{placeholders}` exactly (a plural form may leave out `{count}` where
the language spells the number out, as Arabic "رزمتان"): a text that drops or adds one is refused, naming the
key and the placeholder.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import string
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from outreach import audit, i18n, i18n_format
from outreach.catalog import CATALOG_CODES, catalog_of
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.errors import InvalidInput
from outreach.models import ReviewedText, TranslationReview

COLUMNS = ("language", "key", "form", "english", "current", "placeholders", "reviewed_text", "comment")
REQUIRED = ("language", "key", "form", "reviewed_text")
MAX_TEXT_CHARS = 2000
MAX_NAME_CHARS = 120
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # cells the export defused with a leading "'"


def placeholders(text: str) -> set[str]:
    """The `{placeholders}` of a text; ValueError for a stray brace."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None and name != ""}


def _forms(lang: str, english: i18n.Entry) -> list[str]:
    if isinstance(english, str):
        return [""]
    order = i18n_format.CATEGORIES
    return sorted(i18n_format.categories(lang), key=order.index)


def _text_of(entry: i18n.Entry, form: str) -> str:
    if isinstance(entry, str):
        return entry
    return entry.get(form) or entry.get("other", "")


def _wanted(english: i18n.Entry, form: str) -> set[str]:
    return placeholders(_text_of(english, "other" if form else ""))


# --- export -----------------------------------------------------------------------------------------------


def sheet(sessions: SessionFactory, lang: str) -> pd.DataFrame:
    """The reviewer's spreadsheet for `lang`: every text with its English, the current text (reviewed or
    from the catalog), its placeholders, and empty columns for the reviewer's text and comment."""
    code = _language(lang)
    current = reviewed_entries(sessions).get(code, {})
    rows = []
    for key, english in i18n.entries(i18n.REFERENCE_LANGUAGE).items():
        entry = current.get(key, i18n.entries(code).get(key, english))
        for form in _forms(code, english):
            rows.append(
                {
                    "language": code,
                    "key": key,
                    "form": form,
                    "english": _text_of(english, form or ""),
                    "current": _text_of(entry, form),
                    "placeholders": " ".join(f"{{{name}}}" for name in sorted(_wanted(english, form))),
                    "reviewed_text": "",
                    "comment": "",
                }
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def file_name(lang: str) -> str:
    return f"kyr-translations-{_language(lang)}.csv"


# --- import -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    key: str
    form: str
    before: str
    after: str
    comment: str


@dataclass
class ImportPreview:
    language: str
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [vars(change) for change in self.changes], columns=["key", "form", "before", "after", "comment"]
        )


def _cell(value: object) -> str:
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:  # the export's formula guard, taken off again
        text = text[1:]
    return text


def _rows(data: bytes) -> list[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "The file is not UTF-8. Save it as “CSV UTF-8” (Excel) or download it as CSV (Google Sheets)."
        ) from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            f"The file has no column {', '.join(missing)}. Export the language again and fill in its "
            "reviewed_text column."
        )
    return [{name: _cell(row.get(name)) for name in COLUMNS} for row in reader]


def preview_import(sessions: SessionFactory, lang: str, data: bytes) -> ImportPreview:
    """What importing `data` into `lang` would change, and what is wrong with it. Writes nothing."""
    code = _language(lang)
    preview = ImportPreview(language=code)
    english_entries = i18n.entries(i18n.REFERENCE_LANGUAGE)
    current = reviewed_entries(sessions).get(code, {})
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(_rows(data), start=2):  # row 1 is the header, as a spreadsheet counts
        key, form, text = row["key"], row["form"], row["reviewed_text"]
        if not text:
            continue
        where = f"Row {number}, {key}" + (f" ({form})" if form else "")
        if row["language"] and row["language"] != code:
            preview.problems.append(
                f"{where}: the file is for language “{row['language']}”, not {code}. Import it as that language."
            )
            continue
        english = english_entries.get(key)
        if english is None:
            preview.problems.append(f"{where}: there is no text “{key}”. Keep the key column as exported.")
            continue
        if form not in _forms(code, english):
            preview.problems.append(
                f"{where}: “{form}” is not a form of this text in {catalog_of(code).english}; keep the form "
                "column as exported."
            )
            continue
        if (key, form) in seen:
            preview.problems.append(f"{where}: the text is in the file twice. Keep one row.")
            continue
        seen.add((key, form))
        problem = _placeholder_problem(text, english, form)
        if problem is None and len(text) > MAX_TEXT_CHARS:
            problem = f"is {len(text):,} characters long; at most {MAX_TEXT_CHARS:,}"
        if problem is not None:
            preview.problems.append(f"{where}: the reviewed text {problem}.")
            continue
        before = _text_of(current.get(key, i18n.entries(code).get(key, english)), form)
        if text == before:
            preview.unchanged += 1
        else:
            preview.changes.append(Change(key, form, before, text, row["comment"]))
    return preview


def _placeholder_problem(text: str, english: i18n.Entry, form: str) -> str | None:
    try:
        found = placeholders(text)
    except ValueError:
        return "has a “{” or “}” that opens or closes no placeholder (write placeholders as in the English)"
    wanted = _wanted(english, form)
    added = sorted(found - wanted)
    dropped = sorted(wanted - found)
    if form and form != "other":
        dropped = []  # "one", "two", ...: the number may be spelled out
    parts = []
    if dropped:
        parts.append("drops " + ", ".join(f"{{{name}}}" for name in dropped))
    if added:
        parts.append("adds " + ", ".join(f"{{{name}}}" for name in added))
    if parts:
        return " and ".join(parts) + "; keep exactly the placeholders of the English text"
    return None


def apply_import(
    sessions: SessionFactory, *, lang: str, data: bytes, reviewer: str, reviewed_on: dt.date, actor: str
) -> ImportPreview:
    """Store the reviewed texts of `data` and record the review, in one transaction; all or nothing.

    The file is checked again here (not the preview the admin saw, which may be stale). A file with no
    change still records the review: the reviewer signed the language off as it is."""
    name = " ".join(str(reviewer or "").split())
    if not name:
        raise InvalidInput("Enter the reviewer's name: the admin page shows who reviewed each language.")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"The reviewer's name is {len(name)} characters; shorten it to {MAX_NAME_CHARS}.")
    if reviewed_on > dt.date.today() + dt.timedelta(days=1):
        raise InvalidInput(
            f"The review date {reviewed_on:%Y-%m-%d} is in the future. Enter the day of the review."
        )
    preview = preview_import(sessions, lang, data)
    if preview.problems:
        shown = "; ".join(preview.problems[:5]) + ("; …" if len(preview.problems) > 5 else "")
        raise InvalidInput(f"Nothing was imported: {len(preview.problems)} row(s) need fixing first. {shown}")
    with sessions.begin() as session:
        for change in preview.changes:
            row = session.scalar(
                select(ReviewedText).where(
                    ReviewedText.language == preview.language,
                    ReviewedText.key == change.key,
                    ReviewedText.form == change.form,
                )
            )
            if row is None:
                row = ReviewedText(language=preview.language, key=change.key, form=change.form)
                session.add(row)
            row.text = change.after
            row.comment = change.comment or None
            row.reviewer = name
            row.reviewed_on = reviewed_on
            row.updated_at = utcnow()
            audit.record(
                session,
                actor=actor,
                action="review",
                entity="reviewed_text",
                entity_id=f"{preview.language}:{change.key}" + (f"[{change.form}]" if change.form else ""),
                before={"text": change.before},
                after={"text": change.after, "comment": change.comment, "reviewer": name},
            )
        audit.add_and_record(
            session,
            TranslationReview(
                language=preview.language,
                reviewer=name,
                reviewed_on=reviewed_on,
                texts_changed=len(preview.changes),
                imported_by=actor,
                imported_at=utcnow(),
            ),
            actor=actor,
            entity="translation_review",
            after={
                "language": preview.language,
                "reviewer": name,
                "reviewed_on": reviewed_on.isoformat(),
                "texts_changed": len(preview.changes),
            },
        )
    return preview


# --- reads ------------------------------------------------------------------------------------------------


def reviewed_entries(sessions: SessionFactory) -> dict[str, dict[str, i18n.Entry]]:
    """Every reviewed text as catalog entries, language -> key -> entry (for `i18n.set_overrides`). A plural
    entry with one reviewed form keeps the catalog's other forms."""
    frame = read_frame(
        sessions, select(ReviewedText.language, ReviewedText.key, ReviewedText.form, ReviewedText.text)
    )
    result: dict[str, dict[str, i18n.Entry]] = {}
    for row in frame.itertuples():
        lang, key, form, text = str(row.language), str(row.key), str(row.form), str(row.text)
        texts = result.setdefault(lang, {})
        if not form:
            texts[key] = text
            continue
        base = texts.get(key) or i18n.entries(lang).get(key) or i18n.entries(i18n.REFERENCE_LANGUAGE)[key]
        forms = dict(base) if isinstance(base, dict) else {}
        forms[form] = text
        texts[key] = forms
    return result


def review_status(sessions: SessionFactory) -> pd.DataFrame:
    """One row per language: its newest review (reviewer, date, texts changed) or none."""
    frame = read_frame(
        sessions,
        select(
            TranslationReview.id,
            TranslationReview.language,
            TranslationReview.reviewer,
            TranslationReview.reviewed_on,
            TranslationReview.texts_changed,
        ).order_by(TranslationReview.reviewed_on, TranslationReview.id),
    )
    newest = {str(row.language): row for row in frame.itertuples()}
    rows = []
    for code in CATALOG_CODES:
        found = newest.get(code)
        rows.append(
            {
                "language": code,
                "reviewer": found.reviewer if found is not None else None,
                "reviewed_on": pd.Timestamp(found.reviewed_on).date() if found is not None else None,
                "texts_changed": int(found.texts_changed) if found is not None else None,
            }
        )
    return pd.DataFrame(rows)


def status_line(row: dict[str, object]) -> str:
    """'Yiddish: reviewed by Chaya Weiss, 2027-01-10' or 'Haitian Kreyòl: not reviewed'."""
    name = catalog_of(str(row["language"])).english
    reviewer = row.get("reviewer")
    if not isinstance(reviewer, str) or not reviewer:  # None, or NaN from a DataFrame
        return f"{name}: not reviewed"
    day = row["reviewed_on"]
    when = day.isoformat() if isinstance(day, dt.date) else str(day)
    return f"{name}: reviewed by {reviewer}, {when}"


def _language(lang: str) -> str:
    if lang not in CATALOG_CODES:
        raise InvalidInput(f"“{lang}” is not one of the campaign's catalogs ({', '.join(CATALOG_CODES)}).")
    return lang


# --- into the repository ----------------------------------------------------------------------------------


def write_catalog(sessions: SessionFactory, lang: str, directory: Path | None = None) -> list[str]:
    """Write the reviewed texts of `lang` into its JSON files (each key in the file that holds it); the keys
    changed. The files keep their key order, two-space indent and UTF-8 text."""
    code = _language(lang)
    reviewed = reviewed_entries(sessions).get(code, {})
    changed: list[str] = []
    for path in i18n.catalog_files(code, directory):  # the message files, never the glossary
        data = json.loads(path.read_text(encoding="utf-8"))
        touched = False
        for key in data:
            if key in reviewed and reviewed[key] != data[key]:
                data[key] = reviewed[key]
                changed.append(key)
                touched = True
        if touched:
            path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    from outreach.config import settings
    from outreach.db import make_engine, make_sessions, migrate

    parser = argparse.ArgumentParser(
        prog="python -m outreach.translation_review", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write-catalog", help="write a language's reviewed texts into its JSON files")
    write.add_argument("language", choices=CATALOG_CODES)
    arguments = parser.parse_args(argv)
    engine = make_engine(settings().database_url)
    migrate(engine)
    changed = write_catalog(make_sessions(engine), arguments.language)
    folder = i18n.TRANSLATIONS_DIR / arguments.language
    print(f"{len(changed)} reviewed text(s) written into {folder}: {', '.join(changed) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
