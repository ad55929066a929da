"""The Spark engine runs the same link as the one-machine engine (pyspark local mode, one small link)."""

from __future__ import annotations

import shutil

import pytest

from powbureau.linkage import LinkSettings
from powbureau.linkage.dedupe import pairs_from_scored
from powbureau.linkage.engine import score_candidates

from .conftest import population

pytestmark = pytest.mark.spark


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime (java not on PATH)")
def test_spark_gives_the_same_pairs_vectors_and_scores():
    pytest.importorskip("pyspark")
    recs, _ = population(80, seed=4)
    local = score_candidates(recs, None, LinkSettings())
    spark = score_candidates(recs, None, LinkSettings(engine="spark"))
    assert len(local.i) > 20
    assert (local.i == spark.i).all() and (local.j == spark.j).all()
    assert (local.gamma == spark.gamma).all()
    a = pairs_from_scored(local, LinkSettings())
    b = pairs_from_scored(spark, LinkSettings(engine="spark"))
    assert a and [(p.left, p.right, p.score) for p in a] == [(p.left, p.right, p.score) for p in b]
