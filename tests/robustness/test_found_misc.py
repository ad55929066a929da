"""Smaller findings of the robustness pass: a UTF-8 file with a damaged byte, and an empty ``--as``."""

import os
import subprocess
import sys

from powbureau.io.encodings import decode_bytes, detect_encoding


def test_utf8_file_with_two_damaged_bytes_stays_utf8_and_names_the_bad_line():
    data = "family,given\nШевченко,Тарас\nКоваленко,Олена\n".encode() + b"Bad\xff\xfe,row\n" + "Мельник,Олег\n".encode()
    assert detect_encoding(data) == "utf-8"
    d = decode_bytes(data)
    assert "Мельник" in d.text and "Шевченко" in d.text
    assert [b.line for b in d.bad_lines] == [4]


def test_cp1251_is_still_cp1251():
    assert detect_encoding("Шевченко Тарас Олегович, Київ, Ірина\n".encode("cp1251")) == "cp1251"


def test_empty_as_user_is_refused(tmp_path):
    env = {**os.environ, "POWBUREAU_DB": f"sqlite:///{tmp_path / 'b.db'}"}
    p = subprocess.run([sys.executable, "-m", "powbureau", "--as", "", "search", "Kim"], capture_output=True,
                       text=True, env=env, timeout=120)
    assert p.returncode != 0 and "error: --as needs a user name" in p.stderr and "Traceback" not in p.stderr
