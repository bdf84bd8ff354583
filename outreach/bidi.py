"""Values people typed, or that come from data, kept in their own visual order inside any sentence.

In a right-to-left sentence a phone number "(718) 555-1234" shows as "555-1234 (718)", and a Latin name
"Grace Church Inc." gets its full stop moved to the other end; in a left-to-right sentence an Arabic name
followed by punctuation is reordered too. The cure is the Unicode bidi isolate: the value is laid out on its
own, in the direction of its first strong letter (no letter at all, as in a phone number: left to right), and
the sentence around it treats it as one neutral block.

- `isolate(value)`: FSI … PDI (U+2068 … U+2069) around the value, for plain text: Streamlit markdown, PDFs
  (fpdf2's bidi algorithm honours isolates, and HarfBuzz draws them as nothing), e-mails in text/plain.
- `bdi(value)`: the value escaped for HTML, in `<bdi>…</bdi>` (HTML pages, the HTML poster, HTML e-mails).
- `isolate_all` / `bdi_all`: the same for each of several values, e.g. a name and a phone number joined
  with " · " (isolate each part, not the joined string: a phone number inside an Arabic name's isolate
  would still flip).

Only values go in an isolate, never a whole translated sentence, and an isolate is never nested twice.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

FSI = "\u2068"  # FIRST STRONG ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
ISOLATE_MARKS = FSI + PDI


def isolate(value: object) -> str:
    """`value` as text between FSI and PDI ("" stays ""; an already isolated value is not wrapped again)."""
    text = str(value)
    if not text or (text.startswith(FSI) and text.endswith(PDI)):
        return text
    return f"{FSI}{text}{PDI}"


def bdi(value: object) -> str:
    """`value` escaped for HTML and isolated in a `<bdi>` element (isolate marks inside are dropped)."""
    text = strip(str(value))
    return f"<bdi>{html.escape(text)}</bdi>" if text else ""


def isolate_all(values: Iterable[object], separator: str = " · ") -> str:
    """Several values, each isolated on its own, joined (empty ones left out)."""
    return separator.join(isolate(value) for value in values if str(value))


def bdi_all(values: Iterable[object], separator: str = " · ") -> str:
    return html.escape(separator).join(bdi(value) for value in values if str(value))


def strip(text: str) -> str:
    """`text` without isolate marks (for comparisons, search and CSV)."""
    return text.translate({ord(mark): None for mark in ISOLATE_MARKS})
