"""A poll date (?pollrun=ID&tab=summary|participation|responses): each question's answers on
that date, who took part, and every response with its downloads."""

import streamlit as st

from tracpro.i18n import N_, _, current_language, format_number, isolated
from tracpro.queries.participation import participation
from tracpro.queries.pollrun_summary import pollrun_summary
from tracpro.queries.pollruns import pollrun_header
from tracpro.queries.responses import pollrun_responses, responses_export
from tracpro.text import escape_markdown
from tracpro.ui.action_forms import pollrun_action_panel
from tracpro.ui.context import require_scope
from tracpro.ui.database import read_scoped
from tracpro.ui.exports import download_buttons, file_stem
from tracpro.ui.filters import lenient, poll_filters
from tracpro.ui.links import filter_params, page_link
from tracpro.ui.maps import pollrun_map
from tracpro.ui.navigation import POLL, POLLS
from tracpro.ui.params import read_found, require_id, url_choice, url_tabs
from tracpro.ui.question_blocks import on_date
from tracpro.ui.table_view import Table, show_table
from tracpro.ui.tables import MOST_ROWS, day, participation_config, participation_rows, response_rows

# The tabs as the address names them (?tab=participation); shown translated.
SUMMARY, PARTICIPATION, RESPONSES = N_("Summary"), N_("Participation"), N_("Responses")

scope = require_scope()
pollrun_id = require_id("pollrun", "poll date", POLLS, _("All polls"))
header = read_found(pollrun_header, scope, pollrun_id=pollrun_id, back_page=POLLS, back_label=_("All polls"))
st.title(f"{isolated(escape_markdown(header.poll))} ({day(header.day)})")
st.caption(_("Region: {region} · Started by: {started_by}").format(region=escape_markdown(header.region),
                                                                    started_by=escape_markdown(header.started_by)))
# Back to the poll with the filters it was left with (they travel in the address).
page_link(POLL, _("All dates of {poll}").format(poll=escape_markdown(header.poll)), icon=":material/ballot:",
          poll=header.poll_id,
          **filter_params(lenient(st.query_params.to_dict())))
pollrun_action_panel(scope, pollrun_id)  # message or restart its contacts; the actions' status
filters = poll_filters(scope, with_dates=False)
tabs = url_tabs([SUMMARY, PARTICIPATION, RESPONSES], key="pollrun_tab")

with tabs[SUMMARY]:
    if tabs[SUMMARY].open:
        shape = url_choice(_("Categorical answers as"), {"pie": _("Pie"), "bar": _("Bars")}, param="chart",
                           key="chart")
        for question in read_scoped(pollrun_summary, scope, pollrun_id=pollrun_id, filters=filters):
            on_date(question, bars=shape == "bar")
        pollrun_map(scope, header.poll_id, pollrun_id, filters)

with tabs[PARTICIPATION]:
    if tabs[PARTICIPATION].open:
        group_by = url_choice(_("Group by"), {"reporter_group": _("Reporter group"), "region": _("Region")},
                              param="group_by", key="group_by")
        counts = read_scoped(participation, scope, pollrun_id=pollrun_id, group_by=group_by, filters=filters)
        if not counts.total.total:
            st.info(_("No responses yet on this date in the regions you see. They arrive with each sync."))
        else:
            label = "Region" if group_by == "region" else "Reporter group"
            config = participation_config(label, _("Region") if group_by == "region" else _("Reporter group"))
            show_table(Table(participation_rows(counts, label), config), key="participation")
            st.caption(
                _(
                    "A contact in several reporter groups counts in each of them; the Total row counts each contact "
                    "once. {respondents} respondents, {non_respondents} non-respondents."
                ).format(
                    respondents=format_number(counts.respondents), non_respondents=format_number(counts.non_respondents)
                )
            )

with tabs[RESPONSES]:
    if tabs[RESPONSES].open:
        responses = read_scoped(pollrun_responses, scope, pollrun_id=pollrun_id, filters=filters)
        if responses.empty:
            st.info(_("No responses yet for this date. New responses arrive with each sync."))
        else:
            count = format_number(len(responses))
            if len(responses) > MOST_ROWS:
                st.caption(_("{count} partial and complete responses (the newest {shown} below), newest first. "
                             "The downloads hold them all, and the superseded ones too, with each answer as it "
                             "was given.").format(count=count, shown=format_number(MOST_ROWS)))
            else:
                st.caption(_("{count} partial and complete responses, newest first. The downloads hold them all, "
                             "and the superseded ones too, with each answer as it was given.").format(count=count))
            language = current_language()  # now: the file is made outside this run
            download_buttons(
                lambda: read_scoped(responses_export, scope, pollrun_id=pollrun_id, filters=filters,
                                    language=language),
                file_stem(header.poll, header.day),
                scope,
                {"export": "responses", "poll": header.poll, "pollrun": pollrun_id, "date": header.day},
            )
            show_table(response_rows(responses), key="pollrun-responses")
