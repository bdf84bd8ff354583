"""Restock requests, part one: submission (through a private link, or by a coordinator after a phone call).

A submission is checked completely before anything is stored, so a rejected one leaves no trace, and every
message a leader can see is translatable (`outreach.i18n.localized`). An idempotency key makes a double
click, a rerun or a resubmitted form store one request: the same key returns the same request, and when two
submissions with one key race, the UNIQUE constraint lets one insert win and the other returns its row.
Submitting never moves stock: coordinators decide in `outreach.restock.triage`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from outreach import audit, i18n
from outreach.catalog import material_of
from outreach.config import settings
from outreach.db import SessionFactory, utcnow
from outreach.errors import Conflict, InvalidInput, NotFound, RateLimited
from outreach.messages import notices
from outreach.models import Organization, RestockRequest, RestockRequestLine, RestockToken, StockUnit
from outreach.phones import MAX_PHONE_CHARS, normalize_phone
from outreach.quantities import parse_quantity
from outreach.restock import links as restock_links
from outreach.text import clean_text

LINK_ACTOR = "restock-link"
CHANNELS = ("link", "phone", "coordinator")
MAX_NOTE_CHARS = 2_000
MAX_NAME_CHARS = 200
MAX_ON_HAND_PACKS = 100_000
# "Far above usual": at least three times the usual size and at least five packs more.
FAR_ABOVE_FACTOR = 3
FAR_ABOVE_MIN_EXTRA = 5
USUAL_HISTORY = 10  # how many recent requests the usual size is the median of
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone
_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_.:-]{8,80}$")


class Submitted(NamedTuple):
    request_id: int
    reference: str


@dataclass(frozen=True)
class Draft:
    """A submission that passed every check: what will be stored."""

    lines: dict[int, int]  # unit id -> packs
    items: dict[int, tuple[str, str]]  # unit id -> (material, language)
    contact_name: str | None
    contact_phone: str | None
    note: str | None
    on_hand_reported: int | None
    language: str

    @property
    def total_packs(self) -> int:
        return sum(self.lines.values())

    @property
    def total_pieces(self) -> int:
        """Flyers and booklets counted one by one: what the packs hold."""
        return sum(self.pieces(unit_id) for unit_id in self.lines)

    def pack_size(self, unit_id: int) -> int:
        return material_of(self.items[unit_id][0]).pack_size

    def pieces(self, unit_id: int) -> int:
        return self.lines[unit_id] * self.pack_size(unit_id)


# --- checks -------------------------------------------------------------------------------------------


def _packs(value: object, item: tuple[str, str], limit: int) -> int:
    try:
        return parse_quantity(value, field=item, maximum=limit)
    except InvalidInput as error:
        # Over the cap, the leader also learns what to do about a large order.
        if error.__dict__.get("message_key") != "quantity.too_large":
            raise
        packs = error.__dict__["message_params"]["value"]
        raise i18n.localized(
            InvalidInput, "error.packs_over_limit", item=item, packs=packs, limit=limit
        ) from None


def _text(value: str | None, *, field: str, limit: int, key: str, multiline: bool = False) -> str | None:
    """What the leader typed, cleaned; too long is refused with the translatable message `key`."""
    return clean_text(value, field=field, max_length=limit, multiline=multiline, message_key=key) or None


def _phone(value: str | None) -> str | None:
    """The leader's phone number, stored as "+1 718-555-0134"; one that cannot be called is refused."""
    text = _text(value, field="The phone number", limit=MAX_PHONE_CHARS, key="error.contact_too_long")
    return None if text is None else normalize_phone(text, message_key="error.phone_invalid")


def _active_unit(session: Session, raw_unit: object) -> StockUnit | None:
    """The current stock unit a form line names, or None (an id is never typed: anything odd is unknown)."""
    try:
        unit_id = parse_quantity(raw_unit, field="Stock item", maximum=2**31 - 1)
    except InvalidInput:
        return None
    unit = session.get(StockUnit, unit_id)
    return unit if unit is not None and unit.edition.status == "active" else None


def _pairs(lines: Mapping[int, object] | Iterable[tuple[int, object]]) -> list[tuple[object, object]]:
    return list(lines.items() if isinstance(lines, Mapping) else lines)


