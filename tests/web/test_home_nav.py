"""Issue 9: a nav bar per role, a home page of what the role must do now (each count links to its list), one
search through the cross-script matcher with the true total, and API docs that need no internet."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from powbureau.domain.errors import ValidationFailed
from powbureau.domain.roles import Actor
from powbureau.services import exchanges, registry
from powbureau.services.users import add_user
from powbureau.store.tables import candidate_pairs

from .conftest import OPERATOR, PASSWORD, add_person

NAV = re.compile(r'<nav aria-label="Main"[^>]*>(.*?)</nav>', re.S)
EXPECTED = {
    "registrar": {"/", "/search", "/persons/new", "/interviews", "/wishes", "/exchanges", "/review", "/enquiries",
                  "/imports", "/lists", "/notifications", "/docs"},
    "medical": {"/", "/search", "/interviews", "/docs"},
    "auditor": {"/", "/search", "/interviews", "/wishes", "/exchanges", "/review", "/enquiries", "/notifications",
                "/audit", "/docs"},
    "negotiator": {"/", "/search", "/exchanges", "/review", "/docs"},
    "icrc_delegate": {"/", "/search", "/interviews", "/wishes", "/exchanges", "/enquiries", "/docs"},
}


def nav_links(html: str) -> set[str]:
    m = NAV.search(html)
    assert m, "page has no main navigation"
    return set(re.findall(r'href="([^"]+)"', m.group(1)))


@pytest.fixture()
def delegate(world):
    add_user(world.bureau.uow, OPERATOR, "icrc_delegate", "icrc_delegate", PASSWORD)
    return "icrc_delegate"


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_nav_shows_exactly_the_sections_the_role_may_open(browser_for, world, role):
    if role == "icrc_delegate":
        add_user(world.bureau.uow, OPERATOR, role, role, PASSWORD)
    b = browser_for(role)
    home = b.get("/")
    assert home.status_code == 200
    links = nav_links(home.text)
    assert links == EXPECTED[role]
    for href in links - {"/docs"}:  # every section offered opens (no 403 behind a link), with the same bar
        page = b.get(href)
        assert page.status_code == 200, (role, href, page.status_code)
        assert nav_links(page.text) == EXPECTED[role]
    assert b.get(f"/persons/{world.paek}").status_code == 200
    assert nav_links(b.get(f"/persons/{world.paek}").text) == EXPECTED[role]


def test_negotiator_and_medical_get_no_wish_or_audit_section(browser_for):
    for role in ("negotiator", "medical"):
        links = nav_links(browser_for(role).get("/").text)
        assert "/wishes" not in links and "/audit" not in links


def _seed_work(world) -> str:
    """An overdue capture card (Paek interned long ago), a pair to review, an open exchange."""
    uow = world.bureau.uow
    registry.change_status(uow, OPERATOR, world.paek, "interned", place="Camp 3")
    with uow.transaction() as conn:  # the arrival happened three weeks ago: the card is overdue (Art. 70)
        conn.exec_driver_sql("UPDATE status_events SET at = '2020-01-06 10:00:00.000000' WHERE to_status='interned'")
        conn.execute(candidate_pairs.insert().values(left_id=world.paek, right_id=world.ivanov, score=0.7,
                                                     explanation='{"summary": "names differ"}', run_id="R1",
                                                     created_at=datetime.now(UTC)))
    return exchanges.create(uow, Actor("admin", "admin"), "Republic of Tuva")["id"]


def test_registrar_home_counts_link_to_their_lists(browser_for, world):
    xid = _seed_work(world)
    html = browser_for("registrar").get("/").text
    m = re.search(r'<a class="count alarm" href="/notifications" id="count-overdue">(\d+) overdue</a>', html)
    assert m and int(m.group(1)) >= 1
    assert "capture card for" in html and world.paek in html  # the deadline names the person
    assert re.search(r'href="/review" id="count-review">1 pair to judge</a>', html)
    assert re.search(r'href="/exchanges" id="count-exchanges">1 open</a>', html)
    assert f'href="/exchanges/{xid}"' in html and "Republic of Tuva" in html
    assert "<svg" in html and "Registrations per week" in html and "on time vs late" in html


def test_negotiator_home_never_names_a_wish_kind(browser_for, world, delegate):
    _seed_work(world)
    html = browser_for("negotiator").get("/").text
    assert "Open exchanges" in html and "Wishes awaiting" not in html and 'href="/wishes"' not in html
    assert "Notifications" not in NAV.sub("", html)  # no notify.read: no notification panel or chart
    for word in ("remain", "third country", "undecided"):
        assert word not in html
    assert "Wishes awaiting verification" in browser_for(delegate).get("/").text


def test_charts_are_inline_svg_with_a_text_alternative(browser_for, world):
    html = browser_for("auditor").get("/").text
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in svg
    assert "<script" not in html


def test_audit_page_for_auditor_only(browser_for):
    r = browser_for("auditor").get("/audit")
    assert r.status_code == 200 and "hash chain is unbroken" in r.text
    assert browser_for("registrar").get("/audit").status_code == 403


# ----- one search -----------------------------------------------------------------------------------------------
@pytest.fixture()
def abbott(world) -> str:
    return add_person(world.bureau, "detainee", [("name_full", "ABBOTT, John", "counterpart_list", "list A#3"),
                                                 ("surname", "Abbott", "counterpart_list", "list A#3"),
                                                 ("given_name", "John", "counterpart_list", "list A#3")])


@pytest.mark.parametrize("query", ["Эбботт", "Ebbott", "Abbott"])
def test_search_finds_abbott_across_scripts_and_spellings(browser_for, abbott, query):
    r = browser_for("registrar").get("/search", params={"q": query})
    assert r.status_code == 200
    assert f'href="/persons/{abbott}"' in r.text
    assert re.search(r"1 person found for", r.text)


def test_search_does_not_find_a_name_two_letters_away_that_the_matcher_refuses(browser_for, abbott, world):
    add_person(world.bureau, "detainee", [("surname", "Abbas", "document", "doc 1")])
    r = browser_for("registrar").get("/search", params={"q": "Ebbott"})
    assert "Abbas" not in r.text


def test_search_reports_the_true_total_and_pages(browser_for, world):
    ids = {add_person(world.bureau, "detainee", [("name_full", f"Frank {s}", "document", "doc")])
           for s in ("Ainger", *[f"Smith{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(86)])}
    b = browser_for("registrar")
    first = b.get("/search", params={"q": "Frank Ainger"})
    assert "87 persons found" in first.text and "1–50 shown" in first.text
    assert first.text.index("Frank Ainger") < first.text.index("Frank Smith")  # best first
    nxt = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert nxt
    second = b.get(nxt.group(1).replace("&amp;", "&"))
    shown = set(re.findall(r'href="/persons/([0-9A-Z]{26})"', first.text)) | set(
        re.findall(r'href="/persons/([0-9A-Z]{26})"', second.text))
    assert shown == ids


def test_api_search_carries_the_total_and_finds_abbott_from_cyrillic(client, abbott):
    r = client.get("/api/persons", params={"q": "Эбботт", "limit": 1}, auth=("registrar", PASSWORD))
    assert r.status_code == 200 and r.headers["X-Total-Count"] == "1"
    assert [h["person_id"] for h in r.json()] == [abbott]


def test_unknown_kind_is_an_error_in_service_page_and_cli(world, browser_for, tmp_path):
    with pytest.raises(ValidationFailed, match="unknown kind 'enemy'"):
        registry.search(world.bureau.uow, OPERATOR, "Paek", kind="enemy")
    assert "unknown kind" in browser_for("registrar").get("/search", params={"q": "Paek", "kind": "enemy"}).text
    env = {**os.environ, "POWBUREAU_DB": world.bureau.url, "COLUMNS": "200"}
    p = subprocess.run([sys.executable, "-m", "powbureau", "search", "Paek", "--kind", "enemy"], capture_output=True,
                       text=True, env=env, cwd=tmp_path, timeout=300)
    assert p.returncode != 0 and "unknown kind 'enemy'" in p.stderr and "Traceback" not in p.stderr


def test_old_search_links_go_on_to_the_search_page(browser_for):
    r = browser_for("registrar").get("/", params={"q": "Paek"})
    assert r.status_code == 303 and r.headers["location"] == "/search?q=Paek"


# ----- API docs offline -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_api_docs_reference_only_local_assets(client, path):
    r = client.get(path)
    assert r.status_code == 200
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', r.text) + re.findall(r"url:\s*'([^']+)'", r.text)
    assert refs and all(u.startswith("/") and not u.startswith("//") for u in refs), refs
    assert "cdn" not in r.text.lower() and "fonts.googleapis" not in r.text
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    for u in refs:
        if u.endswith((".js", ".css", ".png")):
            asset = client.get(u)
            assert asset.status_code == 200 and len(asset.content) > 1000, u


# ----- messages -------------------------------------------------------------------------------------------------
def test_change_status_starts_on_no_status(browser_for, world):
    html = browser_for("registrar").get(f"/persons/{world.paek}").text
    select = re.search(r'<select id="to_status"[^>]*>(.*?)</select>', html, re.S)
    assert select and 'required' in html[html.index('<select id="to_status"'):][:80]
    options = re.findall(r"<option([^>]*)>", select.group(1))
    assert 'value=""' in options[0] and "selected" in options[0] and "disabled" in options[0]
    assert all("selected" not in o for o in options[1:])


def test_status_message_names_the_person(browser_for, world):
    from .conftest import csrf_of

    b = browser_for("registrar")
    token = csrf_of(b.get(f"/persons/{world.paek}").text)
    b.post(f"/persons/{world.paek}/status", data={"to_status": "interned", "place": "Camp 5", "csrf_token": token})
    flash = re.search(r'<p class="flash ok"[^>]*>(.*?)</p>', b.get(f"/persons/{world.paek}").text, re.S).group(1)
    assert "Paek Kwang Hyok" in flash or "백광혁" in flash
    assert world.paek[-6:] in flash and "changed from registered to interned" in flash


def test_exchange_offers_no_listing_for_a_person_who_may_not_go(browser_for, world):
    xid = exchanges.create(world.bureau.uow, Actor("admin", "admin"), "Republic of Tuva")["id"]
    html = browser_for("negotiator").get(f"/exchanges/{xid}").text
    row = re.search(rf'<tr data-person="{world.paek}">(.*?)</tr>', html, re.S).group(1)
    assert "Add to outgoing list" not in row and "cannot be listed" in row
    assert "not eligible" in row and "[NO]" not in row and "Not met:" in row
    assert "Nobody listed yet: add eligible detainees below." in " ".join(html.split())
