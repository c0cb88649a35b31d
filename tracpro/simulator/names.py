"""Contacts' names: Rwandan-style names in the contact's language, distinct within a workspace.

Each language has its given names (women's, then men's) and family names; a contact's name is
one cell of that language's given x family table, chosen by an affine permutation of the
contact's index. Two contacts of one language share a name only when the workspace has more
contacts than the table has cells (the demo's tables hold 2,400 names each, its workspaces about
2,000 contacts; the larger tiers repeat some), and the languages' given names never overlap, so
the demo's names are all distinct. A small share of contacts have no name at all, as in RapidPro
(contacts who texted in and were never named): TracPro shows their phone number instead.
"""

from __future__ import annotations

import json

import numpy as np

from .hashing import AffinePerm, vh
from .vocab import LANGUAGES

NO_NAME_PERCENT = 3

# Rwanda's family names, shared by speakers of every language written in Latin script.
_FAMILY = [
    "Niyonzima", "Uwamahoro", "Nsengimana", "Mukamana", "Hakizimana", "Iradukunda", "Tuyisenge", "Uwimana",
    "Habimana", "Ndayisaba", "Ingabire", "Nkurunziza", "Mukeshimana", "Umutoni", "Ntwari", "Rukundo",
    "Munyaneza", "Nyirahabimana", "Mukandayisenga", "Habyarimana", "Ndagijimana", "Kayitesi", "Mukamurenzi",
    "Uwineza", "Twagirayezu", "Niyomugabo", "Nsabimana", "Hategekimana", "Ngabonziza", "Mutabazi",
    "Karangwa", "Rwigema", "Byiringiro", "Nizeyimana", "Mukasine", "Umuhoza", "Ndahiro", "Murenzi",
    "Kabera", "Sibomana", "Mushimiyimana", "Nyiransabimana", "Rutayisire", "Nkusi", "Butera", "Kamanzi",
    "Dusabe", "Niyonsaba", "Mugabo", "Uwera", "Nshimiyimana", "Harerimana", "Bizimungu", "Gatera",
    "Mukarugwiza", "Ntirenganya", "Uwizeye", "Twizeyimana", "Nzabonimpa", "Rwabuhihi",
]
_ARABIC_FAMILY = [
    "الحسن", "الأمين", "عبد الله", "إبراهيم", "يوسف", "سليمان", "الخطيب", "النور", "الطيب", "الشريف",
    "المهدي", "البشير", "الصادق", "عثمان", "الفاضل", "حامد", "الزين", "عوض", "بابكر", "الماحي",
    "عبد الرحمن", "عبد الكريم", "مصطفى", "إدريس", "الحاج", "موسى", "آدم", "عيسى", "حسين", "جعفر",
]
_ARABIC_MEN = ["أحمد", "محمد", "علي", "حسن", "عمر", "يوسف", "إبراهيم", "خالد", "سليمان", "عثمان",
               "مصطفى", "طارق", "حمزة", "عادل", "سامي", "كريم", "ياسين", "بلال", "صالح", "نبيل"]

