"""Non-Korean names written in Hangul (존 스미스, 마리 뒤부아) against their Latin spelling.

Hangul follows the Korean loanword orthography (외래어 표기법, Ministry of Education notice 85-11, 1986):
one Hangul consonant per Latin consonant sound, an added 으/이 after a final consonant, r before a
consonant often dropped (English) or kept as 르 (French). Vowels are unreliable and are ignored;
consonants are compared as classes, with silent Latin letters optional."""

from __future__ import annotations

import re
from functools import lru_cache

# Hangul consonants -> classes: K (ㄱㅋㄲ), T (ㄷㅌㄸ), P (ㅂㅍㅃ), S (ㅅㅆ), C (ㅈㅊㅉ), L, M, N, H.
_INI = ["K", "K", "N", "T", "T", "L", "M", "P", "P", "S", "S", "", "C", "C", "C", "K", "T", "P", "H"]
_FIN = ["", "K", "K", "KS", "N", "NC", "N", "T", "L", "LK", "LM", "LP", "LS", "LT", "LP", "L", "M", "P", "PS",
        "S", "S", "N", "C", "C", "K", "T", "P", "H"]
# Latin letters and groups -> (Hangul classes, optional). Order matters: longest first.
_LATIN = [
    ("schtsch", "S", False), ("tsch", "C", False), ("sch", "S", False), ("tch", "C", False),
    ("ch", "CSKH", False), ("sh", "S", False), ("ph", "P", False), ("th", "TS", False), ("ck", "K", False),
    ("qu", "K", False), ("gh", "K", True), ("dg", "C", False), ("dj", "C", False), ("dz", "C", False),
    ("tz", "C", False), ("ts", "C", False), ("ng", "N", False), ("gn", "N", False), ("wh", "", True),
    ("x", "K+S", False), ("b", "P", False), ("p", "P", False), ("f", "P", False), ("v", "P", False),
    ("d", "T", False), ("t", "T", False), ("k", "K", False), ("q", "K", False), ("l", "L", False),
    ("r", "L", False), ("m", "M", False), ("n", "N", False), ("s", "S", False), ("z", "SC", False),
    ("j", "C", True), ("h", "H", True), ("w", "P", True), ("y", "", True),
]
_VOWEL = set("aeiouy")
_BY_FIRST: dict[str, list[tuple[str, str, bool]]] = {}
for _grp, _cls, _opt in _LATIN:  # same order as _LATIN, looked up by the letter a group starts with
    _BY_FIRST.setdefault(_grp[0], []).append((_grp, _cls, _opt))


@lru_cache(maxsize=100_000)
def hangul_key(token: str) -> str:
    """Consonant classes of a Hangul token, syllable by syllable (스미스 -> 'SMS'); '' for no Hangul."""
    out = []
    for ch in token:
        if "\uac00" <= ch <= "\ud7a3":
            ini, rest = divmod(ord(ch) - 0xAC00, 588)
            out.append(_INI[ini] + _FIN[rest % 28])
    return "".join(out)


def _units(latin: str) -> list[tuple[str, bool]]:
    units: list[tuple[str, bool]] = []
    i = 0
    n = len(latin)
    while i < n:
        c = latin[i]
        if c in "aeiou":
            i += 1
            continue
        for grp, cls, opt in _BY_FIRST.get(c, ()):
            if latin.startswith(grp, i):
                nxt = latin[i + len(grp): i + len(grp) + 1]
                if grp == "r" and (not nxt or nxt not in _VOWEL):
                    opt = True  # non-rhotic English: Robert = 로버트
                if grp == "ng" and nxt in _VOWEL:
                    cls = "N"
                    units.append(("N", False))
                    units.append(("K", True))
                    i += len(grp)
                    break
                units.append((cls, opt))
                i += len(grp)
                break
        else:
            nxt = latin[i + 1: i + 2]
            if c == "c":
                units.append(("S" if nxt in ("e", "i", "y") else "K", False))
            elif c == "g":
                units.append(("CK" if nxt in ("e", "i", "y") else "K", False))
            i += 1
    # French and English silent final letters (Dubois, Durand, Leclerc, Jacques)
    if units and latin[-1:] in "stdxzcpg" or latin.endswith(("es", "ent")):
        k = len(units) - 1
        units[k] = (units[k][0], True)
        if latin.endswith(("ds", "ts", "cs", "ques", "ent")) and k > 0:
            units[k - 1] = (units[k - 1][0], True)
    return units


@lru_cache(maxsize=100_000)
def _merged_units(latin: str) -> tuple[tuple[str, bool], ...] | None:
    """The consonant-class units of a token, doubled letters and ll/rr merged into one sound; None for none."""
    units = _units(latin)
    if not units:
        return None
    merged: list[tuple[str, bool]] = []
    for cls, opt in units:
        if merged and cls == merged[-1][0]:
            merged[-1] = (cls, merged[-1][1] and opt)  # doubled letters and ll/rr are one sound
        else:
            merged.append((cls, opt))
    return tuple(merged)


def _run_ends(key: str, i: int, cls: str) -> range:
    """Ends j > i of a run key[i:j] of letters of ``cls`` (one or more), as a range."""
    j = i
    while j < len(key) and key[j] in cls:
        j += 1
    return range(i + 1, j + 1)


def _units_fit(units: tuple[tuple[str, bool], ...], key: str) -> bool:
    """True when ``key`` is exactly the units in order: each unit one or more letters of its class (``K+S``:
    K's then S's), an optional unit possibly absent. Same answer as ``latin_pattern(...).fullmatch(key)``,
    computed over the set of reachable positions instead of a compiled regular expression."""
    states = {0}
    for cls, opt in units:
        if not cls:
            continue
        new = set(states) if opt else set()
        for i in states:
            if cls == "K+S":
                for k in _run_ends(key, i, "K"):
                    new.update(_run_ends(key, k, "S"))
            else:
                new.update(_run_ends(key, i, cls))
        states = new
        if not states:
            return False
    return len(key) in states


@lru_cache(maxsize=100_000)
def latin_pattern(latin: str) -> re.Pattern[str] | None:
    """The regular expression of Hangul consonant classes a lower-case ASCII token can be written as."""
    merged = _merged_units(latin)
    if merged is None:
        return None
    parts = []
    for cls, opt in merged:
        if not cls:
            continue
        if cls == "K+S":
            body = "K+S+"
        else:
            body = f"[{cls}]+"
        parts.append(f"(?:{body})?" if opt else f"(?:{body})")
    return re.compile("".join(parts))


def token_fits(hangul: str, latin: str) -> bool:
    """True when a Hangul token can be the loanword spelling of a Latin token (스미스 / smith)."""
    key = hangul_key(hangul)
    units = _merged_units(latin)
    if not key or units is None or len(latin) < 2:
        return False
    return _units_fit(units, key)


def names_fit(hangul: list[str], latin: list[str]) -> str | None:
    """How a Hangul name written as separate words fits a Latin name: 'in order', 'surname moved' or None.

    Both names need at least two words; every word must fit its counterpart (``token_fits``). With
    different word counts (장피에르 르클레르 / Jean-Pierre Leclerc) the words are compared joined."""
    if len(hangul) < 2 or len(latin) < 2:
        return None
    orders = (("in order", latin), ("surname moved", latin[-1:] + latin[:-1]), ("surname moved", latin[1:] + latin[:1]))
    for how, lat in orders:
        if len(lat) == len(hangul):
            if all(token_fits(h, x) for h, x in zip(hangul, lat, strict=True)):
                return how
        elif token_fits("".join(hangul), "".join(lat)):
            return how
    return None