def check_submission(
    session: Session,
    *,
    lines: Mapping[int, object] | Iterable[tuple[int, object]],
    contact_name: str | None = None,
    contact_phone: str | None = None,
    note: str | None = None,
    on_hand_reported: object = None,
    language: str | None = "en",
) -> Draft:
    """Every check a submission must pass, raising the first problem in words a leader understands."""
    pairs = _pairs(lines)
    if not pairs:
        raise i18n.localized(InvalidInput, "error.empty")
    limit = settings().restock_max_packs_per_line
    cleaned: dict[int, int] = {}
    items: dict[int, tuple[str, str]] = {}
    for raw_unit, raw_packs in pairs:
        unit = _active_unit(session, raw_unit)
        if unit is None:
            raise i18n.localized(InvalidInput, "error.unknown_item")
        items[unit.id] = (unit.material, unit.language)
        cleaned[unit.id] = cleaned.get(unit.id, 0) + _packs(raw_packs, items[unit.id], limit)
        if cleaned[unit.id] > limit:  # the same item twice still counts as one line
            raise i18n.localized(
                InvalidInput,
                "error.packs_over_limit",
                item=items[unit.id],
                packs=cleaned[unit.id],
                limit=limit,
            )
    on_hand = None
    if on_hand_reported not in (None, ""):
        try:
            on_hand = parse_quantity(
                on_hand_reported, field="Packs on hand", allow_zero=True, maximum=MAX_ON_HAND_PACKS
            )
        except InvalidInput:
            # One message names the field and its range in the leader's language, whatever was wrong.
            raise i18n.localized(InvalidInput, "error.on_hand_invalid", limit=MAX_ON_HAND_PACKS) from None
    return Draft(
        lines=cleaned,
        items=items,
        contact_name=_text(
            contact_name, field="The name", limit=MAX_NAME_CHARS, key="error.contact_too_long"
        ),
        contact_phone=_phone(contact_phone),
        note=_text(note, field="The note", limit=MAX_NOTE_CHARS, key="error.note_too_long", multiline=True),
        on_hand_reported=on_hand,
        language=i18n.normalize(language),
    )


def validate_submission(sessions: SessionFactory, **fields: object) -> Draft:
    """The confirmation step runs the same checks as `submit_request` (nothing is stored)."""
    with sessions() as session:
        return check_submission(session, **fields)  # type: ignore[arg-type]


# --- usual size ---------------------------------------------------------------------------------------


def usual_packs(sessions: SessionFactory, organization_id: int) -> int | None:
    """The organization's usual request size in packs: its directory value, else its recent median."""
    with sessions() as session:
        organization = session.get(Organization, organization_id)
        if organization is None:
            return None
        if organization.usual_request_packs:
            return int(organization.usual_request_packs)
        totals = list(
            session.scalars(
                select(func.sum(RestockRequestLine.packs_requested))
                .join(RestockRequest, RestockRequest.id == RestockRequestLine.request_id)
                .where(
                    RestockRequest.organization_id == organization_id,
                    RestockRequest.status.not_in(("rejected", "cancelled")),
                )
                .group_by(RestockRequest.id)
                .order_by(RestockRequest.id.desc())
                .limit(USUAL_HISTORY)
            )
        )
    if len(totals) < 2:
        return None
    return max(1, round(statistics.median(int(total) for total in totals)))


def far_above_usual(sessions: SessionFactory, *, organization_id: int, total_packs: int) -> int | None:
    """The usual size when `total_packs` is far above it (the confirmation step warns), else None."""
    usual = usual_packs(sessions, organization_id)
    if usual is None:
        return None
    if total_packs >= usual * FAR_ABOVE_FACTOR and total_packs - usual >= FAR_ABOVE_MIN_EXTRA:
        return usual
    return None


# --- submission ---------------------------------------------------------------------------------------


