"""Blocking and search keys, and the spellings the matcher knows for a name (``variants``).

``name_keys`` gives a few coarse whole-name keys for blocking (same person, any script -> one shared
key); ``token_keys`` gives per-token keys for registry search; both are upper-case ASCII."""

from __future__ import annotations

import re
from functools import lru_cache

from . import cyrillic, korean
from .parse import KoreanReading, Token, parse_name

_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLE = re.compile(r"(.)\1+")
_MAX_NAME_KEYS = 12


def _cons(s: str) -> str:
    """Consonant skeleton: vowels and glides removed, doubled letters collapsed."""
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", s))


def _ascii_up(s: str) -> str:
    return re.sub(r"[^A-Z0-9:_]", "", s.upper())


def _korean_given(r: KoreanReading) -> set[str]:
    return {_DOUBLE.sub(r"\1", _cons(korean.loosen(k)).replace("N", "n")) for k in r.given_keys}


def _korean_surnames(r: KoreanReading) -> set[str]:
    return {korean.romanize(h) for h in r.surname_hangul} or {r.surname_key}


def _given_ids(t: Token) -> set[str]:
    ids = {g.group for g in t.groups}
    return ids or {t.skel[:1].lower()}


@lru_cache(maxsize=100_000)
def name_keys(text: str) -> frozenset[str]:
    """Coarse whole-name keys for blocking (at most 12), upper-case ASCII.

    Korean names: ``K:<surname RR>:<given-name consonants>`` per surname reading, so 백광혁,
    Paek Kwang Hyok and Пэк Кван Хёк share ``K:BAEK:KNHK``. Other names, trying both ends as the
    surname: ``N:<surname skeleton>:<given>`` with the given name as its table group (Oleksandr and
    Aleksandr -> ALEXANDER) and as its first letter; ``P:<first four letters of the surname
    skeleton>:<letter>`` and ``C:<surname consonants>:<letter>``, which absorb a one-letter slip at the
    end or in a vowel (ABBOT/ABBOTT, Juare/Juarez, Lukashnko/Lukashenko). The skeleton folds doubled
    letters and transliteration variants. Empty for a name without letters."""
    p = parse_name(text)
    keys: list[str] = []
    for r in p.korean:
        for sur in sorted(_korean_surnames(r)):
            for giv in sorted(_korean_given(r)):
                keys.append(f"K:{sur}:{giv}")
    core = [t for t in p.tokens if t.role not in ("patronymic", "initial")]
    if len(core) < 2:
        core = [t for t in p.tokens if t.role != "initial"]
    initials = [t for t in p.tokens if t.role == "initial"]
    if len(core) == 1:
        sur = core[0]
        letters = [t.latin for t in initials[:1]] or [""]
        for letter in letters:
            keys += [f"N:{sur.skel}:{letter}", f"P:{sur.skel[:4]}:{letter}", f"C:{_cons(sur.skel.lower())}:{letter}"]
    elif core:
        n_keys: list[str] = []
        other: list[str] = []
        for sur, giv in ((core[0], core[1]), (core[-1], core[0])):
            letter = giv.skel[:1].lower()
            n_keys += [f"N:{sur.skel}:{gid}" for gid in sorted(_given_ids(giv) | {letter})]
            if len(sur.skel) >= 4:  # short surnames would make huge blocks from P/C keys
                other += [f"P:{sur.skel[:4]}:{letter}", f"C:{_cons(sur.skel.lower())}:{letter}"]
        keys += n_keys + other
    out: list[str] = []
    for k in keys:
        k = _ascii_up(k)
        if k not in out:
            out.append(k)
    return frozenset(out[:_MAX_NAME_KEYS])


@lru_cache(maxsize=100_000)
def token_keys(text: str) -> frozenset[str]:
    """Per-token search keys, upper-case ASCII: the skeleton of every token (ABBOT and ABBOTT -> ABOT;
    Гнатюк, Hnatiuk, Gnatyuk -> HNATIUK), given-name groups (``G:ALEXANDER``), and for Korean names
    ``KS:<surname RR>`` and ``KG:<given-name consonants>`` so 김정은 finds Kim Jong Un; a lone token
    that is a Korean surname (Paek, Пэк, 백) also gets ``KS:<surname RR>``."""
    p = parse_name(text)
    keys: set[str] = set()
    for t in p.tokens:
        if t.role == "initial":
            continue
        keys.add(_ascii_up(t.skel))
        keys.update(_ascii_up(f"G:{g.group}") for g in t.groups)
    for r in p.korean:
        keys.update(_ascii_up(f"KS:{s}") for s in _korean_surnames(r))
        keys.update(_ascii_up(f"KG:{g}") for g in _korean_given(r))
    if not p.korean:  # a lone surname (Paek, Пэк, 백) still finds the Korean names that carry it
        tab = korean.surnames()
        for t in p.tokens:
            hangul = (tab.latin(t.latin) | tab.cyrillic(t.text) | ({t.text} if t.text in tab.hangul else set()))
            keys.update(_ascii_up(f"KS:{korean.romanize(h)}") for h in hangul)
    keys.discard("")
    return frozenset(keys)


