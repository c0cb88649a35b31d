"""Ties: what RapidPro writes in one transaction shares one modified_on, to the microsecond."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import groupby

import pytest
from temba_client.v2 import TembaClient

from tests.clock import SetClock
from tracpro.simulator import Simulator

from .conftest import ANCHOR, SERVING_FROM, TOKEN

BATCH = 25  # mailroom starts a flow's contacts 25 to a transaction


def _pages(query) -> list[list]:
    return list(query.iterfetches())


def test_a_tie_group_is_served_whole_across_a_page_boundary(sim, client):
    flow = sim.dataset.single_message_flow_uuid  # runs made by starts and untouched since: tied by batch
    pages = _pages(client.get_runs(flow=flow))
    runs = [run for page in pages for run in page]
    assert [run.uuid for run in runs] == [run["uuid"] for run in sim.dataset.iter_runs(flow=flow)]

    sizes = Counter(len(list(group)) for _, group in groupby(runs, key=lambda run: run.modified_on))
    assert max(sizes) == BATCH and sizes[BATCH] > 10
    assert len({run.created_on for run in runs}) > 0.99 * len(runs)  # made one by one, stamped together
    across = [k for k in range(len(pages) - 1) if pages[k][-1].modified_on == pages[k + 1][0].modified_on]
    assert across, "no tie group spans a page boundary"


def test_without_ties_every_record_has_its_own_modified_on():
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR, ties=False) as untied:
        runs = list(untied.dataset.iter_runs(flow=untied.dataset.single_message_flow_uuid))
        contacts = list(untied.dataset.iter_contacts())
    assert len({run["modified_on"] for run in runs}) == len(runs) > 1000
    assert len({contact["modified_on"] for contact in contacts}) == len(contacts)


def test_generated_contacts_were_partly_updated_in_bulk(sim):
    contacts = list(sim.dataset.iter_contacts())
    sizes = Counter(len(list(group)) for _, group in groupby(contacts, key=lambda c: c["modified_on"]))
    assert sizes[1] > len(contacts) / 2 and max(sizes) > 10


@pytest.mark.parametrize("ties", [True, False])
def test_a_starts_runs_and_a_bulk_actions_contacts_share_one_modified_on_per_transaction(ties):
    clock = SetClock(SERVING_FROM)
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, clock=clock, commit_delay=0, ties=ties,
                   response_rate=0.0) as sim:
        client = TembaClient(sim.url, TOKEN)
        flow = sim.dataset.poll_flow_uuids[0]
        active = [c["uuid"] for c in sim.dataset.iter_contacts() if c["status"] == "active"]
        client.create_flow_start(flow, contacts=active[:60])
        client.bulk_add_contacts(active[60:90], group=sim.dataset.reporter_group_uuids[0])
        clock.at = SERVING_FROM + timedelta(minutes=10)  # every run created, none answered (no one responds)

        runs = client.get_runs(flow=flow, after=SERVING_FROM).all()
        by_stamp = Counter(run.modified_on for run in runs)
        assert sorted(by_stamp.values()) == ([10, BATCH, BATCH] if ties else [1] * 60)
        # Each run made by the flow engine before its batch's transaction stamped them all.
        assert len({run.created_on for run in runs}) == 60
        assert all(run.created_on < run.modified_on if ties else run.created_on == run.modified_on for run in runs)
        added = client.get_contacts(after=SERVING_FROM).all()
        assert len(added) == 30 and len({c.modified_on for c in added}) == (1 if ties else 30)


@pytest.mark.parametrize("ties", [True, False])
def test_a_reevaluated_groups_members_share_one_modified_on_per_batch_of_100(ties):
    clock = SetClock(SERVING_FROM)
    with Simulator(tier="demo", seed=11, token=TOKEN, anchor=ANCHOR, clock=clock, commit_delay=0, ties=ties,
                   reevaluate_every=None) as sim:
        region = sim.dataset.region_plan[0][0]
        joining = [c["uuid"] for c in sim.dataset.iter_contacts()
                   if c["status"] == "active" and region not in {g["uuid"] for g in c["groups"]}][:250]
        sim.reevaluate_group(region, join=joining, initializing=1, evaluating=1)
        clock.at += timedelta(seconds=5)  # mailroom's three batches done

        joined = TembaClient(sim.url, TOKEN).get_contacts(after=SERVING_FROM).all()
        sizes = sorted(Counter(c.modified_on for c in joined).values())
        assert sizes == ([50, 100, 100] if ties else [1] * 250)