def new_reference() -> str:
    """A confirmation number a leader can read over the phone, e.g. KYR-7F3K-92QX."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"KYR-{chars[:4]}-{chars[4:]}"


def _existing(session: Session, key: str) -> RestockRequest | None:
    return session.scalar(select(RestockRequest).where(RestockRequest.idempotency_key == key))


def _owner_of_token(session: Session, token: str | None) -> int | None:
    # Any state (even revoked): a double click that straddles a rotation still finds its own request.
    return session.scalar(
        select(RestockToken.organization_id).where(
            RestockToken.token_hash == restock_links.hash_token((token or "").strip())
        )
    )


def _replay(session: Session, key: str, token: str | None, organization_id: int | None) -> Submitted | None:
    """The request already stored under this key, if it belongs to the same organization."""
    found = _existing(session, key)
    if found is None:
        return None
    owner = _owner_of_token(session, token) if token is not None else organization_id
    if owner != found.organization_id:  # a key from elsewhere: reveal nothing about that request
        raise i18n.localized(Conflict, "error.generic")
    return Submitted(found.id, found.reference)


def _rate_limit(session: Session, token_row: RestockToken) -> None:
    limit = settings().restock_max_per_hour
    since = utcnow() - dt.timedelta(hours=1)
    recent = session.scalar(
        select(func.count())
        .select_from(RestockRequest)
        .where(RestockRequest.token_id == token_row.id, RestockRequest.created_at >= since)
    )
    if (recent or 0) >= limit:
        raise i18n.localized(RateLimited, "error.rate_limited", limit=limit)


def submit_request(
    sessions: SessionFactory,
    *,
    lines: Mapping[int, object] | Iterable[tuple[int, object]],
    idempotency_key: str,
    actor: str = LINK_ACTOR,
    token: str | None = None,
    organization_id: int | None = None,
    channel: str = "link",
    contact_name: str | None = None,
    contact_phone: str | None = None,
    note: str | None = None,
    on_hand_reported: object = None,
    language: str | None = "en",
) -> Submitted:
    """Store a request (or return the one already stored under `idempotency_key`)."""
    key = (idempotency_key or "").strip()
    if not _KEY_SHAPE.match(key):
        raise InvalidInput(
            "The form's idempotency key is missing or malformed; reload the page and try again."
        )
    if channel not in CHANNELS:
        raise InvalidInput(f"Unknown channel {channel!r}. Use one of: {', '.join(CHANNELS)}.")
    if channel == "link" and token is None:
        raise restock_links.invalid_link()
    if channel != "link" and organization_id is None:
        raise InvalidInput("Choose the organization this request is for.")
    pairs = _pairs(lines)
    with sessions() as session:  # a double click usually finds its request here, without a write lock
        replay = _replay(session, key, token if channel == "link" else None, organization_id)
    if replay is not None:
        return replay
    for _attempt in range(3):
        try:
            return _insert(
                sessions,
                key=key,
                pairs=pairs,
                actor=actor,
                token=token,
                organization_id=organization_id,
                channel=channel,
                fields={
                    "contact_name": contact_name,
                    "contact_phone": contact_phone,
                    "note": note,
                    "on_hand_reported": on_hand_reported,
                    "language": language,
                },
            )
        except IntegrityError:
            # The same key won a race (return its request), or the reference collided (try another).
            with sessions() as session:
                replay = _replay(session, key, token if channel == "link" else None, organization_id)
            if replay is not None:
                return replay
        except OperationalError:
            # The database was too busy (SQLite's write lock not granted within its timeout) or the
            # connection dropped: nothing was stored, and the insert is idempotent, so try again.
            continue
    # Nothing was stored; the leader's form keeps its key, so sending again cannot make a duplicate.
    raise i18n.localized(Conflict, "error.generic")


def _insert(
    sessions: SessionFactory,
    *,
    key: str,
    pairs: list[tuple[object, object]],
    actor: str,
    token: str | None,
    organization_id: int | None,
    channel: str,
    fields: dict[str, object],
) -> Submitted:
    with sessions.begin() as session:
        replay = _replay(session, key, token if channel == "link" else None, organization_id)
        if replay is not None:
            return replay
        token_id = None
        if channel == "link":
            token_row = restock_links.lock_live_token(session, token)
            token_id, organization_id = token_row.id, token_row.organization_id
            _rate_limit(session, token_row)
        elif session.get(Organization, organization_id) is None:
            raise NotFound(f"Organization #{organization_id} does not exist. Pick one from the list.")
        draft = check_submission(session, lines=pairs, **fields)  # type: ignore[arg-type]
        request = RestockRequest(
            reference=new_reference(),
            idempotency_key=key,
            organization_id=organization_id,
            token_id=token_id,
            channel=channel,
            status="submitted",
            language=draft.language,
            contact_name=draft.contact_name,
            contact_phone=draft.contact_phone,
            note=draft.note,
            on_hand_reported=draft.on_hand_reported,
            created_by=actor,
        )
        request.lines = [
            RestockRequestLine(unit_id=unit_id, packs_requested=packs)
            for unit_id, packs in draft.lines.items()
        ]
        audit.add_and_record(
            session,
            request,
            actor=actor,
            action="submit",
            entity="restock_request",
            # Contact details and the token stay out of the trail; the request row holds them.
            after={
                "reference": request.reference,
                "organization_id": organization_id,
                "channel": channel,
                "language": draft.language,
                "lines": draft.lines,
                "on_hand_reported": draft.on_hand_reported,
                "has_note": draft.note is not None,
            },
        )
        # The confirmation and the coordinators' messages commit with the request, or not at all.
        notices.request_submitted(session, request.id)
        return Submitted(request.id, request.reference)
