"""The import use case on SQLite and PostgreSQL: all or nothing, provenance on every value, refusals."""

import json

import pytest
from sqlalchemy import func, select

from powbureau.domain.errors import DuplicateImport, PermissionDenied, ValidationFailed
from powbureau.domain.roles import Actor
from powbureau.services.imports import ImportOptions, import_list
from powbureau.services.registry import search, show, verify_audit
from powbureau.store.tables import list_rows, persons, statements

AUS_MAP = "dva_id=external_id,name=name_full,date_of_birth=birth_date,place_of_birth=birth_place"


def count(bureau, table):
    with bureau.uow.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_korean_and_cyrillic_list_imports_with_provenance(bureau, operator, tmp_path):
    f = write(tmp_path, "ko.csv", "external_id,name_full,birth_date,serving_power\n"
              "K1,백광혁,2001-03,KP\nK2,\"Paek, Kwang Hyok (AKA: Baek, Gwang-hyeok)\",27.09.1999,KP\n"
              "R1,Монгуш Айдыс Сергеевич,1999,RU\n")
    s = import_list(bureau.uow, operator, ImportOptions(path=f, kind="detainees", label="intake 3"))
    assert (s["imported"], s["rejected"], s["persons"]) == (3, 0, 3)
    with bureau.uow.read() as conn:
        refs = set(conn.execute(select(statements.c.source_ref)).scalars())
        kinds = set(conn.execute(select(statements.c.source_kind)).scalars())
        aliases = conn.execute(select(statements.c.value).where(statements.c.alias.is_(True))).scalars().all()
    assert refs == {f"list:{s['list_id']}#{n}" for n in (2, 3, 4)}
    assert kinds == {"third_party"}
    assert any("Baek" in a for a in aliases)
    hit = search(bureau.uow, operator, "Baek Gwang-hyeok")
    assert hit and hit[0].external_id == "K2"
    v = show(bureau.uow, operator, hit[0].person_id)
    assert v.resolved["birth_date"] == "1999-09-27"


def test_invalid_row_refuses_whole_file_and_lists_every_error(bureau, operator, tmp_path):
    f = write(tmp_path, "bad.csv", "external_id,name_full,birth_date,serving_power\n"
              "1,Kim Chol,1990-13-01,KP\n2,,1990,KP\n3,Ri Un Ha,1991,XX\n4,Pak Song,1992,KP\n")
    with pytest.raises(ValidationFailed) as e:
        import_list(bureau.uow, operator, ImportOptions(path=f, kind="detainees"))
    msg = e.value.message
    assert "nothing was imported" in msg
    assert "row 2, column birth_date" in msg and "row 3" in msg and "row 4, column serving_power" in msg
    assert count(bureau, persons) == 0 and count(bureau, statements) == 0


def test_skip_invalid_stores_valid_rows_and_writes_rejects(bureau, operator, tmp_path):
    f = write(tmp_path, "bad.csv", "external_id,name_full,birth_date\n1,Kim Chol,1990-13-01\n2,Pak Song,1992\n")
    rej = tmp_path / "rejects.csv"
    s = import_list(bureau.uow, operator, ImportOptions(path=f, kind="detainees", skip_invalid=True,
                                                       rejects_path=rej))
    assert (s["imported"], s["rejected"]) == (1, 1)
    text = rej.read_text(encoding="utf-8")
    assert "Kim Chol" in text and "birth_date" in text and "Pak Song" not in text


def test_same_file_twice_is_refused_and_nothing_changes(bureau, operator, tmp_path):
    f = write(tmp_path, "a.csv", "external_id,name_full\n1,Kim Chol\n")
    import_list(bureau.uow, operator, ImportOptions(path=f, kind="detainees"))
    with pytest.raises(DuplicateImport, match="already imported"):
        import_list(bureau.uow, operator, ImportOptions(path=f, kind="detainees"))
    assert count(bureau, persons) == 1


def test_external_id_already_in_registry_is_refused(bureau, operator, tmp_path):
    import_list(bureau.uow, operator, ImportOptions(path=write(tmp_path, "a.csv", "external_id,name_full\n7,Kim Chol\n"),
                                                    kind="detainees"))
    with pytest.raises(ValidationFailed, match="row 2, column external_id: external_id '7' is already"):
        import_list(bureau.uow, operator, ImportOptions(
            path=write(tmp_path, "b.csv", "external_id,name_full\n7,Pak Song\n"), kind="detainees"))
    assert count(bureau, persons) == 1


def test_counterpart_list_is_stored_as_rows_not_persons(bureau, operator, tmp_path):
    f = write(tmp_path, "cp.csv", "external_id,name_full,birth_date\nU1,Hnatiuk Serhii,1990\n")
    s = import_list(bureau.uow, operator, ImportOptions(path=f, kind="counterpart_list"))
    assert count(bureau, persons) == 0
    with bureau.uow.read() as conn:
        data = json.loads(conn.execute(select(list_rows.c.data)).scalar_one())
    assert ["name_full", "Hnatiuk Serhii"] in [d[:2] for d in data] and s["imported"] == 1


def test_auditor_may_not_import(bureau, tmp_path):
    f = write(tmp_path, "a.csv", "external_id,name_full\n1,Kim Chol\n")
    with pytest.raises(PermissionDenied):
        import_list(bureau.uow, Actor("aud", "auditor"), ImportOptions(path=f, kind="detainees"))


def test_real_australian_list_imports_whole(bureau, operator, shared_data):
    src = shared_data / "pow_australia_ww2" / "australia_ww2_pows.csv"
    from powbureau.io.properties import parse_mapping  # noqa: F401  (mapping text is parsed by the service)

    s = import_list(bureau.uow, operator, ImportOptions(path=src, kind="own_personnel", mapping=AUS_MAP))
    assert s["imported"] == 5000 and s["rejected"] == 0
    assert s["persons"] == 5000 - 16  # 16 DVA ids are listed twice: one person, two names
    with bureau.uow.read() as conn:
        n_alias_rows = conn.execute(
            select(func.count(func.distinct(statements.c.source_ref))).where(statements.c.alias.is_(True))
        ).scalar_one()
    assert n_alias_rows == 53
    hits = search(bureau.uow, operator, "ABBOT", limit=100)
    assert hits and all("ABBOTT" in h.name for h in hits[:5])
    assert {h.name.split(",")[0] for h in hits[:5]} == {"ABBOTT"}
    assert verify_audit(bureau.uow, operator).entries >= 3
