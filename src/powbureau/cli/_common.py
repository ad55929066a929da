"""Shared pieces of the CLI: the lazily wired bureau and actor, JSON output, one-line errors."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, NoReturn

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


@dataclass
class State:
    """Per-invocation state: ``--as`` user; the bureau is wired only when a command needs the database."""

    as_user: str | None
    _bureau: Any = field(default=None, repr=False)

    def bureau(self):  # noqa: ANN201
        """The wired ``Bureau`` (database migrated, operator account present)."""
        if self._bureau is None:
            from ..services.bootstrap import bootstrap
            from ..services.users import ensure_operator

            self._bureau = bootstrap()
            password = ensure_operator(self._bureau.uow)
            if password:
                announce_admin(password)
        return self._bureau

    def actor(self):  # noqa: ANN201
        """The acting user: ``--as`` or the local operator."""
        from ..domain.errors import NotAuthenticated
        from ..services.users import OPERATOR, actor_named

        if self.as_user is not None and not self.as_user.strip():
            raise NotAuthenticated("--as needs a user name; leave it out to act as the local operator")
        return actor_named(self.bureau().uow, self.as_user or OPERATOR)


def announce_admin(password: str) -> None:
    """Print the initial web admin's password, once, to the terminal (stderr, so --json output stays clean)."""
    err_console.print(
        "[bold]Initial web account created[/bold] — user [bold]admin[/bold], password "
        f"[bold]{password}[/bold]\nThis password is shown only now: note it and sign in at /login. Set a new one "
        "with `powbureau user password admin`; create named users with `powbureau user add NAME --role ROLE`."
    )


def print_json(obj: Any) -> None:
    """Write ``obj`` as JSON (UTF-8, not ASCII-escaped) to stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, *, code: str = "error", exit_code: int = 1) -> NoReturn:
    """Print ``error: <message>`` on one line to stderr and exit non-zero."""
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise SystemExit(exit_code)
