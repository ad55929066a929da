"""Fellegi–Sunter model: EM converges and recovers the truth on a synthetic population; u from random pairs;
the model and the settings round-trip through JSON."""

from __future__ import annotations

import numpy as np

from powbureau.linkage import FSModel, LinkSettings, dedupe
from powbureau.linkage.engine import score_candidates
from powbureau.linkage.model import monotone_ratio, run_em
from powbureau.linkage.vectors import comparisons

from .conftest import population


def test_em_converges_and_separates_duplicates():
    recs, truth = population(500, seed=3)
    sc = score_candidates(recs, None, LinkSettings())
    model = sc.model
    assert model.em_converged and model.em_iterations < LinkSettings().em_max_iterations
    assert model.em_trace[-1] < LinkSettings().em_tolerance
    bf = model.bayes_factors()
    # agreement is evidence for, disagreement against, in every learned field
    assert bf["name"][1] > 1 and bf["name"][-1] < 0  # names repeat a lot in this population
    assert bf["birth"][1] > 3 and bf["birth"][-1] < -2
    assert bf["service_number"][1] > 3 and bf["service_number"][-1] < 0
    true_pairs = {tuple(sorted((a, b))) for a in truth for b in truth if a < b and truth[a] == truth[b]}
    found = {tuple(sorted((p.left, p.right))) for p in dedupe(recs) if p.decision == "match"}
    tp = len(found & true_pairs)
    assert tp / len(found) >= 0.97
    assert tp / len(true_pairs) >= 0.9


def test_em_learns_m_on_a_planted_mixture():
    comps = comparisons()
    rng = np.random.default_rng(0)
    n_match, n_non = 400, 3600
    g = np.zeros((n_match + n_non, len(comps)), dtype=np.int8)
    g[:n_match, 0] = rng.choice([1, 2, 3], n_match, p=[.7, .2, .1])
    g[n_match:, 0] = rng.choice([3, 6, 7], n_non, p=[.05, .25, .7])
    g[:n_match, 1] = rng.choice([1, 3, 4], n_match, p=[.8, .15, .05])
    g[n_match:, 1] = rng.choice([1, 3, 4, 6], n_non, p=[.01, .2, .5, .29])
    u = {c.name: np.r_[1.0, np.full(len(c.levels) - 1, 1 / (len(c.levels) - 1))] for c in comps}
    u["name"] = np.array([1, .001, .001, .01, .001, .01, .2, .777])
    u["birth"] = np.array([1, .001, .01, .1, .3, .005, .584])
    model = run_em(g, comps, u, max_iterations=500, tolerance=1e-4)
    assert model.em_converged
    assert abs(model.prior - 0.1) < 0.03
    assert model.m["name"][1] > 0.5 and model.m["birth"][1] > 0.6


def test_monotone_ratio_pools_violators():
    m = np.array([1.0, 0.1, 0.5, 0.4])
    u = np.array([1.0, 0.01, 0.09, 0.9])
    out = monotone_ratio(m, u)
    r = out[1:] / u[1:]
    assert all(r[k] >= r[k + 1] - 1e-12 for k in range(len(r) - 1))
    assert abs(out[1:].sum() - m[1:].sum()) < 1e-12


def test_model_and_settings_round_trip_json():
    recs, _ = population(200, seed=5)
    sc = score_candidates(recs, None, LinkSettings())
    again = FSModel.from_json(sc.model.to_json())
    assert again.to_json() == sc.model.to_json()
    s = LinkSettings(match_threshold=0.8, extra_fields=("postcode",), engine="spark")
    assert LinkSettings.from_json(s.to_json()) == s
    # a reloaded model scores exactly as the trained one
    p1 = dedupe(recs, LinkSettings(), model=sc.model)
    p2 = dedupe(recs, LinkSettings(), model=again)
    assert [(p.left, p.right, p.score) for p in p1] == [(p.left, p.right, p.score) for p in p2]
