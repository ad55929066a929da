"""Shared fixtures: where the real data lives (``../shared`` beside the repository)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POWBUREAU_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ``../shared/data`` folder; skips the test, saying why, when it is absent."""
    if not DATA.is_dir():
        pytest.skip(f"real data not found at {DATA} (set POWBUREAU_SHARED or put shared/ beside the repo)")
    return DATA


@pytest.fixture(autouse=True, scope="session")
def _private_config_home(tmp_path_factory):
    """Keep audit keys and session secrets of the many throwaway databases out of the real home folder: a
    temporary ``XDG_CONFIG_HOME`` for the whole run (inherited by the CLI subprocesses)."""
    old = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config-home"))
    for var in ("POWBUREAU_AUDIT_KEY", "POWBUREAU_AUDIT_KEY_FILE"):
        os.environ.pop(var, None)
    yield
    if old is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = old


@pytest.fixture(autouse=True, scope="session")
def _absolute_pythonpath():
    """Make a relative ``PYTHONPATH`` (``PYTHONPATH=src``, as run from a worktree) absolute for the whole run, so
    the CLI subprocesses that tests start in their temporary folders import this checkout's code, not whatever
    the virtualenv's editable install points at."""
    old = os.environ.get("PYTHONPATH")
    if old:
        os.environ["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in old.split(os.pathsep) if p)
    yield
    if old is not None:
        os.environ["PYTHONPATH"] = old


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database URL: SQLite in a temp folder, and PostgreSQL when ``POWBUREAU_TEST_PG`` is set
    (``./test`` starts a throwaway cluster; each pytest-xdist worker has its own database in it, tests/fresh.py);
    the PostgreSQL case is skipped, with its reason, otherwise."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bureau.db'}"
    base = os.environ.get("POWBUREAU_TEST_PG")
    if not base:
        pytest.skip("POWBUREAU_TEST_PG not set: run ./test to start a throwaway PostgreSQL")
    from fresh import pg_empty

    return pg_empty(base)


@pytest.fixture
def bureau(db_url):
    """A migrated ``Bureau`` on ``db_url`` with the operator account (and the initial ``admin``) created: a copy
    of a template built once per test process (tests/fresh.py), as ``bootstrap`` + ``ensure_operator`` make it."""
    from fresh import pg_copy, sqlite_copy

    from powbureau.services.bootstrap import bootstrap

    if db_url.startswith("sqlite"):
        url = sqlite_copy(Path(db_url.removeprefix("sqlite:///")), operator=True)
    else:
        url = pg_copy(os.environ["POWBUREAU_TEST_PG"], operator=True)
    b = bootstrap(url)
    yield b
    b.uow.engine.dispose()


@pytest.fixture
def operator():
    """The local operator actor (role admin), as the CLI uses it."""
    from powbureau.domain.roles import Actor

    return Actor("operator", "admin")


@pytest.fixture
def powbureau_cli(tmp_path):
    """Run the CLI as a user does: ``run(*args)`` → ``subprocess.CompletedProcess`` of ``python -m powbureau``
    on a fresh SQLite database ``tmp_path/b.db`` (``run.db``; environment in ``run.env``), in ``tmp_path``."""
    import subprocess
    import sys

    env = {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}", "COLUMNS": "200"}

    def run(*args, timeout: int = 600):
        return subprocess.run([sys.executable, "-m", "powbureau", *map(str, args)], capture_output=True, text=True,
                              env=env, cwd=tmp_path, timeout=timeout)

    run.env, run.db = env, tmp_path / "b.db"
    return run
