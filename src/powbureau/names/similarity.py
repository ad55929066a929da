"""Similarity of two name tokens, and the rule that decided it, in words a reviewer can read.

Spelling slips, transliteration variants (skeleton), given-name equivalents and diminutives, gendered
surname forms, patronymics, initials, ISO 9 c = ц, and consonant keys for abjad or kana spellings."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from .latin import skeleton
from .parse import Token
from .tables import given_names

_END = re.compile(r"(?<=.)(ei|ii|ie|ai)$")


def _pat_groups(t: Token) -> set[str]:
    sk = t.skel
    for suf in ("oviC", "eviC", "aviC", "ovna", "evna", "ivna", "avna", "iCna", "iliC", "oviZ"):
        if sk.endswith(suf):
            stem = sk[: -len(suf)]
            break
    else:
        return set()
    table = given_names()
    out: set[str] = set()
    for cand in (stem, stem + "a", stem + "i", stem[:-1] + "i", stem[:-1] + "a", stem + "o", stem + "ii"):
        out |= {g.group for g in table.lookup(cand)}
        out |= {g.group for g in table.lookup(_END.sub("i", cand))}
    return out


def _masc(skel: str) -> str | None:
    for fem, masc in (("skaia", "ski"), ("tskaia", "tski"), ("ska", "ski"), ("ova", "ov"), ("eva", "ev"),
                      ("ina", "in"), ("ine", "in")):
        if skel.endswith(fem) and len(skel) > len(fem) + 1:
            return skel[: -len(fem)] + masc
    return None


def _allowed_edits(length: int, text: str) -> int:
    """Spelling slips tolerated in one token: 0 for Han characters (each is a syllable), 1 up to five
    letters, 2 beyond (three or more edits make another name: Barakhoev vs Barkhanoev)."""
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return 0
    return 1 if length <= 5 else 2


def _spelling(t1: Token, t2: Token) -> tuple[float, str]:
    edits = min(OSA.distance(t1.latin, t2.latin), OSA.distance(t1.skel, t2.skel))
    if t1.alts or t2.alts:
        edits = min([edits] + [OSA.distance(x, y) for x in t1.alts | {t1.skel} for y in t2.alts | {t2.skel}])
    length = max(len(t1.latin), len(t2.latin))
    if edits <= _allowed_edits(length, t1.text + t2.text):
        return 1.0 - 0.1 * edits, f"{edits} letter{'s' if edits > 1 else ''} apart"
    if length >= 4 and (t1.latin[::-1] == t2.latin or sorted(t1.latin) == sorted(t2.latin)):
        return 0.8, "same letters reordered"
    sim = max(Levenshtein.normalized_similarity(t1.skel, t2.skel),
              Levenshtein.normalized_similarity(t1.latin, t2.latin))
    return min(sim, 0.7), "different spelling"


_CONS_RULES = [(re.compile(r"sh|sch"), "S"), (re.compile(r"ch|tsch"), "C"), (re.compile(r"kh|gh"), "g"),
               (re.compile(r"th|dh"), "t"), (re.compile(r"ph|f|v|p"), "b"), (re.compile(r"ck|q|c|k"), "k"),
               (re.compile(r"x"), "ks"), (re.compile(r"[zs]"), "s"), (re.compile(r"l"), "r"),
               (re.compile(r"d"), "t"), (re.compile(r"[aeiouywh]"), ""), (re.compile(r"(.)\1+"), r"\1")]


@lru_cache(maxsize=200_000)
def _consonants(latin: str) -> str:
    """Consonant key for comparing a name written without vowels (Arabic, Hebrew) or with added ones
    (Japanese kana): vowels, h and glides dropped, p/b/f/v, t/d, k/q/c/kh, s/z/sh and l/r merged."""
    for rx, rep in _CONS_RULES:
        latin = rx.sub(rep, latin)
    return latin


def _consonantal_sim(t1: Token, t2: Token) -> tuple[float, str]:
    c1, c2 = _consonants(t1.latin), _consonants(t2.latin)
    if not c1 or not c2:
        return 0.0, "no consonants to compare"
    if c1 == c2:
        return 0.9, "same consonants (abjad or kana spelling)"
    if min(len(c1), len(c2)) >= 3 and OSA.distance(c1, c2) <= 1:
        return 0.8, "consonants one apart (abjad or kana spelling)"
    return 0.4, "different consonants"


def _iso9_c(cyr: Token, lat: Token) -> bool:
    """True when ``lat`` is an ISO 9 / GOST 7.79 spelling (c for ц) of the Cyrillic token ``cyr``."""
    if "c" not in lat.latin or not any("\u0400" <= ch <= "\u04ff" for ch in cyr.text):
        return False
    return skeleton(re.sub(r"c(?!h)", "ts", lat.latin)) == cyr.skel


@lru_cache(maxsize=500_000)
def token_sim(t1: Token, t2: Token) -> tuple[float, str]:
    """Similarity of two tokens in 0..1 (or -1 for a gender mismatch) and the rule that decided it."""
    if t1.role == "initial" or t2.role == "initial":
        if t1.role == t2.role:
            return (0.9, "same initial") if t1.latin == t2.latin else (0.0, "different initials")
        ini, full = (t1, t2) if t1.role == "initial" else (t2, t1)
        if full.latin[:1] == ini.latin or full.skel[:1].lower() == ini.latin:
            return 0.85, f"initial {ini.text} of {full.text}"
        if full.groups and given_names().fits_initial(full.groups, ini.latin):
            return 0.8, f"initial {ini.text} of an equivalent of {full.text} (table)"
        return 0.0, "initial does not fit"
    if t1.role == "patronymic" and t2.role == "patronymic":
        if t1.skel.endswith("na") != t2.skel.endswith("na"):
            return 0.0, "patronymics of different gender"
        if t1.skel == t2.skel or (_pat_groups(t1) & _pat_groups(t2)):
            if (t1.skel.endswith(("na",)) != t2.skel.endswith(("na",))):
                return 0.0, "patronymics of different gender"
            return 1.0, "same patronymic (equivalent father's names)"
        s, rule = _spelling(t1, t2)
        if s >= 0.8 and rule != "same letters reordered":
            return s, "patronymic " + rule
        return 0.0, "different patronymics"
    if t1.skel == t2.skel:
        if t1.text.lower() == t2.text.lower():
            return 1.0, "same spelling"
        return 1.0, "same after transliteration" if t1.latin == t2.latin else "transliteration variant"
    if (t1.alts or t2.alts) and ({t1.skel} | t1.alts) & ({t2.skel} | t2.alts):
        return 1.0, "transliteration variant (German, Dutch or French system; ё = е; Azerbaijani ə)"
    if t1.consonantal != t2.consonantal:
        return _consonantal_sim(t1, t2)
    s1, s2 = {t1.skel} | t1.alts, {t2.skel} | t2.alts
    m1, m2 = {_masc(x) for x in s1} - {None}, {_masc(x) for x in s2} - {None}
    if (m1 & s2) or (m2 & s1):
        return -1.0, "gendered surname forms (male vs female)"
    iso = _iso9_c(t1, t2) or _iso9_c(t2, t1)
    if iso:
        return 1.0, "ISO 9 / GOST 7.79 c = ц"
    g1, g2 = t1.groups, t2.groups
    if g1 and g2:
        common = {g.group for g in g1} & {g.group for g in g2}
        if common:
            full = any(g.kind == "full" and g.group in common for g in g1) and any(
                g.kind == "full" and g.group in common for g in g2)
            name = sorted(common)[0]
            if full:
                return 1.0, f"given-name equivalents (table: {name})"
            return 0.9, f"diminutive (table: {name})"
    s, rule = _spelling(t1, t2)
    if g1 and g2 and any(g.kind == "full" for g in g1) and any(g.kind == "full" for g in g2):
        return min(s, 0.6), "different given names (table)"
    return s, rule
