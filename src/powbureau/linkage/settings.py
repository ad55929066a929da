"""Linkage settings: thresholds, blocking limits, training sizes and the fields compared.

Settings are plain data that round-trip to JSON, so a run can be repeated and diffed (STYLE.md: linkage is
data plus explanations). A trained model (m/u tables) is kept beside them in ``model.FSModel``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from powbureau.domain.errors import ValidationFailed

Engine = Literal["duckdb", "spark"]


@dataclass(frozen=True)
class LinkSettings:
    """How to link.

    match_threshold: probability (0..1) from which a dedupe pair is a ``match`` (a clustering may join it);
    cluster_threshold: probability from which a pair nobody has judged joins a cluster by itself (``dedupe
      --out``): only high-confidence pairs chain records together; the band below it goes to the review queue.
    reconcile_threshold: probability from which a list row's best, unrivalled candidate is ``matched`` (each
      row and each person at most once; the cross-script bench chose 0.5); review_threshold: lowest probability
      a pair is reported at all.
    ambiguity_margin: match weight in bits (log2 Bayes factor) within which two candidates of one list row are
      "close together", so the row is ``ambiguous``.
    birth_window_years: blocking joins name keys of births at most this many years apart (Korean age, ±2).
    max_key_block: a name key is used with the birth-year window only where at most this many records of the
      other side hold it with a birth within the window (×5 for the same birth day, ÷2 where a birth is missing).
    u_sample_pairs: random pairs used to estimate u; em_max_iterations / em_tolerance: EM stop rules.
    min_pairs_for_em: below this many candidate pairs the documented fallback model is used (no EM).
    em_sample_pairs: EM learns from at most this many candidate pairs (a seeded random sample).
    tf_clip: term-frequency adjustment bounds in bits. extra_fields: names of ``LinkRecord.extras`` compared.
    engine: ``duckdb`` (one machine) or ``spark`` (pyspark; local mode in tests). seed: makes runs repeatable.
    workers: processes for name keys and comparisons on large inputs (0 = one per CPU); results do not
      depend on it. duckdb_memory_gib: memory DuckDB may use for blocking before it spills to a temp folder."""

    match_threshold: float = 0.9
    cluster_threshold: float = 0.95
    reconcile_threshold: float = 0.5
    review_threshold: float = 0.3
    ambiguity_margin: float = 1.0
    birth_window_years: int = 2
    max_key_block: int = 50
    u_sample_pairs: int = 50_000
    min_pairs_for_em: int = 300
    em_sample_pairs: int = 60_000
    em_max_iterations: int = 60
    em_tolerance: float = 1e-5
    tf_clip: float = 4.0
    extra_fields: tuple[str, ...] = field(default=())
    engine: Engine = "duckdb"
    seed: int = 20260
    workers: int = 0
    duckdb_memory_gib: float = 3.0
    version: str = "fs-1"

    def __post_init__(self) -> None:
        low, high = self.review_threshold, min(self.match_threshold, self.reconcile_threshold)
        if not (0.0 < low <= high and max(self.match_threshold, self.reconcile_threshold) < 1.0):
            raise ValidationFailed(
                f"thresholds must satisfy 0 < review_threshold ({self.review_threshold}) <= match_threshold "
                f"({self.match_threshold}) and reconcile_threshold ({self.reconcile_threshold}) < 1 — adjust the settings")
        if not 0.0 < self.cluster_threshold < 1.0:
            raise ValidationFailed(f"cluster_threshold ({self.cluster_threshold}) must lie between 0 and 1")
        if self.engine not in ("duckdb", "spark"):
            raise ValidationFailed(f"engine '{self.engine}' is unknown — use duckdb or spark")
        if self.birth_window_years < 0 or self.max_key_block < 2 or self.u_sample_pairs < 100:
            raise ValidationFailed("birth_window_years >= 0, max_key_block >= 2 and u_sample_pairs >= 100 are needed")

    def n_workers(self) -> int:
        """The number of worker processes to use (``workers``, or one per CPU when 0)."""
        import os

        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    def to_json(self) -> str:
        """The settings as a JSON object (sorted keys)."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | dict[str, Any]) -> LinkSettings:
        """Settings from JSON text or a dict; raises ``ValidationFailed`` naming an unknown key."""
        data = json.loads(text) if isinstance(text, str) else dict(text)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationFailed(f"unknown linkage setting(s) {', '.join(unknown)} — known: {', '.join(sorted(known))}")
        if "extra_fields" in data:
            data["extra_fields"] = tuple(data["extra_fields"])
        return cls(**data)
