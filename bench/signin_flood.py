"""Sign-in flood benchmark (issue 8, finding 7): start `powbureau serve` on loopback over a fresh SQLite bureau,
fire 160 wrong passwords (HTTP Basic on /api/me) from 16 threads while one signed-in browser session polls
/api/me, and print p50/p95 of the poller's /api/me; then the sign-in time for a known name against an unknown
one. Two runs: the default rate limits, and limits raised so every attempt costs argon2 work. Figures only.

Usage: .venv/bin/python bench/signin_flood.py [--attempts 160] [--threads 16] [--repeats 10]"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from powbureau.domain.roles import Actor  # noqa: E402
from powbureau.services.bootstrap import bootstrap  # noqa: E402
from powbureau.services.users import add_user, ensure_operator  # noqa: E402

PASSWORD = "bench password 1"  # a throwaway account in a temporary database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: str, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "POWBUREAU_DB": db, "POWBUREAU_SECRET": "b" * 48, **env_extra}
    proc = subprocess.Popen([sys.executable, "-m", "powbureau", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/login", timeout=1)
            return proc, base
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not start")


def signed_in_client(base: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"user": "poller", "password": PASSWORD, "csrf_token": token, "next": "/"})
    assert r.status_code == 303, r.text
    return c


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))] * 1000


def flood_run(base: str, attempts: int, threads: int) -> dict:
    poller = signed_in_client(base)
    done = threading.Event()
    polls: list[float] = []

    def poll() -> None:
        while not done.is_set():
            t = time.perf_counter()
            assert poller.get("/api/me").status_code == 200
            polls.append(time.perf_counter() - t)
            time.sleep(0.02)

    codes: dict[int, int] = {}
    lock = threading.Lock()

    def attack(i: int) -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            code = c.get("/api/me", auth=(f"target{i % 4}" if i % 2 else "poller", "wrong password!")).status_code
        with lock:
            codes[code] = codes.get(code, 0) + 1

    quiet = []
    for _ in range(20):
        t = time.perf_counter()
        poller.get("/api/me")
        quiet.append(time.perf_counter() - t)
    th = threading.Thread(target=poll)
    th.start()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as ex:
        list(ex.map(attack, range(attempts)))
    elapsed = time.perf_counter() - t0
    done.set()
    th.join()
    return {"quiet_p50": pct(quiet, .5), "p50": pct(polls, .5), "p95": pct(polls, .95), "max": max(polls) * 1000,
            "polls": len(polls), "flood_s": elapsed, "codes": dict(sorted(codes.items()))}


def gap_run(base: str, repeats: int) -> tuple[float, float]:
    known, unknown = [], []
    with httpx.Client(base_url=base, timeout=60) as c:
        for i in range(repeats):
            for name, out in (("poller", known), (f"nobody{i}", unknown)):
                t = time.perf_counter()
                assert c.get("/api/me", auth=(name, "wrong password!")).status_code == 401
                out.append(time.perf_counter() - t)
    return statistics.median(known) * 1000, statistics.median(unknown) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--attempts", type=int, default=160)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'flood.db'}"
        bureau = bootstrap(db)
        ensure_operator(bureau.uow)
        add_user(bureau.uow, Actor("operator", "admin"), "poller", "registrar", PASSWORD)
        bureau.uow.engine.dispose()
        print(f"CPUs: {os.cpu_count()}; {args.attempts} wrong passwords from {args.threads} threads; "
              "/api/me polled by one signed-in session (ms)")
        runs = [("default limits (5/user, 20/address in 15 min)", {}),
                ("limits raised: every attempt does argon2", {"POWBUREAU_SIGNIN_PER_USER": "100000",
                                                               "POWBUREAU_SIGNIN_PER_ADDRESS": "100000"})]
        for label, env in runs:
            proc, base = serve(db, env)
            try:
                r = flood_run(base, args.attempts, args.threads)
                print(f"{label}: quiet p50 {r['quiet_p50']:.1f}; during flood p50 {r['p50']:.1f} "
                      f"p95 {r['p95']:.1f} max {r['max']:.1f} ({r['polls']} polls); flood took "
                      f"{r['flood_s']:.1f} s; answers {r['codes']}")
                if env:
                    k, u = gap_run(base, args.repeats)
                    print(f"wrong password, median of {args.repeats}: known user {k:.1f} ms, unknown user "
                          f"{u:.1f} ms, gap {k - u:+.1f} ms")
            finally:
                proc.terminate()
                proc.wait(10)


if __name__ == "__main__":
    main()
