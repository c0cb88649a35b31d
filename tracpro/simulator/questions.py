"""Poll questions: their router cases, and the answers contacts give to them.

Each answer is run through the same case tests the flow engine applies (first matching
case wins; numbers are "the first number found that passes the test"; no match falls to
the default category with the whole text as value), so a run's ``value``/``category`` is
always what RapidPro would have stored for that text under the published definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .flow_results import snakify
from .vocab import ABOUT, LANGUAGES, NOT_A_NUMBER, OPEN_TEXT

Case = tuple[str, list[str], str]  # (test type, arguments, category name)


@dataclass(frozen=True)
class Question:
    name: str  # result name; the result key is its snakified form (as the engine makes it)
    text: str
    kind: str  # "choice" | "numeric" | "open"
    cases: list[Case] = field(default_factory=list)
    timeout: int | None = None  # seconds; adds a "No Response" category
    # Whose answer slot it is (school_answer_slots): None, the run's; "school", the contact's school
    # (the same number every time); "school-week", the school's size with this run's share of it.
    steady: str | None = None
    # language -> [(raw text, weight)]
    answers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return snakify(self.name)

    @property
    def default_category(self) -> str:
        return "All Responses" if not self.cases else "Other"

    @property
    def categories(self) -> list[str]:
        names: list[str] = []
        for _, _, cat in self.cases:
            if cat not in names:
                names.append(cat)
        names.append(self.default_category)
        if self.timeout:
            names.append("No Response")
        return names


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORD = re.compile(r"\w+")


def _num(text: str) -> Decimal:
    return Decimal(text)


def _fmt(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s


def evaluate(q: Question, text: str) -> tuple[str, str]:
    """(value, category) the engine stores for this input text."""
    for test, args, category in q.cases:
        match = _test(test, args, text)
        if match is not None:
            return match, category
    return text, q.default_category


def _test(test: str, args: list[str], text: str) -> str | None:
    if test == "has_any_word":
        wanted = {w.lower() for w in args[0].split()}
        hits = [w for w in _WORD.findall(text) if w.lower() in wanted]
        return " ".join(hits) if hits else None
    if test.startswith("has_number"):
        for raw in _NUMBER.findall(text):
            try:
                n = _num(raw)
            except InvalidOperation:  # pragma: no cover - the regex only finds numbers
                continue
            if _passes(test, [_num(a) for a in args], n):
                return _fmt(n)
        return None
    raise ValueError(f"unsupported test {test}")


def _passes(test: str, a: list[Decimal], n: Decimal) -> bool:
    return {
        "has_number": lambda: True,
        "has_number_between": lambda: a[0] <= n <= a[1],
        "has_number_lt": lambda: n < a[0],
        "has_number_lte": lambda: n <= a[0],
        "has_number_eq": lambda: n == a[0],
        "has_number_gte": lambda: n >= a[0],
        "has_number_gt": lambda: n > a[0],
    }[test]()


def _words(cases_by_lang: dict[str, list[tuple[str, int]]]) -> dict[str, list[tuple[str, int]]]:
    return {lang: cases_by_lang.get(lang, cases_by_lang["eng"]) for lang in LANGUAGES}


def _numbers(values: list[tuple[str, int]], other_weight: int) -> dict[str, list[tuple[str, int]]]:
    """Numeric answers: the bare number, "about N" in the contact's language, and some
    text that is not a number at all (categorised Other)."""
    out = {}
    for lang in LANGUAGES:
        opts = [(v, w * 5) for v, w in values] + [(ABOUT[lang].format(v), w) for v, w in values[::3]]
        opts += [(t, other_weight) for t in NOT_A_NUMBER[lang]]
        out[lang] = opts
    return out


def _open(theme: str) -> dict[str, list[tuple[str, int]]]:
    return {lang: [(t, 1) for t in OPEN_TEXT[theme][lang]] for lang in LANGUAGES}


# A school's size: one of SCHOOL_STEPS steps of one of the bands of enrolment (the first of each
# band, 180 to 1,250 pupils, each band 13 % above the one before); and the shares of its band's
# first enrolment that come to school on a given day, so a school's attendance never passes its
# own enrolment. SCHOOL_BANDS x SCHOOL_STEPS answers fill a question's SLOTS (flows.answer_slots).
SCHOOL_BANDS = [round(180 * (1250 / 180) ** (band / 16)) for band in range(17)]
SCHOOL_STEPS = 4
ATTENDANCE_SHARES = [0.81, 0.86, 0.90, 0.94]
SCHOOL_CASES: list[Case] = [
    ("has_number_lt", ["300"], "Under 300"), ("has_number_between", ["300", "599"], "300 - 599"),
    ("has_number_between", ["600", "899"], "600 - 899"), ("has_number_gte", ["900"], "900 or more"),
]


def _enrolments() -> dict[str, list[tuple[str, int]]]:
    """The answers slot by slot: band b, step s at slot SCHOOL_STEPS * b + s."""
    values = [str(low + step * (high - low) // SCHOOL_STEPS)
              for low, high in zip(SCHOOL_BANDS, SCHOOL_BANDS[1:], strict=False) for step in range(SCHOOL_STEPS)]
    return {lang: [(v, 1) for v in values] for lang in LANGUAGES}


def _attendances() -> dict[str, list[tuple[str, int]]]:
    values = [str(round(low * share)) for low in SCHOOL_BANDS[:-1] for share in ATTENDANCE_SHARES]
    return {lang: [(v, 1) for v in values] for lang in LANGUAGES}


YES = "yes y oui yego ndiyo نعم"
NO = "no n non oya hapana لا"

LIBRARY: dict[str, Question] = {q.name: q for q in [
    Question("Clean Water", "Does your school have clean water today? Reply YES or NO.", "choice",
             [("has_any_word", [YES], "Yes"), ("has_any_word", [NO], "No")],
             answers=_words({"eng": [("Yes", 6), ("yes we do", 2), ("No", 4), ("Y", 1), ("sometimes", 1)],
                             "fra": [("Oui", 6), ("non", 4), ("parfois", 1)],
                             "kin": [("Yego", 6), ("Oya", 4), ("rimwe na rimwe", 1)],
                             "swa": [("Ndiyo", 6), ("Hapana", 4), ("wakati mwingine", 1)],
                             "ara": [("نعم", 6), ("لا", 4), ("أحيانا", 1)]})),
    Question("Food Prices", "Are food prices at the market going UP, SAME or DOWN?", "choice",
             [("has_any_word", ["up rising high hausse juu hejuru ارتفاع"], "Up"),
              ("has_any_word", ["same stable meme sawa kimwe نفس"], "Same"),
              ("has_any_word", ["down falling low bas chini hasi انخفاض"], "Down")],
             answers=_words({"eng": [("UP", 5), ("prices are rising", 2), ("same", 3), ("down", 2), ("no idea", 1)],
                             "fra": [("hausse", 5), ("meme", 3), ("bas", 2), ("je ne sais pas", 1)],
                             "kin": [("hejuru", 5), ("kimwe", 3), ("hasi", 2), ("simbizi", 1)],
                             "swa": [("juu", 5), ("sawa", 3), ("chini", 2), ("sijui", 1)],
                             "ara": [("ارتفاع", 5), ("نفس", 3), ("انخفاض", 2), ("لا أعرف", 1)]})),
    Question("Main Crop", "What is your main crop this season? MAIZE, BEANS, RICE or CASSAVA?", "choice",
             [("has_any_word", ["maize mais ibigori mahindi ذرة"], "Maize"),
              ("has_any_word", ["corn"], "Maize"),  # two cases, one category (like Blue/Navy)
              ("has_any_word", ["beans haricots ibishyimbo maharagwe فاصوليا"], "Beans"),
              ("has_any_word", ["rice riz umuceri mchele أرز"], "Rice"),
              ("has_any_word", ["cassava manioc imyumbati muhogo كسافا"], "Cassava")],
             answers=_words({"eng": [("Maize", 5), ("corn", 2), ("beans", 4), ("rice", 2), ("cassava", 3),
                                     ("bananas", 1)],
                             "fra": [("mais", 5), ("haricots", 4), ("riz", 2), ("manioc", 3), ("bananes", 1)],
                             "kin": [("ibigori", 5), ("ibishyimbo", 4), ("umuceri", 2), ("imyumbati", 3),
                                     ("ibitoki", 1)],
                             "swa": [("mahindi", 5), ("maharagwe", 4), ("mchele", 2), ("muhogo", 3), ("ndizi", 1)],
                             "ara": [("ذرة", 5), ("فاصوليا", 4), ("أرز", 2), ("كسافا", 3), ("موز", 1)]})),
    Question("Medicine Stock", "Did your facility receive medicines this week? Reply YES or NO.", "choice",
             [("has_any_word", [YES], "Yes"), ("has_any_word", [NO], "No")], timeout=86400,
             answers=_words({"eng": [("yes", 5), ("no", 4), ("not sure", 1)],
                             "fra": [("oui", 5), ("non", 4), ("pas sûr", 1)],
                             "kin": [("yego", 5), ("oya", 4), ("sinzi neza", 1)],
                             "swa": [("ndiyo", 5), ("hapana", 4), ("sina uhakika", 1)],
                             "ara": [("نعم", 5), ("لا", 4), ("غير متأكد", 1)]})),
    Question("Latrines Working", "How many latrines are working at your school?", "numeric",
             [("has_number_eq", ["0"], "None"), ("has_number_between", ["1", "4"], "1 - 4"),
              ("has_number_between", ["4", "10"], "4 - 10"), ("has_number_gt", ["10"], "More than 10")],
             answers=_numbers([(str(n), w) for n, w in
                               [(0, 2), (1, 2), (2, 3), (3, 3), (4, 4), (5, 3), (6, 3), (8, 2), (10, 2), (12, 1),
                                (15, 1)]], 1)),
    Question("Students Present", "How many students attended school today?", "numeric",
             [("has_number_lt", ["20"], "Under 20"), ("has_number_between", ["20", "50"], "20 - 50"),
              ("has_number_between", ["50", "100"], "50 - 100"), ("has_number_gt", ["100"], "Over 100")],
             answers=_numbers([(str(n), 1 + (n % 3)) for n in
                               [8, 15, 19, 20, 24, 31, 38, 42, 47, 50, 55, 63, 71, 88, 99, 100, 112, 140]], 1)),
    Question("Hours of Rain", "How many hours did it rain yesterday? (e.g. 2.5)", "numeric",
             [("has_number_between", ["0", "2.5"], "Light"), ("has_number_between", ["2.5", "6"], "Moderate"),
              ("has_number_gt", ["6"], "Heavy")],
             answers=_numbers([(v, w) for v, w in
                               [("0", 4), ("0.5", 2), ("1", 3), ("1.5", 2), ("2.5", 3), ("3", 2), ("3.75", 1),
                                ("4.5", 2), ("6", 1), ("7.25", 1), ("9", 1)]], 1)),
    Question("Service Rating", "How would you rate the service, from 1 (bad) to 5 (excellent)?", "numeric",
             [("has_number_eq", [str(n)], str(n)) for n in range(1, 6)],
             answers=_numbers([("1", 1), ("2", 2), ("3", 4), ("4", 5), ("5", 4), ("7", 1)], 1)),
    Question("Patients Seen", "How many patients did you see this week?", "numeric",
             [("has_number_lt", ["25"], "Less than 25"), ("has_number_between", ["25", "50"], "25 - 50"),
              ("has_number_gt", ["50"], "More than 50")],
             answers=_numbers([(str(n), 1 + n % 2) for n in [3, 9, 14, 22, 25, 30, 41, 50, 58, 76, 120]], 1)),
    Question("Pupils Enrolled", "How many pupils are enrolled at your school this term?", "numeric",
             SCHOOL_CASES, answers=_enrolments(), steady="school"),
    Question("Pupils Present", "How many pupils came to school today?", "numeric",
             SCHOOL_CASES, answers=_attendances(), steady="school-week"),
    Question("Water Point Working", "Is your school's water point working today? Reply YES or NO.", "choice",
             [("has_any_word", [YES], "Yes"), ("has_any_word", [NO], "No")], timeout=86400,
             answers=_words({"eng": [("Yes", 7), ("yes it works", 1), ("No", 3), ("broken", 1)],
                             "fra": [("Oui", 7), ("non", 3), ("en panne", 1)],
                             "kin": [("Yego", 7), ("Oya", 3), ("ryarapfuye", 1)],
                             "swa": [("Ndiyo", 7), ("Hapana", 3), ("imeharibika", 1)],
                             "ara": [("نعم", 7), ("لا", 3), ("معطل", 1)]})),
    Question("School Meal", "Did the pupils get a meal at school today? Reply YES or NO.", "choice",
             [("has_any_word", [YES], "Yes"), ("has_any_word", [NO], "No")],
             answers=_words({"eng": [("yes", 6), ("no", 3), ("only some", 1)],
                             "fra": [("oui", 6), ("non", 3), ("seulement certains", 1)],
                             "kin": [("yego", 6), ("oya", 3), ("bamwe gusa", 1)],
                             "swa": [("ndiyo", 6), ("hapana", 3), ("baadhi tu", 1)],
                             "ara": [("نعم", 6), ("لا", 3), ("البعض فقط", 1)]})),
    Question("Children Vaccinated", "How many children did you vaccinate this week?", "numeric",
             [("has_number_lt", ["10"], "Under 10"), ("has_number_between", ["10", "29"], "10 - 29"),
              ("has_number_gte", ["30"], "30 or more")],
             answers=_numbers([(str(n), 1 + n % 3) for n in [0, 4, 7, 9, 12, 15, 18, 22, 26, 31, 35, 44, 52]], 1)),
    Question("Biggest Problem", "What is the biggest problem at your school this week?", "open",
             answers=_open("problem")),
    Question("Suggestions", "What should the programme improve?", "open", answers=_open("improve")),
]}
