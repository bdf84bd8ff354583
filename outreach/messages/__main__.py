"""`python -m outreach.messages send [--loop]`: deliver due messages once, or keep doing it."""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from outreach.db import make_engine, make_sessions, migrate
from outreach.messages import notices as _notices  # noqa: F401
from outreach.messages import sender, smtp

# Wire the shipment events as the app does, in case this process ever runs steps.
from outreach.restock import fulfilment as _fulfilment  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m outreach.messages")
    commands = parser.add_subparsers(dest="command", required=True)
    send = commands.add_parser("send", help="send the messages that are due")
    send.add_argument("--loop", action="store_true", help="keep sending every 30 seconds until stopped")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    engine = make_engine()
    migrate(engine)
    sessions = make_sessions(engine)
    if args.loop:
        stop = threading.Event()
        try:
            sender.run_loop(sessions, stop)
        except KeyboardInterrupt:
            stop.set()
        return 0
    holder = sender.holder_id()
    try:
        report = sender.send_once(sessions, holder=holder)
    finally:
        sender.release_lease(sessions, holder)  # one pass done: the next run, or the app's thread, may send
    if not report.lease:
        print("Another sender holds the lease; nothing sent by this one.")
        return 0
    if not smtp.configured():
        print("KYR_SMTP_HOST is not set: messages wait in the outbox.")
    print(f"{report.sent} sent, {report.deferred} deferred, {report.failed} failed, {report.queued} queued.")
    if report.unreachable:
        print(f"Mail server unreachable: {report.unreachable}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
