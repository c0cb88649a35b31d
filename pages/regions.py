"""Regions and reporter groups: which RapidPro groups TracPro tracks as regions (their tree and map
boundaries; deactivating one) and as reporter groups (the original TracPro's panels and cohorts)."""

import pandas as pd
import streamlit as st

from tracpro.db import session_scope
from tracpro.i18n import _, format_number, ngettext
from tracpro.orgs.choices import boundary_choices, group_choices, region_tree, tracked_reporter_groups
from tracpro.orgs.tracking import choose_regions, stop_tracking_region, track_reporter_groups, update_region_tree
from tracpro.text import escape_markdown
from tracpro.ui.acting import acting_session
from tracpro.ui.context import notice, require_org_admin, show_notice
from tracpro.ui.forms import INDENT
from tracpro.ui.settings_forms import region_place_form

context, org_id = require_org_admin()
with session_scope() as db:
    groups = group_choices(db, org_id)
    tree = region_tree(db, org_id)
    boundaries = boundary_choices(db, org_id)
    reporter_groups = tracked_reporter_groups(db, org_id)


def saved(message: str) -> None:
    """Redraw with `message` (Markdown, its names escaped) as the notice."""
    st.cache_data.clear()  # the sidebar's region tree and every chart follow the new groups
    notice(message, "success")
    st.rerun()


st.title(_("Regions and groups"))
st.caption(_("Regions and reporter groups are RapidPro contact groups that TracPro tracks. "
             "A contact belongs to the deepest region it is in, and to every reporter group it is in."))
show_notice()
regions_tab, groups_tab = st.tabs([_("Regions"), _("Reporter groups")])
labels = {group.uuid: group.label for group in groups}
NO_GROUPS = _("No RapidPro groups yet. They are listed here to choose from after the next sync (see the Sync page).")
ACTIVE_CONTACTS = _("Active contacts")
# The tables count TracPro's contacts; the pickers name RapidPro's groups with RapidPro's counts,
# which are larger (see GroupChoice.label): each says which it is.
REGION_CONTACTS_HELP = _("The active contacts TracPro places in this region: each contact counts in the deepest "
                         "tracked region it is in. Stopped, blocked and deleted contacts are left out; RapidPro's "
                         "group counts, in the list below, include them.")

