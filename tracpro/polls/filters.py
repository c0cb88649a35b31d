"""The filters of poll pages, as plain values.

A `PollFilters` is frozen and hashable (part of cache keys), and travels in the URL's query
parameters so a supervisor can share exactly what they see. Dates are the org's local dates;
the end date is included (queries use `< end + 1 day`).
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracpro.db.search import search_text
from tracpro.i18n import N_, _


class FilterError(ValueError):
    """A filter value that cannot be used; the message is shown as is."""


# Labels marked here, translated where they are read (`.label`, at render time).
_DATE_RANGE_LABELS = {
    "month": N_("Current month"),
    "30-days": N_("Last 30 days"),
    "60-days": N_("Last 60 days"),
    "90-days": N_("Last 90 days"),
    "6-months": N_("Last 6 months"),
    "12-months": N_("Last 12 months"),
    "custom": N_("Custom range"),
}
_NUMERIC_LABELS = {
    "sum": N_("Sum of responses"), "average": N_("Average of responses"), "response-rate": N_("Response rate"),
}


class DateRange(enum.StrEnum):
    MONTH = "month"
    DAYS_30 = "30-days"
    DAYS_60 = "60-days"
    DAYS_90 = "90-days"
    MONTHS_6 = "6-months"
    MONTHS_12 = "12-months"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return _(_DATE_RANGE_LABELS[self.value])


# The period a poll opens on. The original TracPro opened on the current month, which early in a
# month holds no poll date or a single one: a chart of one dot, or none. Ninety days show a trend.
DEFAULT_DATE_RANGE = DateRange.DAYS_90


class NumericDisplay(enum.StrEnum):
    SUM = "sum"
    AVERAGE = "average"
    RESPONSE_RATE = "response-rate"

    @property
    def label(self) -> str:
        return _(_NUMERIC_LABELS[self.value])


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Period:
    """Dates shown to the user, both included; either may be open (None)."""

    start: date | None
    end: date | None

    def bounds(self, timezone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """[start, end + 1 day) as moments of the org's local midnights."""
        start = datetime.combine(self.start, time(), timezone) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), time(), timezone) if self.end else None
        return start, end


def _custom_period(start: date | None, end: date | None) -> Period:
    """A custom range: at least one end given, and the start not after the end."""
    if start is None and end is None:
        raise FilterError(_("Please choose a start date or an end date."))
    if start is not None and end is not None and start > end:
        raise FilterError(_("End date must be after start date."))
    return Period(start, end)


def period_of(date_range: DateRange, today: date, start: date | None = None, end: date | None = None) -> Period:
    """The dates a preset stands for on `today` (a custom range keeps its own, validated)."""
    if date_range == DateRange.CUSTOM:
        return _custom_period(start, end)
    if date_range == DateRange.MONTH:
        return Period(today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1]))
    if date_range in (DateRange.MONTHS_6, DateRange.MONTHS_12):
        return Period(_months_before(today, 6 if date_range == DateRange.MONTHS_6 else 12), today)
    days = {DateRange.DAYS_30: 30, DateRange.DAYS_60: 60, DateRange.DAYS_90: 90}[date_range]
    return Period(today - timedelta(days=days), today)


def _parse_date(value: str | None) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise FilterError(_("Please enter a valid date.")) from error


@dataclass(frozen=True)
class PollFilters:
    date_range: DateRange = DEFAULT_DATE_RANGE
    start: date | None = None
    end: date | None = None
    numeric: NumericDisplay = NumericDisplay.SUM
    split_regions: bool = False
    # (field key, text) pairs, sorted: contacts whose field contains the text, case-insensitively.
    contact_fields: tuple[tuple[str, str], ...] = ()

    def period(self, today: date) -> Period:
        return period_of(self.date_range, today, self.start, self.end)

    def with_contact_fields(self, values: Mapping[str, str]) -> PollFilters:
        texts = {key: search_text(text) for key, text in values.items()}  # from the address: anyone's to write
        kept = tuple(sorted((key, text) for key, text in texts.items() if text))
        return replace(self, contact_fields=kept)

    def to_query(self, numeric_default: NumericDisplay = NumericDisplay.SUM) -> dict[str, str]:
        """The filters as URL query parameters (defaults left out; a page may have its own
        default numeric display)."""
        query = {}
        if self.date_range != DEFAULT_DATE_RANGE:
            query["date_range"] = self.date_range.value
        if self.date_range == DateRange.CUSTOM:
            query.update({k: v.isoformat() for k, v in (("start", self.start), ("end", self.end)) if v})
        if self.numeric != numeric_default:
            query["numeric"] = self.numeric.value
        if self.split_regions:
            query["split_regions"] = "1"
        query.update({f"contact_{key}": text for key, text in self.contact_fields})
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str], numeric_default: NumericDisplay = NumericDisplay.SUM
                   ) -> PollFilters:
        """Filters from URL query parameters; bad values raise FilterError with the reason."""
        try:
            date_range = DateRange(query.get("date_range", DEFAULT_DATE_RANGE.value))
        except ValueError as error:
            raise FilterError(_("Select a valid choice. {value} is not one of the available choices.").format(
                value=query.get("date_range"))) from error
        try:
            numeric = NumericDisplay(query.get("numeric", numeric_default.value))
        except ValueError as error:
            raise FilterError(_("Select a valid choice. {value} is not one of the available choices.").format(
                value=query.get("numeric"))) from error
        # Presets ignore any dates given with them, and their errors.
        start = end = None
        if date_range == DateRange.CUSTOM:
            start, end = _parse_date(query.get("start")), _parse_date(query.get("end"))
            _custom_period(start, end)  # validates: a custom range does not depend on the day
        filters = cls(date_range, start, end, numeric, query.get("split_regions") in ("1", "true", "on"))
        fields = {key.removeprefix("contact_"): value for key, value in query.items() if key.startswith("contact_")}
        return filters.with_contact_fields(fields)
