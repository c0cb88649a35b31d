"""The original TracPro's standard test fixture: UNICEF (Asia/Kabul) with panels
Kandahar, Khost, Kunar and cohorts Farmers, Teachers, Doctors and Kandahar; Nyaruka with Kigali."""

from __future__ import annotations

from dataclasses import dataclass

from tests import factories as f
from tracpro.auth.scope import Scope
from tracpro.db.models import QuestionType


@dataclass
class Data:
    unicef: object
    nyaruka: object
    regions: dict
    groups: dict
    contacts: dict
    poll: object
    questions: dict

    def scope(self, *region_names: str, include_subregions: bool = True) -> Scope:
        if not region_names:
            return Scope(self.unicef.id, None)
        ids = frozenset(self.regions[name].id for name in region_names)
        return Scope(self.unicef.id, ids, self.regions[region_names[0]].id, include_subregions)


def build_data(db) -> Data:
    unicef = f.OrgFactory(name="UNICEF", slug="unicef", timezone="Asia/Kabul")
    nyaruka = f.OrgFactory(name="Nyaruka", slug="nyaruka", timezone="Africa/Kigali")
    regions = {name: f.RegionFactory(org=unicef, name=name, uuid=uuid)
               for name, uuid in (("Kandahar", "G-001"), ("Khost", "G-002"), ("Kunar", "G-003"))}
    regions["Kigali"] = f.RegionFactory(org=nyaruka, name="Kigali", uuid="G-004")
    groups = {name: f.ReporterGroupFactory(org=unicef, name=name, uuid=uuid)
              for name, uuid in (("Farmers", "G-005"), ("Teachers", "G-006"), ("Doctors", "G-007"),
                                 ("Kandahar", "G-001"))}
    people = (
        ("Ann", "tel:1234", "C-001", "Kandahar", ["Farmers", "Teachers"]),
        ("Bob", "tel:2345", "C-002", "Kandahar", ["Farmers", "Kandahar"]),
        ("Cat", "tel:3456", "C-003", "Khost", ["Teachers", "Doctors"]),
        ("Dan", "twitter:danny", "C-004", "Kunar", []),
        ("Eve", "twitter:evee", "C-005", "Kunar", []),
    )
    contacts = {
        name: f.ContactFactory(org=unicef, name=name, urn=urn, uuid=uuid, region=regions[region],
                               reporter_groups=[groups[g] for g in cohorts], language="eng")
        for name, urn, uuid, region, cohorts in people
    }
    contacts["Norbert"] = f.ContactFactory(org=nyaruka, name="Norbert", uuid="C-006", region=regions["Kigali"])
    poll = f.PollFactory(org=unicef, rapidpro_name="Farm Poll", flow_uuid="F-001")
    questions = {
        "sheep": f.QuestionFactory(poll=poll, key="sheep", rapidpro_name="Number of sheep",
                                   question_type=QuestionType.NUMERIC, order=1),
        "weather": f.QuestionFactory(poll=poll, key="weather", rapidpro_name="How is the weather?",
                                     question_type=QuestionType.OPEN, order=2),
    }
    db.flush()
    return Data(unicef, nyaruka, regions, groups, contacts, poll, questions)
