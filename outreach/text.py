"""Text people type, made safe to store: the one cleaner every form, import and verb uses.

The rules, in order:

- Control characters (C0, DEL and C1) are removed: PostgreSQL refuses NUL in text, and ESC, BEL and the like
  only garble a table or a terminal. Control characters that are white space (tab, line breaks, the
  information separators) count as white space instead of vanishing, so "Main St<TAB>Apt 2" keeps its gap.
- The bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) are removed:
  stored text must show in the order it was typed wherever it is shown, and an override can disguise a name
  or a file name. The marks U+200E/U+200F/U+061C stay: they shape right-to-left text without reordering it.
- One-line text: every run of white space becomes one space. Multi-line text: line breaks become "\\n" and
  tabs stay; lines keep their spacing.
- Unicode normalization form C, so the same name typed on two keyboards is stored (and found) the same way.
- Surrounding white space is trimmed.
- Too long is refused, never cut: the person sees how long it is and shortens it themselves.
"""

from __future__ import annotations

import re
import unicodedata

from outreach import i18n
from outreach.errors import InvalidInput

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Control characters that are not white space, and the bidi controls: these are removed outright.
_REMOVED = re.compile(f"[\\x00-\\x08\\x0e-\\x1b\\x7f\\x80-\\x84\\x86-\\x9f{_BIDI_CONTROLS}]")
# Any control character at all (white space or not): what a name that must be exact may never contain.
_ANY_CONTROL = re.compile("[\\x00-\\x1f\\x7f-\\x9f]")
# Within one line of multi-line text, the white-space controls that are not line breaks (only the unit
# separator: tab stays, and `str.splitlines` already broke the lines at the others).
_SPACE_IN_LINE = re.compile("[\\x1f]")


def plain_text(value: object, *, multiline: bool = False) -> str:
    """`value` cleaned by the rules above, without the length rule ("" for None)."""
    text = _REMOVED.sub("", "" if value is None else str(value))
    if multiline:
        text = "\n".join(_SPACE_IN_LINE.sub(" ", line) for line in text.splitlines())
    else:
        text = " ".join(text.split())
    return unicodedata.normalize("NFC", text).strip()


def clean_text(
    value: object,
    *,
    field: str,
    max_length: int,
    multiline: bool = False,
    required: bool = False,
    message_key: str | None = None,
) -> str:
    """`value` cleaned for storage ("" when nothing is left), or InvalidInput when it is too long.

    `field` names the value in messages ("The reason"). `required` refuses empty text. `message_key` is for
    text a faith leader typed: the too-long error is then that translatable message (parameters `length`
    and `limit`), so the public page can show it in the leader's language.
    """
    text = plain_text(value, multiline=multiline)
    if len(text) > max_length:
        if message_key is not None:
            raise i18n.localized(InvalidInput, message_key, length=len(text), limit=max_length)
        raise InvalidInput(f"{field} is too long ({len(text):,} of {max_length:,} characters). Shorten it.")
    if required and not text:
        raise InvalidInput(f"{field} is required. Fill it in and try again.")
    return text


def has_control_characters(text: str) -> bool:
    """True when `text` holds any control character (white space ones such as tab and newline included)."""
    return _ANY_CONTROL.search(text) is not None
