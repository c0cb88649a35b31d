"""A supervisor acts on RapidPro from the dashboard, against a live simulator, in real Chromium.

The demo is built as `python3 run.py demo` builds it: `sync_job.py --demo --loop 5` keeps the
simulator up and syncs every 5 s, and the app runs over the same database. The supervisor
starts a poll for their region (its date opens at once, waiting), sees the simulated answers
arrive with the sync, messages the non-respondents (sent), and renames a contact, which the
simulator then has too. Screenshots go to test-artifacts/actions/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tests.browser.conftest import streamlit_app
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    full_page_screenshot,
    heading,
    new_context,
    resize,
    sign_in,
    signed_in_at_home,
    wait_for_app,
)
from tests.conftest import ROOT
from tests.process_output import OutputLines
from tracpro.auth.demo import SUPERVISORS
from tracpro.config import load_settings
from tracpro.db.connection import make_engine
from tracpro.db.models import Contact, InboxMessage, Message, MessageStatus, Org, PollRun, Region
from tracpro.db.token_cipher import decrypt_token

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "actions"
LOGIN, PASSWORD, _ = SUPERVISORS[0]
SYNC_SECONDS = 5
# The page's own push, or the sync loop's when it claimed the action first (it then finishes it).
SENT = "(?:sent|being sent) to RapidPro"
RESPONDENTS = re.compile(r"[\d,]+ respondents, [\d,]+ non-respondents")  # the participation tab's caption


def _round_ended(line: str) -> bool:
    """Each round of the sync loop ends with its summary line, after the actions it pushed."""
    return line.startswith("demo: ")


@dataclass
class LiveDemo:
    url: str
    database_url: str
    sync_output: OutputLines  # the looping sync job's stdout
    data_dir: Path  # where the demo keeps the key its RapidPro token is encrypted with

    def within_rounds(self, rounds: int, condition, failure: str) -> None:
        """Until `condition()` holds: now, or after one of the sync loop's next `rounds` rounds."""
        start = self.sync_output.count(_round_ended)
        for waited in range(1, rounds + 1):
            if condition():
                return
            assert self.sync_output.wait_for(_round_ended, count=start + waited), "the sync loop ended"
        assert condition(), failure


@pytest.fixture(scope="module")
def live_demo(database_server, tmp_path_factory) -> Iterator[LiveDemo]:
    """The demo with its sync job still running (and so its simulator serving), as run.py runs it."""
    name = database_server.create_database("tracpro_live")
    database_url = database_server.url(name)
    data_dir = tmp_path_factory.mktemp("live-data")
    log_dir = tmp_path_factory.mktemp("live-logs")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("TRACPRO_")}
    environment |= {"DATABASE_URL": database_url, "TRACPRO_DATA_DIR": str(data_dir), "TRACPRO_DEMO": "1"}
    with (log_dir / "sync.log").open("w") as sync_log:
        sync = subprocess.Popen([sys.executable, "sync_job.py", "--demo", "--loop", str(SYNC_SECONDS)], cwd=ROOT,
                                env=environment, stdout=subprocess.PIPE, stderr=sync_log, text=True, bufsize=1)
    output = OutputLines(sync.stdout)
    try:
        output.wait_for(_round_ended)  # the first round's summary, as run.py waits for it
        summary = next((line for line in output.lines if _round_ended(line)), "")
        assert summary.startswith("demo: synced"), "".join(output.lines) + (log_dir / "sync.log").read_text()
        with streamlit_app(database_url, log_dir, data_dir, TRACPRO_DEMO="1") as url:
            yield LiveDemo(url, database_url, output, data_dir)
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for log in ("streamlit.log", "sync.log"):
            if (log_dir / log).exists():
                shutil.copy(log_dir / log, ARTIFACTS / log)
        sync.terminate()
        try:
            sync.wait(timeout=30)
        except subprocess.TimeoutExpired:
            sync.kill()
        database_server.drop_database(name)


