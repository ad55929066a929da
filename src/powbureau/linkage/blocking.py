"""Blocking: which pairs of records are compared at all.

Rules, united: a shared cross-script name key with births at most ``birth_window_years`` apart (or about ten
years apart, a miswritten decade); a shared name key where a birth date is missing (rarer keys only); a service
number equal or one edit apart; the same birth day, birth place or extra field (rarer values only)."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from powbureau.linkage.records import P_DAY, P_NONE, Prepared
from powbureau.linkage.settings import LinkSettings
from powbureau.linkage.vectors import _years

SN_BLOCK_CAP = 100  # a service number (or its one-deletion variant) shared by more rows is junk, not evidence
NOT_BLOCKED = ("rank", "unit", "father")  # text fields too common to block on alone (place and extras are used)


def _key_table(p: Prepared) -> pa.Table:
    """Exploded (idx, key, ylo, yhi, day, ini) rows: whole-name keys, then the surname-only keys of every
    record marked ``S|`` (used only where one side's name is initial-only, known case 14)."""
    idx: list[int] = []
    key: list[str] = []
    for n, ks in enumerate(p.keys):
        for k in ks:
            idx.append(n)
            key.append(k)
    from powbureau.linkage.namecmp import surname_keys

    for n, names in enumerate(p.names):
        for k in frozenset().union(*(surname_keys(x) for x in names)):
            idx.append(n)
            key.append("S|" + k)
    idx_a = np.asarray(idx, dtype=np.int64)
    known = p.birth_prec != P_NONE
    ylo = np.where(known, _years(np.where(known, p.birth_lo, 719163)), -1)
    yhi = np.where(known, _years(np.where(known, p.birth_hi, 719163)), -1)
    day = p.birth_prec == P_DAY
    return pa.table({"idx": idx_a, "key": pa.array(key, pa.string()),
                     "ylo": pa.array(ylo[idx_a], mask=~known[idx_a]),
                     "yhi": pa.array(yhi[idx_a], mask=~known[idx_a]),
                     "day": pa.array(p.birth_lo[idx_a], mask=~day[idx_a]),
                     "ini": pa.array(p.initial_only[idx_a])})


def _sn_table(p: Prepared) -> pa.Table:
    """Exploded (idx, key) rows of the non-name blocking keys: service numbers and their one-deletion variants,
    then ``F|`` field keys: the exact birth day, the birth place and every extra field (e-mail, postcode...)."""
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
    for n in np.flatnonzero(p.birth_prec == P_DAY).tolist():
        idx.append(n)
        key.append(f"F|day|{int(p.birth_lo[n])}")
    for f, texts in p.texts.items():
        if f in NOT_BLOCKED:
            continue
        for n, v in enumerate(texts):
            if v:
                idx.append(n)
                key.append(f"F|{f}|{v}")
    return pa.table({"idx": pa.array(idx, pa.int64()), "key": pa.array(key, pa.string())})


def _cached(p: Prepared, name: str, build) -> pa.Table:  # type: ignore[no-untyped-def]
    """A derived table of ``p``, built once (a registry prepared in advance keeps its key tables)."""
    if name not in p.cache:
        p.cache[name] = build(p)
    return p.cache[name]


def blocking_sql(order: str, settings: LinkSettings) -> str:
    """The blocking query over tables ``ka``/``kb`` (idx, key, ylo, yhi, day) and ``sa``/``sb`` (idx, key).

    Rules: (1) a shared whole-name key, or a shared surname key (``S|``), with births at most ``w`` years
    apart, where the key's records born within ``w`` years of this one number at most ``max_key_block`` on the
    right side (so common surnames drop out by themselves in large registries); (2) a shared name key and the
    same birth day (cap ×5); (3) a shared name key where a birth is missing (cap ÷2); (4) service numbers
    equal or one edit apart (one-deletion variants), or the same birth day, birth place or extra field (e-mail,
    postcode) where at most ``max_key_block`` records of the right side share the value; (5) a shared surname where one name is initial-only
    (case 14; cap ×20); (6) a shared whole-name key held by at most ``max_key_block`` records of the right side,
    with exact birth days about ten years apart (a miswritten decade digit, ``vectors.birth_typo``). Same SQL for
    DuckDB and Spark."""
    w = int(settings.birth_window_years)
    cap = int(settings.max_key_block)
    return f"""
    WITH kaw AS (SELECT * FROM ka WHERE key NOT LIKE 'S|%'), kbw AS (SELECT * FROM kb WHERE key NOT LIKE 'S|%'),
    kas AS (SELECT * FROM ka WHERE key LIKE 'S|%'), kbs AS (SELECT * FROM kb WHERE key LIKE 'S|%'),
    cell AS (SELECT key, ylo AS y, count(*) AS n FROM kb WHERE ylo IS NOT NULL GROUP BY key, ylo),
    lcell AS (SELECT DISTINCT key, ylo AS y FROM ka WHERE ylo IS NOT NULL),
    win AS (SELECT c1.key, c1.y, sum(c2.n) AS n FROM lcell c1 JOIN cell c2
            ON c1.key = c2.key AND c2.y BETWEEN c1.y - {w} AND c1.y + {w} GROUP BY c1.key, c1.y),
    okcell AS (SELECT key, y FROM win WHERE n <= {cap}),
    freq AS (SELECT key, count(*) AS n FROM kb GROUP BY key),
    dayf AS (SELECT key, day, count(*) AS n FROM kbw WHERE day IS NOT NULL GROUP BY key, day),
    snf AS (SELECT key FROM sb GROUP BY key
            HAVING count(*) <= CASE WHEN key LIKE 'F|%' THEN {cap} ELSE {SN_BLOCK_CAP} END),
    p1 AS (SELECT l.idx AS i, r.idx AS j FROM ka l JOIN okcell c ON l.key = c.key AND l.ylo = c.y
           JOIN kb r ON l.key = r.key
           WHERE {order} AND r.ylo IS NOT NULL AND l.ylo - {w} <= r.yhi AND r.ylo - {w} <= l.yhi),
    p2 AS (SELECT l.idx AS i, r.idx AS j FROM kaw l JOIN dayf f ON l.key = f.key AND l.day = f.day
           JOIN kbw r ON l.key = r.key AND l.day = r.day WHERE {order} AND f.n <= {cap * 5}),
    p3 AS (SELECT l.idx AS i, r.idx AS j FROM kaw l JOIN freq f ON l.key = f.key JOIN kbw r ON l.key = r.key
           WHERE {order} AND (l.ylo IS NULL OR r.ylo IS NULL) AND f.n <= {max(2, cap // 2)}),
    kbs_ok AS (SELECT kbs.* FROM kbs JOIN freq f ON kbs.key = f.key WHERE f.n <= {cap * 20}),
    p5 AS (SELECT l.idx AS i, r.idx AS j FROM (SELECT * FROM kas WHERE ini) l JOIN kbs_ok r ON l.key = r.key
           WHERE {order} AND (l.ylo IS NULL OR r.ylo IS NULL OR (l.ylo - {w} <= r.yhi AND r.ylo - {w} <= l.yhi))
           UNION ALL
           SELECT l.idx AS i, r.idx AS j FROM kas l JOIN (SELECT * FROM kbs_ok WHERE ini) r ON l.key = r.key
           WHERE {order} AND NOT l.ini
             AND (l.ylo IS NULL OR r.ylo IS NULL OR (l.ylo - {w} <= r.yhi AND r.ylo - {w} <= l.yhi))),
    p4 AS (SELECT l.idx AS i, r.idx AS j FROM sa l JOIN snf ON l.key = snf.key JOIN sb r ON l.key = r.key
           WHERE {order}),
    p6 AS (SELECT l.idx AS i, r.idx AS j FROM kaw l JOIN freq f ON l.key = f.key JOIN kbw r ON l.key = r.key
           WHERE {order} AND l.day IS NOT NULL AND r.day IS NOT NULL AND f.n <= {cap}
             AND abs(l.ylo - r.ylo) BETWEEN 9 AND 11)
    SELECT DISTINCT i, j FROM (SELECT * FROM p1 UNION ALL SELECT * FROM p2 UNION ALL SELECT * FROM p3
                               UNION ALL SELECT * FROM p4 UNION ALL SELECT * FROM p5 UNION ALL SELECT * FROM p6)
    """


def block_pairs(a: Prepared, b: Prepared | None, settings: LinkSettings,
                con: duckdb.DuckDBPyConnection | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs as two aligned int64 index arrays, sorted, without repeats.

    ``b`` None: dedupe within ``a`` (left index < right index). Otherwise link ``a`` (a list) to ``b`` (a
    registry); key frequencies are counted on ``b``. Pure: runs on a private in-memory DuckDB."""
    own = con is None
    if con is None:
        import tempfile

        con = duckdb.connect(":memory:", config={
            "memory_limit": f"{settings.duckdb_memory_gib}GB", "threads": settings.n_workers(),
            "preserve_insertion_order": False,
            "temp_directory": f"{tempfile.gettempdir()}/powbureau-duckdb"})
    try:
        ka = _cached(a, "key_table", _key_table)
        sa = _cached(a, "sn_table", _sn_table)
        con.register("ka", ka)
        con.register("sa", sa)
        if b is None:
            con.execute("CREATE OR REPLACE TEMP VIEW kb AS SELECT * FROM ka")
            con.execute("CREATE OR REPLACE TEMP VIEW sb AS SELECT * FROM sa")
            order = "l.idx < r.idx"
        else:
            con.register("kb", _cached(b, "key_table", _key_table))
            con.register("sb", _cached(b, "sn_table", _sn_table))
            order = "TRUE"
        sql = blocking_sql(order, settings)
        res = con.sql(sql + " ORDER BY i, j").to_arrow_table()
        i = res.column("i").to_numpy().astype(np.int64)
        j = res.column("j").to_numpy().astype(np.int64)
        return i, j
    finally:
        if own:
            con.close()
