"""Registry use cases: search, show, record and retract statements, change status.

Each function takes the ``uow`` and an authenticated ``actor``, checks the role through ``domain.roles``,
runs in one transaction and writes its audit entry in that transaction."""

from __future__ import annotations

import re
from ..domain.messages import Msg
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from .. import names
from ..domain.errors import NotFound, ValidationFailed
from ..domain.lifecycle import HANDOVER_STATUSES, StatusEvent, check_transition, require_consent
from ..domain.resolve import ResolvedView, resolve
from ..domain.roles import RESTRICTED_PROPERTIES, Actor, require
from ..domain.statement import NAME_PROPERTIES, Retraction, Statement
from ..domain.countries import country_name
from ..domain.documents import statement_status
from ..domain.prisoner_number import looks_like_number
from ..store import audit, covered, documents_repo as drepo, repositories as repo
from ..store.tables import name_keys, statements
from ..store.uow import UnitOfWork
from . import paging
from .documents import assign_prisoner_number, documents_for, judged_documents
from .paging import Page


SEARCH_NAME_PROPS = ("name_full", "surname", "given_name", "alias")


def same_value(prop: str, a: str, b: str) -> bool:
    """Agreement test for conflict flags: names agree across scripts when the name matcher says so."""
    if " ".join(a.casefold().split()) == " ".join(b.casefold().split()):
        return True
    if prop in NAME_PROPERTIES:
        return names.compare_names(a, b).is_match
    return False


_VOWELS = re.compile(r"[AEIOUYW]")
_DOUBLE = re.compile(r"(.)\1+")


def consonant_key(key: str) -> str | None:
    """``V:<consonants>`` of a plain token key (vowels and glides dropped, doubled letters folded), or None when
    fewer than three consonants remain: Алексеев (ALEKSIV) and Alekseyev (ALEKSEEV) -> ``V:LKSV``, Тюлюш and
    Tülüš/Tulus -> ``V:TLS``; romanizations that differ in their vowels meet on it (enquiry matching)."""
    if ":" in key:
        return None
    cons = _DOUBLE.sub(r"\1", _VOWELS.sub("", key))
    return f"V:{cons}"[:64] if len(cons) >= 3 else None


def search_keys(value: str) -> set[str]:
    """Index keys (at most 64 characters each) of one name in any script: ``names.token_keys`` and the
    ``consonant_key`` of each plain token key. A search looks up ``names.token_keys`` only."""
    keys = {k[:64] for k in names.token_keys(value)}
    return keys | {c for k in keys if (c := consonant_key(k))}


def keys_for_statement(s: Statement) -> set[str]:
    """Search keys of a name statement (empty for other properties)."""
    return search_keys(s.value) if s.prop in SEARCH_NAME_PROPS else set()


def index_names(conn: Connection, stmts: list[Statement]) -> None:
    """Add the search keys of ``stmts`` to the name index (idempotent per key and person)."""
    pairs = {(k, s.person_id) for s in stmts for k in keys_for_statement(s)}
    if not pairs:
        return
    pids = {p for _, p in pairs}
    existing = set()
    for pid in pids:
        existing.update(
            (k, pid) for k in conn.execute(select(name_keys.c.key).where(name_keys.c.person_id == pid)).scalars()
        )
    new = [{"key": k, "person_id": p} for k, p in pairs - existing]
    repo.insert_many(conn, name_keys, new)


@dataclass(frozen=True)
class SearchHit:
    """One search result: the person, his best name, birth date, and the 0..1 relevance ``score``."""

    person_id: str
    kind: str
    status: str
    name: str
    birth_date: str | None
    external_id: str | None
    score: float
    matched: str
    prisoner_number: str | None = None


def _search_number(uow: UnitOfWork, actor: Actor, number: str, kind: str | None) -> list[SearchHit]:
    """The detainee given prisoner ``number`` as a one-hit search result (none when unknown)."""
    with uow.read() as conn:
        pid = drepo.person_with_number(conn, number)
        p = repo.get_person(conn, pid) if pid else None
        if p is None or (kind and p["kind"] != kind):
            return []
        ss = repo.statements_for(conn, [pid])[pid]
        gone = repo.retracted_ids(conn, [s.id for s in ss])
        counting, settled, _ = _counting(conn, ss)
    view = resolve(counting, gone, actor=actor, settled_ids=settled)
    name = headline_of(view)["name"] or pid
    return [SearchHit(pid, p["kind"], p["status"], name, view.value("birth_date"), p["external_id"], 1.0, number,
                      number)]