with regions_tab:
    if tree:
        st.dataframe(
            pd.DataFrame([(INDENT * row.depth + row.name, row.boundary_name or "–", row.contacts) for row in tree],
                         columns=[_("Region"), _("Boundary"), ACTIVE_CONTACTS]),
            hide_index=True, width="stretch",
            column_config={ACTIVE_CONTACTS: st.column_config.NumberColumn(format="localized",
                                                                          help=REGION_CONTACTS_HELP)},
        )
    if not groups:  # an empty choice would drop every region: nothing to choose until a sync lists groups
        st.info(NO_GROUPS)
    else:
        with st.form("choose_regions"):
            chosen = st.multiselect(
                _("Groups tracked as regions"),
                list(labels),
                default=[r.uuid for r in tree if r.uuid in labels],
                format_func=labels.__getitem__,
                key="choose_regions.groups",
                help=_("Each contact belongs to one region: the deepest of these groups it is in. The number "
                       "after each group is RapidPro's count of its members, stopped and blocked contacts "
                       "included; the table above counts the active contacts TracPro places in each region."),
                placeholder=_("Choose options"),
            )
            submitted = st.form_submit_button(_("Save regions"), type="primary", key="choose_regions.submit")
        if submitted:
            try:
                with acting_session() as db:
                    dropped = choose_regions(db, context.actor, chosen)
            except ValueError as error:
                st.error(escape_markdown(error))
            else:
                # The source text is the plural; the English catalog has the singular, as the others have their forms.
                sentences = [ngettext("Now tracking {count} regions.", "Now tracking {count} regions.",
                                      len(chosen)).format(count=len(chosen))]
                if dropped:
                    sentences.append(_("Deactivated {regions}: their sub-regions moved up to their parents.")
                                     .format(regions=", ".join(map(escape_markdown, dropped))))
                sentences.append(_("New regions start at the top of the tree."))
                saved(" ".join(sentences))

    if tree:
        st.subheader(_("Parent and boundary"), anchor=False)
        by_id = {row.id: row for row in tree}
        region_id = st.selectbox(_("Region"), list(by_id),
                                 format_func=lambda i: INDENT * by_id[i].depth + by_id[i].name,
                                 key="place_region.region")
        placed = region_place_form(f"place_region_{region_id}", by_id[region_id], tree, boundaries)
        if placed is not None:
            data = {row.id: [row.parent_id, row.boundary_id] for row in tree} | {region_id: list(placed)}
            try:
                with acting_session() as db:
                    message = update_region_tree(db, context.actor, data)
            except ValueError as error:
                st.error(escape_markdown(error))
            else:
                saved(escape_markdown(message))  # plain text naming the regions moved

        st.subheader(_("Deactivate a region"), anchor=False)
        gone_id = st.selectbox(_("Region to deactivate"), list(by_id), index=None, placeholder=_("Choose a region"),
                               format_func=lambda i: INDENT * by_id[i].depth + by_id[i].name, key="deactivate.region")
        if gone_id is not None:
            gone = by_id[gone_id]
            # Names as the sentences below show them (Markdown).
            children = [escape_markdown(row.name) for row in tree if row.parent_id == gone.id]
            parent = escape_markdown(by_id[gone.parent_id].name) if gone.parent_id in by_id else None
            gone_name = escape_markdown(gone.name)
            leaving = ngettext(
                "{name} will no longer be tracked: its {count} active contacts move to another "
                "tracked region they are in, or leave TracPro's view.",
                "{name} will no longer be tracked: its {count} active contacts move to another "
                "tracked region they are in, or leave TracPro's view.",
                gone.contacts,
            ).format(name=gone_name, count=format_number(gone.contacts))
            if not children:
                moving = ""
            elif parent:
                moving = _("Its sub-regions ({regions}) will move up under {parent}.").format(
                    regions=", ".join(children), parent=parent)
            else:
                moving = _("Its sub-regions ({regions}) will move up at the top of the tree.").format(
                    regions=", ".join(children))
            st.warning(f"{leaving} {moving}")
            if st.button(_("Deactivate {name}").format(name=gone_name), key="deactivate.submit"):
                with acting_session() as db:
                    name, moved, new_parent = stop_tracking_region(db, context.actor, gone.id)
                done = _("Deactivated {name}.").format(name=escape_markdown(name))
                moved_names = ", ".join(map(escape_markdown, moved))
                if moved and new_parent:
                    done += " " + _("Its sub-regions ({regions}) now sit under {parent}.").format(
                        regions=moved_names, parent=escape_markdown(new_parent))
                elif moved:
                    done += " " + _("Its sub-regions ({regions}) now sit at the top of the tree.").format(
                        regions=moved_names)
                saved(done)

with groups_tab:
    if not reporter_groups:
        st.caption(_("No reporter groups tracked yet. Reporter groups let you compare, for example, teachers "
                     "and health workers across regions."))
    else:
        st.dataframe(pd.DataFrame([(g.name, g.contacts) for g in reporter_groups],
                                  columns=[_("Reporter group"), ACTIVE_CONTACTS]),
                     hide_index=True, width="stretch",
                     column_config={ACTIVE_CONTACTS: st.column_config.NumberColumn(format="localized")})
    if not groups:
        st.info(NO_GROUPS)
        st.stop()
    with st.form("choose_reporter_groups"):
        chosen_groups = st.multiselect(
            _("Groups tracked as reporter groups"),
            list(labels),
            default=[g.uuid for g in reporter_groups if g.uuid in labels],
            format_func=labels.__getitem__,
            key="choose_reporter_groups.groups",
            help=_("A contact in no tracked region is not counted, whatever groups it is in."),
            placeholder=_("Choose options"),
        )
        submitted_groups = st.form_submit_button(_("Save reporter groups"), type="primary",
                                                 key="choose_reporter_groups.submit")
    if submitted_groups:
        try:
            with acting_session() as db:
                track_reporter_groups(db, context.actor, chosen_groups)
        except ValueError as error:
            st.error(escape_markdown(error))
        else:
            saved(ngettext("Now tracking {count} reporter groups.", "Now tracking {count} reporter groups.",
                           len(chosen_groups)).format(count=len(chosen_groups)))
