"""Custody use cases: interviews, the interpreter roster, repatriation wishes and medical decisions.

Each function takes the ``uow`` and an ``actor``, checks the role through ``domain.roles``, runs one transaction
with its audit entry; a later wish withdraws the person from any open exchange and leaves the negotiator a notice."""

from __future__ import annotations

from ..domain.messages import Msg
import json
import os
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import Connection, insert, select

from ..domain import interview as interview_rules
from ..domain import wish as wish_rules
from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..domain.exchange import MedicalDecision
from ..domain.lifecycle import HANDOVER_STATUSES
from ..domain.interview import (
    Interpreter, InterpreterRoster, Interview, check_roster_entry, check_stated_time, interpreter_supplier,
    normalise_language, waiting_for_interpreter,
)
from ..domain.notifications import check_health_box
from ..domain.person import new_id
from ..domain.roles import Actor, require
from ..store import audit, custody_repo as crepo, repositories as repo
from ..store.tables import persons, retractions, statements
from ..store.tables_custody import custody_events, interpreters, medical_decisions, negotiator_notices, wishes
from ..store.uow import UnitOfWork
from ..names import name_keys, normalize
from ..names.latin import latinize
from . import disclosure, paging

FINAL_STATUSES = frozenset({"repatriated", "released", "transferred_to_power", "deceased", "returned"})
#: Languages the bureau's own staff speak (no interpreter needed); ``POWBUREAU_STAFF_LANGUAGES`` overrides.
DEFAULT_STAFF_LANGUAGES = ("uk", "ru", "en")


def _now() -> datetime:
    return datetime.now(UTC)


def _person(conn: Connection, person_id: str) -> dict:
    p = repo.get_person(conn, person_id)
    if p is None:
        raise NotFound(Msg("no person with id {person_id!r}; find the id with `powbureau search NAME`", person_id=person_id))
    return dict(p)


def person_values(conn: Connection, person_ids: Iterable[str], props: Iterable[str]) -> dict[str, dict[str, list]]:
    """person_id → prop → active (not retracted) values, oldest first. For names and languages only."""
    ids, wanted = list(dict.fromkeys(person_ids)), list(props)
    out: dict[str, dict[str, list]] = {i: {} for i in ids}
    for k in range(0, len(ids), 500):
        q = (
            select(statements.c.person_id, statements.c.prop, statements.c.value, statements.c.source_kind)
            .outerjoin(retractions, retractions.c.statement_id == statements.c.id)
            .where(statements.c.person_id.in_(ids[k : k + 500]), statements.c.prop.in_(wanted),
                   retractions.c.statement_id.is_(None))
            .order_by(statements.c.recorded_at)
        )
        for pid, prop, value, sk in conn.execute(q):
            out[pid].setdefault(prop, []).append((value, sk))
    return out


def display_name(values: dict[str, list]) -> str:
    """The name staff see in lists: the self-declared full name first (what the person calls himself)."""
    full = values.get("name_full", [])
    own = [v for v, sk in full if sk == "self_declared"]
    if own or full:
        return (own or [v for v, _ in full])[0]
    parts = [values[p][0][0] for p in ("surname", "given_name") if values.get(p)]
    return " ".join(parts) or "(no name)"


def names_of(conn: Connection, person_ids: Iterable[str]) -> dict[str, str]:
    """person_id → display name."""
    vals = person_values(conn, person_ids, ("name_full", "surname", "given_name"))
    return {pid: display_name(v) for pid, v in vals.items()}


# ----- interviews -----------------------------------------------------------------------------------------------
def interview_view(i: Interview, name: str | None = None) -> dict:
    """Plain data of an interview (for JSON, pages and the CLI)."""
    return {
        "id": i.id, "person_id": i.person_id, "person_name": name, "when": i.when.isoformat(), "where": i.where,
        "purpose": i.purpose, "language": i.language, "interpreter": i.interpreter,
        "interpreter_supplied_by": i.interpreter_supplied_by, "independent_interpreter": i.has_independent_interpreter,
        "conducted_by": i.conducted_by.name, "conducted_role": i.conducted_by.role, "present": list(i.present),
        "without_witnesses": i.is_without_witnesses,
    }


