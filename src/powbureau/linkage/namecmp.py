"""Adapter between linkage and the names package: blocking keys and name comparison.

Linkage asks two questions of a name: which cross-script keys does it have, and how well do two names
agree. Both answers come from ``powbureau.names``; results are cached per distinct string or pair."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

try:  # the names package is written by another helper; fall back only while it is absent
    from powbureau.names import MATCH_THRESHOLD, compare_names, name_keys

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


_INITIAL = re.compile(r"^[^\W\d_]\.$")
_SINGLE = re.compile(r"^[^\W\d_]$")
# One-letter Korean surname spellings (오 → O, 이 → I, 우 → U, 여 → E rarely); a bare letter here is a name.
_ONE_LETTER_NAMES = frozenset("OIUE")


@dataclass(frozen=True)
class NameAgreement:
    """How two names agree: the comparator's ``score`` 0..1, its decision and its reason in words."""

    score: float
    is_match: bool
    reason: str


@lru_cache(maxsize=2_000_000)
def keys_of(name: str) -> frozenset[str]:
    """Cross-script blocking keys of one name (cached); empty when the name gives no key (known case 1)."""
    try:
        return frozenset(name_keys(name))
    except Exception:  # a name the transliterator cannot read is "no evidence", never agreement
        return frozenset()


@lru_cache(maxsize=4_000_000)
def agreement(a: str, b: str) -> NameAgreement:
    """Compare two names with the names package (cached per ordered pair)."""
    try:
        c = compare_names(a, b)
    except Exception as exc:  # pragma: no cover - defensive: a comparator failure is no evidence
        return NameAgreement(0.0, False, f"cannot compare: {exc}")
    return NameAgreement(float(c.score), bool(c.is_match), str(getattr(c, "reason", "")))


def is_initial_only(name: str) -> bool:
    """True when a name carries an initial instead of a given name (``Dorosh A.``, ``BELL J``): known case 14.

    A bare capital letter counts as an initial unless it is a one-letter Korean surname (O, I, U, E)."""
    tokens = [t for t in re.split(r"[\s,]+", name.strip()) if t]
    if len(tokens) < 2:
        return False
    for tok in tokens:
        if _INITIAL.match(tok):
            return True
        if _SINGLE.match(tok) and tok.upper() not in _ONE_LETTER_NAMES and tok.isupper():
            return True
    return False


def initials_compatible(initial_name: str, other: str) -> bool:
    """True when the non-initial part of ``initial_name`` shares a key with ``other`` and each initial
    starts one of ``other``'s Latin keys."""
    tokens = [t for t in re.split(r"[\s,]+", initial_name.strip()) if t]
    full = [t for t in tokens if not (_INITIAL.match(t) or _SINGLE.match(t))]
    initials = [t[0].lower() for t in tokens if _INITIAL.match(t) or _SINGLE.match(t)]
    if not full:
        return False
    other_keys = keys_of(other)
    rest_keys = keys_of(" ".join(full))
    if not (rest_keys & other_keys):
        other_tokens = [t for t in re.split(r"[\s,\-]+", other) if t]
        if not any(keys_of(" ".join(full)) & keys_of(t) for t in other_tokens):
            return False
    starts = {k[0] for k in other_keys if k}
    for tok in re.split(r"[\s,\-]+", other):
        for k in keys_of(tok) if tok else ():
            starts.add(k[0])
    return all(i in starts for i in initials)
