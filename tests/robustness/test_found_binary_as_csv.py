"""Found by robustness testing: a PNG (or an XLSX, or random bytes) renamed .csv is read as text and reported
as `row 1, column 덽NG: unknown column — map it with --map '덽NG=PROPERTY' …`, i.e. the user is told to map
garbage headers. The file should be recognised as binary / not a text table, with a what-to-do message
(save it as CSV, or give it its .xlsx name); and nothing is written."""

import os
import subprocess
import sys
import zipfile

import pytest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def _xlsx_bytes(tmp_path):
    z = tmp_path / "w.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>" * 50)
    return z.read_bytes()


@pytest.mark.parametrize("what", ["png", "xlsx", "random"])
def test_binary_file_named_csv_is_refused_as_binary(tmp_path, what):
    data = {"png": PNG, "random": os.urandom(4000)}.get(what) or _xlsx_bytes(tmp_path)
    f = tmp_path / "list.csv"
    f.write_bytes(data)
    env = {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "powbureau", *a], capture_output=True,  # noqa: E731
                                    text=True, env=env, cwd=tmp_path, timeout=300)
    assert run("init").returncode == 0
    p = run("import", str(f), "--kind", "detainees")
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert "--map" not in p.stderr, f"binary file treated as a table with odd headers: {p.stderr[:400]}"
    low = p.stderr.lower()
    assert any(w in low for w in ("binary", "not a text", "not a csv", "xlsx", "png")), p.stderr[:400]
