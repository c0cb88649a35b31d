"""The sidebar (org switcher, region selector, sub-region switch, who is signed in, Logout) and
the rerun's Context it decides, the Scope included.

The context is built before the widgets are drawn, from what the widgets held when the rerun
began; a choice that is no longer valid (a region taken away, an org left) falls back as
tracpro.auth.scope says, and the widget is set to show what is really in use. Choices are
kept per org in Streamlit's session state, so switching orgs and back restores the region chosen there.

A region chosen in the sidebar is also kept in the address (?region=ID, and ?subregions=0 when
sub-regions are left out), and the way to another page carries it (tracpro.ui.links): a reload,
a shared address or a link opened in a new tab shows the same region. A newly opened tab takes the
address's choice when the user may see that region; otherwise the usual default.
"""

from __future__ import annotations

import streamlit as st

from tracpro.auth.access import org_access, org_choices
from tracpro.auth.scope import NoRegions, Scope, build_scope, user_region_ids
from tracpro.db import session_scope
from tracpro.db.models import Org, Role, User
from tracpro.i18n import _, resolve_language
from tracpro.orgs.region_tree import RegionOption, region_options
from tracpro.text import escape_markdown
from tracpro.ui.context import CONTEXT, Context
from tracpro.ui.forms import INDENT
from tracpro.ui.language import choose_language
from tracpro.ui.links import ADDRESS_REGION
from tracpro.ui.params import positive_id
from tracpro.ui.signin import Gate, request_logout

ORG_WIDGET, ORG_CHOSEN = "tracpro_org", "tracpro_org_chosen"
SUBREGIONS_WIDGET, SUBREGIONS_CHOSEN = "tracpro_subregions", "tracpro_subregions_chosen"
ALL_REGIONS = 0  # the selector's value for "All regions" (admins only); region ids start at 1
REGION_PARAM, SUBREGIONS_PARAM = "region", "subregions"
REGION_CHOSEN = "tracpro_region_chosen"  # the user (or the address) chose a region in this tab


def region_widget_key(org_id: int) -> str:
    return f"tracpro_region_{org_id}"


def _region_chosen_key(org_id: int) -> str:
    return f"tracpro_region_chosen_{org_id}"


def _chosen(widget_key: str, kept_key: str, valid: list, fallback):
    """What the widget (or, when it was not drawn last time, the kept choice) says, if still valid."""
    state = st.session_state
    value = state.get(widget_key, state.get(kept_key, fallback))
    return value if value in valid else fallback


def _address_region() -> int:
    """The region the address carries, or ALL_REGIONS; _chosen checks the user may see it."""
    return positive_id(st.query_params.get(REGION_PARAM, "")) or ALL_REGIONS


def _show_in_address(scope: Scope) -> None:
    """Keep the region chosen (and sub-regions left out) in the address, and for open_page's switches;
    nothing when the sidebar shows what a newly opened tab would."""
    params = st.query_params
    wanted = {}
    if st.session_state.get(REGION_CHOSEN) and scope.selected_region_id:
        wanted[REGION_PARAM] = str(scope.selected_region_id)
    if not scope.include_subregions and not scope.all_regions:
        wanted[SUBREGIONS_PARAM] = "0"
    for name in (REGION_PARAM, SUBREGIONS_PARAM):
        if name not in wanted:
            params.pop(name, None)
        elif params.get(name) != wanted[name]:  # set only when it changes: each set is sent to the browser
            params[name] = wanted[name]
    st.session_state[ADDRESS_REGION] = wanted


def _mark_chosen() -> None:
    st.session_state[REGION_CHOSEN] = True


