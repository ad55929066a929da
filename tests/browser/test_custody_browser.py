"""The custody pages driven in Chromium: a wish recorded through an interpreter, verified by the ICRC delegate,
the person listed and exchanged — and the refusals when a wish is not verified or is a wish to remain."""

from __future__ import annotations

import pytest

from powbureau.domain.roles import Actor
from powbureau.services import custody, exchanges, registry

from .conftest import shot

pytestmark = pytest.mark.browser
OPERATOR = Actor("operator", "admin")


def _newcomer(bureau, summary) -> dict:
    """A Korean-speaking demo detainee with no wish recorded yet."""
    taken = set(summary["motivating_case"].values())
    for d in custody.detainee_choices(bureau.uow, OPERATOR):
        if d["person_id"] not in taken and "ko" in d["languages"]:
            return d
    raise AssertionError("the demo has no Korean-speaking detainee without a wish")


def test_wish_verify_list_execute_and_refusals(served, sign_in):
    base, bureau, summary = served
    x_id = summary["exchange"]
    ri, paek = summary["motivating_case"]["ri"], summary["motivating_case"]["paek"]
    kim = _newcomer(bureau, summary)

    # 1. The interviewer records a wish interview through the intelligence service's interpreter, then the wish.
    page = sign_in("interviewer")
    page.goto(f"{base}/interviews")
    page.select_option("#person_id", kim["person_id"])
    page.select_option("#purpose", "wish")
    page.fill("#language", "ko")
    page.fill("#where", "Camp No. 1, room 2")
    page.fill("#interpreter", "Pak Chol (military intelligence)")
    page.click("text=Record interview")
    page.wait_for_url("**/wishes?interview=*")
    page.select_option("#kind", "return")
    page.click("text=Record wish")
    page.wait_for_url(f"{base}/wishes")
    assert "recorded; it is not verified" in page.inner_text(".flash.ok")
    row = page.locator("tr", has_text=kim["name"])
    assert "not verified" in row.inner_text()
    shot(page, "01-wishes-recorded-by-interviewer")
    page.goto(f"{base}/interviews")
    assert "military intelligence" in page.locator("tr", has_text=kim["name"]).first.inner_text()
    shot(page, "02-interviews-and-roster")

    # 2. The negotiator tries to list him before verification, and Ri who wants to remain: both refused.
    neg = sign_in("negotiator")
    neg.goto(f"{base}/exchanges/{x_id}")
    # (issue 9: a person who may not go is not offered "Add to outgoing list"; the form's refusal is tested in
    # tests/web/test_negotiator_disclosure.py)
    for pid in (kim["person_id"], ri):
        row = neg.locator(f"tr[data-person='{pid}']")
        assert row.locator("button").count() == 0
        text = row.inner_text()
        assert "not eligible" in text and "cannot be listed" in text and "no verified consent to return" in text
    shot(neg, "03-exchange-refused-unverified")
    assert "remain" not in neg.content().casefold()
    assert exchanges.show(bureau.uow, OPERATOR, x_id)["outgoing"] == []

    # 3. The delegate holds a private interview with an independent interpreter and verifies the wish.
    dlg = sign_in("delegate")
    dlg.goto(f"{base}/interviews")
    dlg.select_option("#person_id", kim["person_id"])
    dlg.select_option("#purpose", "icrc_private")
    dlg.fill("#language", "ko")
    dlg.fill("#where", "Camp No. 1, ICRC room")
    dlg.fill("#interpreter", "Lee Soo-jin (ICRC)")
    dlg.fill("#present", "Lee Soo-jin (ICRC)")
    dlg.click("text=Record interview")
    dlg.wait_for_url("**/wishes?interview=*")
    dlg.select_option("#wish_id", label=dlg.locator("#wish_id option", has_text=kim["name"]).inner_text())
    dlg.click("text=Verify wish")
    dlg.wait_for_url(f"{base}/wishes")
    assert "verified: return" in dlg.inner_text(".flash.ok")
    assert "verified by delegate" in dlg.locator("tr", has_text=kim["name"]).inner_text()
    shot(dlg, "04-wish-verified-by-delegate")

    # 4. The negotiator lists him and Paek, proposes, agrees and records the crossing.
    neg.goto(f"{base}/exchanges/{x_id}")
    for pid in (kim["person_id"], paek):
        neg.click(f"tr[data-person='{pid}'] button")
        neg.wait_for_url(f"{base}/exchanges/{x_id}")
        assert "added to the outgoing list" in neg.inner_text(".flash.ok")
    assert "Why eligible" in neg.content()
    shot(neg, "05-exchange-listed-with-eligibility")
    neg.click("text=Propose (draft → proposed)")
    neg.click("text=Agree (proposed → agreed)")
    assert neg.inner_text("#state") == "agreed"
    neg.select_option("#crossed", [kim["person_id"], paek])
    neg.select_option("#arrived", summary["counterpart_rows"])
    neg.fill("#place", "Checkpoint Sumy (demo)")
    shot(neg, "06-exchange-agreed-execution-form")
    neg.click("text=Record execution")
    neg.wait_for_url(f"{base}/exchanges/{x_id}")
    assert neg.inner_text("#state") == "executed"
    assert "Planned vs actual" in neg.content() and "crossed: 4" in neg.inner_text("#main")
    shot(neg, "07-exchange-executed-reconciled")
    assert registry.show(bureau.uow, OPERATOR, kim["person_id"]).status == "repatriated"
    assert registry.show(bureau.uow, OPERATOR, ri).status == "interned"

    # 5. The due notifications page (registrar).
    reg = sign_in("registrar")
    reg.goto(f"{base}/notifications")
    assert "capture card" in reg.inner_text("table")
    shot(reg, "08-notifications-due")
    reg.click("button[name=export]")  # the CTA export on the web: signed, kept, recorded as sent
    reg.wait_for_url(f"{base}/notifications/sent")
    assert "recorded as sent" in reg.inner_text("#main") and ".zip" in reg.inner_text("table")
    shot(reg, "09-notifications-sent")
    reg.goto(f"{base}/notifications")
    assert "capture card" not in reg.inner_text("table")  # what was sent left the due list


def test_wish_to_remain_cannot_be_listed_through_the_web_by_any_role(served, sign_in):
    """Never-rule (a) through the web: Ri's wish to remain is refused for the negotiator's page and the API."""
    base, bureau, summary = served
    ri = summary["motivating_case"]["ri"]
    x = exchanges.create(bureau.uow, Actor("negotiator", "negotiator"), "RU")
    page = sign_in("negotiator")
    page.goto(f"{base}/exchanges/{x['id']}")
    row = page.locator(f"tr[data-person='{ri}']")
    assert row.locator("button").count() == 0 and "cannot be listed" in row.inner_text()
    token = page.evaluate("() => fetch('/api/me').then(r => r.json()).then(j => j.csrf_token)")
    status = page.evaluate(
        """([xid, pid, tok]) => fetch(`/api/exchanges/${xid}/outgoing`, {method: 'POST',
             headers: {'Content-Type': 'application/json', 'X-CSRF-Token': tok},
             body: JSON.stringify({person_id: pid})}).then(r => r.status)""", [x["id"], ri, token])
    assert status == 409
    assert exchanges.show(bureau.uow, OPERATOR, x["id"])["outgoing"] == []
