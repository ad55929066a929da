"""The home page of a signed-in worker: what his role must do now, and three charts of the bureau's work.

Each panel is there only for a role that may open its list (``domain.roles.PERMISSIONS``); every count is one
SQL aggregate (no per-person loop), so the page stays fast at 200,000 persons. Weeks start on Monday (UTC)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Date, and_, case, cast, func, not_, select
from sqlalchemy.sql.elements import ColumnElement

from ..domain.messages import Msg
from ..domain.roles import Actor, require
from ..store.tables import candidate_pairs, judgements, lists, persons, status_events
from ..store.tables_custody import (
    exchange_executions,
    exchanges,
    notifications_sent,
    wish_verifications,
    wishes,
)
from ..store.uow import UnitOfWork
from . import notify

WEEKS = 12  # weeks shown in each chart
OPEN_EXCHANGE_STATES = ("draft", "proposed", "agreed")
CARD_DAYS = 7  # GC III Art. 70: a capture card within one week


@dataclass
class Chart:
    """One chart's data: ``weeks`` (Monday ISO dates, oldest first), ``series`` name -> one count per week."""

    title: str
    weeks: list[str]
    series: dict[str, list[int]]
    link: str
    note: str = ""


@dataclass
class Home:
    """What the home page shows to one actor; a part is None when his role may not see it."""

    role: str
    due: dict | None = None  # {"overdue": n, "due": n, "next": [first due items with deadlines]}
    enquiries: dict | None = None  # replies owed to enquiries, same shape; items carry ``enquiry_id``
    review_pending: int | None = None
    open_exchanges: list[dict] | None = None
    wishes_unverified: int | None = None
    imports: list[dict] | None = None
    charts: list[Chart] = field(default_factory=list)


def _weeks(today: date) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]


def week_of(conn: Connection, col: ColumnElement) -> ColumnElement:
    """SQL for the Monday (ISO ``YYYY-MM-DD`` text) of the week holding the date or timestamp ``col``."""
    if conn.dialect.name == "sqlite":
        return func.date(col, "weekday 0", "-6 days")
    return func.to_char(func.date_trunc("week", col), "YYYY-MM-DD")


def _days_between(conn: Connection, later: ColumnElement, earlier: ColumnElement) -> ColumnElement:
    if conn.dialect.name == "sqlite":
        return func.julianday(func.date(later)) - func.julianday(func.date(earlier))
    return cast(later, Date) - cast(earlier, Date)


def _series(weeks: list[date], rows: list[tuple[str, str, int]], names: list[str]) -> dict[str, list[int]]:
    index = {w.isoformat(): i for i, w in enumerate(weeks)}
    out = {n: [0] * len(weeks) for n in names}
    for week, name, n in rows:
        if week in index:
            out.setdefault(name, [0] * len(weeks))[index[week]] += int(n)
    return {k: v for k, v in out.items() if k in names or any(v)}


# ----- what to do now -------------------------------------------------------------------------------------------
def review_pending(conn: Connection) -> int:
    """Pairs in the review queue still waiting for a human (never judged, or judged only "unsure")."""
    latest = (select(judgements.c.left_id, judgements.c.right_id, func.max(judgements.c.id).label("jid"))
              .group_by(judgements.c.left_id, judgements.c.right_id).subquery())
    decided = (select(func.count()).select_from(candidate_pairs)
               .join(latest, and_(latest.c.left_id == candidate_pairs.c.left_id,
                                  latest.c.right_id == candidate_pairs.c.right_id))
               .join(judgements, judgements.c.id == latest.c.jid)
               .where(judgements.c.judgement != "unsure"))
    total = conn.execute(select(func.count()).select_from(candidate_pairs)).scalar_one()
    return int(total - conn.execute(decided).scalar_one())


