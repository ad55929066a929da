"""Found by robustness testing: `registry.add_statement` (and so POST /api/persons/{id}/statements) stores
values the importer refuses — birth date 1990-02-30, nationality 'XX', a birth date in 2999, a NUL byte —
and a statement pointing at an interview id that does not exist. Each should be a ValidationFailed (HTTP 422)
with a clear reason, and nothing stored.

Reproduce over HTTP: curl -u kim:PW -H 'Content-Type: application/json'
  -d '{"property":"birth_date","value":"1990-02-30","source_kind":"document","source_ref":"r"}'
  http://127.0.0.1:8189/api/persons/ID/statements   -> 201 (expected 422)"""

import pytest
from sqlalchemy import func, select

from powbureau.domain.errors import PowBureauError
from powbureau.services import registry
from powbureau.services.imports import ImportOptions, import_list
from powbureau.store.tables import statements


@pytest.fixture
def person_id(bureau, operator, tmp_path):
    f = tmp_path / "one.csv"
    f.write_text("external_id,name_full\nP1,Ivan Petrov\n", encoding="utf-8")
    import_list(bureau.uow, operator, ImportOptions(path=f, kind="detainees"))
    with bureau.uow.engine.connect() as c:
        from powbureau.store.tables import persons
        return c.execute(select(persons.c.id)).scalar_one()


def _count(bureau):
    with bureau.uow.engine.connect() as c:
        return c.execute(select(func.count()).select_from(statements)).scalar_one()


@pytest.mark.parametrize("prop,value", [
    ("birth_date", "1990-02-30"),
    ("birth_date", "2999-01-01"),
    ("nationality", "XX"),
    ("serving_power", "USSR"),
    ("rank", "a\x00b"),
])
def test_add_statement_refuses_what_the_importer_refuses(bureau, operator, person_id, prop, value):
    before = _count(bureau)
    with pytest.raises(PowBureauError):
        registry.add_statement(bureau.uow, operator, person_id, prop, value, source_kind="document",
                               source_ref="test")
    assert _count(bureau) == before


def test_add_statement_refuses_an_unknown_interview(bureau, operator, person_id):
    before = _count(bureau)
    with pytest.raises(PowBureauError):
        registry.add_statement(bureau.uow, operator, person_id, "rank", "private", source_kind="self_declared",
                               source_ref="test", interview_id="NOPE")
    assert _count(bureau) == before
