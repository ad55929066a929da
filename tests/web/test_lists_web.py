"""Issue 9, Build 3: reconcile a counterpart list on the web, by the roles the CLI's ``reconcile`` allows, with the
result per row, its review-queue pairs and a formula-safe CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from powbureau.services import imports, linkage
from powbureau.store.tables import audit_log

from .conftest import OPERATOR, add_person, csrf_of

LIST = """external_id,name_full,birth_date,service_number
C-1,Ivanov Petr Sergeevich,1990-05-02,
C-2,Kim Chol Su,1988,
=HYPERLINK("http://x"),Nobody Known Atall,1970,
"""


@pytest.fixture()
def counterpart(world, tmp_path):
    """A counterpart list naming Ivanov (Cyrillic in our registry, Latin here), a Kim with two namesakes among our
    detainees, and a row whose id is a spreadsheet formula."""
    for born in ("1988-03-01", "1988-09-09"):
        add_person(world.bureau, "detainee", [("name_full", "Kim Chol Su", "self_declared", "interview"),
                                               ("birth_date", born, "self_declared", "interview")])
    path = tmp_path / "their_list.csv"
    path.write_text(LIST, encoding="utf-8")
    s = imports.import_list(world.bureau.uow, OPERATOR, imports.ImportOptions(path=path, kind="counterpart_list",
                                                                               label="Their list of 1 Dec"))
    return s["list_id"]


def test_a_registrar_reconciles_a_list_and_downloads_the_result(browser_for, world, counterpart):
    b = browser_for("registrar")
    page = b.get("/lists")
    assert page.status_code == 200 and "Their list of 1 Dec" in page.text
    assert f'action="/lists/{counterpart}/reconcile"' in page.text and 'name="against"' in page.text
    r = b.post(f"/lists/{counterpart}/reconcile", data={"against": "detainees", "reconcile": "1",
                                                        "csrf_token": csrf_of(page.text)})
    assert r.status_code == 200, r.text
    cli = linkage.reconcile_list(world.bureau.uow, OPERATOR, counterpart, against="detainees")
    for status, n in cli["summary"].items():  # the same counts as the CLI's reconcile
        assert f'id="n-{status}">{n}<' in r.text
    assert cli["summary"]["matched"] >= 1 and cli["summary"]["unmatched"] >= 1
    ivanov = next(x for x in cli["rows"] if x["row_external_id"] == "C-1")
    assert ivanov["status"] == "matched" and ivanov["person_id"] == world.ivanov
    assert f'href="/persons/{world.ivanov}"' in r.text and "Иванов Пётр Сергеевич" in r.text
    assert f"…{world.ivanov[-6:]}" in r.text
    assert cli["summary"] == {"matched": 1, "ambiguous": 1, "unmatched": 1}
    kim = next(x for x in cli["rows"] if x["row_external_id"] == "C-2")
    assert kim["status"] == "ambiguous"  # two namesakes: each candidate pair links to its review page
    assert r.text.count('href="/review/') == 2 and "review: Kim Chol Su" in r.text and 'href="/review"' in r.text
    with world.bureau.uow.read() as conn:
        runs = conn.execute(audit_log.select().where(audit_log.c.action == "linkage.reconcile",
                                                     audit_log.c.target == counterpart)).mappings().all()
    assert [e["actor"] for e in runs][0] == "registrar"
    got = b.post(f"/lists/{counterpart}/reconcile.csv", data={"against": "detainees", "csrf_token": csrf_of(r.text)})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert list(rows[0]) == linkage.RECONCILE_COLUMNS and len(rows) == 3
    assert {r["row_external_id"] for r in rows} == {"C-1", "C-2", "'=HYPERLINK(\"http://x\")"}  # never a formula
    assert next(r for r in rows if r["row_external_id"] == "C-1")["person_id"] == world.ivanov


def test_the_import_result_of_a_counterpart_list_leads_to_its_reconciliation(browser_for, world):
    from .test_imports_web import _confirm, _upload

    b = browser_for("registrar")
    preview = _upload(b, "theirs.csv", LIST, kind="counterpart_list", label="Sent on 2 Dec")
    done = _confirm(b, preview.text, kind="counterpart_list", label="Sent on 2 Dec")
    assert done.status_code == 200, done.text
    list_id = re.search(r'<code id="list-id">([^<]+)</code>', done.text).group(1)
    assert f'href="/lists#list-{list_id}"' in done.text
    lists = b.get("/lists").text
    assert f'id="list-{list_id}"' in lists and "Sent on 2 Dec" in lists and 'href="/lists"' in lists  # and the bar


def test_an_unknown_list_or_target_is_refused_with_the_reason(browser_for, world, counterpart):
    b = browser_for("registrar")
    token = csrf_of(b.get("/lists").text)
    r = b.post("/lists/NOPE/reconcile", data={"against": "detainees", "csrf_token": token})
    assert r.status_code == 404 and "no list" in r.text
    r = b.post(f"/lists/{counterpart}/reconcile", data={"against": "everyone", "csrf_token": token})
    assert r.status_code == 422 and "is not one of: detainees, own_personnel" in r.text


@pytest.mark.parametrize("role", ["negotiator", "auditor", "medical"])
def test_roles_that_may_not_reconcile_are_refused(browser_for, world, counterpart, role):
    b = browser_for(role)
    assert b.get("/lists").status_code == 403
    token = csrf_of(b.get("/").text)
    assert b.post(f"/lists/{counterpart}/reconcile", data={"against": "detainees", "csrf_token": token}).status_code == 403
    assert b.post(f"/lists/{counterpart}/reconcile.csv",
                  data={"against": "detainees", "csrf_token": token}).status_code == 403
    assert 'href="/lists"' not in b.get("/").text
    with world.bureau.uow.read() as conn:
        assert not conn.execute(audit_log.select().where(audit_log.c.action == "linkage.reconcile")).first()