# ---- spellings for the CLI ---------------------------------------------------------------------------
_MR_INI = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "tch", "ch'", "k'", "t'", "p'",
           "h"]
_MR_VOW = ["a", "ae", "ya", "yae", "ŏ", "e", "yŏ", "ye", "o", "wa", "wae", "oe", "yo", "u", "wŏ", "we", "wi",
           "yu", "ŭ", "ŭi", "i"]
_KO_INI = ["к", "кк", "н", "т", "тт", "р", "м", "п", "пп", "с", "сс", "", "чж", "чч", "чх", "кх", "тх", "пх", "х"]
_KO_VOW = ["а", "э", "я", "йя", "о", "е", "ё", "е", "о", "ва", "вэ", "вэ", "ё", "у", "во", "ве", "ви", "ю", "ы",
           "ый", "и"]
_KO_FIN = {"k": "к", "n": "н", "t": "т", "l": "ль", "m": "м", "p": "п", "ng": "н"}


def _syl(ch: str) -> tuple[int, int, int]:
    ini, rest = divmod(ord(ch) - 0xAC00, 588)
    vow, fin = divmod(rest, 28)
    return ini, vow, fin


def _mr(syls: str, dprk: bool = False) -> str:
    out = []
    for k, ch in enumerate(syls):
        ini, vow, fin = _syl(ch)
        onset = _MR_INI[ini]
        if onset == "s" and _MR_VOW[vow] in ("i", "wi"):
            onset = "sh"
        if onset == "r" and k == 0 and not dprk:
            onset = "n" if _MR_VOW[vow][0] not in "iy" else ""
        out.append(onset + _MR_VOW[vow] + korean._FINALS[fin])
    s = "-".join(out) if len(out) > 1 else "".join(out)
    if dprk:
        s = s.replace("ŏ", "o").replace("ŭ", "u").replace("'", "")
    return s


def _kontsevich(syls: str) -> str:
    out = []
    for ch in syls:
        ini, vow, fin = _syl(ch)
        out.append(_KO_INI[ini] + _KO_VOW[vow] + _KO_FIN.get(korean._FINALS[fin], ""))
    return " ".join(w.capitalize() for w in out) if len(out) > 1 else out[0].capitalize()


def _hangul_spellings(r: KoreanReading) -> dict[str, str]:
    sur, giv = r.surname, r.hangul_given or ""
    tab = korean.surnames()
    rr_g = "-".join(korean.rr_syllable(c) for c in giv)
    return {
        "revised_romanization": f"{korean.romanize(sur).capitalize()} {rr_g.capitalize()}",
        "mccune_reischauer": f"{_mr(sur).capitalize()} {_mr(giv).capitalize()}",
        "dprk": f"{_mr(sur, dprk=True).capitalize()} {_mr(giv, dprk=True).capitalize()}",
        "kontsevich_cyrillic": f"{_kontsevich(sur)} {_kontsevich(giv)}",
        "surname_spellings": ", ".join(tab.spellings(sur)),
    }


def variants(text: str) -> dict:
    """What the matcher knows about one name, for ``powbureau names variants``.

    Returns ``{"input", "normalized", "script", "parsed": {surname, given, patronymic, order, gender},
    "tokens": [{text, latin, skeleton, role, groups}], "korean_readings": [...], "spellings": {system:
    spelling}, "name_keys": [...], "token_keys": [...], "failed": [...]}``. Cyrillic spellings come from
    iuliia/translitua (passport, BGN/PCGN, GOST/ISO 9, Ukrainian national); Hangul spellings are RR,
    McCune–Reischauer (no medial voicing), DPRK and Kontsevich."""
    p = parse_name(text)
    spellings: dict[str, str] = {}
    if p.script == "cyrillic" or (p.script == "mixed" and any("\u0400" <= c <= "\u04ff" for c in text)):
        spellings.update(cyrillic.spellings(p.normalized))
    for r in p.korean:
        if r.hangul_given is not None:
            spellings.update(_hangul_spellings(r))
            break
    return {
        "input": text,
        "normalized": p.normalized,
        "script": p.script,
        "parsed": {"surname": p.surname, "given": p.given, "patronymic": p.patronymic, "order": p.order,
                   "gender": p.gender},
        "tokens": [{"text": t.text, "latin": t.latin, "skeleton": t.skel, "role": t.role,
                    "groups": sorted(f"{g.group}/{g.kind}" for g in t.groups)} for t in p.tokens],
        "korean_readings": [{"surname": r.surname, "surname_hangul": sorted(r.surname_hangul),
                             "given": r.given, "order": r.order} for r in p.korean],
        "spellings": spellings,
        "name_keys": sorted(name_keys(text)),
        "token_keys": sorted(token_keys(text)),
        "failed": list(p.failed),
    }
