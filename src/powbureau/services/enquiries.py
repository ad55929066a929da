"""Enquiry use cases: intake (one, or a hotline file), list, show, match, judge a candidate, answer.

Every function takes the ``uow`` and an ``actor``, checks the role through ``domain.roles.require``, runs in one
transaction and audits it. What an answer tells whom is ``domain.enquiry.disclose`` (GC III Art. 122(7), 123)."""

from __future__ import annotations

from ..domain.messages import Msg
import json
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, func, select

from ..domain.countries import country_name
from ..domain.enquiry import JUDGEMENTS, Enquiry, PersonFacts, disclose, new_enquiry, next_state
from ..domain.errors import DuplicateImport, NotFound, ValidationFailed
from ..domain.person import new_id
from ..domain.roles import Actor, require
from ..io.properties import parse_mapping
from ..io.readers import open_list
from ..io.reply_letter import main_sentence
from ..io.rows import ImportRow, RowError
from ..store import audit, custody_repo as crepo, repositories as repo
from ..store.tables import list_rows, lists
from ..store.tables_enquiries import enquiries, enquiry_answers, enquiry_candidates, enquiry_events, \
    enquiry_judgements, enquiry_keys
from ..store.uow import UnitOfWork
from . import enquiry_match as em, paging
from .imports import _errors_message

NAME_COLUMNS = ("name_full", "surname", "given_name")
INTAKE_BATCH = 1000
#: Who holds a detainee of ours, as an answer says it.
DETAINING_POWER = "the Detaining Power (this National Information Bureau)"