def record_interview(
    uow: UnitOfWork, actor: Actor, person_id: str, *, purpose: str, language: str, where: str,
    when: datetime | None = None, interpreter: str | None = None, supplied_by: str | None = None,
    present: Iterable[str] = (),
) -> dict:
    """Record an interview with ``person_id`` led by ``actor``; returns its view.

    ``when`` defaults to now (UTC-aware). An interpreter on the roster brings his supplier when ``supplied_by``
    is not given. Only an ``icrc_delegate`` holds an ``icrc_private`` interview (GC III Art. 126). Raises
    ``PermissionDenied``, ``NotFound``, ``ValidationFailed`` (unknown purpose, naive time, interpreter without
    supplier, empty place)."""
    require(actor, "interview.write")
    interview_rules.check_conductor(purpose, actor)
    if not where.strip():
        raise ValidationFailed(Msg("an interview needs the place where it was held (camp, hospital, room)"))
    now = _now()
    when = check_stated_time(when, now) if when is not None else now
    with uow.transaction() as conn:
        _person(conn, person_id)
        if interpreter and interpreter.strip():
            supplied_by = interpreter_supplier(interpreter, supplied_by, roster_matches(_roster(conn), interpreter))
        iv = Interview(
            id=new_id(), person_id=person_id, when=when, where=where.strip(), purpose=purpose,
            language=language, interpreter=interpreter, interpreter_supplied_by=supplied_by, conducted_by=actor,
            present=tuple(x.strip() for x in present if x and x.strip()),
        )
        conn.execute(insert(crepo.interviews).values(crepo.interview_row(iv, _now())))
        audit.append(conn, actor=actor.name, action="interview.record", target=person_id,
                     detail={"interview": iv.id, "purpose": purpose, "language": iv.language,
                             "interpreter_supplied_by": iv.interpreter_supplied_by}, covers=[("interviews", iv.id)])
        return interview_view(iv, names_of(conn, [person_id])[person_id])


def list_interviews(uow: UnitOfWork, actor: Actor, person_id: str | None = None, *, limit: int | None = None,
                    offset: int = 0) -> list[dict]:
    """Interviews of ``person_id`` (every person when None), newest first; with ``limit`` one ``paging.Page``
    cut by the database."""
    require(actor, "interview.read")
    paging.check(limit, offset)
    with uow.read() as conn:
        hidden = [p for p in interview_rules.PURPOSES if not interview_rules.may_read(actor, p)]
        items = crepo.interviews_of(conn, person_id, limit=limit, offset=offset, exclude_purposes=hidden)
        total = crepo.count_interviews(conn, person_id, exclude_purposes=hidden) if limit is not None else None
        nm = names_of(conn, {i.person_id for i in items})
    return paging.page([interview_view(i, nm.get(i.person_id)) for i in items], total, limit=limit, offset=offset)


def wish_interview(uow: UnitOfWork, actor: Actor, interview_id: str) -> dict:
    """The interview ``interview_id``, looked up for ``actor`` to record a wish in it (``wish.write``, checked
    before the id is looked up); returns its view. Raises ``PermissionDenied`` (role) and ``NotFound`` with the
    same words for an id that does not exist and for an interview ``actor`` may not see (no existence oracle)."""
    require(actor, "wish.write")
    with uow.read() as conn:
        iv = crepo.get_interview(conn, interview_id)
        if iv is None or not interview_rules.may_read(actor, iv.purpose):
            raise NotFound(interview_rules.HIDDEN.format(id=interview_id))
        return interview_view(iv, names_of(conn, [iv.person_id])[iv.person_id])


# ----- interpreter roster ---------------------------------------------------------------------------------------
def interpreter_key(name: str) -> str:
    """An interpreter's name as compared: NFKC, look-alike letters folded, romanized, lower case, no spaces or
    punctuation ("Pak ", "PAK", "Пак" → "pak")."""
    return "".join(latinize(t) for t in normalize(name).split(" ") if t) or normalize(name).casefold()


