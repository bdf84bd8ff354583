"""The public restock page. A faith leader opens it with the organization's private link or QR code.

Public on purpose: there is no sign-in, so this page shows nothing unless the token in the link is live,
and then only that organization's name and its own requests (no contact data, no notes). Everything the
leader reads is translated; the layout is one column for a phone and right-to-left for ar, ur and yi.
"""

from __future__ import annotations

import streamlit as st

from outreach import i18n
from outreach.documents.fonts import web_fonts_css
from outreach.errors import NotFound
from outreach.restock import links as restock_links
from outreach.ui import delivery_windows, handout_form, parcel_receipts, restock_form, state
from outreach.ui.page_language import mark_page_language
from outreach.ui.resources import get_sessions
from outreach.ui.restock_form import say
from outreach.ui.translations import use_reviewed_texts

# Constant CSS only (never user text). Bigger touch targets, one narrow column on a phone.
PHONE_CSS = """<style>
[data-testid="stMainBlockContainer"] { max-width: 42rem; padding-left: 1rem; padding-right: 1rem; }
[data-testid="stMainBlockContainer"] input, [data-testid="stMainBlockContainer"] textarea { font-size: 1.1rem; }
[data-testid="stMainBlockContainer"] button { min-height: 2.75rem; font-size: 1.05rem; }
</style>"""
# `unicode-bidi: plaintext` lets the organization's name (h3) and typed text (pre) keep their own order inside
# the right-to-left page (otherwise a Latin "<Center>" shows as "<<Center").
RTL_CSS = """<style>
[data-testid="stMainBlockContainer"] { direction: rtl; text-align: right; }
[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"] { text-align: right; }
[data-testid="stMainBlockContainer"] input, [data-testid="stMainBlockContainer"] textarea { direction: rtl; }
[data-testid="stMainBlockContainer"] :is(h3, pre) { unicode-bidi: plaintext; text-align: right; }
</style>"""

st.set_page_config(page_title="KYR", layout="centered", initial_sidebar_state="collapsed")

sessions = get_sessions()
use_reviewed_texts()  # the reviewed texts (admin → Translations) over the JSON catalogs, for this run
token = str(st.query_params.get("t", "") or "")
link: restock_links.ResolvedLink | None = None
link_problem = False
if token:
    try:
        link = restock_links.resolve(sessions, token)
    except NotFound:
        link_problem = True
# A packing slip's code (?r=) opens that one parcel's "We received it" (outreach/ui/parcel_receipts.py).
slip = None if link else parcel_receipts.scanned_slip(sessions, str(st.query_params.get("r", "") or ""))

if state.RESTOCK_LANG not in st.session_state:
    st.session_state[state.RESTOCK_LANG] = (
        link.preferred_language
        if link
        else getattr(slip, "preferred_language", None) or i18n.normalize(st.query_params.get("lang"))
    )
choices = i18n.language_choices()
# Labelled in the current language; every option is a language's own name, so anyone can find theirs.
picker_label = "🌐 " + i18n.t("language.label", st.session_state[state.RESTOCK_LANG])
lang = st.selectbox(picker_label, list(choices), format_func=choices.__getitem__, key=state.RESTOCK_LANG)
st.markdown(PHONE_CSS, unsafe_allow_html=True)
mark_page_language(lang)
if i18n.is_rtl(lang):
    st.markdown(RTL_CSS, unsafe_allow_html=True)
if script_css := web_fonts_css(lang, "[data-testid='stMainBlockContainer']"):  # Nastaliq, 繁體/简体 faces
    st.markdown(script_css, unsafe_allow_html=True)
st.title(say("receipt.heading" if isinstance(slip, parcel_receipts.ScannedSlip) else "page.title", lang))

if isinstance(slip, parcel_receipts.ScannedSlip):
    parcel_receipts.show_slip(sessions, slip, lang)
elif slip is not None:  # a bad packing-slip code: the same polite words whatever went wrong
    st.warning(say("receipt.invalid", lang), icon="📦")
elif link is None:  # missing, unknown, forged, revoked or rotated: the same polite words, nothing else
    if link_problem:
        st.warning(say("token.invalid", lang), icon="🔗")
    else:
        st.info(say("token.missing", lang), icon="🔗")
    st.stop()
else:  # a live link (st.stop() ends any other run; the else also keeps a bare `python` run harmless)
    restock_form.show_page(restock_form.Visit(sessions=sessions, link=link, token=token, lang=lang))
    parcel_receipts.show_parcels(sessions, link.organization_id, lang)
    handout_form.show_handouts(sessions, link.organization_id, lang)
    delivery_windows.leader_hours(link, token, lang)
