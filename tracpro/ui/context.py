"""What pages may know about the viewer on this rerun, and what they require of it.

app.py builds the Context once per rerun (tracpro.ui.sidebar) and keeps it in Streamlit's
session state for that rerun only; pages then ask for what they need. Each page checks for
itself, even though navigation never offers a page to someone who may not use it.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NoReturn

import streamlit as st
from streamlit.errors import StreamlitAPIException

from tracpro.auth.access import OrgAccess, OrgChoice
from tracpro.auth.actor import Actor
from tracpro.auth.logins import SignedInUser
from tracpro.auth.scope import Scope
from tracpro.db.models import Role
from tracpro.i18n import _
from tracpro.text import escape_markdown

CONTEXT = "tracpro_context"
# A page asked for before app.py ran (see not_through_the_app): its url path and query parameters.
REQUESTED_PAGE = "tracpro_requested_page"
NOTICE = "tracpro_notice"


@dataclass(frozen=True)
class Context:
    """Everything pages may know about the viewer on this rerun; built once, in app.py."""

    user: SignedInUser
    orgs: tuple[OrgChoice, ...] = ()
    access: OrgAccess | None = None  # None: no org to work in (a superuser before any org exists)
    scope: Scope | None = None
    no_regions: str | None = None  # why a supervisor sees no data, when they have no region
    region_names: tuple[tuple[int, str], ...] = ()
    org_language: str | None = None  # the org's default, which "no choice of my own" means
    languages: tuple[str, ...] = ()  # the languages the org offers; empty: every UI language

    @property
    def is_admin(self) -> bool:
        return self.user.is_superuser or (self.access is not None and self.access.is_admin)

    @property
    def actor(self) -> Actor:
        """The viewer as every write takes them: who they are, their role here and their scope."""
        role = self.access.role if self.access is not None else None
        return Actor(self.user.id, self.user.is_superuser, role, self.scope)


def notice(message: str, kind: str = "info") -> None:
    """A message for the next page drawn (it survives st.rerun); already in the viewer's language.
    It is shown as Markdown: a name or anything typed goes into it through escape_markdown."""
    st.session_state[NOTICE] = (kind, message)


def show_notice(*, keep: bool = False) -> None:
    """Show the pending notice; `keep` leaves it for later reruns too (until `forget_notice`)."""
    kind, message = (
        st.session_state.get(NOTICE, (None, None)) if keep else st.session_state.pop(NOTICE, (None, None))
    )
    if message:
        {"info": st.info, "success": st.success, "warning": st.warning}[kind](message)


def forget_notice() -> None:
    st.session_state.pop(NOTICE, None)


def _running_page() -> Path | None:
    """The file of the page in pages/ that is running (found on the call stack), if any."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.parent.name == "pages" and path.suffix == ".py":
            return path
        frame = frame.f_back
    return None


def not_through_the_app() -> NoReturn:
    """A page is running without app.py having run first, and so without anyone signed in.

    This happens on a fresh server: until some tab has called st.navigation, Streamlit
    serves a page URL (/users) straight from the pages/ folder (its legacy multipage mode).
    Going through app.py fixes that for the whole process; the page asked for, with its query
    parameters, is remembered so app.py opens it (tracpro.ui.navigation.resume_requested_page).
    """
    page = _running_page()
    if page is not None:
        st.session_state[REQUESTED_PAGE] = (page.stem, st.query_params.to_dict())
    with contextlib.suppress(StreamlitAPIException):  # app.py is not a page when a page runs alone (tests)
        st.switch_page("app.py")
    st.error(_("Please sign in to see this page."))
    st.stop()


def require_signed_in(*, allow_forced_change: bool = False) -> Context:
    """The viewer's context; stops the page for anyone not signed in (defence in depth)."""
    context = st.session_state.get(CONTEXT)
    if context is None:
        not_through_the_app()
    if context.user.must_change_password and not allow_forced_change:
        st.warning(_("Please change your password before going on."))
        st.stop()
    return context


def require_role(role: Role) -> Context:
    """Stop the page unless the viewer holds `role` in the current org (superusers hold every role)."""
    context = require_signed_in()
    if role == Role.ADMIN and not context.is_admin:
        st.error(_("Only administrators of this organisation can use this page."))
        st.stop()
    if context.access is None and not context.user.is_superuser:
        st.error(_("You are not a member of any organisation."))
        st.stop()
    return context


def require_org_admin() -> tuple[Context, int]:
    """`require_role(Role.ADMIN)` for pages about one org's settings: also stops, with a word on
    what to do, when there is no org yet (a superuser before creating one). Returns the org's id too."""
    context = require_role(Role.ADMIN)
    if context.access is None:
        st.info(_("There is no organisation yet. A superuser creates one on the Organizations page."))
        st.stop()
    return context, context.access.org_id


def require_superuser() -> Context:
    context = require_signed_in()
    if not context.user.is_superuser:
        st.error(_("Only superusers can use this page."))
        st.stop()
    return context


def require_scope() -> Scope:
    """The scope every read model needs; stops with a clear message when there is none."""
    context = require_signed_in()
    if context.no_regions:
        st.warning(escape_markdown(context.no_regions))
        st.stop()
    if context.scope is None:
        st.info(_("There is no organisation yet. Run `python3 run.py demo` to load the demo organisation."))
        st.stop()
    return context.scope
