"""The Spark engine: the same blocking rules and comparison vectors, run on a Spark cluster.

Blocking runs as Spark SQL over exploded key tables; comparison vectors are computed per partition with the
same ``compute_vectors`` as the one-machine engine, so both engines give the same pairs and levels."""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

from powbureau.linkage.blocking import _key_table, _sn_table, blocking_sql
from powbureau.linkage.records import Prepared
from powbureau.linkage.settings import LinkSettings
from powbureau.linkage.vectors import compute_vectors

_SESSION: Any = None


def spark_session(master: str | None = None) -> Any:
    """A shared SparkSession (``local[2]`` unless ``POWBUREAU_SPARK_MASTER`` or ``master`` says otherwise)."""
    global _SESSION
    if _SESSION is None:
        from pyspark.sql import SparkSession

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        paths = [src] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        _SESSION = (SparkSession.builder.master(master or os.environ.get("POWBUREAU_SPARK_MASTER", "local[2]"))
                    .appName("powbureau-linkage")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                    .config("spark.default.parallelism", "2")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.driver.memory", "2g")
                    .config("spark.executorEnv.PYTHONPATH", os.environ["PYTHONPATH"])
                    .getOrCreate())
        _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def _vectors_partition(rows: Any, a_b: Any, extra: tuple[str, ...]) -> Any:
    a, b = a_b.value
    part = list(rows)
    if not part:
        return iter(())
    i = np.array([r[0] for r in part], dtype=np.int64)
    j = np.array([r[1] for r in part], dtype=np.int64)
    gamma, _ = compute_vectors(a, b if b is not None else a, i, j, extra)
    return iter([(int(x), int(y), bytes(g.tobytes())) for x, y, g in zip(i, j, gamma)])


def spark_block_and_compare(a: Prepared, b: Prepared | None, settings: LinkSettings,
                            spark: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (sorted like ``blocking.block_pairs``) and their comparison vectors, computed on Spark."""
    spark = spark or spark_session()
    ka, sa = _key_table(a), _sn_table(a)
    _df(spark, ka).createOrReplaceTempView("ka")
    (_df(spark, sa) if sa.num_rows else _empty_sn(spark)).createOrReplaceTempView("sa")
    if b is None:
        spark.sql("SELECT * FROM ka").createOrReplaceTempView("kb")
        spark.sql("SELECT * FROM sa").createOrReplaceTempView("sb")
        order = "l.idx < r.idx"
    else:
        _df(spark, _key_table(b)).createOrReplaceTempView("kb")
        sb = _sn_table(b)
        (_df(spark, sb) if sb.num_rows else _empty_sn(spark)).createOrReplaceTempView("sb")
        order = "TRUE"
    pairs = spark.sql(blocking_sql(order, settings))
    shared = spark.sparkContext.broadcast((a, b))
    extra = tuple(settings.extra_fields)
    rows = pairs.rdd.mapPartitions(lambda it: _vectors_partition(it, shared, extra)).collect()
    shared.unpersist()
    rows.sort(key=lambda r: (r[0], r[1]))
    n_fields = 7 + len(extra)
    i = np.array([r[0] for r in rows], dtype=np.int64)
    j = np.array([r[1] for r in rows], dtype=np.int64)
    gamma = (np.frombuffer(b"".join(r[2] for r in rows), dtype=np.int8).reshape(len(rows), n_fields)
             if rows else np.zeros((0, n_fields), dtype=np.int8))
    return i, j, gamma.copy()


def _df(spark: Any, table: Any) -> Any:
    """A Spark DataFrame from an Arrow key table, keeping nulls as SQL NULL (not NaN)."""
    try:
        return spark.createDataFrame(table)  # pyspark >= 4 takes an Arrow table directly (nulls kept)
    except (TypeError, ValueError):  # pragma: no cover - older pyspark
        kinds = {"key": "string", "ini": "boolean"}
        schema = ", ".join(f"{n} {kinds.get(n, 'long')}" for n in table.column_names)
        cols = [table.column(n).to_pylist() for n in table.column_names]
        return spark.createDataFrame(list(zip(*cols)), schema)


def _empty_sn(spark: Any) -> Any:
    return spark.createDataFrame([], "idx long, key string")
