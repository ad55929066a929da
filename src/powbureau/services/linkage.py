"""Linkage use cases: dedupe the registry into the review queue, reconcile a counterpart list, judge pairs.

The engine is ``powbureau.linkage`` (pure); this module reads the registry, writes the queue and the judgements
(revisable edges: a later judgement supersedes an earlier one; nothing is merged or deleted)."""

from __future__ import annotations

from ..domain.messages import Msg
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, func, select

from ..domain.errors import NotFound, ValidationFailed
from ..domain.person import new_id
from ..domain.roles import Actor, require
from ..io.csv_safe import write_csv
from ..io.paths import writable_file
from ..linkage import CandidatePair, LinkRecord, LinkSettings
from ..linkage import cluster as engine_cluster
from ..linkage import dedupe as engine_dedupe
from ..linkage import reconcile as engine_reconcile
from ..store import audit, repositories as repo
from ..store.tables import candidate_pairs, judgements, list_rows, persons, retractions, statements

JUDGEMENTS = ("match", "no_match", "unsure")
AGAINST = {"detainees": "detainee", "own_personnel": "own_personnel"}
DEDUPE_COLUMNS = ["external_id", "person_id", "cluster_id"]
RECONCILE_COLUMNS = ["row_external_id", "status", "person_id", "person_external_id", "score", "explanation"]
_LINK_PROPS = ("name_full", "surname", "given_name", "patronymic", "birth_date", "service_number", "rank", "unit",
               "father_given_name", "birth_place")


def _record(rid: str, values: Iterable[tuple[str, str, bool]], source: str) -> LinkRecord | None:
    """A LinkRecord from (property, value, alias) triples; None when it has no name."""
    by: dict[str, list[str]] = defaultdict(list)
    names: list[str] = []
    parts: dict[str, str] = {}
    for prop, value, alias in values:
        if prop == "name_full" or (alias and prop in ("name_full", "surname")):
            names.append(value)
        elif prop in ("surname", "given_name", "patronymic") and not alias:
            parts.setdefault(prop, value)
        else:
            by[prop].append(value)
    if "surname" in parts:
        assembled = " ".join(parts[p] for p in ("surname", "given_name", "patronymic") if p in parts)
        if assembled not in names:
            names.append(assembled)
    if not names:
        return None
    first = lambda p: by[p][0] if by.get(p) else None  # noqa: E731
    return LinkRecord(
        id=rid, names=tuple(dict.fromkeys(names)), birth=first("birth_date"),
        service_number=first("service_number"), rank=first("rank"), unit=first("unit"),
        father_given_name=first("father_given_name"), birth_place=first("birth_place"), source=source,
    )


def registry_records(conn: Connection, kind: str) -> tuple[list[LinkRecord], dict[str, str | None]]:
    """Every person of ``kind`` as a LinkRecord (active statements only, best source first), and their
    external ids keyed by person id."""
    ext = dict(conn.execute(select(persons.c.id, persons.c.external_id).where(persons.c.kind == kind)).all())
    q = (
        select(statements.c.person_id, statements.c.prop, statements.c.value, statements.c.alias)
        .join(persons, persons.c.id == statements.c.person_id)
        .outerjoin(retractions, retractions.c.statement_id == statements.c.id)
        .where(persons.c.kind == kind, retractions.c.statement_id.is_(None), statements.c.prop.in_(_LINK_PROPS))
        .order_by(statements.c.person_id, statements.c.recorded_at)
    )
    vals: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for pid, prop, value, alias in conn.execute(q):
        vals[pid].append((prop, value, bool(alias)))
    recs = [r for pid, v in vals.items() if (r := _record(pid, v, "registry")) is not None]
    return recs, ext


@dataclass(frozen=True)
class QueueItem:
    """One pair in the review queue with its latest judgement (None = not judged yet)."""

    id: int
    left_id: str
    right_id: str
    score: float
    explanation: str
    judgement: str | None
    judged_by: str | None
    reason: str | None


def _latest_judgements(conn: Connection) -> dict[tuple[str, str], dict]:
    rows = conn.execute(select(judgements).order_by(judgements.c.id)).mappings()
    return {(r["left_id"], r["right_id"]): dict(r) for r in rows}


