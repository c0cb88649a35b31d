"""Formulas planted by contacts (their names and open answers, synced from RapidPro) and by a user
(a contact renamed through the contact form) come out of every download as text: the Responses
CSV and Excel files and the nightly CSV, read back as a spreadsheet program would read them."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories as f
from tests.actors import acting
from tests.sync.fake_rapidpro import T0, contact, group, run
from tracpro.actions.contact_validation import ContactInput
from tracpro.actions.contacts import update_contact
from tracpro.auth.scope import Scope
from tracpro.db.models import Contact, PollRun, QuestionType
from tracpro.queries.responses import responses_export
from tracpro.sync.contacts import sync_contacts
from tracpro.sync.runs import sync_runs
from tracpro.sync.snapshot import export_org
from tracpro.ui.exports import csv_bytes, xlsx_bytes

PAYLOADS = ['=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3"]
FORM_PAYLOAD = '=HYPERLINK("http://evil.example/form","edited")'  # typed into the contact form
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REGION, GROUP = group("@SUM(B1)", "G-REGION"), group("Farmers", "G-FARMERS")
FLOW = {"uuid": "F-001", "name": "Farm Poll"}
QUESTION = "=1+2"  # a question's name becomes a column heading


@pytest.fixture
def planted(db, org, rapidpro, make_context):
    """Five contacts named with the payloads, each answering the open question with one and the
    numeric one with a plain (negative) number; a sixth renamed through the contact form."""
    region = f.RegionFactory(org=org, uuid=REGION["uuid"], name=REGION["name"])
    farmers = f.ReporterGroupFactory(org=org, uuid=GROUP["uuid"], name=GROUP["name"])
    poll = f.PollFactory(org=org, flow_uuid=FLOW["uuid"], rapidpro_name=FLOW["name"])
    f.QuestionFactory(poll=poll, key="comment", rapidpro_name=QUESTION, question_type=QuestionType.OPEN, order=1)
    f.QuestionFactory(poll=poll, key="count", rapidpro_name="Count", question_type=QuestionType.NUMERIC, order=2)
    people = [contact(name, [REGION, GROUP], urns=[f"tel:+25078800{index:04d}"])
              for index, name in enumerate([*PAYLOADS, "Ann"])]
    rapidpro.data["contacts"] = people
    sync_contacts(make_context())
    answered = T0 + timedelta(hours=2)
    rapidpro.data["runs"] = [
        run(FLOW, person, {"comment": (answer, None, answered), "count": ("-2", "< 0", answered)}, created_on=answered)
        for person, answer in zip(people, [*PAYLOADS, "fine"], strict=True)
    ]
    sync_runs(make_context())
    scope = Scope(org.id, frozenset({region.id}), region.id)
    ann = db.scalars(select(Contact).where(Contact.uuid == people[-1]["uuid"])).one()
    update_contact(db, acting(scope), ann.id, ContactInput(
        name=FORM_PAYLOAD, urn_scheme="tel", urn_path="+250 788 000 005", region_id=region.id,
        reporter_group_ids=(farmers.id,), language="eng"))
    db.flush()
    pollrun = db.scalars(select(PollRun).where(PollRun.poll_id == poll.id)).one()
    return scope, pollrun, answered


def _formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would evaluate: text starting a formula that is not just a number."""
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS) and cell != "-2"]


def _raw(cell: str) -> str:
    """What the module's rule gives back: one leading apostrophe removed."""
    return cell.removeprefix("'")


PLANTED = {*PAYLOADS, FORM_PAYLOAD, QUESTION, REGION["name"]}


def test_the_responses_csv_holds_every_formula_as_text(db, planted):
    scope, pollrun, _ = planted
    rows = list(csv.reader(io.StringIO(csv_bytes(responses_export(db, scope, pollrun.id)).decode("utf-8-sig"))))
    assert not _formula_cells(rows)
    assert {_raw(cell) for row in rows for cell in row} >= PLANTED  # every value recoverable
    assert {row[rows[0].index("Count")] for row in rows[1:]} == {"-2"}  # a number stays a number


def test_the_responses_workbook_has_no_formula_and_keeps_the_raw_text(db, planted):
    scope, pollrun, _ = planted
    workbook = xlsx_bytes(responses_export(db, scope, pollrun.id))
    with zipfile.ZipFile(io.BytesIO(workbook)) as package:
        sheets = [name for name in package.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in package.read(name) or b"<f " in package.read(name) for name in sheets)
    cells = [cell for row in load_workbook(io.BytesIO(workbook)).active.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert {cell.value for cell in cells} >= PLANTED  # the raw text, as typed
    planted_cells = [cell for cell in cells if cell.value in PLANTED]
    assert all(cell.quotePrefix for cell in planted_cells)  # Excel keeps them text when edited
    # The second question's raw values (after 6 columns of TracPro's and the first question's two).
    assert {cell.value for cell in cells if cell.column == 9 and cell.row > 1} == {"-2"}


def test_the_nightly_csv_holds_every_formula_as_text_and_the_parquet_the_raw_values(db, org, planted, tmp_path):
    _, _, answered = planted
    csv_path, parquet_path, _rows = export_org(org.id, tmp_path, answered + timedelta(days=1), answered.date())
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert len(rows) > 1 and not _formula_cells(rows)
    assert PLANTED - {FORM_PAYLOAD} <= {_raw(cell) for row in rows for cell in row}  # no contact names in it
    raw = pd.read_parquet(parquet_path)
    assert set(PAYLOADS) <= set(raw["value"]) and QUESTION in set(raw["question"])
