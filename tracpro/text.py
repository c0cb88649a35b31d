"""Untrusted text (names, answers and messages from RapidPro's contacts, whatever users type) shown
as the text it is, never as formatting.

Two renderers would otherwise read it as markup:

- Streamlit renders Markdown in st.title/header/subheader/caption/markdown/info/success/warning/
  error/toast/table/metric, in widget and tab labels, button labels, radio options and help texts:
  a contact named `![x](http://host/p.png)` would make every viewer's browser fetch that image.
  `escape_markdown` is for those. Selectbox and multiselect options, st.dataframe cells and
  headings, st.text, st.code and a chart's `alt` show text as it is: they take the raw text.
- Plotly renders a subset of HTML (<b>, <a href>, <br> ...) in legends, titles, axis and tick
  labels, hover texts and annotations. `escape_plotly` is for those.

Both are applied where the text meets its renderer (a page's sentence, a chart's labels), so the
data itself stays raw for comparisons, links and downloads.
"""

from __future__ import annotations

import re

# CommonMark lets a backslash make any ASCII punctuation character literal, and Streamlit's own
# additions (:red[...], :material/icon:, :emoji:, $math$) all start with one of them.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's extended autolinks (www.host and name@host) are found in the text after backslashes
# are read, so escaping cannot stop them; an invisible word joiner after "www" and "@" does.
_AUTOLINK_STARTS = re.compile(r"www(?=\\\.)|\\@", re.IGNORECASE)
WORD_JOINER = "\u2060"


def escape_markdown(text: object) -> str:
    """`text` as Streamlit's Markdown shows it letter for letter: no emphasis, link, image, HTML,
    heading, list, code, math, colour, icon or emoji can come of it. Put it into a Markdown string
    (a title, a caption, a label, an alert ...) only through this; never into a place that shows text
    as it is (a selectbox option, a dataframe cell), where the backslashes would show."""
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", str(text))
    return _AUTOLINK_STARTS.sub(lambda found: found.group(0) + WORD_JOINER, escaped)


def escape_plotly(text: object) -> str:
    """`text` as a Plotly label, legend entry, title, annotation or hover text shows it letter for
    letter: its <, > and & escaped, which Plotly turns back into those characters when it draws."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_read(markdown: str) -> str:
    """Markdown as a person reads its escaped parts (escape_markdown undone: the backslashes and
    word joiners dropped); what is still markup (**bold**) stays as it is. For reports and tests
    that read what the app sent, not for showing anything."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")
