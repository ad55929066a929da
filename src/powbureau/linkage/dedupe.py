"""Dedupe: candidate duplicate pairs within one registry, each with score, weight and explanation.

Pairs are proposals for the review queue, never merges; ``match`` marks pairs above the match threshold that
a clustering may join, ``review`` those a human must look at (including every initial-only name, case 14)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from powbureau.linkage.engine import Scored, score_candidates
from powbureau.linkage.explain import FieldEvidence, evidence, summary
from powbureau.linkage.model import FSModel
from powbureau.linkage.records import LinkRecord
from powbureau.linkage.settings import LinkSettings
from powbureau.linkage.vectors import BIRTH_FAR, NAME_INITIAL, births_contradict


class _Lazy:
    """A pair's ``explanation`` or ``evidence``: given, or built from its scoring on first read (``LAZY``).

    Building the words for every one of hundreds of thousands of candidate pairs cost most of a large run, yet
    only the pairs a person reads need them (the review queue, ``dedupe --out``); probabilities, decisions and
    clusters never read them (``CandidatePair.identifier_agrees`` and ``score_without_name`` read the scoring)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type | None = None) -> object:
        if obj is None:
            raise AttributeError(self.name)  # no default: the field stays required, in its place
        value = obj.__dict__[self.name]
        if value is LAZY:
            ev = obj.source.evidence()
            obj.__dict__["evidence"], obj.__dict__["explanation"] = ev, summary(ev)
            value = obj.__dict__[self.name]
        return value

    def __set__(self, obj: object, value: object) -> None:
        obj.__dict__[self.name] = value


LAZY = object()  # an explanation/evidence still to build from ``CandidatePair.source``


@dataclass(frozen=True)
class _Source:
    """Where a scored pair's evidence comes from: the scoring ``sc`` and the pair's row ``k`` in it."""

    sc: Scored
    k: int

    def evidence(self) -> tuple[FieldEvidence, ...]:
        sc, k = self.sc, self.k
        return evidence(sc.a, sc.b, int(sc.i[k]), int(sc.j[k]), sc.gamma[k], sc.per_field[k], sc.comps,
                        float(sc.tf_bits[k]))

    def field_weight(self, field: str) -> float:
        """The field's weight in bits as ``FieldEvidence.weight`` gives it (rounded to 3 places)."""
        f = next(n for n, c in enumerate(self.sc.comps) if c.name == field)
        return round(float(self.sc.per_field[self.k, f]), 3)

    def level(self, field: str) -> str | None:
        for f, c in enumerate(self.sc.comps):
            if c.name == field:
                return c.levels[int(self.sc.gamma[self.k, f])]
        return None


@dataclass(frozen=True)
class CandidatePair:
    """Two records that may be one person.

    ``left``/``right``: record ids (left sorts first in input order); ``score``: match probability 0..1;
    ``weight``: match weight in bits; ``decision``: ``match`` (score ≥ match threshold, name not initial-only)
    or ``review``; ``explanation``: one readable line per field joined by ``; ``; ``evidence``: the same,
    structured; ``birth_contradicts``: the birth dates are more than two years apart and no miswritten digit or decade explains it; ``initial_only``: one
    name is only an initial (such a pair is for a human, never clustered automatically). ``source``: the scoring
    the pair came from when ``explanation``/``evidence`` are ``LAZY`` (built on first read, then kept)."""

    left: str
    right: str
    score: float
    weight: float
    decision: str
    explanation: str = _Lazy()  # type: ignore[assignment]
    evidence: tuple[FieldEvidence, ...] = _Lazy()  # type: ignore[assignment]
    birth_contradicts: bool = False
    initial_only: bool = False
    source: _Source | None = field(default=None, repr=False, compare=False)

    def with_decision(self, decision: str) -> CandidatePair:
        """This pair with another ``decision``; a lazy explanation stays lazy (``dataclasses.replace`` would
        build it)."""
        raw = self.__dict__
        return CandidatePair(self.left, self.right, self.score, self.weight, decision, raw["explanation"],
                             raw["evidence"], self.birth_contradicts, self.initial_only, self.source)

    def _built(self) -> bool:
        return self.source is None or self.__dict__["evidence"] is not LAZY

    @property
    def identifier_agrees(self) -> bool:
        """True when the service numbers are present and equal: a person's own number outweighs a contradicting
        birth date (dates are miswritten and rewritten; GC III Art. 17 makes the number the identity), so such a
        pair may cluster despite ``birth_contradicts`` (``cluster``, ``services.linkage.dedupe_clusters``)."""
        if not self._built():
            return self.source.level("service_number") == "exact"
        return any(e.field == "service_number" and e.level == "exact" for e in self.evidence)

    @property
    def score_without_name(self) -> float:
        """The match probability the other fields give by themselves (the name's weight, frequency bonus
        included, taken out): how far the pair holds without its names."""
        if not self._built():
            name_w = self.source.field_weight("name")
            return float(1.0 / (1.0 + 2.0 ** -(self.weight - name_w)))
        name_w = sum(e.weight for e in self.evidence if e.field == "name")
        return float(1.0 / (1.0 + 2.0 ** -(self.weight - name_w))) if self.evidence else 0.0

    @property
    def may_cluster(self) -> bool:
        """True unless the births contradict with no agreeing service number to outweigh them."""
        return not self.birth_contradicts or self.identifier_agrees


def pairs_from_scored(sc: Scored, settings: LinkSettings, *, keep: np.ndarray | None = None) -> list[CandidatePair]:
    """CandidatePairs for the scored pairs at or above the review threshold (initial-only pairs always); their
    explanations are built when first read."""
    init = sc.gamma[:, 0] == NAME_INITIAL
    sel = (sc.prob >= settings.review_threshold) | (init & (sc.gamma[:, 1] != BIRTH_FAR))
    if keep is not None:
        sel &= keep
    out = []
    for k in np.flatnonzero(sel):
        i, j = int(sc.i[k]), int(sc.j[k])
        score = float(sc.prob[k])
        decision = "match" if score >= settings.match_threshold and not init[k] else "review"
        out.append(CandidatePair(sc.a.ids[i], sc.b.ids[j], round(score, 6), round(float(sc.weight[k]), 4),
                                 decision, LAZY, LAZY, bool(sc.gamma[k, 1] == BIRTH_FAR),
                                 bool(init[k]), _Source(sc, int(k))))
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
    return [p.with_decision("review") if (p.left, p.right) in bad else p for p in pairs]


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
