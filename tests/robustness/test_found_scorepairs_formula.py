"""Found by robustness testing: `names score-pairs --out` writes the input names unneutralised, so a name
such as =HYPERLINK(...) becomes a live formula when the scored CSV is opened in a spreadsheet (every other
export goes through io.csv_safe.write_csv)."""

import csv
import os
import subprocess
import sys


def test_score_pairs_output_neutralises_formula_cells(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text('name_a,name_b\n=HYPERLINK("http://evil/x"),Ivan\n+cmd,@SUM(1)\n-2+3,Kim\n', encoding="utf-8")
    out = tmp_path / "scored.csv"
    env = {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}"}
    p = subprocess.run([sys.executable, "-m", "powbureau", "names", "score-pairs", str(pairs), "--out", str(out)],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert p.returncode == 0, p.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not dangerous, f"formula cells written unneutralised: {dangerous}"
