"""Exchange use cases: create, list persons both ways, propose/agree/execute/close, reconcile planned vs actual.

Each function loads the ``Exchange`` aggregate, applies one verb (which refuses per the domain's never-rules),
writes the change, the status changes it implies and its audit entry in one transaction (GC III Art. 109-110)."""

from __future__ import annotations

from ..domain.messages import Msg
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from ..domain.errors import NotFound, NotOnList, RefoulementRefused, ValidationFailed
from ..domain.exchange import Eligibility, Exchange, ExecutionRecord, Substitution, UnknownArrival, assess
from ..domain.lifecycle import StatusEvent, check_transition, require_consent
from ..domain.person import new_id
from ..domain.roles import Actor, require
from ..linkage import LinkSettings, reconcile as engine_reconcile
from ..store import audit, covered, custody_repo as crepo, repositories as repo
from ..store.tables import list_rows, persons
from ..store.tables_custody import exchange_events, exchanges, negotiator_notices
from ..store.uow import UnitOfWork
from . import disclosure, paging
from .custody import FINAL_STATUSES, names_of
from .linkage import _record, registry_records

VERBS = ("propose", "reopen", "agree", "close", "cancel")


def _now() -> datetime:
    return datetime.now(UTC)


def _plain(exc: RefoulementRefused, conn: Connection) -> RefoulementRefused:
    """The same refusal naming each person by name and id, with JSON-ready details (the eligibility
    explanations) for the API's error body."""
    d = exc.details
    items = [e for e in (d if isinstance(d, list) else [d]) if isinstance(e, Eligibility)]
    nm = names_of(conn, [e.person_id for e in items])
    message = exc.message
    if isinstance(message, Msg):  # name the person in the parameter, so the sentence stays translatable
        message = Msg(message.msgid, **{k: f"{nm[v]} ({v})" if isinstance(v, str) and v in nm else v
                                        for k, v in message.params.items()})
    else:
        for pid, name in nm.items():
            message = message.replace(pid, f"{name} ({pid})", 1)
    details = [{"person_id": e.person_id, "name": nm.get(e.person_id), **_eligibility_view(e)} for e in items]
    return type(exc)(message, details=details or None)


def _linked(conn: Connection, person_ids: Iterable[str]) -> set[str]:
    """``person_ids`` and every record accepted as the same person (whose wishes count for consent)."""
    clusters = crepo.same_person(conn, list(person_ids))
    return {m for c in clusters.values() for m in c}


def _load(conn: Connection, exchange_id: str) -> Exchange:
    ex = crepo.load_exchange(conn, exchange_id)
    if ex is None:
        raise NotFound(Msg("no exchange {exchange_id!r}; `powbureau exchange list` shows the exchanges", exchange_id=exchange_id))
    return ex


def _context(conn: Connection, ex: Exchange, extra: Iterable[str] = ()) -> tuple[dict, dict]:
    ids = [e.person_id for e in ex.outgoing] + list(extra)
    wishes = crepo.wishes_by_person(conn, ids)
    medical = {pid: crepo.to_medical(r) for pid, r in crepo.latest_medical(conn, ids).items()}
    return wishes, medical


# ----- views ----------------------------------------------------------------------------------------------------
def _eligibility_view(e) -> dict:  # noqa: ANN001
    return {"eligible": e.eligible, "medical_priority": e.medical_priority, "counts_in_balance": e.counts_in_balance,
            "checks": [{"code": c.code, "passed": c.passed, "text": c.text, "rule": c.rule} for c in e.checks]}


