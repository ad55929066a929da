"""Found by robustness testing (issue 8, finding 7): argon2 ran only for existing users (0.35 s against
0.009 s, so names could be enumerated by timing); 160 wrong passwords in parallel slowed a signed-in user's
/api/me to 6.4 s; there was no way to disable a user. Asserted by counting hasher calls, never by timing."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from powbureau.domain.sessions import SigninLimits
from powbureau.services import users

from .conftest import ROLES, sign_in


class SpyHasher:
    """Wraps the real argon2 hasher; counts ``verify`` calls and the most that ran at the same moment."""

    def __init__(self, real) -> None:  # noqa: ANN001
        self.real, self.calls, self.running, self.most = real, 0, 0, 0
        self.lock = threading.Lock()

    def verify(self, stored: str, password: str) -> bool:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.02)  # hold the slot a little so overlapping calls overlap (no timing is asserted)
            return self.real.verify(stored, password)
        finally:
            with self.lock:
                self.running -= 1

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.real, name)


@pytest.fixture()
def spy(monkeypatch) -> SpyHasher:
    s = SpyHasher(users._hasher)
    users._dummy_hash()  # made once, outside the count
    monkeypatch.setattr(users, "_hasher", s)
    return s


def test_unknown_user_costs_the_same_argon2_work_as_a_known_one(client, spy):
    assert sign_in(client, "registrar", "wrong password!").status_code == 401
    assert spy.calls == 1
    r = sign_in(client, "no-such-user", "wrong password!")
    assert r.status_code == 401 and "wrong user name or password" in r.text
    assert spy.calls == 2  # the unknown name was verified too, against a dummy hash
    assert client.get("/api/me", auth=("nobody-here", "wrong password!")).status_code == 401
    assert spy.calls == 3
    assert sign_in(client, "operator", "anything at all").status_code == 401  # no password: dummy work too
    assert spy.calls == 4


def test_a_signed_in_session_does_no_argon2_work(browser_for, spy):
    b = browser_for("registrar")
    before = spy.calls
    for _ in range(5):
        assert b.get("/api/me").status_code == 200
    assert spy.calls == before


def test_a_flood_of_wrong_passwords_runs_argon2_in_a_bounded_pool(app, spy):
    app.state.signin_limits = SigninLimits(per_user=1000, per_address=1000)
    workers = app.state.hash_workers

    async def flood() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            rs = await asyncio.gather(*(c.get("/api/me", auth=(ROLES[i % 4], "wrong password!"))
                                        for i in range(24)))
        return [r.status_code for r in rs]

    assert asyncio.run(flood()) == [401] * 24
    assert spy.calls == 24
    assert 1 <= spy.most <= workers  # before: up to the 40 threads of the default pool at once
