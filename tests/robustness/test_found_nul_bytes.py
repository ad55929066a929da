"""Found by robustness testing: a CSV cell holding a NUL byte (b'AB\\x00CD') is imported silently and the
NUL is stored in statements.value (PostgreSQL refuses NUL in text, so the same file breaks there). The
import should refuse the cell, naming row and column (or at least never store the NUL)."""

import sqlite3


def test_nul_byte_in_a_cell_is_reported_not_stored(tmp_path, powbureau_cli):
    run = powbureau_cli

    assert run("init").returncode == 0
    f = tmp_path / "nul.csv"
    f.write_bytes(b"external_id,name_full\n1,AB\x00CD\n")
    p = run("import", str(f), "--kind", "detainees")
    assert "Traceback" not in p.stderr
    with sqlite3.connect(tmp_path / "b.db") as c:
        stored = [v for (v,) in c.execute("select value from statements") if "\x00" in v]
    assert not stored, "a NUL byte was stored in a statement value"
    assert p.returncode != 0 and "row 2" in p.stderr and "name_full" in p.stderr, (p.returncode, p.stdout, p.stderr)