def dedupe_clusters(recs: list[LinkRecord], pairs: list[CandidatePair], latest: dict[tuple[str, str], str],
                    threshold: float = LinkSettings.cluster_threshold) -> dict[str, str]:
    """Cluster id per person: persons joined by the engine's high-confidence pairs (score ≥ ``threshold``, no
    initial-only name, births not contradicting unless the service numbers agree) that no human has judged, and by pairs whose latest human
    judgement is ``match`` (these join first, even across birth dates: a human saw them). A pair judged
    ``no_match`` or ``unsure`` never joins by itself; the band below ``threshold`` is for the review queue.
    Engine pairs obey the birth-contradiction guard of ``linkage.cluster`` (a cluster never holds births more
    than two years apart). A cluster's id is its smallest person id, so a person alone is his own cluster."""
    edges: list[CandidatePair] = []
    for p in pairs:
        if p.score >= threshold and not p.initial_only and p.may_cluster \
                and tuple(sorted((p.left, p.right))) not in latest:
            edges.append(p.with_decision("match"))
    for (left, right), j in latest.items():
        if j == "match":
            edges.append(CandidatePair(left, right, 1.0, 0.0, "accepted", "accepted by a reviewer", ()))
    out: dict[str, str] = {}
    for members in engine_cluster(recs, edges, decisions=("match",), trusted=("accepted",)):
        for m in members:
            out[m] = members[0]
    return out


def run_dedupe(uow, actor: Actor, *, kind: str = "detainee", engine: str = "duckdb",  # noqa: ANN001
               out: Path | None = None) -> dict:
    """Score duplicate candidates among persons of ``kind`` and put those above the review threshold in the
    review queue (one transaction: an interrupted run leaves the queue as it was). Returns counts.

    With ``out``, also writes one CSV row per person (``external_id, person_id, cluster_id``, formula-safe)
    with the clusters of ``dedupe_clusters``, so anyone can score them."""
    require(actor, "linkage.run")
    if out is not None:
        writable_file(out, what="--out")
    if kind not in AGAINST.values():
        raise ValidationFailed(Msg("kind {kind!r} is not one of: {items}", kind=kind, items=', '.join(AGAINST.values())))
    settings = LinkSettings(engine=engine)
    with uow.read() as conn:
        recs, ext = registry_records(conn, kind)
    pairs = engine_dedupe(recs, settings) if len(recs) >= 2 else []
    run_id = new_id()
    now = datetime.now(UTC)
    added = updated = 0
    with uow.transaction() as conn:
        existing = {(r[0], r[1]): r[2] for r in conn.execute(
            select(candidate_pairs.c.left_id, candidate_pairs.c.right_id, candidate_pairs.c.id))}
        for p in pairs:
            left, right = sorted((p.left, p.right))
            expl = json.dumps({"decision": p.decision, "summary": p.explanation,
                               "fields": [asdict(e) for e in p.evidence]}, ensure_ascii=False)
            if (left, right) in existing:
                conn.execute(candidate_pairs.update().where(candidate_pairs.c.id == existing[(left, right)])
                             .values(score=p.score, explanation=expl, run_id=run_id))
                updated += 1
            else:
                conn.execute(candidate_pairs.insert().values(left_id=left, right_id=right, score=p.score,
                                                             explanation=expl, run_id=run_id, created_at=now))
                added += 1
        audit.append(conn, actor=actor.name, action="linkage.dedupe", target=kind,
                     detail={"run": run_id, "persons": len(recs), "pairs": len(pairs), "added": added,
                             "settings": json.loads(settings.to_json())})
        latest = {}
        for left, right, j in conn.execute(select(judgements.c.left_id, judgements.c.right_id,
                                                  judgements.c.judgement).order_by(judgements.c.id)):
            latest[(left, right) if left <= right else (right, left)] = j
    clusters = dedupe_clusters(recs, pairs, latest, settings.cluster_threshold)
    for pid in ext:  # a person without a name is not linked: he is a cluster of his own
        clusters.setdefault(pid, pid)
    if out is not None:
        write_csv(Path(out), DEDUPE_COLUMNS,
                  [[ext.get(pid) or "", pid, cid] for pid, cid in sorted(clusters.items(), key=lambda x: (x[1], x[0]))])
    return {"run_id": run_id, "persons": len(recs), "pairs": len(pairs), "added": added, "updated": updated,
            "matches": sum(p.decision == "match" for p in pairs), "clusters": len(set(clusters.values()))}


