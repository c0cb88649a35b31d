"""The forms that act on RapidPro from a poll and a poll date: start a poll, restart its
non-respondents, message its participants; and the push that follows each of them.

Every action is stored first (tracpro.actions), tried at once (tracpro.outbox.immediate), and
the page then says what became of it: sent, refused, or waiting for the next sync. An action that
repeats a send of minutes ago (tracpro.outbox.repeats) asks once more, naming when it went and by whom.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from tracpro.actions.messages import MAX_LENGTH, checked_text, send_message
from tracpro.actions.polls import ActionRefused, restart_non_respondents, start_poll
from tracpro.auth.actor import NotAllowed
from tracpro.auth.scope import Scope
from tracpro.db.models import Audience, OutboxStatus
from tracpro.i18n import _, format_date, format_number, ngettext
from tracpro.outbox import immediate
from tracpro.outbox.repeats import EarlierSend, RepeatedSend
from tracpro.queries.action_choices import RegionChoice, audience_counts, pollrun_actions, start_poll_choices
from tracpro.queries.messages import AUDIENCE_LABELS
from tracpro.queries.outbox import STATUS_WORDS
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.action_tables import with_headings
from tracpro.ui.clock import now
from tracpro.ui.context import notice, require_signed_in, show_notice
from tracpro.ui.database import read_scoped, read_scoped_live, self_refreshing
from tracpro.ui.forms import INDENT
from tracpro.ui.links import open_page
from tracpro.ui.navigation import POLLRUN
from tracpro.ui.table_view import Table, show_table
from tracpro.ui.tables import DATETIME

AUDIENCES = (Audience.ALL, Audience.RESPONDENTS, Audience.NON_RESPONDENTS)


def push_now(org_id: int, action_ids: Sequence[int]) -> dict[int, OutboxStatus]:
    """Try the stored actions at once, then drop every cached read so pages show the change."""
    statuses = immediate.try_now(org_id, list(action_ids), now())
    st.cache_data.clear()
    return statuses


def push_outcome(statuses: Mapping[int, OutboxStatus]) -> tuple[str, str]:
    """(notice kind, words) for what RapidPro did with the actions just tried."""
    found = set(statuses.values())
    if OutboxStatus.FAILED in found:
        return "warning", _("RapidPro refused it; the reason is in the list of actions on the Messages page")
    if found and found <= {OutboxStatus.DONE}:
        return "success", _("sent to RapidPro")
    if found and found <= {OutboxStatus.DONE, OutboxStatus.SENDING}:
        # The sync job claimed some of them first and is sending them now.
        return "success", _("being sent to RapidPro")
    if OutboxStatus.MAYBE_SENT in found:
        return "info", _("RapidPro did not answer in time, so the next sync checks whether it arrived and sends "
                         "it only if it did not")
    return "info", _("RapidPro did not answer, so it will be sent with the next sync")


def confirmed(key: str, question: str, action_label: str) -> bool:
    """A second step before an action that reaches people: True once `action_label` is clicked."""
    if not st.session_state.get(key):
        return False
    st.warning(question)
    go, back = st.columns(2)
    if back.button(_("Cancel"), key=f"{key}.cancel", width="stretch"):
        del st.session_state[key]
        st.rerun()
    if go.button(action_label, key=f"{key}.confirm", type="primary", width="stretch"):
        del st.session_state[key]
        return True
    return False


def repeat_question(earlier: EarlierSend, message: bool) -> str:
    """The second confirmation's question: when the earlier send went, and by whom."""
    people, at = _people(earlier.contacts), format_date(earlier.at, "moment")
    by = escape_markdown(earlier.by) if earlier.by else _("a user no longer in TracPro")
    if message and earlier.waiting:
        words = _("The same message to {people} is still waiting to be sent: {by} asked for it at {at}. "
                  "Sending it again would reach them twice. Send it again anyway?")
    elif message:
        words = _("The same message already went to {people} at {at}, sent by {by}. Send it again?")
    elif earlier.waiting:
        words = _("This poll's start for {people} is still waiting to be sent: {by} asked for it at {at}. "
                  "Starting it again would reach them twice. Start it again anyway?")
    else:
        words = _("This poll was already started for {people} at {at}, by {by}. Start it again?")
    return words.format(people=people, at=at, by=by)


