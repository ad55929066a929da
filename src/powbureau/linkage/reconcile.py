"""Reconcile a counterpart list against the registry: every row matched, ambiguous or unmatched.

Each list row is assigned to at most one person and each person to at most one row (best weight first, known
case 16); rows with two or more candidates close together, or an initial-only name (case 14), go to review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from powbureau.domain.errors import ValidationFailed
from powbureau.linkage.engine import score_candidates
from powbureau.linkage.explain import evidence, summary
from powbureau.linkage.model import FSModel
from powbureau.linkage.records import LinkRecord, Prepared
from powbureau.linkage.settings import LinkSettings
from powbureau.linkage.vectors import BIRTH_FAR, NAME_INITIAL

STATUSES = ("matched", "ambiguous", "unmatched")


@dataclass(frozen=True)
class Candidate:
    """A registry person proposed for a list row: ``person_id``, ``score`` (probability 0..1), ``weight``
    (bits) and ``explanation`` (one readable line per field)."""

    person_id: str
    score: float
    weight: float
    explanation: str


@dataclass(frozen=True)
class ReconcileRow:
    """The outcome for one list row (DESIGN.md §5 reconcile output).

    ``status``: ``matched`` (``person_id`` set, score ≥ reconcile threshold, no rival within the ambiguity margin),
    ``ambiguous`` (two or more candidates close together, an initial-only name, or the best person taken by a
    stronger row) or ``unmatched``; ``candidates``: every candidate at or above the review threshold, best first."""

    row_id: str
    status: str
    person_id: str | None
    score: float
    explanation: str
    candidates: tuple[Candidate, ...]


def reconcile(list_records: Sequence[LinkRecord], registry_records: Sequence[LinkRecord] | Prepared,
              settings: LinkSettings | None = None, model: FSModel | None = None) -> list[ReconcileRow]:
    """One ReconcileRow per list row, in list order. Pure: stores nothing, changes nothing.

    ``registry_records``: the persons, or a registry prepared once with ``prepare_registry``.
    Raises ``ValidationFailed`` for an empty list, a row without a name, repeated row ids or a malformed birth."""
    settings = settings or LinkSettings()
    if not list_records:
        raise ValidationFailed("the counterpart list is empty — import a list with at least one row")
    ids = [r.id for r in list_records]
    if len(set(ids)) != len(ids):
        dup = next(x for x in ids if ids.count(x) > 1)
        raise ValidationFailed(f"list row id '{dup}' occurs more than once — row ids must be unique")
    if not registry_records:
        return [ReconcileRow(r.id, "unmatched", None, 0.0, "the registry is empty", ()) for r in list_records]
    sc = score_candidates(list_records, registry_records, settings, model)
    init = sc.gamma[:, 0] == NAME_INITIAL
    keep = (sc.prob >= settings.review_threshold) | (init & (sc.gamma[:, 1] != BIRTH_FAR))
    by_row: dict[int, list[int]] = {}
    for k in np.flatnonzero(keep):
        by_row.setdefault(int(sc.i[k]), []).append(int(k))
    for ks in by_row.values():
        ks.sort(key=lambda k: (-sc.weight[k], sc.b.ids[sc.j[k]]))

    def explain(k: int) -> str:
        ev = evidence(sc.a, sc.b, int(sc.i[k]), int(sc.j[k]), sc.gamma[k], sc.per_field[k], sc.comps,
                      float(sc.tf_bits[k]))
        return summary(ev)

    # a row is contested when a rival candidate lies within the margin of its best, or its name is an initial
    contested: dict[int, str] = {}
    for row, ks in by_row.items():
        top = ks[0]
        if init[top]:
            contested[row] = "the name has only an initial; a human must decide"
        elif len(ks) > 1 and sc.weight[ks[1]] >= sc.weight[top] - settings.ambiguity_margin:
            contested[row] = (f"{sum(1 for k in ks if sc.weight[k] >= sc.weight[top] - settings.ambiguity_margin)}"
                              f" candidates within {settings.ambiguity_margin:g} bits of each other")
    # one-to-one assignment, strongest evidence first
    edges = [k for row, ks in by_row.items() if row not in contested for k in ks
             if sc.prob[k] >= settings.reconcile_threshold]
    edges.sort(key=lambda k: (-sc.weight[k], int(sc.i[k]), int(sc.j[k])))
    row_to: dict[int, int] = {}
    taken: dict[int, int] = {}
    for k in edges:
        row, person = int(sc.i[k]), int(sc.j[k])
        if row in row_to:
            continue
        if person in taken:
            contested.setdefault(row, f"its best person is already matched to row {sc.a.ids[taken[person]]}")
            continue
        row_to[row] = k
        taken[person] = row
    out = []
    for row, rec in enumerate(list_records):
        ks = by_row.get(row, [])
        cands = tuple(Candidate(sc.b.ids[sc.j[k]], round(float(sc.prob[k]), 6), round(float(sc.weight[k]), 4),
                                explain(k)) for k in ks[:5])
        if row in row_to:
            k = row_to[row]
            out.append(ReconcileRow(rec.id, "matched", sc.b.ids[sc.j[k]], round(float(sc.prob[k]), 6),
                                    explain(k), cands))
        elif row in contested and cands:
            out.append(ReconcileRow(rec.id, "ambiguous", None, cands[0].score,
                                    f"{contested[row]}; best: {cands[0].explanation}", cands))
        else:
            why = ("no candidate reaches the match threshold; best: " + cands[0].explanation) if cands \
                else "no candidate found by blocking (name keys, birth year, service number)"
            out.append(ReconcileRow(rec.id, "unmatched", None, cands[0].score if cands else 0.0, why, cands))
    return out
