"""The page says which language it is in: `lang` on the document, `lang` and `dir` on the main container.

Screen readers pick their voice by `lang`, browsers pick fonts and hyphenation by it, and `dir` on the
container makes `dir="auto"` blocks and the Unicode bidi algorithm start from the right base direction.
Streamlit has no parameter for either, so a script-only component (st.components.v2 runs our constant script
in the page itself, as `restock_form.digit_keyboard` does) sets them, and sets them again when Streamlit
redraws the container. Only the main container gets `dir`: Streamlit's own header and menus stay as they are.
"""

from __future__ import annotations

import streamlit as st

from outreach import i18n
from outreach.ui import state

# BCP 47 tags: the written language (Chinese in Simplified characters), not only the spoken one.
TAGS = {"zh": "zh-Hans", "zh-Hant": "zh-Hant"}

_PAGE_LANGUAGE = st.components.v2.component(
    "kyr_page_language",
    js="""
export default function ({ data }) {
  const apply = () => {
    const root = document.documentElement;
    if (root.lang !== data.lang) root.lang = data.lang;
    for (const main of document.querySelectorAll('[data-testid="stMainBlockContainer"]')) {
      if (main.lang !== data.lang) main.lang = data.lang;
      if (main.dir !== data.dir) main.dir = data.dir;
    }
  };
  apply();
  const observer = new MutationObserver(apply);
  observer.observe(document.body, { childList: true, subtree: true });
  return () => observer.disconnect();
}
""",
)


def tag(lang: str | None) -> str:
    """The BCP 47 tag of one of the eleven catalogs ("zh" -> "zh-Hans", "zh-Hant" as it is)."""
    code = i18n.normalize(lang)
    return TAGS.get(code, code)


def mark_page_language(lang: str | None) -> None:
    """Set `lang` and `dir` for `lang` on this page (kept when Streamlit redraws, changed with the picker)."""
    _PAGE_LANGUAGE(key=state.PAGE_LANGUAGE, data={"lang": tag(lang), "dir": i18n.direction(lang)}, height=0)
