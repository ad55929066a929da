"""Found by robustness testing: Ctrl-C (SIGINT) during `powbureau import` of a large file leaves the database
untouched (good) but exits 130 with NO message at all: Typer turns KeyboardInterrupt into a silent Exit(130)
before cli.main's `except KeyboardInterrupt` ("interrupted: nothing was written …") can run. DESIGN §5: every
error exits non-zero with a one-line reason."""

import os
import signal
import sqlite3
import subprocess
import sys
import time


def test_interrupted_import_says_so_and_writes_nothing(tmp_path):
    env = {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}"}
    assert subprocess.run([sys.executable, "-m", "powbureau", "init"], env=env, cwd=tmp_path,
                          capture_output=True, timeout=300).returncode == 0
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("external_id,name_full,birth_date,service_number\n")
        for i in range(60000):
            fh.write(f"X{i},Ivanov Ivan {i},19{50 + i % 50}-0{1 + i % 9},SN{i}\n")
    db = tmp_path / "b.db"
    with sqlite3.connect(db) as c:
        before = [c.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("persons", "statements", "list_rows", "audit_log")]
    p = subprocess.Popen([sys.executable, "-m", "powbureau", "import", str(big), "--kind", "detainees"],
                         env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(2.5)
    assert p.poll() is None, "import finished before it could be interrupted; make the file larger"
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=300)
    assert p.returncode != 0
    assert "Traceback" not in err
    with sqlite3.connect(db) as c:
        after = [c.execute(f"select count(*) from {t}").fetchone()[0]
                 for t in ("persons", "statements", "list_rows", "audit_log")]
    assert after == before
    assert "interrupted" in (out + err).lower(), f"no message on Ctrl-C: stdout={out!r} stderr={err!r}"