def roster_matches(roster: InterpreterRoster, named: str) -> list[Interpreter]:
    """Roster entries that may be the interpreter ``named``: the same normalised name; and, for entries supplied
    by an interested party, any name the cross-script matcher keys alike (박 ~ Pak ~ Park) — the cautious
    reading: a loose match can only make an interpreter less independent, never more."""
    key, keys = interpreter_key(named), name_keys(named)
    return [i for i in roster.interpreters
            if interpreter_key(i.name) == key or (not i.independent and keys & name_keys(i.name))]


def _roster(conn: Connection) -> InterpreterRoster:
    roster = InterpreterRoster()
    latest: dict[str, dict] = {}
    for r in conn.execute(select(interpreters).order_by(interpreters.c.id)).mappings():
        latest[interpreter_key(r["name"])] = dict(r)
    for r in latest.values():
        if r["active"]:
            roster = roster.with_interpreter(Interpreter(r["name"], frozenset(json.loads(r["languages"])),
                                                         r["supplied_by"]))
    return roster


def add_interpreter(uow: UnitOfWork, actor: Actor, name: str, languages: Iterable[str],
                    supplied_by: str = "independent", *, active: bool = True) -> dict:
    """Put ``name`` on the roster (or update/retire him with ``active=False``); a new row each time.

    ``supplied_by`` is ``independent`` or the interested party that provides him; only an ICRC delegate may
    mark him independent (``interview.check_roster_entry``). Names are compared normalised (case, spaces,
    script), so "pak " updates "Pak". Raises ``ValidationFailed`` for no name or no language,
    ``PermissionDenied`` unless ``interpreter.manage`` (and, for ``independent``, the delegate's role)."""
    require(actor, "interpreter.manage")
    if active:
        check_roster_entry(actor, (supplied_by or "").strip() or "independent")
    langs = sorted({normalise_language(x) for x in languages if x and x.strip()})
    if active and not langs:
        raise ValidationFailed(Msg("say which languages {name!r} interprets, e.g. --language ko", name=name))
    it = Interpreter(name.strip(), frozenset(langs), (supplied_by or "").strip() or "independent")
    with uow.transaction() as conn:
        rid = conn.execute(insert(interpreters).values(
            name=it.name, languages=json.dumps(langs), supplied_by=it.supplied_by, active=active,
            recorded_by=actor.name, recorded_at=_now())).inserted_primary_key[0]
        audit.append(conn, actor=actor.name, action="interpreter.set", target=it.name,
                     detail={"languages": langs, "supplied_by": it.supplied_by, "active": active},
                     covers=[("interpreters", rid)])
    return {"name": it.name, "languages": langs, "supplied_by": it.supplied_by, "independent": it.independent,
            "active": active}


def roster(uow: UnitOfWork, actor: Actor) -> list[dict]:
    """The interpreters on the roster, independent ones first."""
    require(actor, "interview.read")
    with uow.read() as conn:
        r = _roster(conn)
    items = sorted(r.interpreters, key=lambda i: (not i.independent, i.name))
    return [{"name": i.name, "languages": sorted(i.languages), "supplied_by": i.supplied_by,
             "independent": i.independent} for i in items]


def staff_languages() -> tuple[str, ...]:
    """Languages the staff speak: ``POWBUREAU_STAFF_LANGUAGES`` (comma-separated) or uk, ru, en."""
    env = os.environ.get("POWBUREAU_STAFF_LANGUAGES")
    return tuple(x.strip() for x in env.split(",") if x.strip()) if env else DEFAULT_STAFF_LANGUAGES


