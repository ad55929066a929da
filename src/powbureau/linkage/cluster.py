"""Clusters: groups of records joined by match pairs, never through contradictory birth dates.

Pairs are applied best first; two groups join only when no member of one has a birth date more than two years
from a member of the other (known case 16: r1 and r2 never meet through u1), unless one miswritten digit or
decade explains the gap (``vectors.birth_typo``), and only when their full names do not disagree (a lone
surname or a shared birth day must not chain ``Adam Jones`` to ``Maryam Jones``). A cluster is a view, not a
merge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from powbureau.linkage.dedupe import CandidatePair

from rapidfuzz.distance import JaroWinkler

from powbureau.linkage.records import LinkRecord, P_DAY, P_NONE, birth_interval
from powbureau.linkage.namecmp import agreement, is_initial_only, tokens_of
from powbureau.linkage.vectors import _one_part, _typo_one, births_contradict


def _year_of(o: int) -> int:
    return date.fromordinal(o).year


def _merge_bounds(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


def _may_contradict(a: tuple[int, int] | None, b: tuple[int, int] | None, gap: int) -> bool:
    """Cheap pre-check on two groups' (earliest, latest) birth years: False when no pair can be ``gap`` apart."""
    if a is None or b is None:
        return False
    return max(a[1], b[1]) - min(a[0], b[0]) > gap


def _unexplained_contradiction(a: list[tuple[int, int, int]], b: list[tuple[int, int, int]], gap: int) -> bool:
    """True when a birth of group ``a`` contradicts one of group ``b`` and no third birth of either group bridges
    them (a slip of the pen from one and within ``gap`` years of the other): 1992-02-28 joins a group holding 2002-02-25
    and 1992-02-28 as one story (a decade miswritten once), while 1998 and 2001 with nothing between stay apart
    (known case 16). Large groups (over 40 distinct births) are checked strictly, pair by pair."""
    bad = [(x, y) for x in a for y in b if births_contradict(x, y, gap)]
    if not bad:
        return False
    if len(a) + len(b) > 40:
        return True
    both = a + b
    for x, y in bad:
        if not any((_slip(z, x) and not births_contradict(z, y, gap)) or
                   (_slip(z, y) and not births_contradict(z, x, gap)) for z in both):
            return True
    return False


def _slip(x: tuple[int, int, int], y: tuple[int, int, int]) -> bool:
    """Two exact birth days a miswritten digit or decade apart (``vectors.birth_typo``, cached per pair of days)."""
    return x[2] == P_DAY and y[2] == P_DAY and x != y and _typo_one(int(x[0]), int(y[0]))


def _full_names(r: LinkRecord) -> frozenset[tuple[str, ...]]:
    """The record's spellings as one entry when it carries a full name (more than one part, no bare initial)."""
    names = tuple(x.strip() for x in r.names if x and x.strip())
    if not names or _one_part(names) or all(is_initial_only(x) for x in names):
        return frozenset()
    return frozenset({names})


