"""The linkage run: prepare → block → compare → train (u from random pairs, m by EM) → score.

One function, ``score_candidates``, serves dedupe (one side) and reconcile (a list against a registry); the
engine setting chooses where blocking and comparison run (DuckDB + numpy here, or Spark in ``spark.py``)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from powbureau.linkage.blocking import block_pairs
from powbureau.linkage.model import FSModel, default_model, estimate_u, match_weights, probability, run_em
from powbureau.linkage.records import LinkRecord, Prepared, encode_codes, prepare
from powbureau.linkage.settings import LinkSettings
from powbureau.linkage.vectors import (NAME_LONE, Comparison, _one_part, comparisons, compute_vectors, name_levels,
                                      other_levels)

AGREE_NAME_LEVELS = (1, 2, 3)


@dataclass
class Scored:
    """Scored candidate pairs: index arrays into ``a`` and ``b``, vectors, per-field and total weights (bits),
    probabilities, the term-frequency adjustment (bits) and the trained model."""

    a: Prepared
    b: Prepared
    i: np.ndarray
    j: np.ndarray
    gamma: np.ndarray
    per_field: np.ndarray
    weight: np.ndarray
    prob: np.ndarray
    tf_bits: np.ndarray
    model: FSModel
    comps: tuple[Comparison, ...]
    timings: dict[str, float]


def _term_frequencies(a: Prepared, b: Prepared) -> None:
    """Each record's name frequency: the largest share of ``b`` (the registry) holding one of its keys."""
    counts = b.cache.get("key_counts")
    if counts is None:
        counts = b.cache["key_counts"] = Counter(k for ks in b.keys for k in ks)
    n = max(len(b), 1)
    for p in (a, b) if a is not b and "key_counts_tf" not in b.cache else (a,):
        p.surname_tf = np.array([max((counts.get(k, 0) for k in ks), default=0) / n for ks in p.keys])
        p.surname_tf = np.maximum(p.surname_tf, 1.0 / n)
    if a is not b:
        b.cache["key_counts_tf"] = True


