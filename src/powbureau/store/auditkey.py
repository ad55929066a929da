"""The audit key: the secret that keys the audit chain (HMAC-SHA256), kept outside the database.

Whoever can write the database file cannot recompute a keyed chain without this key. It comes from
``POWBUREAU_AUDIT_KEY`` (at least 32 characters), ``POWBUREAU_AUDIT_KEY_FILE``, or a file created on first use
with mode 0600 in the session secret's folder: ``$XDG_CONFIG_HOME/powbureau/audit-<hash of the database>.key``."""

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

_cache: dict[tuple[str, str, str], AuditKey] = {}


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


def key_path(url: URL | str) -> Path:
    """Where the key of ``url``'s database lives: ``POWBUREAU_AUDIT_KEY_FILE`` or
    ``$XDG_CONFIG_HOME/powbureau/audit-<first 16 hex of SHA-256 of the database identity>.key``."""
    if os.environ.get(KEY_FILE_ENV):
        return Path(os.environ[KEY_FILE_ENV]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    tag = hashlib.sha256(database_identity(url).encode()).hexdigest()[:16]
    return Path(base) / "powbureau" / f"audit-{tag}.key"


def _key_id(secret: bytes) -> str:
    return hmac.new(secret, b"powbureau-audit-key-id", hashlib.sha256).hexdigest()[:16]


def load_key(url: URL | str) -> AuditKey:
    """The audit key of ``url``'s database, created (64 random hex characters, mode 0600, folder 0700) when
    neither variable is set and no file exists. Raises ``ValueError`` for a key shorter than 32 characters."""
    env = os.environ.get(KEY_ENV)
    path = key_path(url)
    marker = (env or "", str(path), database_identity(url))
    if marker in _cache:
        return _cache[marker]
    if env:
        if len(env) < MIN_KEY:
            raise ValueError(f"{KEY_ENV} must be at least {MIN_KEY} characters; use e.g. `openssl rand -hex 32`")
        key = AuditKey(env.encode(), _key_id(env.encode()), f"${KEY_ENV}")
    else:
        key = _from_file(path)
    _cache[marker] = key
    return key


def _from_file(path: Path) -> AuditKey:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        value = path.read_text(encoding="ascii").strip()
        if len(value) < MIN_KEY:
            raise ValueError(f"the audit key in {path} is shorter than {MIN_KEY} characters; restore the right key "
                             "file (set POWBUREAU_AUDIT_KEY_FILE) or remove it on a new, empty database") from None
        return AuditKey(value.encode(), _key_id(value.encode()), str(path))
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    print(f"powbureau: audit key created in {path} (mode 0600); keep a copy apart from the database backups",
          file=sys.stderr)
    return AuditKey(value.encode(), _key_id(value.encode()), str(path))