def _shallow(obj: object) -> dict:
    """A flat dataclass as a dict (``dataclasses.asdict`` without its deep copy: the intake's hot path)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}  # type: ignore[arg-type]


def _row(e: Enquiry, eid: str, actor: Actor, source_ref: str, now: datetime) -> dict:
    """The ``enquiries`` row of ``e``."""
    sought = {**_shallow(e.sought), "names": list(e.sought.names),
              "birth_date": e.sought.birth_date.iso() if e.sought.birth_date else None,
              "last_seen_date": e.sought.last_seen_date.iso() if e.sought.last_seen_date else None}
    return {"id": eid, "channel": e.channel, "reference": e.reference,
            "enquirer": json.dumps(_shallow(e.enquirer), ensure_ascii=False),
            "sought": json.dumps(sought, ensure_ascii=False), "language": e.enquirer.language,
            "source_ref": source_ref, "received_at": now, "recorded_by": actor.name}


def _insert(conn: Connection, e: Enquiry, actor: Actor, source_ref: str, now: datetime) -> str:
    eid = new_id()
    conn.execute(enquiries.insert().values(**_row(e, eid, actor, source_ref, now)))
    audit.append(conn, actor=actor.name, action="enquiry.intake", target=eid,
                 detail={"channel": e.channel, "source": source_ref}, covers=[("enquiries", eid)])
    em.index_enquiry(conn, eid, em.sought_keys(e.sought))
    em.add_event(conn, eid, "open", actor.name, "enquiry received")
    em.rematch(conn, eid, actor.name, "matched at intake")
    return eid


def register_enquiry(uow: UnitOfWork, actor: Actor, values: dict) -> dict:
    """Take one enquiry (``values`` as ``domain.enquiry.new_enquiry`` reads them), match it at once; returns
    ``show_enquiry``'s view. Raises ``ValidationFailed`` naming the field, ``PermissionDenied``
    (``enquiry.write``). GC III Art. 122(7): every enquiry is registered and answered."""
    require(actor, "enquiry.write")
    e = new_enquiry(values)
    with uow.transaction() as conn:
        eid = _insert(conn, e, actor, "manual", datetime.now(UTC))
    return show_enquiry(uow, actor, eid)


def _row_values(r: ImportRow) -> dict:
    out: dict = {"names": []}
    for v in r.values:
        if v.property in NAME_COLUMNS:
            if v.property == "name_full" or v.alias:
                out["names"].append(v.value)
            else:
                out[v.property] = v.value
        elif v.property not in out:
            out[v.property] = v.original.strip() if v.property in ("consent", "side", "channel") else v.value
    return out


def import_enquiries(uow: UnitOfWork, actor: Actor, path: Path | str, *, mapping: str | None = None,
                     encoding: str | None = None, channel: str | None = None, match: bool = True) -> dict:
    """Import a hotline's CSV/XLSX/JSON of enquiries, all or nothing; returns ``{imported, enquiry_ids,
    possible_hits, matched}``; rows are stored in batches of INTAKE_BATCH with executemany, one audit entry per
    batch, inside one transaction. ``match=False`` stores them open and indexed without matching each against the
    registry now (a very large file; later list imports still re-match them). Columns: the sought person's
    properties (DESIGN §5) plus ``reference, channel, enquirer_name, enquirer_relationship, enquirer_contact, enquirer_language, consent, last_seen_place,
    last_seen_date, side``; ``channel`` (option) fills an empty channel cell. Raises ``ValidationFailed`` listing
    every problem as ``row N, column C: …`` (as list imports do), ``DuplicateImport`` for a file already
    imported, ``PermissionDenied`` (``enquiry.write``)."""
    require(actor, "enquiry.write")
    path = Path(path)
    stream = open_list(path, mapping=parse_mapping(mapping) if mapping else None, encoding=encoding,
                       kind="enquiries")
    if stream.fatal:
        raise ValidationFailed(_errors_message(path, stream.header_errors),
                               details=[str(e) for e in stream.header_errors])
    tag = f"file:{stream.content_sha256[:16]}:"
    with uow.read() as conn:
        prev = conn.execute(select(enquiries.c.received_at, enquiries.c.recorded_by)
                            .where(enquiries.c.source_ref.startswith(tag)).limit(1)).first()
    if prev is not None:
        raise DuplicateImport(Msg("{name} was already imported on {value:%Y-%m-%d} by {value2}; nothing was imported again", name=path.name, value=prev[0], value2=prev[1]))
    errors: list[RowError] = []
    batch: list[tuple[int, Enquiry]] = []
    ids: list[str] = []
    now = datetime.now(UTC)
    with uow.transaction() as conn:  # written in batches as read; any error rolls the whole file back
        for item in stream:
            if isinstance(item, RowError):
                if item.fatal or item.line is None:
                    raise ValidationFailed(_errors_message(path, [item]), details=[str(item)])
                errors.append(item)
                continue
            vals = _row_values(item)
            if channel and not vals.get("channel"):
                vals["channel"] = channel
            try:
                batch.append((item.line, new_enquiry(vals)))
            except ValidationFailed as exc:
                col, _, msg = exc.message.partition(": ")
                errors.append(RowError(item.line, col if msg else None, msg or exc.message, item.file_line))
            if len(batch) >= INTAKE_BATCH:
                if not errors:
                    ids += _intake(conn, batch, actor, f"{tag}{path.name[:100]}#", now)
                batch.clear()
        if errors:
            raise ValidationFailed(_errors_message(path, errors), details=[str(e) for e in errors])
        ids += _intake(conn, batch, actor, f"{tag}{path.name[:100]}#", now)
        if not ids:
            raise ValidationFailed(Msg("{name}: no enquiry rows; nothing was imported", name=path.name))
        if match:
            for eid in ids:
                em.rematch(conn, eid, actor.name, "matched at intake")
        hits = sum(1 for st in em.states_of(conn, ids).values() if st[0] == "possible_hit") if match else 0
    return {"imported": len(ids), "enquiry_ids": ids, "possible_hits": hits, "matched": match}


def _intake(conn: Connection, batch: list[tuple[int, Enquiry]], actor: Actor, ref: str, now: datetime) -> list[str]:
    """Store one batch of a hotline file's enquiries with executemany: the enquiries, their index keys and their
    ``open`` events, covered by ONE audit entry for the batch (``enquiry.intake``, target the file's rows)."""
    if not batch:
        return []
    ids = [new_id() for _ in batch]
    repo.insert_many(conn, enquiries, [_row(e, eid, actor, f"{ref}{line}", now)
                                       for eid, (line, e) in zip(ids, batch)])
    repo.insert_rows(conn, enquiry_keys, ("key", "enquiry_id"),
                     [(k[:64], eid) for eid, (_, e) in zip(ids, batch) for k in em.sought_keys(e.sought)])
    repo.insert_many(conn, enquiry_events, [{"enquiry_id": eid, "state": "open", "outcome": None,
                                             "note": "enquiry received", "actor": actor.name, "at": now}
                                            for eid in ids])
    events = []
    for i in range(0, len(ids), 500):
        events += conn.execute(select(enquiry_events.c.id).where(enquiry_events.c.enquiry_id.in_(ids[i:i + 500])))\
            .scalars().all()
    audit.append(conn, actor=actor.name, action="enquiry.intake", target=f"{ref}{batch[0][0]}-{batch[-1][0]}",
                 detail={"channel": sorted({e.channel for _, e in batch}), "rows": len(ids)},
                 covers=[("enquiries", i) for i in ids] + [("enquiry_events", i) for i in events])
    return ids


def _summary(conn: Connection, row, state: tuple[str, str | None] | None = None) -> dict:  # noqa: ANN001
    state_, outcome = state if state is not None else em.state_of(conn, row.id)
    sought, enquirer = json.loads(row.sought), json.loads(row.enquirer)
    return {"id": row.id, "channel": row.channel, "reference": row.reference, "state": state_, "outcome": outcome,
            "names": sought["names"], "enquirer": enquirer.get("name", ""),
            "relationship": enquirer.get("relationship", ""), "language": row.language,
            "received_at": row.received_at.isoformat()}


def list_enquiries(uow: UnitOfWork, actor: Actor, *, state: str | None = None, limit: int = 100,
                   offset: int = 0) -> list[dict]:
    """Enquiries, newest first, as a ``paging.Page`` (items ``offset``..``offset+limit``, at most
    ``paging.MAX_LIMIT``, and ``total``, the count of the whole filtered list). ``state`` filters (open,
    possible_hit, answered, closed) on each enquiry's latest event, as ``enquiry_match.state_of`` reads it (none
    yet: open); the database filters, sorts and cuts. Raises ``ValidationFailed`` for a page out of range,
    ``PermissionDenied`` (``enquiry.read``)."""
    require(actor, "enquiry.read")
    last = (select(enquiry_events.c.enquiry_id, func.max(enquiry_events.c.id).label("event_id"))
            .group_by(enquiry_events.c.enquiry_id).subquery())
    ev = enquiry_events.alias("ev")
    current = func.coalesce(ev.c.state, "open")
    q = (select(enquiries, current.label("state_"), ev.c.outcome.label("outcome_"))
         .select_from(enquiries.outerjoin(last, last.c.enquiry_id == enquiries.c.id)
                      .outerjoin(ev, ev.c.id == last.c.event_id)))
    if state is not None:
        q = q.where(current == state)
    with uow.read() as conn:
        found, total = paging.rows(conn, q, limit=limit, offset=offset,
                                   order=(enquiries.c.received_at.desc(), enquiries.c.id.desc()))
        out = [_summary(conn, r, (r.state_, r.outcome_)) for r in found]
    return paging.page(out, total, limit=limit, offset=offset)


def _get(conn: Connection, enquiry_id: str):  # noqa: ANN202
    row = conn.execute(select(enquiries).where(enquiries.c.id == enquiry_id)).first()
    if row is None:
        raise NotFound(Msg("no enquiry {enquiry_id!r}; list them with `powbureau enquiry list`", enquiry_id=enquiry_id))
    return row


def show_enquiry(uow: UnitOfWork, actor: Actor, enquiry_id: str) -> dict:
    """One enquiry: who asks, about whom, its state history, ranked candidates with their explanation and
    latest judgement, and the answers sent. Raises ``NotFound``; ``enquiry.read``."""
    require(actor, "enquiry.read")
    with uow.read() as conn:
        row = _get(conn, enquiry_id)
        view = _summary(conn, row)
        judged = em.rejected_targets(conn, enquiry_id)
        view.update(
            enquirer=json.loads(row.enquirer), sought=json.loads(row.sought),
            history=[{"state": r.state, "outcome": r.outcome, "note": r.note, "actor": r.actor,
                      "at": r.at.isoformat()} for r in conn.execute(
                          select(enquiry_events).where(enquiry_events.c.enquiry_id == enquiry_id)
                          .order_by(enquiry_events.c.id))],
            candidates=[{"target": r.target, "score": r.score, "proposed": r.proposed,
                         "judgement": judged.get(r.target), "explanation": json.loads(r.explanation)}
                        for r in conn.execute(select(enquiry_candidates)
                                              .where(enquiry_candidates.c.enquiry_id == enquiry_id)
                                              .order_by(enquiry_candidates.c.score.desc(),
                                                        enquiry_candidates.c.target))],
            answers=[{"outcome": r.outcome, "content": json.loads(r.content), "letter": r.letter,
                      "actor": r.actor, "answered_at": r.answered_at.isoformat()}
                     for r in conn.execute(select(enquiry_answers).where(enquiry_answers.c.enquiry_id == enquiry_id)
                                           .order_by(enquiry_answers.c.id))])
    return view


def match_enquiry(uow: UnitOfWork, actor: Actor, enquiry_id: str) -> dict:
    """Match ``enquiry_id`` again now; returns ``show_enquiry``'s view. Raises ``NotFound``; ``enquiry.write``."""
    require(actor, "enquiry.write")
    with uow.transaction() as conn:
        _get(conn, enquiry_id)
        em.rematch(conn, enquiry_id, actor.name, "matched on request")
        audit.append(conn, actor=actor.name, action="enquiry.match", target=enquiry_id)
    return show_enquiry(uow, actor, enquiry_id)


def judge_candidate(uow: UnitOfWork, actor: Actor, enquiry_id: str, target: str, judgement: str,
                    reason: str) -> dict:
    """Record a reviewer's ``judgement`` (confirmed | rejected) of candidate ``target`` with a ``reason``; the
    latest judgement per candidate counts (revisable, never a merge). A confirmation makes the enquiry a
    possible hit; rejecting the last live proposal sends it back to open. Raises ``ValidationFailed``,
    ``NotFound``, ``PermissionDenied`` (``enquiry.judge``)."""
    require(actor, "enquiry.judge")
    if judgement not in JUDGEMENTS:
        raise ValidationFailed(Msg("judgement {judgement!r} is not one of {items}", judgement=judgement, items=', '.join(JUDGEMENTS)))
    if not reason.strip() or len(reason) > 500:
        raise ValidationFailed(Msg("a judgement needs a reason (at most 500 characters): say why it is or is not him"))
    from .registry import check_text

    check_text("reason", reason)
    with uow.transaction() as conn:
        _get(conn, enquiry_id)
        cands = {r.target: r for r in conn.execute(select(enquiry_candidates)
                                                   .where(enquiry_candidates.c.enquiry_id == enquiry_id))}
        if target not in cands:
            raise NotFound(Msg("{target!r} is not a candidate of enquiry {enquiry_id}; see `powbureau enquiry show {enquiry_id}`", target=target, enquiry_id=enquiry_id))
        jid = conn.execute(enquiry_judgements.insert().values(
            enquiry_id=enquiry_id, target=target, judgement=judgement, reason=reason.strip(), actor=actor.name,
            decided_at=datetime.now(UTC))).inserted_primary_key[0]
        audit.append(conn, actor=actor.name, action="enquiry.judge", target=enquiry_id,
                     detail={"candidate": target, "judgement": judgement}, covers=[("enquiry_judgements", jid)])
        state, _ = em.state_of(conn, enquiry_id)
        judged = em.rejected_targets(conn, enquiry_id)
        live = [t for t, c in cands.items() if (c.proposed and judged.get(t) != "rejected")
                or judged.get(t) == "confirmed"]
        if judgement == "confirmed" and state in ("open", "answered", "closed"):
            em.add_event(conn, enquiry_id, "possible_hit", actor.name, f"{target} confirmed")
        elif not live and state == "possible_hit":
            em.add_event(conn, enquiry_id, "open", actor.name, "every possible hit rejected")
    return show_enquiry(uow, actor, enquiry_id)


def _facts(conn: Connection, target: str) -> PersonFacts:
    """What the bureau knows of a confirmed candidate, for ``domain.enquiry.disclose``."""
    if target.startswith("row:"):
        list_id, _, line = target[4:].partition("#")
        row = conn.execute(select(list_rows.c.data).where(list_rows.c.list_id == list_id,
                                                          list_rows.c.line == int(line))).first()
        lst = repo.get_list(conn, list_id)
        vals = {p: v for p, v, *_ in reversed(json.loads(row[0]))}
        return PersonFacts(vals, "held_by_adverse_power",
                           held_by=f"the adverse Power (named on its list {lst['label']!r} of "
                                   f"{lst['imported_at']:%Y-%m-%d})")
    from ..domain.resolve import resolve
    from .registry import _counting

    pid = target.removeprefix("person:")
    p = repo.get_person(conn, pid)
    ss = repo.statements_for(conn, [pid])[pid]
    counting, settled, _ = _counting(conn, ss)
    view = resolve(counting, repo.retracted_ids(conn, [s.id for s in ss]), settled_ids=settled)
    vals = {k: rp.best.value for k, rp in view.properties.items()}
    if "serving_power" in vals:
        vals["serving_power"] = country_name(vals["serving_power"])
    camps = [e for e in repo.status_history(conn, pid) if e.to_status in ("interned", "hospitalised")]
    med = crepo.latest_medical(conn, [pid]).get(pid)
    held_by = {"detainee": DETAINING_POWER, "own_personnel": "the adverse Power"}.get(p["kind"], "")
    return PersonFacts(vals, p["status"], held_by=held_by, place=camps[-1].place if camps else "",
                       health_box=frozenset(m for m in (med["health_box"].split(",") if med else []) if m))


def answer_enquiry(uow: UnitOfWork, actor: Actor, enquiry_id: str) -> dict:
    """Answer ``enquiry_id`` from its confirmed candidate (the latest confirmed; ``not_yet_found`` when none):
    ``domain.enquiry.disclose`` decides what the enquirer's channel may be told, the reply sentence
    (``io.reply_letter.main_sentence``, from the sent fields only) is in the enquirer's language. Stores the answer as sent and moves the enquiry to answered; returns
    ``{enquiry_id, outcome, answer, letter}``. Raises ``IllegalTransition`` (already answered: reopen first),
    ``NotFound``, ``PermissionDenied`` (``enquiry.answer``). GC III Art. 122(7), 123."""
    require(actor, "enquiry.answer")
    with uow.transaction() as conn:
        row = _get(conn, enquiry_id)
        state, _ = em.state_of(conn, enquiry_id)
        next_state(state, "answered")
        confirmed = [t for t, j in em.rejected_targets(conn, enquiry_id).items() if j == "confirmed"]
        target = confirmed[-1] if confirmed else None
        ans = disclose(row.channel, _facts(conn, target) if target else None)
        letter = main_sentence(ans.sent(), row.language, json.loads(row.sought)["names"][0])
        aid = conn.execute(enquiry_answers.insert().values(
            enquiry_id=enquiry_id, target=target, outcome=ans.outcome,
            content=json.dumps(ans.sent(), ensure_ascii=False), letter=letter, actor=actor.name,
            answered_at=datetime.now(UTC))).inserted_primary_key[0]
        audit.append(conn, actor=actor.name, action="enquiry.answer", target=enquiry_id,
                     detail={"outcome": ans.outcome, "candidate": target, "withheld": list(ans.withheld)},
                     covers=[("enquiry_answers", aid)])
        em.add_event(conn, enquiry_id, "answered", actor.name, f"answered: {ans.outcome}", outcome=ans.outcome)
    return {"enquiry_id": enquiry_id, "outcome": ans.outcome, "answer": ans.sent(), "letter": letter}


def list_labels(uow: UnitOfWork) -> dict[str, str]:
    """list_id -> label of every stored list (for showing row candidates)."""
    with uow.read() as conn:
        return dict(conn.execute(select(lists.c.id, lists.c.label)).all())