# language -> (women's given names, men's given names, family names)
GIVEN_AND_FAMILY: dict[str, tuple[list[str], list[str], list[str]]] = {
    "eng": (["Grace", "Esther", "Ruth", "Sarah", "Joy", "Diana", "Gloria", "Sandra", "Peace", "Mercy", "Brenda",
             "Doreen", "Joyce", "Patience", "Rebecca", "Vanessa", "Christine", "Alice", "Lydia", "Stella"],
            ["David", "Peter", "James", "Paul", "Daniel", "Patrick", "Samuel", "Moses", "Frank", "Richard",
             "Denis", "Kevin", "Robert", "Joseph", "Brian", "Isaac", "Simon", "Henry", "Geoffrey", "Andrew"],
            _FAMILY),
    "fra": (["Marie Claire", "Claudine", "Josiane", "Aline", "Chantal", "Solange", "Jeanne", "Béatrice", "Odette",
             "Clémentine", "Francine", "Immaculée", "Vestine", "Espérance", "Yvonne", "Agnès", "Liliane",
             "Pascaline", "Germaine", "Delphine"],
            ["Jean Bosco", "Jean Claude", "Emmanuel", "Olivier", "Eric", "Théogène", "Innocent", "Fabrice",
             "Célestin", "Jean Paul", "Alphonse", "Évariste", "Félicien", "Jean Damascène", "Pacifique", "Aimable",
             "Fidèle", "Janvier", "Gilbert", "Thierry"],
            _FAMILY),
    "kin": (["Keza", "Ineza", "Teta", "Mahoro", "Shimwa", "Gikundiro", "Isaro", "Kaneza", "Inema", "Mugeni",
             "Nyambo", "Ikirezi", "Umurerwa", "Mwiza", "Akaliza", "Uwase", "Ishema", "Belyse", "Nziza", "Kirezi"],
            ["Mugisha", "Nshuti", "Gatete", "Manzi", "Kwizera", "Gasana", "Ganza", "Shema", "Cyusa", "Hirwa",
             "Ngabo", "Kalisa", "Muhire", "Sugira", "Mucyo", "Ishimwe", "Irakoze", "Gakwaya", "Rugamba", "Nkunda"],
            _FAMILY),
    "swa": (["Amina", "Neema", "Rehema", "Zawadi", "Upendo", "Mwanaisha", "Halima", "Saida", "Mariamu", "Asha",
             "Zuhura", "Furaha", "Imani", "Tumaini", "Salma", "Rukia", "Zainabu", "Husna", "Mwajuma", "Subira"],
            ["Amani", "Baraka", "Juma", "Hamisi", "Faraji", "Salim", "Athumani", "Rashidi", "Hassani", "Omari",
             "Bakari", "Idrisa", "Musa", "Shabani", "Ramadhani", "Abdallah", "Issa", "Yusufu", "Hamza", "Saidi"],
            _FAMILY),
    # Arabic names in Arabic script, as given name, father's name, family name.
    "ara": (["فاطمة", "عائشة", "مريم", "زينب", "خديجة", "آمنة", "سارة", "ليلى", "نور", "هدى", "سلمى", "رقية",
             "حليمة", "أسماء", "سعاد", "منى", "هالة", "ريم", "لبنى", "سمية"],
            _ARABIC_MEN,
            [f"{father} {family}" for father in _ARABIC_MEN[:10] for family in _ARABIC_FAMILY]),
}


def _table() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every name, languages one after another (the last cell: no name), each name's gender, and
    per language its first cell and number of cells."""
    names: list[str | None] = []
    genders: list[str | None] = []
    offsets, sizes = [], []
    for code in LANGUAGES:
        women, men, family = GIVEN_AND_FAMILY[code]
        offsets.append(len(names))
        for given, gender in [(name, "female") for name in women] + [(name, "male") for name in men]:
            names += [f"{given} {last}" for last in family]
            genders += [gender] * len(family)
        sizes.append(len(names) - offsets[-1])
    table = np.empty(len(names) + 1, dtype=object)
    table[:-1], table[-1] = names, None
    by_cell = np.empty(len(genders) + 1, dtype=object)
    by_cell[:-1], by_cell[-1] = genders, None
    return table, by_cell, np.array(offsets, dtype=np.int64), np.array(sizes, dtype=np.int64)


NAMES, GENDERS, _OFFSET, _SIZE = _table()
NO_NAME = len(NAMES) - 1
# Names pre-escaped as JSON: every response is pure ASCII (\uXXXX escapes), which is valid
# JSON, parses to the same text, and is much cheaper to join, encode and decode.
JSON_NAMES = {n: json.dumps(n) for n in NAMES.tolist()}


class NamePicker:
    """Which cell of the name table each contact of one workspace has."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        perms = [AffinePerm(int(size), seed, "name-perm", k) for k, size in enumerate(_SIZE.tolist())]
        self.a = np.array([p.a for p in perms], dtype=np.int64)
        self.b = np.array([p.b for p in perms], dtype=np.int64)

    def cells(self, idx: np.ndarray, langs) -> np.ndarray:
        """The table cell of each contact (NO_NAME for the unnamed); a language < 0 names as English."""
        idx = np.asarray(idx, dtype=np.int64)
        code = np.maximum(np.asarray(langs, dtype=np.int64), 0)
        size = _SIZE[code]
        cell = _OFFSET[code] + (idx % size * self.a[code] + self.b[code]) % size
        unnamed = vh(self.seed, "noname", idx) % np.uint64(100) < np.uint64(NO_NAME_PERCENT)
        return np.where(unnamed, NO_NAME, cell)

    def names(self, idx: np.ndarray, langs) -> list[str | None]:
        return NAMES[self.cells(idx, langs)].tolist()

    def name(self, i: int, lang: int) -> str | None:
        return NAMES[int(self.cells(np.array([i]), [lang])[0])]

    def gender(self, i: int, lang: int) -> str | None:
        """The gender the given name suggests (None for the unnamed)."""
        return GENDERS[int(self.cells(np.array([i]), [lang])[0])]