def open_exchanges(conn: Connection) -> list[dict]:
    """Exchanges not yet executed, closed or cancelled, newest first, with their state."""
    q = (select(exchanges.c.id, exchanges.c.counterpart, exchanges.c.state)
         .where(exchanges.c.state.in_(OPEN_EXCHANGE_STATES)).order_by(exchanges.c.created_at.desc()).limit(20))
    return [dict(r) for r in conn.execute(q).mappings()]


def wishes_unverified(conn: Connection) -> int:
    """Detainees whose latest wish (by the bureau's recording order) is not yet verified by a delegate."""
    later = wishes.alias("later")
    newer = select(later.c.id).where(later.c.person_id == wishes.c.person_id, (later.c.recorded_at > wishes.c.recorded_at)
                                     | and_(later.c.recorded_at == wishes.c.recorded_at, later.c.id > wishes.c.id))
    verified = select(wish_verifications.c.wish_id).where(wish_verifications.c.wish_id == wishes.c.id)
    q = (select(func.count(func.distinct(wishes.c.person_id))).select_from(wishes)
         .join(persons, persons.c.id == wishes.c.person_id)
         .where(persons.c.kind == "detainee", not_(newer.exists()), not_(verified.exists())))
    return int(conn.execute(q).scalar_one())


def recent_imports(conn: Connection, n: int = 5) -> list[dict]:
    """The ``n`` latest imported lists: label, file, kind, rows, who and when."""
    q = select(lists).order_by(lists.c.imported_at.desc()).limit(n)
    return [{"id": r["id"], "label": r["label"], "filename": r["filename"], "kind": r["kind"], "rows": r["row_count"],
             "imported_by": r["imported_by"], "imported_at": r["imported_at"].strftime("%d %b %Y %H:%M")}
            for r in conn.execute(q).mappings()]


# ----- charts ---------------------------------------------------------------------------------------------------
def registrations_chart(conn: Connection, today: date) -> Chart:
    """Persons registered per week, split by their current status (one GROUP BY)."""
    weeks = _weeks(today)
    wk = week_of(conn, persons.c.created_at)
    start = datetime.combine(weeks[0], datetime.min.time(), UTC)
    rows = conn.execute(select(wk, persons.c.status, func.count()).where(persons.c.created_at >= start)
                        .group_by(wk, persons.c.status)).all()
    statuses = sorted({r[1] for r in rows})
    return Chart(Msg("Registrations per week, by current status"), [w.isoformat() for w in weeks],
                 _series(weeks, [(r[0], r[1], r[2]) for r in rows], statuses), "/search")


def notifications_chart(conn: Connection, today: date) -> Chart:
    """Capture cards sent per week, on time (within a week of the arrival, transfer or hospital admission that
    made them due; GC III Art. 70) or late. One GROUP BY joining each sent card to its status event."""
    weeks = _weeks(today)
    ev_id = cast(func.substr(notifications_sent.c.event_ref, len("status:") + 1), status_events.c.id.type)
    late = _days_between(conn, notifications_sent.c.sent_on, status_events.c.at) > CARD_DAYS
    verdict = case((late, "late"), else_="on time")
    wk = week_of(conn, notifications_sent.c.sent_on)
    q = (select(wk, verdict, func.count()).select_from(notifications_sent)
         .join(status_events, status_events.c.id == ev_id)
         .where(notifications_sent.c.kind == "capture_card", notifications_sent.c.event_ref.like("status:%"),
                notifications_sent.c.sent_on >= weeks[0])
         .group_by(wk, verdict))
    rows = conn.execute(q).all()
    return Chart(Msg("Capture cards sent per week: on time vs late (GC III Art. 70, one week)"),
                 [w.isoformat() for w in weeks], _series(weeks, [(r[0], r[1], r[2]) for r in rows],
                                                         ["on time", "late"]), "/notifications")


