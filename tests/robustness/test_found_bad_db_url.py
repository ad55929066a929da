"""Found by robustness testing: a POWBUREAU_DB that is not usable ends in a raw SQLAlchemy traceback instead
of a one-line `error: …` naming the database and what to do:
  echo garbage > x.db; POWBUREAU_DB=sqlite:///x.db powbureau search Kim   -> DatabaseError traceback
  POWBUREAU_DB=sqlite:////nonexistent/dir/x.db powbureau search Kim      -> OperationalError traceback
  POWBUREAU_DB=bogus://x powbureau search Kim                            -> NoSuchModuleError traceback"""

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("kind", ["not_a_database", "missing_folder", "unknown_scheme"])
def test_unusable_database_url_gives_one_line_error(tmp_path, kind):
    if kind == "not_a_database":
        f = tmp_path / "x.db"
        f.write_text("this is not a database\n" * 100)
        url = f"sqlite:///{f}"
    elif kind == "missing_folder":
        url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}"
    else:
        url = "bogus://x"
    env = {**os.environ, "POWBUREAU_DB": url}
    p = subprocess.run([sys.executable, "-m", "powbureau", "search", "Kim"], capture_output=True, text=True,
                       env=env, cwd=tmp_path, timeout=300)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr, p.stderr[-600:]
    assert p.stderr.startswith("error: "), p.stderr[-600:]
