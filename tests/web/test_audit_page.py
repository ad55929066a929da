"""The audit page reads like a record (issue 9): persons by name and short id linked to their page, lists by label
and file, actions as translated labels with the code beside them, times in the page's language."""

from __future__ import annotations

import re

from powbureau.services import exchanges

from .conftest import OPERATOR


def _row(html: str, action: str) -> str:
    m = re.search(rf'<tr><td>\d+</td>(?:(?!</tr>).)*?<code>{re.escape(action)}</code>(?:(?!</tr>).)*</tr>', html, re.S)
    assert m, f"no audit row for {action}"
    return m.group(0)


def test_persons_and_actions_read_as_words(browser_for, world):
    html = browser_for("auditor").get("/audit").text
    row = _row(html, "status.change")  # the fixture registered Paek
    assert "status changed" in row and 'title="status.change"' in row
    assert f'<a href="/persons/{world.paek}" lang="ko">백광혁</a> <small>(…{world.paek[-6:]})</small>' in row
    assert f"<code>{world.paek}</code>" not in html  # no raw person id left as the target
    row = _row(html, "session.start")
    assert "signed in" in row and "<code>auditor</code>" in row  # a user name is shown as it is
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d[^"]*">\d{4}-\d\d-\d\d \d\d:\d\d</time>', html)


def test_exchange_targets_link_to_the_exchange(browser_for, world):
    x = exchanges.create(world.bureau.uow, OPERATOR, "Republic of Korea")
    html = browser_for("auditor").get("/audit").text
    row = _row(html, "exchange.create")
    assert f'<a href="/exchanges/{x["id"]}">exchange with Republic of Korea</a>' in row


def test_times_and_labels_follow_the_language(browser_for):
    b = browser_for("auditor")
    b.cookies.set("powbureau_lang", "uk")
    html = b.get("/audit").text
    row = _row(html, "status.change")
    assert "статус змінено" in row.lower() or "змінено статус" in row.lower()
    assert re.search(r"<time [^>]*>\d{1,2}\s[а-яіїє]+\.?\s\d{4}\sр\.\s\d\d:\d\d</time>", html)  # "2 груд. 2026 р. 13:32"


def test_audit_page_refused_to_other_roles(browser_for):
    for role in ("registrar", "negotiator", "medical"):
        r = browser_for(role).get("/audit")
        assert r.status_code == 403 and "Not allowed" in r.text


def test_a_list_and_a_review_pair_read_as_words(browser_for, world, tmp_path):
    from powbureau.services import linkage
    from powbureau.services.imports import ImportOptions, import_list

    f = tmp_path / "camp-7.csv"
    f.write_text("external_id,name_full,birth_date,service_number\n"
                 "1,백광혁,2001-03-02,771234\n2,Paek Kwang Hyok,2001-03,771234\n", encoding="utf-8")
    s = import_list(world.bureau.uow, OPERATOR, ImportOptions(path=f, kind="detainees", label="Camp 7 roll"))
    linkage.run_dedupe(world.bureau.uow, OPERATOR, kind="detainee")
    item = linkage.review_queue(world.bureau.uow, OPERATOR)[0]
    linkage.judge(world.bureau.uow, OPERATOR, item.id, "match", reason="same service number")
    html = browser_for("auditor").get("/audit").text
    row = _row(html, "list.import")
    assert f"list Camp 7 roll (camp-7.csv) <small>(…{s['list_id'][-6:]})</small>" in row
    row = _row(html, "review.judge")
    assert "review pair judged" in row and row.count('<a href="/persons/') == 2 and " ~ " in row
