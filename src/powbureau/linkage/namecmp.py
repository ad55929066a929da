"""Adapter between linkage and the names package: blocking keys and name comparison.

Linkage asks two questions of a name: which cross-script keys does it have, and how well do two names
agree. Both answers come from ``powbureau.names``; results are cached per distinct string or pair."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from powbureau.names import MATCH_THRESHOLD, compare_names, name_keys, parse_name, token_keys



@dataclass(frozen=True)
class NameAgreement:
    """How two names agree: the comparator's ``score`` 0..1, its decision and its reason in words."""

    score: float
    is_match: bool
    reason: str


_KEYS: dict[str, frozenset[str]] = {}
_TOKENS: dict[str, frozenset[str]] = {}


def keys_of(name: str) -> frozenset[str]:
    """Cross-script whole-name blocking keys of one name (cached); empty when the name gives no key
    (known case 1: no key is no evidence, never agreement)."""
    hit = _KEYS.get(name)
    if hit is None:
        try:
            hit = frozenset(name_keys(name)) | korean_given_keys(name)
        except Exception:  # a name the transliterator cannot read
            hit = frozenset()
        _KEYS[name] = hit
    return hit


def korean_given_keys(name: str) -> frozenset[str]:
    """Finer Korean blocking keys, ``KG:<surname reading>:<loosened given-name reading>`` for every Korean
    reading of the name (김성용, Kim Seong-yong and Ким Сон Ён share ``KG:GIM:SONON``). The names package's
    ``K:`` keys keep only the given name's consonants, so ``K:GIM:SN`` is shared by hundreds of Kims and drops
    out of blocking where a birth date is missing; these keep the vowels as the readings fold them, so they
    stay rare enough to block on (bench/linkage_crossscript.py: blocking recall 0.9895 -> 0.9912)."""
    from powbureau.names import korean
    from powbureau.names.keys import _korean_surnames

    out = set()
    for r in parse_name(name).korean:
        for sur in _korean_surnames(r):
            for g in r.given_keys:
                giv = re.sub(r"[^A-Z]", "", korean.loosen(g).upper())
                if giv:
                    out.add(f"KG:{re.sub(r'[^A-Z]', '', sur.upper())}:{giv}")
    return frozenset(out)


def _name_facts(names: list[str]) -> list[tuple[frozenset[str], frozenset[str], bool]]:
    return [(keys_of(n), tokens_of(n), is_initial_only(n)) for n in names]


def prime(names: set[str], workers: int) -> None:
    """Compute keys, token keys and the initial-only flag of many distinct names, on ``workers`` processes
    (fork) when there are many; results land in this process's caches. Pure: same results as one process."""
    todo = sorted(n for n in names if n not in _KEYS)
    if workers <= 1 or len(todo) < 20_000:
        _name_facts(todo)
        return
    import multiprocessing as mp

    size = (len(todo) + workers * 4 - 1) // (workers * 4)
    chunks = [todo[k:k + size] for k in range(0, len(todo), size)]
    with mp.get_context("fork").Pool(workers) as pool:
        for chunk, facts in zip(chunks, pool.map(_name_facts, chunks)):
            for n, (k, t, ini) in zip(chunk, facts):
                _KEYS[n] = k
                _TOKENS[n] = t
                _INITIAL_ONLY[n] = ini


def surname_keys(name: str) -> frozenset[str]:
    """Surname-only forms (``N:SURNAME:``) of a name's keys: how an initial-only name meets the full names it
    may stand for (known case 14)."""
    return frozenset(k[: k.index(":", 2) + 1] for k in keys_of(name) if k[:2] in ("N:", "C:"))


def tokens_of(name: str) -> frozenset[str]:
    """Per-token cross-script keys (names package ``token_keys``); two names sharing none are different."""
    hit = _TOKENS.get(name)
    if hit is None:
        try:
            hit = frozenset(token_keys(name))
        except Exception:  # pragma: no cover - defensive
            hit = frozenset()
        _TOKENS[name] = hit
    return hit


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
    try:
        tokens = parse_name(name).tokens
    except Exception:  # pragma: no cover - a name the parser cannot read has no initials we can use
        return []
    out = []
    for t in tokens:
        ini = t.role == "initial" and (t.text.upper() not in _ONE_LETTER_NAMES
                                       or re.search(rf"(?<!\w){re.escape(t.text)}\.", name) is not None)
        letters = {t.latin[:1].lower()} | {str(g.group)[:1].lower() for g in t.groups}
        out.append((t.latin.lower(), ini, frozenset(letters)))
    return out


_ONE_LETTER_NAMES = frozenset("OIUE")


_INITIAL_ONLY: dict[str, bool] = {}


def is_initial_only(name: str) -> bool:
    """True when a name carries an initial instead of a given name (``Dorosh A.``): known case 14."""
    hit = _INITIAL_ONLY.get(name)
    if hit is None:
        toks = _tokens(name)
        hit = len(toks) >= 2 and any(ini for _, ini, _ in toks) and any(not ini for _, ini, _ in toks)
        _INITIAL_ONLY[name] = hit
    return hit


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
