"""Comparison vectors: for each candidate pair, one agreement level per field.

Levels are ordered from strongest agreement to strongest disagreement; level 0 always means "missing on one
side" and carries no weight. Names are compared by ``powbureau.names``; dates keep their precision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

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
                                   "only one name part given", "weak agreement", "different"))
BIRTH = Comparison("birth", "birth date", ("missing", "exact", "same year and month", "same year or compatible",
                                           "1-2 years apart", "a digit or a decade apart", "contradicts"))
SERVICE = Comparison("service_number", "service number", ("missing", "exact", "one edit apart", "different"))
RANK = Comparison("rank", "rank", ("missing", "same", "different"))
UNIT = Comparison("unit", "unit", ("missing", "same", "different"))
FATHER = Comparison("father", "father's given name", ("missing", "same", "different"))
PLACE = Comparison("place", "birth place", ("missing", "same", "similar", "different"))
CORE = (NAME, BIRTH, SERVICE, RANK, UNIT, FATHER, PLACE)
STRONG_NAME = 0.93
WEAK_NAME = max(0.0, MATCH_THRESHOLD - 0.2)
BIRTH_FAR = 6  # level index meaning the birth dates contradict
BIRTH_TYPO = 5  # more than two years apart, but one miswritten digit or decade explains it
NAME_INITIAL = 4
NAME_LONE = 5  # one side gives only a given name or only a surname, and it agrees
NAME_WEAK = 6
NAME_DIFFERENT = 7
TYPO_DAYS = 45  # a miswritten year digit may come with a day slip of up to this many days


def comparisons(extra_fields: tuple[str, ...] = ()) -> tuple[Comparison, ...]:
    """The compared fields in vector order: the core seven, then each extra field."""
    return CORE + tuple(Comparison(f, f.replace("_", " "), ("missing", "same", "similar", "different"))
                        for f in extra_fields)


def _years(lo: np.ndarray) -> np.ndarray:
    # proleptic ordinal -> calendar year, vectorised via numpy datetime64 (ordinal 719163 = 1970-01-01)
    return (lo - 719163).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _months(lo: np.ndarray) -> np.ndarray:
    return (lo - 719163).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _ymd(lo: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = (lo - 719163).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    y = m.astype("datetime64[Y]").astype(np.int64) + 1970
    return y, m.astype(np.int64) % 12 + 1, (d - m.astype("datetime64[D]")).astype(np.int64) + 1


def birth_typo(lo_a: np.ndarray, lo_b: np.ndarray) -> np.ndarray:
    """True where two exact birth days (proleptic ordinals) differ as a clerk's slip does, not as two people do:
    the years differ in one digit or are two digits transposed (1923/1933, 1983/1938) with day and month within
    ``TYPO_DAYS`` or day and month swapped; or the dates lie ten years apart within ``TYPO_DAYS`` (a miswritten
    decade digit with a day slip). Such pairs get their own level, and neither the birth-contradiction guard of
    clustering nor ``birth_contradicts`` treats them as different persons (Splink's DateOfBirthComparison
    likewise keeps a "within ten years" level apart from "different")."""
    lo_a = np.asarray(lo_a, dtype=np.int64)
    lo_b = np.asarray(lo_b, dtype=np.int64)
    ya, ma, da = _ymd(lo_a)
    yb, mb, db = _ymd(lo_b)
    ndiff = np.zeros(len(lo_a), dtype=np.int64)
    for k in range(4):
        ndiff += (ya // 10 ** k % 10) != (yb // 10 ** k % 10)
    da4 = np.stack([ya // 10 ** k % 10 for k in range(4)], axis=1)
    db4 = np.stack([yb // 10 ** k % 10 for k in range(4)], axis=1)
    transposed = (ndiff == 2) & (np.sort(da4, axis=1) == np.sort(db4, axis=1)).all(axis=1)
    diff_pos = da4 != db4
    adjacent = np.zeros(len(lo_a), dtype=bool)
    for k in range(3):
        adjacent |= diff_pos[:, k] & diff_pos[:, k + 1]
    md = np.abs(((ma - 1) * 30.44 + da) - ((mb - 1) * 30.44 + db))
    md = np.minimum(md, 365.25 - md)
    near_md = (md <= TYPO_DAYS) | ((ma == db) & (da == mb))
    decade = np.abs(np.abs(lo_a - lo_b) - 3652) <= TYPO_DAYS
    return ((ndiff == 1) | (transposed & adjacent)) & near_md | decade


def births_contradict(a: tuple[int, int, int], b: tuple[int, int, int], max_year_gap: int = 2) -> bool:
    """True when two birth intervals ``(lo, hi, precision)`` (ordinals; precision ``P_NONE`` = unknown) lie more
    than ``max_year_gap`` calendar years apart and no slip of the pen (``birth_typo``) explains it."""
    if a[2] == P_NONE or b[2] == P_NONE:
        return False
    ya_lo, ya_hi, yb_lo, yb_hi = _year(a[0]), _year(a[1]), _year(b[0]), _year(b[1])
    if max(0, max(ya_lo, yb_lo) - min(ya_hi, yb_hi)) <= max_year_gap:
        return False
    if a[2] == P_DAY and b[2] == P_DAY:
        return not _typo_one(a[0], b[0])
    return True


@lru_cache(maxsize=200_000)
def _year(o: int) -> int:
    return date.fromordinal(o).year


@lru_cache(maxsize=200_000)
def _typo_one(lo_a: int, lo_b: int) -> bool:
    """``birth_typo`` for one pair of ordinals, in plain Python (cached; the clustering guard asks it many times,
    and numpy on one element costs more than the test itself); the same rule step by step."""
    a, b = date.fromordinal(lo_a), date.fromordinal(lo_b)
    da4 = [a.year // 10 ** k % 10 for k in range(4)]
    db4 = [b.year // 10 ** k % 10 for k in range(4)]
    diff_pos = [x != y for x, y in zip(da4, db4)]
    ndiff = sum(diff_pos)
    transposed = ndiff == 2 and sorted(da4) == sorted(db4)
    adjacent = any(diff_pos[k] and diff_pos[k + 1] for k in range(3))
    md = abs(((a.month - 1) * 30.44 + a.day) - ((b.month - 1) * 30.44 + b.day))
    md = min(md, 365.25 - md)
    near_md = md <= TYPO_DAYS or (a.month == b.day and a.day == b.month)
    decade = abs(abs(lo_a - lo_b) - 3652) <= TYPO_DAYS
    return bool(((ndiff == 1) or (transposed and adjacent)) and near_md or decade)


def birth_levels(a: Prepared, b: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Birth level per pair: exact / same year-month / same year or overlapping / 1-2 years / a digit or a
    decade apart (``birth_typo``) / contradicts."""
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
    out[:] = BIRTH_FAR
    far = np.flatnonzero((ydiff > 2) & (pa == P_DAY) & (pb == P_DAY))
    if len(far):
        out[far[birth_typo(lo_a[far], lo_b[far])]] = BIRTH_TYPO
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


