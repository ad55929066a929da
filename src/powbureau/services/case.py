"""The whole case of one person, as one reader may see it: identity, documents, custody, interviews, wishes,
health, exchanges, notifications, capture card, persons judged the same and the audit trail.

Each part comes only when ``domain.roles.require`` lets the reader have it, and every query is bounded to the
person (his statements, his interviews, his exchange memberships, his audit entries), never the whole registry."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, or_, select

from ..domain import interview as interview_rules
from ..domain import provenance as prov
from ..domain.errors import PermissionDenied
from ..domain.countries import country_name
from ..domain.documents import DOCUMENT_TYPES
from ..domain.messages import Msg
from ..domain.roles import Actor, require
from ..store import custody_repo as crepo
from ..store.tables import audit_log, judgements, lists
from ..store.tables_custody import (
    custody_events,
    exchange_members,
    exchange_withdrawals,
    exchanges,
    interviews,
)
from ..store.uow import UnitOfWork
from . import custody, disclosure, exchanges as exchange_service, notify, registry
from .custody import names_of

#: The most audit entries, interviews and exchange memberships one person page shows (newest first).
PAGE_LIMIT = 100
#: Custody events that are health facts (shown with the health box, to medical roles only).
MEDICAL_EVENTS = frozenset({"seriously_ill", "recovered"})


def may(actor: Actor, action: str) -> bool:
    """True when ``domain.roles.require`` lets ``actor`` perform ``action`` (the one role check, asked)."""
    try:
        require(actor, action)
    except PermissionDenied:
        return False
    return True


_WEB_PREFIX = "registered on the web by "  # web/registry_web.py's source_ref of a web registration


def readable_provenance(conn: Connection, actor: Actor, stmts: Iterable[dict]) -> dict[str, str]:
    """statement id → its provenance as a person reads it (``domain.provenance``): the list, its file, the row,
    who imported it and when; the interview, its date and its interpreter (an interview ``actor`` may not read
    is only "an interview (restricted)"); the document's title. Other references are kept as written."""
    stmts = list(stmts)
    list_ids = {r[0] for s in stmts if (r := prov.list_ref(s["source_ref"]))}
    iv_ids = {s["interview_id"] for s in stmts if s.get("interview_id")}
    doc_ids = {d for s in stmts if (d := prov.document_ref(s["source_ref"]))}
    ls = {r["id"]: r for r in conn.execute(select(lists).where(lists.c.id.in_(list(list_ids)))).mappings()} \
        if list_ids else {}
    ivs = {r["id"]: crepo.to_interview(r) for r in conn.execute(
        select(interviews).where(interviews.c.id.in_(list(iv_ids)))).mappings()} if iv_ids else {}
    titles: dict[str, Msg] = {}
    if doc_ids:
        from ..store import documents_repo as drepo

        for did in doc_ids:
            d = drepo.get_document(conn, did)
            if d is not None:
                titles[did] = Msg("{doc_type} {number} ({country})", doc_type=Msg(DOCUMENT_TYPES[d.doc_type]),
                                  number=d.number, country=country_name(d.issuing_state))
    out: dict[str, str] = {}
    for s in stmts:
        text = s["source_ref"]
        if (ref := prov.list_ref(s["source_ref"])) and ref[0] in ls:
            row = ls[ref[0]]
            text = prov.describe_list(row["label"], row["filename"], ref[1], row["imported_by"], row["imported_at"])
        elif (did := prov.document_ref(s["source_ref"])) and did in titles:
            text = titles[did]
        elif isinstance(text, str) and text.startswith(_WEB_PREFIX):
            text = Msg("registered on the web by {user}", user=text[len(_WEB_PREFIX):])
        if s.get("interview_id") and s["interview_id"] in ivs:
            iv = ivs[s["interview_id"]]
            said = (prov.describe_interview(iv.purpose, iv.when, iv.interpreter, iv.interpreter_supplied_by)
                    if interview_rules.may_read(actor, iv.purpose) else Msg("an interview (restricted)"))
            text = said if text == s["source_ref"] or not text else Msg("{interview}; {source}", interview=said,
                                                                         source=text)
        out[s["id"]] = text
    return out


def _exchanges_of(conn: Connection, actor: Actor, person_id: str) -> list[dict]:
    """The exchanges ``person_id`` is or was listed on (side, state, counterpart, withdrawal), newest first."""
    q = (select(exchange_members.c.id, exchange_members.c.exchange_id, exchange_members.c.side,
                exchange_members.c.added_at, exchanges.c.counterpart, exchanges.c.state,
                exchange_withdrawals.c.reason, exchange_withdrawals.c.withdrawn_at)
         .join(exchanges, exchanges.c.id == exchange_members.c.exchange_id)
         .outerjoin(exchange_withdrawals, exchange_withdrawals.c.member_id == exchange_members.c.id)
         .where(exchange_members.c.person_id == person_id)
         .order_by(exchange_members.c.id.desc()).limit(PAGE_LIMIT))
    out = []
    for r in conn.execute(q).mappings():
        reason = r["reason"]
        if reason is not None:
            reason = disclosure.withdrawal_reason(actor, reason)
        out.append({"exchange_id": r["exchange_id"], "side": r["side"], "counterpart": r["counterpart"],
                    "state": r["state"], "added_at": crepo.utc(r["added_at"]).isoformat(),
                    "withdrawn": r["withdrawn_at"] is not None, "reason": reason})
    return out


