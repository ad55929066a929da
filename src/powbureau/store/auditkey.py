"""The audit key: the secret that keys the audit chain (HMAC-SHA256), kept outside the database.

Whoever can write the database file cannot recompute a keyed chain without this key. It comes from
``POWBUREAU_AUDIT_KEY`` (at least 32 characters), ``POWBUREAU_AUDIT_KEY_FILE``, or a file created on first use
with mode 0600 in the session secret's folder, named by the key's id (recorded in the database's head):
``$XDG_CONFIG_HOME/powbureau/audit-<key id>.key``."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

KEY_ENV = "POWBUREAU_AUDIT_KEY"
KEY_FILE_ENV = "POWBUREAU_AUDIT_KEY_FILE"
MIN_KEY = 32

_cache: dict[tuple[str, str, str], AuditKey] = {}  # keys read or made in this process


@dataclass(frozen=True)
class AuditKey:
    """A loaded key: ``secret`` bytes, ``key_id`` (16 hex, safe to show and store) and ``where`` it came from."""

    secret: bytes
    key_id: str
    where: str

    def mac(self, data: bytes) -> bytes:
        """HMAC-SHA256 of ``data`` under this key (32 bytes)."""
        return hmac.digest(self.secret, data, "sha256")


def database_identity(url: URL | str) -> str:
    """A stable name of the database behind ``url``: the absolute file path for SQLite, the URL without its
    password otherwise. Two spellings of one SQLite file (relative, absolute) give the same identity."""
    u = make_url(url) if isinstance(url, str) else url
    if u.get_backend_name() == "sqlite":
        db = u.database or ":memory:"
        return "sqlite:" + (db if db == ":memory:" else os.path.realpath(db))
    return u.set(password=None).render_as_string(hide_password=False)


def key_dir() -> Path:
    """The folder of generated audit keys: ``$XDG_CONFIG_HOME/powbureau`` (default ``~/.config/powbureau``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "powbureau"


def _key_id(secret: bytes) -> str:
    return hmac.new(secret, b"powbureau-audit-key-id", hashlib.sha256).hexdigest()[:16]


def load_key(key_id: str | None, *, database: str = "") -> AuditKey:
    """The audit key with id ``key_id`` (the one recorded in the database's ``audit_head``): from
    ``POWBUREAU_AUDIT_KEY`` (at least 32 characters), ``POWBUREAU_AUDIT_KEY_FILE``, or the generated file
    ``audit-<key_id>.key`` in ``key_dir()``. ``key_id`` None (a database not keyed yet) creates a new key file
    (64 random hex characters, mode 0600, folder 0700), once per ``database`` in this process. Because the
    file is found by the key's id, a database copied or restored elsewhere keeps its key.

    Raises ``ValueError`` for a too-short key and ``FileNotFoundError`` (saying what to do) when the key
    file of ``key_id`` is missing. A key whose id differs from ``key_id`` is returned as is: the caller refuses."""
    env = os.environ.get(KEY_ENV)
    if env:
        if len(env) < MIN_KEY:
            raise ValueError(f"{KEY_ENV} must be at least {MIN_KEY} characters; use e.g. `openssl rand -hex 32`")
        return AuditKey(env.encode(), _key_id(env.encode()), f"${KEY_ENV}")
    if os.environ.get(KEY_FILE_ENV):
        return _from_file(Path(os.environ[KEY_FILE_ENV]).expanduser(), create=True)
    if key_id:
        return _from_file(key_dir() / f"audit-{key_id}.key", create=False)
    marker = ("new", str(key_dir()), database)
    if marker not in _cache:
        _cache[marker] = _new_key()
    return _cache[marker]


def _new_key() -> AuditKey:
    value = secrets.token_hex(32)
    key = AuditKey(value.encode(), _key_id(value.encode()), "")
    path = key_dir() / f"audit-{key.key_id}.key"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    print(f"powbureau: audit key created in {path} (mode 0600); keep a copy apart from the database backups",
          file=sys.stderr)
    return AuditKey(key.secret, key.key_id, str(path))


def _from_file(path: Path, *, create: bool) -> AuditKey:
    marker = ("file", str(path), "")
    if marker in _cache:
        return _cache[marker]
    if not path.exists():
        if not create:
            raise FileNotFoundError(
                f"the audit key {path.name} of this database is not in {path.parent}: restore it from your key "
                "backup, or set POWBUREAU_AUDIT_KEY_FILE to it; nothing was written")
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        value = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(value + "\n")
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    value = path.read_text(encoding="ascii").strip()
    if len(value) < MIN_KEY:
        raise ValueError(f"the audit key in {path} is shorter than {MIN_KEY} characters; restore the right key file")
    key = AuditKey(value.encode(), _key_id(value.encode()), str(path))
    _cache[marker] = key
    return key
