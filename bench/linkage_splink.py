"""Splink baseline for the linkage benches: Splink 5 on DuckDB with its own library comparisons.

Each bench builds a pandas frame and calls ``splink_dedupe`` or ``splink_link``; both return predicted pairs at
a probability threshold plus wall time, so the tables put our engine and Splink side by side in one run."""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd


def _linker(frames: list[pd.DataFrame], link_type: str, comparisons: list[Any], blocking: list[Any]) -> Any:
    from splink import DuckDBAPI, Linker, SettingsCreator

    db = DuckDBAPI()
    dfs = [db.register(f) for f in frames]
    settings = SettingsCreator(link_type=link_type, comparisons=comparisons,
                               blocking_rules_to_generate_predictions=blocking, retain_matching_columns=False)
    return Linker(dfs if len(dfs) > 1 else dfs[0], settings, log_level=logging.ERROR)


def _train(linker: Any, deterministic: list[Any], em_rules: list[Any], u_pairs: float) -> None:
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
    for rule in em_rules:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as exc:  # Splink refuses underflowing m values; keep the other sessions' estimates
            print(f"splink: EM session {rule} failed: {exc}", flush=True)


def splink_dedupe(df: pd.DataFrame, comparisons: list[Any], blocking: list[Any], deterministic: list[Any],
                  em_rules: list[Any], threshold: float = 0.9, u_pairs: float = 1e6) -> dict[str, Any]:
    """Train and predict a Splink dedupe on ``df`` (needs a ``unique_id`` column).

    Returns ``pairs`` (set of (id_l, id_r) with id_l < id_r as strings) at ``threshold`` and ``seconds``."""
    t0 = time.perf_counter()
    linker = _linker([df], "dedupe_only", comparisons, blocking)
    _train(linker, deterministic, em_rules, u_pairs)
    pred = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    secs = time.perf_counter() - t0
    pairs = {tuple(sorted((str(a), str(b)))) for a, b in zip(pred["unique_id_l"], pred["unique_id_r"])}
    return {"pairs": pairs, "seconds": secs, "n_scored": len(pred)}


def splink_link(left: pd.DataFrame, right: pd.DataFrame, comparisons: list[Any], blocking: list[Any],
                deterministic: list[Any], em_rules: list[Any], threshold: float = 0.9,
                u_pairs: float = 1e6) -> dict[str, Any]:
    """Train and predict a Splink link_only between ``left`` (a list) and ``right`` (a registry).

    Returns ``best`` (dict left id → best right id above ``threshold``) and ``seconds``."""
    t0 = time.perf_counter()
    left = left.assign(source_dataset="list")
    right = right.assign(source_dataset="registry")
    linker = _linker([left, right], "link_only", comparisons, blocking)
    _train(linker, deterministic, em_rules, u_pairs)
    pred = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    secs = time.perf_counter() - t0
    best: dict[str, tuple[float, str]] = {}
    for row in pred.itertuples(index=False):
        sl, sr = row.source_dataset_l, row.source_dataset_r
        lid, rid = (row.unique_id_l, row.unique_id_r) if sl == "list" else (row.unique_id_r, row.unique_id_l)
        if sl == sr:
            continue
        if str(lid) not in best or row.match_probability > best[str(lid)][0]:
            best[str(lid)] = (row.match_probability, str(rid))
    return {"best": {k: v[1] for k, v in best.items()}, "seconds": secs, "n_scored": len(pred)}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1 (0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