LONE_CLOSE = 0.9  # Jaro-Winkler from which a lone name part and a word of the other name are one spelling


def _lone_part_close(lone: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """True when a lone name part is spelt like one word of the other name (``Oscar`` / ``Osacar Moore``):
    Jaro-Winkler >= ``LONE_CLOSE`` on case-folded words of at least three letters."""
    words = {w for n in other for w in n.replace(",", " ").casefold().split() if len(w) >= 3}
    for x in lone:
        x = x.replace(",", " ").strip().casefold()
        if len(x) >= 3 and any(JaroWinkler.similarity(x, w) >= LONE_CLOSE for w in words):
            return True
    return False


def name_level(a: Prepared, b: Prepared, i: int, j: int) -> tuple[int, float, str]:
    """Name level, best comparator score and its reason for one pair (best over all spellings)."""
    if a.initial_only[i] or b.initial_only[j]:
        init, other = (a.names[i], b.names[j]) if a.initial_only[i] else (b.names[j], a.names[i])
        if b.initial_only[j] and a.initial_only[i]:
            ok = bool(a.name_norm[i] & b.name_norm[j])
        else:
            ok = any(initials_compatible(x, y) for x in init for y in other)
        return (NAME_INITIAL, 0.5, "one name has only an initial") if ok else (NAME_DIFFERENT, 0.0, "initials differ")
    same = bool(a.name_norm[i] & b.name_norm[j])
    one_a, one_b = _one_part(a.names[i]), _one_part(b.names[j])
    if one_a or one_b:
        # a lone given name or surname agreeing is its own level: EM learns how much it is worth
        if same or (a.keys[i] and b.keys[j] and a.tokens[i] & b.tokens[j]):
            return NAME_LONE, 0.5, "only one name part given"
        lone, other = (a.names[i], b.names[j]) if one_a else (b.names[j], a.names[i])
        if _lone_part_close(lone, other):
            return NAME_LONE, 0.5, "only one name part given, spelt alike"
    if same:
        return 1, 1.0, "identical spelling"
    if not a.keys[i] or not b.keys[j]:
        return 0, 0.0, "a name gave no comparable key (no evidence)"  # known case 1
    if not (a.tokens[i] & b.tokens[j]):
        return NAME_DIFFERENT, 0.0, "no name part in common"
    best_s, best_m, best_r = -1.0, False, ""
    for x in a.names[i][:4]:
        for y in b.names[j][:4]:
            c = agreement(x, y)
            if (c.is_match, c.score) > (best_m, best_s):
                best_s, best_m, best_r = c.score, c.is_match, c.reason
    if best_m:
        return (2 if best_s >= STRONG_NAME else 3), best_s, best_r
    return (NAME_WEAK if best_s >= WEAK_NAME else NAME_DIFFERENT), best_s, best_r


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
