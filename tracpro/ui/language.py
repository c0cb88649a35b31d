"""The browser tab's UI language: chosen once per rerun in app.py, kept in Streamlit's session state,
read by tracpro.i18n's `_` everywhere.

Signed in, it is the user's own choice, else their org's default (tracpro.i18n.resolve_language).
Before signing in there is no user yet: the browser's language when TracPro has it, else English.
Right-to-left languages turn the whole page around (sidebar, text, tables) with a few CSS rules.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from tracpro.i18n import LANGUAGES, is_right_to_left, set_language_source

LANGUAGE = "tracpro_language"


def _tab_language() -> str | None:
    # Outside a script run (the sync job, a read model called from a test) there is no tab.
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get(LANGUAGE)


set_language_source(_tab_language)


def browser_language() -> str:
    """The browser's preferred language when TracPro speaks it (`fr-CA` → `fr`), else English."""
    locale = (getattr(st.context, "locale", None) or "").split("-")[0].lower()
    return locale if locale in LANGUAGES else "en"


def choose_language(code: str | None) -> None:
    """This tab's language from now on (chosen before anything is drawn on a rerun)."""
    st.session_state[LANGUAGE] = code if code in LANGUAGES else "en"


def tab_language() -> str:
    """The language this tab used last (the browser's before anyone signed in)."""
    return st.session_state.get(LANGUAGE) or browser_language()


def apply_direction() -> None:
    """Turn the page around for a right-to-left language (once per rerun, after the choice)."""
    if is_right_to_left(st.session_state.get(LANGUAGE)):
        st.html(_RIGHT_TO_LEFT_CSS)


# Streamlit has no right-to-left mode. The page's content and the sidebar's content read from
# the right (text, form labels, tables' column order); the sidebar itself stays where Streamlit
# puts it, because its phone drawer slides in from the left and, mirrored, would leave a sliver
# of itself over the page. Charts are SVG that place their own text (Arabic still reads right).
_RIGHT_TO_LEFT_CSS = """
<style>
[data-testid="stMain"], [data-testid="stSidebarContent"] { direction: rtl; }
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], [data-testid="stWidgetLabel"],
[data-testid="stHeading"], [data-testid="stAlertContainer"], [data-testid="stMetric"] { text-align: right; }
/* Numbers, codes and passwords stay left-to-right inside the mirrored page. */
code, input[type="number"], input[type="password"] { direction: ltr; }
</style>
"""
