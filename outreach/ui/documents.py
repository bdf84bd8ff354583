"""Download buttons for the printable documents (pick list, packing slip, QR poster).

The PDFs are made only when a button is pressed (a callable `data`), so choosing a shipment stays instant;
the callable runs outside the script and may not call Streamlit, so anything that could fail for a reason
the user can fix (missing fonts) is checked here first and shown with the shared error widget.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import streamlit as st

from outreach.db import SessionFactory
from outreach.documents import fonts as document_fonts
from outreach.documents import pdf as documents
from outreach.documents.shipment import ShipmentDetails, shipment_details
from outreach.errors import OutreachError
from outreach.ui import state
from outreach.ui.resources import get_sessions
from outreach.ui.widgets import show_error

PDF = "application/pdf"


def _fonts_ready() -> bool:
    try:
        document_fonts.check_fonts()
    except OutreachError as error:
        show_error(error)
        return False
    return True


def _shipment_pdf(
    render: Callable[[ShipmentDetails], bytes], sessions: SessionFactory, shipment_id: int
) -> bytes:
    return render(shipment_details(sessions, shipment_id))


def shipment_document_buttons(shipment_id: int) -> None:
    """Two buttons side by side: the depot's pick list and the packing slip that goes in the box."""
    if not _fonts_ready():
        return
    sessions = get_sessions()
    buttons = (
        ("Pick list (PDF)", documents.pick_list, "pick-list", state.DOC_PICK_LIST, ":material/checklist:"),
        (
            "Packing slip (PDF)",
            documents.packing_slip,
            "packing-slip",
            state.DOC_PACKING_SLIP,
            ":material/receipt_long:",
        ),
    )
    for column, (label, render, name, key, icon) in zip(st.columns(len(buttons)), buttons, strict=True):
        column.download_button(
            label,
            data=partial(_shipment_pdf, render, sessions, shipment_id),
            file_name=f"{name}-shipment-{shipment_id}.pdf",
            mime=PDF,
            key=key,
            on_click="ignore",
            icon=icon,
            width="stretch",
        )


def poster_button(
    *, organization_name: str, url: str, language: str, key: str = state.DOC_POSTER, label: str | None = None
) -> None:
    """The organization's QR poster as a one-page PDF (its name, the code, the instruction in its language)."""
    if not _fonts_ready():
        return
    slug = re.sub(r"[^a-z0-9]+", "-", organization_name.casefold()).strip("-")[:40] or "organization"
    st.download_button(
        label or "Printable poster (PDF)",
        data=lambda: documents.qr_poster(organization_name=organization_name, url=url, language=language),
        file_name=f"restock-poster-{slug}.pdf",
        mime=PDF,
        key=key,
        on_click="ignore",
        icon=":material/qr_code_2:",
        width="stretch",
    )