def _people(count: int) -> str:
    return ngettext("{count} contact", "{count} contacts", count).format(count=format_number(count))


def _region_label(region: RegionChoice) -> str:
    return f"{INDENT * region.depth}{region.name} ({_people(region.contacts_below)})"


def start_poll_form(scope: Scope, poll_id: int | None = None) -> None:
    """Choose a poll (unless given), a region in view and whether its sub-regions join; start it
    and open the new poll date."""
    context = require_signed_in()
    choices = read_scoped(start_poll_choices, scope)
    polls = dict(choices.polls)
    if not polls:
        st.info(_("There is no active poll to start. An administrator chooses which RapidPro flows are polls."))
        return
    regions = {region.id: region for region in choices.regions}
    if poll_id is None or poll_id not in polls:
        poll_id = st.selectbox(_("Poll"), list(polls), format_func=polls.__getitem__, key="start.poll")
    else:
        st.markdown(_("Poll: **{poll}**").format(poll=escape_markdown(polls[poll_id])))
    region_ids = list(regions)
    default = region_ids.index(scope.selected_region_id) if scope.selected_region_id in regions else 0
    region_id = st.selectbox(_("Region"), region_ids, index=default, key="start.region",
                             format_func=lambda rid: _region_label(regions[rid]),
                             help=_("The regions you see. The poll goes to the contacts of the region you choose."))
    region = regions[region_id]
    region_name = escape_markdown(region.name)  # in sentences and a help text, all Markdown
    propagate = False
    if region.has_subregions:
        propagate = st.checkbox(_("Also start it in the sub-regions"), value=True, key="start.propagate",
                                help=_("Without them, only the {people} of {region} itself.").format(
                                    people=_people(region.contacts), region=region_name))
    reached = region.contacts_below if propagate else region.contacts
    where = _("{region} and its sub-regions").format(region=region_name) if propagate else region_name
    st.caption(_("RapidPro starts the flow for the {people} of {where}; their answers arrive with each sync.").format(
        people=_people(reached), where=where))
    # A start reaches people, as a message does: reviewed first. A review holds for the choices it
    # showed; changing one asks for a new review.
    choice, confirm_key = (poll_id, region_id, propagate), "start.confirm"
    if st.button(_("Review the start"), type="primary", key="start.submit", disabled=reached == 0):
        st.session_state[confirm_key] = choice
        st.session_state.pop("start.repeat", None)  # a new review starts over
    if reached == 0:
        st.info(_("{where} has no active contacts: choose another region.").format(where=where))
    repeat_key = "start.repeat"
    repeat = st.session_state.get(repeat_key)
    if repeat is not None and repeat[0] != choice:
        repeat = st.session_state.pop(repeat_key)  # a repeat asked about other choices
    if repeat is not None:
        earlier = repeat[1]
        if not confirmed(repeat_key, repeat_question(earlier, message=False),
                         _("Start it again for {people}").format(people=_people(reached))):
            return
        repeat_of: str | None = earlier.request
    else:
        if st.session_state.get(confirm_key) != choice:
            st.session_state.pop(confirm_key, None)
            return
        question = _("Start “{poll}” for the {people} of {where}?").format(
            poll=escape_markdown(polls[poll_id]), people=_people(reached), where=where)
        if not confirmed(confirm_key, question, _("Start the poll for {people}").format(people=_people(reached))):
            return
        repeat_of = None
    try:
        with acting_session() as db:
            pollrun, actions = start_poll(db, context.actor, poll_id, region_id, propagate, now(), repeat_of)
            pollrun_id, action_ids = pollrun.id, [action.id for action in actions]
    except RepeatedSend as repeated:
        st.session_state[repeat_key] = (choice, repeated.earlier)
        st.rerun()
    except (ActionRefused, NotAllowed) as refusal:
        st.error(escape_markdown(refusal))
        return
    kind, outcome = push_outcome(push_now(scope.org_id, action_ids))
    notice(_("Started {poll} for the {people} of {where}: {outcome}.").format(
        poll=escape_markdown(polls[poll_id]), people=_people(reached), where=where, outcome=outcome), kind)
    open_page(POLLRUN, pollrun=pollrun_id, tab="participation")


