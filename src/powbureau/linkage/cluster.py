"""Clusters: groups of records joined by match pairs, never through contradictory birth dates.

Pairs are applied best first; two groups join only when no member of one has a birth date more than two years
from a member of the other (known case 16: r1 and r2 never meet through u1), unless one miswritten digit or
decade explains the gap (``vectors.birth_typo``). A cluster is a view, not a merge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from powbureau.linkage.dedupe import CandidatePair
from powbureau.linkage.records import LinkRecord, P_NONE, birth_interval
from powbureau.linkage.vectors import births_contradict


def cluster(records: Sequence[LinkRecord], pairs: Iterable[CandidatePair], *,
            decisions: tuple[str, ...] = ("match",), max_year_gap: int = 2,
            trusted: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Group record ids by the pairs whose decision is in ``decisions`` (accepted review edges can be passed
    in the same shape). Pairs whose decision is in ``trusted`` (a human's ``accepted``) join first and regardless
    of birth dates; the others never join contradictory births, unless the pair's own service numbers agree
    (``CandidatePair.identifier_agrees``: the number outweighs a miswritten date). Returns clusters as sorted id tuples
    (singletons included), largest first, then by id."""
    births = {r.id: birth_interval(r.birth) for r in records}
    parent = {r.id: r.id for r in records}
    spans: dict[str, list[tuple[int, int, int]]] = {
        r.id: ([births[r.id]] if births[r.id][2] != P_NONE else []) for r in records}

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
        if not exempt and any(births_contradict(x, y, max_year_gap) for x in spans[ra] for y in spans[rb]):
            continue  # joining would put contradictory birth dates in one cluster
        small, big = (ra, rb) if len(spans[ra]) <= len(spans[rb]) else (rb, ra)
        parent[small] = big
        spans[big] = sorted(set(spans[big]) | set(spans[small]))
        del spans[small]
    groups: dict[str, list[str]] = {}
    for r in records:
        groups.setdefault(find(r.id), []).append(r.id)
    return sorted((tuple(sorted(g)) for g in groups.values()), key=lambda g: (-len(g), g))