def exchange_view(conn: Connection, ex: Exchange) -> dict:
    """Plain data of an exchange for bureau staff: lists with eligibility, balance, withdrawals, notices,
    history and, once executed, the reconciliation. Internal: never sent to the counterpart."""
    members = crepo.active_members(conn, ex.id)
    notes = {m["row_id"]: m["match_note"] for m in members if m["side"] == "incoming"}
    ids = [e.person_id for e in ex.outgoing] + [e.person_id for e in ex.incoming if e.person_id]
    ids += [w.person_id for w in ex.withdrawals]
    nm = names_of(conn, ids)
    bal = ex.balance()
    events = conn.execute(select(exchange_events).where(exchange_events.c.exchange_id == ex.id)
                          .order_by(exchange_events.c.id)).mappings().all()
    notices = conn.execute(select(negotiator_notices).where(negotiator_notices.c.exchange_id == ex.id)
                           .order_by(negotiator_notices.c.id)).mappings().all()
    rc = ex.reconciliation
    return {
        "id": ex.id, "counterpart": ex.counterpart, "state": ex.state, "cancel_reason": ex.cancel_reason,
        "outgoing": [{"person_id": e.person_id, "name": nm.get(e.person_id), **_eligibility_view(e.eligibility)}
                     for e in ex.outgoing],
        "incoming": [{"row_id": e.row_id, "list_id": e.list_id, "person_id": e.person_id,
                      "name": nm.get(e.person_id) if e.person_id else None, "matched": e.matched,
                      "medical_priority": e.medical_priority, "match_note": notes.get(e.row_id, "")}
                     for e in ex.incoming],
        "balance": {"outgoing_counted": bal.outgoing_counted, "incoming_counted": bal.incoming_counted,
                    "outgoing_medical": bal.outgoing_medical, "incoming_medical": bal.incoming_medical,
                    "difference": bal.difference},
        "withdrawals": [{"person_id": w.person_id, "name": nm.get(w.person_id), "state": w.state, "reason": w.reason}
                        for w in ex.withdrawals],
        "notices": [{"person_id": n["person_id"], "state": n["state"], "message": n["message"],
                     "at": crepo.utc(n["created_at"]).isoformat()} for n in notices],
        "history": [{"from": e["from_state"], "to": e["to_state"], "actor": e["actor"],
                     "at": crepo.utc(e["at"]).isoformat(), "note": e["note"]} for e in events],
        "reconciliation": None if rc is None else {
            "counts": rc.counts(),
            "lines": [{"side": x.side, "outcome": x.outcome, "person_id": x.person_id,
                       "name": nm.get(x.person_id) if x.person_id else None, "row_id": x.row_id, "note": x.note}
                      for x in rc.lines],
            "status_changes": [list(c) for c in rc.status_changes],
        },
    }


@disclosure.redacted(disclosure.exchange)
def create(uow: UnitOfWork, actor: Actor, counterpart: str) -> dict:
    """A new exchange (draft) with ``counterpart``; ``exchange.write``. Raises ``ValidationFailed`` for no name."""
    require(actor, "exchange.write")
    if not counterpart.strip():
        raise ValidationFailed(Msg("name the counterpart (the Power holding our own personnel), e.g. RU"))
    if len(counterpart.strip()) > 200:
        raise ValidationFailed(Msg("the counterpart's name is limited to 200 characters; shorten it"))
    ex = Exchange(new_id(), counterpart.strip())
    with uow.transaction() as conn:
        crepo.insert_exchange(conn, ex, actor, _now())
        audit.append(conn, actor=actor.name, action="exchange.create", target=ex.id,
                     detail={"counterpart": ex.counterpart})
        return exchange_view(conn, ex)


@disclosure.redacted(disclosure.exchange)
def show(uow: UnitOfWork, actor: Actor, exchange_id: str) -> dict:
    """The exchange as bureau staff see it (``exchange.read``). Raises ``NotFound``."""
    require(actor, "exchange.read")
    with uow.read() as conn:
        return exchange_view(conn, _load(conn, exchange_id))


