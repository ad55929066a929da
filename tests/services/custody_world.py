"""A small custody world for the service tests: detainees and own personnel written through the store, the actors
of each role, and helpers that take a wish through interview, record and verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from powbureau import names
from powbureau.domain.person import new_id
from powbureau.domain.roles import ROLES, Actor
from powbureau.domain.statement import NAME_PROPERTIES, Statement
from powbureau.services import custody, registry
from powbureau.services.imports import ImportOptions, import_list
from powbureau.store import audit, repositories as repo
from powbureau.store.tables import persons, statements

ADMIN = Actor("operator", "admin")
INTERVIEWER = Actor("kim.interviewer", "interviewer")
DELEGATE = Actor("icrc.delegate", "icrc_delegate")
NEGOTIATOR = Actor("negotiator", "negotiator")
MEDIC = Actor("medic", "medical")
REGISTRAR = Actor("registrar", "registrar")
ALL = {role: Actor(f"user.{role}", role) for role in ROLES}
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def add_person(bureau, kind: str, facts: list[tuple[str, str, str]], path: tuple[str, ...] = ()) -> str:
    """Insert a person with ``(property, value, source_kind)`` statements and walk his status ``path``."""
    pid = new_id()
    now = datetime.now(UTC)
    stmts = [Statement(pid, p, v, sk, "test", "operator", now, original=v,
                       script=names.detect_script(v) if p in NAME_PROPERTIES else None) for p, v, sk in facts]
    with bureau.uow.transaction() as conn:
        conn.execute(persons.insert().values(id=pid, kind=kind, status="captured" if kind == "detainee" else "missing",
                                             external_id=None, list_id=None, created_at=now, created_by="operator"))
        repo.insert_many(conn, statements, [repo.statement_row(s) for s in stmts])
        registry.index_names(conn, stmts)
        audit.append(conn, actor="operator", action="person.add", target=pid,  # rows covered by the audit chain
                     covers=[("statements", s.id) for s in stmts])
    for status in path:
        registry.change_status(bureau.uow, ADMIN, pid, status, place="Camp No. 7")
    return pid


@dataclass
class World:
    """Paek (wants to go home), Ri (wants to stay), a Russian detainee and two of our own personnel."""

    bureau: object
    paek: str
    ri: str
    ivanov: str
    own1: str
    own2: str


def build(bureau) -> World:
    """Create the world's persons (detainees registered and interned)."""
    paek = add_person(bureau, "detainee", [("name_full", "백광혁", "self_declared"), ("surname", "백", "self_declared"),
                                           ("given_name", "광혁", "self_declared"), ("language", "ko", "observation"),
                                           ("serving_power", "KP", "self_declared"),
                                           ("birth_date", "2001-03", "self_declared"),
                                           ("name_full", "Монгуш Айдыс Сергеевич", "document"),
                                           ("service_number", "АК-4417290", "document")],
                      ("registered", "interned"))
    ri = add_person(bureau, "detainee", [("name_full", "리성철", "self_declared"), ("language", "ko", "observation"),
                                         ("serving_power", "KP", "self_declared")], ("registered", "interned"))
    ivanov = add_person(bureau, "detainee", [("name_full", "Иванов Пётр Сергеевич", "document"),
                                             ("language", "ru", "observation"), ("serving_power", "RU", "document")],
                        ("registered", "interned"))
    own1 = add_person(bureau, "own_personnel", [("name_full", "Шевченко Тарас", "document"),
                                                ("birth_date", "1990-05-02", "document"),
                                                ("service_number", "UA123456", "document")], ("held_by_adverse_power",))
    own2 = add_person(bureau, "own_personnel", [("name_full", "Коваленко Олег", "document"),
                                                ("birth_date", "1985-01-20", "document"),
                                                ("service_number", "UA654321", "document")], ("held_by_adverse_power",))
    return World(bureau, paek, ri, ivanov, own1, own2)


def wish(bureau, person_id: str, kind: str, *, at: datetime = T0, verify: bool = True, **kw) -> dict:
    """Interview through an interested party's interpreter, the wish, and (by default) the delegate's private
    interview with an independent interpreter that verifies it. Returns the verified (or recorded) wish view."""
    iv = custody.record_interview(bureau.uow, INTERVIEWER, person_id, purpose="wish", language="ko", where="Camp 7",
                                  when=at, interpreter="Pak Chol", supplied_by="military intelligence")
    w = custody.record_wish(bureau.uow, INTERVIEWER, person_id, kind, iv["id"], **kw)["wish"]
    if not verify:
        return w
    if not any(i["name"] == "Lee Soo-jin" and i["independent"] for i in custody.roster(bureau.uow, DELEGATE)):
        # The roster decides independence; only the delegate vouches for it (domain.interview.check_roster_entry).
        custody.add_interpreter(bureau.uow, DELEGATE, "Lee Soo-jin", ["ko", "en"], "independent")
    pv = custody.record_interview(bureau.uow, DELEGATE, person_id, purpose="icrc_private", language="ko",
                                  where="ICRC room", when=at + timedelta(hours=1), interpreter="Lee Soo-jin",
                                  supplied_by="independent", present=["Lee Soo-jin"])
    return custody.verify_wish(bureau.uow, DELEGATE, w["id"], pv["id"])["wish"]


def counterpart_list(bureau, tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> str:
    """Import a counterpart list CSV of ``(external_id, name_full, birth_date, service_number)``; returns its id."""
    path = tmp_path / f"list-{new_id()}.csv"
    lines = ["external_id,name_full,birth_date,service_number", *[",".join(r) for r in rows]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return import_list(bureau.uow, ADMIN, ImportOptions(path=path, kind="counterpart_list"))["list_id"]


def count(bureau, table) -> int:  # noqa: ANN001
    """Rows in ``table``."""
    with bureau.uow.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()
