"""Blocking: which pairs of records are compared at all.

Three rules, united: a shared cross-script name key with births at most ``birth_window_years`` apart; a shared
name key where a birth date is missing (rarer keys only); a service number equal or one edit apart."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from powbureau.linkage.records import P_NONE, Prepared
from powbureau.linkage.settings import LinkSettings
from powbureau.linkage.vectors import _years

SN_BLOCK_CAP = 100  # a service number (or its one-deletion variant) shared by more rows is junk, not evidence


def _key_table(p: Prepared) -> pa.Table:
    idx: list[int] = []
    key: list[str] = []
    for n, ks in enumerate(p.keys):
        for k in ks:
            idx.append(n)
            key.append(k)
    idx_a = np.asarray(idx, dtype=np.int64)
    known = p.birth_prec != P_NONE
    ylo = np.where(known, _years(np.where(known, p.birth_lo, 719163)), -1)
    yhi = np.where(known, _years(np.where(known, p.birth_hi, 719163)), -1)
    return pa.table({"idx": idx_a, "key": pa.array(key, pa.string()),
                     "ylo": pa.array(ylo[idx_a], mask=~known[idx_a]),
                     "yhi": pa.array(yhi[idx_a], mask=~known[idx_a])})


def _sn_table(p: Prepared) -> pa.Table:
    idx: list[int] = []
    key: list[str] = []
    for n, s in enumerate(p.sn):
        if not s:
            continue
        variants = {s}
        if len(s) >= 4:
            variants.update(s[:k] + s[k + 1:] for k in range(len(s)))
        for v in variants:
            idx.append(n)
            key.append(v)
    return pa.table({"idx": pa.array(idx, pa.int64()), "key": pa.array(key, pa.string())})


def block_pairs(a: Prepared, b: Prepared | None, settings: LinkSettings,
                con: duckdb.DuckDBPyConnection | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs as two aligned int64 index arrays, sorted, without repeats.

    ``b`` None: dedupe within ``a`` (left index < right index). Otherwise link ``a`` (a list) to ``b`` (a
    registry); key frequencies are counted on ``b``. Pure: runs on a private in-memory DuckDB."""
    own = con is None
    con = con or duckdb.connect(":memory:")
    try:
        ka = _key_table(a)
        sa = _sn_table(a)
        con.register("ka", ka)
        con.register("sa", sa)
        if b is None:
            con.execute("CREATE OR REPLACE TEMP VIEW kb AS SELECT * FROM ka")
            con.execute("CREATE OR REPLACE TEMP VIEW sb AS SELECT * FROM sa")
            order = "l.idx < r.idx"
        else:
            con.register("kb", _key_table(b))
            con.register("sb", _sn_table(b))
            order = "TRUE"
        w = int(settings.birth_window_years)
        cap = int(settings.max_key_block)
        cap_nodate = max(2, cap // 4)
        sql = f"""
        WITH freq AS (SELECT key, count(*) AS n FROM kb GROUP BY key),
        kl AS (SELECT ka.* FROM ka JOIN freq USING (key) WHERE freq.n <= {cap}),
        kr AS (SELECT kb.*, freq.n FROM kb JOIN freq USING (key) WHERE freq.n <= {cap}),
        snf AS (SELECT key FROM sb GROUP BY key HAVING count(*) <= {SN_BLOCK_CAP}),
        p1 AS (SELECT l.idx AS i, r.idx AS j FROM kl l JOIN kr r ON l.key = r.key
               WHERE {order} AND l.ylo IS NOT NULL AND r.ylo IS NOT NULL
                 AND l.ylo - {w} <= r.yhi AND r.ylo - {w} <= l.yhi),
        p2 AS (SELECT l.idx AS i, r.idx AS j FROM kl l JOIN kr r ON l.key = r.key
               WHERE {order} AND (l.ylo IS NULL OR r.ylo IS NULL) AND r.n <= {cap_nodate}),
        p3 AS (SELECT l.idx AS i, r.idx AS j FROM sa l JOIN snf USING (key) JOIN sb r ON l.key = r.key
               WHERE {order})
        SELECT DISTINCT i, j FROM (SELECT * FROM p1 UNION ALL SELECT * FROM p2 UNION ALL SELECT * FROM p3)
        ORDER BY i, j
        """
        res = con.sql(sql).to_arrow_table()
        i = res.column("i").to_numpy().astype(np.int64)
        j = res.column("j").to_numpy().astype(np.int64)
        return i, j
    finally:
        if own:
            con.close()
