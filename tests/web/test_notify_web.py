"""The CTA export on the web, its sent log and downloads, capture cards for several persons, and enquiry reply
deadlines on the due list and the home page (issue 9, Build 3; issue 11)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest


from powbureau.domain.roles import Actor
from powbureau.io import signing
from powbureau.services import enquiries, notify, registry

from .conftest import OPERATOR, csrf_of


@pytest.fixture(autouse=True)
def keys(tmp_path, monkeypatch):
    monkeypatch.setenv("POWBUREAU_KEY_DIR", str(tmp_path / "keys"))


@pytest.fixture()
def interned(world):
    """Paek arrives in a camp: his capture card is due within a week (GC III Art. 70)."""
    registry.change_status(world.bureau.uow, OPERATOR, world.paek, "interned", place="Camp 3")
    return world


def _cards_due(world) -> set[str]:
    return {d["person_id"] for d in notify.due(world.bureau.uow, OPERATOR) if d["kind"] == "capture_card"}


def test_registrar_exports_and_the_sent_log_lists_it_and_the_due_list_empties(browser_for, interned):
    b = browser_for("registrar")
    page = b.get("/notifications").text
    assert 'name="export"' in page and f'href="/persons/{interned.paek}"' in page
    r = b.post("/notifications/export", data={"csrf_token": csrf_of(page), "export": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/notifications/sent"
    log = b.get("/notifications/sent").text
    assert "1 notification exported, signed and recorded as sent" in log
    assert f'href="/persons/{interned.paek}"' in log and interned.paek[-6:] in log and ">registrar<" in log
    assert _cards_due(interned) == set()
    assert "Nothing is due." in b.get("/notifications").text
    link = re.search(r'href="(/notifications/exports/[0-9A-Z]{26})"', log).group(1)
    first, again = b.get(link), b.get(link)
    assert first.status_code == 200 and first.headers["content-type"] == "application/zip"
    assert re.match(r'attachment; filename="notifications-\d{8}T\d{6}\d+Z\.zip"',
                    first.headers["content-disposition"])
    assert first.content == again.content  # kept as sent: a re-download gives the same bytes
    zf = zipfile.ZipFile(io.BytesIO(first.content))
    names = sorted(zf.namelist())
    assert [n.rsplit(".", 1)[-1] for n in names] == ["csv", "sig", "json", "sig", "pub"]
    doc = json.loads(zf.read(next(n for n in names if n.endswith(".json"))))
    assert [n["person"]["person_id"] for n in doc["notifications"]] == [interned.paek]
    again_r = b.post("/notifications/export", data={"csrf_token": csrf_of(page), "export": "1"})
    assert again_r.headers["location"] == "/notifications"  # nothing left: refused, said on the page
    assert "nothing is due" in b.get("/notifications").text


def test_exported_files_verify_against_the_bureaus_key(browser_for, interned, tmp_path):
    r = notify.export_to_cta(interned.bureau.uow, OPERATOR)
    _, _, content = notify.export_download(interned.bureau.uow, OPERATOR, r["export_id"])
    out = tmp_path / "unzipped"
    zipfile.ZipFile(io.BytesIO(content)).extractall(out)
    pub = next(out.glob("*.pub"))
    for f in (*out.glob("*.json"), *out.glob("*.csv")):
        signing.verify_file(f, pub)


def test_roles_that_may_not_export_or_read_are_refused(browser_for, interned):
    auditor = browser_for("auditor")
    page = auditor.get("/notifications").text
    assert 'name="export"' not in page and 'name="record_sent"' not in page
    r = auditor.post("/notifications/export", data={"csrf_token": csrf_of(page), "export": "1"})
    assert r.status_code == 403 and _cards_due(interned) == {interned.paek}
    r = auditor.post("/cards", data={"csrf_token": csrf_of(page), "person_ids": [interned.paek], "record_sent": "1"})
    assert r.status_code == 403 and _cards_due(interned) == {interned.paek}
    negotiator = browser_for("negotiator")
    assert negotiator.get("/notifications/sent").status_code == 403
    x = notify.export_to_cta(interned.bureau.uow, OPERATOR)
    assert negotiator.get(f"/notifications/exports/{x['export_id']}").status_code == 403
    assert auditor.get(f"/notifications/exports/{x['export_id']}").status_code == 200  # the auditor reads it
    assert auditor.get("/notifications/exports/01ZZZZZZZZZZZZZZZZZZZZZZZZ").status_code == 404


def test_capture_cards_for_several_persons_count_as_sent_only_when_asked(browser_for, interned):
    registry.change_status(interned.bureau.uow, OPERATOR, interned.ivanov, "registered", place="Camp 3")
    registry.change_status(interned.bureau.uow, OPERATOR, interned.ivanov, "interned", place="Camp 3")
    b = browser_for("registrar")
    page = b.get("/notifications").text
    assert 'name="cards"' in page and 'name="person_ids"' in page
    r = b.post("/cards", data={"csrf_token": csrf_of(page), "person_ids": [interned.paek, interned.ivanov],
                               "cards": "1"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r.content.count(b"/Type /Page\n") != 1
    assert r.headers["content-disposition"].startswith('attachment; filename="capture-cards-')
    assert _cards_due(interned) == {interned.paek, interned.ivanov}  # a download alone sends nothing
    assert "Nothing has been sent yet." in b.get("/notifications/sent").text
    r = b.post("/cards", data={"csrf_token": csrf_of(page), "person_ids": [interned.paek], "record_sent": "1",
                               "cards": "1"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert _cards_due(interned) == {interned.ivanov}  # Art. 70 duty met for Paek only
    log = b.get("/notifications/sent").text
    assert "Capture cards recorded as sent to the CTA" in log and "Capture cards (PDF)" in log
    link = re.search(r'href="(/notifications/exports/[0-9A-Z]{26})"', log).group(1)
    assert b.get(link).content == r.content  # the PDF kept is the PDF sent
    r = b.post("/cards", data={"csrf_token": csrf_of(page), "cards": "1"})
    assert r.status_code == 303 and "choose at least one detainee" in b.get("/notifications").text


def test_cli_cards_export_records_sent_only_with_the_flag(interned, tmp_path):
    from powbureau.services import cards

    uow = interned.bureau.uow
    r = cards.export_cards(uow, OPERATOR, tmp_path / "a", [interned.paek])
    assert r["export_id"] is None and _cards_due(interned) == {interned.paek}
    r = cards.export_cards(uow, OPERATOR, tmp_path / "b", [interned.paek], record_sent=True)
    assert r["export_id"] and _cards_due(interned) == set()
    assert [x["kind"] for x in notify.sent_log(uow, OPERATOR)] == ["capture_cards"]


def test_enquiry_replies_are_due_and_link_to_the_enquiry(browser_for, interned):
    uow = interned.bureau.uow
    e = enquiries.register_enquiry(uow, OPERATOR, {"names": "Шевченко Тарас", "channel": "hotline",
                                                   "relationship": "mother", "language": "uk"})
    b = browser_for("registrar")
    page = b.get("/notifications").text
    assert f'href="/enquiries/{e["id"]}"' in page and "Шевченко Тарас" in page
    home = b.get("/").text
    assert 'id="todo-enquiries"' in home and f'href="/enquiries/{e["id"]}"' in home
    assert re.search(r'id="count-enquiries-due">1 due, not yet late<', home)
    later = (datetime.now(UTC).date() + timedelta(days=15)).isoformat()
    [item] = [i for i in b.get(f"/api/notifications/due?today={later}").json() if i["kind"] == "enquiry_reply"]
    assert item["enquiry_id"] == e["id"] and item["overdue"] and item["person_id"] is None
    assert item["due_on"] == (datetime.now(UTC).date() + timedelta(days=14)).isoformat()
    first = b.get("/api/notifications/due?limit=1")  # Paek's capture card, then the enquiry's reply
    assert first.headers["x-total-count"] == "2" and [i["kind"] for i in first.json()] == ["capture_card"]
    assert first.json()[0]["name"] and "rel=\"next\"" in first.headers["link"]
    enquiries.answer_enquiry(uow, OPERATOR, e["id"])
    assert not [i for i in notify.due(uow, OPERATOR) if i["kind"] == "enquiry_reply"]
    assert 'id="count-enquiries-due">0 due, not yet late<' in b.get("/").text
    with pytest.raises(Exception, match="may not enquiry.read"):
        notify.enquiry_summary(uow, Actor("n", "negotiator"))
    assert 'id="todo-enquiries"' not in browser_for("negotiator").get("/").text


def test_a_person_with_two_due_items_has_both_rows_and_one_capture_card_box(browser_for, interned):
    notify.record_event(interned.bureau.uow, OPERATOR, interned.paek, "seriously_ill", datetime.now(UTC).date(),
                        "Camp 3 infirmary")
    due = [d for d in notify.due(interned.bureau.uow, OPERATOR) if d["person_id"] == interned.paek]
    assert len(due) >= 2  # his capture card and his health report are both owed
    page = browser_for("registrar").get("/notifications").text
    rows = [r for r in page.split("<tr")[1:] if interned.paek in r]
    assert len(rows) == len(due)  # every due row is still shown
    assert page.count(f'name="person_ids" value="{interned.paek}"') == 1
    boxes = re.findall(r'name="person_ids" value="([0-9A-Z]{26})"', page)
    assert len(boxes) == len(set(boxes))
