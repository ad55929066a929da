"""The audit key lives outside the database: created on first use with mode 0600 under XDG_CONFIG_HOME (the
tests' own temporary folder, never the real home) and found again by its id, so a copied or restored database
keeps its key; a lost key, a too-short key and a different key are each named instead of passing for tampering."""

from __future__ import annotations

import os
import shutil
import stat

import pytest
from sqlalchemy import text

from powbureau.domain.errors import AuditChainBroken
from powbureau.services import registry, users
from powbureau.store import auditkey
from tests.services.custody_world import ADMIN


def test_key_file_is_private_and_found_by_its_id(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    key = auditkey.load_key(None, database="test-db")
    path = tmp_path / "cfg" / "powbureau" / f"audit-{key.key_id}.key"
    assert key.where == str(path) and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert auditkey.load_key(key.key_id).secret == key.secret
    with pytest.raises(FileNotFoundError, match="restore it from your key backup"):
        auditkey.load_key("0123456789abcdef")


def test_copied_database_keeps_its_key_and_a_lost_key_is_named(tmp_path):
    from powbureau.services.bootstrap import bootstrap
    from powbureau.services.users import ensure_operator

    b = bootstrap(f"sqlite:///{tmp_path / 'a.db'}")
    ensure_operator(b.uow)
    b.uow.engine.dispose()
    shutil.copyfile(tmp_path / "a.db", tmp_path / "restored.db")
    c = bootstrap(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        assert registry.verify_audit(c.uow, ADMIN).entries >= 2
        with c.uow.read() as conn:
            kid = conn.execute(text("select key_id from audit_head")).scalar_one()
        os.rename(auditkey.key_dir() / f"audit-{kid}.key", tmp_path / "elsewhere.key")
        auditkey._cache.clear()
        with pytest.raises(AuditChainBroken, match=f"audit key audit-{kid}.key of this database is not in"):
            registry.verify_audit(c.uow, ADMIN)
        os.rename(tmp_path / "elsewhere.key", auditkey.key_dir() / f"audit-{kid}.key")
    finally:
        c.uow.engine.dispose()


def test_short_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("POWBUREAU_AUDIT_KEY", "short")
    with pytest.raises(ValueError, match="at least 32 characters"):
        auditkey.load_key(None, database=str(tmp_path))


def test_another_key_is_named_and_writes_are_refused(bureau, monkeypatch):
    registry.verify_audit(bureau.uow, ADMIN)
    monkeypatch.setenv("POWBUREAU_AUDIT_KEY", "k" * 40)
    with pytest.raises(AuditChainBroken, match="keyed with audit key .* but the key found"):
        registry.verify_audit(bureau.uow, ADMIN)
    with pytest.raises(AuditChainBroken, match="restore the right key file"):
        users.add_user(bureau.uow, ADMIN, "lee", "auditor")
