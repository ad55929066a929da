"""Issue 10 on the web: the person page's documents section by role, the add and judge forms, the API."""

from __future__ import annotations

import re

from .conftest import csrf_of


def test_registrar_adds_and_judges_a_document_and_the_page_follows(browser_for, world):
    b = browser_for("registrar")
    page = b.get(f"/persons/{world.paek}").text
    assert "Add a document found on him" in page and "Russian Federation" in page  # names, not codes, on forms
    r = b.post(f"/persons/{world.paek}/documents", data={
        "doc_type": "military_id", "issuing_state": "RU", "number": "АК 4417290",
        "name_full": "Монгуш Айдыс Сергеевич", "birth_date": "1999-07-14", "csrf_token": csrf_of(page)},
        files={"scan": ("id.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")})
    assert r.status_code == 303
    html = b.get(f"/persons/{world.paek}").text
    assert '<h1 lang="ko">백광혁</h1>' in html and "a document names someone else" in html
    doc_id = re.search(r'action="/documents/([0-9A-Z]{26})/judge"', html).group(1)
    r = b.post(f"/documents/{doc_id}/judge", data={"person_id": world.paek, "judgement": "other_person",
                                                   "reason": "photo does not fit", "csrf_token": csrf_of(html)})
    assert r.status_code == 303
    html = b.get(f"/persons/{world.paek}").text
    assert "carried the Russian military ID of Монгуш Айдыс Сергеевич (judged: issued to another person)" in html
    holder = re.search(r'<a href="/persons/([0-9A-Z]{26})">the holder', html).group(1)
    other = b.get(f"/persons/{holder}").text
    assert "third party" in other and "Монгуш Айдыс Сергеевич" in other and world.paek in other
    assert b.get(f"/api/documents/{doc_id}/scan").content.startswith(b"\x89PNG")


def test_other_roles_see_documents_but_no_forms_and_get_403_on_writes(browser_for, world):
    reg = browser_for("registrar")
    doc = reg.post(f"/api/persons/{world.paek}/documents", headers={"X-CSRF-Token": reg.get("/api/me").json()[
        "csrf_token"]}, json={"type": "passport", "issuing_state": "RU", "number": "45 01",
                              "claims": {"name_full": "Кууlar Test"}})
    assert doc.status_code == 201, doc.text
    for role in ("negotiator", "medical", "auditor"):
        b = browser_for(role)
        html = b.get(f"/persons/{world.paek}").text
        assert "45 01" in html and "Add a document" not in html and "Record judgement" not in html, role
        token = b.get("/api/me").json()["csrf_token"]
        r = b.post(f"/api/documents/{doc.json()['id']}/judgements", headers={"X-CSRF-Token": token},
                   json={"judgement": "bearer", "reason": "x"})
        assert r.status_code == 403, role
    assert browser_for("negotiator").get(f"/api/documents/{doc.json()['id']}/scan").status_code == 403
