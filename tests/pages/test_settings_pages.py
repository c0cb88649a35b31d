"""The org settings pages (Organization, Poll settings, Regions and groups, Sync) as an org
administrator uses them: what they save shows in the database and on the page; bad input gets
its message and changes nothing; supervisors cannot open them."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import PIL.Image
import pytest
from sqlalchemy import select, update

from tests import factories as f
from tests.actors import admin
from tests.pages.app import errors, shown_text, signed_in, texts
from tracpro.db.models import (
    ContactGroup,
    DataField,
    Org,
    Poll,
    Question,
    QuestionType,
    Region,
    ReporterGroup,
    Role,
    SameDayMode,
    SyncRequest,
    SyncRequestStatus,
)
from tracpro.db.token_cipher import decrypt_token
from tracpro.orgs.tracking import RegionChoice, track_regions
from tracpro.ui.forms import INDENT

ADMIN, SUPERVISOR = "richard@example.org", "sam@example.org"
TOKEN = "0123456789abcdef0123456789abcdef3f2a"


def _png() -> bytes:
    image = io.BytesIO()
    PIL.Image.new("RGB", (4, 2), "teal").save(image, format="PNG")
    return image.getvalue()


PNG = _png()
ORGANIZATION, POLLS, REGIONS, SYNC = (
    "pages/organization.py",
    "pages/poll_settings.py",
    "pages/regions.py",
    "pages/sync.py",
)


@pytest.fixture
def org(db):
    """Uganda{Kampala{Makerere}, Entebbe} as regions of groups, a "Teachers" group, two flows
    (one a poll with two questions), two contact fields, an admin and a supervisor."""
    org = f.OrgFactory(name="Ministry of Health", rapidpro_token=TOKEN, timezone="Africa/Kampala")
    for n, name in enumerate(["Uganda", "Kampala", "Makerere", "Entebbe", "Teachers"], start=1):
        f.ContactGroupFactory(org=org, name=name, uuid=f"g-{name.lower()}", contact_count=n)
    track_regions(db, admin(org.id), [RegionChoice("g-uganda"), RegionChoice("g-kampala", "g-uganda"),
                               RegionChoice("g-makerere", "g-kampala"), RegionChoice("g-entebbe", "g-uganda")])
    f.BoundaryFactory(org=org, name="Kampala District", osm_id="R1", level=2)
    f.DataFieldFactory(org=org, key="age", label="Age", is_visible=True)
    f.DataFieldFactory(org=org, key="gender", label="Gender")
    poll = f.PollFactory(org=org, rapidpro_name="Water Survey", flow_uuid="flow-water", is_active=True)
    f.QuestionFactory(poll=poll, rapidpro_name="How many taps?", key="taps", order=1)
    f.QuestionFactory(poll=poll, rapidpro_name="Comments", key="comments", order=2,
                      question_type=QuestionType.OPEN)
    f.PollFactory(org=org, rapidpro_name="Registration", flow_uuid="flow-registration", is_active=False)
    kampala = db.scalars(select(Region).where(Region.org_id == org.id, Region.name == "Kampala")).one()
    f.MembershipFactory(org=org, role=Role.ADMIN, user__login=ADMIN, user__name="Richard")
    f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[kampala], user__login=SUPERVISOR)
    db.flush()
    return org


def _open(page: str, login: str = ADMIN):
    app = signed_in(login)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def _all_text(app) -> str:
    """Everything the page sends to the browser: every element's message, widgets' labels,
    values, placeholders and help included."""
    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(str(node.proto) for node in walk(app._tree) if getattr(node, "proto", None) is not None)


def test_a_supervisor_cannot_open_any_settings_page(org):
    app = signed_in(SUPERVISOR)
    for page in (ORGANIZATION, POLLS, REGIONS, SYNC):
        with pytest.raises(ValueError):
            app.switch_page(page)


# Organization


def test_the_organization_form_starts_from_the_orgs_settings_with_the_token_masked(org):
    app = _open(ORGANIZATION)
    assert app.title[0].value == "Organization"
    assert app.text_input(key="org_settings.name").value == "Ministry of Health"
    assert app.selectbox(key="org_settings.timezone").value == "Africa/Kampala"
    assert app.multiselect(key="org_settings.visible_fields").value == ["age"]
    assert app.text_input(key="org_settings.rapidpro_token").value == ""
    assert "Current token: ••••••••3f2a" in shown_text(app)
    everything = _all_text(app)
    assert "Ministry of Health" in everything and "••••••••3f2a" in everything  # the walk sees values and captions
    assert TOKEN not in everything and TOKEN[:-4] not in everything


def test_saving_the_organization_changes_the_org_and_the_form_shows_it(db, org):
    app = _open(ORGANIZATION)
    app.text_input(key="org_settings.name").input("Ministry of Water")
    app.selectbox(key="org_settings.timezone").set_value("Africa/Kigali")
    app.radio(key="org_settings.sameday_mode").set_value(SameDayMode.SUM)
    app.multiselect(key="org_settings.visible_fields").set_value(["gender"])
    app.file_uploader(key="org_settings.logo").set_value(("logo.png", PNG, "image/png"))
    app.button(key="org_settings.submit").click().run()
    assert not app.exception and errors(app) == []
    assert app.success[0].value == "Saved the settings of Ministry of Water."
    db.expire_all()
    saved = db.get(Org, org.id)
    assert (saved.name, saved.timezone, saved.sameday_mode) == ("Ministry of Water", "Africa/Kigali", SameDayMode.SUM)
    assert decrypt_token(saved.rapidpro_token_encrypted) == TOKEN  # no new token typed: the old one stays
    assert saved.logo == PNG and saved.logo_content_type == "image/png"
    assert set(db.scalars(select(DataField.key).where(DataField.org_id == org.id, DataField.is_visible))) == {"gender"}
    assert app.text_input(key="org_settings.name").value == "Ministry of Water"
    assert app.caption[0].value == "Settings of Ministry of Water, for all its users."
    assert app.image[0].captions == ["Current logo"]


def test_a_new_token_replaces_the_old_and_only_its_end_is_shown(db, org):
    app = _open(ORGANIZATION)
    app.text_input(key="org_settings.rapidpro_token").input("fedcba9876543210fedcba98765409zz")
    app.button(key="org_settings.submit").click().run()
    db.expire_all()
    assert decrypt_token(db.get(Org, org.id).rapidpro_token_encrypted) == "fedcba9876543210fedcba98765409zz"
    assert "Current token: ••••••••09zz" in shown_text(app)
    assert app.text_input(key="org_settings.rapidpro_token").value == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda app: app.text_input(key="org_settings.name").input(""), "**Name**: This field is required."),
        (lambda app: app.file_uploader(key="org_settings.logo").set_value(("big.png", b"x" * 600_000, "image/png")),
         "**Logo**: The logo must be at most 500 KB."),
        (lambda app: app.multiselect(key="org_settings.available_languages").set_value(["fr"]),
         "**Default language**: Default language must be one of the languages available for this organization."),
        (lambda app: app.text_input(key="org_settings.rapidpro_host").input("app.rapidpro.io"),
         "**RapidPro host**: Enter a valid URL, such as https://app.rapidpro.io."),
    ],
)
def test_bad_organization_input_is_named_and_nothing_is_saved(db, org, change, message):
    app = _open(ORGANIZATION)
    app.radio(key="org_settings.sameday_mode").set_value(SameDayMode.SUM)  # a good change that must not be saved
    change(app)
    app.button(key="org_settings.submit").click().run()
    assert errors(app) == [message]
    db.expire_all()
    assert (db.get(Org, org.id).name, db.get(Org, org.id).sameday_mode) == ("Ministry of Health", SameDayMode.USE_LAST)


def test_an_org_whose_timezone_is_no_longer_known_must_choose_one(db, org):
    org.timezone = "Mars/Olympus"
    db.flush()
    app = _open(ORGANIZATION)
    assert app.selectbox(key="org_settings.timezone").value is None
    app.text_input(key="org_settings.name").input("Renamed")
    app.button(key="org_settings.submit").click().run()
    assert errors(app) == ["**Timezone**: This field is required."]
    db.expire_all()
    assert (db.get(Org, org.id).name, db.get(Org, org.id).timezone) == ("Ministry of Health", "Mars/Olympus")


def test_testing_the_connection_to_a_closed_port_says_so_quickly_and_saves_nothing(db, org):
    app = _open(ORGANIZATION)
    app.text_input(key="org_settings.rapidpro_host").input("http://127.0.0.1:9")
    app.text_input(key="org_settings.rapidpro_token").input("a-token-typed-for-this-host")
    app.text_input(key="org_settings.name").input("Not saved")
    started = time.monotonic()
    app.button(key="org_settings.test").click().run()
    assert time.monotonic() - started < 10
    assert errors(app) == ["Not connected: RapidPro could not be reached (connection failed)."]
    db.expire_all()
    assert db.get(Org, org.id).name == "Ministry of Health"


# Poll settings


def test_choosing_polls_tracks_exactly_those_flows_and_requests_a_sync(db, org):
    app = _open(POLLS)
    app.multiselect(key="choose_polls.flows").set_value(["flow-registration"])
    app.button(key="choose_polls.submit").click().run()
    assert app.success[0].value.startswith("Now tracking 1 flow as a poll.")  # English has its singular too
    db.expire_all()
    active = set(db.scalars(select(Poll.flow_uuid).where(Poll.org_id == org.id, Poll.is_active)))
    assert active == {"flow-registration"}
    assert db.scalars(select(SyncRequest).where(SyncRequest.org_id == org.id)).one().days is None
    assert app.dataframe[0].value["Poll"].tolist() == ["Yes", ""]  # Registration, Water Survey


def test_editing_a_poll_keeps_custom_names_and_shows_rapidpros(db, org):
    app = _open(POLLS)
    poll = db.scalars(select(Poll).where(Poll.flow_uuid == "flow-water")).one()
    taps, comments = poll.questions
    form = f"edit_poll_{poll.id}"
    assert "RapidPro name: Water Survey" in shown_text(app)
    app.text_input(key=f"{form}.name").input("Water access")
    app.text_input(key=f"{form}.question_{taps.id}.name").input("Taps at home")
    app.selectbox(key=f"{form}.question_{comments.id}.type").set_value(QuestionType.CATEGORICAL)
    app.checkbox(key=f"{form}.question_{comments.id}.is_active").uncheck()
    app.button(key=f"{form}.submit").click().run()
    assert errors(app) == [] and app.success[0].value == "Saved “Water access”."
    db.expire_all()
    poll = db.get(Poll, poll.id)
    assert (poll.custom_name, poll.rapidpro_name) == ("Water access", "Water Survey")
    assert db.get(Question, taps.id).custom_name == "Taps at home"
    comments = db.get(Question, comments.id)
    assert (comments.question_type, comments.type_is_custom, comments.is_active) == (
        QuestionType.CATEGORICAL,
        True,
        False,
    )
    assert app.text_input(key=f"{form}.name").value == "Water access"
    assert "RapidPro name: Water Survey" in shown_text(app)


def test_a_too_long_poll_name_is_refused(db, org):
    app = _open(POLLS)
    poll = db.scalars(select(Poll).where(Poll.flow_uuid == "flow-water")).one()
    app.text_input(key=f"edit_poll_{poll.id}.name").input("x" * 300)
    app.button(key=f"edit_poll_{poll.id}.submit").click().run()
    assert len(errors(app)) == 1 and errors(app)[0].startswith("**Poll name**: Ensure this value has at most 255")
    db.expire_all()
    assert db.get(Poll, poll.id).custom_name is None


# Regions and groups


def _regions(db, org) -> dict[str, str | None]:
    db.expire_all()
    regions = db.scalars(select(Region).where(Region.org_id == org.id, Region.is_active)).all()
    names = {region.id: region.name for region in regions}
    return {region.name: names.get(region.parent_id) for region in regions}


def _region_id(db, org, name: str) -> int:
    return db.scalars(select(Region.id).where(Region.org_id == org.id, Region.name == name)).one()


def test_the_region_tree_is_listed_with_boundaries_and_contacts(org):
    table = _open(REGIONS).dataframe[0].value
    assert [name.strip() for name in table["Region"]] == ["Uganda", "Entebbe", "Kampala", "Makerere"]
    assert table["Boundary"].tolist() == ["–"] * 4


def test_moving_a_region_and_giving_it_a_boundary(db, org):
    app = _open(REGIONS)
    entebbe, kampala = _region_id(db, org, "Entebbe"), _region_id(db, org, "Kampala")
    app.selectbox(key="place_region.region").set_value(entebbe).run()
    app.selectbox(key=f"place_region_{entebbe}.parent").set_value(kampala)
    boundary = app.selectbox(key=f"place_region_{entebbe}.boundary").options[1]
    assert boundary == "Kampala District (district)"
    app.selectbox(key=f"place_region_{entebbe}.boundary").select(boundary)
    app.button(key=f"place_region_{entebbe}.submit").click().run()
    assert texts(app.success) == ["Ministry of Health regions have been updated."]
    assert _regions(db, org)["Entebbe"] == "Kampala"
    assert db.get(Region, entebbe).boundary.name == "Kampala District"
    assert "Kampala District" in app.dataframe[0].value["Boundary"].tolist()


def test_a_region_inside_its_own_sub_region_is_refused(db, org):
    app = _open(REGIONS)
    uganda, makerere = _region_id(db, org, "Uganda"), _region_id(db, org, "Makerere")
    app.selectbox(key="place_region.region").set_value(uganda).run()
    app.selectbox(key=f"place_region_{uganda}.parent").set_value(makerere)
    app.button(key=f"place_region_{uganda}.submit").click().run()
    assert errors(app) == ["A region cannot be inside one of its own sub-regions."]
    assert _regions(db, org)["Uganda"] is None


def test_deactivating_a_region_says_where_its_sub_regions_go(db, org):
    app = _open(REGIONS)
    app.selectbox(key="deactivate.region").set_value(_region_id(db, org, "Kampala")).run()
    assert "Its sub-regions (Makerere) will move up under Uganda." in app.warning[0].value
    app.button(key="deactivate.submit").click().run()
    assert app.success[0].value == "Deactivated Kampala. Its sub-regions (Makerere) now sit under Uganda."
    assert _regions(db, org) == {"Uganda": None, "Entebbe": "Uganda", "Makerere": "Uganda"}


def test_choosing_regions_drops_the_others_and_keeps_the_tree(db, org):
    app = _open(REGIONS)
    app.multiselect(key="choose_regions.groups").set_value(["g-uganda", "g-makerere", "g-teachers"])
    app.button(key="choose_regions.submit").click().run()
    assert app.success[0].value.startswith("Now tracking 3 regions. Deactivated Entebbe, Kampala")
    assert _regions(db, org) == {"Uganda": None, "Makerere": "Uganda", "Teachers": None}


def test_the_region_picker_and_table_each_say_what_they_count(db, org):
    """RapidPro's group counts every member (stopped and blocked contacts, contacts placed in a
    deeper region); TracPro's table its active contacts of the region: 198 and 182 for the demo's Gigi."""
    kampala = db.get(Region, _region_id(db, org, "Kampala"))
    db.execute(update(ContactGroup).where(ContactGroup.uuid == "g-kampala").values(contact_count=198))
    for _ in range(182):
        f.ContactFactory(org=org, region=kampala)
    f.ContactFactory(org=org, region=kampala, is_active=False, rapidpro_status="stopped")
    db.flush()
    app = _open(REGIONS)
    picker = app.multiselect(key="choose_regions.groups")
    assert "Kampala (198 in RapidPro)" in picker.options
    assert "RapidPro's count of its members, stopped and blocked contacts included" in picker.help
    table = app.dataframe[0]
    assert table.value.set_index("Region").loc[f"{INDENT}Kampala", "Active contacts"] == 182
    assert "Stopped, blocked and deleted contacts are left out" in table.proto.columns


def test_choosing_reporter_groups(db, org):
    app = _open(REGIONS)
    app.multiselect(key="choose_reporter_groups.groups").set_value(["g-teachers"])
    app.button(key="choose_reporter_groups.submit").click().run()
    assert app.success[0].value == "Now tracking 1 reporter group."
    assert db.scalars(select(ReporterGroup.name).where(ReporterGroup.org_id == org.id)).all() == ["Teachers"]
    assert app.dataframe[1].value["Reporter group"].tolist() == ["Teachers"]


# Sync


def test_sync_now_creates_a_request_the_page_shows_and_refreshes(db, org):
    app = _open(SYNC)
    assert "No sync has been requested from this page yet." in shown_text(app)
    app.button(key="sync_now").click().run()
    assert app.success[0].value == "A sync has been requested. Its progress shows below."
    request = db.scalars(select(SyncRequest).where(SyncRequest.org_id == org.id)).one()
    assert request.days is None and request.status.value == "pending"
    table = app.dataframe[0].value
    assert table[["By", "Status"]].values.tolist() == [["Richard", "Waiting"]]
    assert "this list refreshes every 5 seconds" in shown_text(app)


def test_fetch_older_runs_needs_whole_days(db, org):
    app = _open(SYNC)
    app.text_input(key="fetch_runs.days").input("abc")
    app.button(key="fetch_runs.submit").click().run()
    assert errors(app) == ["**Days back**: Enter a whole number of days, 1 or more."]
    assert db.scalars(select(SyncRequest).where(SyncRequest.org_id == org.id)).all() == []
    app.text_input(key="fetch_runs.days").input("30")
    app.button(key="fetch_runs.submit").click().run()
    assert (
        app.success[0].value == "A sync with the runs of the last 30 days has been requested. Its progress shows below."
    )
    assert db.scalars(select(SyncRequest.days).where(SyncRequest.org_id == org.id)).all() == [30]


def test_the_sync_status_shows_each_resource_and_the_last_error(db, org):
    f.SyncStateFactory(org=org, resource="contacts", last_success_at=f.NOW, last_counts={"created": 12, "updated": 3})
    f.SyncStateFactory(org=org, resource="org", last_success_at=f.NOW, last_error="RapidPro appears to be down.",
                       failure_count=2)
    db.flush()
    app = _open(SYNC)
    resources = app.dataframe[0].value
    assert resources[["Resource", "Created", "Updated"]].values.tolist() == [["Contacts", 12, 3]]
    assert errors(app) == ["The last sync failed: RapidPro appears to be down."]
    assert [metric.value for metric in app.metric] == ["Nov 02, 2026 12:30", "2"]  # 09:30 UTC in Kampala


def test_the_sync_status_shows_a_first_sync_under_way_and_the_items_kept_aside(db, org):
    f.PollFactory(org=org, rapidpro_name="Census", flow_uuid="F-9", is_active=True)
    # Under way for an hour (the pages' clock is at f.NOW), a quarter of RapidPro's runs stored;
    # the org's row says when the catch-up began and that nothing was stored then.
    f.SyncStateFactory(org=org, resource="runs:F-9", pass_started_at=f.NOW - timedelta(hours=1),
                       stored_total=2_500, expected_total=10_000, pass_counts={"created": 2_500})
    f.SyncStateFactory(org=org, resource="org", pass_started_at=f.NOW - timedelta(hours=1), pass_counts={"stored": 0})
    f.MalformedItemFactory(org=org, resource="runs:F-9")
    f.MalformedItemFactory(org=org, resource="contacts")
    db.flush()
    app = _open(SYNC)
    row = app.dataframe[0].value.set_index("Resource").loc["Runs of Census"]
    assert (row["Fetched"], row["RapidPro reports"], row["Progress"], row["Unreadable"]) == (2_500, 10_000, 0.25, 1)
    assert [warning.value for warning in app.warning] == [
        "2 items RapidPro sent could not be read. They are kept aside and read again at every sync."]
    assert [info.value for info in app.info][-1:] == [  # three more hours at that pace: 12:30 + 3 in Kampala
        "A sync is under way across several runs of the sync job. At its pace so far it should be done around "
        "Nov 02, 2026 15:30."]


def test_a_finished_request_shows_its_outcome_and_the_page_stops_refreshing(db, org):
    f.SyncRequestFactory(org=org, status=SyncRequestStatus.DONE, message="Synced: 12 contacts created.", days=7)
    db.flush()
    app = _open(SYNC)
    table = app.dataframe[0].value
    assert table[["Older runs (days)", "Status", "Outcome"]].values.tolist() == [
        [7, "Done", "Synced: 12 contacts created."]
    ]
    assert "refreshes every" not in shown_text(app)