def reconcile_list(uow, actor: Actor, list_id: str, *, against: str, out: Path | None = None,  # noqa: ANN001
                   engine: str = "duckdb") -> dict:
    """Reconcile counterpart list ``list_id`` against the registry's ``against`` persons (detainees or
    own_personnel). Every row ends ``matched`` (with score), ``ambiguous`` or ``unmatched``; ambiguous rows'
    candidates join the review queue. Never changes a stored statement. Writes ``out`` (CSV, formula-safe)
    when given. Raises ``NotFound`` for an unknown list, ``ValidationFailed`` for a list without names."""
    require(actor, "linkage.run")
    if out is not None:
        writable_file(out, what="--out")
    if against not in AGAINST:
        raise ValidationFailed(Msg("--against {against!r} is not one of: {items}", against=against, items=', '.join(AGAINST)))
    with uow.read() as conn:
        lst = repo.get_list(conn, list_id)
        if lst is None:
            raise NotFound(Msg("no list {list_id!r}; `powbureau import --json` prints the list_id of an import", list_id=list_id))
        rows = conn.execute(select(list_rows).where(list_rows.c.list_id == list_id).order_by(list_rows.c.line)).mappings().all()
        reg, ext = registry_records(conn, AGAINST[against])
    if not rows:
        raise ValidationFailed(Msg("list {list_id} has no rows; import a list with at least one row", list_id=list_id))
    list_recs, row_ids = [], {}
    for r in rows:
        rid = r["external_id"] or f"row {r['line']}"
        vals = [(v[0], v[1], bool(v[4])) for v in json.loads(r["data"])]
        rec = _record(f"{list_id}#{r['line']}", vals, "list")
        if rec is None:
            raise ValidationFailed(Msg("list {list_id}, row {line}: no name to match; every row needs a name", list_id=list_id, line=r['line']))
        list_recs.append(rec)
        row_ids[rec.id] = rid
    results = engine_reconcile(list_recs, reg, LinkSettings(engine=engine))
    out_rows = [
        {"row_external_id": row_ids[x.row_id], "status": x.status, "person_id": x.person_id or "",
         "person_external_id": (ext.get(x.person_id) or "") if x.person_id else "", "score": round(x.score, 4),
         "explanation": x.explanation,
         "candidates": [{"person_id": c.person_id, "score": c.score} for c in x.candidates]}
        for x in results
    ]
    now = datetime.now(UTC)
    with uow.transaction() as conn:
        existing = {(r[0], r[1]) for r in conn.execute(select(candidate_pairs.c.left_id, candidate_pairs.c.right_id))}
        queued = 0
        for x in results:
            if x.status != "ambiguous":
                continue
            for c in x.candidates:
                if (f"list:{x.row_id}", c.person_id) in existing:
                    continue
                existing.add((f"list:{x.row_id}", c.person_id))
                conn.execute(candidate_pairs.insert().values(
                    left_id=f"list:{x.row_id}", right_id=c.person_id, score=c.score,
                    explanation=json.dumps({"decision": "review", "summary": c.explanation}, ensure_ascii=False),
                    run_id=list_id, created_at=now))
                queued += 1
        summary = {s: sum(r["status"] == s for r in out_rows) for s in ("matched", "ambiguous", "unmatched")}
        audit.append(conn, actor=actor.name, action="linkage.reconcile", target=list_id,
                     detail={"against": against, **summary, "queued": queued})
    if out is not None:
        write_csv(Path(out), RECONCILE_COLUMNS, [[r[c] for c in RECONCILE_COLUMNS] for r in out_rows])
    return {"list_id": list_id, "against": against, "summary": summary, "rows": out_rows}


def review_queue(uow, actor: Actor, *, include_judged: bool = False, limit: int = 200) -> list[QueueItem]:  # noqa: ANN001
    """Pairs waiting for a human, best score first (``include_judged`` also lists decided pairs)."""
    require(actor, "review.read")
    with uow.read() as conn:
        latest = _latest_judgements(conn)
        rows = conn.execute(select(candidate_pairs).order_by(candidate_pairs.c.score.desc(),
                                                             candidate_pairs.c.id)).mappings()
        items = []
        for r in rows:
            j = latest.get((r["left_id"], r["right_id"]))
            if j and not include_judged and j["judgement"] != "unsure":
                continue
            expl = json.loads(r["explanation"])
            items.append(QueueItem(r["id"], r["left_id"], r["right_id"], r["score"], expl.get("summary", ""),
                                   j["judgement"] if j else None, j["actor"] if j else None,
                                   j["reason"] if j else None))
            if len(items) >= limit:
                break
    return items


