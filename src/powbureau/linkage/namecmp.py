"""Adapter between linkage and the names package: blocking keys and name comparison.

Linkage asks two questions of a name: which cross-script keys does it have, and how well do two names
agree. Both answers come from ``powbureau.names``; results are cached per distinct string or pair."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

try:  # the names package is written by another helper; fall back only while it is absent
    from powbureau.names import MATCH_THRESHOLD, compare_names, name_keys, parse_name

    NAMES_AVAILABLE = True
except ImportError:  # pragma: no cover - temporary fallback
    NAMES_AVAILABLE = False
    import icu
    from rapidfuzz import fuzz

    MATCH_THRESHOLD = 0.85
    _TR = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")

    def _latin(text: str) -> list[str]:
        return [t for t in re.split(r"[^a-z]+", _TR.transliterate(text)) if t]

    def name_keys(text: str) -> frozenset[str]:
        toks = _latin(text)
        keys = {t for t in toks if len(t) >= 2}
        if toks:
            keys.add(" ".join(sorted(toks)))
        return frozenset(keys)

    @dataclass(frozen=True)
    class _Cmp:
        score: float
        is_match: bool
        reason: str

    def compare_names(a: str, b: str) -> _Cmp:
        la, lb = " ".join(_latin(a)), " ".join(_latin(b))
        if not la or not lb:
            return _Cmp(0.0, False, "a name gave no Latin key")
        s = fuzz.token_sort_ratio(la, lb) / 100.0
        return _Cmp(s, s >= MATCH_THRESHOLD, f"token sort ratio {s:.2f} (fallback comparator)")


_INITIAL = re.compile(r"^[^\W\d_]\.?$")


@dataclass(frozen=True)
class NameAgreement:
    """How two names agree: the comparator's ``score`` 0..1, its decision and its reason in words."""

    score: float
    is_match: bool
    reason: str


@lru_cache(maxsize=2_000_000)
def keys_of(name: str) -> frozenset[str]:
    """Cross-script blocking keys of one name (cached); empty when the name gives no key (known case 1).

    Besides the names package's whole-name keys (``N:SURNAME:GIVEN``) each key's surname-only form
    (``N:SURNAME:``) is added, so an initial-only name meets the full names it may stand for (case 14);
    blocking ignores such keys where they are common."""
    try:
        keys = set(name_keys(name))
    except Exception:  # a name the transliterator cannot read is "no evidence", never agreement
        return frozenset()
    for k in list(keys):
        if k[:2] in ("N:", "C:"):
            keys.add(k[: k.index(":", 2) + 1])
    return frozenset(keys)


@lru_cache(maxsize=4_000_000)
def agreement(a: str, b: str) -> NameAgreement:
    """Compare two names with the names package (cached per ordered pair)."""
    try:
        c = compare_names(a, b)
    except Exception as exc:  # pragma: no cover - defensive: a comparator failure is no evidence
        return NameAgreement(0.0, False, f"cannot compare: {exc}")
    return NameAgreement(float(c.score), bool(c.is_match), str(getattr(c, "reason", "")))


def _tokens(name: str) -> list[tuple[str, bool, frozenset[str]]]:
    """(latin lower-case text, is_initial, possible first letters) per name token; the letters include
    those of given-name equivalents (Oleksandr → a, o). A bare O, I, U or E is a Korean surname, not an initial."""
    if NAMES_AVAILABLE:
        try:
            out = []
            for t in parse_name(name).tokens:
                ini = t.role == "initial" and (t.text.upper() not in _ONE_LETTER_NAMES
                                               or re.search(rf"(?<!\w){re.escape(t.text)}\.", name) is not None)
                letters = {t.latin[:1].lower()} | {str(g.group)[:1].lower() for g in t.groups}
                out.append((t.latin.lower(), ini, frozenset(letters)))
            return out
        except Exception:  # pragma: no cover - defensive
            pass
    return [(t.lower(), bool(_INITIAL.match(t)) and (t.endswith(".") or t.upper() not in _ONE_LETTER_NAMES),
             frozenset({t[:1].lower()})) for t in re.split(r"[\s,]+", name.strip()) if t]


_ONE_LETTER_NAMES = frozenset("OIUE")


@lru_cache(maxsize=200_000)
def is_initial_only(name: str) -> bool:
    """True when a name carries an initial instead of a given name (``Dorosh A.``): known case 14."""
    toks = _tokens(name)
    return len(toks) >= 2 and any(ini for _, ini, _ in toks) and any(not ini for _, ini, _ in toks)


def initials_compatible(initial_name: str, other: str) -> bool:
    """True when every full token of ``initial_name`` agrees with a token of ``other`` and every initial
    is the first letter of one of ``other``'s remaining tokens (or of a given-name equivalent)."""
    mine = _tokens(initial_name)
    theirs = [(t, letters) for t, ini, letters in _tokens(other) if not ini]
    if not theirs:
        return False
    used: set[int] = set()
    for tok, ini, _ in mine:
        if ini:
            continue
        hit = next((k for k, (t, _) in enumerate(theirs) if k not in used and
                    (t == tok or agreement(tok, t).score >= MATCH_THRESHOLD)), None)
        if hit is None:
            return False
        used.add(hit)
    letters: set[str] = set()
    for k, (_, ls) in enumerate(theirs):
        if k not in used:
            letters |= ls
    return all(tok[:1] in letters for tok, ini, _ in mine if ini)
