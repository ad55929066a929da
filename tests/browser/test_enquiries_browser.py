"""An enquiry in Chromium: a registrar takes the Republic of Korea's enquiry in Hangul about 백광혁 on the form,
confirms the hit with a reason, answers, and the reply letter is offered; screenshots for checking by eye."""

from __future__ import annotations

import pytest

from .conftest import shot

pytestmark = pytest.mark.browser


def test_enquiry_intake_judgement_and_answer(served, sign_in):
    base, _, summary = served
    page = sign_in("registrar")
    page.click("nav[aria-label=Main] >> text=Enquiries")
    page.wait_for_url(f"{base}/enquiries")
    page.click("text=New enquiry")
    page.fill("#enquirer_name", "대한적십자사")
    page.select_option("#enquirer_language", "ko")
    page.select_option("#channel", "national_society")
    page.fill("#names", "백광혁")
    page.select_option("#side", "enemy")
    shot(page, "enquiry-new")
    page.click("text=Record the enquiry")
    page.wait_for_url(f"{base}/enquiries/*")
    paek = summary["motivating_case"]["paek"]
    form = page.locator(f"article.candidate:has(a[href='/persons/{paek}']) form")
    form.locator("input[name=reason]").fill("Hangul name and birth year")
    form.locator("button[value=confirmed]").click()
    page.wait_for_load_state()
    assert "수용되어" in page.inner_text("#answer")
    page.click("#answer button[type=submit]")
    page.wait_for_load_state()
    assert "answered (found)" in page.inner_text("p[role=status]")
    assert page.locator("a[href$='/reply.pdf']").is_visible()
    text = page.inner_text("main").lower()
    assert "remain" not in text and "wish" not in text.replace("never a wish", "")
    shot(page, "enquiry-answered")