def judge(uow, actor: Actor, pair_id: int, judgement: str, reason: str = "") -> QueueItem:  # noqa: ANN001
    """Record a human ``judgement`` (match / no_match / unsure) on queue pair ``pair_id``, with who, when, why.

    A later judgement supersedes an earlier one (undo = judge again); nothing is merged or deleted."""
    require(actor, "review.decide")
    if judgement not in JUDGEMENTS:
        raise ValidationFailed(Msg("judgement {judgement!r} is not one of: {items}", judgement=judgement, items=', '.join(JUDGEMENTS)))
    with uow.transaction() as conn:
        r = conn.execute(select(candidate_pairs).where(candidate_pairs.c.id == pair_id)).mappings().first()
        if r is None:
            raise NotFound(Msg("no review item {pair_id}; `powbureau review list` shows the open ones", pair_id=pair_id))
        now = datetime.now(UTC)
        jid = conn.execute(judgements.insert().values(left_id=r["left_id"], right_id=r["right_id"], judgement=judgement,
                                                      actor=actor.name, decided_at=now, reason=reason)
                           ).inserted_primary_key[0]
        audit.append(conn, actor=actor.name, action="review.judge", target=f"{r['left_id']}~{r['right_id']}",
                     detail={"pair": pair_id, "judgement": judgement, "reason": reason}, covers=[("judgements", jid)])
        if judgement == "match":  # consent belongs to the person: a new link may bring a wish to remain
            from .exchanges import on_wish_changed

            on_wish_changed(conn, actor, r["left_id"])
    return QueueItem(pair_id, r["left_id"], r["right_id"], r["score"],
                     json.loads(r["explanation"]).get("summary", ""), judgement, actor.name, reason)


def _side(conn: Connection, rid: str) -> dict:
    """One side of a pair for the reviewer: ``{id, kind, link, fields: {prop: [values]}, names: [(name, latin)]}``.

    ``rid`` is a person id or ``list:<list_id>#<line>`` (a counterpart list row)."""
    from .. import names as nm

    fields: dict[str, list[str]] = defaultdict(list)
    if rid.startswith("list:"):
        list_id, _, line = rid[5:].partition("#")
        r = conn.execute(select(list_rows).where(list_rows.c.list_id == list_id,
                                                 list_rows.c.line == int(line or 0))).mappings().first()
        if r is None:
            raise NotFound(Msg("no list row {rid}", rid=rid))
        for prop, value, *_ in json.loads(r["data"]):
            fields[prop].append(value)
        kind, link = f"row {line} of list {list_id}", None
    else:
        p = repo.get_person(conn, rid)
        if p is None:
            raise NotFound(Msg("no person {rid}", rid=rid))
        ss = repo.statements_for(conn, [rid])[rid]
        gone = repo.retracted_ids(conn, [x.id for x in ss])
        for st in ss:
            if st.id not in gone and st.prop in (*_LINK_PROPS, "external_id", "serving_power", "alias"):
                if st.value not in fields[st.prop]:
                    fields[st.prop].append(st.value)
        if p["external_id"]:
            fields["external_id"].append(p["external_id"])
        kind, link = f"{p['kind']}, {p['status']}", f"/persons/{rid}"
    names_shown = []
    for n in fields.get("name_full", []) + fields.get("alias", []):
        script = nm.detect_script(n)
        latin = None
        if script in ("hangul", "cyrillic", "mixed"):
            spell = nm.variants(n).get("spellings") or {}
            latin = next((v for v in spell.values() if isinstance(v, str) and nm.detect_script(v) == "latin"), None)
        names_shown.append((n, latin))
    return {"id": rid, "kind": kind, "link": link, "fields": dict(fields), "names": names_shown}