def _same_as(conn: Connection, person_id: str) -> list[dict]:
    """Persons judged the same as ``person_id`` (accepted links, ``custody_repo.same_person``) with the latest
    decision on each pair that touches him or them: who, when, why."""
    cluster = crepo.same_person(conn, [person_id])[person_id]
    others = sorted(p for p in cluster - {person_id} if not p.startswith("list:"))  # list rows are not persons
    if not others:
        return []
    members = list(cluster)
    rows = conn.execute(select(judgements).where(or_(judgements.c.left_id.in_(members),
                                                     judgements.c.right_id.in_(members)))
                        .order_by(judgements.c.id)).mappings().all()
    latest: dict[frozenset, dict] = {}
    for r in rows:
        latest[frozenset((r["left_id"], r["right_id"]))] = dict(r)
    nm = names_of(conn, others)
    out = []
    for pid in others:
        d = latest.get(frozenset((person_id, pid))) or next(
            (v for k, v in latest.items() if pid in k and v["judgement"] == "match"), None)
        out.append({"person_id": pid, "name": nm.get(pid), "judgement": d["judgement"] if d else "match",
                    "actor": d["actor"] if d else "", "reason": d["reason"] if d else "",
                    "decided_at": crepo.utc(d["decided_at"]).isoformat() if d else ""})
    return out


def _audit_trail(conn: Connection, person_id: str) -> list[dict]:
    """The newest ``PAGE_LIMIT`` audit entries whose target is ``person_id``."""
    q = (select(audit_log.c.seq, audit_log.c.at, audit_log.c.actor, audit_log.c.action, audit_log.c.detail)
         .where(audit_log.c.target == person_id).order_by(audit_log.c.seq.desc()).limit(PAGE_LIMIT))
    out = []
    for r in conn.execute(q).mappings():
        try:
            detail = json.loads(r["detail"])
        except ValueError:
            detail = r["detail"]
        out.append({"seq": r["seq"], "at": crepo.utc(r["at"]).isoformat(), "actor": r["actor"],
                    "action": r["action"], "detail": detail})
    return out


def _custody_events(conn: Connection, person_id: str, medical: bool) -> list[dict]:
    """Recorded custody events of ``person_id`` (enquiries, hospital events), oldest first; the health events
    (seriously ill, recovered) only when ``medical``."""
    q = select(custody_events).where(custody_events.c.person_id == person_id).order_by(custody_events.c.id)
    return [{"kind": r["kind"], "on": r["occurred_on"].isoformat(), "place": r["place"],
             "recorded_by": r["recorded_by"]}
            for r in conn.execute(q).mappings() if medical or r["kind"] not in MEDICAL_EVENTS]


def person_case(uow: UnitOfWork, actor: Actor, person_id: str) -> dict:
    """The whole case of ``person_id`` for ``actor``: ``person`` (``registry.show``: resolved view, conflicts,
    statements, status history, documents), ``provenance`` (statement id → readable text), ``names`` (grouped,
    ``domain.provenance.group_names``), ``rows`` (statements grouped for the table), and one key per part, None
    when the role may not see it: ``interviews`` (``interview.read``, purposes by ``interview.may_read``),
    ``wishes`` (``wish.read``), ``eligibility`` (``exchange.read`` without ``wish.read``: eligible or not, never
    the wish), ``health`` (``medical.read``; the read is audited), ``exchanges`` (``exchange.read``),
    ``notifications`` (``notify.read``: due and sent), ``card`` (``notify.read``, detainees), ``same_as`` and
    ``audit`` (``audit.read``). Raises ``NotFound``, ``PermissionDenied`` (``person.read``)."""
    view = registry.show(uow, actor, person_id)
    detainee = view.kind == "detainee"
    medical = may(actor, "medical.read")
    with uow.read() as conn:
        provenance = readable_provenance(conn, actor, view.statements)
        events = _custody_events(conn, person_id, medical)
        exch = _exchanges_of(conn, actor, person_id) if may(actor, "exchange.read") else None
        same_as = _same_as(conn, person_id)
        trail = _audit_trail(conn, person_id) if may(actor, "audit.read") else None
    case: dict = {
        "person": view, "provenance": provenance,
        "names": prov.group_names(view.statements, provenance),
        "rows": prov.group_statements(view.statements, provenance),
        "custody_events": events, "exchanges": exch, "same_as": same_as, "audit": trail,
        "interviews": None, "wishes": None, "eligibility": None, "health": None, "notifications": None,
        "card": None,
    }
    if may(actor, "interview.read"):
        case["interviews"] = custody.list_interviews(uow, actor, person_id, limit=PAGE_LIMIT)
    if detainee and may(actor, "wish.read"):
        case["wishes"] = custody.wishes_of(uow, actor, person_id)
    elif detainee and may(actor, "exchange.read") and view.status not in custody.FINAL_STATUSES:
        rows = exchange_service.eligibility(uow, actor, [person_id])  # redacted for this reader
        case["eligibility"] = rows[0] if rows else None
    if medical:
        case["health"] = custody.medical_of(uow, actor, person_id)
    if may(actor, "notify.read"):
        case["notifications"] = {"due": notify.due(uow, actor, person_id=person_id),
                                 "sent": notify.sent(uow, actor, [person_id])}
        if detainee:
            case["card"] = f"/persons/{person_id}/capture-card.pdf"
    return case