def waiting(uow: UnitOfWork, actor: Actor, *, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Detainees in custody who wait for an interpreter: none of their languages is spoken by the staff or by an
    independent interpreter on the roster (an interested party's interpreter does not count; GC III Art. 126).
    With ``limit``: one ``paging.Page`` of that list (from ``offset``) with its total."""
    require(actor, "interview.read")
    with uow.read() as conn:
        rows = conn.execute(select(persons.c.id, persons.c.status).where(persons.c.kind == "detainee")).all()
        ids = [pid for pid, st in rows if st not in FINAL_STATUSES]
        vals = person_values(conn, ids, ("language", "name_full", "surname", "given_name"))
        r = _roster(conn)
    spoken = {pid: [v for v, _ in vals[pid].get("language", [])] for pid in ids}
    found = waiting_for_interpreter(spoken, r, staff_languages=staff_languages())
    return paging.cut([{"person_id": w.person_id, "name": display_name(vals[w.person_id]),
                        "languages": list(w.languages)} for w in found], limit=limit, offset=offset)


# ----- wishes ---------------------------------------------------------------------------------------------------
def wish_view(w: wish_rules.RepatriationWish) -> dict:
    """Plain data of a wish for bureau staff (never for the serving power)."""
    v = w.verification
    return {
        "id": w.id, "person_id": w.person_id, "kind": w.kind, "destination": w.destination,
        "interview_id": w.interview_id, "taken_at": w.taken_at.isoformat(), "recorded_at": w.recorded_at.isoformat(),
        "recorded_by": w.recorded_by.name,
        "verified": v is not None, "verified_by": v.verified_by.name if v else None,
        "verified_in": v.interview_id if v else None, "verified_at": v.verified_at.isoformat() if v else None,
        "via_interpreter": v.via_interpreter if v else None,
    }


def _handed_over(conn: Connection, person: dict) -> bool:
    return person["status"] in HANDOVER_STATUSES


def record_wish(uow: UnitOfWork, actor: Actor, person_id: str, kind: str, interview_id: str, *,
                destination: str | None = None) -> dict:
    """Record a new, unverified repatriation wish taken in ``interview_id``; returns the wish and the exchanges
    it withdrew the person from (``notices``). Never-rule (a): a wish that is not a verified return removes the
    person from every open exchange, in this same transaction, with a notice for the negotiator.

    Raises ``PermissionDenied`` (role), ``NotFound`` (person, interview), ``ValidationFailed`` (kind, interview of
    another person or purpose), ``IllegalTransition`` (already handed over)."""
    require(actor, "wish.write")
    from . import exchanges as exchange_service  # the exchange side of never-rule (a)

    with uow.transaction() as conn:
        person = _person(conn, person_id)
        iv = crepo.get_interview(conn, interview_id)
        if iv is None:
            raise NotFound(Msg("no interview {interview_id!r}; record the interview first (`powbureau interview record`)", interview_id=interview_id))
        held = crepo.wishes_taken_in(conn, interview_id)
        if held:
            raise Conflict(Msg("interview {interview_id} already holds wish {value}; a change of mind is recorded in a new interview (one interview, one wish: the record of what was said stays as said)", interview_id=interview_id, value=held[0][0]))
        w = wish_rules.record_wish(new_id(), person_id, kind, iv, actor, _now(),
                                   destination=(destination or "").strip().upper() or None,
                                   handed_over=_handed_over(conn, person))
        conn.execute(insert(wishes).values(crepo.wish_row(w)))
        audit.append(conn, actor=actor.name, action="wish.record", target=person_id,
                     detail={"wish": w.id, "interview": interview_id}, covers=[("wishes", w.id)])
        notices = exchange_service.on_wish_changed(conn, actor, person_id)
    return {"wish": wish_view(w), "notices": notices}


def verify_wish(uow: UnitOfWork, actor: Actor, wish_id: str, interview_id: str) -> dict:
    """Verify wish ``wish_id`` in the delegate's private interview ``interview_id`` (GC III Art. 109(3), 126).

    Raises ``PermissionDenied`` (not ``wish.verify``), ``NotFound``, ``Conflict`` (already verified),
    ``VerificationRefused`` (see ``RepatriationWish.verify``)."""
    require(actor, "wish.verify")
    from . import exchanges as exchange_service

    with uow.transaction() as conn:
        row = conn.execute(select(wishes.c.person_id).where(wishes.c.id == wish_id)).first()
        if row is None:
            raise NotFound(Msg("no wish {wish_id!r}; `powbureau interview wishes PERSON` lists a person's wishes", wish_id=wish_id))
        person_id = row[0]
        w = next(x for x in crepo.wishes_by_person(conn, [person_id])[person_id] if x.id == wish_id)
        if w.verified:
            raise Conflict(Msg("wish {wish_id} is already verified (in interview {interview_id})", wish_id=wish_id, interview_id=w.verification.interview_id))
        iv = crepo.get_interview(conn, interview_id)
        if iv is None:
            raise NotFound(Msg("no interview {interview_id!r}; record your private interview first", interview_id=interview_id))
        if iv.interpreter:  # the roster decides, as it stands now: an interpreter since found interested is not
            interested = [i for i in roster_matches(_roster(conn), iv.interpreter) if not i.independent]
            if interested:
                iv = replace(iv, interpreter_supplied_by=interested[0].supplied_by)
        langs = [v for v, _ in person_values(conn, [person_id], ("language",))[person_id].get("language", [])]
        taken = crepo.wishes_taken_in(conn, interview_id)
        confirmed = [k for wid, k in taken if wid != wish_id] + [
            x.kind for x in crepo.wishes_by_person(conn, [person_id], linked=False)[person_id]
            if x.verification and x.verification.interview_id == interview_id]
        verified = w.verify(iv, actor, _now(), person_languages=langs,
                            interview_recorded_at=crepo.interview_recorded_at(conn, interview_id),
                            confirmed_in_interview=confirmed)
        conn.execute(insert(crepo.wish_verifications).values(crepo.verification_row(wish_id, verified.verification)))
        audit.append(conn, actor=actor.name, action="wish.verify", target=person_id,
                     detail={"wish": wish_id, "interview": interview_id}, covers=[("wish_verifications", wish_id)])
        notices = exchange_service.on_wish_changed(conn, actor, person_id)
    return {"wish": wish_view(verified), "notices": notices}


def wishes_of(uow: UnitOfWork, actor: Actor, person_id: str) -> dict:
    """A person's wishes (oldest first), the explanation of the latest, and whether it is a verified return."""
    require(actor, "wish.read")
    with uow.read() as conn:
        _person(conn, person_id)
        ws = crepo.wishes_by_person(conn, [person_id])[person_id]
    ws.sort(key=lambda w: (w.recorded_at, w.id))  # the bureau's recording order decides (see wish.latest_wish)
    latest = wish_rules.latest_wish(ws)
    return {"person_id": person_id, "wishes": [wish_view(w) for w in ws],
            "latest": wish_view(latest) if latest else None, "explanation": wish_rules.explain_wish(ws),
            "verified_return": wish_rules.is_verified_return(ws)}


def wish_overview(uow: UnitOfWork, actor: Actor, *, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Every detainee in custody with his latest wish (or none) and its verification, by name. With ``limit``:
    one ``paging.Page`` (those with a wish first, then in registration order) cut by the database, with its
    total; raises ``ValidationFailed`` for a limit outside 1..1000 or a negative offset."""
    require(actor, "wish.read")
    with uow.read() as conn:
        q = select(persons.c.id, persons.c.status).where(persons.c.kind == "detainee")
        rows, total = paging.rows(conn, q, limit=limit, offset=offset, order=paging.wish_first(persons.c.id))
        ids = [pid for pid, _ in rows]
        ws = crepo.wishes_by_person(conn, ids)
        nm = names_of(conn, ids)
    out = []
    for pid, status in rows:
        latest = wish_rules.latest_wish(ws[pid])
        out.append({"person_id": pid, "name": nm[pid], "status": status,
                    "latest": wish_view(latest) if latest else None,
                    "verified_return": wish_rules.is_verified_return(ws[pid])})
    if limit is not None:
        return paging.page(out, total, limit=limit, offset=offset)
    return sorted(out, key=lambda x: (x["latest"] is None, x["name"]))


# ----- medical decisions ----------------------------------------------------------------------------------------
def record_medical_decision(uow: UnitOfWork, actor: Actor, person_id: str, *, seriously_sick_or_wounded: bool,
                            category: str = "", health_box: Iterable[str] = (), on: date | None = None) -> dict:
    """A medical user's decision (GC III Art. 110) and the capture card's health box marks (Annex IV B item 11).

    Becoming seriously sick or wounded starts the weekly health reports (Art. 122(6)); ending it stops them.
    Raises ``PermissionDenied`` (not medical), ``NotFound``, ``ValidationFailed`` (a health-box word that is
    not one of ``notifications.HEALTH_BOX``)."""
    require(actor, "medical.write")
    marks = check_health_box(health_box)
    now = _now()
    decision = MedicalDecision(person_id, seriously_sick_or_wounded, actor, now, category.strip())
    with uow.transaction() as conn:
        _person(conn, person_id)
        before = crepo.latest_medical(conn, [person_id]).get(person_id)
        was = bool(before and before["seriously_sick_or_wounded"])
        mid = conn.execute(insert(medical_decisions).values(
            person_id=person_id, seriously_sick_or_wounded=seriously_sick_or_wounded, category=decision.category,
            health_box=",".join(sorted(marks)), decided_by=actor.name, decided_at=now)).inserted_primary_key[0]
        if was != seriously_sick_or_wounded:
            conn.execute(insert(custody_events).values(
                person_id=person_id, kind="seriously_ill" if seriously_sick_or_wounded else "recovered",
                occurred_on=on or now.date(), place="", recorded_by=actor.name, recorded_at=now))
        audit.append(conn, actor=actor.name, action="medical.decide", target=person_id,
                     detail={"seriously_sick_or_wounded": seriously_sick_or_wounded},
                     covers=[("medical_decisions", mid)])
    return {"person_id": person_id, "seriously_sick_or_wounded": seriously_sick_or_wounded,
            "category": decision.category, "health_box": sorted(marks), "decided_by": actor.name}


def medical_of(uow: UnitOfWork, actor: Actor, person_id: str) -> list[dict]:
    """A person's medical decisions, oldest first; only medical roles (the read is audited)."""
    require(actor, "medical.read")
    with uow.transaction() as conn:
        _person(conn, person_id)
        rows = conn.execute(select(medical_decisions).where(medical_decisions.c.person_id == person_id)
                            .order_by(medical_decisions.c.id)).mappings().all()
        audit.append(conn, actor=actor.name, action="medical.read", target=person_id, detail={"decisions": len(rows)})
    return [{"seriously_sick_or_wounded": bool(r["seriously_sick_or_wounded"]), "category": r["category"],
             "health_box": [m for m in r["health_box"].split(",") if m], "decided_by": r["decided_by"],
             "decided_at": crepo.utc(r["decided_at"]).isoformat()} for r in rows]


@disclosure.redacted(disclosure.notices)
def notices(uow: UnitOfWork, actor: Actor, *, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Notices left for negotiators (a person withdrawn from an exchange), newest first; ``exchange.read``. With
    ``limit``: one ``paging.Page`` cut by the database."""
    require(actor, "exchange.read")
    with uow.read() as conn:
        q = select(negotiator_notices).order_by(negotiator_notices.c.id.desc())
        rows, total = paging.rows(conn, q, limit=limit, offset=offset)
    return paging.page([{"exchange_id": r.exchange_id, "person_id": r.person_id, "state": r.state,
                         "message": r.message, "at": crepo.utc(r.created_at).isoformat()} for r in rows],
                       total, limit=limit, offset=offset)


def detainee_choices(uow: UnitOfWork, actor: Actor, *, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Detainees in custody (id, name, status, languages) for forms, by name; ``person.read``. With ``limit``:
    one ``paging.Page`` in registration order, cut by the database."""
    require(actor, "person.read")
    with uow.read() as conn:
        q = select(persons.c.id, persons.c.status).where(persons.c.kind == "detainee",
                                                         persons.c.status.notin_(FINAL_STATUSES))
        rows, total = paging.rows(conn, q, limit=limit, offset=offset, order=[persons.c.id])
        vals = person_values(conn, [pid for pid, _ in rows], ("name_full", "surname", "given_name", "language"))
    out = [{"person_id": pid, "name": display_name(vals[pid]), "status": st,
            "languages": [v for v, _ in vals[pid].get("language", [])]} for pid, st in rows]
    if limit is not None:
        return paging.page(out, total, limit=limit, offset=offset)
    return sorted(out, key=lambda x: x["name"])