def exchanges_chart(conn: Connection, today: date) -> Chart:
    """Persons who crossed per week of execution: handed over (out) and received (in). Executions are few (one
    row per executed exchange), so their records are read whole."""
    weeks = _weeks(today)
    start = datetime.combine(weeks[0], datetime.min.time(), UTC)
    rows = []
    for r in conn.execute(select(exchange_executions.c.recorded_at, exchange_executions.c.record)
                          .where(exchange_executions.c.recorded_at >= start)).mappings():
        at = r["recorded_at"].date()
        wk = (at - timedelta(days=at.weekday())).isoformat()
        rec = json.loads(r["record"])
        rows.append((wk, "out", len(rec.get("crossed_outgoing", []))))
        rows.append((wk, "in", len(rec.get("arrived_incoming", [])) + len(rec.get("unknown_arrivals", []))))
    return Chart(Msg("Exchanges: persons handed over (out) and received (in) per week"), [w.isoformat() for w in weeks],
                 _series(weeks, rows, ["out", "in"]), "/exchanges")


# ----- the use case ---------------------------------------------------------------------------------------------
PANELS = {"due": "notify.read", "enquiries": "enquiry.read", "review": "review.read", "exchanges": "exchange.read",
          "wishes": "wish.verify", "imports": "person.read"}


def home(uow: UnitOfWork, actor: Actor, today: date | None = None) -> Home:
    """The home page of ``actor``: overdue and due notifications with deadlines (``notify.read``), replies owed
    to enquiries not yet answered (``enquiry.read``; GC III Art. 122(7)), the review
    queue size (``review.read``), open exchanges and their state (``exchange.read``), wishes awaiting
    verification as a count only, never their kinds (``wish.verify``: the delegate), recent imports, and the charts
    of the lists his role may open. Raises ``PermissionDenied`` unless he may ``person.read``."""
    require(actor, "person.read")
    today = today or datetime.now(UTC).date()
    may = {k: actor.can(action) for k, action in PANELS.items()}
    h = Home(role=actor.role)
    if may["due"]:
        h.due = notify.due_summary(uow, actor, today)
    if may["enquiries"]:
        h.enquiries = notify.enquiry_summary(uow, actor, today)
    with uow.read() as conn:
        if may["review"]:
            h.review_pending = review_pending(conn)
        if may["exchanges"]:
            h.open_exchanges = open_exchanges(conn)
        if may["wishes"]:
            h.wishes_unverified = wishes_unverified(conn)
        h.imports = recent_imports(conn)
        h.charts.append(registrations_chart(conn, today))
        if may["due"]:
            h.charts.append(notifications_chart(conn, today))
        if may["exchanges"]:
            h.charts.append(exchanges_chart(conn, today))
    return h


__all__ = ["Chart", "Home", "home", "week_of"]


def audit_overview(uow: UnitOfWork, actor: Actor, *, limit: int = 50) -> dict:
    """The audit page (``audit.read``): the chain verified end to end (``AuditChainBroken`` is reported, not
    raised) and the ``limit`` latest entries, newest first: seq, time (a datetime), actor, action, target, and
    ``about``: the person, list, exchange or enquiry the target names (``services.audit_view.describe_targets``)."""
    from ..domain.errors import AuditChainBroken
    from ..store import audit
    from ..store.tables import audit_log
    from .audit_view import describe_targets

    require(actor, "audit.read")
    with uow.read() as conn:
        try:
            report = audit.verify(conn)
            chain = {"ok": True, "entries": report.entries, "head": report.head}
        except AuditChainBroken as exc:
            chain = {"ok": False, "message": exc.message}
        rows = conn.execute(select(audit_log.c.seq, audit_log.c.at, audit_log.c.actor, audit_log.c.action,
                                   audit_log.c.target).order_by(audit_log.c.seq.desc()).limit(limit)).mappings()
        entries = [dict(r) for r in rows]
        about = describe_targets(conn, (e["target"] for e in entries))  # names and links for the raw ids
    for e in entries:
        e["about"] = about.get(e["target"])
    return {"chain": chain, "entries": entries}
