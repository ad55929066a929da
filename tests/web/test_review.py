"""The review queue on the web: a pair side by side, names in both scripts, a judgement recorded and revisable."""

from powbureau.services import linkage

from .conftest import OPERATOR, add_person, csrf_of


def test_pair_side_by_side_and_judgement(world, browser_for):
    b = world.bureau
    a = add_person(b, "detainee", [("name_full", "김철진", "self_declared", "int:1"),
                                   ("birth_date", "2001-03-02", "self_declared", "int:1"),
                                   ("service_number", "771234", "document", "doc:1")])
    c = add_person(b, "detainee", [("name_full", "Kim Chol Jin", "counterpart_list", "list:x"),
                                   ("birth_date", "2001", "counterpart_list", "list:x"),
                                   ("service_number", "771234", "counterpart_list", "list:x")])
    linkage.run_dedupe(b.uow, OPERATOR, kind="detainee")
    item = next(i for i in linkage.review_queue(b.uow, OPERATOR) if {i.left_id, i.right_id} == {a, c})
    reg = browser_for("registrar")
    page = reg.get(f"/review/{item.id}")
    assert page.status_code == 200
    html = page.text
    assert "김철진" in html and "Kim Chol Jin" in html and "(Gim Cheol-jin)" in html and 'lang="None"' not in html  # Hangul shown with Latin
    assert 'class="agree"' in html  # the service number agrees
    assert "771234" in html
    r = reg.post(f"/review/{item.id}", data={"judgement": "match", "reason": "same number",
                                             "csrf_token": csrf_of(html)})
    assert r.status_code == 303
    assert linkage.same_person_as(b.uow, OPERATOR, a) == [c]
    assert f'href="/persons/{c}"' in reg.get(f"/persons/{a}").text  # the person page shows the accepted edge
    # the queue page no longer lists it as open; the judgement is in the history
    assert f'href="/review/{item.id}"' not in reg.get("/review").text
    assert "same number" in reg.get(f"/review/{item.id}").text
    # CSRF is required, and an auditor may read but not decide
    assert reg.post(f"/review/{item.id}", data={"judgement": "no_match"}).status_code == 403
    aud = browser_for("auditor")
    assert aud.get(f"/review/{item.id}").status_code == 200
    assert "Record judgement" not in aud.get(f"/review/{item.id}").text
