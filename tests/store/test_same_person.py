"""``custody_repo.same_person`` reads only the judgements touching the clusters it builds, frontier by frontier, and
gives exactly what reading every judgement gives: on generated judgements with chains, re-splits by a later
``no_match`` or ``unsure``, re-joins, self-contradicting pairs and ids nobody judged, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import select

from powbureau.store import custody_repo
from powbureau.store.tables import judgements


def full_read_clusters(conn, person_ids) -> dict[str, frozenset[str]]:
    """The former implementation, the oracle: every judgement of the table, latest per pair, then the components."""
    latest: dict[tuple[str, str], str] = {}
    for left, right, judgement in conn.execute(
            select(judgements.c.left_id, judgements.c.right_id, judgements.c.judgement).order_by(judgements.c.id)):
        latest[(left, right) if left <= right else (right, left)] = judgement
    adj: dict[str, set[str]] = defaultdict(set)
    for (a, b), j in latest.items():
        if j == "match":
            adj[a].add(b)
            adj[b].add(a)
    out: dict[str, frozenset[str]] = {}
    for pid in person_ids:
        if pid in out:
            continue
        seen, todo = {pid}, [pid]
        while todo:
            for n in adj[todo.pop()] - seen:
                seen.add(n)
                todo.append(n)
        for member in seen:
            out[member] = frozenset(seen)
    return out


def generated_judgements(rng: random.Random, n_people: int, n_rows: int) -> list[dict]:
    """Judgements over ``n_people`` ids: mostly neighbours (long chains), some random pairs, each pair judged
    again at random (match, then no_match, then match again...), in either order of its ends."""
    people = [f"P{k:03d}" for k in range(n_people)]
    pairs = [(people[k], people[k + 1]) for k in range(n_people - 1)]
    pairs += [tuple(rng.sample(people, 2)) for _ in range(n_people // 3)]
    rows = []
    for _ in range(n_rows):
        a, b = rng.choice(pairs)
        if rng.random() < 0.5:
            a, b = b, a
        rows.append({"left_id": a, "right_id": b, "judgement": rng.choice(["match", "match", "no_match", "unsure"]),
                     "actor": "operator", "decided_at": datetime.now(UTC), "reason": ""})
    return rows


class CountingConnection:
    """Passes ``execute`` through to a connection and counts the rows it returned."""

    def __init__(self, conn):  # noqa: ANN001
        self.conn, self.rows = conn, 0

    def execute(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        rows = self.conn.execute(*args, **kwargs).all()
        self.rows += len(rows)
        return rows


def test_frontier_read_gives_the_full_read_clusters_and_reads_only_their_judgements(bureau):
    rng = random.Random(20261202)
    rows = generated_judgements(rng, 120, 400)
    with bureau.uow.transaction() as conn:
        conn.execute(judgements.insert(), rows)
    judged = sorted({r["left_id"] for r in rows} | {r["right_id"] for r in rows})
    assert any(r["judgement"] != "match" for r in rows) and len(judged) > 100  # re-splits over many people
    asks = [[pid] for pid in judged] + [rng.sample(judged, 7) for _ in range(30)] + [["NOBODY"], judged, []]
    sizes = set()
    with bureau.uow.read() as conn:
        for ask in asks:
            counting = CountingConnection(conn)
            got = custody_repo.same_person(counting, ask)
            assert got == full_read_clusters(conn, ask), ask
            members = {m for pid in ask for m in got[pid]}
            touching = sum(r["left_id"] in members or r["right_id"] in members for r in rows)
            assert counting.rows <= 2 * touching, (ask, counting.rows, touching)  # a row is met from both ends
            sizes.update(len(got[pid]) for pid in ask)
    assert 1 in sizes and max(sizes) >= 3, sizes  # lone people and chains of three or more were both compared
