"""The sign-in cookie: set and cleared by two HTTP routes mounted next to Streamlit, read on every run.

Why this way (Streamlit 1.67, which serves everything with Starlette and uvicorn; Tornado is gone):

- A script can read cookies (`st.context.cookies`, taken from the websocket handshake) but cannot set one:
  its output travels over the websocket, and only an HTTP response carries `Set-Cookie`, the one way to make
  a cookie HttpOnly (out of reach of any JavaScript in the page).
- `st.login` does it with its own HTTP routes (`/auth/login`, `/oauth2callback` set the signed
  `_streamlit_user` cookie and redirect). Those routes are fixed to OpenID Connect; there is no hook in them.
- `st.App` is Streamlit's public, documented way to add Starlette routes and middleware to its server
  (`serve.py`: `app = st.App("app.py", routes=routes())`, started by `streamlit run serve.py` or
  `uvicorn serve:app`). Two routes here do what st.login's do: set (or clear) the cookie and redirect.
  Nothing to install: Starlette and uvicorn come with Streamlit.
- Rejected: a component that writes `document.cookie` from JavaScript (streamlit-cookies-controller,
  extra-streamlit-components): such a cookie cannot be HttpOnly, so any script that got into the page could
  read the session id and use it elsewhere. Those packages are not installed either.

The hand-over: after a successful sign-in the script starts the session (outreach.accounts.sessions) and puts
a one-time code (not the session id) in a small form that posts itself to `/_kyr/session/begin` (`st.html`
with JavaScript, plus a Continue button should scripts be blocked). The route swaps the code for the cookie
and answers 303 to the page the person asked for, which then loads with the cookie. A code lives 60 seconds
in this process's memory and works once; a POST keeps it out of URLs, history and access logs; and the
route refuses posts from other sites (Origin), so nobody can sign a browser into their own account.
Sign-out revokes the session at once, then the page posts to `/_kyr/session/end` in the background (fetch),
which clears the cookie; the tab is not reloaded, so what it must still show survives.

Behind a reverse proxy (Caddy): routes and the cookie path follow `server.baseUrlPath`; the cookie is
Secure when the request came over HTTPS (uvicorn believes X-Forwarded-Proto from 127.0.0.1, or from
FORWARDED_ALLOW_IPS) or when KYR_PUBLIC_URL is https; a post's Origin may be the request's own or
KYR_PUBLIC_URL's. One process holds the codes, like Streamlit's own sessions. With several processes behind
Caddy (deploy/Caddyfile) the `lb` cookie keeps a browser on one process for the page, its websocket and this
route alike, so the code is redeemed where it was issued (tests/e2e/test_deployment.py signs in that way).

Started with plain `streamlit run app.py` nothing is mounted: sign-in then lasts for the tab only, as before.
"""

from __future__ import annotations

import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import streamlit as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from outreach.config import settings

COOKIE_NAME = "kyr_session"
ROUTE_PREFIX = "_kyr/session"
BEGIN, END = "begin", "end"
HANDOVER_SECONDS = 60
_MAX_FORM_BYTES = 1024
_FORM_ID = "kyr-session-hand-over"


@dataclass(frozen=True)
class _Handover:
    session_id: str
    destination: str  # a page's URL path ("" for the app's root)
    deadline: float  # time.monotonic()


_handovers: dict[str, _Handover] = {}  # SHA-256 of the code -> what it hands over
_lock = threading.Lock()  # the script thread issues codes, the server's event loop redeems them
_mounted = threading.Event()


# --- the server side: mounted by serve.py -------------------------------------------------------------


def routes() -> list[Route]:
    """The two routes for st.App, at the root and under any base URL path (read when a request comes)."""
    _mounted.set()
    return [
        Route(path, endpoint, methods=["POST"])
        for name, endpoint in ((BEGIN, _begin), (END, _end))
        for path in (f"/{ROUTE_PREFIX}/{name}", f"/{{base:path}}/{ROUTE_PREFIX}/{name}")
    ]


