"""32 concurrent submitters send 2,000 restock requests to a SQLite file database (or PostgreSQL).

    python -m bench.bench_restock [--writers 32] [--requests 2000] [--duplicates 0.25] [--mode threads|processes]
                                  [--url sqlite:////tmp/kyr-bench-restock.db]

Each request goes through the real path: a private link's token, `restock.submit_request` (validation,
per-token lock and rate-limit count, insert, audit) in its own transaction. A share of the requests is sent a
second time by a different writer with the same idempotency key (a double click or a replayed form), so the
run also proves "none duplicated". At the end it counts rows and distinct keys: none lost (every key sent is
stored once), none duplicated (rows == distinct keys == requests). The hourly per-link limit is lifted for the
run (it is a product rule, not a capacity limit). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import func, select, text

from outreach import config, organizations
from outreach.db import make_engine, make_sessions
from outreach.demo import seed_reference
from outreach.models import Base, RestockRequest, RestockRequestLine
from outreach.restock import links as restock_links
from outreach.restock import submission as restock

ORGANIZATIONS = 200  # tokens: each writer sends through many different links, as in real life
Job = tuple[str, str, dict[int, int]]  # (token, idempotency key, lines)


def prepare(url: str, requests: int, duplicates: float, seed: int) -> list[Job]:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    sessions = make_sessions(engine)
    ref = seed_reference(sessions, actor="bench")
    rng = random.Random(seed)
    tokens = []
    for index in range(ORGANIZATIONS):
        code = rng.choice(sorted({language for _, language in ref.units}))
        org = organizations.create_organization(
            sessions,
            name=f"Bench Congregation {index}",
            borough="Queens",
            languages=[code],
            preferred_language=code,
            actor="bench",
        )
        tokens.append(restock_links.issue_link(sessions, organization_id=org, actor="bench"))
    units = sorted(ref.units.values())
    jobs: list[Job] = []
    for _ in range(requests):
        lines = {unit: rng.randint(1, 6) for unit in rng.sample(units, rng.randint(1, 3))}
        jobs.append((rng.choice(tokens), uuid.UUID(int=rng.getrandbits(128)).hex, lines))
    replays = [jobs[i] for i in rng.sample(range(requests), int(requests * duplicates))]
    everything = jobs + replays
    rng.shuffle(everything)
    engine.dispose()
    return everything


def _submit_all(sessions, jobs: Sequence[Job]) -> tuple[list[float], list[str]]:  # type: ignore[no-untyped-def]
    latencies, errors = [], []
    for token, key, lines in jobs:
        started = time.perf_counter()
        try:
            restock.submit_request(sessions, token=token, lines=lines, idempotency_key=key, language="en")
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(f"{type(error).__name__}: {error}"[:200])
        latencies.append(time.perf_counter() - started)
    return latencies, errors


def _warm(_: int) -> int:
    time.sleep(0.5)  # keeps this worker busy so the pool starts all of them before the clock runs
    return os.getpid()


def _process_worker(url: str, jobs: Sequence[Job], start_at: float) -> tuple[list[float], list[str], float]:
    engine = make_engine(url)
    try:
        sessions = make_sessions(engine)
        with sessions() as session:  # connect before the start signal, like a running app server
            session.execute(select(1))
        time.sleep(max(0.0, start_at - time.time()))
        latencies, errors = _submit_all(sessions, jobs)
        return latencies, errors, time.time()
    finally:
        engine.dispose()


def run(url: str, jobs: list[Job], writers: int, mode: str) -> tuple[float, list[float], list[str]]:
    shares = [jobs[i::writers] for i in range(writers)]
    latencies: list[float] = []
    errors: list[str] = []
    if mode == "processes":
        with ProcessPoolExecutor(
            max_workers=writers, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            list(pool.map(_warm, range(writers)))  # start (and import in) every process first
            start_at = time.time() + 2.0
            finished = []
            for part_latencies, part_errors, ended in pool.map(
                _process_worker, [url] * writers, shares, [start_at] * writers
            ):
                latencies += part_latencies
                errors += part_errors
                finished.append(ended)
            return max(finished) - start_at, latencies, errors
    engine = make_engine(url)
    sessions = make_sessions(engine)
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def writer(share: Sequence[Job]) -> None:
        barrier.wait()
        part_latencies, part_errors = _submit_all(sessions, share)
        with lock:
            latencies.extend(part_latencies)
            errors.extend(part_errors)

    threads = [threading.Thread(target=writer, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, latencies, errors


def verify(url: str, jobs: list[Job]) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(func.count()).select_from(RestockRequest)).scalar_one()
        keys = set(connection.execute(select(RestockRequest.idempotency_key)).scalars())
        lines = connection.execute(select(func.count()).select_from(RestockRequestLine)).scalar_one()
    engine.dispose()
    sent = {key for _, key, _ in jobs}
    expected_lines = sum(len(lines) for _, key, lines in {job[1]: job for job in jobs}.values())
    return {
        "rows": rows,
        "distinct_keys": len(keys),
        "keys_sent": len(sent),
        "lost": len(sent - keys),
        "unexpected": len(keys - sent),
        "duplicated": rows - len(keys),
        "lines": lines,
        "lines_expected": expected_lines,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_restock", description=__doc__)
    parser.add_argument("--writers", type=int, default=32)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--duplicates", type=float, default=0.25, help="share of requests sent twice")
    parser.add_argument("--mode", choices=("threads", "processes"), default="threads")
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file in the temp directory)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='kyr-bench-restock-')) / 'bench.db'}"
    os.environ["KYR_RESTOCK_MAX_PER_HOUR"] = str(10 * args.requests)  # inherited by spawned processes
    config.settings.cache_clear()

    jobs = prepare(url, args.requests, args.duplicates, args.seed)
    elapsed, latencies, errors = run(url, jobs, args.writers, args.mode)
    counts = verify(url, jobs)
    ordered = sorted(latencies)
    print(f"database        {url.split('://', 1)[0]} ({args.mode}, {args.writers} writers)")
    print(
        f"submissions     {len(jobs):,} ({args.requests:,} requests + {len(jobs) - args.requests:,} replays)"
    )
    print(f"elapsed         {elapsed:.2f} s")
    print(
        f"throughput      {len(jobs) / elapsed:,.0f} submissions/s ({counts['rows'] / elapsed:,.0f} stored/s)"
    )
    print(
        f"latency         p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
    )
    print(f"slow            {sum(1 for x in ordered if x > 1):,} submissions took over 1 s")
    print(f"errors          {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(
        f"rows            {counts['rows']:,} requests, {counts['distinct_keys']:,} distinct keys, "
        f"{counts['keys_sent']:,} keys sent; lines {counts['lines']:,} of {counts['lines_expected']:,}"
    )
    ok = (
        not errors
        and counts["lost"] == 0
        and counts["duplicated"] == 0
        and counts["unexpected"] == 0
        and counts["rows"] == args.requests
        and counts["lines"] == counts["lines_expected"]
    )
    print(
        f"verdict         {'OK: none lost, none duplicated' if ok else 'FAILED'} "
        f"(lost {counts['lost']}, duplicated {counts['duplicated']})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