def _names_conflict(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> bool:
    """True when a full name of group ``a`` and one of group ``b`` share a name part while their other parts
    differ (``Adam Jones`` / ``Maryam Jones``, ``Isaac James`` / ``James Dixon``): two such people are
    not one person joined through a lone name or a date (the name-side counterpart of the birth guard), unless
    the other group already holds a name agreeing with one of them (a record whose given name was replaced
    once, as in febrl3, joins its person through his other records). Names
    sharing no part at all are left to the scores (heavy misspellings look like that). Large groups (over 400
    name pairs) are not checked."""
    if not a or not b or len(a) * len(b) > 400:
        return False
    for x in a:
        for y in b:
            shared = [(s, t) for s in x for t in y if tokens_of(s) & tokens_of(t)]
            if shared and all(_other_part_differs(s, t) for s, t in shared) \
                    and not any(_same_name(y, z) for z in a) and not any(_same_name(x, z) for z in b):
                return True
    return False


def _same_name(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    return any(s == t or agreement(s, t).is_match for s in x for t in y)


NAME_GUARD_OVERRULED = 0.95  # a pair whose other fields alone reach this probability joins despite its names
OTHER_PART_CLOSE = 0.7  # Jaro-Winkler from which the unshared parts may be one name misspelt (fake_1000: 1 %
#                         of true pairs fall below, 92 % of different people sharing one part)


def _other_part_differs(s: str, t: str) -> bool:
    """Two full names sharing a part whose other parts are not one name misspelt: the comparator does not match
    them, and the best Jaro-Winkler between their remaining words is below ``OTHER_PART_CLOSE``."""
    if s == t or agreement(s, t).is_match:
        return False
    ws, wt = s.replace(",", " ").casefold().split(), t.replace(",", " ").casefold().split()
    for i, a in enumerate(ws):
        for j, b in enumerate(wt):
            if tokens_of(a) & tokens_of(b):
                ra, rb = ws[:i] + ws[i + 1:], wt[:j] + wt[j + 1:]
                if not ra or not rb:
                    return False
                return max(JaroWinkler.similarity(x, y) for x in ra for y in rb) < OTHER_PART_CLOSE
    return False


def cluster(records: Sequence[LinkRecord], pairs: Iterable[CandidatePair], *,
            decisions: tuple[str, ...] = ("match",), max_year_gap: int = 2,
            trusted: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Group record ids by the pairs whose decision is in ``decisions`` (accepted review edges can be passed
    in the same shape), best first. Pairs whose decision is in ``trusted`` (a human's ``accepted``) join first
    and regardless of births and names. The others never join two groups whose births contradict with no slip
    of the pen to bridge them (``_unexplained_contradiction``), unless the pair's own service numbers agree
    (``CandidatePair.identifier_agrees``: the number outweighs a miswritten date); nor two groups holding full
    names that share a part but differ in the other (``_names_conflict``), unless the pair's other fields alone
    reach ``NAME_GUARD_OVERRULED``. Returns clusters as sorted id tuples (singletons included), largest first,
    then by id."""
    births = {r.id: birth_interval(r.birth) for r in records}
    parent = {r.id: r.id for r in records}
    spans: dict[str, list[tuple[int, int, int]]] = {
        r.id: ([births[r.id]] if births[r.id][2] != P_NONE else []) for r in records}
    full: dict[str, frozenset[tuple[str, ...]]] = {r.id: _full_names(r) for r in records}
    bounds = {k: ((_year_of(v[0][0]), _year_of(v[0][1])) if v else None) for k, v in spans.items()}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    wanted = set(decisions) | set(trusted)
    for p in sorted((p for p in pairs if p.decision in wanted),
                    key=lambda p: (p.decision not in trusted, -p.score, p.left, p.right)):
        if p.left not in parent or p.right not in parent:
            continue
        ra, rb = find(p.left), find(p.right)
        if ra == rb:
            continue
        exempt = p.decision in trusted or getattr(p, "identifier_agrees", False)
        if not exempt and _may_contradict(bounds[ra], bounds[rb], max_year_gap) \
                and _unexplained_contradiction(spans[ra], spans[rb], max_year_gap):
            continue  # joining would put contradictory birth dates in one cluster
        if not exempt and getattr(p, "score_without_name", 0.0) < NAME_GUARD_OVERRULED \
                and _names_conflict(full[ra], full[rb]):
            continue  # joining would put two different full names in one cluster
        small, big = (ra, rb) if len(spans[ra]) <= len(spans[rb]) else (rb, ra)
        parent[small] = big
        spans[big] = sorted(set(spans[big]) | set(spans[small]))
        del spans[small]
        bounds[big] = _merge_bounds(bounds[big], bounds.pop(small))
        fs = full.pop(small)
        if fs and len(full[big]) <= 400:  # beyond that the name guard does not look (see _names_conflict)
            full[big] = full[big] | fs
    groups: dict[str, list[str]] = {}
    for r in records:
        groups.setdefault(find(r.id), []).append(r.id)
    return sorted((tuple(sorted(g)) for g in groups.values()), key=lambda g: (-len(g), g))
