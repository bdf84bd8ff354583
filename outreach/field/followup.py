"""Silent organizations: who to call. A parcel delivered but not confirmed after KYR_CONFIRM_AFTER_DAYS (7);
a parcel confirmed but nothing reported for REPORT_AFTER_DAYS (30). Coordinators see the contact and phone and
note their calls (audited); organizers see counts only, never a contact (`silent_counts`).

`silent_lists` is pure (frames in, frame out) so its rules are tested with Hypothesis; `silent_organizations`
reads the frames and adds names, contacts (on request) and the last call.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select

from outreach import audit
from outreach.config import settings
from outreach.db import SessionFactory, read_frame, utcnow
from outreach.errors import InvalidInput, NotFound
from outreach.models import FollowUpCall, HandoutReport, Organization, Receipt, Shipment
from outreach.text import clean_text

REASONS = {
    "not_confirmed": "Delivered, receipt not confirmed",
    "not_reporting": "Confirmed, no handouts reported",
}
REPORT_AFTER_DAYS = 30
MAX_NOTE_CHARS = 2_000
LIST_COLUMNS = ["organization_id", "reason", "since", "days", "parcels"]


def silent_lists(
    delivered: pd.DataFrame,
    confirmed: pd.DataFrame,
    reported: pd.DataFrame,
    *,
    now: dt.datetime,
    confirm_after_days: int,
    report_after_days: int = REPORT_AFTER_DAYS,
) -> pd.DataFrame:
    """Who is silent, and since when. Pure pandas.

    delivered: shipment_id, organization_id, delivered_at (delivered shipments);
    confirmed: shipment_id, organization_id, confirmed_at (receipts);
    or both already counted per organization, as `current_lists` reads them at scale: delivered =
      organization_id, delivered_at (the oldest), parcels, of the deliveries without a receipt delivered at
      least `confirm_after_days` ago; confirmed = organization_id, confirmed_at (the newest), parcels;
    reported: organization_id, reported_at (handout reports).

    Rows (LIST_COLUMNS), longest silence first:
    - not_confirmed: an organization with a parcel delivered at least `confirm_after_days` ago and no receipt
      for it; `since` is the oldest such delivery, `parcels` how many;
    - not_reporting: an organization that confirmed a parcel, whose newest confirmation or report is at least
      `report_after_days` old; `since` is that newest sign of life, `parcels` its confirmed parcels.
    """
    rows: list[pd.DataFrame] = []
    # Per delivery and receipt (shipment_id present): drop the confirmed deliveries here. Counted per
    # organization (`current_lists`): SQL already kept only the unconfirmed ones.
    if "shipment_id" in delivered and "shipment_id" in confirmed:
        delivered = delivered[~delivered["shipment_id"].isin(confirmed["shipment_id"])]
    overdue = delivered[
        pd.to_datetime(delivered["delivered_at"]) <= now - dt.timedelta(days=confirm_after_days)
    ]
    if not overdue.empty:
        counted = overdue["parcels"] if "parcels" in overdue else 1  # a delivery per row: one parcel each
        grouped = (
            overdue.assign(parcels=counted)
            .groupby("organization_id")
            .agg(since=("delivered_at", "min"), parcels=("parcels", "sum"))
        )
        rows.append(grouped.reset_index().assign(reason="not_confirmed"))
    if not confirmed.empty:
        last_confirmed = confirmed.groupby("organization_id")["confirmed_at"].max()
        counted = confirmed["parcels"] if "parcels" in confirmed else 1  # a receipt per row: one parcel each
        parcels = confirmed.assign(parcels=counted).groupby("organization_id")["parcels"].sum()
        last_report = (
            reported.groupby("organization_id")["reported_at"].max()
            if not reported.empty
            else pd.Series(dtype="datetime64[ns]")
        )
        alive = pd.concat(
            [pd.to_datetime(last_confirmed), pd.to_datetime(last_report).reindex(last_confirmed.index)],
            axis=1,
        ).max(axis=1)
        quiet = alive[alive <= now - dt.timedelta(days=report_after_days)]
        if not quiet.empty:
            frame = pd.DataFrame(
                {
                    "organization_id": quiet.index,
                    "since": quiet.values,
                    "parcels": parcels[quiet.index].values,
                }
            )
            rows.append(frame.assign(reason="not_reporting"))
    if not rows:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in LIST_COLUMNS})
    found = pd.concat(rows, ignore_index=True)
    found["since"] = pd.to_datetime(found["since"])
    found["days"] = (pd.Timestamp(now) - found["since"]).dt.days.astype("int64")
    found["organization_id"] = found["organization_id"].astype("int64")
    found["parcels"] = found["parcels"].astype("int64")
    return found.sort_values(["days", "organization_id"], ascending=[False, True])[LIST_COLUMNS].reset_index(
        drop=True
    )


def _inputs(
    sessions: SessionFactory, *, now: dt.datetime, confirm_after_days: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    # Counted per organization in SQL (`silent_lists`'s rule for the deliveries, applied here): at fifty times
    # the campaign there are hundreds of thousands of deliveries and receipts, and a few thousand organizations.
    delivered = read_frame(
        sessions,
        select(
            Shipment.organization_id,
            func.min(Shipment.delivered_at).label("delivered_at"),
            func.count(Shipment.id).label("parcels"),
        )
        .where(
            Shipment.status == "delivered",
            Shipment.delivered_at <= now - dt.timedelta(days=confirm_after_days),
            # NOT IN a set read once from the receipts' unique index (a probe per delivery otherwise)
            Shipment.id.not_in(select(Receipt.shipment_id)),
        )
        .group_by(Shipment.organization_id),
    )
    confirmed = read_frame(
        sessions,
        select(
            Receipt.organization_id,
            func.max(Receipt.confirmed_at).label("confirmed_at"),
            func.count(Receipt.shipment_id).label("parcels"),
        ).group_by(Receipt.organization_id),
    )
    reported = read_frame(
        sessions,
        select(
            HandoutReport.organization_id, func.max(HandoutReport.reported_at).label("reported_at")
        ).group_by(HandoutReport.organization_id),
    )
    return delivered, confirmed, reported


def current_lists(sessions: SessionFactory, *, now: dt.datetime | None = None) -> pd.DataFrame:
    """Both lists as they stand (`silent_lists`'s rows), read once for the counts and the named list."""
    now = now or utcnow()
    confirm_after_days = settings().confirm_after_days
    delivered, confirmed, reported = _inputs(sessions, now=now, confirm_after_days=confirm_after_days)
    return silent_lists(delivered, confirmed, reported, now=now, confirm_after_days=confirm_after_days)


def silent_counts(lists: pd.DataFrame) -> dict[str, int]:
    """Organizations on each list (what organizers see: numbers, no names, no contacts)."""
    return {reason: int((lists["reason"] == reason).sum()) for reason in REASONS}


def silent_organizations(
    sessions: SessionFactory, lists: pd.DataFrame, *, include_contacts: bool
) -> pd.DataFrame:
    """The follow-up list (`lists`: `current_lists`) with organization_id, name, borough, community_district,
    reason, since, days, parcels, last_called_at, last_call_note, and with `include_contacts` (coordinators
    only) contact_name and contact_phone."""
    columns = [Organization.id.label("organization_id"), Organization.name, Organization.borough]
    columns.append(Organization.community_district)
    if include_contacts:
        columns += [Organization.contact_name, Organization.contact_phone]
    ids = [int(i) for i in lists["organization_id"].unique()]
    directory = read_frame(sessions, select(*columns).where(Organization.id.in_(ids)))
    calls = read_frame(
        sessions,
        select(
            FollowUpCall.organization_id,
            FollowUpCall.reason,
            FollowUpCall.called_at.label("last_called_at"),
            FollowUpCall.note.label("last_call_note"),
        )
        .where(FollowUpCall.organization_id.in_(ids))
        .order_by(FollowUpCall.called_at, FollowUpCall.id),
    ).drop_duplicates(["organization_id", "reason"], keep="last")
    frame = lists.merge(directory, on="organization_id", how="left").merge(
        calls, on=["organization_id", "reason"], how="left"
    )
    frame["community_district"] = pd.to_numeric(frame["community_district"]).astype("Int64")
    return frame


def record_call(
    sessions: SessionFactory, *, organization_id: int, reason: str, note: str | None, actor: str
) -> int:
    """A coordinator called a silent organization: keep who, when, why it was on the list, and a note."""
    if reason not in REASONS:
        raise InvalidInput(f"Reason {reason!r} is not one of {', '.join(REASONS)}. Pick a row of the list.")
    text = clean_text(note, field="The call note", max_length=MAX_NOTE_CHARS) or None
    with sessions.begin() as session:
        if session.get(Organization, organization_id) is None:
            raise NotFound(f"Organization #{organization_id} does not exist. Reload the list.")
        return audit.add_and_record(
            session,
            FollowUpCall(organization_id=organization_id, reason=reason, note=text, called_by=actor),
            actor=actor,
            entity="follow_up_call",
            action="record_call",
            after={"organization_id": organization_id, "reason": reason, "note": text},
        )
