"""Name parsing: tokens with Latin keys, parts (surname, given, patronymic), order, gender, Korean readings.

Korean names are read surname first (or last, in Western order) with the surname found in the surname
table, longest match first; East Slavic names are read in either order, the patronymic by its suffix."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from . import korean
from .latin import latinize, national_readings, skeleton
from .scripts import detect_script, normalize
from .tables import NameGroup, given_names

PARTICLES = frozenset("al el bin ibn ben bint binti de da del della van von der den le la di du dos das "
                      "ul ud ad as at ar az".split())
TITLES = frozenset("mr mrs ms miss dr prof president praesident prasident general sir shaikh sheikh "
                   "monsieur madame mme herr frau llc ltd inc gmbh sa".split())
# Suffixes on the skeleton (C = ch/č/ч): -ovich/-ovych/-evich/-avich/-ilyich; -ovna/-evna/-ivna/-ichna.
_PATRONYMIC_M = ("oviC", "eviC", "aviC", "iliC", "oviZ")
_PATRONYMIC_F = ("ovna", "evna", "ivna", "avna", "iCna")
_SPLIT = re.compile(r"[\s,;.()\[\]\"/_・·‧]+|(?<=\w)-(?=\w)|-(?=\s)|(?<=\s)-")
_APOS = str.maketrans("", "", "'’ʼ`‘ʻ")
_LEET = str.maketrans("013457", "oieast")
NASAB = frozenset({"bin", "ibn", "ben", "bint", "binti", "ould"})
_ABD = frozenset({"abd", "abdel", "abdul", "abdal", "abdol", "abdoul", "abdu"})
_ASSIMILATE = re.compile(r"(?<=[kgnmbpt])r")  # ㄹ after a consonant is read ㄴ (영랑 -> yeongnang)
_KO_SPLIT = re.compile(r"[\s,;.()\[\]\"/_]+")
# Honorifics and forms of address, dropped before matching (they never belong to the name).
# Russian/Ukrainian/Belarusian: г-н, г-жа, господин, госпожа, гражданин(ка), товарищ, пан(і);
# French: M., Mme, Mlle; German: Herr, Frau, Fräulein; Dutch: dhr., mevr.; English: Mr, Mrs, Ms, Dr;
# military ranks as abbreviated on lists. Korean: the suffixes 씨, 님, 선생(님), 여사, 군, 양 (Standard
# Korean Language Dictionary, National Institute of Korean Language).
_HONORIFIC = re.compile(
    r"(?i)(?:^|(?<=,)\s*)(?:(?:г-н|г-жа|г\.|гр\.|гр-н|гр-ка|господин|госпожа|гражданин|гражданка|товарищ|"
    r"тов\.|пан|пані|пани|спадар|спадарыня|mme|mlle|m\.|mr|mrs|ms|miss|dr|herr|frau|fr[äa]ulein|dhr|mevr|"
    r"mevrouw|monsieur|madame|mademoiselle|sgt|capt|cpt|lt|col|maj|pvt|cpl|gen|prof)\.?\s+)+")
_KO_HONORIFIC = re.compile(r"(?<=[\uac00-\ud7a3]{2})\s*(?:선생님|선생|여사님|여사|씨|님)$|(?<=[\uac00-\ud7a3]{2})\s+(?:군|양)$")
# Turkic patronymic words after the father's name: Azerbaijani oğlu/qızı, Kazakh ұлы/қызы, Uzbek o'g'li/qizi,
# Kyrgyz уулу/кызы, and their Russian-document forms оглы/кызы (Azerbaijani, Kazakh, Uzbek naming law
# and Russian passport practice). Latin keys after ``latinize``; male -> 'm', female -> 'f'.
_TURKIC_PATRONYMIC = {"oglu": "m", "ogly": "m", "ogli": "m", "ugli": "m", "uly": "m", "uli": "m", "ulu": "m",
                      "uulu": "m", "oglou": "m", "kyzy": "f", "kizi": "f", "qizi": "f", "gizi": "f", "qyzy": "f",
                      "kyzi": "f", "kizy": "f"}
_TURKIC_SUFFIX = (("uli", "m"), ("ulu", "m"), ("uuli", "m"), ("kisi", "f"), ("kizi", "f"))
_AZ_LETTERS = frozenset("əƏğĞıİşŞçÇ")


@dataclass(frozen=True)
class Token:
    """One name token: ``text`` as written, ``latin`` (ASCII), ``skel`` (skeleton), ``role`` and groups."""

    text: str
    latin: str
    skel: str
    role: str  # surname | given | patronymic | initial | other
    groups: frozenset[NameGroup]
    consonantal: bool = False  # written in an abjad (Arabic, Hebrew) or in kana: vowels unreliable
    alts: frozenset[str] = frozenset()  # other skeletons of the same token (national transliterations, ё = е)


@dataclass(frozen=True)
class KoreanReading:
    """One way to read a name as Korean: surname (Hangul candidates + folded key) and given-name keys."""

    surname: str
    surname_hangul: frozenset[str]
    surname_key: str
    given: str
    given_keys: frozenset[str]
    given_segs: frozenset
    hangul_given: str | None
    cyrillic: bool
    order: str  # surname_first | surname_last


@dataclass(frozen=True)
class ParsedName:
    """A parsed name. ``surname``/``given``/``patronymic`` as written ('' when unknown); ``order`` is
    ``surname_first``, ``surname_last`` or ``unknown``; ``gender`` 'm', 'f' or None; ``tokens`` the core
    tokens (particles and titles removed); ``failed`` the tokens that gave no Latin key; ``korean`` the
    Korean readings (empty for non-Korean names)."""

    original: str
    normalized: str
    script: str
    surname: str
    given: str
    patronymic: str
    order: str
    gender: str | None
    tokens: tuple[Token, ...]
    failed: tuple[str, ...]
    korean: tuple[KoreanReading, ...]


def patronymic_kind(skel: str) -> str | None:
    """'m' or 'f' when a skeleton has an East Slavic patronymic suffix (-ovich/-ovych, -ovna/-ivna ...)."""
    if len(skel) < 6:
        return None
    if skel.endswith(_PATRONYMIC_F):
        return "f"
    if skel.endswith(_PATRONYMIC_M):
        return "m"
    return None


def _is_initials(raw: str) -> bool:
    return (len(raw) == 2 and raw.isupper() and raw.isalpha() and not any(c in "AEIOUY" for c in raw)
            and raw.lower() not in TITLES)


def strip_honorifics(norm: str) -> str:
    """``norm`` without forms of address (Mme, Mr., Dr, г-н, господин, Herr, 씨 ...; list and sources
    at ``_HONORIFIC``); the name is kept whole when nothing else would remain."""
    out = _KO_HONORIFIC.sub("", _HONORIFIC.sub(" ", norm))
    for word in ("господин", "госпожа", "гражданин", "гражданка", "товарищ", "madame", "monsieur"):
        out = re.sub(rf"(?i)(?<!\w){word}(?!\w)", " ", out) if word in out.lower() else out
    out = " ".join(out.split())
    return out if any(c.isalpha() for c in out) else norm


def _alts(raw: str, lat: str, az: bool) -> frozenset[str]:
    """Other skeletons of one token: German/Dutch/French transliterations of Russian (``national_readings``),
    Cyrillic ё written е or о (Russian orthography makes the dots optional; Duden writes ё as o after ж ч ш щ
    and in -ёв), Azerbaijani ə read е and x read х (Əliyev = Алиев, Məmmədov = Мамедов, Xəlilov = Халилов)."""
    alts = set()
    if raw.isascii() or detect_script(raw) == "latin":
        alts.update(skeleton(x) for x in national_readings(lat))
    if "ё" in raw or "Ё" in raw:
        for v in ("е", "о"):
            alts.add(skeleton(latinize(raw.replace("ё", v).replace("Ё", v.upper()))))
    if az:
        low = raw.lower()
        for a, b in (("ə", "e"), ("x", "kh"), ("ç", "ch"), ("ü", "yu"), ("ö", "yo")):
            if a in low:
                alts.add(skeleton(latinize(low.replace(a, b))))
        if "ə" in low and "x" in low:
            alts.add(skeleton(latinize(low.replace("ə", "e").replace("x", "kh"))))
    return frozenset(alts - {skeleton(lat)})


def _turkic_patronymics(out: list[Token]) -> list[Token]:
    """Fold a Turkic patronymic into one token shaped like an East Slavic one, so that ``Heydər oğlu``,
    ``Гейдар оглы`` and ``Гейдарович`` compare as the same father's name: the father's name skeleton plus
    -oviC (son) or -ovna (daughter). Also the suffixed Kazakh forms (Ахметұлы, Ахметқызы)."""
    res: list[Token] = []
    for t in out:
        kind = _TURKIC_PATRONYMIC.get(t.latin)
        if kind and res and res[-1].role != "initial" and len(res) >= 2:
            f = res.pop()
            suf = "oviC" if kind == "m" else "ovna"
            res.append(Token(f"{f.text} {t.text}", f.latin + ("ovich" if kind == "m" else "ovna"), f.skel + suf, "patronymic", frozenset(), False,
                             frozenset(a + suf for a in f.alts)))
            continue
        for end, kind in _TURKIC_SUFFIX:
            if t.skel.endswith(end) and len(t.skel) - len(end) >= 3 and not t.groups:
                suf = "oviC" if kind == "m" else "ovna"
                t = replace(t, skel=t.skel[: -len(end)] + suf, role="patronymic", alts=frozenset())
                break
        res.append(t)
    return res


_NO_GROUPS: frozenset[NameGroup] = frozenset()
_NO_ALTS: frozenset[str] = frozenset()


@lru_cache(maxsize=200_000)
def _token_data(raw: str, az: bool) -> tuple[str, str, str, str, bool, frozenset[str], frozenset[NameGroup], bool]:
    """What one raw token gives wherever it stands: (raw with digits read as letters, its Latin key as
    read, the key after the abd/al- rules, skeleton, consonantal, other skeletons, given-name groups,
    failed); ``az`` says the name has Azerbaijani letters. Initials get no groups or other skeletons;
    a token with no Latin key gives '' keys and ``failed`` unless it has no letters at all."""
    if any(c.isdigit() for c in raw) and any(c.isalpha() for c in raw):
        raw = raw.translate(_LEET).replace("9", "g").replace("8", "b")
    lat0 = latinize(raw)
    if not lat0:
        return raw, "", "", "", False, _NO_ALTS, _NO_GROUPS, detect_script(raw) != "empty"
    lat = "abdul" if lat0 in _ABD else lat0
    cons = any("\u0590" <= c <= "\u08ff" or "\u3040" <= c <= "\u30ff" for c in raw)
    if cons and lat.startswith("al") and len(lat) > 4 and any("\u0600" <= c <= "\u06ff" for c in raw):
        lat = lat[2:]  # the Arabic article written together with the name (التكريتي)
    sk = skeleton(lat)
    if len(lat) == 1:
        return raw, lat0, lat, sk, cons, _NO_ALTS, _NO_GROUPS, False
    table = given_names()
    alts = _alts(raw, lat, az)
    groups = table.lookup(sk)
    if not groups and alts:
        groups = frozenset(g for a in alts for g in table.lookup(a))
    return raw, lat0, lat, sk, cons, alts, groups, False


def _tokens(norm: str) -> tuple[list[Token], list[str]]:
    """Core tokens of a normalized name (titles and particles dropped, initials split, the token after
    bin/ibn marked as a father's name, East Slavic patronymics by suffix) and the tokens that failed."""
    out: list[Token] = []
    failed: list[str] = []
    raws = [r for r in _SPLIT.split(norm.translate(_APOS)) if r and r != "-"]
    expanded: list[str] = []
    for r in raws:
        if len(raws) > 1 and _is_initials(r) and detect_script(r) == "latin":
            expanded.extend(r)
        else:
            expanded.append(r)
    nasab_next = False
    az = not _AZ_LETTERS.isdisjoint(norm)
    last = len(expanded) - 1
    for k, raw in enumerate(expanded):
        raw, lat0, lat, sk, cons, alts, groups, bad = _token_data(raw, az)
        if not lat0:
            if bad:
                failed.append(raw)
            continue
        if lat0 in NASAB and 0 < k < last:
            nasab_next = True
            continue
        if lat0 in PARTICLES or lat0 in TITLES:
            continue
        role = "initial" if len(lat) == 1 else ("patronymic" if nasab_next else "other")
        nasab_next = False
        out.append(Token(raw, lat, sk, role, groups, cons, alts))
    out = _turkic_patronymics(out)
    if len(out) >= 2:
        for i, t in enumerate(out):
            kind = patronymic_kind(t.skel)
            if kind == "f" or (kind == "m" and len(out) >= 3 and i > 0):
                out[i] = replace(t, role="patronymic")
    return out, failed


@lru_cache(maxsize=100_000)
def _hangul_given_keys(giv: str) -> frozenset[str]:
    """Folded keys of a Hangul given name: syllable by syllable, whole, and with ㄹ after a consonant read ㄴ."""
    rr = korean.romanize(giv)
    return frozenset({"".join(korean.fold(korean.rr_syllable(c)) for c in giv), korean.fold(rr),
                      korean.fold(_ASSIMILATE.sub("n", rr))})


def _korean_readings(norm: str, script: str) -> tuple[KoreanReading, ...]:
    """The ways to read a name as Korean: Hangul split by the surname table (two-syllable surnames first),
    Latin or Cyrillic with a table surname at either end and romanized Korean syllables for the rest."""
    tab = korean.surnames()
    table = given_names()
    if script == "hangul":
        parts = [p for p in _KO_SPLIT.split(norm) if p]
        if len(parts) > 1 and 1 <= len(parts[0]) <= 2 and parts[0] in tab.hangul:
            cands = [(parts[0], "".join(parts[1:]))]
        else:
            s = "".join(parts)
            if not 2 <= len(s) <= 5 or not all(korean.is_syllable(c) for c in s):
                return ()
            cands = []
            if len(s) >= 3 and s[:2] in tab.hangul:
                cands.append((s[:2], s[2:]))
            if s[0] in tab.hangul or not cands:
                cands.append((s[0], s[1:]))
        out = []
        for sur, giv in cands:
            out.append(KoreanReading(sur, frozenset({sur}), korean.fold(korean.romanize(sur)), giv,
                                     _hangul_given_keys(giv), korean.hangul_segments(giv), giv, False,
                                     "surname_first"))
        return tuple(out)
    if script not in ("latin", "cyrillic"):
        return ()
    comma = "," in norm
    toks = [t for t in _KO_SPLIT.split(norm) if t]
    if not 2 <= len(toks) <= 4:
        return ()
    out = []
    ends = [(0, "surname_first"), (len(toks) - 1, "surname_last")]
    if comma:
        ends = ends[:1]
    for idx, order in ends:
        sur = toks[idx]
        han = tab.latin(latinize(sur)) if script == "latin" else tab.cyrillic(sur)
        if not han:
            continue  # no Korean surname at this end (checked first: it rules out most names at once)
        given = toks[1:] if idx == 0 else toks[:-1]
        pieces = [p for g in given for p in g.split("-") if p]
        if not 1 <= len(pieces) <= 3:
            continue
        if any(len(g) >= 4 and "-" not in g and table.is_form(latinize(g)) for g in given):
            continue  # a known non-Korean given name (Sergei Kim, Анна Ли): not a Korean reading
        if script == "latin":
            pieces = [latinize(p) for p in pieces]
            sur = latinize(sur)
            if not all(korean.latin_piece_ok(p) for p in pieces):
                continue
            if sum(len(p) for p in pieces) > 12:
                continue
            key = "".join(korean.fold(p) for p in pieces)
            out.append(KoreanReading(toks[idx], han, korean.fold(sur), " ".join(given), frozenset({key}),
                                     korean.latin_segments(tuple(pieces)), None, False, order))
        else:
            if any(len(p) > 5 for p in pieces):
                continue
            key = "".join(korean.fold(korean.cyr_to_latin(p)) for p in pieces)
            out.append(KoreanReading(sur, han, korean.fold(korean.cyr_to_latin(sur)), " ".join(given),
                                     frozenset({key}), korean.cyr_segments(tuple(pieces)), None, True, order))
    # A hyphenated given name at one end settles the order (Song-chol Ryu).
    if len(out) == 2:
        if "-" in toks[0] and "-" not in toks[-1]:
            out = [r for r in out if r.order == "surname_last"] or out
        elif "-" in toks[-1] and "-" not in toks[0]:
            out = [r for r in out if r.order == "surname_first"] or out
    return tuple(out)


def _gender(tokens: list[Token]) -> str | None:
    for t in tokens:
        if t.role == "patronymic":
            return patronymic_kind(t.skel)
    genders = {g.gender for t in tokens for g in t.groups if g.kind == "full"}
    if len(genders) == 1:
        return genders.pop()
    for t in tokens:
        if t.skel.endswith(("ova", "eva", "ina", "ska", "skaia")) and not t.groups:
            return "f"
    return None


@lru_cache(maxsize=200_000)
def parse_name(text: str) -> ParsedName:
    """Parse a name of any script into parts, order, gender, tokens with keys and Korean readings.

    Korean: surname first (or last, Western order) from the surname table, two-syllable surnames first
    (남궁태오 -> 남궁 + 태오, with 남 + 궁태오 kept as an alternative). East Slavic: the patronymic by its
    suffix (-ovych/-ovich/-ivna/-ovna); ``SURNAME, Given`` and an all-capitals token mark the surname.
    Never raises; a name with no letters gives empty parts."""
    norm = strip_honorifics(normalize(text))
    script = detect_script(norm)
    tokens, failed = _tokens(norm)
    readings = _korean_readings(norm, script if script != "mixed" else "latin")
    if readings:  # O, I, U: a one-letter Korean surname (오, 이, 우), not an initial
        surs = {r.surname for r in readings}
        tokens = [replace(t, role="other") if t.role == "initial" and t.text in surs else t for t in tokens]
    surname = given = patronymic = ""
    order = "unknown"
    if readings:
        r = readings[0]
        surname, given, order = r.surname, r.given, r.order
    elif tokens:
        pats = [t for t in tokens if t.role == "patronymic"]
        rest = [t for t in tokens if t.role != "patronymic"]
        patronymic = " ".join(t.text for t in pats)
        caps = [t for t in rest if t.text.isupper() and len(t.text) > 1]
        if "," in norm:
            order = "surname_first"
        elif 0 < len(caps) < len(rest):
            order = "surname_first" if rest[0] in caps else "surname_last"
        elif pats and tokens[-1].role == "patronymic" and len(tokens) >= 3:
            order = "surname_first"
        elif pats and tokens.index(pats[0]) == 1:
            order = "surname_last"
        elif len(rest) >= 2 and rest[0].groups and not rest[-1].groups:
            order = "surname_last"
        elif len(rest) >= 2 and rest[-1].groups and not rest[0].groups:
            order = "surname_first"
        if rest:
            if order == "surname_first":
                surname, given = rest[0].text, " ".join(t.text for t in rest[1:])
            else:
                surname, given = rest[-1].text, " ".join(t.text for t in rest[:-1])
    return ParsedName(text, norm, script, surname, given, patronymic, order, _gender(tokens), tuple(tokens),
                      tuple(failed), readings)
