"""Sections of the delivery runs page: a new run, its drivers, its shipments, planning, reordering by hand,
locking, sending out with the drivers' links, and the run sheets.

Names people typed (drivers, organizations) are shown in tables and widgets, never in markdown unescaped.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from outreach.catalog import SHIPMENT_STATUS_LABELS
from outreach.columns import FLAG, NUMBER, WHOLE
from outreach.delivery import driver_links, runs, sheets
from outreach.ui import state
from outreach.ui.pickers import depot_labels, pick
from outreach.ui.resources import get_sessions
from outreach.ui.tables import Column, show_table
from outreach.ui.widgets import escape_markdown, quantity_input, run_write

RUN_STATUS = {"draft": "Draft", "planned": "Planned", "out": "Out for delivery", "done": "Done"}
OUTCOMES = {"delivered": "Delivered", "not_delivered": "Not delivered", "": ""}
RUN_COLUMNS = {
    "id": Column("Run #", NUMBER, width="small"),
    "run_date": Column("Date"),
    "depot": Column("Depot"),
    "status": Column("Status", RUN_STATUS),
    "locked": Column("Order locked", FLAG),
    "stops": Column("Stops", WHOLE),
}
STOP_COLUMNS = {
    "driver": Column("Driver"),
    "position": Column("Stop", NUMBER, width="small"),
    "arrival": Column("About", help="Planned arrival (New York time)", width="small"),
    "organization": Column("Organization"),
    "borough": Column("Borough"),
    "window": Column("Open that day"),
    "packs": Column("Packs", WHOLE, width="small"),
    "shipment_id": Column("Shipment #", NUMBER, width="small"),
    "shipment_status": Column("Shipment", SHIPMENT_STATUS_LABELS),
    "outcome": Column("Outcome", OUTCOMES),
    "why": Column("Why", help="Why the planner left it out, or why it could not be delivered"),
}
CANDIDATE_COLUMNS = {
    "id": Column("Shipment #", NUMBER, width="small"),
    "organization": Column("Organization"),
    "borough": Column("Borough"),
}


def new_run(*, actor: str) -> None:
    with st.expander("New delivery run", icon=":material/add:"), st.form(state.RUN_NEW_FORM):
        left, right = st.columns(2)
        day = left.date_input("Date", value=dt.date.today(), key=state.RUN_NEW_DATE, format="YYYY-MM-DD")
        with right:
            depot = pick("From depot", depot_labels(), key=state.RUN_NEW_DEPOT)
        a, b, c = st.columns(3)
        hours = a.text_input("Hours of the run", value="09:00-18:00", key=state.RUN_NEW_HOURS)
        speed = b.number_input("Average speed (km/h)", 3, 90, 18, key=state.RUN_NEW_SPEED)
        service = c.number_input("Minutes per stop", 0, 120, 10, key=state.RUN_NEW_SERVICE)
        if st.form_submit_button("Create the run", type="primary"):
            if depot is None:
                st.error("Choose the depot the run leaves from.")
                return
            run_write(
                lambda: runs.create_run(
                    get_sessions(),
                    run_date=day,
                    depot_id=depot,
                    actor=actor,
                    speed_kmh=float(speed),
                    service_minutes=int(service),
                    hours=hours,
                ),  # fmt: skip
                success=lambda run_id: f"Run #{int(run_id)} created. Add drivers and shipments next.",
                keep=lambda run_id: st.session_state.__setitem__(state.RUN_CHOSEN, run_id),
            )


def choose_run(frame: pd.DataFrame) -> int | None:
    if frame.empty:
        st.info("No delivery run yet. Create one above.")
        return None
    show_table(frame, RUN_COLUMNS, height=min(38 * (len(frame) + 1), 250))
    labels = {
        int(row.id): f"Run #{row.id} · {row.run_date} · {row.depot}"  # the status is in the header below
        for row in frame.itertuples()
    }
    if st.session_state.get(state.RUN_CHOSEN) not in labels:
        st.session_state[state.RUN_CHOSEN] = next(iter(labels))
    return st.selectbox("Run", list(labels), format_func=labels.__getitem__, key=state.RUN_CHOSEN)


def drivers_section(summary: dict, *, actor: str) -> None:
    run_id = int(summary["id"])
    st.subheader("Drivers")
    drivers = pd.DataFrame(summary["drivers"], columns=["id", "name", "phone", "capacity", "link"])
    if drivers.empty:
        st.caption("No driver yet: add one with the number of packs their car or van can take.")
    else:
        show_table(
            drivers,
            {
                "name": Column("Driver"),
                "phone": Column("Phone"),
                "capacity": Column("Capacity (packs)", WHOLE),
            },
        )
    if summary["status"] not in runs.OPEN:
        return
    with st.form(state.RUN_DRIVER_FORM, clear_on_submit=True):
        a, b, c = st.columns([2, 2, 1])
        name = a.text_input("Name", key=state.RUN_DRIVER_NAME, max_chars=120)
        phone = b.text_input("Phone (optional)", key=state.RUN_DRIVER_PHONE, max_chars=40)
        with c:
            capacity = quantity_input("Capacity (packs)", key=state.RUN_DRIVER_CAPACITY)
        if st.form_submit_button("Add the driver"):
            run_write(
                lambda: runs.add_driver(
                    get_sessions(), run_id=run_id, name=name, phone=phone, capacity=capacity, actor=actor
                ),
                success=f"Driver {escape_markdown(name.strip())} added.",
            )


def shipments_section(summary: dict, candidates: pd.DataFrame, *, actor: str) -> None:
    run_id = int(summary["id"])
    if summary["status"] not in runs.OPEN or summary["locked"]:
        return
    st.subheader("Packed shipments to take")
    if candidates.empty:
        st.caption("No packed shipment from this depot is waiting for a run.")
        return
    show_table(candidates, CANDIDATE_COLUMNS, height=min(38 * (len(candidates) + 1), 220))
    labels = {int(row.id): f"#{row.id} {row.organization}" for row in candidates.itertuples()}
    with st.form(state.RUN_ADD_FORM, clear_on_submit=True):
        chosen = st.multiselect(
            "Shipments", list(labels), format_func=labels.__getitem__, key=state.RUN_ADD_SHIPMENTS
        )
        every = st.checkbox(f"All {len(labels)} packed shipments", key=state.RUN_ADD_ALL)
        if st.form_submit_button("Put them on the run"):
            ids = list(labels) if every else list(chosen)
            run_write(
                lambda: runs.add_shipments(get_sessions(), run_id=run_id, shipment_ids=ids, actor=actor),
                success=lambda count: f"{int(count)} shipment(s) added to run #{int(run_id)}.",
            )


def stops_section(summary: dict, stops: pd.DataFrame, *, actor: str) -> None:
    run_id = int(summary["id"])
    st.subheader("Stops")
    if stops.empty:
        st.caption("No shipment on this run yet.")
        return
    editable = summary["status"] in runs.OPEN and not summary["locked"]
    if editable and st.button("Plan the run", type="primary", key=state.RUN_PLAN, icon=":material/route:"):
        run_write(lambda: runs.plan(get_sessions(), run_id=run_id, actor=actor), success=_planned)
    _counts(stops)
    show_table(stops, STOP_COLUMNS)
    left_out = stops[stops["position"].isna()]
    if summary["status"] != "draft" and not left_out.empty:
        st.warning(
            f"{len(left_out)} shipment(s) could not be fitted: see 'Why'. Move them by hand or leave them."
        )
    if summary["status"] == "planned":
        _reorder(summary, stops, editable, actor=actor)


def _counts(stops: pd.DataFrame) -> None:
    """What happened so far, in words a coordinator reads at a glance (the table below has the detail)."""
    planned = int(stops["position"].notna().sum())
    figures = {
        "On the run": len(stops),
        "Planned": planned,
        "Delivered": int((stops["outcome"] == "delivered").sum()),
        "Not delivered": int((stops["outcome"] == "not_delivered").sum()),
        "Packs": int(stops["packs"].sum()),
    }
    for column, (label, value) in zip(st.columns(len(figures)), figures.items(), strict=True):
        column.metric(label, f"{value:,}")


def _planned(plan: object) -> str:
    unplanned = len(getattr(plan, "unplanned", {}))
    return "Run planned." + (
        f" {unplanned} shipment(s) could not be fitted; see why below." if unplanned else ""
    )


def _reorder(summary: dict, stops: pd.DataFrame, editable: bool, *, actor: str) -> None:
    run_id = int(summary["id"])
    if editable:
        drivers = {int(d["id"]): d["name"] for d in summary["drivers"]}
        labels = {int(r.stop_id): f"#{r.shipment_id} {r.organization}" for r in stops.itertuples()}
        with st.expander("Reorder by hand", icon=":material/swap_vert:"), st.form(state.RUN_MOVE_FORM):
            a, b, c = st.columns([3, 2, 1])
            stop = a.selectbox("Stop", list(labels), format_func=labels.__getitem__, key=state.RUN_MOVE_STOP)
            driver = b.selectbox(
                "Driver", list(drivers), format_func=drivers.__getitem__, key=state.RUN_MOVE_DRIVER
            )
            position = c.number_input("Position", 1, 999, 1, key=state.RUN_MOVE_POSITION)
            if st.form_submit_button("Move the stop"):
                run_write(
                    lambda: runs.move_stop(
                        get_sessions(),
                        run_id=run_id,
                        stop_id=int(stop),
                        driver_id=int(driver),
                        position=int(position),
                        actor=actor,
                    ),  # fmt: skip
                    success="Stop moved; the times are recomputed.",
                )
    locked = bool(summary["locked"])
    label = "Unlock the order" if locked else "Lock the order"
    if st.button(label, key=state.RUN_LOCK, icon=":material/lock:"):
        run_write(
            lambda: runs.set_locked(get_sessions(), run_id=run_id, locked=not locked, actor=actor),
            success="Order unlocked."
            if locked
            else "Order locked: planning again is off until it is unlocked.",
        )


def send_out_section(summary: dict, *, actor: str) -> None:
    run_id = int(summary["id"])
    links = st.session_state.get(state.RUN_LINKS)
    if links and links.get("run_id") == run_id:
        st.success("Each driver's private link, shown once: send it to them now.", icon=":material/key:")
        for name, url in links["links"].items():
            st.text_input(name, value=url, key=f"{state.RUN_LINKS}_{name}", disabled=False)
    if summary["status"] == "planned":
        st.caption(
            "Sending the run out ships every planned shipment (stock leaves the depot) and makes each driver's link."
        )
        if st.button(
            "Send the run out", type="primary", key=state.RUN_SEND_OUT, icon=":material/local_shipping:"
        ):
            run_write(partial(_send_out, run_id, actor), success=lambda n: f"Run #{int(run_id)} is out: {int(n[0])} shipment(s) shipped.",
                      keep=partial(_keep_links, run_id))  # fmt: skip
    elif summary["status"] == "out" and st.button("New driver links", key=state.RUN_NEW_LINKS):
        run_write(
            lambda: (0, _links(run_id, actor)),
            success="New driver links made; the old ones no longer work.",
            keep=partial(_keep_links, run_id),
        )


def _links(run_id: int, actor: str) -> dict[str, str]:
    tokens = driver_links.issue(get_sessions(), run_id=run_id, actor=actor)
    with get_sessions()() as session:
        names = {d.id: d.name for d in runs.load_run(session, run_id).drivers}
    return {
        f"{names[driver_id]} (driver #{driver_id})": driver_links.link_url(token)
        for driver_id, token in tokens.items()
    }


def _send_out(run_id: int, actor: str) -> tuple[int, dict[str, str]]:
    count = runs.send_out(get_sessions(), run_id=run_id, actor=actor)
    return count, _links(run_id, actor)


def _keep_links(run_id: int, value: tuple[int, dict[str, str]]) -> None:
    st.session_state[state.RUN_LINKS] = {"run_id": run_id, "links": value[1]}


def sheets_section(summary: dict, stops: pd.DataFrame) -> None:
    if summary["status"] == "draft" or stops["position"].isna().all():
        return
    st.subheader("Run sheets")
    busy = set(stops.loc[stops["position"].notna(), "driver_id"].dropna().astype(int))
    drivers = [d for d in summary["drivers"] if int(d["id"]) in busy]
    for column, driver in zip(st.columns(max(len(drivers), 1)), drivers, strict=False):
        column.download_button(
            f"Run sheet: {driver['name']}",
            data=partial(_sheet, int(summary["id"]), int(driver["id"])),
            file_name=f"run-{summary['id']}-driver-{driver['id']}.pdf",
            mime="application/pdf",
            key=f"{state.RUN_SHEET}_{driver['id']}",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            width="stretch",
        )


def _sheet(run_id: int, driver_id: int) -> bytes:
    return sheets.run_sheet(sheets.run_sheet_data(get_sessions(), run_id=run_id, driver_id=driver_id))


def header(summary: dict) -> None:
    facts = [
        f"{summary['run_date']:%A %d %B %Y}",
        str(summary["depot"]),
        RUN_STATUS[str(summary["status"])] + (" · order locked" if summary["locked"] else ""),
        str(summary["hours"]),
        f"{summary['speed_kmh']:g} km/h",
        f"{summary['service_minutes']} min per stop",
    ]
    st.markdown(f"**Run #{int(summary['id'])}** · " + escape_markdown(" · ".join(facts)))
