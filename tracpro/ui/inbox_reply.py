"""The reply box of an inbox conversation: stored, pushed, and its status shown in the conversation.
The same reply again within minutes asks once more (tracpro.outbox.repeats)."""

from __future__ import annotations

import streamlit as st

from tracpro.actions.messages import MAX_LENGTH, reply
from tracpro.actions.polls import ActionRefused
from tracpro.auth.actor import NotAllowed
from tracpro.auth.scope import Scope
from tracpro.i18n import _
from tracpro.outbox.repeats import RepeatedSend
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.action_forms import confirmed, push_now, push_outcome, repeat_question
from tracpro.ui.clock import now
from tracpro.ui.context import notice, require_signed_in


def reply_form(scope: Scope, contact_id: int, name: str) -> None:
    context = require_signed_in()
    sent = st.session_state.get("reply.sent", 0)
    with st.form(f"reply_{contact_id}"):
        # A new key after each reply: the box is empty again, while a refused one keeps its text.
        # No max_chars: the browser would drop a longer paste whole; sending says how long it is.
        text = st.text_area(_("Send a message to {name}").format(name=escape_markdown(name)),
                            key=f"reply_{contact_id}.text.{sent}",
                            help=_("At most {limit} characters.").format(limit=MAX_LENGTH))
        submitted = st.form_submit_button(_("Send reply"), type="primary", icon=":material/send:")
    repeat_key = f"reply.repeat.{contact_id}"
    repeat_of = None
    if submitted:
        st.session_state.pop(repeat_key, None)
    elif (repeat := st.session_state.get(repeat_key)) is None:
        return
    else:
        text, earlier = repeat
        if not confirmed(repeat_key, repeat_question(earlier, message=True), _("Send it again")):
            return
        repeat_of = earlier.request
    try:
        with acting_session() as db:
            _message, actions = reply(db, context.actor, contact_id, text, now(), repeat_of)
            action_ids = [action.id for action in actions]
    except RepeatedSend as repeated:
        st.session_state[repeat_key] = (text, repeated.earlier)
        st.rerun()
    except (ActionRefused, NotAllowed) as refusal:
        st.error(str(refusal))
        return
    kind, outcome = push_outcome(push_now(scope.org_id, action_ids))
    st.session_state["reply.sent"] = sent + 1
    notice(_("Reply to {name}: {outcome}.").format(name=escape_markdown(name), outcome=outcome), kind)
    st.rerun()
