"""The HTTP routes messages need, added to Streamlit's server in serve.py (st.App(..., routes=...)):

- `/_kyr/mail/unsubscribe?token=...`: GET shows a page with one button (mail scanners that follow links
  change nothing); POST unsubscribes: RFC 8058 one-click from the List-Unsubscribe-Post header, or the button.
- `/_kyr/calendar.ics?token=...`: the signed deliveries feed.

Both also answer under Streamlit's base URL path. The pages are in the organization's language.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from outreach import i18n
from outreach.db import SessionFactory
from outreach.messages import calendar, preferences

SessionsProvider = Callable[[], SessionFactory]


def _page(lang: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    direction = i18n.direction(lang)
    return HTMLResponse(
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head>"
        '<body style="font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.6">'
        f"{body}</body></html>",
        status_code=status,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


def _fill(key: str, lang: str, name: str) -> str:
    return html.escape(i18n.t(key, lang), quote=False).format(name=f"<bdi>{html.escape(name)}</bdi>")


def routes(get_sessions: SessionsProvider) -> list[Route]:
    async def unsubscribe(request: Request) -> Response:
        token = request.query_params.get("token")
        sessions = get_sessions()
        if request.method == "POST":
            found = preferences.unsubscribe(sessions, token)
        else:
            found = preferences.organization_for_token(sessions, token)
        if found is None:
            lang = i18n.normalize(request.query_params.get("lang"))
            return _page(
                lang,
                i18n.t("unsubscribe.title", lang),
                f"<p>{_fill('unsubscribe.invalid', lang, '')}</p>",
                404,
            )
        _id, name, lang = found
        title = i18n.t("unsubscribe.title", lang)
        if request.method == "POST":
            return _page(
                lang, title, f"<h1>{html.escape(title)}</h1><p>{_fill('unsubscribe.done', lang, name)}</p>"
            )
        form = (
            f'<form method="post" action="?token={html.escape(token or "")}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            f'<button type="submit" style="font-size:1.1rem;padding:.6rem 1.2rem">'
            f"{html.escape(i18n.t('unsubscribe.button', lang))}</button></form>"
        )
        return _page(
            lang,
            title,
            f"<h1>{html.escape(title)}</h1><p>{_fill('unsubscribe.question', lang, name)}</p>{form}",
        )

    async def ics(request: Request) -> Response:
        sessions = get_sessions()
        if calendar.user_for_token(sessions, request.query_params.get("token")) is None:
            return Response(
                "This calendar link does not work. Copy it again from the Messages page.\n",
                status_code=404,
                media_type="text/plain",
            )
        return Response(
            calendar.feed(sessions),
            media_type="text/calendar; charset=utf-8",
            headers={
                "Cache-Control": "no-store",
                "Content-Disposition": 'inline; filename="kyr-deliveries.ics"',
            },
        )

    found: list[Route] = []
    for base in ("", "/{base:path}"):
        found.append(Route(f"{base}/_kyr/mail/unsubscribe", unsubscribe, methods=["GET", "POST"]))
        found.append(Route(f"{base}/_kyr/calendar.ics", ics, methods=["GET"]))
    return found
