"""The audit key lives outside the database: created on first use with mode 0600 under XDG_CONFIG_HOME (the
tests' own temporary folder, never the real home), refused when too short, and a different key is named as
such instead of passing for tampering."""

from __future__ import annotations

import os
import stat

import pytest

from powbureau.domain.errors import AuditChainBroken
from powbureau.services import registry, users
from powbureau.store import auditkey
from tests.services.custody_world import ADMIN


def test_key_file_is_private_and_outside_the_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    url = f"sqlite:///{tmp_path / 'x.db'}"
    key = auditkey.load_key(url)
    path = auditkey.key_path(url)
    assert path.parent == tmp_path / "cfg" / "powbureau" and key.where == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert auditkey.key_path(f"sqlite:///{os.path.relpath(tmp_path / 'x.db')}") == path  # same file, same key
    assert auditkey.key_path(f"sqlite:///{tmp_path / 'y.db'}") != path


def test_short_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("POWBUREAU_AUDIT_KEY", "short")
    with pytest.raises(ValueError, match="at least 32 characters"):
        auditkey.load_key(f"sqlite:///{tmp_path / 'z.db'}")


def test_another_key_is_named_and_writes_are_refused(bureau, monkeypatch):
    registry.verify_audit(bureau.uow, ADMIN)
    monkeypatch.setenv("POWBUREAU_AUDIT_KEY", "k" * 40)
    with pytest.raises(AuditChainBroken, match="keyed with audit key .* but the key found"):
        registry.verify_audit(bureau.uow, ADMIN)
    with pytest.raises(AuditChainBroken, match="restore the right key file"):
        users.add_user(bureau.uow, ADMIN, "lee", "auditor")
