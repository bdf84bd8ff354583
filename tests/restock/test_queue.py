"""The coordinators' queue read in pages: SQL paging, a COUNT that agrees with the filters, a full export."""

from __future__ import annotations

import uuid

import pytest

from outreach import inventory, organizations
from outreach.restock import queue as restock_queue
from outreach.restock import submission as restock
from outreach.restock.queue import QueueFilters

PER_BOROUGH = {"Brooklyn": 33, "Bronx": 22}


@pytest.fixture
def many(sessions, ref):
    """55 phone requests: 33 from Brooklyn (Spanish flyers), 22 from the Bronx (English), in that order."""
    inventory.receive(
        sessions,
        unit_id=ref.units[("flyer", "es")],
        location_id=ref.main_depot,
        quantity=50,
        reference="r",
        actor="t",
    )
    references = []
    for borough, count in PER_BOROUGH.items():
        code = "es" if borough == "Brooklyn" else "en"
        org = organizations.create_organization(
            sessions, name=f"{borough} Church", borough=borough, languages=[code], actor="t"
        )
        for _ in range(count):
            sent = restock.submit_request(
                sessions,
                organization_id=org,
                channel="phone",
                lines={ref.units[("flyer", code)]: 2},
                idempotency_key=uuid.uuid4().hex,
                actor="cora",
            )
            references.append(sent.reference)
    return references


def test_pages_follow_each_other_in_queue_order(sessions, many):
    first = restock_queue.queue(sessions, limit=20)
    second = restock_queue.queue(sessions, limit=20, offset=20)
    last = restock_queue.queue(sessions, limit=20, offset=40)
    pages = [*first["reference"], *second["reference"], *last["reference"]]
    assert pages == many  # oldest first, no row twice, none skipped
    assert len(last) == 15 and restock_queue.queue(sessions, limit=20, offset=60).empty
    assert second["packs_requested"].tolist() == [2] * 20  # the line totals belong to the page's own rows
    assert second["languages"].tolist() == ["es"] * 13 + ["en"] * 7  # rows 20..39: Brooklyn, then the Bronx


@pytest.mark.parametrize(
    "filters",
    [
        QueueFilters(),
        QueueFilters(borough="Bronx"),
        QueueFilters(language="es"),
        QueueFilters(statuses=("submitted",)),
        QueueFilters(statuses=("approved",)),
    ],
)
def test_count_and_export_agree_with_the_listed_rows(sessions, many, filters):
    listed = restock_queue.queue(sessions, filters)
    assert restock_queue.queue_count(sessions, filters) == len(listed)
    paged = restock_queue.queue(sessions, filters, limit=10, offset=10)
    assert paged["reference"].tolist() == listed["reference"].tolist()[10:20]
    export = restock_queue.export_frame(sessions, filters)  # one line per request here: every page's
    assert export["reference"].tolist() == listed["reference"].tolist()


def test_filters_select_the_right_requests(sessions, many):
    assert restock_queue.queue_count(sessions, QueueFilters(borough="Bronx")) == PER_BOROUGH["Bronx"]
    assert restock_queue.queue_count(sessions, QueueFilters(language="es")) == PER_BOROUGH["Brooklyn"]
    assert restock_queue.queue_count(sessions, QueueFilters(borough="Bronx", language="es")) == 0
    assert set(restock_queue.queue(sessions, QueueFilters(borough="Bronx"), limit=5)["borough"]) == {"Bronx"}


def test_filters_are_a_cache_key():
    """Equal filters are one key (statuses given as a list too), different filters another."""
    as_list = QueueFilters(statuses=["submitted"])
    assert as_list == QueueFilters(statuses=("submitted",)) and hash(as_list) == hash(
        QueueFilters(("submitted",))
    )
    assert QueueFilters(borough="Bronx") != QueueFilters(borough="Brooklyn")