FUZZY_CANDIDATES = 500  # persons reached only through a one-letter-apart key that the matcher checks, at most
RANK_WINDOW = 2000  # persons with the same number of shared keys ranked by the matcher, at most (else by id)


def neighbour_keys(key: str) -> set[str]:
    """Keys one letter apart from a token skeleton (``EBOT`` -> ``ABOT``, ``EBOTT``, ``BOT``, …): how a search
    reaches the spellings that ``names.compare_names`` calls "1 letter apart" (Эбботт, Ebbott -> Abbott)
    through the exact-key index. Group and Korean keys (``G:``, ``KS:``, ``KG:``) have no neighbours."""
    if ":" in key or len(key) < 3:
        return set()
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = {key[:i] + key[i + 1:] for i in range(len(key))}
    out |= {key[:i] + c + key[i + 1:] for i in range(len(key)) for c in letters}
    out |= {key[:i] + c + key[i:] for i in range(len(key) + 1) for c in letters}
    out.discard(key)
    return {k for k in out if len(k) >= 2}


def _name_tokens(value: str) -> list[str]:
    return [t for t in value.replace(",", " ").split() if t]


def _fuzzy_ok(text: str, values: list[str]) -> bool:
    """True when one token of ``text`` matches one token of the person's names by the name matcher."""
    qtoks = _name_tokens(text)
    return any(names.compare_names(q, t).is_match for q in qtoks for v in values for t in _name_tokens(v))


def _carrying_documents(conn: Connection, person_ids: list[str]) -> set[str]:
    """Those of ``person_ids`` on whom a document was found (the only ones whose names may be excluded)."""
    from ..store.tables_documents import documents

    out: set[str] = set()
    for k in range(0, len(person_ids), 500):
        out.update(conn.execute(select(documents.c.person_id).where(
            documents.c.person_id.in_(person_ids[k:k + 500]))).scalars())
    return out


def check_kind(kind: str | None) -> str | None:
    """``kind`` if it is a person kind (or None for every kind); raises ``ValidationFailed`` naming the kinds."""
    from ..domain.person import PERSON_KINDS

    if kind is not None and kind not in PERSON_KINDS:
        raise ValidationFailed(Msg("unknown kind {kind!r}; choose one of: {items}", kind=kind, items=', '.join(PERSON_KINDS)))
    return kind


