"""Hotline intake in batches and re-matching through the index (issue 11), on SQLite and PostgreSQL: every row of
a file is stored, indexed and covered by the audit chain; a file stored without matching is still found by a
later list import, and only the enquiries whose keys meet the new rows are re-matched."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from powbureau.domain.errors import AuditChainBroken
from powbureau.domain.roles import Actor
from powbureau.services import enquiries as enq
from powbureau.services.imports import ImportOptions, import_list
from powbureau.services.registry import verify_audit

OPERATOR = Actor("operator", "admin")
HEADER = "reference,channel,enquirer_name,enquirer_relationship,enquirer_language,consent,name_full,birth_date," \
         "service_number,side\n"


def _hotline(tmp_path, n: int):
    f = tmp_path / "hotline.csv"
    rows = [f"H-{i},hotline,Олена {i},мати,uk,так,Шевченко Андрій{'' if i == 0 else f' {i}'},1998-04,," \
            f"own\n" for i in range(n)]
    rows[1] = "H-1,hotline,Ірина,дружина,uk,так,Коваленко Ігор Петрович,1975,ВА-123456,own\n"
    f.write_text(HEADER + "".join(rows), encoding="utf-8")
    return f


def test_a_large_file_is_stored_in_batches_audited_and_found_by_a_later_list(bureau, tmp_path, monkeypatch):
    monkeypatch.setattr(enq, "INTAKE_BATCH", 2)  # several batches, one audit entry each
    uow = bureau.uow
    out = enq.import_enquiries(uow, OPERATOR, _hotline(tmp_path, 5), match=False)
    assert out["imported"] == 5 and out["possible_hits"] == 0 and out["matched"] is False
    views = [enq.show_enquiry(uow, OPERATOR, i) for i in out["enquiry_ids"]]
    assert [v["state"] for v in views] == ["open"] * 5
    assert views[1]["sought"]["service_number"] == "ВА-123456" and views[1]["reference"] == "H-1"
    with uow.read() as conn:
        keys = set(conn.execute(text("select key from enquiry_keys where enquiry_id = :e"),
                                {"e": out["enquiry_ids"][1]}).scalars())
        entries = conn.execute(text("select count(*) from audit_log where action = 'enquiry.intake'")).scalar()
    assert "SN:ВА123456" in keys and "V:KVLNK" in keys  # the number and the consonants of Коваленко
    assert entries == 3
    assert verify_audit(uow, OPERATOR)

    f = tmp_path / "theirs.csv"  # their list names him in Latin script, with his number
    f.write_text("external_id,name_full,birth_date,service_number\nR1,\"KOVALENKO, Igor\",1975-03-02,VA 123456\n",
                 encoding="utf-8")
    res = import_list(uow, OPERATOR, ImportOptions(path=f, kind="counterpart_list"))
    assert res["enquiries_rematched"] == 1  # only the enquiry whose keys meet the row's, not all five
    view = enq.show_enquiry(uow, OPERATOR, out["enquiry_ids"][1])
    assert view["state"] == "possible_hit"
    assert view["candidates"][0]["target"] == f"row:{res['list_id']}#2"

    with bureau.uow.engine.begin() as conn:  # an enquiry edited outside the bureau is caught
        conn.execute(text("update enquiries set reference = 'forged' where id = :e"), {"e": out["enquiry_ids"][3]})
    with pytest.raises(AuditChainBroken) as exc:
        verify_audit(uow, OPERATOR)
    assert out["enquiry_ids"][3] in str(exc.value)


def test_an_invalid_row_late_in_a_file_leaves_nothing_behind(bureau, tmp_path, monkeypatch):
    monkeypatch.setattr(enq, "INTAKE_BATCH", 2)  # the first batches are written before the bad row is read
    f = _hotline(tmp_path, 6)
    f.write_text(f.read_text(encoding="utf-8").replace("H-5,hotline", "H-5,pigeon"), encoding="utf-8")
    with pytest.raises(Exception) as exc:
        enq.import_enquiries(bureau.uow, OPERATOR, f)
    assert "row 7, column channel" in str(exc.value)
    assert enq.list_enquiries(bureau.uow, OPERATOR) == []
    with bureau.uow.read() as conn:
        assert not conn.execute(text("select count(*) from enquiry_keys")).scalar()
