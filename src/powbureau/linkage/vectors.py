"""Comparison vectors: for each candidate pair, one agreement level per field.

Levels are ordered from strongest agreement to strongest disagreement; level 0 always means "missing on one
side" and carries no weight. Names are compared by ``powbureau.names``; dates keep their precision."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from powbureau.linkage.namecmp import MATCH_THRESHOLD, agreement, initials_compatible, keys_of, tokens_of
from powbureau.linkage.records import P_DAY, P_INTERVAL, P_MONTH, P_NONE, Prepared


@dataclass(frozen=True)
class Comparison:
    """One compared field: its name, what it is called in explanations, and its level labels."""

    name: str
    label: str
    levels: tuple[str, ...]


NAME = Comparison("name", "name", ("missing", "exact", "strong agreement", "agreement", "initial only",
                                   "weak agreement", "different"))
BIRTH = Comparison("birth", "birth date", ("missing", "exact", "same year and month", "same year or compatible",
                                           "1-2 years apart", "contradicts"))
SERVICE = Comparison("service_number", "service number", ("missing", "exact", "one edit apart", "different"))
RANK = Comparison("rank", "rank", ("missing", "same", "different"))
UNIT = Comparison("unit", "unit", ("missing", "same", "different"))
FATHER = Comparison("father", "father's given name", ("missing", "same", "different"))
PLACE = Comparison("place", "birth place", ("missing", "same", "similar", "different"))
CORE = (NAME, BIRTH, SERVICE, RANK, UNIT, FATHER, PLACE)
STRONG_NAME = 0.93
WEAK_NAME = max(0.0, MATCH_THRESHOLD - 0.2)
BIRTH_FAR = 5  # level index meaning the birth dates contradict
NAME_INITIAL = 4


def comparisons(extra_fields: tuple[str, ...] = ()) -> tuple[Comparison, ...]:
    """The compared fields in vector order: the core seven, then each extra field."""
    return CORE + tuple(Comparison(f, f.replace("_", " "), ("missing", "same", "similar", "different"))
                        for f in extra_fields)


def _years(lo: np.ndarray) -> np.ndarray:
    # proleptic ordinal -> calendar year, vectorised via numpy datetime64 (ordinal 719163 = 1970-01-01)
    return (lo - 719163).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _months(lo: np.ndarray) -> np.ndarray:
    return (lo - 719163).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def birth_levels(a: Prepared, b: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Birth level per pair: exact / same year-month / same year or overlapping / 1-2 years / contradicts."""
    pa, pb = a.birth_prec[i], b.birth_prec[j]
    lo_a, hi_a, lo_b, hi_b = a.birth_lo[i], a.birth_hi[i], b.birth_lo[j], b.birth_hi[j]
    known = (pa != P_NONE) & (pb != P_NONE)
    out = np.zeros(len(i), dtype=np.int8)
    if not known.any():
        return out
    ya_lo, ya_hi, yb_lo, yb_hi = _years(lo_a), _years(hi_a), _years(lo_b), _years(hi_b)
    ydiff = np.maximum(0, np.maximum(ya_lo, yb_lo) - np.minimum(ya_hi, yb_hi))
    overlap = (np.maximum(lo_a, lo_b) <= np.minimum(hi_a, hi_b))
    fine = (pa >= P_MONTH) & (pa != P_INTERVAL) & (pb >= P_MONTH) & (pb != P_INTERVAL)
    same_month = fine & (_months(lo_a) == _months(lo_b))
    exact = (pa == P_DAY) & (pb == P_DAY) & (lo_a == lo_b)
    out[:] = 5
    out[ydiff <= 2] = 4
    out[(ydiff == 0) | overlap] = 3
    out[same_month] = 2
    out[exact] = 1
    out[~known] = 0
    return out