def _waiting_for_responses(scope: Scope, pollrun_id: int, started: int) -> None:
    """Until the first response arrives; then the whole page is drawn again with fresh reads."""

    @self_refreshing(run_every="15s")
    def waiting() -> None:
        counts = read_scoped_live(audience_counts, scope, pollrun_id=pollrun_id)
        if counts[Audience.ALL]:
            st.cache_data.clear()  # the page's other reads are cached from before the first response
            st.rerun(scope="app")
        st.info(_("Waiting for responses: the poll was started for {people}. Responses arrive with "
                  "each sync; this page shows them as they come.").format(people=_people(started)),
                icon=":material/hourglass_top:")

    waiting()


def pollrun_action_panel(scope: Scope, pollrun_id: int) -> None:
    """The poll date's actions (message its participants, restart its non-respondents) and their status."""
    context = require_signed_in()
    show_notice()
    counts = read_scoped(audience_counts, scope, pollrun_id=pollrun_id)
    actions = read_scoped(pollrun_actions, scope, pollrun_id=pollrun_id, user_id=context.user.id)
    starts = actions[actions["kind"] == "start_flow"]
    if not counts[Audience.ALL] and not starts.empty:
        _waiting_for_responses(scope, pollrun_id, int(starts["contacts"].sum()))
    message, restart = st.columns(2)
    with message.expander(_("Send a message"), icon=":material/sms:"):
        message_form(scope, pollrun_id, counts)
    with restart.expander(_("Restart non-respondents"), icon=":material/replay:"):
        restart_form(scope, pollrun_id, counts[Audience.NON_RESPONDENTS])
    if not actions.empty:
        # The read model words the statuses in the viewer's language, as it is here.
        accepted = _(STATUS_WORDS[OutboxStatus.DONE])
        with st.expander(_("Actions on this date ({count})").format(count=format_number(len(actions))),
                         icon=":material/outbox:", expanded=bool((actions["Status"] != accepted).any())):
            shown = Table(actions.drop(columns=["action_id", "kind", "contacts"]), {"Asked on": DATETIME},
                          dates={"Asked on": "moment"})
            show_table(with_headings(shown), key="pollrun-actions")