def list_exchanges(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """Every exchange, newest first: id, counterpart, state, list sizes."""
    require(actor, "exchange.read")
    with uow.read() as conn:
        rows = conn.execute(select(exchanges).order_by(exchanges.c.created_at.desc())).mappings().all()
        out = []
        for r in rows:
            members = crepo.active_members(conn, r["id"])
            out.append({"id": r["id"], "counterpart": r["counterpart"], "state": r["state"],
                        "outgoing": sum(m["side"] == "outgoing" for m in members),
                        "incoming": sum(m["side"] == "incoming" for m in members),
                        "created_at": crepo.utc(r["created_at"]).isoformat()})
    return out


@disclosure.redacted(disclosure.eligibility_rows)
def eligibility(uow: UnitOfWork, actor: Actor, person_ids: Iterable[str] | None = None, *,
                limit: int | None = None, offset: int = 0) -> list[dict]:
    """The eligibility of detainees in custody (all, or ``person_ids``) for an outgoing list, each explained
    rule by rule (consent, verification, medical priority). Internal to the bureau (``exchange.read``).
    With ``limit``: one ``paging.Page`` (those with a wish first, then in registration order) cut by the
    database, with its total; ``ValidationFailed`` for a limit outside 1..1000 or a negative offset."""
    require(actor, "exchange.read")
    with uow.read() as conn:
        q = select(persons.c.id, persons.c.status).where(persons.c.kind == "detainee")
        if person_ids is not None:
            wanted = list(person_ids)
            q = q.where(persons.c.id.in_(wanted))
            found = {r[0] for r in conn.execute(q)}
            missing = [p for p in wanted if p not in found]
            if missing:
                raise NotFound(Msg("no detainee with id {items}", items=', '.join(missing)))
        q = q.where(persons.c.status.notin_(FINAL_STATUSES))
        rows, total = paging.rows(conn, q, limit=limit, offset=offset, order=paging.wish_first(persons.c.id))
        ids = [pid for pid, _ in rows]
        wishes = crepo.wishes_by_person(conn, ids)
        medical = {pid: crepo.to_medical(r) for pid, r in crepo.latest_medical(conn, ids).items()}
        nm = names_of(conn, ids)
    out = [{"person_id": pid, "name": nm[pid], "status": st,
            **_eligibility_view(assess(pid, wishes[pid], medical.get(pid)))} for pid, st in rows]
    if limit is not None:
        return paging.page(out, total, limit=limit, offset=offset)
    return sorted(out, key=lambda x: (not x["eligible"], x["name"]))


# ----- lists ----------------------------------------------------------------------------------------------------
@disclosure.redacted(disclosure.exchange)
def add_outgoing(uow: UnitOfWork, actor: Actor, exchange_id: str, person_id: str) -> dict:
    """List detainee ``person_id`` for handover. Refuses, changing nothing: ``RefoulementRefused`` unless his
    latest wish is a verified return (GC III Art. 109(3)) — for every role; ``NotFound``; ``ValidationFailed``
    (not a detainee in custody); ``Conflict``; ``IllegalTransition`` (after agreement)."""
    require(actor, "exchange.write")
    with uow.transaction() as conn:
        ex = _load(conn, exchange_id)
        p = repo.get_person(conn, person_id)
        if p is None:
            raise NotFound(Msg("no person with id {person_id!r}; find the id with `powbureau search NAME`", person_id=person_id))
        if p["kind"] != "detainee" or p["status"] in FINAL_STATUSES:
            raise ValidationFailed(Msg("{person_id} is not a detainee in our custody ({kind}, {status}); only detainees we hold go on an outgoing list", person_id=person_id, kind=p['kind'], status=p['status']))
        wishes, medical = _context(conn, ex, [person_id])
        try:
            verdict = ex.add_outgoing(person_id, wishes[person_id], medical.get(person_id))
        except RefoulementRefused as exc:
            raise _plain(exc, conn) from None
        entry = next(e for e in ex.outgoing if e.person_id == person_id)
        crepo.add_member(conn, ex.id, actor, _now(), outgoing=entry)
        audit.append(conn, actor=actor.name, action="exchange.add_outgoing", target=ex.id,
                     detail={"person": person_id, "medical_priority": verdict.medical_priority})
        return exchange_view(conn, ex)


@disclosure.redacted(disclosure.exchange)
def remove_outgoing(uow: UnitOfWork, actor: Actor, exchange_id: str, person_id: str, reason: str) -> dict:
    """Take ``person_id`` off the outgoing list with a ``reason``. Raises ``NotOnList``, ``IllegalTransition``,
    ``ValidationFailed`` (no reason)."""
    require(actor, "exchange.write")
    if not reason.strip():
        raise ValidationFailed(Msg("say why the person is withdrawn from the list"))
    with uow.transaction() as conn:
        ex = _load(conn, exchange_id)
        w = ex.remove_outgoing(person_id, reason.strip())
        crepo.withdraw_member(conn, ex.id, w, actor, _now())
        audit.append(conn, actor=actor.name, action="exchange.remove_outgoing", target=ex.id,
                     detail={"person": person_id})
        return exchange_view(conn, ex)


def _match_rows(conn: Connection, list_id: str, rows: list[dict]) -> dict[str, tuple[str | None, str]]:
    """row external id → (own personnel id or None, note), by the linkage reconcile (matched rows only)."""
    recs, keys = [], {}
    for r in rows:
        rec = _record(f"{list_id}#{r['line']}", [(v[0], v[1], bool(v[4])) for v in json.loads(r["data"])], "list")
        if rec is None:
            raise ValidationFailed(Msg("list {list_id}, row {line}: no name to match; every row needs a name", list_id=list_id, line=r['line']))
        recs.append(rec)
        keys[rec.id] = r["external_id"] or f"row {r['line']}"
    registry, _ = registry_records(conn, "own_personnel")
    out: dict[str, tuple[str | None, str]] = {}
    for x in engine_reconcile(recs, registry, LinkSettings()):
        if x.status == "matched":
            out[keys[x.row_id]] = (x.person_id, Msg("matched (score {score})", score=f"{x.score:.2f}"))
        else:
            out[keys[x.row_id]] = (None, Msg("not yet matched: {status} ({count} candidates)", status=x.status,
                                             count=len(x.candidates)) if x.candidates
                                   else Msg("not yet matched: {status}", status=x.status))
    return out


@disclosure.redacted(disclosure.exchange)
def add_incoming_from_list(uow: UnitOfWork, actor: Actor, exchange_id: str, list_id: str,
                           row_ids: Iterable[str] | None = None, *, medical_priority: Iterable[str] = ()) -> dict:
    """Put rows of counterpart list ``list_id`` (all, or ``row_ids`` by external id) on the incoming list, each
    matched to our own personnel by the linkage reconcile, or left "not yet matched" (match later with
    ``match_incoming``). ``medical_priority`` names rows the counterpart flags as seriously sick or wounded.
    Raises ``NotFound`` (list), ``ValidationFailed`` (not a counterpart list), ``NotOnList`` (unknown row ids),
    ``Conflict`` (row already on the list), ``IllegalTransition`` (after agreement)."""
    require(actor, "exchange.write")
    with uow.transaction() as conn:
        ex = _load(conn, exchange_id)
        lst = repo.get_list(conn, list_id)
        if lst is None:
            raise NotFound(Msg("no list {list_id!r}; import the counterpart's list with --kind counterpart_list", list_id=list_id))
        if lst["kind"] != "counterpart_list":
            raise ValidationFailed(Msg("list {list_id} is a {kind} list; incoming rows come from a counterpart_list", list_id=list_id, kind=lst['kind']))
        rows = [dict(r) for r in conn.execute(select(list_rows).where(list_rows.c.list_id == list_id)
                                              .order_by(list_rows.c.line)).mappings()]
        if row_ids is not None:
            wanted = list(dict.fromkeys(row_ids))
            have = {r["external_id"] for r in rows}
            stray = [x for x in wanted if x not in have]
            if stray:
                raise NotOnList(Msg("list {list_id} has no rows {items}; give external ids from that list", list_id=list_id, items=', '.join(stray)))
            rows = [r for r in rows if r["external_id"] in wanted]
        flagged = set(medical_priority)
        matches = _match_rows(conn, list_id, rows)
        now = _now()
        for r in rows:
            rid = r["external_id"] or f"row {r['line']}"
            pid, note = matches[rid]
            entry = ex.add_incoming(rid, list_id, person_id=pid, medical_priority=rid in flagged)
            crepo.add_member(conn, ex.id, actor, now, incoming=entry, note=note)
        audit.append(conn, actor=actor.name, action="exchange.add_incoming", target=ex.id,
                     detail={"list": list_id, "rows": len(rows),
                             "matched": sum(1 for r in rows if matches[r["external_id"] or f"row {r['line']}"][0])})
        return exchange_view(conn, ex)


@disclosure.redacted(disclosure.exchange)
def match_incoming(uow: UnitOfWork, actor: Actor, exchange_id: str, row_id: str, person_id: str) -> dict:
    """Record that incoming row ``row_id`` is our own personnel ``person_id`` (a human decision).
    Raises ``NotFound``, ``ValidationFailed`` (not own personnel), ``NotOnList``, ``IllegalTransition``."""
    require(actor, "exchange.write")
    with uow.transaction() as conn:
        ex = _load(conn, exchange_id)
        p = repo.get_person(conn, person_id)
        if p is None or p["kind"] != "own_personnel":
            raise ValidationFailed(Msg("{person_id} is not one of our own personnel; incoming rows match own personnel", person_id=person_id))
        ex.match_incoming(row_id, person_id)
        crepo.set_incoming_match(conn, ex.id, row_id, person_id, Msg("matched by {user}", user=actor.name))
        audit.append(conn, actor=actor.name, action="exchange.match_incoming", target=ex.id,
                     detail={"row": row_id, "person": person_id})
        return exchange_view(conn, ex)


# ----- states ---------------------------------------------------------------------------------------------------
@disclosure.redacted(disclosure.exchange)
def transition(uow: UnitOfWork, actor: Actor, exchange_id: str, verb: str, *, reason: str = "") -> dict:
    """Apply ``verb`` (propose, reopen, agree, close, cancel). ``propose`` and ``agree`` re-check every listed
    person first and refuse with ``RefoulementRefused`` naming who is no longer a verified return. Raises
    ``IllegalTransition`` for a move the state machine does not allow, ``ValidationFailed`` for an unknown verb
    or a cancellation without reason."""
    require(actor, "exchange.write")
    if verb not in VERBS:
        raise ValidationFailed(Msg("unknown exchange action {verb!r}; choose one of: {items}", verb=verb, items=', '.join(VERBS)))
    with uow.transaction() as conn:
        ex = _load(conn, exchange_id)
        old = ex.state
        wishes, medical = _context(conn, ex)
        if verb in ("propose", "agree"):  # tamper evidence before the consent check
            covered.check_rows(conn, "wishes", _linked(conn, wishes))
        try:
            if verb == "propose":
                ex.propose(wishes, medical)
            elif verb == "agree":
                ex.agree(wishes, medical)
        except RefoulementRefused as exc:
            raise _plain(exc, conn) from None
        if verb == "reopen":
            ex.reopen()
        elif verb == "close":
            ex.close()
        elif verb == "cancel":
            if not reason.strip():
                raise ValidationFailed(Msg("say why the exchange is cancelled"))
            ex.cancel(reason.strip())
            crepo.set_cancel_reason(conn, ex.id, reason.strip())
        crepo.save_eligibilities(conn, ex)
        crepo.add_state_event(conn, ex.id, old, ex.state, actor, _now(), reason)
        audit.append(conn, actor=actor.name, action=f"exchange.{verb}", target=ex.id,
                     detail={"from": old, "to": ex.state})
        return exchange_view(conn, ex)


@disclosure.redacted(disclosure.exchange)
def execute(uow: UnitOfWork, actor: Actor, exchange_id: str, *, crossed: Iterable[str] = (),
            arrived: Iterable[str] = (), substitutions: Iterable[tuple[str, str | None, str]] = (),
            unknown_arrivals: Iterable[tuple[str, str | None]] = (), place: str = "crossing point") -> dict:
    """Record who actually crossed (agreed → executed), reconcile planned vs actual, and apply the status
    changes (detainees repatriated, own personnel returned) through the life cycle, all in one transaction.

    ``crossed``: detainee ids handed over; ``arrived``: incoming row ids that came; ``substitutions``:
    (planned row id, arrived person id or None, description); ``unknown_arrivals``: (description, person id or
    None). Refuses, changing nothing: ``IllegalTransition`` (not agreed, or a status change the life cycle
    forbids), ``RefoulementRefused`` (a listed person no longer a verified return), ``NotOnList``."""
    require(actor, "exchange.write")
    now = _now()
    record = ExecutionRecord(actor, now, frozenset(crossed), frozenset(arrived),
                             tuple(Substitution(*s) for s in substitutions),
                             tuple(UnknownArrival(*u) for u in unknown_arrivals))
    with uow.transaction() as conn:
        ex = _load(conn, exchange_id)
        old = ex.state
        wishes, medical = _context(conn, ex)
        covered.check_rows(conn, "wishes", _linked(conn, wishes))  # tamper evidence before the consent check
        try:
            result = ex.execute(record, wishes, medical)
        except RefoulementRefused as exc:
            raise _plain(exc, conn) from None
        for status, pid in result.status_changes:
            p = repo.get_person(conn, pid)
            if p is None:
                raise NotFound(Msg("execution record names unknown person {pid!r}", pid=pid))
            rule = check_transition(p["kind"], p["status"], status)
            if p["kind"] == "detainee":  # the same consent gate as a plain status change: every door
                require_consent(pid, status, crepo.wishes_by_person(conn, [pid])[pid])
            eid = repo.add_status_event(conn, StatusEvent(pid, p["status"], status, now, place, actor.name,
                                                          f"exchange {ex.id}"))
            audit.append(conn, actor=actor.name, action="status.change", target=pid,
                         detail={"from": p["status"], "to": status, "place": place, "rule": rule, "exchange": ex.id},
                         covers=[("status_events", eid)])
        crepo.save_eligibilities(conn, ex)
        crepo.save_execution(conn, ex)
        crepo.add_state_event(conn, ex.id, old, ex.state, actor, now, "execution recorded")
        audit.append(conn, actor=actor.name, action="exchange.execute", target=ex.id, detail=result.counts())
        from .enquiry_hooks import after_persons_changed  # families asking about them hear of it (issue 11)

        after_persons_changed(conn, actor.name, [pid for _, pid in result.status_changes],
                              f"exchange {ex.id} executed")
        return exchange_view(conn, ex)


def on_wish_changed(conn: Connection, actor: Actor, person_id: str) -> list[dict]:
    """Never-rule (a), called by the wish services inside their transaction: withdraw ``person_id`` from every
    open exchange where his latest wish is no longer a verified return, leaving a notice for the negotiator.
    Returns the notices (plain data).

    Consent belongs to the person: every record accepted as the same person as ``person_id`` is re-checked too,
    so a wish to remain recorded on one record withdraws his linked duplicate from its exchanges. Also called
    after a same-person judgement (a new link may bring a wish to remain)."""
    out = []
    cluster = crepo.same_person(conn, [person_id])[person_id]
    listed = [(xid, member) for member in sorted(cluster) for xid in crepo.open_exchanges_listing(conn, member)]
    for xid, member in listed:
        ex = _load(conn, xid)
        wishes = crepo.wishes_by_person(conn, [member])[member]
        before = len(ex.withdrawals)
        notice = ex.on_wish_changed(member, wishes)
        if notice is None:
            continue
        now = _now()
        crepo.withdraw_member(conn, xid, ex.withdrawals[before], actor, now)
        conn.execute(insert(negotiator_notices).values(exchange_id=xid, person_id=member, state=notice.state,
                                                       message=notice.message, created_at=now))
        audit.append(conn, actor=actor.name, action="exchange.withdraw_on_wish", target=xid,
                     detail={"person": member, "state": notice.state})
        out.append({"exchange_id": xid, "person_id": member, "state": notice.state, "message": notice.message})
    return out


def for_counterpart(uow: UnitOfWork, actor: Actor, exchange_id: str) -> dict:
    """What may be sent to the counterpart: ids, medical-priority flags and the balance; never a wish or a
    reason (never-rule b)."""
    require(actor, "exchange.read")
    with uow.read() as conn:
        return _load(conn, exchange_id).view_for_counterpart()


def counterpart_lists(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """Imported counterpart lists (id, label, rows), newest first, to pick incoming rows from."""
    require(actor, "exchange.read")
    from ..store.tables import lists

    with uow.read() as conn:
        rows = conn.execute(select(lists).where(lists.c.kind == "counterpart_list")
                            .order_by(lists.c.imported_at.desc())).mappings().all()
    return [{"id": r["id"], "label": r["label"], "rows": r["row_count"], "filename": r["filename"]} for r in rows]
