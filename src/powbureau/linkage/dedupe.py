"""Dedupe: candidate duplicate pairs within one registry, each with score, weight and explanation.

Pairs are proposals for the review queue, never merges; ``match`` marks pairs above the match threshold that
a clustering may join, ``review`` those a human must look at (including every initial-only name, case 14)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from powbureau.linkage.engine import Scored, score_candidates
from powbureau.linkage.explain import FieldEvidence, evidence, summary
from powbureau.linkage.model import FSModel
from powbureau.linkage.records import LinkRecord
from powbureau.linkage.settings import LinkSettings
from powbureau.linkage.vectors import BIRTH_FAR, NAME_INITIAL, births_contradict


@dataclass(frozen=True)
class CandidatePair:
    """Two records that may be one person.

    ``left``/``right``: record ids (left sorts first in input order); ``score``: match probability 0..1;
    ``weight``: match weight in bits; ``decision``: ``match`` (score ≥ match threshold, name not initial-only)
    or ``review``; ``explanation``: one readable line per field joined by ``; ``; ``evidence``: the same,
    structured; ``birth_contradicts``: the birth dates are more than two years apart and no miswritten digit or decade explains it; ``initial_only``: one
    name is only an initial (such a pair is for a human, never clustered automatically)."""

    left: str
    right: str
    score: float
    weight: float
    decision: str
    explanation: str
    evidence: tuple[FieldEvidence, ...]
    birth_contradicts: bool = False
    initial_only: bool = False

    @property
    def identifier_agrees(self) -> bool:
        """True when the service numbers are present and equal: a person's own number outweighs a contradicting
        birth date (dates are miswritten and rewritten; GC III Art. 17 makes the number the identity), so such a
        pair may cluster despite ``birth_contradicts`` (``cluster``, ``services.linkage.dedupe_clusters``)."""
        return any(e.field == "service_number" and e.level == "exact" for e in self.evidence)

    @property
    def score_without_name(self) -> float:
        """The match probability the other fields give by themselves (the name's weight, frequency bonus
        included, taken out): how far the pair holds without its names."""
        name_w = sum(e.weight for e in self.evidence if e.field == "name")
        return float(1.0 / (1.0 + 2.0 ** -(self.weight - name_w))) if self.evidence else 0.0

    @property
    def may_cluster(self) -> bool:
        """True unless the births contradict with no agreeing service number to outweigh them."""
        return not self.birth_contradicts or self.identifier_agrees


def pairs_from_scored(sc: Scored, settings: LinkSettings, *, keep: np.ndarray | None = None) -> list[CandidatePair]:
    """CandidatePairs for the scored pairs at or above the review threshold (initial-only pairs always)."""
    init = sc.gamma[:, 0] == NAME_INITIAL
    sel = (sc.prob >= settings.review_threshold) | (init & (sc.gamma[:, 1] != BIRTH_FAR))
    if keep is not None:
        sel &= keep
    out = []
    for k in np.flatnonzero(sel):
        i, j = int(sc.i[k]), int(sc.j[k])
        ev = evidence(sc.a, sc.b, i, j, sc.gamma[k], sc.per_field[k], sc.comps, float(sc.tf_bits[k]))
        score = float(sc.prob[k])
        decision = "match" if score >= settings.match_threshold and not init[k] else "review"
        out.append(CandidatePair(sc.a.ids[i], sc.b.ids[j], round(score, 6), round(float(sc.weight[k]), 4),
                                 decision, summary(ev), ev, bool(sc.gamma[k, 1] == BIRTH_FAR),
                                 bool(init[k])))
    out.sort(key=lambda p: (-p.score, p.left, p.right))
    return _no_contradictory_matches(sc, out)


def _no_contradictory_matches(sc: Scored, pairs: list[CandidatePair]) -> list[CandidatePair]:
    """Downgrade to ``review`` the match pairs that tie one record to two records whose births contradict
    (known case 16: u1 pairs with r1 or r2, never with both)."""
    years = {}
    for k, rid in enumerate(sc.a.ids):
        if sc.a.birth_prec[k]:
            years[rid] = (int(sc.a.birth_lo[k]), int(sc.a.birth_hi[k]), int(sc.a.birth_prec[k]))
    partners: dict[str, list[str]] = {}
    linked = {(p.left, p.right) for p in pairs if p.decision == "match"}
    for p in pairs:
        if p.decision == "match":
            partners.setdefault(p.left, []).append(p.right)
            partners.setdefault(p.right, []).append(p.left)
    bad: set[tuple[str, str]] = set()
    for rid, ps in partners.items():
        dated = [x for x in ps if x in years]
        for x in dated:
            for y in dated:
                if (x, y) in linked or (y, x) in linked:
                    continue  # the two partners are themselves a match: the evidence outweighs the dates
                if births_contradict(years[x], years[y]):
                    bad.add((rid, x))
                    bad.add((x, rid))
    if not bad:
        return pairs
    return [replace(p, decision="review") if (p.left, p.right) in bad else p for p in pairs]


def dedupe(records: Sequence[LinkRecord], settings: LinkSettings | None = None,
           model: FSModel | None = None) -> list[CandidatePair]:
    """Candidate duplicate pairs among ``records``, best first (score desc, then ids).

    Trains the model on the records unless ``model`` is given. Raises ``ValidationFailed`` for a record
    without a name or with a malformed birth value; an empty input gives an empty list."""
    settings = settings or LinkSettings()
    if len(records) < 2:
        return []
    sc = score_candidates(records, None, settings, model)
    return pairs_from_scored(sc, settings)
