"""An org for the indicator, comparison and map pages (fixed dates, Africa/Kigali).

Regions: Country > North > Gicumbi, Country > South, Country > East. North, South and Gicumbi
have boundaries (squares side by side); East has none. An admin, and a supervisor of North.

"Girls' attendance" (y-axis "Pupils", September 2026): baseline "Enrollment: Girls enrolled"
asked on Sep 1 (Nina of North 10, Sam of South 20, Gina of Gicumbi 6), follow-up
"Attendance: Girls present" asked on Sep 8 (Nina 8, Sam 15, Gina 4) and Sep 15 (Nina 9,
Sam 17, Gina 6). So, for the admin: baseline 36, follow-up sums 27 and 32 (mean 29.5, SD 2.5);
for North's supervisor (North and Gicumbi): baseline 16, sums 12 and 15 (mean 13.5, SD 1.5).
"Was the school open?" on the follow-up dates: North Yes, Yes; South No, Yes; Gicumbi Yes, No.

"Weekly check" was asked on three October dates to five people in South and five in North:
everyone answered on the first two; on the last, only one in South did (a participation alert).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from tests import factories as f
from tracpro.db.models import QuestionType, ResponseStatus, Role
from tracpro.sync.summaries import refresh_summaries

ADMIN = "admin@example.org"
SUPERVISOR = "north@example.org"
TERM = (date(2026, 9, 1), date(2026, 9, 30))
FOLLOW_UPS = (date(2026, 9, 8), date(2026, 9, 15))


@dataclass
class IndicatorWorld:
    org_id: int
    indicator_id: int
    enrollment_poll_id: int
    attendance_poll_id: int
    follow_up_pollrun_id: int  # Sep 15
    regions: dict[str, int] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, int] = field(default_factory=dict)


def square(x: float):
    """A unit square, clockwise (as sync stores rings), `x` degrees east."""
    return {"type": "MultiPolygon", "coordinates": [[[[x, 0], [x, 1], [x + 1, 1], [x + 1, 0], [x, 0]]]]}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC)


def build_indicator_world(db, *, boundaries: bool = True) -> IndicatorWorld:
    org = f.OrgFactory(name="Ministry of Education", timezone="Africa/Kigali")

    def boundary(x: float, level: int = 1):
        return f.BoundaryFactory(org=org, level=level, geometry=square(x)) if boundaries else None

    country = f.RegionFactory(org=org, name="Country")
    north = f.RegionFactory(org=org, name="North", parent=country, boundary=boundary(30))
    gicumbi = f.RegionFactory(org=org, name="Gicumbi", parent=north, boundary=boundary(30.2, 2))
    south = f.RegionFactory(org=org, name="South", parent=country, boundary=boundary(31))
    east = f.RegionFactory(org=org, name="East", parent=country)
    f.MembershipFactory(org=org, role=Role.ADMIN, user__login=ADMIN, user__name="Ada Admin")
    f.MembershipFactory(org=org, role=Role.SUPERVISOR, regions=[north], user__login=SUPERVISOR,
                        user__name="Nora North")

    enrollment = f.PollFactory(org=org, rapidpro_name="Enrollment")
    enrolled = f.QuestionFactory(poll=enrollment, rapidpro_name="Girls enrolled", question_type=QuestionType.NUMERIC)
    attendance = f.PollFactory(org=org, rapidpro_name="Attendance")
    present = f.QuestionFactory(poll=attendance, rapidpro_name="Girls present", question_type=QuestionType.NUMERIC,
                                order=1)
    open_ = f.QuestionFactory(poll=attendance, rapidpro_name="Was the school open?", order=2,
                              question_type=QuestionType.CATEGORICAL, categories=["Yes", "No", "Other"])
    people = {name: f.ContactFactory(org=org, name=name, region=region)
              for name, region in (("Nina", north), ("Sam", south), ("Gina", gicumbi))}

    pollrun_responses: dict = {}  # one response per (pollrun, contact), holding all its answers

    def answer(pollrun, contact, question, value, category=None):
        if (pollrun.id, contact.id) not in pollrun_responses:
            pollrun_responses[pollrun.id, contact.id] = f.ResponseFactory(
                org_id=org.id, pollrun=pollrun, contact=contact, created_on=pollrun.conducted_on,
                updated_on=pollrun.conducted_on)
        response = pollrun_responses[pollrun.id, contact.id]
        number = float(value) if value.isdigit() else None
        f.AnswerFactory(response=response, question=question, value=value, value_number=number,
                        category=category, submitted_on=pollrun.conducted_on)

    baseline = f.PollRunFactory(poll=enrollment, conducted_on=_at(TERM[0]))
    for name, value in (("Nina", "10"), ("Sam", "20"), ("Gina", "6")):
        answer(baseline, people[name], enrolled, value)
    follow_ups = [f.PollRunFactory(poll=attendance, conducted_on=_at(day)) for day in FOLLOW_UPS]
    for pollrun, values in zip(follow_ups, ({"Nina": ("8", "Yes"), "Sam": ("15", "No"), "Gina": ("4", "Yes")},
                                            {"Nina": ("9", "Yes"), "Sam": ("17", "Yes"), "Gina": ("6", "No")}),
                               strict=True):
        for name, (number, category) in values.items():
            answer(pollrun, people[name], present, number)
            answer(pollrun, people[name], open_, category.lower(), category)
    indicator = f.BaselineTermFactory(
        org_id=org.id, name="Girls' attendance", baseline_question=enrolled, follow_up_question=present,
        baseline_poll_id=enrollment.id, follow_up_poll_id=attendance.id, start_date=TERM[0], end_date=TERM[1],
        y_axis_title="Pupils")

    weekly = f.PollFactory(org=org, rapidpro_name="Weekly check")
    reporters = {region.name: [f.ContactFactory(org=org, region=region) for _ in range(5)] for region in (north, south)}
    for day in (date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19)):
        pollrun = f.PollRunFactory(poll=weekly, conducted_on=_at(day))
        for region, contacts in reporters.items():
            for number, contact in enumerate(contacts):
                silent = day.day == 19 and region == "South" and number > 0
                f.ResponseFactory(org_id=org.id, pollrun=pollrun, contact=contact,
                                  status=ResponseStatus.EMPTY if silent else ResponseStatus.COMPLETE)
    db.flush()
    refresh_summaries(db, org.id)  # as the sync job does after writing responses (Home's alerts read them)
    return IndicatorWorld(
        org.id, indicator.id, enrollment.id, attendance.id, follow_ups[1].id,
        regions={r.name: r.id for r in (country, north, gicumbi, south, east)},
        questions={"enrolled": enrolled.id, "present": present.id, "open": open_.id},
        contacts={name: contact.id for name, contact in people.items()},
    )