def _code_levels(ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    out = np.where(ca == cb, 1, 2).astype(np.int8)
    out[(ca < 0) | (cb < 0)] = 0
    return out


def _text_levels(ta: list[str], tb: list[str], i: np.ndarray, j: np.ndarray, keyed: bool,
                 ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """same / similar (Jaro-Winkler >= 0.88 or, for places, a shared cross-script key) / different."""
    out = np.where(ca == cb, 1, 3).astype(np.int8)
    missing = (ca < 0) | (cb < 0)
    todo = np.flatnonzero((out == 3) & ~missing)
    if len(todo):
        sa = [ta[i[k]] for k in todo]
        sb = [tb[j[k]] for k in todo]
        sim = process.cpdist(sa, sb, scorer=JaroWinkler.similarity, workers=1)
        out[todo[sim >= 0.88]] = 2
        if keyed:
            for t, x, y in zip(todo, sa, sb):
                if out[t] == 3 and keys_of(x) & keys_of(y):
                    out[t] = 2
    out[missing] = 0
    return out


def _one_part(names: tuple[str, ...]) -> bool:
    """Every spelling is a single word (a lone given name or surname); Hangul, written without spaces, is not."""
    return all(len(n.replace(",", " ").split()) == 1 and not any("\uac00" <= ch <= "\ud7a3" for ch in n)
               for n in names)


def name_level(a: Prepared, b: Prepared, i: int, j: int) -> tuple[int, float, str]:
    """Name level, best comparator score and its reason for one pair (best over all spellings)."""
    if a.initial_only[i] or b.initial_only[j]:
        init, other = (a.names[i], b.names[j]) if a.initial_only[i] else (b.names[j], a.names[i])
        if b.initial_only[j] and a.initial_only[i]:
            ok = bool(a.name_norm[i] & b.name_norm[j])
        else:
            ok = any(initials_compatible(x, y) for x in init for y in other)
        return (NAME_INITIAL, 0.5, "one name has only an initial") if ok else (6, 0.0, "initials differ")
    same = bool(a.name_norm[i] & b.name_norm[j])
    if (same or (a.keys[i] and b.keys[j] and a.tokens[i] & b.tokens[j])) and (
            _one_part(a.names[i]) or _one_part(b.names[j])):
        # a lone given name or surname agreeing is weak evidence: many people share it
        return 5, 0.5, "only one name part given"
    if same:
        return 1, 1.0, "identical spelling"
    if not a.keys[i] or not b.keys[j]:
        return 0, 0.0, "a name gave no comparable key (no evidence)"  # known case 1
    if not (a.tokens[i] & b.tokens[j]):
        return 6, 0.0, "no name part in common"
    best_s, best_m, best_r = -1.0, False, ""
    for x in a.names[i][:4]:
        for y in b.names[j][:4]:
            c = agreement(x, y)
            if (c.is_match, c.score) > (best_m, best_s):
                best_s, best_m, best_r = c.score, c.is_match, c.reason
    if best_m:
        return (2 if best_s >= STRONG_NAME else 3), best_s, best_r
    return (5 if best_s >= WEAK_NAME else 6), best_s, best_r


_SHARED: tuple = ()


def _name_levels_slice(bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    a, b, i, j = _SHARED
    lo, hi = bounds
    lv = np.zeros(hi - lo, dtype=np.int8)
    sc = np.zeros(hi - lo, dtype=np.float32)
    for k in range(lo, hi):
        lv[k - lo], sc[k - lo], _ = name_level(a, b, int(i[k]), int(j[k]))
    return lv, sc


def name_levels(a: Prepared, b: Prepared, i: np.ndarray, j: np.ndarray,
                workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Name level and comparator score per pair, on ``workers`` forked processes for many pairs."""
    global _SHARED
    _SHARED = (a, b, i, j)
    try:
        n = len(i)
        if workers <= 1 or n < 50_000:
            return _name_levels_slice((0, n))
        import multiprocessing as mp

        step = (n + workers * 8 - 1) // (workers * 8)
        bounds = [(k, min(n, k + step)) for k in range(0, n, step)]
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_name_levels_slice, bounds)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    finally:
        _SHARED = ()


def compute_vectors(a: Prepared, b: Prepared, i: np.ndarray, j: np.ndarray,
                    extra_fields: tuple[str, ...] = (), workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Comparison vectors for pairs ``(a[i[k]], b[j[k]])``.

    Returns ``gamma`` (int8, shape pairs × fields, field order of ``comparisons``) and ``name_score``
    (float32, the comparator's best score per pair)."""
    gamma = other_levels(a, b, i, j, extra_fields)
    gamma[:, 0], name_score = name_levels(a, b, i, j, workers)
    return gamma, name_score


def other_levels(a: Prepared, b: Prepared, i: np.ndarray, j: np.ndarray,
                 extra_fields: tuple[str, ...] = ()) -> np.ndarray:
    """Comparison vectors without the name (column 0 left at 0): the cheap, vectorised fields."""
    n = len(i)
    comps = comparisons(extra_fields)
    gamma = np.zeros((n, len(comps)), dtype=np.int8)
    gamma[:, 1] = birth_levels(a, b, i, j)
    sa, sb = a.sn[i], b.sn[j]
    present = (sa != "") & (sb != "")
    sn = np.where(sa == sb, 1, 3).astype(np.int8)
    diff = np.flatnonzero(present & (sn == 3))
    if len(diff):
        d = process.cpdist(list(sa[diff]), list(sb[diff]), scorer=OSA.distance, workers=1)
        sn[diff[d <= 1]] = 2
    sn[~present] = 0
    gamma[:, 2] = sn
    gamma[:, 3] = _code_levels(a.codes["rank"][i], b.codes["rank"][j])
    gamma[:, 4] = _code_levels(a.codes["unit"][i], b.codes["unit"][j])
    fa, fb = a.codes["father"][i], b.codes["father"][j]
    fl = _code_levels(fa, fb)
    cand = np.flatnonzero(fl == 2)
    if len(cand):  # compare each distinct pair of fathers' names once
        uniq, inv = np.unique(np.stack([fa[cand], fb[cand]], axis=1), axis=0, return_inverse=True)
        words = a.vocab["father"]
        same = np.array([bool(tokens_of(words[x]) & tokens_of(words[y])) and agreement(words[x], words[y]).is_match
                         for x, y in uniq], dtype=bool)
        fl[cand[same[inv.ravel()]]] = 1
    gamma[:, 5] = fl
    col = 6
    for f, keyed in (("place", True), *((e, False) for e in extra_fields)):
        gamma[:, col] = _text_levels(a.texts[f], b.texts[f], i, j, keyed, a.codes[f][i], b.codes[f][j])
        col += 1
    return gamma