def mounted() -> bool:
    return _mounted.is_set()


def base_path() -> str:
    """'' or '/prefix': where the app lives on its host (Streamlit's server.baseUrlPath)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


async def _begin(request: Request) -> Response:
    refused = _refuse(request)
    if refused is not None:
        return refused
    code = (await _form(request)).get("code", "")
    handover = _redeem(code)
    if handover is None:  # expired, used, or made up: back to the sign-in page, nothing set
        return RedirectResponse(f"{base_path()}/", status_code=303)
    response = RedirectResponse(f"{base_path()}/{handover.destination}", status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        handover.session_id,
        max_age=settings().session_max_hours * 3600,  # the browser forgets it when the server would
        path=base_path() or "/",
        secure=_over_https(request),
        httponly=True,
        samesite="lax",
    )
    return response


async def _end(request: Request) -> Response:
    refused = _refuse(request)
    if refused is not None:
        return refused
    response = Response(status_code=204)
    response.delete_cookie(
        COOKIE_NAME, path=base_path() or "/", secure=_over_https(request), httponly=True, samesite="lax"
    )
    return response


def _refuse(request: Request) -> Response | None:
    """Only our own pages may post here: a form on another site gets 403."""
    origin = request.headers.get("origin")
    if origin:
        allowed = {_origin(str(request.base_url)), _origin(settings().public_url)}
        if _origin(origin) in allowed:
            return None
    elif request.headers.get("sec-fetch-site") == "same-origin":
        return None
    return PlainTextResponse("This sign-in request did not come from KYR Tracker.", status_code=403)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _over_https(request: Request) -> bool:
    return request.url.scheme == "https" or settings().public_url.startswith("https://")


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > _MAX_FORM_BYTES:
        return {}
    fields = parse_qs(body.decode("utf-8", errors="replace"))
    return {name: values[0] for name, values in fields.items() if values}


# --- the codes ----------------------------------------------------------------------------------------


def _code_key(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def issue_handover(session_id: str, destination: str) -> str:
    """A one-time code the browser swaps for the session's cookie within HANDOVER_SECONDS."""
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _lock:
        for key in [key for key, kept in _handovers.items() if kept.deadline < now]:
            del _handovers[key]  # forgotten codes of browsers that never came
        _handovers[_code_key(code)] = _Handover(session_id, destination, now + HANDOVER_SECONDS)
    return code


def _redeem(code: str) -> _Handover | None:
    with _lock:
        handover = _handovers.pop(_code_key(code), None)
    if handover is None or handover.deadline < time.monotonic():
        return None
    return handover


# --- the script side ----------------------------------------------------------------------------------


def read() -> str | None:
    """The session id this browser sent when the page loaded (a reload or a new tab), if any."""
    value = st.context.cookies.get(COOKIE_NAME)
    return value if isinstance(value, str) and value else None  # (AppTest has no browser: not a str)


def open_with_cookie(code: str) -> None:
    """Post the hand-over form: the route sets the cookie and the browser opens the page asked for. Nothing
    else is drawn in this run."""
    action = f"{base_path()}/{ROUTE_PREFIX}/{BEGIN}"
    form = (
        f'<form id="{_FORM_ID}" method="post" action="{html.escape(action)}">'
        f'<input type="hidden" name="code" value="{html.escape(code)}">'
        '<button type="submit">Continue</button></form>'
        f'<script>document.getElementById("{_FORM_ID}").submit();</script>'
    )
    st.info("Signing you in…", icon="🔑")
    st.html(form, unsafe_allow_javascript=True)
    st.stop()


def drop_cookie() -> None:
    """Have the browser drop the cookie, in the background: this tab carries on (its messages, and single
    sign-on's "continue as ..." question, live in its session state)."""
    action = f"{base_path()}/{ROUTE_PREFIX}/{END}"
    script = f"<script>fetch({json.dumps(action)}, {{method: 'POST', credentials: 'same-origin'}});</script>"
    st.html(script, unsafe_allow_javascript=True)