def build_context(gate: Gate, *, minimal: bool = False) -> tuple[Context, list[RegionOption]]:
    """This rerun's context; `minimal` (a forced password change) skips orgs and regions."""
    user = gate.user
    assert user is not None  # app.py builds a context for a signed-in user only
    if minimal:
        choose_language(resolve_language(user.language, None))
        return Context(user), []
    with session_scope() as db:
        orgs = tuple(org_choices(db, user.id, is_superuser=user.is_superuser))
        if not orgs:
            choose_language(resolve_language(user.language, None))
            return Context(user), []
        org_id = _chosen(ORG_WIDGET, ORG_CHOSEN, [org.id for org in orgs], orgs[0].id)
        org = db.get_one(Org, org_id)
        offered = tuple(org.available_languages or ())
        # Chosen before anything below words a message (a refusal, a region's label).
        choose_language(resolve_language(user.language, org.language, offered))
        access = org_access(db, db.get_one(User, user.id), org_id)
        if access is None:  # the org or the membership ended since org_choices read them
            return Context(user), []
        visible = None
        if access.role != Role.ADMIN:
            visible = user_region_ids(db, org_id, access.role, access.given_region_ids)
        options = region_options(db, org_id, visible)
        choices = ([ALL_REGIONS] if access.is_admin else []) + [option.id for option in options]
        state, widget, kept = st.session_state, region_widget_key(org_id), _region_chosen_key(org_id)
        in_address = _address_region()
        if widget not in state and kept not in state and in_address in choices:
            state[REGION_CHOSEN] = True  # a tab newly opened at an address with a region
        selected = _chosen(widget, kept, choices, in_address)
        include = bool(_chosen(SUBREGIONS_WIDGET, SUBREGIONS_CHOSEN, [True, False],
                               st.query_params.get(SUBREGIONS_PARAM) != "0"))
        scope, no_regions = None, None
        try:
            scope = build_scope(
                db,
                org_id=org_id,
                role=access.role,
                given_region_ids=access.given_region_ids,
                selected_region_id=selected or None,
                include_subregions=include,
            )
        except NoRegions as refusal:
            no_regions = str(refusal)
    names = tuple((option.id, option.name) for option in options)
    return Context(user, orgs, access, scope, no_regions, names, org.language, offered), options


def _region_label(options: list[RegionOption]):
    labels = {option.id: INDENT * option.depth + option.name for option in options}
    labels[ALL_REGIONS] = _("All regions")
    return labels.__getitem__


def render_sidebar(context: Context, options: list[RegionOption]) -> None:
    """Draw the sidebar for `context`, and keep the context for this rerun's page."""
    state = st.session_state
    state[CONTEXT] = context
    with st.sidebar:
        if context.access is not None:
            org_id = context.access.org_id
            state[ORG_CHOSEN] = org_id
            if len(context.orgs) > 1:
                state[ORG_WIDGET] = org_id
            names = {org.id: org.name for org in context.orgs}
            if len(names) > 1:
                st.selectbox(_("Organisation"), list(names), format_func=names.__getitem__, key=ORG_WIDGET)
            else:
                st.markdown(f"**{escape_markdown(context.access.org_name)}**")
            if context.scope is not None:
                selected = context.scope.selected_region_id or ALL_REGIONS
                key = region_widget_key(org_id)
                state[_region_chosen_key(org_id)] = state[key] = selected
                state[SUBREGIONS_CHOSEN] = state[SUBREGIONS_WIDGET] = context.scope.include_subregions
                choices = ([ALL_REGIONS] if context.access.is_admin else []) + [
                    option.id for option in options
                ]
                st.selectbox(
                    _("Region"),
                    choices,
                    format_func=_region_label(options),
                    key=key,
                    on_change=_mark_chosen,
                    help=_("You see data from the selected region."),
                )
                st.toggle(
                    _("Include sub-regions"),
                    key=SUBREGIONS_WIDGET,
                    disabled=context.scope.all_regions,
                    help=_("Also show data from the regions inside the selected one."),
                )
                _show_in_address(context.scope)
            elif context.no_regions:
                st.caption(_("No regions are assigned to you in this organisation."))
        st.divider()
        role = (
            _("Superuser")
            if context.user.is_superuser
            else (_("Administrator") if context.is_admin else (_("Supervisor") if context.access else ""))
        )
        signed_in = _("Signed in as **{name}** ({login})").format(name=escape_markdown(context.user.name),
                                                                  login=escape_markdown(context.user.login))
        st.caption(signed_in + (f" · {role}" if role else ""))
        st.button(_("Log out"), key="tracpro_logout", on_click=request_logout, icon=":material/logout:")
