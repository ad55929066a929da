"""Encoding detection and line-level decoding (known cases 20 and 22)."""

from __future__ import annotations

import codecs

import pytest

from powbureau.domain.errors import ValidationFailed
from powbureau.io.encodings import decode_bytes, detect_encoding, normalise_encoding_name

CASE20 = "family,given,dob\nKovalenko,Taras,1990-02-03\nShevchuk,Olena,1985-07-14\n"
CASE22 = "성명,생년월일\n김똠,2001-05-06\n이경탁,1999-12-01\n"
RUSSIAN = "фамилия,имя,отчество\nГнатюк,Сергей,Николаевич\nЩербак,Юрий,Петрович\nИванов,Пётр,Ильич\n"


def test_utf8_with_bom_is_detected_and_the_bom_removed() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + CASE20.encode("utf-8"))
    assert decoded.encoding == "utf-8-sig" and decoded.detected
    assert decoded.text == CASE20


def test_utf8_without_bom() -> None:
    assert detect_encoding("Гнатюк Сергій,1990\n".encode()) == "utf-8"


@pytest.mark.parametrize(("bom", "codec", "name"), [(codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
                                                      (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be")])
def test_utf16_with_bom_as_excel_unicode_text(bom: bytes, codec: str, name: str) -> None:
    text = CASE20.replace(",", "\t")
    decoded = decode_bytes(bom + text.encode(codec))
    assert decoded.encoding == name and decoded.text == text


def test_utf16_without_bom_is_recognised_by_its_nul_bytes() -> None:
    assert detect_encoding(CASE20.encode("utf-16-le")) == "utf-16-le"
    assert detect_encoding(CASE20.encode("utf-16-be")) == "utf-16-be"


def test_case22_cp949_file_is_read_as_cp949_although_euc_kr_fails() -> None:
    data = CASE22.encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        data.decode("euc_kr")  # 똠 is outside the 2,350 EUC-KR syllables
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp949" and decoded.text == CASE22 and decoded.bad_lines == ()


def test_case22_an_euc_kr_request_is_decoded_as_cp949() -> None:
    assert normalise_encoding_name("EUC-KR") == "cp949"
    decoded = decode_bytes(CASE22.encode("cp949"), "euc-kr")
    assert decoded.encoding == "cp949" and "김똠" in decoded.text and not decoded.detected


def test_case22_an_undecodable_line_is_reported_with_its_number_and_the_rest_kept() -> None:
    data = CASE22.encode("cp949") + b"\xff\xfe\xff,2000-01-01\n" + "박성철,1998-02-11\n".encode("cp949")
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp949"
    assert [b.line for b in decoded.bad_lines] == [4]
    assert decoded.bad_lines[0].message().startswith("line 4: cannot be decoded as cp949 — re-save the file")
    assert decoded.text.splitlines() == CASE22.splitlines() + ["", "박성철,1998-02-11"]


def test_cp1251_russian() -> None:
    decoded = decode_bytes(RUSSIAN.encode("cp1251"))
    assert decoded.encoding == "cp1251" and decoded.text == RUSSIAN


def test_cp1251_ukrainian_letters() -> None:
    text = "прізвище,ім'я\nГнатюк,Сергій\nЇжак,Євген\nҐудзь,Іван\n"
    assert decode_bytes(text.encode("cp1251")).text == text


def test_korean_and_russian_files_are_never_confused() -> None:
    assert detect_encoding(RUSSIAN.encode("cp1251")) == "cp1251"
    assert detect_encoding(CASE22.encode("cp949")) == "cp949"
    assert detect_encoding("이름\n한성민\n오지현\n남궁태오\n".encode("euc_kr")) == "cp949"


def test_given_encoding_wins_and_unknown_names_are_refused() -> None:
    assert decode_bytes("Müller\n".encode("latin-1"), "latin-1").text == "Müller\n"
    with pytest.raises(ValidationFailed, match="encoding 'klingon' is unknown — use utf-8, utf-16, cp1251 or cp949"):
        decode_bytes(b"x", "klingon")


def test_crlf_line_numbers_survive_a_bad_line() -> None:
    data = b"a,b\r\n1,2\r\n\x81\x20,3\r\n4,5\r\n"
    decoded = decode_bytes(data, "cp949")
    assert [b.line for b in decoded.bad_lines] == [3]
    assert decoded.text == "a,b\r\n1,2\r\n\r\n4,5\r\n"


def test_western_8bit_text_is_not_taken_for_cyrillic() -> None:
    data = "name\nMüller Jürgen\nJosé Núñez\nFrançois Légère\n".encode("cp1252")
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252" and "Müller" in decoded.text


def test_utf16_line_with_a_broken_code_unit_is_reported() -> None:
    data = codecs.BOM_UTF16_LE + "a\tb\n1\t2\n".encode("utf-16-le") + b"\x00\xd8x\x00\n\x00" + "3\t4\n".encode(
        "utf-16-le")
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-16-le" and [b.line for b in decoded.bad_lines] == [3]
    assert decoded.text == "a\tb\n1\t2\n\n3\t4\n"
