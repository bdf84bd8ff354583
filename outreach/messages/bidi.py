"""Every data value in a message goes through here: isolated, so a Hebrew-script name in an English sentence or a
number in an Arabic one keeps its own direction and never reorders the words around it.

The package's one entry point to the project's shared helpers (`outreach.bidi`): one implementation of the
isolates for the screens, the documents and the e-mails.
"""

from __future__ import annotations

from outreach import bidi

FSI, PDI = bidi.FSI, bidi.PDI  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE


def isolate(value: object, *, as_html: bool) -> str:
    """`value` as text: escaped and in <bdi> for HTML (`bidi.bdi`); between U+2068 and U+2069 for plain text
    (`bidi.isolate`)."""
    return bidi.bdi(value) if as_html else bidi.isolate(value)