def review_item(uow, actor: Actor, pair_id: int) -> dict:  # noqa: ANN001
    """A queue pair side by side for a reviewer: both sides' fields, names in their script and in Latin, the
    per-field evidence (agreement level and weight) and the judgement history. Raises ``NotFound``."""
    require(actor, "review.read")
    with uow.read() as conn:
        r = conn.execute(select(candidate_pairs).where(candidate_pairs.c.id == pair_id)).mappings().first()
        if r is None:
            raise NotFound(Msg("no review item {pair_id}; `powbureau review list` shows the open ones", pair_id=pair_id))
        left, right = _side(conn, r["left_id"]), _side(conn, r["right_id"])
        history = [dict(h) for h in conn.execute(
            select(judgements).where(judgements.c.left_id == r["left_id"], judgements.c.right_id == r["right_id"])
            .order_by(judgements.c.id)).mappings()]
    expl = json.loads(r["explanation"])
    return {"id": pair_id, "score": r["score"], "summary": expl.get("summary", ""),
            "decision": expl.get("decision"), "evidence": expl.get("fields", []), "left": left, "right": right,
            "history": [{"judgement": h["judgement"], "actor": h["actor"], "decided_at": h["decided_at"],
                         "reason": h["reason"]} for h in history]}


def same_person_as(uow, actor: Actor, person_id: str) -> list[str]:  # noqa: ANN001
    """The cluster of ``person_id`` over accepted (latest judgement = match) edges, excluding himself: the merge
    is a view, undone by a later ``no_match`` judgement (``custody_repo.same_person``, the one definition that
    consent decisions use too)."""
    require(actor, "person.read")
    from ..store.custody_repo import same_person

    with uow.read() as conn:
        return sorted(same_person(conn, [person_id])[person_id] - {person_id})


def queue_size(uow) -> int:  # noqa: ANN001
    """Number of pairs in the queue (judged or not)."""
    with uow.read() as conn:
        return conn.execute(select(func.count()).select_from(candidate_pairs)).scalar_one()


def counterpart_lists(uow, actor: Actor) -> list[dict]:  # noqa: ANN001
    """The imported counterpart lists a reconciler may reconcile (``linkage.run``), newest first: ``id``,
    ``label``, ``filename``, ``rows``, ``imported_by``, ``imported_at`` (ISO UTC). Raises ``PermissionDenied``."""
    from ..store.custody_repo import utc
    from ..store.tables import lists

    require(actor, "linkage.run")
    with uow.read() as conn:
        rows = conn.execute(select(lists).where(lists.c.kind == "counterpart_list")
                            .order_by(lists.c.imported_at.desc())).mappings().all()
    return [{"id": r["id"], "label": r["label"], "filename": r["filename"], "rows": r["row_count"],
             "imported_by": r["imported_by"], "imported_at": utc(r["imported_at"]).isoformat()} for r in rows]


def reconcile_report(uow, actor: Actor, list_id: str, *, against: str) -> dict:  # noqa: ANN001
    """Run ``reconcile_list`` (the CLI's ``powbureau reconcile``) and return its result for a reader: ``list``
    (label, file, rows), ``summary`` (rows per status), and ``rows``, each with the matched person's ``name``,
    his candidates' names and the review-queue ``pairs`` of an ambiguous row ({id, person_id, name, score}).
    Raises as ``reconcile_list`` does."""
    from .custody import names_of

    result = reconcile_list(uow, actor, list_id, against=against)
    with uow.read() as conn:
        lst = repo.get_list(conn, list_id)
        lines = {(r[1] or f"row {r[0]}"): r[0] for r in conn.execute(
            select(list_rows.c.line, list_rows.c.external_id).where(list_rows.c.list_id == list_id))}
        queued: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
        for pid_, left, right, score in conn.execute(
                select(candidate_pairs.c.id, candidate_pairs.c.left_id, candidate_pairs.c.right_id,
                       candidate_pairs.c.score).where(candidate_pairs.c.left_id.like(f"list:{list_id}#%"))):
            queued[left].append((pid_, right, score))
        ids = {r["person_id"] for r in result["rows"] if r["person_id"]}
        ids |= {c["person_id"] for r in result["rows"] for c in r["candidates"]}
        nm = names_of(conn, sorted(ids))
    rows = []
    for r in result["rows"]:
        left = f"list:{list_id}#{lines.get(r['row_external_id'], '')}"
        rows.append({**r, "name": nm.get(r["person_id"]) if r["person_id"] else None,
                     "candidates": [{**c, "name": nm.get(c["person_id"])} for c in r["candidates"]],
                     "pairs": [{"id": i, "person_id": p, "name": nm.get(p), "score": s}
                               for i, p, s in sorted(queued.get(left, []), key=lambda x: -x[2])]
                     if r["status"] == "ambiguous" else []})
    return {"list": {"id": list_id, "label": lst["label"], "filename": lst["filename"], "rows": lst["row_count"]},
            "against": against, "summary": result["summary"], "rows": rows}
