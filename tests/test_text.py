"""The one text cleaner: control and bidi characters go, NFC, white space tidied, too long is refused."""

from __future__ import annotations

import pytest

from outreach import i18n
from outreach.errors import InvalidInput
from outreach.text import clean_text, has_control_characters, plain_text

DECOMPOSED_E = "e\u0301"  # e + combining acute: "é" as some keyboards and macOS file names send it


@pytest.mark.parametrize(
    ("typed", "multiline", "stored"),
    [
        ("Grace Church", False, "Grace Church"),
        ("  Grace   Church \n", False, "Grace Church"),
        ("side door\x00code 12", False, "side doorcode 12"),  # NUL removed, not turned into a gap
        ("run\x00 7\x1b[31m", False, "run 7[31m"),  # ESC (a terminal colour code) removed
        ("Bell\x07Temple", False, "BellTemple"),
        ("a\x7fb", False, "ab"),  # DEL
        ("a\x85b", False, "a b"),  # C1 next line: a line break, so a space on one line
        ("a\x9bb\x80c\x9fd", False, "abcd"),  # other C1 controls removed
        ("Main St\tApt 2", False, "Main St Apt 2"),  # a tab is a gap on one line
        ("line one\r\nline two", False, "line one line two"),
        ("a\x1fb", False, "a b"),  # unit separator: white space
        ("Grace \u202eChurch", False, "Grace Church"),  # right-to-left override
        ("\u202aa\u202bb\u202cc\u202dd", False, "abcd"),  # embeddings, pop, left-to-right override
        ("\u2066x\u2067y\u2068z\u2069", False, "xyz"),  # isolates
        ("שלום \u200fabc", False, "שלום \u200fabc"),  # a right-to-left mark shapes text: it stays
        (f"Caf{DECOMPOSED_E}", False, "Café"),  # NFC
        ("Ｇｒａｃｅ", False, "Ｇｒａｃｅ"),  # NFC, not NFKC: full-width stays as typed
        ("⛪ Église 教会 مسجد בית כנסת মসজিদ 🕌", False, "⛪ Église 教会 مسجد בית כנסת মসজিদ 🕌"),
        ("<script>alert(1)</script>", False, "<script>alert(1)</script>"),  # escaping is the UI's job
        ("line one\nline two", True, "line one\nline two"),
        ("a\tb", True, "a\tb"),  # tabs stay in multi-line text
        ("one\r\ntwo\rthree", True, "one\ntwo\nthree"),  # Windows and old Mac line breaks
        ("  keep  inner  spaces \n", True, "keep  inner  spaces"),
        ("after\x1b[2J shabbos\nthank you\x00", True, "after[2J shabbos\nthank you"),
        ("a\u202e\nb", True, "a\nb"),
        (None, False, ""),
        (" \x00\x1b ", False, ""),
        (12, False, "12"),
    ],
)
def test_cleaning(typed: object, multiline: bool, stored: str) -> None:
    assert clean_text(typed, field="The note", max_length=100, multiline=multiline) == stored
    assert plain_text(typed, multiline=multiline) == stored


@pytest.mark.parametrize(
    ("typed", "limit", "message"),
    [
        ("x" * 11, 10, "The note is too long (11 of 10 characters). Shorten it."),
        ("x" * 2_001, 2_000, "The note is too long (2,001 of 2,000 characters). Shorten it."),
        ("x" * 1_000_000, 120, "The note is too long (1,000,000 of 120 characters). Shorten it."),
        # counted after cleaning, in characters (NFC: one "é", not two code points)
        ("é" * 5 + DECOMPOSED_E * 6, 10, "The note is too long (11 of 10 characters). Shorten it."),
    ],
)
def test_one_over_the_limit_is_refused_with_the_lengths(typed: str, limit: int, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_text(typed, field="The note", max_length=limit)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 10,
        "  " + "x" * 10 + "  ",  # the surrounding spaces do not count
        "x" * 10 + "\x00\x00\u202e",  # nor what is removed
        DECOMPOSED_E * 10,  # ten characters once composed
    ],
)
def test_at_the_limit_is_kept_whole(typed: str) -> None:
    stored = clean_text(typed, field="The note", max_length=10)
    assert len(stored) == 10 and stored == plain_text(typed)


def test_too_long_for_a_leader_is_translatable() -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_text("n" * 201, field="The name", max_length=200, message_key="error.contact_too_long")
    assert str(caught.value) == i18n.t("error.contact_too_long", "en", length="201", limit="200")
    # The counts travel as numbers, written for the reader: Bengali digits in Bangla.
    assert i18n.localize(caught.value, "bn") == i18n.t(
        "error.contact_too_long", "bn", length="২০১", limit="২০০"
    )


def test_required_refuses_what_is_empty_once_cleaned() -> None:
    for typed in (None, "", "   ", "\x00\x1b", "\u202e"):
        with pytest.raises(InvalidInput, match="^Depot name is required"):
            clean_text(typed, field="Depot name", max_length=120, required=True)
    assert clean_text(" Main ", field="Depot name", max_length=120, required=True) == "Main"


@pytest.mark.parametrize(
    ("text", "found"),
    [("cora", False), ("co\x00ra", True), ("cora\n", True), ("co\x9bra", True), ("córa 教", False)],
)
def test_has_control_characters(text: str, found: bool) -> None:
    assert has_control_characters(text) is found
