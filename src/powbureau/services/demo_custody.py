"""Demo custody data: the motivating case's interviews and wishes, the interpreter roster and the demo users.

Paek (백광혁) says through an interpreter that he wants to go home, and an ICRC delegate confirms it in private with an
independent interpreter; Ri (리성철) says he wants to remain. A counterpart list and a draft exchange wait."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from ..domain.errors import Conflict
from ..domain.person import new_id
from ..domain.roles import Actor
from ..store import audit
from ..store.tables import list_rows, lists, statements
from ..store.uow import UnitOfWork
from . import custody, exchanges
from .users import add_user

#: Demo accounts: name → role (passwords are generated and returned once in the demo summary).
DEMO_USERS = {"interviewer": "interviewer", "delegate": "icrc_delegate", "negotiator": "negotiator",
              "medic": "medical", "registrar": "registrar"}
COUNTERPART = "RU"


def _person_named(uow: UnitOfWork, name_full: str) -> str | None:
    with uow.read() as conn:
        return conn.execute(select(statements.c.person_id).where(
            statements.c.prop == "name_full", statements.c.value == name_full)).scalars().first()


def _counterpart_list(uow: UnitOfWork, actor: Actor, people: list[dict]) -> tuple[str, list[str]]:
    """A counterpart list (as ``import --kind counterpart_list`` stores it) naming two of our own personnel."""
    own = [p for p in people if p["kind"] == "own_personnel"][:2]
    rows = []
    for n, p in enumerate(own, start=1):
        facts = {prop: value for prop, value, _, _ in p["facts"]}
        data = [[prop, facts[prop], facts[prop], None, False] for prop in ("name_full", "birth_date", "service_number")]
        rows.append({"line": n + 1, "external_id": f"RU-{n:03d}", "data": json.dumps(data, ensure_ascii=False)})
    list_id = new_id()
    sha = hashlib.sha256(("demo counterpart list\n" + "\n".join(r["data"] for r in rows)).encode()).hexdigest()
    with uow.transaction() as conn:
        conn.execute(insert(lists).values(
            id=list_id, label="RU list of Ukrainian personnel held (demo)", kind="counterpart_list",
            filename="demo-ru-list.csv", sha256=sha, encoding="utf-8", source_kind="counterpart_list",
            row_count=len(rows), imported_at=datetime.now(UTC), imported_by=actor.name))
        conn.execute(insert(list_rows), [{"list_id": list_id, "person_id": None, **r} for r in rows])
        audit.append(conn, actor=actor.name, action="list.import", target=list_id,
                     detail={"kind": "counterpart_list", "rows": len(rows), "demo": True})
    return list_id, [r["external_id"] for r in rows]


def seed_custody(uow: UnitOfWork, actor: Actor, ids: dict[str, str], people: list[dict]) -> dict:
    """Add the custody part of the demo after the persons exist; returns what the demo summary shows:
    ``users`` (name → role and one-time password), ``interviews``, ``wishes``, ``counterpart_list``, ``exchange``."""
    users: dict[str, dict] = {}
    if actor.can("user.manage"):
        for name, role in DEMO_USERS.items():
            try:
                users[name] = {"role": role, "password": add_user(uow, actor, name, role)}
            except Conflict:
                users[name] = {"role": role, "password": None}
    interviewer = Actor("interviewer", "interviewer")
    delegate = Actor("delegate", "icrc_delegate")
    medic = Actor("medic", "medical")
    negotiator = Actor("negotiator", "negotiator")
    admin = actor if actor.can("interpreter.manage") else Actor("registrar", "registrar")
    # Only the delegate vouches for an interpreter's independence (domain.interview.check_roster_entry).
    custody.add_interpreter(uow, delegate, "Lee Soo-jin (ICRC)", ["ko", "en"], "independent")
    custody.add_interpreter(uow, admin, "Pak Chol (military intelligence)", ["ko", "ru"],
                            "military intelligence of the detaining power")
    custody.add_interpreter(uow, delegate, "Olena Kravets", ["ru", "uk", "en"], "independent")
    now = datetime.now(UTC).replace(microsecond=0)
    paek, ri = ids["paek"], ids["ri"]
    out: dict = {"interviews": {}, "wishes": {}}
    # Paek: registration-week wish interview through the intelligence service's interpreter, then the delegate.
    i1 = custody.record_interview(uow, interviewer, paek, purpose="wish", language="ko", where="Camp No. 1 (demo)",
                                  when=now - timedelta(days=3), interpreter="Pak Chol (military intelligence)",
                                  present=("Pak Chol (military intelligence)", "camp officer"))
    w1 = custody.record_wish(uow, interviewer, paek, "return", i1["id"])["wish"]
    i2 = custody.record_interview(uow, delegate, paek, purpose="icrc_private", language="ko",
                                  where="Camp No. 1 (demo), ICRC room", when=now - timedelta(days=1),
                                  interpreter="Lee Soo-jin (ICRC)", present=("Lee Soo-jin (ICRC)",))
    custody.verify_wish(uow, delegate, w1["id"], i2["id"])
    # Ri: wants to remain; the delegate confirms that too (a confirmed wish to remain is still never disclosed).
    i3 = custody.record_interview(uow, interviewer, ri, purpose="wish", language="ko", where="Camp No. 1 (demo)",
                                  when=now - timedelta(days=3), interpreter="Lee Soo-jin (ICRC)")
    w3 = custody.record_wish(uow, interviewer, ri, "remain", i3["id"])["wish"]
    i4 = custody.record_interview(uow, delegate, ri, purpose="icrc_private", language="ko",
                                  where="Camp No. 1 (demo), ICRC room", when=now - timedelta(days=1),
                                  interpreter="Lee Soo-jin (ICRC)", present=("Lee Soo-jin (ICRC)",))
    custody.verify_wish(uow, delegate, w3["id"], i4["id"])
    out["interviews"] = {"paek": [i1["id"], i2["id"]], "ri": [i3["id"], i4["id"]]}
    out["wishes"] = {"paek": w1["id"], "ri": w3["id"]}
    # A seriously wounded Korean detainee who wants to go home: medical priority, not counted one-for-one.
    third = next(p for p in people if p["kind"] == "detainee" and "key" not in p)
    wounded = _person_named(uow, next(v for k, v, _, _ in third["facts"] if k == "name_full"))
    if wounded:
        custody.record_medical_decision(uow, medic, wounded, seriously_sick_or_wounded=True,
                                        category="Art. 110(1)(1)", health_box=["seriously_wounded"])
        i5 = custody.record_interview(uow, delegate, wounded, purpose="icrc_private", language="ko",
                                      where="Camp hospital (demo)", when=now - timedelta(hours=5),
                                      interpreter="Lee Soo-jin (ICRC)", present=("Lee Soo-jin (ICRC)",))
        w5 = custody.record_wish(uow, delegate, wounded, "return", i5["id"])["wish"]
        custody.verify_wish(uow, delegate, w5["id"], i5["id"])
        ids["wounded"] = wounded
    list_id, rows = _counterpart_list(uow, actor, people)
    ex = exchanges.create(uow, negotiator, COUNTERPART)
    exchanges.add_incoming_from_list(uow, negotiator, ex["id"], list_id)
    out.update({"users": users, "counterpart_list": list_id, "counterpart_rows": rows, "exchange": ex["id"]})
    return out