def _random_pairs(na: int, nb: int, same: bool, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    total = na * (na - 1) // 2 if same else na * nb
    size = int(min(size, max(total, 0)))
    if size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    i = rng.integers(0, na, size)
    j = rng.integers(0, nb, size)
    if same:
        keep = i != j
        i, j = i[keep], j[keep]
    return i.astype(np.int64), j.astype(np.int64)


def _token_tf(p: Prepared, b: Prepared) -> tuple[np.ndarray, float]:
    """Per record of ``p``: the share of ``b`` (the registry) holding its most common name-part key, and the
    mean of that share over ``b`` (cached on both sides)."""
    counts = b.cache.get("tok_counts")
    if counts is None:
        counts = b.cache["tok_counts"] = Counter(k for ts in b.tokens for k in ts)
    n = max(len(b), 1)

    def shares(q: Prepared) -> np.ndarray:
        key = "tok_tf" if q is b else "tok_tf_list"
        if key not in q.cache:
            q.cache[key] = np.maximum(np.array([max((counts.get(k, 0) for k in ts), default=0) / n
                                                for ts in q.tokens]), 1.0 / n)
        return q.cache[key]

    if "tok_tf_mean" not in b.cache:
        b.cache["tok_tf_mean"] = float(np.mean(shares(b))) if len(b) else 1.0
    return shares(p), b.cache["tok_tf_mean"]


def tf_adjustment(sc_a: Prepared, sc_b: Prepared, i: np.ndarray, j: np.ndarray, gamma: np.ndarray,
                  tf_mean: float, clip: float) -> np.ndarray:
    """Bits added to the name weight for agreeing names: log2(mean frequency / this name's frequency),
    clipped to ±clip, so agreeing on Kim counts less than agreeing on a rare surname. Where one side gives a
    lone name part (``vectors.NAME_LONE``) the frequency is that of the lone part's word among all name parts,
    so a lone ``Smith`` counts less than a lone ``Vilums`` (Splink's term-frequency adjustment, per part)."""
    tf = np.maximum(sc_a.surname_tf[i], sc_b.surname_tf[j])
    adj = np.clip(np.log2(tf_mean / tf), -clip, clip)
    out = np.where(np.isin(gamma[:, 0], AGREE_NAME_LEVELS), adj, 0.0)
    lone = np.flatnonzero(gamma[:, 0] == NAME_LONE)
    if len(lone):
        ta, mean = _token_tf(sc_a, sc_b)
        tb, _ = _token_tf(sc_b, sc_b)
        li, lj = i[lone], j[lone]
        one_a = np.array([_one_part(sc_a.names[x]) for x in li], dtype=bool)
        t = np.where(one_a, ta[li], tb[lj])
        out[lone] = np.clip(np.log2(mean / t), -clip, 0.0)
    return out


def _may_reach_review(model: FSModel, gamma: np.ndarray, settings: LinkSettings) -> np.ndarray:
    """True where the best possible name level (plus the largest frequency bonus) could lift the pair to the
    review threshold; exact with respect to what dedupe and reconcile report."""
    bf = model.bayes_factors()
    bound = np.full(len(gamma), float(np.log2(model.prior / (1 - model.prior))))
    for f, name in enumerate(model.fields):
        if f == 0:
            bound += max(0.0, float(bf[name].max())) + settings.tf_clip
        else:
            bound += bf[name][gamma[:, f]]
    return probability(bound) >= settings.review_threshold


def prepare_registry(records: Sequence[LinkRecord], settings: LinkSettings | None = None) -> Prepared:
    """Prepare a registry once (name keys, dates, codes) so that many lists can be reconciled against it
    without recomputing its keys; pass the result to ``reconcile`` in place of the records."""
    from powbureau.linkage.blocking import _cached, _key_table, _sn_table

    settings = settings or LinkSettings()
    p = prepare(records, settings.extra_fields, side="registry ", workers=settings.n_workers())
    encode_codes(p, None)
    _term_frequencies(p, p)
    p.cache["key_counts_tf"] = True
    _cached(p, "key_table", _key_table)
    _cached(p, "sn_table", _sn_table)
    return p


def prepare_sides(left: Sequence[LinkRecord], right: Sequence[LinkRecord] | Prepared | None,
                  settings: LinkSettings) -> tuple[Prepared, Prepared]:
    """Prepare one side (dedupe: ``right`` None) or both, with shared codes and term frequencies."""
    w = settings.n_workers()
    a = prepare(left, settings.extra_fields, side="list " if right is not None else "", workers=w)
    if isinstance(right, Prepared):
        b = right
    else:
        b = a if right is None else prepare(right, settings.extra_fields, side="registry ", workers=w)
    encode_codes(a, None if b is a else b)
    _term_frequencies(a, b)
    return a, b


def score_candidates(left: Sequence[LinkRecord], right: Sequence[LinkRecord] | Prepared | None,
                     settings: LinkSettings, model: FSModel | None = None) -> Scored:
    """Block, compare, train (unless ``model`` is given) and score. ``right`` None means dedupe ``left``."""
    clock = [time.perf_counter()]
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now

    a, b = prepare_sides(left, right, settings)
    lap("prepare")
    comps = comparisons(settings.extra_fields)
    w = settings.n_workers()
    if settings.engine == "spark":
        from powbureau.linkage.spark import spark_block_and_compare

        i, j, gamma = spark_block_and_compare(a, b if right is not None else None, settings)
        named = np.ones(len(i), dtype=bool)
        lap("block+compare (spark)")
    else:
        i, j = block_pairs(a, b if right is not None else None, settings)
        lap("block")
        gamma = other_levels(a, b, i, j, settings.extra_fields)
        named = np.zeros(len(i), dtype=bool)
        lap("compare other fields")
    if model is None and len(i) < settings.min_pairs_for_em:
        model = default_model(comps)
        model.tf_mean = float(np.mean(b.surname_tf))
    if model is None:
        # EM learns from a random sample of the candidate pairs, fully compared
        rng = np.random.default_rng(settings.seed)
        sample = np.sort(rng.choice(len(i), size=min(len(i), settings.em_sample_pairs), replace=False))
        todo = sample[~named[sample]]
        gamma[todo, 0], _ = name_levels(a, b, i[todo], j[todo], w)
        named[sample] = True
        ri, rj = _random_pairs(len(a), len(b), right is None, settings.u_sample_pairs, settings.seed)
        g_rand, _ = compute_vectors(a, b, ri, rj, settings.extra_fields, w)
        u = estimate_u(g_rand, comps)
        model = run_em(gamma[sample], comps, u, max_iterations=settings.em_max_iterations,
                       tolerance=settings.em_tolerance)
        model.tf_mean = float(np.mean(b.surname_tf))
        lap("train")
    # branch and bound: a pair that stays below the review threshold even with the best name level is dropped
    keep = _may_reach_review(model, gamma, settings) | a.initial_only[i] | b.initial_only[j]
    todo = np.flatnonzero(keep & ~named)
    gamma[todo, 0], _ = name_levels(a, b, i[todo], j[todo], w)
    i, j, gamma = i[keep], j[keep], gamma[keep]
    lap("compare names")
    tf = tf_adjustment(a, b, i, j, gamma, model.tf_mean, settings.tf_clip)
    per, weight = match_weights(model, gamma, tf)
    prob = probability(weight)
    lap("score")
    return Scored(a, b, i, j, gamma, per, weight, prob, tf, model, comps, timings)
