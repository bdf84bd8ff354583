"""Restock submissions across app processes, through Caddy: how many per second, none lost, none duplicated.

    python -m bench.bench_load [--processes 2] [--submitters 32] [--seconds 30] [--kill] [--db postgres|sqlite]

The whole stack runs as `make serve` runs it (scripts/stack.py: a throwaway PostgreSQL, or a SQLite file,
N app processes, Caddy with TLS). Each submitter is a faith leader with their own organization's link, who
submits, then comes back as a new visitor and submits again, for `--seconds`.

How a submission is driven: the way the browser does it, minus the drawing. A Streamlit form is not an HTTP
POST: the browser keeps a websocket to `/_stcore/stream` and sends each form submission as a protobuf
`BackMsg` (rerun the script with these widget values); the server answers with `ForwardMsg` deltas (the new
elements) and `script_finished`. So each submitter opens the websocket through Caddy (TLS, its `lb` cookie:
sticky to one process, spread evenly over them), runs the page for its link, reads the widget ids from the
deltas, types the packs and presses "Review my request", then "Send request", and reads the confirmation
number from the page. Three script runs per submission, as in Chromium (tests/e2e/test_deployment.py drives the
same form in a real browser). Headless Chromium pages instead would measure 32 renderers on the same two
cores, not the server.

`--kill` kills one app process (kill -9) halfway. Submitters on it see their websocket drop and start again as
new visitors (Caddy moves them to a live process). At the end: every confirmation number is in the database
exactly once; requests stored without a confirmation (the process died between the commit and the reply) are
counted apart; no idempotency key twice; on SQLite `PRAGMA integrity_check` says ok.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import re
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from outreach import i18n
from outreach.db import make_engine, make_sessions
from outreach.demo import load_demo
from outreach.models import Organization, RestockRequest
from outreach.restock import links as restock_links
from scripts.stack import Stack, insecure_context, running_stack

RUN_TIMEOUT = 300  # seconds one script run may take before the visit counts as failed
REFERENCE = re.compile(r"KYR-[A-Z0-9]{4}-[A-Z0-9]{4}")


class Dropped(Exception):
    """The websocket closed under a submission (its process died)."""


class TooSlow(Exception):
    """A script run did not finish in RUN_TIMEOUT seconds."""


@dataclass
class Tally:
    confirmed: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


def lb_cookie(dial: str) -> str:
    return hmac.new(b"", dial.encode(), hashlib.sha256).hexdigest()


class Visit:
    """One Streamlit session over the websocket: run the page, press things, read what is drawn."""

    def __init__(self, socket: Any, token: str) -> None:
        self.socket, self.token = socket, token
        self.elements: dict[str, Any] = {}  # delta path -> element, for the latest run

    async def run(self, widgets: list[Any] | None = None) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = f"t={self.token}"
        state.page_name = "restock"
        for widget in widgets or []:
            state.widget_states.widgets.append(widget)
        await self.socket.send(message.SerializeToString())
        while True:
            try:
                raw = await asyncio.wait_for(self.socket.recv(), timeout=RUN_TIMEOUT)
            except TimeoutError:
                raise TooSlow(f"no answer within {RUN_TIMEOUT} s") from None
            except Exception as exc:  # the connection closed: its process died
                raise Dropped(type(exc).__name__) from None
            reply = ForwardMsg()
            reply.ParseFromString(raw)
            kind = reply.WhichOneof("type")
            if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                path = ",".join(map(str, reply.metadata.delta_path))
                self.elements[path] = reply.delta.new_element
            elif kind == "new_session":
                self.elements = {}  # a run begins (again, after st.rerun): what counts is what it draws
            elif kind == "script_finished" and reply.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return

    def _find(self, kind: str, label: str) -> Any:
        for element in self.elements.values():
            if element.WhichOneof("type") == kind and getattr(element, kind).label == label:
                return getattr(element, kind)
        shown = [  # what the page said instead (an error, a warning), to tell why
            str(getattr(element, element.WhichOneof("type") or "")).strip().replace("\n", " ")[:160]
            for element in self.elements.values()
            if element.WhichOneof("type") in ("alert", "exception")
        ]
        raise LookupError(f"no {kind} labelled {label!r} on the page; it showed: {shown or 'no message'}")

    def confirmation(self) -> str | None:
        """The confirmation number, as the page shows it (in a code block: the history lists older ones)."""
        for element in self.elements.values():
            if element.WhichOneof("type") == "code" and REFERENCE.fullmatch(element.code.code_text.strip()):
                return str(element.code.code_text.strip())
        return None

    async def press(self, label: str, **typed: str) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        states = []
        for field_label, value in typed.items():
            state = WidgetState(id=self._find("text_input", field_label).id, string_value=value)
            states.append(state)
        button = self._find("button", label)
        states.append(WidgetState(id=button.id, trigger_value=True))
        self.elements = {}
        await self.run(states)


async def submit_once(stack: Stack, token: str, language: str, dial: str) -> str:
    """One faith leader, one request: returns the confirmation number."""
    host = stack.url.split("//", 1)[1]
    headers = {"Origin": stack.url, "Cookie": f"lb={lb_cookie(dial)}"}
    async with connect(
        f"wss://{host}/_stcore/stream",
        subprotocols=["streamlit"],  # type: ignore[list-item]
        additional_headers=headers,
        ssl=insecure_context(),
        max_size=None,
        open_timeout=60,
        # The browser sends no pings of its own; a busy server answers late, which is not a dropped visit.
        ping_interval=None,
    ) as socket:
        visit = Visit(socket, token)
        await visit.run()
        packs_label = i18n.t("form.packs", language, item=("flyer", language))  # its own language first
        await visit.press(i18n.t("form.review", language), **{packs_label: "1"})
        await visit.press(i18n.t("confirm.send", language))
        found = visit.confirmation()
        if not found:
            raise LookupError("no confirmation number on the page after sending")
        return found


async def submitter(stack: Stack, link: tuple[str, str], dial: str, deadline: float, tally: Tally) -> None:
    token, language = link
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            tally.confirmed.append(await submit_once(stack, token, language, dial))
            tally.latencies.append(time.monotonic() - started)
        except (Dropped, OSError) as exc:
            tally.dropped += 1  # its process died: come back as a new visitor (Caddy picks a live one)
            tally.errors.append(f"dropped: {type(exc).__name__}: {exc}")
            dial = "restart"
        except Exception as exc:
            tally.errors.append(f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(0.5)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (what the app processes spend on the load)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # killed: its time is lost with it
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def make_links(sessions: Any, count: int) -> list[tuple[str, str]]:
    with sessions() as session:
        organizations = session.execute(
            select(Organization.id, Organization.preferred_language)
            .where(Organization.status == "active")
            .order_by(Organization.id)
            .limit(count)
        ).all()
    if len(organizations) < count:
        raise SystemExit(f"only {len(organizations)} active organizations for {count} submitters")
    return [
        (restock_links.rotate_link(sessions, organization_id=org_id, actor="bench"), language)
        for org_id, language in organizations
    ]


async def load(stack: Stack, links: list[tuple[str, str]], seconds: float, kill: bool) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    deadline = started + seconds
    dials = [app.dial for app in stack.apps]
    tasks = [
        asyncio.create_task(submitter(stack, link, dials[number % len(dials)], deadline, tally))
        for number, link in enumerate(links)
    ]
    if kill:
        await asyncio.sleep(seconds / 2)
        stack.apps[0].process.kill()  # kill -9, mid-load
    await asyncio.gather(*tasks)
    return tally, time.monotonic() - started


def check(stack: Stack, sessions: Any, tally: Tally, since_id: int) -> dict[str, Any]:
    with sessions() as session:
        rows = session.execute(
            select(RestockRequest.reference, RestockRequest.idempotency_key).where(
                RestockRequest.id > since_id
            )
        ).all()
        integrity = "n/a (PostgreSQL)"
        if session.bind is not None and session.bind.dialect.name == "sqlite":
            integrity = session.execute(text("PRAGMA integrity_check")).scalar_one()
    stored = [reference for reference, _ in rows]
    counts = {reference: stored.count(reference) for reference in tally.confirmed}
    return {
        "confirmed": len(tally.confirmed),
        "stored": len(stored),
        "confirmed_missing": sum(1 for n in counts.values() if n == 0),
        "confirmed_twice": sum(1 for n in counts.values() if n > 1),
        "confirmed_numbers_repeated": len(tally.confirmed) - len(set(tally.confirmed)),
        "stored_without_confirmation": len(set(stored) - set(tally.confirmed)),
        "idempotency_keys_twice": len(rows) - len({key for _, key in rows}),
        "integrity_check": integrity,
    }


BEGIN, END = "<!-- bench_load: begin -->", "<!-- bench_load: end -->"
REPORT = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def load_section(text_: str) -> str:
    """This benchmark's section of docs/performance.md (markers included), or ''."""
    start, end = text_.find(BEGIN), text_.find(END)
    return text_[start : end + len(END)] if 0 <= start < end else ""


