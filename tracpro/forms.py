"""What every form shares below the pages: the error it raises, and the checks on free text.

A form's validation collects every problem before it changes anything, then raises one
`FormErrors`; the page that called it shows them beside its form
(tracpro.ui.forms.show_form_errors), labelled as on the form.

PostgreSQL refuses NUL characters outright, and other control characters (pasted from
spreadsheets, terminals) make names unreadable and SMS text unsendable; a form names the
problem instead of failing on save.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tracpro.i18n import N_, _

GENERAL = "__all__"  # the key of problems with the form as a whole rather than one field


class FormErrors(ValueError):
    """A submitted form was refused, with every problem in words a user reads.

    `errors` maps a field's name (or GENERAL, for the form as a whole) to that field's messages,
    in order, never an empty list; the messages are already in the user's language. Whoever
    raises it has changed nothing. The constructor takes one message or several for a field.
    """

    def __init__(self, errors: Mapping[str, str | Sequence[str]]):
        self.errors: dict[str, list[str]] = {
            field: [messages] if isinstance(messages, str) else list(messages) for field, messages in errors.items()
        }
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in self.errors.items()))


# Marked here, translated where a form shows them: `_(REQUIRED)`.
REQUIRED = N_("This field is required.")
# Tabs and line breaks are fine in multi-line text; every other C0 control and DEL is not.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTERS = N_("Remove the invisible control characters from this text.")


def text_problem(value: str | None, *, required: bool = True, max_length: int | None = None,
                 multiline: bool = False) -> str | None:
    """What is wrong with a text field (its surrounding spaces ignored), or None."""
    text = (value or "").strip()
    if not text:
        return _(REQUIRED) if required else None
    if (_CONTROL_IN_TEXT if multiline else _CONTROL_IN_LINE).search(text):
        return _(CONTROL_CHARACTERS)
    if max_length is not None and len(text) > max_length:
        return _("Ensure this value has at most {limit} characters (it has {length}).").format(
            limit=max_length, length=len(text)
        )
    return None