def message_form(scope: Scope, pollrun_id: int, counts: Mapping[Audience, int]) -> None:
    require_signed_in()
    if not counts[Audience.ALL]:
        st.caption(_("Nobody in the regions you see took part in this date yet: there is no one to message."))
        return
    confirm_key = f"message.confirm.{pollrun_id}"  # a review on one date is never sent on another
    sent = st.session_state.get("message.sent", 0)
    with st.form("pollrun_message"):
        audience = st.radio(_("Recipients"), AUDIENCES, key="message.audience",
                            format_func=lambda a: f"{_(AUDIENCE_LABELS[a])} ({format_number(counts[a])})",
                            help=_("Each contact counts once, whatever their reporter groups."))
        # A new key after each send: the box is empty again, while a cancelled review keeps its text.
        # No max_chars: the browser would drop a longer paste whole and leave the box empty; the
        # review says how long the text is instead, and keeps it for shortening.
        text = st.text_area(_("Message"), key=f"message.text.{sent}",
                            help=_("At most {limit} characters; RapidPro sends it as SMS or on the "
                                   "contact's channel.").format(limit=MAX_LENGTH))
        if st.form_submit_button(_("Review the message")):
            try:
                checked = checked_text(text)
            except ActionRefused as refusal:
                st.error(escape_markdown(refusal))
            else:
                if counts[audience]:
                    st.session_state[confirm_key] = (audience, checked)
                    st.session_state.pop(f"message.repeat.{pollrun_id}", None)  # a new review starts over
                else:
                    st.error(_("No one in view fits this choice of recipients: choose others."))
    repeat_key = f"message.repeat.{pollrun_id}"
    if (repeat := st.session_state.get(repeat_key)) is not None:
        audience, text, earlier = repeat
        people = _people(counts[audience])
        if confirmed(repeat_key, repeat_question(earlier, message=True),
                     _("Send it again to {people}").format(people=people)):
            _send(scope, pollrun_id, audience, text, earlier.request)
        return
    pending = st.session_state.get(confirm_key)
    if pending is None:
        return
    audience, text = pending
    people = _people(counts[audience])
    question = _("Send “{text}” to {people} ({audience})?").format(
        text=escape_markdown(text), people=people, audience=_(AUDIENCE_LABELS[audience]).lower())
    if confirmed(confirm_key, question, _("Send to {people}").format(people=people)):
        _send(scope, pollrun_id, audience, text, None)


def _send(scope: Scope, pollrun_id: int, audience: Audience, text: str, repeat_of: str | None) -> None:
    """Send the reviewed message; a repeat of a recent send is asked about once more (message_form)."""
    context = require_signed_in()
    sent = st.session_state.get("message.sent", 0)
    try:
        with acting_session() as db:
            message, actions = send_message(db, context.actor, pollrun_id, audience, text, now(), repeat_of)
            count, action_ids = len(message.recipients), [action.id for action in actions]
    except RepeatedSend as repeated:
        st.session_state[f"message.repeat.{pollrun_id}"] = (audience, text, repeated.earlier)
        st.rerun()
    except (ActionRefused, NotAllowed) as refusal:
        st.error(escape_markdown(refusal))
        return
    kind, outcome = push_outcome(push_now(scope.org_id, action_ids))
    st.session_state["message.sent"] = sent + 1
    notice(_("Message to {people}: {outcome}.").format(people=_people(count), outcome=outcome), kind)
    st.rerun()


def restart_form(scope: Scope, pollrun_id: int, non_respondents: int) -> None:
    context = require_signed_in()
    if not non_respondents:
        st.caption(_("Everyone in the regions you see has answered this date: there is no one to restart."))
        return
    people = _people(non_respondents)
    st.caption(_("Start the flow again for the {people} whose response is empty or partial.").format(people=people))
    confirm_key = f"restart.confirm.{pollrun_id}"
    if st.button(_("Restart…"), key="restart.ask"):
        st.session_state[confirm_key] = True
        st.session_state.pop(f"restart.repeat.{pollrun_id}", None)  # a new review starts over
    repeat_key = f"restart.repeat.{pollrun_id}"
    if (earlier := st.session_state.get(repeat_key)) is not None:
        go = confirmed(repeat_key, repeat_question(earlier, message=False),
                       _("Restart again for {people}").format(people=people))
        repeat_of: str | None = earlier.request
    else:
        go = confirmed(confirm_key, _("Start the poll again for {people}?").format(people=people),
                       _("Restart for {people}").format(people=people))
        repeat_of = None
    if go:
        try:
            with acting_session() as db:
                action_ids = [action.id for action in
                              restart_non_respondents(db, context.actor, pollrun_id, now(), repeat_of)]
        except RepeatedSend as repeated:
            st.session_state[repeat_key] = repeated.earlier
            st.rerun()
        except (ActionRefused, NotAllowed) as refusal:
            st.error(escape_markdown(refusal))
            return
        kind, outcome = push_outcome(push_now(scope.org_id, action_ids))
        notice(_("Restarted the poll for {people}: {outcome}.").format(people=people, outcome=outcome), kind)
        st.rerun()
