"""The store on SQLite and PostgreSQL: migrations, the hash-chained audit log, one transaction per operation."""

import pytest
from sqlalchemy import func, select, text

from powbureau.domain.errors import AuditChainBroken, Conflict, NotAuthenticated, PermissionDenied
from powbureau.domain.roles import Actor
from powbureau.services import users
from powbureau.services.demo import seed_demo
from powbureau.services.registry import change_status, verify_audit
from powbureau.store import audit
from powbureau.store.tables import audit_log, persons


def test_migrate_twice_is_harmless_and_first_start_makes_one_admin(bureau):
    from powbureau.store.db import migrate

    migrate(bureau.uow.engine)
    assert users.ensure_operator(bureau.uow) is None  # second start prints no new password
    with bureau.uow.read() as conn:
        names = set(conn.execute(text("SELECT name FROM users")).scalars())
    assert names == {"operator", "admin"}


def test_initial_admin_password_is_random_and_signs_in(db_url):
    from powbureau.services.bootstrap import bootstrap

    b = bootstrap(db_url)
    pw = users.ensure_operator(b.uow)
    assert pw and len(pw) >= 12
    assert users.authenticate(b.uow, "admin", pw) == Actor("admin", "admin")
    with pytest.raises(NotAuthenticated, match="wrong user name or password"):
        users.authenticate(b.uow, "admin", pw + "x")
    with pytest.raises(NotAuthenticated):  # the CLI operator has no web password at all
        users.authenticate(b.uow, "operator", "")
    b.uow.engine.dispose()


def test_user_add_checks_role_and_duplicates(bureau, operator):
    users.add_user(bureau.uow, operator, "kim.registrar", "registrar", "a-long-password")
    with pytest.raises(Conflict):
        users.add_user(bureau.uow, operator, "kim.registrar", "registrar", "a-long-password")
    with pytest.raises(PermissionDenied):
        users.add_user(bureau.uow, Actor("kim.registrar", "registrar"), "x1", "auditor")


def test_audit_chain_verifies_then_detects_alteration_and_deletion(bureau, operator):
    seed_demo(bureau.uow, operator)
    rep = verify_audit(bureau.uow, operator)
    assert rep.entries >= 3
    with bureau.uow.transaction() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 2).values(actor="mallory"))
    with pytest.raises(AuditChainBroken, match="entry 2 .* altered"):
        verify_audit(bureau.uow, operator)
    with bureau.uow.transaction() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 2).values(actor="operator"))
    verify_audit(bureau.uow, operator)
    with bureau.uow.transaction() as conn:
        last = conn.execute(select(func.max(audit_log.c.seq))).scalar_one()
        conn.execute(audit_log.delete().where(audit_log.c.seq == last))
    with pytest.raises(AuditChainBroken, match="removed"):
        verify_audit(bureau.uow, operator)


def test_failed_operation_writes_nothing_not_even_audit(bureau, operator):
    with bureau.uow.read() as conn:
        before = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    with pytest.raises(RuntimeError):
        with bureau.uow.transaction() as conn:
            audit.append(conn, actor="operator", action="x", target="y")
            raise RuntimeError("boom")
    with bureau.uow.read() as conn:
        assert conn.execute(select(func.count()).select_from(audit_log)).scalar_one() == before


def test_status_change_is_audited_and_illegal_one_changes_nothing(bureau, operator):
    from powbureau.domain.errors import IllegalTransition

    ids = seed_demo(bureau.uow, operator)["motivating_case"]
    pid = ids["paek"]
    change_status(bureau.uow, operator, pid, "hospitalised", place="Field hospital 3")
    with pytest.raises(IllegalTransition):
        change_status(bureau.uow, operator, pid, "released", place="x")
    with bureau.uow.read() as conn:
        assert conn.execute(select(persons.c.status).where(persons.c.id == pid)).scalar_one() == "hospitalised"
    assert verify_audit(bureau.uow, operator).entries >= 4


def test_password_reset_replaces_old_password_and_is_admin_only(bureau, operator):
    from powbureau.domain.errors import NotFound

    old = users.add_user(bureau.uow, operator, "lee", "auditor")
    new = users.reset_password(bureau.uow, operator, "lee")
    assert users.authenticate(bureau.uow, "lee", new).role == "auditor"
    with pytest.raises(NotAuthenticated):
        users.authenticate(bureau.uow, "lee", old)
    with pytest.raises(PermissionDenied):
        users.reset_password(bureau.uow, Actor("lee", "auditor"), "admin")
    with pytest.raises(NotFound):
        users.reset_password(bureau.uow, operator, "operator")