def _screenshot(page, viewport: dict, name: str) -> None:
    full_page_screenshot(page, viewport, ARTIFACTS / f"{name}.png")


def _open(page, address: str, title: str) -> None:
    """Open a permalink in a new session, as a bookmark would."""
    page.goto(address)
    heading(page, title)
    wait_for_app(page)
    _no_exception(page)


def _no_exception(page) -> None:
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, exceptions.first.inner_text()


def _respondents(page) -> int:
    """The participation tab's count of respondents (0 while it shows no one yet)."""
    caption = page.get_by_text(RESPONDENTS)
    if not caption.count():
        return 0
    return int(re.search(r"([\d,]+) respondents", caption.first.inner_text()).group(1).replace(",", ""))


def _simulator_contact(live_demo: LiveDemo, uuid: str) -> dict:
    """The contact as RapidPro (the simulator) has it, read over its API with the org's token."""
    engine = make_engine(live_demo.database_url)
    try:
        with Session(engine) as session:
            org = session.scalars(select(Org).where(Org.slug == "demo")).one()
            host, encrypted = org.rapidpro_host, org.rapidpro_token_encrypted
    finally:
        engine.dispose()
    demo = load_settings(environ={"TRACPRO_DEMO": "1", "TRACPRO_DATA_DIR": str(live_demo.data_dir)})
    token = decrypt_token(encrypted, demo)
    request = urllib.request.Request(f"{host.rstrip('/')}/api/v2/contacts.json?uuid={uuid}",
                                     headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        (contact,) = json.load(response)["results"]
    return contact


def _eventually_sent(live_demo: LiveDemo, which) -> None:
    """The message is sent: at once by the page, or by the sync loop within a round or two."""

    def sent() -> bool:
        return _read(live_demo.database_url, select(Message.status).where(which)) == [(MessageStatus.SENT,)]

    live_demo.within_rounds(3, sent, "the message is not sent after three rounds of the sync loop")


def _read(database_url: str, query):
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return session.execute(query).all()
    finally:
        engine.dispose()


def test_a_supervisor_starts_a_poll_messages_non_respondents_and_renames_a_contact(live_demo, browser):
    context = new_context(browser, viewport=DESKTOP)
    page = context.new_page()
    url = live_demo.url
    try:
        page.goto(url)
        sign_in(page, LOGIN, PASSWORD)
        signed_in_at_home(page, context)

        # Start a poll from Home, for the supervisor's region and its sub-regions.
        page.get_by_role("link", name="Start a poll").click()
        heading(page, "Start a poll")
        wait_for_app(page)
        _no_exception(page)
        _screenshot(page, DESKTOP, "start-poll")
        page.get_by_role("button", name="Review the start").click()
        expect(page.get_by_text(re.compile(r"^Start “.+” for the .+\?$"))).to_be_visible()
        wait_for_app(page)
        page.get_by_role("button", name="Start the poll for").click()
        page.wait_for_function("() => location.pathname.endsWith('/pollrun')")
        expect(page.get_by_text(re.compile(rf"^Started .* {SENT}\.$"))).to_be_visible()  # accepted at once
        wait_for_app(page)
        _no_exception(page)
        pollrun_id = int(page.url.split("pollrun=")[1].split("&")[0])
        # Waiting for responses, unless the sync loop brought the first ones already.
        expect(page.get_by_text("Waiting for responses").or_(page.get_by_text(RESPONDENTS)).first).to_be_visible()
        _screenshot(page, DESKTOP, "pollrun-started")
        ((kind,),) = _read(live_demo.database_url, select(PollRun.pollrun_type).where(PollRun.id == pollrun_id))
        assert kind == "propagated"

        # The sync loop brings the simulated answers (they come over a few seconds): reload after
        # each of its rounds until someone has answered in full.
        def answered() -> bool:
            page.reload()
            expect(page.get_by_text("Waiting for responses").or_(page.get_by_text(RESPONDENTS)).first).to_be_visible()
            wait_for_app(page)
            return _respondents(page) > 0

        live_demo.within_rounds(20, answered, "no complete response arrived in 20 rounds of the sync loop")
        _screenshot(page, DESKTOP, "pollrun-answered")

        # Message the non-respondents.
        page.get_by_test_id("stExpander").filter(has_text="Send a message").locator("summary").click()
        page.get_by_text("Non-respondents (").click()
        page.get_by_label("Message", exact=True).fill("Please answer today's poll, thank you!")
        page.get_by_role("button", name="Review the message").click()
        expect(page.get_by_role("button", name="Send to")).to_be_visible()
        wait_for_app(page)
        _screenshot(page, DESKTOP, "message-confirm")
        page.get_by_role("button", name="Send to").click()
        expect(page.get_by_text(re.compile(rf"^Message to [\d,]+ contacts: {SENT}\.$"))).to_be_visible()
        wait_for_app(page)
        _no_exception(page)
        _eventually_sent(live_demo, Message.pollrun_id == pollrun_id)
        _screenshot(page, DESKTOP, "pollrun-messaged")
        resize(page, PHONE)
        _screenshot(page, PHONE, "pollrun-messaged-phone")
        assert not page.evaluate("""() =>
            document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"""), \
            "the poll date scrolls sideways on a phone"
        resize(page, DESKTOP)

        # Rename a contact of the region: RapidPro has the new name.
        contact_id, uuid, name = _read(live_demo.database_url, select(Contact.id, Contact.uuid, Contact.name).join(
            PollRun, PollRun.region_id == Contact.region_id).where(PollRun.id == pollrun_id, Contact.is_active)
            .order_by(Contact.id).limit(1))[0]
        _open(page, f"{url}/contact_edit?contact={contact_id}", f"Edit {name}")
        _screenshot(page, DESKTOP, "contact-edit")
        page.get_by_label("Name", exact=True).fill("Renamed In TracPro")
        page.get_by_role("button", name="Save", exact=True).click()
        heading(page, "Renamed In TracPro")
        expect(page.get_by_text(re.compile(rf"^Saved Renamed In TracPro; {SENT}\.$"))).to_be_visible()
        _screenshot(page, DESKTOP, "contact-renamed")
        live_demo.within_rounds(  # at once, or with the sync loop's next push
            3, lambda: _simulator_contact(live_demo, uuid)["name"] == "Renamed In TracPro",
            "RapidPro does not have the new name after three rounds of the sync loop")

        # Reply to a contact of the region who wrote in: the reply is sent.
        regions = _read(live_demo.database_url, select(Region.id).where(
            or_(Region.id == PollRun.region_id, Region.parent_id == PollRun.region_id), PollRun.id == pollrun_id))
        (writer,) = _read(live_demo.database_url, select(InboxMessage.contact_id).join(Contact).where(
            Contact.region_id.in_([region for (region,) in regions]), Contact.is_active).limit(1))
        _open(page, f"{url}/inbox", "Inbox")
        _screenshot(page, DESKTOP, "inbox")
        ((writer_name,),) = _read(live_demo.database_url, select(Contact.name).where(Contact.id == writer[0]))
        _open(page, f"{url}/inbox?contact={writer[0]}", f"Conversation with {writer_name}")
        page.get_by_role("textbox", name="Send a message to").fill("Thank you for writing, we will call you.")
        page.get_by_role("button", name="Send reply").click()
        expect(page.get_by_text(re.compile(rf"^Reply to .*: {SENT}\.$"))).to_be_visible()
        wait_for_app(page)
        _no_exception(page)
        _eventually_sent(live_demo, Message.text == "Thank you for writing, we will call you.")
        _screenshot(page, DESKTOP, "conversation")

        _open(page, f"{url}/messages?tab=my+recent+actions", "Messages")
        _screenshot(page, DESKTOP, "my-recent-actions")
    except Exception:
        _screenshot(page, DESKTOP, "failure")  # what the page showed when the journey broke
        raise
    finally:
        context.close()
