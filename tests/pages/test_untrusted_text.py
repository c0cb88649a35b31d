"""Names, answers, messages and search terms are shown as the text they are on every page: nothing
Streamlit renders as Markdown carries them as bold, an image, a link or HTML, no Plotly figure
carries their HTML, and the places that show text as it is show it unescaped.

Every name in the org is HOSTILE (tests/pages/hostile_world.py); the administrator's pages, the
superuser's, a few second steps (a confirmation, a chosen region) and the Contacts search are opened.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from tests.pages.app import signed_in
from tests.pages.hostile_world import ADMIN, HOSTILE, ROOT, build_hostile_world
from tests.pages.rendered import figure_texts, markdown_texts, text_shown_as_is
from tracpro.text import escape_markdown, escape_plotly

# What Streamlit's Markdown would turn into bold, an image, HTML and links: HOSTILE's constructs
# without the backslashes that keep them text.
MARKDOWN_CONSTRUCTS = {"bold": r"\*\*Z", "image": r"!\[f\]\(", "html": r"(?<!\\)<img", "link": r"\]\(http"}


def rendered_markup(text: str) -> list[str]:
    """The constructs of HOSTILE that `text`, rendered as Streamlit Markdown, would turn into markup."""
    return [name for name, pattern in MARKDOWN_CONSTRUCTS.items() if re.search(pattern, text)]


@pytest.fixture
def world(db):
    return build_hostile_world(db)


def _visits(world) -> list[tuple[str, dict]]:
    poll, pollrun, contact = {"poll": world.poll_id}, {"pollrun": world.pollrun_id}, {"contact": world.contact_id}
    return [
        ("pages/home.py", {}), ("pages/polls.py", {}),
        ("pages/poll.py", poll), ("pages/poll.py", {**poll, "tab": "dates"}), ("pages/poll.py", {**poll, "tab": "map"}),
        ("pages/pollrun.py", pollrun), ("pages/pollrun.py", {**pollrun, "tab": "participation"}),
        ("pages/pollrun.py", {**pollrun, "tab": "participation", "group_by": "region"}),
        ("pages/pollrun.py", {**pollrun, "tab": "responses"}), ("pages/pollrun.py", {**pollrun, "chart": "bar"}),
        ("pages/activity.py", {}),
        ("pages/contacts.py", {}),  # its search: test_search_terms_are_shown_back_as_text
        ("pages/contact.py", contact), ("pages/contact.py", {**contact, "tab": "messages"}),
        ("pages/contact_edit.py", contact), ("pages/contact_new.py", {}),
        ("pages/inbox.py", {}), ("pages/inbox.py", contact),
        ("pages/messages.py", {}), ("pages/messages.py", {"tab": "recent actions"}),
        ("pages/start_poll.py", {}), ("pages/start_poll.py", poll),
        ("pages/indicators.py", {}), ("pages/indicator.py", {"indicator": world.indicator_id}),
        ("pages/compare.py", {}), ("pages/account.py", {}), ("pages/users.py", {}),
        ("pages/organization.py", {}), ("pages/poll_settings.py", {}), ("pages/regions.py", {}),
        ("pages/sync.py", {}),
    ]


def _open(app, page: str, params: dict):
    app.query_params.clear()
    app.query_params.update({name: str(value) for name, value in params.items()})
    app.switch_page(page).run()
    assert not app.exception, (page, params, app.exception)
    return app


def _second_steps(app, world):
    """Pages as they are after a click: what only shows once something is chosen or asked."""
    _open(app, "pages/compare.py", {})
    regions = app.multiselect(key="compare.regions")
    yield "compare: two regions", regions.set_value(regions.options[:2]).run()
    _open(app, "pages/regions.py", {})
    yield "regions: a region to deactivate", app.selectbox(key="deactivate.region").select_index(0).run()
    _open(app, "pages/contact_edit.py", {"contact": world.contact_id})
    yield "contact: asked to delete", app.button(key="contact_delete.ask").click().run()
    _open(app, "pages/poll_settings.py", {})
    yield "poll settings: saved", app.button(key=f"edit_poll_{world.poll_id}.submit").click().run()


def _problems(where: str, app) -> list[str]:
    problems = [f"{where}: renders {', '.join(found)} in {text!r}" for text in markdown_texts(app)
                if (found := rendered_markup(text))]
    problems += [f"{where}: shows backslashes in {text!r}" for text in text_shown_as_is(app)
                 if escape_markdown(HOSTILE) in unquote(text)]  # links carry their label quoted
    problems += [f"{where}: a figure carries HTML in {text!r}" for text in figure_texts(app) if "<img" in text]
    return problems


def test_no_page_renders_a_name_as_markup(world):
    app = signed_in(ADMIN)
    problems, figures = [], []
    for page, params in _visits(world):
        _open(app, page, params)
        problems += _problems(f"{page} {params}", app)
        figures += figure_texts(app)
    for where, shown in _second_steps(app, world):
        assert not shown.exception, (where, shown.exception)
        problems += _problems(where, shown)
    root = signed_in(ROOT)
    for page in ("pages/organizations.py", "pages/all_users.py", "pages/overview.py"):
        problems += _problems(page, _open(root, page, {}))
    assert not problems, "\n".join(problems)
    # The names are in the charts (legends, labels, hover texts, subplot titles), escaped.
    assert any(escape_plotly(HOSTILE) in text for text in figures)


def test_search_terms_are_shown_back_as_text(world):
    """Contacts' search comes from the address (?search=, a link anyone can send); the Inbox's is typed."""
    term = f"{HOSTILE} nobody"
    app = _open(signed_in(ADMIN), "pages/contacts.py", {"search": term})
    assert [text for text in markdown_texts(app) if "nobody" in text] == [
        f"No contact matches “{escape_markdown(term)}”."]
    assert app.text_input(key="contact_search").value == term  # the box keeps it as typed
    _open(app, "pages/inbox.py", {}).text_input(key="inbox_search").input(term).run()
    assert [text for text in markdown_texts(app) if "nobody" in text] == [
        f"No conversation matches “{escape_markdown(term)}”."]
    assert not _problems("searches", app)
