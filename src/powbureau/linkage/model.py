"""Fellegi–Sunter model: m and u probabilities per comparison level, match weights and probabilities.

u comes from random pairs (almost all non-matches); m and the share of matches among candidate pairs are
estimated by expectation–maximisation on the blocked pairs. Weights are log2 Bayes factors (Fellegi & Sunter 1969)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from powbureau.domain.errors import ValidationFailed
from powbureau.linkage.vectors import Comparison

# Starting m per level (index 0 = missing is never used); strongest agreement first.
_M_START = {
    "name": (0, .55, .25, .12, .03, .03, .03, .02),
    "birth": (0, .70, .08, .10, .08, .02, .02),
    "service_number": (0, .85, .10, .05),
    "rank": (0, .8, .2), "unit": (0, .8, .2), "father": (0, .85, .15),
    "place": (0, .75, .15, .10),
}
_M_DEFAULT_3 = (0, .75, .15, .10)
# Fallback u per level for inputs too small to learn from (judged shares among random pairs of a registry).
_U_DEFAULT = {
    "name": (0, .001, .001, .003, .005, .01, .02, .96),
    "birth": (0, .0001, .002, .03, .1, .003, .8649),
    "service_number": (0, .0001, .001, .9989),
    "rank": (0, .2, .8), "unit": (0, .05, .95), "father": (0, .02, .98),
    "place": (0, .02, .03, .95),
}
_U_DEFAULT_3 = (0, .05, .05, .90)
DEFAULT_PRIOR = 0.01
U_ANCHOR = 0.5  # random-pair u counts as this share of the candidate pairs in EM's u (see run_em)


def _start_m(c: Comparison) -> np.ndarray:
    m = np.array(_M_START.get(c.name, _M_DEFAULT_3 if len(c.levels) == 4 else None)
                 or [0] + [1.0 / (len(c.levels) - 1)] * (len(c.levels) - 1), dtype=float)
    return m / m[1:].sum()


@dataclass
class FSModel:
    """A trained model: ``m[f]``, ``u[f]`` (arrays over levels of field ``f``), ``prior`` (share of matches
    among blocked pairs), surname term frequencies summary, and the EM trace (iterations, converged)."""

    fields: tuple[str, ...]
    levels: dict[str, tuple[str, ...]]
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    prior: float
    tf_mean: float = 0.0
    em_iterations: int = 0
    em_converged: bool = False
    em_trace: list[float] = field(default_factory=list)

    def bayes_factors(self) -> dict[str, np.ndarray]:
        """log2(m/u) per field and level (0 for the missing level)."""
        out = {}
        for f in self.fields:
            w = np.log2(np.clip(self.m[f], 1e-9, 1) / np.clip(self.u[f], 1e-9, 1))
            w[0] = 0.0
            out[f] = w
        return out

    def to_json(self) -> str:
        """The model as JSON (diffable, reloadable with ``from_json``)."""
        return json.dumps({"fields": list(self.fields), "levels": {k: list(v) for k, v in self.levels.items()},
                           "m": {k: v.round(8).tolist() for k, v in self.m.items()},
                           "u": {k: v.round(10).tolist() for k, v in self.u.items()},
                           "prior": self.prior, "tf_mean": self.tf_mean, "em_iterations": self.em_iterations,
                           "em_converged": self.em_converged}, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FSModel:
        """Reload a model written by ``to_json``; raises ``ValidationFailed`` when a key is missing."""
        try:
            d = json.loads(text)
            return cls(tuple(d["fields"]), {k: tuple(v) for k, v in d["levels"].items()},
                       {k: np.array(v) for k, v in d["m"].items()}, {k: np.array(v) for k, v in d["u"].items()},
                       float(d["prior"]), float(d.get("tf_mean", 0.0)), int(d.get("em_iterations", 0)),
                       bool(d.get("em_converged", False)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed(f"linkage model JSON is not readable ({exc}) — retrain or fix the file") from exc


def default_model(comps: tuple[Comparison, ...]) -> FSModel:
    """The fallback model for inputs too small for EM (fewer candidate pairs than ``min_pairs_for_em``):
    starting m, judged u and a 1 % match share among candidate pairs. Documented, not learned."""
    m = {c.name: _start_m(c) for c in comps}
    u = {}
    for c in comps:
        vals = _U_DEFAULT.get(c.name, _U_DEFAULT_3 if len(c.levels) == 4 else None)
        arr = np.array(vals if vals else [0] + [1.0 / (len(c.levels) - 1)] * (len(c.levels) - 1), dtype=float)
        arr[1:] /= arr[1:].sum()
        arr[0] = 1.0
        u[c.name] = arr
        m[c.name][0] = 1.0
    return FSModel(tuple(c.name for c in comps), {c.name: c.levels for c in comps}, m, u, DEFAULT_PRIOR)


def estimate_u(gamma_random: np.ndarray, comps: tuple[Comparison, ...]) -> dict[str, np.ndarray]:
    """u per field from the comparison vectors of random pairs (Laplace-smoothed, missing level excluded)."""
    u = {}
    for f, c in enumerate(comps):
        counts = np.bincount(gamma_random[:, f], minlength=len(c.levels)).astype(float)[:len(c.levels)]
        counts[0] = 0.0
        counts[1:] += 0.5
        u[c.name] = counts / counts[1:].sum()
        u[c.name][0] = 1.0
    return u


def monotone_ratio(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Adjust m so that m/u never rises from a stronger to a weaker agreement level (pool adjacent
    violators, weighted by u); level 0 (missing) is left alone. Keeps EM from calling a disagreement evidence."""
    blocks: list[list[int]] = []
    for lvl in range(1, len(m)):
        blocks.append([lvl])
        while len(blocks) > 1:
            a, b = blocks[-2], blocks[-1]
            ra = m[a].sum() / max(u[a].sum(), 1e-12)
            rb = m[b].sum() / max(u[b].sum(), 1e-12)
            if rb <= ra:
                break
            blocks[-2:] = [a + b]
    out = m.copy()
    for blk in blocks:
        out[blk] = m[blk].sum() * u[blk] / max(u[blk].sum(), 1e-12)
    return out


