"""A corpus of bad (and strange but valid) input, driven through the domain verbs the pages call.

127 parametrized cases (110 refused, 17 valid): inventory forms (24), shipments (10), restock submission
fields (14), restock links and tokens (11), triage decisions (12), the directory form and search (23),
users, sign-in, single sign-on and the audit filter (16), CSV import (17); `test_the_docstring_counts_the_cases`
keeps the number honest. Each refused case must raise an OutreachError subclass whose message names the
problem (a keyword is asserted) and leave every table exactly as it was (`snapshot_counts`). Each valid
case (emoji, mixed scripts, a right-to-left override, SQL-looking text, control characters that are
stripped, Arabic-Indic digits, Windows-1252 and semicolon files) must be stored and read back exactly,
minus the control characters (PostgreSQL refuses NUL in text) and the bidi overrides (`outreach.text`).

Already covered elsewhere and not repeated: quantities parsing in depth (tests/test_quantities.py),
restock limits and rate limiting (tests/restock/test_submission.py), every dead-token shape against `resolve`
(tests/restock/test_links.py), CSV decoding and per-row reasons (tests/organizations/test_csv_import.py),
page-level bad input: tests/pages/test_bad_input_pages.py.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from outreach import audit, inventory, organizations
from outreach.accounts import auth
from outreach.accounts import sso as identity
from outreach.accounts import users as accounts
from outreach.db import SessionFactory
from outreach.demo import Reference
from outreach.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    OutOfStock,
    OutreachError,
)
from outreach.models import Base, Organization, RestockRequest, Shipment, StockMovement, User
from outreach.organizations import DirectoryFilters
from outreach.organizations import csv_import as directory_import
from outreach.organizations.geocoding import ZipCentroidGeocoder
from outreach.restock import links as restock_links
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.restock import triage
from outreach.shipments import steps as shipments

ACTOR = "cora"
MB = "x" * 1_000_000
SQL = "' OR 1=1 --"
SQL_DROP = "Robert'); DROP TABLE organizations;--"
MIXED = "⛪ Église 教会 مسجد בית כנסת মসজিদ 🕌"
RTL_OVERRIDE = "Grace \u202eChurch"
RTL_STORED = "Grace Church"  # the override is removed: stored text shows in the order it was typed


def snapshot_counts(sessions: SessionFactory) -> dict[str, int]:
    """Rows in every table: a refused input must leave all of them as they were."""
    with sessions() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


@dataclass
class World:
    """A small campaign: stock, an organization with a live link (and a rotated one), a request, a draft."""

    sessions: SessionFactory
    ref: Reference
    org: int
    paused_org: int
    token: str
    rotated_token: str
    revoked_token: str
    request_id: int
    lines: dict[int, int]  # unit id -> request line id
    draft: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flyer(self) -> int:
        return self.ref.units[("flyer", "es")]

    @property
    def booklet(self) -> int:
        return self.ref.units[("booklet", "es")]

    @property
    def depot(self) -> int:
        return self.ref.main_depot

    @property
    def other_depot(self) -> int:
        return list(self.ref.depots.values())[1]


@pytest.fixture
def world(sessions, ref) -> World:
    org = organizations.create_organization(
        sessions, name="Harbor Church", borough="Queens", languages=["es", "en"], actor=ACTOR
    )
    for unit in (ref.units[("flyer", "es")], ref.units[("booklet", "es")]):
        inventory.receive(
            sessions, unit_id=unit, location_id=ref.main_depot, quantity=500, reference="run", actor=ACTOR
        )
    rotated = restock_links.issue_link(sessions, organization_id=org, actor=ACTOR)
    token = restock_links.rotate_link(sessions, organization_id=org, actor=ACTOR)
    closed = organizations.create_organization(
        sessions, name="Closed Chapel", borough="Bronx", languages=["en"], actor=ACTOR
    )
    revoked = restock_links.issue_link(sessions, organization_id=closed, actor=ACTOR)
    restock_links.revoke_link(sessions, organization_id=closed, actor=ACTOR)
    organizations.pause_organization(sessions, organization_id=closed, actor=ACTOR)
    sent = restock.submit_request(
        sessions,
        token=token,
        idempotency_key=uuid.uuid4().hex,
        lines={ref.units[("flyer", "es")]: 2, ref.units[("booklet", "es")]: 1},
    )
    lines = restock_queue.request_lines(sessions, sent.request_id)
    draft = shipments.create_shipment(
        sessions,
        organization_id=org,
        depot_id=ref.main_depot,
        lines={ref.units[("flyer", "es")]: 50},
        actor=ACTOR,
    )
    return World(
        sessions=sessions,
        ref=ref,
        org=org,
        paused_org=closed,
        token=token,
        rotated_token=rotated,
        revoked_token=revoked,
        request_id=sent.request_id,
        lines=dict(zip(lines["unit_id"].astype(int), lines["line_id"].astype(int), strict=True)),
        draft=draft,
    )


@dataclass(frozen=True)
class Case:
    act: Callable[[World], object]
    error: type[OutreachError] | None = None  # None: the input is valid
    keyword: str = ""  # must appear in the message (case-insensitive)
    check: Callable[[World, object], None] | None = None  # for valid input: what was stored
    prepare: Callable[[World], None] | None = None  # set-up before the snapshot


def bad(name: str, act: Callable[[World], object], error: type[OutreachError], keyword: str, **kw: Any):
    return pytest.param(Case(act, error, keyword, **kw), id=name)


def good(name: str, act: Callable[[World], object], check: Callable[[World, object], None], **kw: Any):
    return pytest.param(Case(act, check=check, **kw), id=name)


# --- readers for the valid cases ----------------------------------------------------------------------


def last_movement(w: World) -> StockMovement:
    with w.sessions() as session:
        return session.scalars(select(StockMovement).order_by(StockMovement.id.desc())).first()


def request_row(w: World, request_id: int) -> RestockRequest:
    with w.sessions() as session:
        row = session.get(RestockRequest, request_id)
        session.expunge(row)
        return row


def shipment_row(w: World, shipment_id: int) -> Shipment:
    with w.sessions() as session:
        row = session.get(Shipment, shipment_id)
        session.expunge(row)
        return row


def org_row(w: World, organization_id: int) -> Organization:
    return organizations.get_organization(w.sessions, organization_id)


def user_row(w: World, user_id: int) -> User:
    with w.sessions() as session:
        row = session.get(User, user_id)
        session.expunge(row)
        return row


# --- inventory forms ----------------------------------------------------------------------------------


def receive(w: World, quantity: object = 10, reference: str | None = "run", unit: int | None = None) -> None:
    inventory.receive(
        w.sessions,
        unit_id=w.flyer if unit is None else unit,
        location_id=w.depot,
        quantity=quantity,
        reference=reference,
        actor=ACTOR,
    )


def adjust(w: World, change: object = -1, reason: str = "damaged") -> None:
    inventory.adjust(
        w.sessions, unit_id=w.flyer, location_id=w.depot, change=change, reason=reason, actor=ACTOR
    )


def on_hand(w: World) -> int:
    levels = inventory.stock_levels(w.sessions, location_id=w.depot).set_index("unit_id")
    return int(levels.loc[w.flyer, "on_hand"])


INVENTORY = [
    bad("receive-text", lambda w: receive(w, "abc"), InvalidInput, "not a number"),
    bad("receive-zero", lambda w: receive(w, 0), InvalidInput, "at least 1"),
    bad("receive-negative", lambda w: receive(w, -5), InvalidInput, "at least 1"),
    bad("receive-huge", lambda w: receive(w, 10**30), InvalidInput, "more than the maximum"),
    bad("receive-exponent", lambda w: receive(w, "1e3"), InvalidInput, "exponent"),
    bad("receive-nan", lambda w: receive(w, float("nan")), InvalidInput, "not a number"),
    bad("receive-fraction", lambda w: receive(w, 2.5), InvalidInput, "whole number"),
    bad("receive-bool", lambda w: receive(w, True), InvalidInput, "not a number"),
    bad("receive-none", lambda w: receive(w, None), InvalidInput, "missing"),
    bad("receive-list", lambda w: receive(w, [5]), InvalidInput, "not a number"),
    bad("receive-sql", lambda w: receive(w, "1; DROP TABLE stock_movements"), InvalidInput, "not a number"),
    bad("receive-reference-1mb", lambda w: receive(w, reference=MB), InvalidInput, "of 120 characters"),
    bad(
        "receive-retired-edition",
        lambda w: receive(w, unit=w.ref.retired_units[("flyer", "es")]),
        InvalidInput,
        "retired edition",
    ),
    good(
        "receive-reference-control-characters",
        lambda w: receive(w, reference="run\x00 7\x1b[31m"),
        lambda w, _: (last_movement(w).reference == "run 7[31m") or pytest.fail(last_movement(w).reference),
    ),
    good(
        "receive-arabic-indic-digits",
        lambda w: receive(w, "٥٠"),  # 50 typed with Arabic-Indic digits
        lambda w, _: (last_movement(w).quantity == 50) or pytest.fail(str(last_movement(w).quantity)),
    ),
    bad("adjust-zero", lambda w: adjust(w, "0"), InvalidInput, "cannot be 0"),
    bad("adjust-double-sign", lambda w: adjust(w, "--5"), InvalidInput, "not a number"),
    bad("adjust-no-reason", lambda w: adjust(w, reason=""), InvalidInput, "required"),
    bad("adjust-reason-only-nul", lambda w: adjust(w, reason=" \x00 \x00 "), InvalidInput, "required"),
    bad("adjust-below-zero", lambda w: adjust(w, -1_000_000), OutOfStock, "available"),
    good(
        "adjust-reason-emoji-rtl",
        lambda w: adjust(w, reason="💧 water damage " + RTL_OVERRIDE),
        lambda w, _: (last_movement(w).reason == "💧 water damage " + RTL_STORED) or pytest.fail("reason"),
    ),
    bad(
        "count-negative",
        lambda w: inventory.count(
            w.sessions, unit_id=w.flyer, location_id=w.depot, counted="-1", actor=ACTOR
        ),
        InvalidInput,
        "at least 0",
    ),
    bad(
        "transfer-same-depot",
        lambda w: inventory.transfer(
            w.sessions,
            unit_id=w.flyer,
            from_location_id=w.depot,
            to_location_id=w.depot,
            quantity=1,
            actor=ACTOR,
        ),
        InvalidInput,
        "two different depots",
    ),
    bad(
        "transfer-more-than-available",
        lambda w: inventory.transfer(
            w.sessions,
            unit_id=w.flyer,
            from_location_id=w.depot,
            to_location_id=w.other_depot,
            quantity=999_999,
            actor=ACTOR,
        ),
        OutOfStock,
        "available",
    ),
]


# --- shipments ----------------------------------------------------------------------------------------


def ship_to(w: World, lines: object = None, note: str | None = None, org: int | None = None) -> int:
    return shipments.create_shipment(
        w.sessions,
        organization_id=w.org if org is None else org,
        depot_id=w.depot,
        lines={w.flyer: 50} if lines is None else lines,  # type: ignore[arg-type]
        note=note,
        actor=ACTOR,
    )


def cancel(w: World, reason: str) -> None:
    shipments.cancel_shipment(w.sessions, shipment_id=w.draft, reason=reason, actor=ACTOR)


SHIPMENTS = [
    bad("shipment-no-lines", lambda w: ship_to(w, {}), InvalidInput, "no lines"),
    bad("shipment-zero-quantity", lambda w: ship_to(w, {w.flyer: "0"}), InvalidInput, "at least 1"),
    bad("shipment-item-not-an-id", lambda w: ship_to(w, {"abc": 5}), InvalidInput, "not an item id"),
    bad(
        "shipment-retired-item",
        lambda w: ship_to(w, {w.ref.retired_units[("flyer", "es")]: 5}),
        InvalidInput,
        "retired edition",
    ),
    bad("shipment-paused-organization", lambda w: ship_to(w, org=w.paused_org), InvalidInput, "paused"),
    bad("shipment-note-1mb", lambda w: ship_to(w, note=MB), InvalidInput, "characters"),
    good(
        "shipment-note-control-characters",
        lambda w: ship_to(w, note="Side\x00 door\x1b[0m, ring twice 🔔"),
        lambda w, sid: (shipment_row(w, sid).note == "Side door[0m, ring twice 🔔") or pytest.fail("note"),
    ),
    bad("cancel-no-reason", lambda w: cancel(w, ""), InvalidInput, "say why"),
    bad("cancel-reason-only-control", lambda w: cancel(w, "\x00\x1b\x07"), InvalidInput, "say why"),
    bad(
        "ship-a-draft",
        lambda w: shipments.ship_shipment(w.sessions, shipment_id=w.draft, actor=ACTOR),
        Conflict,
        "cannot be marked shipped",
    ),
]


# --- restock submission (fields) ----------------------------------------------------------------------


def submit(w: World, lines: object = None, *, key: str | None = None, **fields: object) -> restock.Submitted:
    return restock.submit_request(
        w.sessions,
        token=w.token,
        idempotency_key=uuid.uuid4().hex if key is None else key,
        lines={w.flyer: 1} if lines is None else lines,  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


SUBMISSION = [
    bad("packs-exponent-huge", lambda w: submit(w, {w.flyer: "1e999999"}), InvalidInput, "exponent"),
    bad("packs-negative", lambda w: submit(w, {w.flyer: "-3"}), InvalidInput, "at least 1"),
    bad("packs-word", lambda w: submit(w, {w.flyer: "two"}), InvalidInput, "not a number"),
    bad("packs-nan", lambda w: submit(w, {w.flyer: "NaN"}), InvalidInput, "not a number"),
    bad("lines-empty", lambda w: submit(w, {}), InvalidInput, "empty"),
    bad("unit-out-of-range", lambda w: submit(w, {2**40: 1}), InvalidInput, "no longer available"),
    bad("unit-sql", lambda w: submit(w, {SQL: 1}), InvalidInput, "no longer available"),
    bad("note-1mb", lambda w: submit(w, note=MB), InvalidInput, "shorten"),
    bad("contact-name-1mb", lambda w: submit(w, contact_name=MB), InvalidInput, "shorten"),
    bad("on-hand-negative", lambda w: submit(w, on_hand_reported=-1), InvalidInput, "0 to 100,000"),
    bad("idempotency-key-sql", lambda w: submit(w, key=SQL), InvalidInput, "idempotency key"),
    bad("idempotency-key-empty", lambda w: submit(w, key=""), InvalidInput, "idempotency key"),
    good(
        "language-garbage-falls-back-to-english",
        lambda w: submit(w, language="<script>"),
        lambda w, sent: (request_row(w, sent.request_id).language == "en") or pytest.fail("language"),
    ),
    good(
        "note-emoji-scripts-rtl-and-nul",
        lambda w: submit(w, note=MIXED + "\n" + RTL_OVERRIDE + "\x00!", contact_name=SQL),
        lambda w, sent: (
            (
                (request_row(w, sent.request_id).note, request_row(w, sent.request_id).contact_name)
                == (MIXED + "\n" + RTL_STORED + "!", SQL)
            )
            or pytest.fail("note")
        ),
    ),
]


# --- restock links and tokens -------------------------------------------------------------------------


def submit_with(token: str | None) -> Callable[[World], object]:
    def act(w: World) -> object:
        return restock.submit_request(
            w.sessions, token=token, idempotency_key=uuid.uuid4().hex, lines={w.flyer: 1}
        )

    return act


def with_token(make: Callable[[World], str]) -> Callable[[World], object]:
    return lambda w: submit_with(make(w))(w)


LINK = "this link does not work"
TOKENS = [
    bad("token-forged", with_token(lambda w: "A" * 43), NotFound, LINK),
    bad("token-truncated", with_token(lambda w: w.token[:-1]), NotFound, LINK),
    bad(
        "token-one-character-changed",
        with_token(lambda w: w.token[:-1] + "AB"[w.token[-1] == "A"]),
        NotFound,
        LINK,
    ),
    bad("token-rotated", with_token(lambda w: w.rotated_token), NotFound, LINK),
    bad("token-revoked", with_token(lambda w: w.revoked_token), NotFound, LINK),
    bad("token-empty", with_token(lambda w: ""), NotFound, LINK),
    bad("token-none", submit_with(None), NotFound, LINK),
    bad("token-10kb", with_token(lambda w: "A" * 10_240), NotFound, LINK),
    bad("token-non-ascii", with_token(lambda w: "ü" * 43), NotFound, LINK),
    bad("token-sql", with_token(lambda w: SQL), NotFound, LINK),
    bad("token-nul", with_token(lambda w: w.token[:-1] + "\x00"), NotFound, LINK),
]


# --- triage decisions ---------------------------------------------------------------------------------


def approve(w: World, packs: dict | None = None, **kw: Any) -> None:
    triage.approve_request(
        w.sessions, request_id=w.request_id, depot_id=kw.pop("depot", w.depot), actor=ACTOR, packs=packs, **kw
    )


def reject(w: World, reason: str) -> None:
    triage.reject_request(w.sessions, request_id=w.request_id, reason=reason, actor=ACTOR)


TRIAGE = [
    bad("approve-more-than-asked", lambda w: approve(w, {w.lines[w.flyer]: 3}), InvalidInput, "maximum"),
    bad("approve-fewer-without-reason", lambda w: approve(w, {w.lines[w.flyer]: 1}), InvalidInput, "say why"),
    bad(
        "approve-everything-zero",
        lambda w: approve(w, {line: 0 for line in w.lines.values()}, reason="none left"),
        InvalidInput,
        "reject it",
    ),
    bad("approve-unknown-line", lambda w: approve(w, {999_999: 1}), InvalidInput, "not part of request"),
    bad("approve-packs-word", lambda w: approve(w, {w.lines[w.flyer]: "abc"}), InvalidInput, "not a number"),
    bad("approve-reason-1mb", lambda w: approve(w, reason=MB), InvalidInput, "2,000"),
    bad("approve-at-an-empty-depot", lambda w: approve(w, depot=w.other_depot), OutOfStock, "available"),
    bad("reject-no-reason", lambda w: reject(w, "   "), InvalidInput, "say why"),
    good(
        "reject-reason-nul-and-emoji",
        lambda w: reject(w, "dup\x00licate 🙏 " + SQL),
        lambda w, _: (
            (request_row(w, w.request_id).decision_reason == "duplicate 🙏 " + SQL) or pytest.fail("r")
        ),
    ),
    bad(
        "reject-twice",
        lambda w: reject(w, "again"),
        Conflict,
        "cannot be rejected",
        prepare=lambda w: reject(w, "first"),
    ),
    bad(
        "substitute-same-item",
        lambda w: triage.substitute_line(
            w.sessions,
            request_id=w.request_id,
            line_id=w.lines[w.flyer],
            unit_id=w.flyer,
            reason="x",
            actor=ACTOR,
        ),
        InvalidInput,
        "already is",
    ),
    bad(
        "substitute-retired-item",
        lambda w: triage.substitute_line(
            w.sessions,
            request_id=w.request_id,
            line_id=w.lines[w.flyer],
            unit_id=w.ref.retired_units[("flyer", "zh")],
            reason="x",
            actor=ACTOR,
        ),
        InvalidInput,
        "retired edition",
    ),
]


# --- the directory form -------------------------------------------------------------------------------


def new_org(w: World, **fields: object) -> int:
    values: dict[str, object] = {"name": "New Temple", "borough": "Queens", "languages": ["es"]}
    values.update(fields)
    return organizations.create_organization(w.sessions, actor=ACTOR, **values)  # type: ignore[arg-type]


def stored_name(expected: str) -> Callable[[World, object], None]:
    def check(w: World, org_id: object) -> None:
        assert org_row(w, int(org_id)).name == expected  # type: ignore[call-overload]
        found = organizations.list_organizations(
            w.sessions, include_contacts=False, filters=DirectoryFilters(search=expected)
        )
        assert expected in found["name"].tolist()  # and the search finds it again

    return check


DIRECTORY = [
    bad("name-empty", lambda w: new_org(w, name=""), InvalidInput, "name is empty"),
    bad(
        "name-only-control-characters", lambda w: new_org(w, name=" \x00\x1b "), InvalidInput, "name is empty"
    ),
    bad("name-1mb", lambda w: new_org(w, name=MB), InvalidInput, "too long"),
    good("name-emoji-and-mixed-scripts", lambda w: new_org(w, name=MIXED), stored_name(MIXED)),
    good("name-rtl-override", lambda w: new_org(w, name=RTL_OVERRIDE), stored_name(RTL_STORED)),
    good("name-sql", lambda w: new_org(w, name=SQL_DROP), stored_name(SQL_DROP)),
    good(
        "notes-nul-is-removed",
        lambda w: new_org(w, notes="side door\x00 code\x00 12"),
        lambda w, oid: (org_row(w, int(oid)).notes == "side door code 12") or pytest.fail("notes"),  # type: ignore[call-overload]
    ),
    bad("zip-letters", lambda w: new_org(w, zip_code="ABCDE"), InvalidInput, "5-digit"),
    bad("zip-outside-nyc", lambda w: new_org(w, zip_code="07102"), InvalidInput, "outside New York City"),
    bad("phone-script", lambda w: new_org(w, contact_phone="<script>"), InvalidInput, "phone number"),
    bad("email-no-domain", lambda w: new_org(w, contact_email="a@b"), InvalidInput, "not valid"),
    bad("language-unknown", lambda w: new_org(w, languages=["Klingon"]), InvalidInput, "Unknown language"),
    bad("languages-wrong-type", lambda w: new_org(w, languages=5), InvalidInput, "not a list"),
    bad("borough-sql", lambda w: new_org(w, borough=SQL), InvalidInput, "Unknown borough"),
    bad("attendance-negative", lambda w: new_org(w, weekly_attendance="-5"), InvalidInput, "at least 0"),
    bad("attendance-huge", lambda w: new_org(w, weekly_attendance=10**9), InvalidInput, "maximum"),
    bad("notes-1mb", lambda w: new_org(w, notes=MB), InvalidInput, "2,000"),
    bad(
        "duplicate-organization",
        lambda w: new_org(w, name="harbor  CHURCH"),
        Conflict,
        "already in the directory",
    ),
    bad(
        "pin-latitude-nan",
        lambda w: organizations.set_location(
            w.sessions, organization_id=w.org, latitude="nan", longitude=1, actor=ACTOR
        ),
        InvalidInput,
        "out of range",
    ),
    bad(
        "pin-note-1mb",
        lambda w: organizations.set_location(
            w.sessions, organization_id=w.org, latitude=40.75, longitude=-73.9, note=MB, actor=ACTOR
        ),
        InvalidInput,
        "2,000",
    ),
    bad(
        "edit-name-emptied",
        lambda w: organizations.update_organization(
            w.sessions, organization_id=w.org, name="  ", actor=ACTOR
        ),
        InvalidInput,
        "name is empty",
    ),
    bad(
        "edit-unknown-organization",
        lambda w: organizations.update_organization(
            w.sessions, organization_id=999_999, name="X", actor=ACTOR
        ),
        NotFound,
        "does not exist",
    ),
    good(
        "search-nul-and-sql-find-nothing",
        lambda w: [
            organizations.list_organizations(
                w.sessions, include_contacts=False, filters=DirectoryFilters(search=text)
            )
            for text in ("\x00", SQL, "%_%")
        ],
        # NUL folds away: the same as an empty search box (everything); the rest match nothing.
        lambda w, frames: [len(frame) for frame in frames] == [2, 0, 0] or pytest.fail("search"),  # type: ignore[attr-defined]
    ),
]


# --- users and sign-in --------------------------------------------------------------------------------


def add_user(w: World, **fields: object) -> int:
    values: dict[str, object] = {"username": "maria.r", "password": "a-long-password", "role": "coordinator"}
    values.update(fields)
    return accounts.create_account(w.sessions, actor="ada", **values)  # type: ignore[arg-type]


USERS = [
    bad("username-script", lambda w: add_user(w, username="<script>"), InvalidInput, "not valid"),
    bad("username-nul", lambda w: add_user(w, username="ab\x00c"), InvalidInput, "not valid"),
    bad("username-200-chars", lambda w: add_user(w, username="a" * 200), InvalidInput, "not valid"),
    bad("password-short", lambda w: add_user(w, password="short"), InvalidInput, "too short"),
    bad("password-digits", lambda w: add_user(w, password="12345678901234"), InvalidInput, "only digits"),
    bad("role-unknown", lambda w: add_user(w, role="superuser"), InvalidInput, "Unknown role"),
    bad("email-invalid", lambda w: add_user(w, email="not-an-email"), InvalidInput, "not an e-mail"),
    bad("email-nul", lambda w: add_user(w, email="a\x00b@example.org"), InvalidInput, "not an e-mail"),
    bad("display-name-1mb", lambda w: add_user(w, display_name=MB), InvalidInput, "characters"),
    good(
        "display-name-mixed-scripts-rtl",
        lambda w: add_user(w, display_name=MIXED + " " + RTL_OVERRIDE),
        lambda w, uid: (user_row(w, int(uid)).display_name == MIXED + " " + RTL_STORED) or pytest.fail("n"),  # type: ignore[call-overload]
    ),
    bad(
        "username-taken",
        lambda w: add_user(w, username="Maria.R"),
        InvalidInput,
        "taken",
        prepare=lambda w: add_user(w) and None,
    ),
    bad(
        "sign-in-username-nul",
        lambda w: auth.authenticate(w.sessions, username="maria\x00.r", password="a-long-password"),
        AuthenticationFailed,
        "wrong username or password",
    ),
    bad(
        "sso-mapping-too-long",
        lambda w: identity.add_role_mapping(
            w.sessions, pattern="a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org", role="organizer", actor="ada"
        ),
        InvalidInput,
        "at most 254",
    ),
    bad(
        "sso-mapping-sql",
        lambda w: identity.add_role_mapping(w.sessions, pattern=SQL, role="organizer", actor="ada"),
        InvalidInput,
        "neither an e-mail address",
    ),
    bad(
        "sso-claims-email-nul",
        lambda w: identity.sign_in_with_identity(w.sessions, claims={"email": "a\x00b@example.org"}),
        AuthenticationFailed,
        "e-mail address",
    ),
    bad(
        "audit-record-number-nul",
        lambda w: audit.history(w.sessions, entity_id="4\x002"),
        InvalidInput,
        "not a record number",
    ),
]


# --- CSV import ---------------------------------------------------------------------------------------

HEADER = "name,address,zip_code,languages\n"


def import_csv(data: bytes, row_problem: str | None = None) -> Callable[[World], object]:
    """Preview, then import. With `row_problem`, the preview must name it for the bad row first."""

    def act(w: World) -> object:
        preview = directory_import.preview_import(w.sessions, data)
        if row_problem is not None:
            assert re.search(row_problem, " ".join(preview.messages()), re.IGNORECASE), preview.messages()
        return directory_import.import_organizations(
            w.sessions, preview, geocoder=ZipCentroidGeocoder(), actor=ACTOR
        )

    return act


def imported_names(expected: list[str]) -> Callable[[World, object], None]:
    def check(w: World, result: object) -> None:
        ids = result.ids  # type: ignore[attr-defined]
        assert [org_row(w, i).name for i in ids] == expected

    return check


NOTHING = "Nothing to import"
CSV = [
    bad("csv-empty", import_csv(b"  \n"), InvalidInput, "empty"),
    bad("csv-excel-workbook", import_csv(b"PK\x03\x04rest-of-a-zip"), InvalidInput, "Excel workbook"),
    bad("csv-utf16-without-bom", import_csv(HEADER.encode("utf-16-le")), InvalidInput, "NUL bytes"),
    bad("csv-missing-columns", import_csv(b"name\nHarbor\n"), InvalidInput, "Missing column"),
    bad(
        "csv-wrong-delimiter",
        import_csv(b"name|address|zip_code|languages\nA|1 St|11372|es\n"),
        InvalidInput,
        "single column",
    ),
    bad(
        "csv-unclosed-quote",
        import_csv((HEADER + '"Open,1 St,11372,es\n').encode()),
        InvalidInput,
        "quote mark",
    ),
    bad(
        "csv-1mb-cell",
        import_csv((HEADER + '"' + MB + '",1 St,11372,es\n').encode()),
        InvalidInput,
        "field larger",
    ),
    bad(
        "csv-over-5mb",
        import_csv((HEADER + ("y" * 99 + "\n") * 52_000).encode()),
        InvalidInput,
        "limit is 5 MB",
    ),
    bad(
        "csv-too-many-rows",
        import_csv((HEADER + "".join(f"T{i},{i} St,11372,es\n" for i in range(10_001))).encode()),
        InvalidInput,
        "more than 10,000 rows",
    ),
    bad(
        "csv-duplicate-header",
        import_csv(b"name,name,address,zip_code,languages\n"),
        InvalidInput,
        "more than once",
    ),
    bad(
        "csv-row-extra-values",
        import_csv(
            (HEADER + "A,1 St,11372,es,surplus\n").encode(), row_problem="5 values but the header has 4"
        ),
        InvalidInput,
        NOTHING,
    ),
    bad(
        "csv-row-control-only-name",
        import_csv((HEADER + "\x07\x1b,1 St,11372,es\n").encode(), row_problem="name is empty"),
        InvalidInput,
        NOTHING,
    ),
    bad(
        "csv-row-bad-zip-and-language",
        import_csv((HEADER + "A,1 St,1137,Klingon\n").encode(), row_problem="5-digit.*Unknown language"),
        InvalidInput,
        NOTHING,
    ),
    good(
        "csv-windows-1252",
        import_csv((HEADER + "Église Évangélique,1 Rue St,11372,fr\n").encode("cp1252")),
        imported_names(["Église Évangélique"]),
    ),
    good(
        "csv-semicolons-and-mixed-scripts",
        import_csv(("name;address;zip_code;languages\n" + MIXED + ";1 St;11372;bn\n").encode()),
        imported_names([MIXED]),
    ),
    good(
        "csv-formula-kept-as-text",
        import_csv((HEADER + '"=HYPERLINK(""http://x"",""y"")",1 St,11372,es\n').encode()),
        imported_names(['=HYPERLINK("http://x","y")']),
    ),
    good(
        "csv-control-characters-are-removed",
        import_csv((HEADER + "Bell\x07 Temple\x1b,2 St,11372,es\n").encode()),
        imported_names(["Bell Temple"]),
    ),
]

CASES = [*INVENTORY, *SHIPMENTS, *SUBMISSION, *TOKENS, *TRIAGE, *DIRECTORY, *USERS, *CSV]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_clearly_and_valid_input_is_kept_exactly(world, case: Case):
    if case.prepare is not None:
        case.prepare(world)
    before = snapshot_counts(world.sessions)
    if case.error is None:
        result = case.act(world)
        assert case.check is not None
        case.check(world, result)
        return
    with pytest.raises(OutreachError) as raised:
        case.act(world)
    assert isinstance(raised.value, case.error), (type(raised.value), str(raised.value))
    assert case.keyword.lower() in str(raised.value).lower(), str(raised.value)
    assert snapshot_counts(world.sessions) == before  # nothing half-written


def test_nothing_typed_reaches_the_database_with_a_nul(world):
    """After every valid case above, no text column anywhere holds NUL (PostgreSQL would refuse it)."""
    for case in (param.values[0] for param in CASES):
        if case.error is None:
            case.act(world)
    with world.sessions() as session:
        for table in Base.metadata.sorted_tables:
            text_columns = [c for c in table.columns if c.type.python_type is str]
            for row in session.execute(select(*text_columns)) if text_columns else ():
                assert not any(isinstance(value, str) and "\x00" in value for value in row), table.name


def test_the_docstring_counts_the_cases():
    documented = int(re.search(r"(\d+) parametrized cases", __doc__ or "").group(1))  # type: ignore[union-attr]
    assert documented == len(CASES) >= 50
