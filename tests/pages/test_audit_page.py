"""The Audit page: an org's administrators read what was done, by whom and when, filter it by
person, kind and dates, and download it; what they do through the pages is in it."""

from __future__ import annotations

import codecs
import io
import json
from datetime import timedelta

import pandas as pd
import pytest
import streamlit as st

from tests import factories as f
from tests.pages.app import page_titles, shown_text, signed_in
from tracpro.db.models import AuditKind, Role

OLD_DETAILS = {"text": "**bold** [a link](http://attacker.example) <img src=x onerror=alert(1)>"}


@pytest.fixture
def org(db):
    org = f.OrgFactory(name="Ministry of Health", timezone="Africa/Kigali")
    north = f.RegionFactory(org=org, name="North")
    richard = f.MembershipFactory(org=org, role=Role.ADMIN, user__login="richard@example.org").user
    f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[north], user__login="sam@example.org")
    # Forty days ago (before the page's first 30 days), with a message that is Markdown and HTML.
    f.AuditEventFactory(org=org, user=richard, at=f.NOW - timedelta(days=40), kind=AuditKind.MESSAGE_SENT,
                        region_id=north.id, details=OLD_DETAILS)
    # Another org's event, and someone of another org signing in: neither is this org's.
    f.AuditEventFactory(kind=AuditKind.ORG_SETTINGS_CHANGED)
    f.AuditEventFactory(org=None, user=f.MembershipFactory(user__login="stranger@example.org").user,
                        kind=AuditKind.SIGNED_IN)
    db.flush()
    return org


def _audit(app):
    app.switch_page("pages/audit.py").run()
    assert not app.exception, app.exception
    return app


def _rows(app) -> list[tuple[str, str]]:
    table = app.dataframe[0].value
    return list(zip(table["Who"], table["What"], strict=True))


def test_what_an_admin_and_a_supervisor_did_is_in_the_trail_with_filters_and_a_download(org, downloads):
    signed_in("sam@example.org")
    app = signed_in("richard@example.org")
    app.switch_page("pages/sync.py").run()
    app.button(key="sync_now").click().run()
    assert not app.exception, app.exception

    _audit(app)
    assert "Audit" in [title.value for title in app.title]
    assert _rows(app) == [("richard@example.org", "Sync requested"), ("richard@example.org", "Signed in"),
                          ("sam@example.org", "Signed in")]
    # The details in words; their JSON is for the download only.
    assert list(app.dataframe[0].value.columns) == ["When", "Who", "What", "Region", "Details"]
    assert app.dataframe[0].value["Details"][0] == "Days back: none"

    app.selectbox(key="audit.person").set_value("sam@example.org").run()
    assert _rows(app) == [("sam@example.org", "Signed in")]
    app.selectbox(key="audit.person").set_value(None).run()
    app.multiselect(key="audit.kinds").set_value([AuditKind.SYNC_REQUESTED]).run()
    assert _rows(app) == [("richard@example.org", "Sync requested")]
    app.multiselect(key="audit.kinds").set_value([]).run()

    app.date_input(key="audit.start").set_value((f.NOW - timedelta(days=60)).date()).run()
    table = app.dataframe[0].value
    assert table["What"].tolist()[-1] == "Message sent" and table["Region"].tolist()[-1] == "North"
    assert table["Details"].tolist()[-1] == f"Message: {OLD_DETAILS['text']}"  # as it was, text
    app.date_input(key="audit.end").set_value((f.NOW - timedelta(days=50)).date()).run()
    assert not app.dataframe and "Nothing was recorded with these filters" in shown_text(app)

    app.date_input(key="audit.end").set_value(f.NOW.date()).run()
    mime, make = downloads[f"audit-{(f.NOW - timedelta(days=60)).date()}-{f.NOW.date()}.csv"]
    assert mime == "text/csv"
    made = make()
    assert made.startswith(codecs.BOM_UTF8)  # so that Excel reads it as UTF-8
    downloaded = pd.read_csv(io.StringIO(made.decode("utf-8-sig")), dtype=str, keep_default_na=False)
    assert list(downloaded.columns) == ["When", "Who", "What", "Region", "Details", "Details (JSON)"]
    assert downloaded["What"].tolist() == ["Sync requested", "Signed in", "Signed in", "Message sent"]
    assert downloaded["Details"].tolist()[-1] == table["Details"].tolist()[-1]  # as it was, text
    assert json.loads(downloaded["Details (JSON)"].tolist()[-1]) == OLD_DETAILS
    sync = json.loads(downloaded["Details (JSON)"].tolist()[0])
    assert isinstance(sync["request"], int) and sync["older_runs_days"] is None  # the id the words leave out
    st.cache_data.clear()  # the page reads the trail through a cache of a few seconds
    _audit(app)
    assert _rows(app)[0] == ("richard@example.org", "Download")
    start = (f.NOW - timedelta(days=60)).date()
    assert app.dataframe[0].value["Details"][0] == (
        f"Person: Everyone · Contents: Audit trail · From: {start} · To: {f.NOW.date()} · What: Everything · "
        f"Events of no organization: no · File: audit-{start}-{f.NOW.date()}.csv · Rows: 4")


def test_only_administrators_have_the_page(org):
    assert "Audit" not in page_titles(signed_in("sam@example.org"))
    assert "Audit" in page_titles(signed_in("richard@example.org"))