def search(uow: UnitOfWork, actor: Actor, text: str, *, kind: str | None = None, limit: int = 50,
           offset: int = 0) -> Page:
    """Find persons by any name form in any script, tolerant of small spelling differences; one page of them.

    Candidates share a token key with ``text`` (``names.token_keys``: cross-script and spelling-tolerant), or a
    key one letter apart (``neighbour_keys``) when the name matcher confirms that a token of ``text`` matches
    one of theirs (Эбботт, Ebbott -> Abbott). They are ranked by the number of shared keys, then by the
    matcher's score against their closest name. Returns a ``paging.Page`` whose ``total`` counts every person
    found, not only this page. A prisoner number (``UA-2026-000017``) finds its detainee. Names from a document
    judged another person's do not find the bearer (they find that person). Raises ``ValidationFailed`` for an
    empty query, an unknown ``kind`` or a page outside 1..1000."""
    require(actor, "person.read")
    check_kind(kind)
    paging.check(limit, offset)
    text = text.strip()
    if not text:
        raise ValidationFailed(Msg("search needs a name (any script), e.g. `powbureau search 'Kim Jong Un'`"))
    number = looks_like_number(text)
    if number:
        found = _search_number(uow, actor, number, kind)
        return Page(found[offset:offset + limit], total=len(found), offset=offset, limit=limit)
    qkeys = names.token_keys(text)
    qset = {k[:64] for k in qkeys}
    if not qkeys:
        raise ValidationFailed(Msg("no searchable name in {text!r}: give letters in Latin, Cyrillic or Hangul", text=text))
    near = set().union(*(neighbour_keys(k) for k in qkeys)) - set(qkeys)
    with uow.read() as conn:
        exact = dict(repo.persons_by_keys(conn, qkeys, kind=kind, limit=None))
        fuzzy = [(pid, n) for pid, n in repo.persons_by_keys(conn, near, kind=kind, limit=FUZZY_CANDIDATES + len(exact))
                 if pid not in exact][:FUZZY_CANDIDATES] if near else []
        fstmts = repo.statements_for(conn, [pid for pid, _ in fuzzy])
    ranked: dict[str, float] = dict(exact)
    for pid, n in fuzzy:  # a near key counts below an exact one of the same number
        if _fuzzy_ok(text, [s.value for s in fstmts[pid] if s.prop in SEARCH_NAME_PROPS]):
            ranked[pid] = n - 0.5
    with uow.read() as conn:  # found only through a document judged another man's: that man is found, not him
        carriers = repo.statements_for(conn, sorted(_carrying_documents(conn, list(ranked))))
        judged = judged_documents(conn, [s for ss in carriers.values() for s in ss])
        for pid, ss in carriers.items():
            counting, _, excluded = _counting(conn, ss, judged)
            nm = [s.value for s in counting if s.prop in SEARCH_NAME_PROPS]
            if excluded and not any(search_keys(v) & qset for v in nm) and pid not in dict(fuzzy):
                del ranked[pid]
    total = len(ranked)
    order = sorted(ranked, key=lambda p: (-ranked[p], p))
    # the tiers (same number of shared keys) that reach into the page are ranked by the matcher
    need = {ranked[p] for p in order[offset:offset + limit]}
    tier = [p for p in order if ranked[p] in need]
    sims: dict[str, tuple[float, str]] = {}
    if len(tier) <= RANK_WINDOW:
        with uow.read() as conn:
            tstmts = repo.statements_for(conn, tier)
            gone = repo.retracted_ids(conn, [s.id for ss in tstmts.values() for s in ss])
        for pid in tier:
            nm = [s.value for s in tstmts[pid] if s.prop in SEARCH_NAME_PROPS and s.id not in gone] or [
                s.value for s in tstmts[pid] if s.prop in SEARCH_NAME_PROPS]
            best = max(nm, key=lambda v: names.compare_names(text, v).score) if nm else ""
            sims[pid] = (names.compare_names(text, best).score if best else 0.0, best)
        order.sort(key=lambda p: (-ranked[p], -sims.get(p, (0.0, ""))[0], p))
    page_ids = order[offset:offset + limit]
    with uow.read() as conn:
        stmts = repo.statements_for(conn, page_ids)
        gone = repo.retracted_ids(conn, [s.id for ss in stmts.values() for s in ss])
        numbers = drepo.prisoner_numbers_of(conn, page_ids)
        counted = {pid: _counting(conn, ss) for pid, ss in stmts.items()}
        rows = {r["id"]: r for r in conn.execute(select(repo.persons).where(repo.persons.c.id.in_(page_ids))).mappings()}
    hits: list[SearchHit] = []
    nkeys = len(qkeys)
    for pid in page_ids:
        counting, settled, _ = counted[pid]
        ss = [s for s in counting if s.id not in gone]
        nm = [s.value for s in ss if s.prop in SEARCH_NAME_PROPS] or [
            s.value for s in stmts[pid] if s.prop in SEARCH_NAME_PROPS]
        sim, best = sims.get(pid) or ((0.0, "") if not nm else max(
            ((names.compare_names(text, v).score, v) for v in nm)))
        view = resolve(ss, actor=actor, settled_ids=settled)
        score = round(0.6 * min(1.0, max(0.0, ranked[pid]) / nkeys) + 0.4 * sim, 4)
        hits.append(SearchHit(pid, rows[pid]["kind"], rows[pid]["status"], view.value("name_full") or best or pid,
                              view.value("birth_date"), rows[pid]["external_id"], score, best, numbers.get(pid)))
    return Page(hits, total=total, offset=offset, limit=limit)


