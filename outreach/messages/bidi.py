"""Every data value in a message goes through here: isolated, so a Hebrew-script name in an English sentence or a
number in an Arabic one keeps its own direction and never reorders the words around it.

One small function for the whole package, so that it can later point at the project's shared isolate helper.
"""

from __future__ import annotations

import html

FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE


def isolate(value: object, *, as_html: bool) -> str:
    """`value` as text: escaped and in <bdi> for HTML; between U+2068 and U+2069 for plain text."""
    text = str(value)
    if as_html:
        return f"<bdi>{html.escape(text)}</bdi>"
    return f"{FSI}{text}{PDI}"