def write_report(path: Path, report: str) -> None:
    """Write bench/run.py's report, keeping the load section already in the file (this benchmark writes it,
    by hand-run commands: it needs the whole stack, not the page runner)."""
    kept = load_section(path.read_text("utf-8")) if path.exists() else ""
    path.write_text(report.rstrip("\n") + ("\n\n" + kept + "\n" if kept else "\n"), "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_load", description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--submitters", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--kill", action="store_true", help="kill -9 one app process halfway")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--organizations", type=int, default=120)
    args = parser.parse_args(argv)

    database_url = None
    if args.db == "sqlite":
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='kyr-load.')}/kyr.db"
    environment = {"KYR_RESTOCK_MAX_PER_HOUR": "1000000"}  # the per-link limit would stop a benchmark
    with running_stack(processes=args.processes, database_url=database_url, environment=environment) as stack:
        engine = make_engine(stack.database_url)
        sessions = make_sessions(engine)
        load_demo(sessions, organization_count=args.organizations)
        links = make_links(sessions, args.submitters)
        for app in stack.apps:  # warm up: each process imports the page's modules on its first run
            asyncio.run(submit_once(stack, *links[0], app.dial))
        with sessions() as session:
            since_id = session.scalar(select(func.coalesce(func.max(RestockRequest.id), 0))) or 0
        pids = [app.process.pid for app in stack.apps]
        load_average, cpu_before = os.getloadavg(), cpu_seconds(pids)
        tally, elapsed = asyncio.run(load(stack, links, args.seconds, args.kill))
        app_cpu = cpu_seconds(pids) - cpu_before
        result = {
            "command": "python -m bench.bench_load " + shlex.join(sys.argv[1:] if argv is None else argv),
            "database": args.db,
            "processes": args.processes,
            "submitters": args.submitters,
            "seconds": round(elapsed, 1),
            "per_second": round(len(tally.confirmed) / elapsed, 1),
            "latency_median_s": round(statistics.median(tally.latencies), 2) if tally.latencies else None,
            "latency_p95_s": round(sorted(tally.latencies)[int(len(tally.latencies) * 0.95) - 1], 2)
            if tally.latencies
            else None,
            "app_cpu_s_per_submission": round(app_cpu / len(tally.confirmed), 2) if tally.confirmed else None,
            "load_average_at_start": [round(x, 2) for x in load_average],
            "killed_one_process": args.kill,
            "dropped_visits": tally.dropped,
            "errors": len(tally.errors),
            "first_errors": tally.errors[:3],
            **check(stack, sessions, tally, since_id),
        }
        engine.dispose()
    print(json.dumps(result, indent=2))
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    name = f"load-{args.db}-{args.processes}p{'-kill' if args.kill else ''}.json"
    (out / name).write_text(json.dumps(result, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