@dataclass
class PersonView:
    """Everything shown about a person: the resolved view, all statements with provenance, conflicts and
    the status history. ``hidden`` counts statements withheld from this actor (medical)."""

    id: str
    kind: str
    status: str
    external_id: str | None
    resolved: dict[str, str]
    statements: list[dict]
    conflicts: list[str]
    history: list[dict]
    hidden: int
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain JSON-ready dict."""
        return asdict(self)


def show(uow: UnitOfWork, actor: Actor, person_id: str) -> PersonView:
    """The person ``person_id`` as ``actor`` may see him; a read of restricted (medical) statements is audited.

    Raises ``NotFound`` for an unknown id, ``PermissionDenied`` unless the actor may ``person.read``."""
    require(actor, "person.read")
    with uow.read() as conn:  # a snapshot: reading a person never waits for an import's write lock
        p = repo.get_person(conn, person_id)
        if p is None:
            raise NotFound(Msg("no person with id {person_id!r}; find the full id with `powbureau search NAME --json`", person_id=person_id))
        ss = repo.statements_for(conn, [person_id])[person_id]
        withdrawn = repo.retractions_of(conn, [s.id for s in ss])
        gone = set(withdrawn)
        history = repo.status_history(conn, person_id)
        counting, settled, excluded = _counting(conn, ss)
        docs = documents_for(conn, person_id)
        number = drepo.prisoner_number_of(conn, person_id)
    view: ResolvedView = resolve(counting, gone, actor=actor, same_value=same_value, settled_ids=settled)
    shown_restricted = [s.id for s in ss if s.prop in RESTRICTED_PROPERTIES and actor.can("medical.read")]
    if shown_restricted:  # the audit entry is written before anything restricted is returned
        with uow.transaction() as conn:
            audit.append(
                conn, actor=actor.name, action="medical.read", target=person_id,
                detail={"statements": sorted(shown_restricted)},
            )
    visible = [s for s in ss if actor.can("medical.read") or s.prop not in RESTRICTED_PROPERTIES]
    return PersonView(
        id=p["id"], kind=p["kind"], status=p["status"], external_id=p["external_id"],
        resolved={k: rp.best.value for k, rp in view.properties.items()},
        statements=[
            {
                "id": s.id, "property": s.prop, "value": s.value, "original": s.original, "script": s.script,
                "alias": s.alias, "source_kind": s.source_kind, "source_ref": s.source_ref,
                "recorded_by": s.recorded_by, "recorded_at": s.recorded_at.isoformat(),
                "retracted": s.id in gone, "retraction": withdrawn.get(s.id), "interview_id": s.interview_id,
                "counts": s.id not in excluded,
            }
            for s in sorted(visible, key=lambda s: (s.prop, s.recorded_at))
        ],
        conflicts=[c.describe() for c in view.conflicts],
        history=[
            {"from": e.from_status, "to": e.to_status, "at": e.at.isoformat(), "place": e.place, "actor": e.actor,
             "note": e.note}
            for e in history
        ],
        hidden=view.hidden,
        extra={
            "prisoner_number": number,
            "headline": headline_of(view),
            "documents": docs["found"],
            "issued_to_him": docs["issued_to_him"],
            "carried": [d["line"] for d in docs["found"] if not d["counts_for_bearer"]],
            "countries": {prop: [country_name(s.value) for s in view.properties[prop].all]
                          for prop in ("serving_power", "nationality") if prop in view.properties},
            "country_codes": {prop: [s.value for s in view.properties[prop].all]
                              for prop in ("serving_power", "nationality") if prop in view.properties},
        },
    )


def _counting(conn: Connection, ss: list[Statement], judged: dict | None = None,
              ) -> tuple[list[Statement], set[str], set[str]]:
    """(statements that count toward the person, ids settled by a ``bearer`` judgement, ids excluded because their
    document was judged another person's or forged) — ``domain.documents.statement_status``. ``judged``: the
    ``judged_documents`` of (at least) ``ss``, when the caller read them for many persons at once."""
    judged = judged_documents(conn, ss) if judged is None else judged
    status = {s.id: statement_status(s.person_id, s.source_kind, s.source_ref, judged) for s in ss}
    excluded = {i for i, st in status.items() if st == "excluded"}
    return ([s for s in ss if s.id not in excluded], {i for i, st in status.items() if st == "settled"}, excluded)


def headline_of(view: ResolvedView) -> dict:
    """The name a page leads with and whether it is under dispute: the resolved ``name_full`` (else surname and
    given name). ``domain.resolve`` already puts the person's own statement before an unjudged document's, so the
    headline is never the disputed document name; ``disputed`` asks for a conflict badge until someone decides."""
    name = view.value("name_full") or " ".join(v for v in (view.value("surname"), view.value("given_name")) if v)
    disputed = any(view.disputed(p) for p in ("name_full", "surname", "given_name"))
    return {"name": name or None, "disputed": disputed}


def add_statement(
    uow: UnitOfWork, actor: Actor, person_id: str, prop: str, value: str, *, source_kind: str, source_ref: str,
    interview_id: str | None = None,
) -> str:
    """Record one statement about ``person_id``; returns its id. Medical properties need ``medical.write``.

    Raises ``NotFound``, ``ValidationFailed`` (unknown property, empty or over-long value), ``PermissionDenied``."""
    require(actor, "medical.write" if prop in RESTRICTED_PROPERTIES else "person.write")
    value = check_value(prop, value)
    check_text("source_ref", source_ref)
    s = Statement(
        person_id=person_id, prop=prop, value=value.strip(), source_kind=source_kind, source_ref=source_ref,
        recorded_by=actor.name, recorded_at=datetime.now(UTC), original=value,
        script=names.detect_script(value) if prop in NAME_PROPERTIES else None, interview_id=interview_id,
    )
    with uow.transaction() as conn:
        if repo.get_person(conn, person_id) is None:
            raise NotFound(Msg("no person with id {person_id!r}", person_id=person_id))
        if interview_id:
            from ..store.custody_repo import get_interview

            iv = get_interview(conn, interview_id)
            if iv is None or iv.person_id != person_id:
                raise NotFound(Msg("no interview {interview_id!r} with person {person_id}; record the interview first", interview_id=interview_id, person_id=person_id))
        if conn.execute(select(statements.c.id).where(statements.c.id == s.id)).first() is None:
            conn.execute(insert(statements).values(repo.statement_row(s)))
            index_names(conn, [s])
        audit.append(conn, actor=actor.name, action="statement.add", target=person_id,
                     detail={"statement": s.id, "property": prop}, covers=[("statements", s.id)])
    return s.id


#: Bidirectional embedding, override and isolate controls: in a name they make the text after it read backwards
#: (Unicode TR 9; the "Trojan Source" spoof). Letters' own direction needs none of them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character (a NUL byte, a terminal escape; tab and line breaks aside)
    or a bidirectional override (``BIDI_CONTROLS``)."""
    return any((ord(ch) < 32 and ch not in "\t\n\r") or ord(ch) == 127 or ch in BIDI_CONTROLS for ch in text)


def check_text(prop: str, text: str) -> None:
    """Refuse free text (a value, a provenance, a retraction's reason) holding control characters such as a NUL
    byte (PostgreSQL cannot store it), a terminal escape or a bidi override (``has_control``). Raises
    ``ValidationFailed`` naming ``prop``."""
    if has_control(text):
        raise ValidationFailed(Msg("{prop}: the value holds control characters (e.g. a NUL byte); remove them", prop=prop))


def check_value(prop: str, value: str) -> str:
    """The cleaned ``value`` of ``prop`` as a statement may hold it: dates are real, not in the future and kept
    at their precision (ISO), countries are ISO 3166 alpha-2, no control characters. Raises ``ValidationFailed``."""
    from datetime import date

    from ..domain.dates import parse_written_date
    from ..io.properties import check_country

    check_text(prop, value)
    value = value.strip()
    if prop in ("birth_date", "capture_date"):
        pd = parse_written_date(value, date_order=None)
        if pd.earliest() > date.today():
            raise ValidationFailed(Msg("{prop}: {value!r} is in the future; check the date", prop=prop, value=value))
        return pd.iso()
    if prop in ("serving_power", "nationality"):
        return check_country(value)
    return value


def retract_statement(uow: UnitOfWork, actor: Actor, statement_id: str, reason: str, *,
                      person_id: str | None = None) -> str:
    """Retract a statement (never delete it), with a reason; with ``person_id``, only one of his. Returns the
    retracted statement's property (a caller echoing the reason must not echo a medical one). Raises
    ``NotFound``, ``ValidationFailed`` (no reason, already retracted), ``PermissionDenied`` (medical statements:
    ``medical.write``; others: ``person.write``)."""
    check_text("reason", reason)
    with uow.transaction() as conn:
        row = conn.execute(select(statements).where(statements.c.id == statement_id)).mappings().first()
        if row is None or (person_id is not None and row["person_id"] != person_id):
            raise NotFound(Msg("no statement {statement_id!r} about this person; `powbureau show PERSON_ID --json` "
                               "lists his statement ids", statement_id=statement_id) if person_id else
                           Msg("no statement {statement_id!r}", statement_id=statement_id))
        require(actor, "medical.write" if row["prop"] in RESTRICTED_PROPERTIES else "person.write")
        if repo.retracted_ids(conn, [statement_id]):
            raise ValidationFailed(Msg("statement {statement_id} is already retracted", statement_id=statement_id))
        repo.add_retraction(conn, Retraction(statement_id, reason, actor.name, datetime.now(UTC)))
        audit.append(conn, actor=actor.name, action="statement.retract", target=row["person_id"],
                     detail={"statement": statement_id, "reason": reason}, covers=[("retractions", statement_id)])
    return row["prop"]


def change_status(
    uow: UnitOfWork, actor: Actor, person_id: str, to_status: str, *, place: str, note: str = ""
) -> StatusEvent:
    """Move ``person_id`` to ``to_status`` at ``place`` if the life cycle allows it (GC III Art. 5, 19-20,
    46-48, 91, 118-120). Raises ``IllegalTransition``, ``NotFound``, ``PermissionDenied``."""
    require(actor, "status.change")
    if not place.strip():
        raise ValidationFailed(Msg("a status change needs the place where it happened"))
    if len(place) > 200 or len(note) > 500:
        raise ValidationFailed(Msg("--place is limited to 200 characters and --note to 500; shorten them"))
    with uow.transaction() as conn:
        p = repo.get_person(conn, person_id)
        if p is None:
            raise NotFound(Msg("no person with id {person_id!r}", person_id=person_id))
        covered.check_status(conn, person_id)  # move on from the recorded status, never a forged one
        rule = check_transition(p["kind"], p["status"], to_status)
        if p["kind"] == "detainee":
            from ..store.custody_repo import same_person, wishes_by_person

            if to_status in HANDOVER_STATUSES:  # tamper evidence before the consent check (all linked records)
                covered.check_rows(conn, "wishes", same_person(conn, [person_id])[person_id])
            require_consent(person_id, to_status, wishes_by_person(conn, [person_id]).get(person_id, []))
        e = StatusEvent(person_id, p["status"], to_status, datetime.now(UTC), place.strip(), actor.name, note)
        eid = repo.add_status_event(conn, e)
        audit.append(conn, actor=actor.name, action="status.change", target=person_id,
                     detail={"from": e.from_status, "to": to_status, "place": e.place, "rule": rule},
                     covers=[("status_events", eid)])
        if p["kind"] == "detainee" and to_status == "registered":
            assign_prisoner_number(conn, person_id, actor.name, e.at)
        from .enquiry_hooks import after_persons_changed  # enquiries this news could answer (issue 11)

        after_persons_changed(conn, actor.name, [person_id], f"status {to_status} at {e.place}")
    return e


def verify_audit(uow: UnitOfWork, actor: Actor, *, against: dict | None = None) -> audit.AuditReport:
    """Verify the keyed audit chain and the rows it covers, optionally ``against`` a checkpoint; raises
    ``AuditChainBroken`` naming the first bad entry or every edited, deleted or unaccounted row."""
    require(actor, "audit.read")
    with uow.read() as conn:
        return audit.verify(conn, against=against)


def audit_checkpoint(uow: UnitOfWork, actor: Actor) -> dict:
    """The signed head of a verified audit log (``audit.checkpoint``); raises ``AuditChainBroken``."""
    require(actor, "audit.read")
    with uow.read() as conn:
        return audit.checkpoint(conn)
