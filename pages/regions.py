"""Regions and reporter groups: which RapidPro groups TracPro tracks as regions (their tree and map
boundaries, T35; deactivating one, T37) and as reporter groups (tracpro-behaviour §1.3 Panels, Cohorts)."""

import pandas as pd
import streamlit as st

from tracpro.db import session_scope
from tracpro.orgs.choices import boundary_choices, group_choices, region_tree, tracked_reporter_groups
from tracpro.orgs.tracking import choose_regions, stop_tracking_region, track_reporter_groups, update_region_tree
from tracpro.ui.context import notice, require_org_admin, show_notice
from tracpro.ui.forms import INDENT
from tracpro.ui.settings_forms import region_place_form

_, org_id = require_org_admin()
with session_scope() as db:
    groups = group_choices(db, org_id)
    tree = region_tree(db, org_id)
    boundaries = boundary_choices(db, org_id)
    reporter_groups = tracked_reporter_groups(db, org_id)


def saved(message: str) -> None:
    st.cache_data.clear()  # the sidebar's region tree and every chart follow the new groups
    notice(message, "success")
    st.rerun()


st.title("Regions and groups")
st.caption("Regions and reporter groups are RapidPro contact groups that TracPro tracks. "
           "A contact belongs to the deepest region it is in, and to every reporter group it is in.")
show_notice()
regions_tab, groups_tab = st.tabs(["Regions", "Reporter groups"])
labels = {group.uuid: group.label for group in groups}
NO_GROUPS = "No RapidPro groups yet. They are listed here to choose from after the next sync (see the Sync page)."

with regions_tab:
    if tree:
        st.dataframe(
            pd.DataFrame([(INDENT * row.depth + row.name, row.boundary_name or "–", row.contacts) for row in tree],
                         columns=["Region", "Boundary", "Active contacts"]),
            hide_index=True, width="stretch",
            column_config={"Active contacts": st.column_config.NumberColumn(format="localized")},
        )
    if not groups:  # an empty choice would drop every region: nothing to choose until a sync lists groups
        st.info(NO_GROUPS)
    else:
        with st.form("choose_regions"):
            chosen = st.multiselect(
                "Groups tracked as regions", list(labels), default=[r.uuid for r in tree if r.uuid in labels],
                format_func=labels.__getitem__, key="choose_regions.groups",
                help="Each contact belongs to one region: the deepest of these groups it is in.",
            )
            submitted = st.form_submit_button("Save regions", type="primary", key="choose_regions.submit")
        if submitted:
            try:
                with session_scope() as db:
                    dropped = choose_regions(db, org_id, chosen)
            except ValueError as error:
                st.error(str(error))
            else:
                moved = (f" Deactivated {', '.join(dropped)}: their sub-regions moved up to their parents."
                         if dropped else "")
                saved(f"Now tracking {len(chosen)} regions.{moved} New regions start at the top of the tree.")

    if tree:
        st.subheader("Parent and boundary", anchor=False)
        by_id = {row.id: row for row in tree}
        region_id = st.selectbox("Region", list(by_id), format_func=lambda i: INDENT * by_id[i].depth + by_id[i].name,
                                 key="place_region.region")
        placed = region_place_form(f"place_region_{region_id}", by_id[region_id], tree, boundaries)
        if placed is not None:
            data = {row.id: [row.parent_id, row.boundary_id] for row in tree} | {region_id: list(placed)}
            try:
                with session_scope() as db:
                    message = update_region_tree(db, org_id, data)
            except ValueError as error:
                st.error(str(error))
            else:
                saved(message)

        st.subheader("Deactivate a region", anchor=False)
        gone_id = st.selectbox("Region to deactivate", list(by_id), index=None, placeholder="Choose a region",
                               format_func=lambda i: INDENT * by_id[i].depth + by_id[i].name, key="deactivate.region")
        if gone_id is not None:
            gone = by_id[gone_id]
            children = [row.name for row in tree if row.parent_id == gone.id]
            parent = by_id[gone.parent_id].name if gone.parent_id in by_id else None
            where = f"under {parent}" if parent else "at the top of the tree"
            st.warning(
                f"{gone.name} will no longer be tracked: its {gone.contacts:,} active contacts move to another "
                "tracked region they are in, or leave TracPro's view. "
                + (f"Its sub-regions ({', '.join(children)}) will move up {where}." if children else "")
            )
            if st.button(f"Deactivate {gone.name}", key="deactivate.submit"):
                with session_scope() as db:
                    name, moved, new_parent = stop_tracking_region(db, org_id, gone.id)
                where = f"under {new_parent}" if new_parent else "at the top of the tree"
                saved(f"Deactivated {name}." + (f" Its sub-regions ({', '.join(moved)}) now sit {where}." if moved else ""))

with groups_tab:
    if not reporter_groups:
        st.caption("No reporter groups tracked yet. Reporter groups let you compare, for example, teachers "
                   "and health workers across regions.")
    else:
        st.dataframe(pd.DataFrame([(g.name, g.contacts) for g in reporter_groups],
                                  columns=["Reporter group", "Active contacts"]),
                     hide_index=True, width="stretch",
                     column_config={"Active contacts": st.column_config.NumberColumn(format="localized")})
    if not groups:
        st.info(NO_GROUPS)
        st.stop()
    with st.form("choose_reporter_groups"):
        chosen_groups = st.multiselect(
            "Groups tracked as reporter groups", list(labels),
            default=[g.uuid for g in reporter_groups if g.uuid in labels],
            format_func=labels.__getitem__, key="choose_reporter_groups.groups",
            help="A contact in no tracked region is not counted, whatever groups it is in.",
        )
        submitted_groups = st.form_submit_button("Save reporter groups", type="primary",
                                                 key="choose_reporter_groups.submit")
    if submitted_groups:
        try:
            with session_scope() as db:
                track_reporter_groups(db, org_id, chosen_groups)
        except ValueError as error:
            st.error(str(error))
        else:
            saved(f"Now tracking {len(chosen_groups)} reporter groups.")
