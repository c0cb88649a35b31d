"""What the demo's workspaces are made to show: people with real, distinct names; schools whose
enrolment at the start of term and weekly attendance make a baseline and its follow-up; and one
district whose participation dropped on the latest poll dates (a network outage)."""

from __future__ import annotations

import collections

import numpy as np

from tracpro.simulator import Simulator
from tracpro.simulator.names import GIVEN_AND_FAMILY
from tracpro.simulator.outage import GETS_THROUGH, outage_district
from tracpro.simulator.questions import LIBRARY

from .conftest import ANCHOR, TOKEN


def test_names_are_distinct_and_few_contacts_have_none(sim):
    contacts = list(sim.dataset.iter_contacts())
    names = [c["name"] for c in contacts]
    named = [name for name in names if name]
    assert len(set(named)) == len(named), collections.Counter(named).most_common(3)
    assert 0.01 * len(names) <= names.count(None) <= 0.05 * len(names)  # about 3 %, as in RapidPro
    assert not any(name.startswith(("+", "0")) for name in named)
    given = [set(women) | set(men) for women, men, _family in GIVEN_AND_FAMILY.values()]
    assert sum(len(names) for names in given) == len(set().union(*given)), "a given name in two languages"


def test_a_contacts_gender_is_the_one_their_given_name_suggests(sim):
    women = {name for women, _men, _family in GIVEN_AND_FAMILY.values() for name in women}
    men = {name for _women, men, _family in GIVEN_AND_FAMILY.values() for name in men}
    checked = 0
    for contact in sim.dataset.iter_contacts():
        name, gender = contact["name"], contact["fields"]["gender"]
        if name and gender:
            given = next(g for g in women | men if name.startswith(g + " "))
            assert gender == ("female" if given in women else "male"), (name, gender)
            checked += 1
    assert checked > 1500


def _by_contact(runs, key: str) -> dict[str, list[int]]:
    out = collections.defaultdict(list)
    for run in runs:
        value = run["values"].get(key)
        if value is not None:
            out[run["contact"]["uuid"]].append(int(value["value"]))
    return out


def test_enrolment_is_asked_once_at_term_start_and_attendance_every_week_within_it(sim, all_runs):
    ds = sim.dataset
    enrolment = next(f for f in ds.flows if f.name == "Enrolment at Term Start")
    attendance = next(f for f in ds.flows if f.name == "Weekly Attendance")
    (term_start,) = ds.send_times(enrolment.uuid)
    weekly = ds.send_times(attendance.uuid)
    assert len(weekly) >= 13 and sum(time > term_start for time in weekly) >= 8

    enrolled, present = _by_contact(all_runs, "pupils_enrolled"), _by_contact(all_runs, "pupils_present")
    assert len(enrolled) > 500 and all(len(set(numbers)) == 1 for numbers in enrolled.values())
    both = [uuid for uuid in enrolled if uuid in present]
    assert len(both) > 200
    # A school's attendance never passes its enrolment, and is usually most of it.
    assert all(max(present[uuid]) <= enrolled[uuid][0] for uuid in both)
    shares = [np.mean(present[uuid]) / enrolled[uuid][0] for uuid in both]
    assert 0.75 <= np.mean(shares) <= 0.95
    assert min(n for numbers in enrolled.values() for n in numbers) >= 150
    assert max(n for numbers in enrolled.values() for n in numbers) <= 1300


def test_a_schools_figures_are_its_own_whichever_way_runs_are_read(sim):
    """runs.json and the archives give one contact the same school (the archived weeks are older)."""
    archived = _by_contact(sim.dataset.iter_archived_runs(), "pupils_present")
    recent = _by_contact(sim.dataset.iter_runs(), "pupils_present")
    key = LIBRARY["Pupils Present"].key
    assert key == "pupils_present"
    common = [uuid for uuid in archived if uuid in recent]
    assert len(common) > 50
    # Attendance varies by week, within the school's size band: never more than a third apart.
    assert all(max(archived[u] + recent[u]) <= 1.35 * min(archived[u] + recent[u]) for u in common)


def _district_contacts(ds) -> set[str]:
    district = outage_district(ds.org)
    subtree, pending = set(), [district]
    while pending:
        region = pending.pop()
        subtree.add(ds.org.regions[region].group_uuid)
        pending += ds.org.regions[region].children
    return {c["uuid"] for c in ds.iter_contacts() if any(g["uuid"] in subtree for g in c["groups"])}


def test_one_district_hardly_answered_on_the_latest_dates_of_the_polls_sent_during_its_outage(sim, all_runs):
    ds = sim.dataset
    inside = _district_contacts(ds)
    assert len(inside) > 100
    affected = 0
    for flow in ds.flows:
        if not flow.is_poll or flow.weeks is not None:
            continue
        latest = max(ds.send_times(flow.uuid))
        runs = [r for r in all_runs if r["flow"]["uuid"] == flow.uuid and r["contact"]["uuid"] in inside]
        on_latest = [r for r in runs if r["created_on"] >= latest.strftime("%Y-%m-%dT%H:%M:%S")]
        earlier = [r for r in runs if r not in on_latest]

        def answered(group):
            return sum(bool(r["values"]) for r in group) / len(group)

        assert on_latest and earlier
        if answered(on_latest) < answered(earlier) / 2:
            affected += 1
            assert answered(on_latest) <= 2.5 / GETS_THROUGH
    assert affected >= 1


def test_a_contact_moved_by_the_outage_finds_its_own_runs():
    """The ground truth a write relies on (runs_of_contact) agrees with what runs.json serves."""
    with Simulator(tier="demo", seed=7, token=TOKEN, anchor=ANCHOR) as sim:
        schedule = sim.dataset.schedule
        assert schedule.moved, "the demo has an outage"
        for wave, moved in schedule.moved_back.items():
            flow = schedule.waves[wave][0]
            for contact in list(moved)[:20]:
                found = schedule.runs_of_contact(contact, flow)
                assert found
                streams = np.array([s for s, _ in found])
                ranks = np.array([r for _, r in found])
                assert set(schedule.contact_of(streams, ranks).tolist()) == {contact}