def run_em(gamma: np.ndarray, comps: tuple[Comparison, ...], u: dict[str, np.ndarray], *,
           max_iterations: int = 60, tolerance: float = 1e-5, prior: float = 0.05,
           pseudo_pairs: float = 50.0, u_anchor: float = U_ANCHOR) -> FSModel:
    """Estimate m, u and the match share among the candidate pairs by EM (Winkler 1988).

    u from random pairs (``u``) describes all pairs; candidate pairs share a name key or a birth year, so their
    non-matches agree more often. EM therefore re-estimates u within the candidate pairs too, starting from and
    pulled towards the random-pair u by ``pseudo_pairs`` pseudo-counts (and m towards its starting values),
    which keeps the two classes from swapping. The random-pair u also weighs as ``u_anchor`` × the number of
    candidate pairs: the fields blocking joined on (place, e-mail, birth day) agree far more often among candidate
    non-matches than among all pairs, and without that anchor EM reads such agreement as no evidence at all
    (fake_1000's birth place came out m = u). Works on the distinct vectors with their counts. Raises
    ``ValidationFailed`` when there are no candidate pairs to learn from."""
    if len(gamma) == 0:
        raise ValidationFailed("no candidate pairs to estimate m from — the blocking found nothing to compare")
    patterns, counts = np.unique(gamma, axis=0, return_counts=True)
    counts = counts.astype(float)
    names = [c.name for c in comps]
    m0 = {c.name: _start_m(c) for c in comps}
    m = {k: v.copy() for k, v in m0.items()}
    ub = {k: v.copy() for k, v in u.items()}
    lam = prior
    trace: list[float] = []
    converged = False
    it = 0
    for it in range(1, max_iterations + 1):
        lm = np.zeros(len(patterns))
        lu = np.zeros(len(patterns))
        for f, name in enumerate(names):
            g = patterns[:, f]
            lm += np.log(np.clip(np.where(g == 0, 1.0, m[name][g]), 1e-12, 1))
            lu += np.log(np.clip(np.where(g == 0, 1.0, ub[name][g]), 1e-12, 1))
        post = 1.0 / (1.0 + np.exp(np.clip(np.log1p(-lam) + lu - np.log(lam) - lm, -700, 700)))
        wm = post * counts
        wu = (1.0 - post) * counts
        new_lam = float(np.clip(wm.sum() / counts.sum(), 1e-6, 0.999))
        change = abs(new_lam - lam)
        for f, c in enumerate(comps):
            g = patterns[:, f]
            L = len(c.levels)
            sm = np.bincount(g, weights=wm, minlength=L)[:L]
            su = np.bincount(g, weights=wu, minlength=L)[:L]
            sm[0] = su[0] = 0.0
            sm[1:] += pseudo_pairs * m0[c.name][1:]
            su[1:] += (pseudo_pairs + u_anchor * len(gamma)) * u[c.name][1:]
            new_m = sm / sm[1:].sum()
            new_u = su / su[1:].sum()
            new_m[0] = new_u[0] = 1.0
            new_m = monotone_ratio(new_m, new_u)
            change = max(change, float(np.abs(new_m[1:] - m[c.name][1:]).max()),
                         float(np.abs(new_u[1:] - ub[c.name][1:]).max()))
            m[c.name], ub[c.name] = new_m, new_u
        lam = new_lam
        trace.append(change)
        if change < tolerance:
            converged = True
            break
    for f, c in enumerate(comps):
        if not (patterns[:, f] > 0).any():  # never observed: no evidence either way
            m[c.name] = ub[c.name].copy()
    return FSModel(tuple(names), {c.name: c.levels for c in comps}, m, ub, lam, em_iterations=it,
                   em_converged=converged, em_trace=trace)


def match_weights(model: FSModel, gamma: np.ndarray, tf_adjust: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-field weights (pairs × fields, bits) and the total match weight including the prior (bits)."""
    bf = model.bayes_factors()
    per = np.zeros(gamma.shape, dtype=np.float64)
    for f, name in enumerate(model.fields):
        per[:, f] = bf[name][gamma[:, f]]
    if tf_adjust is not None:
        per[:, 0] += tf_adjust
    prior_w = float(np.log2(model.prior / (1 - model.prior)))
    return per, per.sum(axis=1) + prior_w


def probability(weight: np.ndarray) -> np.ndarray:
    """Match probability from a match weight in bits: 2^w / (1 + 2^w)."""
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -1000, 1000)))
