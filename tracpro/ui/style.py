"""Page-wide style: the few places where Streamlit's defaults do not suit TracPro."""

from __future__ import annotations

import streamlit as st

# st.html with nothing but a <style> block takes no room on the page.
_CSS = """
<style>
/* The login cookie's manager (tracpro.ui.login_cookie) is a set of invisible (zero-height) component
   iframes; without this each would still take a row of blank space at the top of the page. */
div[data-testid="stElementContainer"]:has(iframe[height="0"]) { display: none; }
/* On a touch screen there is no hover, so every table's and chart's toolbar (search, download,
   fullscreen) would stay drawn over the line above it; show it once the element is tapped. */
@media (hover: none) {
  [data-testid="stElementToolbar"] { opacity: 0; pointer-events: none; }
  [data-testid="stElementContainer"]:focus-within [data-testid="stElementToolbar"] {
    opacity: 1; pointer-events: auto;
  }
}
</style>
"""


def apply_style() -> None:
    st.html(_CSS)
