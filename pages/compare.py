"""Compare regions: one question's results over time for 2 to 4 regions side by side."""

import streamlit as st

from tracpro.i18n import _
from tracpro.polls.filters import NumericDisplay
from tracpro.queries.choices import question_choices
from tracpro.queries.comparison import MAX_REGIONS, region_comparison
from tracpro.ui.clock import today
from tracpro.ui.comparison import comparison_view
from tracpro.ui.context import require_scope, require_signed_in
from tracpro.ui.database import read_scoped
from tracpro.ui.filters import poll_filters
from tracpro.ui.question_picker import pick_question

context = require_signed_in()
scope = require_scope()
st.title(_("Compare regions"))
st.caption(_("One question's results over time, for 2 to {max} regions side by side. "
             "Each region counts its sub-regions too.").format(max=MAX_REGIONS))

choices = [choice for choice in read_scoped(question_choices, scope) if choice.kind in ("numeric", "categorical")]
question = pick_question(choices, key="compare")
if question is None:
    st.info(_("No poll has a numeric or categorical question yet. An administrator chooses which RapidPro "
              "flows are polls; their questions appear after the next sync."))
    st.stop()
regions = dict(context.region_names)
chosen = st.multiselect(_("Regions (2 to {max})").format(max=MAX_REGIONS), list(regions),
                        format_func=regions.__getitem__, max_selections=MAX_REGIONS, key="compare.regions",
                        placeholder=_("Choose regions"))
# Regions are compared side by side already (no split); by their averages at first, since sums
# favour the bigger regions.
filters = poll_filters(scope, split=False, numeric_default=NumericDisplay.AVERAGE)
if len(chosen) < 2:
    st.info(_("Choose 2 to {max} regions to compare.").format(max=MAX_REGIONS))
elif filters is not None:
    comparison = read_scoped(region_comparison, scope, question_id=question.question_id, region_ids=tuple(chosen),
                             filters=filters, today=today(scope))
    comparison_view(comparison, [regions[region] for region in chosen], filters.numeric)
