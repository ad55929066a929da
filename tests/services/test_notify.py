"""Notifications and capture cards on SQLite and PostgreSQL: deadlines from stored events, the signed JSON + CSV
export for the CTA that verifies and detects tampering, never a wish or a medical detail in anything sent, and
capture cards printed with Hangul and Latin names."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from custody_world import ADMIN, MEDIC, NEGOTIATOR, REGISTRAR, build, wish

from powbureau.domain.errors import NotFound, PermissionDenied, SignatureInvalid, ValidationFailed
from powbureau.services import cards, custody, exchanges, notify, registry


@pytest.fixture
def world(bureau, tmp_path, monkeypatch):
    monkeypatch.setenv("POWBUREAU_KEY_DIR", str(tmp_path / "keys"))
    return build(bureau)


def _today():
    return datetime.now(UTC).date()


def test_capture_cards_are_due_within_a_week_of_arrival_and_overdue_after(world):
    uow = world.bureau.uow
    due = notify.due(uow, REGISTRAR)
    cards_due = {d["person_id"]: d for d in due if d["kind"] == "capture_card"}
    assert set(cards_due) == {world.paek, world.ri, world.ivanov}  # detainees only, not our own personnel
    assert cards_due[world.paek]["due_on"] == (_today() + timedelta(days=7)).isoformat()
    assert not cards_due[world.paek]["overdue"] and "Art. 70" in cards_due[world.paek]["rule"]
    late = notify.due(uow, REGISTRAR, today=_today() + timedelta(days=8))
    assert all(d["overdue"] for d in late if d["kind"] == "capture_card")
    registry.change_status(uow, ADMIN, world.ri, "deceased", place="Camp hospital")
    kinds = {d["kind"] for d in notify.due(uow, REGISTRAR) if d["person_id"] == world.ri}
    assert kinds == {"capture_card", "death_notice"}  # Art. 120
    with pytest.raises(PermissionDenied):
        notify.due(uow, NEGOTIATOR)


def test_export_is_signed_verifies_and_marks_notifications_sent(world, tmp_path):
    uow = world.bureau.uow
    r = notify.export(uow, ADMIN, tmp_path / "out")
    assert r["count"] == 3 and Path(r["public_key"]).parent == tmp_path / "keys"
    for path in (r["json"], r["csv"]):
        assert notify.verify(path, url=world.bureau.url)["verified"]
    doc = json.loads(Path(r["json"]).read_text(encoding="utf-8"))
    assert doc["recipient"].startswith("ICRC Central Tracing Agency") and len(doc["notifications"]) == 3
    paek = next(n["person"] for n in doc["notifications"] if n["person"]["person_id"] == world.paek)
    assert paek["surname"] == "백" and paek["name_latin"] == "Paek Kwang-hyok" and paek["serving_power"] == "KP"
    assert "АК-4417290" not in json.dumps(doc, ensure_ascii=False)  # the other man's document stays home
    assert notify.due(uow, REGISTRAR) == []  # sent: no longer due
    with pytest.raises(ValidationFailed, match="nothing is due"):
        notify.export(uow, ADMIN, tmp_path / "out2")
    with Path(r["csv"]).open("a", encoding="utf-8") as fh:
        fh.write("capture_card,forged\r\n")
    with pytest.raises(SignatureInvalid, match="changed after it was signed"):
        notify.verify(r["csv"], url=world.bureau.url)
    Path(r["json"] + ".sig").unlink()
    with pytest.raises(NotFound):
        notify.verify(r["json"], url=world.bureau.url)
    with pytest.raises(PermissionDenied):
        notify.export(uow, NEGOTIATOR, tmp_path / "out3")


def test_export_never_carries_a_wish_or_a_medical_detail(world, tmp_path):
    uow = world.bureau.uow
    wish(world.bureau, world.paek, "return")
    wish(world.bureau, world.ri, "remain")
    wish(world.bureau, world.ivanov, "third_country", destination="CA")
    registry.add_statement(uow, MEDIC, world.ivanov, "diagnosis", "open fracture of the left femur",
                           source_kind="observation", source_ref="camp hospital")
    custody.record_medical_decision(uow, MEDIC, world.ivanov, seriously_sick_or_wounded=True,
                                    category="Art. 110(1)(1)", health_box=["seriously_wounded"])
    x = exchanges.create(uow, NEGOTIATOR, "KP")
    exchanges.add_outgoing(uow, NEGOTIATOR, x["id"], world.paek)
    exchanges.transition(uow, NEGOTIATOR, x["id"], "propose")
    exchanges.transition(uow, NEGOTIATOR, x["id"], "agree")
    r = notify.export(uow, ADMIN, tmp_path / "out")
    for path in (r["json"], r["csv"]):
        text = Path(path).read_text(encoding="utf-8").lower()
        for leak in ("remain", "third", "\"ca\"", "fracture", "femur", "110(1)", "wish", "interview", "delegate"):
            assert leak not in text, (leak, path)
        assert "seriously_wounded" in text  # the health box, and only it
    doc = json.loads(Path(r["json"]).read_text(encoding="utf-8"))
    marks = {n["person"]["person_id"]: n["person"].get("repatriation") for n in doc["notifications"]}
    assert marks[world.paek] == "listed" and marks[world.ri] is None and marks[world.ivanov] is None


def test_capture_cards_print_hangul_and_latin_names_and_only_the_health_box(world, tmp_path):
    uow = world.bureau.uow
    custody.record_medical_decision(uow, MEDIC, world.paek, seriously_sick_or_wounded=False,
                                    health_box=["slightly_wounded"])
    registry.add_statement(uow, MEDIC, world.paek, "diagnosis", "shrapnel in the left shoulder",
                           source_kind="observation", source_ref="camp hospital")
    [card] = cards.capture_cards(uow, REGISTRAR, [world.paek])
    assert (card.surname.original, card.surname.latin) == ("백", "Paek")
    assert (card.given_names.original, card.given_names.latin) == ("광혁", "Kwang-hyok")
    assert card.service_number == "" and card.health == frozenset({"slightly_wounded"})
    r = cards.export_cards(uow, ADMIN, tmp_path, [world.paek, world.ri, world.ivanov])
    assert r["cards"] == 3
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run([tool, r["pdf"], "-"], capture_output=True, text=True, check=True).stdout
    for name in ("백", "광혁", "Paek", "Kwang-hyok", "리", "성철", "Song-chol", "Иванов", "Ivanov", "Petr"):
        assert name in text, name
    assert "shrapnel" not in text and "Slightly wounded" in text
    with pytest.raises(PermissionDenied):
        cards.export_cards(uow, NEGOTIATOR, tmp_path)
    with pytest.raises(NotFound):
        cards.capture_cards(uow, REGISTRAR, [world.own1])
