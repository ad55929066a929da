"""Notification use cases: what is due or overdue, the signed export to the CTA, and its verification.

Deadlines come from stored events (status changes and custody events; GC III Art. 70, 120, 122(6)); the export is
JSON + CSV built only from the serving-power whitelist (never a wish), each signed with Ed25519 (Art. 122(8))."""

from __future__ import annotations

import hashlib
import io
from ..domain.messages import Msg
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select

from ..domain import notifications as rules
from ..domain.errors import NotFound, ValidationFailed
from ..domain.person import new_id
from ..domain.roles import Actor, require
from ..io import signing
from ..io.csv_safe import write_csv
from ..io.paths import writable_dir
from ..store import audit, custody_repo as crepo, notify_repo as nrepo, repositories as repo
from ..store.db import database_url
from ..store.tables_custody import custody_events, notifications_sent
from ..store.uow import UnitOfWork
from .paging import Page
from .cards import declared_values, latin_parts, name_parts
from .custody import names_of

KEY_NAME = "powbureau-signing-key.pem"
RECIPIENT = "ICRC Central Tracing Agency (CTA), Geneva"
EXPORT_FORMAT = "powbureau-notifications/1"
_CSV_FIELDS = sorted(rules.SERVING_POWER_FIELDS)
CSV_COLUMNS = ["kind", "event_ref", "due_on", "person_id", *[f for f in _CSV_FIELDS if f != "serving_power"],
               "serving_power", "repatriation"]


def key_dir(url: str | None = None) -> Path:
    """Where the signing key lives: ``POWBUREAU_KEY_DIR``, else a ``keys`` folder next to a SQLite database file,
    else ``$XDG_CONFIG_HOME/powbureau/keys`` (never inside the repository: ``signing`` refuses that)."""
    if os.environ.get("POWBUREAU_KEY_DIR"):
        return Path(os.environ["POWBUREAU_KEY_DIR"]).expanduser()
    url = url or database_url()
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url[len("sqlite:///"):]).expanduser().resolve().parent / "keys"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "powbureau" / "keys"


def _keys(url: str) -> tuple[Path, Path]:
    d = key_dir(url)
    priv = d / KEY_NAME
    if not priv.exists():
        signing.generate_keypair(priv)
        os.chmod(d, 0o700)
    return priv, priv.with_name(priv.name + ".pub")


# ----- events and dues ------------------------------------------------------------------------------------------
def notifiable_events(conn: Connection, person_id: str | None = None) -> list[rules.NotifiableEvent]:
    """Events of detainees (every one, or only ``person_id``) that create notification duties: arrival in a camp
    (interned), transfer (interned after transferring), hospital admission, death, and recorded custody events
    (seriously ill, recovered, enquiry)."""
    return nrepo.notifiable_events(conn, None if person_id is None else [person_id])


def _dues(conn: Connection, today: date, person_id: str | None = None) -> list[rules.Due]:
    """What is owed: the store reads only the persons who may owe something (``notify_repo.candidate_persons``:
    an event no sent record names, or a weekly duty), the domain rule decides for them alone. The same result as
    the rule over every event and every sent record (tests/services/test_due_sql.py)."""
    if person_id is not None:
        events, sent = nrepo.notifiable_events(conn, [person_id]), nrepo.sent_records(conn, [person_id])
    else:
        events, sent = nrepo.due_inputs(conn)
    return rules.due_notifications(events, sent, today)


def _item(d: rules.Due, name: str | None) -> dict:
    return {"person_id": d.person_id or None, "name": name, "kind": d.kind, "event_ref": d.event_ref,
            "enquiry_id": d.enquiry_id, "due_on": d.due_on.isoformat(), "overdue": d.overdue, "rule": d.rule}


def _enquiry_dues(conn: Connection, today: date) -> list[dict]:
    opened = nrepo.open_enquiries(conn)
    about = {e.enquiry_id: e.about for e in opened}
    return [_item(d, about.get(d.enquiry_id or "")) for d in rules.enquiry_reply_dues(opened, today)]


def due(uow: UnitOfWork, actor: Actor, today: date | None = None, *, person_id: str | None = None,
        limit: int | None = None, offset: int = 0) -> list[dict]:
    """What is owed on ``today`` (default: today, UTC), due date first: person, kind, due date, overdue, rule;
    for every detainee, or only ``person_id`` (his events and sends alone are read). For the whole bureau and an
    actor who may read enquiries, replies owed to enquiries not yet answered come too (``kind`` enquiry_reply,
    ``enquiry_id`` set, ``person_id`` None, ``name`` the names asked about; GC III Art. 122(7)). With ``limit``,
    a ``Page`` of that many from ``offset`` (the total, ``overdue`` and ``persons`` — how many items name a
    person — counted over the whole list), only its own persons named."""
    require(actor, "notify.read")
    today = today or datetime.now(UTC).date()
    with uow.read() as conn:
        items = [_item(d, None) for d in _dues(conn, today, person_id)]
        if person_id is None and actor.can("enquiry.read"):
            items = sorted(items + _enquiry_dues(conn, today),
                           key=lambda i: (i["due_on"], i["person_id"] or "", i["kind"], i["event_ref"]))
        shown = items if limit is None else items[offset:offset + limit]
        nm = names_of(conn, {i["person_id"] for i in shown if i["person_id"]})
    for i in shown:
        if i["person_id"]:
            i["name"] = nm.get(i["person_id"])
    if limit is None:
        return items
    page = Page(shown, total=len(items), offset=offset, limit=limit)
    page.overdue = sum(1 for i in items if i["overdue"])  # type: ignore[attr-defined]
    page.persons = sum(1 for i in items if i["person_id"])  # type: ignore[attr-defined]
    return page


def due_summary(uow: UnitOfWork, actor: Actor, today: date | None = None, *, first: int = 5) -> dict:
    """The home page's view of the notifications owed to the CTA: ``{"overdue": n, "due": n, "next": [the
    ``first`` items, named]}`` (enquiry replies are ``enquiry_summary``'s). Only the first items are named, so it
    stays fast with thousands due. ``notify.read``."""
    require(actor, "notify.read")
    today = today or datetime.now(UTC).date()
    with uow.read() as conn:
        overdue, due_n, head = _summary(conn, today, first)
        nm = names_of(conn, {d.person_id for d in head})
    return {"overdue": overdue, "due": due_n, "next": [_item(d, nm.get(d.person_id)) for d in head]}


def _summary(conn: Connection, today: date, first: int) -> tuple[int, int, list[rules.Due]]:
    """(overdue, due, the first ``first`` items) of the due list without building all of it: one-off obligations
    of persons with no weekly duty and no loose sent record are counted by the store in groups (kind, day) and
    dated by ``domain.notifications.count_one_off``; everyone else goes through ``due_notifications``. Equal to
    counting ``_dues`` (tests/services/test_due_sql.py)."""
    groups, other = nrepo.one_off_groups(conn, today)
    overdue, due_n = rules.count_one_off(groups, today)
    events, sent = nrepo.complex_inputs(conn, today, any_loose=other)
    others = rules.due_notifications(events, sent, today)
    overdue += sum(1 for d in others if d.overdue)
    due_n += sum(1 for d in others if not d.overdue)
    simple = rules.due_notifications(
        nrepo.one_off_events(conn, rules.earliest_groups(groups, today, first), today, first), [], today)
    head = sorted(simple + others, key=lambda d: (d.due_on, d.person_id, d.kind, d.event_ref))[:first]
    return overdue, due_n, head


def enquiry_summary(uow: UnitOfWork, actor: Actor, today: date | None = None, *, first: int = 5) -> dict:
    """Replies owed to enquiries not yet answered (open or possible hit), 14 days from receipt or reopening
    (GC III Art. 122(7); ``DeadlinePolicy.enquiry_days``): ``{"overdue": n, "due": n, "next": [...]}``, each item
    with ``enquiry_id`` and the names asked about. ``enquiry.read``."""
    require(actor, "enquiry.read")
    today = today or datetime.now(UTC).date()
    with uow.read() as conn:
        items = _enquiry_dues(conn, today)
    overdue = sum(1 for i in items if i["overdue"])
    return {"overdue": overdue, "due": len(items) - overdue, "next": items[:first]}


def record_event(uow: UnitOfWork, actor: Actor, person_id: str, kind: str, on: date, place: str = "") -> dict:
    """Record a custody event that creates a notification duty (e.g. an ``enquiry``); ``custody.record``."""
    require(actor, "custody.record")
    rules.NotifiableEvent(kind, person_id, on, place)  # validates the kind
    with uow.transaction() as conn:
        if repo.get_person(conn, person_id) is None:
            raise NotFound(Msg("no person with id {person_id!r}", person_id=person_id))
        conn.execute(insert(custody_events).values(person_id=person_id, kind=kind, occurred_on=on, place=place,
                                                   recorded_by=actor.name, recorded_at=datetime.now(UTC)))
        audit.append(conn, actor=actor.name, action="custody.event", target=person_id, detail={"kind": kind})
    return {"person_id": person_id, "kind": kind, "on": on.isoformat(), "place": place}


# ----- what leaves the bureau -----------------------------------------------------------------------------------
def message_fields(conn: Connection, person_id: str) -> tuple[str, dict[str, object]]:
    """(serving power, whitelisted fields) of ``person_id`` for an outgoing notification: best values of the
    allowed properties, status and camp, and the capture card's health box only (never a medical detail)."""
    ss = repo.statements_for(conn, [person_id])[person_id]
    values = declared_values(ss, repo.retracted_ids(conn, [s.id for s in ss]))
    fields: dict[str, object] = {p: v for p, v in values.items() if p in rules.SERVING_POWER_FIELDS and v}
    surname, given = name_parts(values)
    if surname:
        given = " ".join(x for x in (given, values.get("patronymic")) if x) or None
        fields["name_latin"] = " ".join(x for x in latin_parts(surname, given, values.get("serving_power", "")) if x)
    p = repo.get_person(conn, person_id)
    fields["status"] = p["status"]
    history = repo.status_history(conn, person_id)
    if history:
        fields["status_date"] = history[-1].at.date()
        camps = [e.place for e in history if e.to_status == "interned"]
        if camps:
            fields["camp"] = camps[-1]
        if history[-1].to_status == "deceased":
            fields["death_date"], fields["death_place"] = history[-1].at.date(), history[-1].place
    med = crepo.latest_medical(conn, [person_id]).get(person_id)
    if med and med["health_box"]:
        fields["health_box"] = med["health_box"]
    serving = str(fields.pop("serving_power", "") or "unknown")
    return serving, fields


def _build(conn: Connection, actor: Actor, dues: list[rules.Due], folder: Path, stamp: str,
           key: signing.Ed25519PrivateKey) -> list[Path]:
    """Write the JSON and CSV of ``dues`` in ``folder`` and sign both; returns [json, csv, json.sig, csv.sig]."""
    json_path, csv_path = folder / f"notifications-{stamp}.json", folder / f"notifications-{stamp}.csv"
    pids = sorted({d.person_id for d in dues})
    wishes = crepo.wishes_by_person(conn, pids)
    listed = crepo.listed_outgoing(conn, ("agreed", "executed"))
    items = []
    for d in dues:
        serving, fields = message_fields(conn, d.person_id)
        msg = rules.outgoing_message_to_serving_power(d.person_id, serving, fields, wishes=wishes[d.person_id],
                                                      listed=d.person_id in listed)
        items.append({"kind": d.kind, "event_ref": d.event_ref, "due_on": d.due_on.isoformat(),
                      "rule": d.rule, "person": msg.as_dict()})
    doc = {"format": EXPORT_FORMAT, "recipient": RECIPIENT, "generated_at": datetime.now(UTC).isoformat(),
           "generated_by": actor.name, "count": len(items), "notifications": items}
    json_path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_csv(csv_path, CSV_COLUMNS, [
        [it["kind"], it["event_ref"], it["due_on"], it["person"]["person_id"],
         *[it["person"].get(f, "") for f in CSV_COLUMNS[4:]]] for it in items])
    sigs = [signing.sign_file(p, key, signer=actor.name) for p in (json_path, csv_path)]
    return [json_path, csv_path, *sigs]


def _zip(files: list[Path], at: datetime) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            info = zipfile.ZipInfo(f.name, date_time=at.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, f.read_bytes())
    return buf.getvalue()


def _export(uow: UnitOfWork, actor: Actor, today: date | None, copy_to: Path | None) -> dict:
    require(actor, "notify.export")
    today = today or datetime.now(UTC).date()
    url = uow.engine.url.render_as_string(hide_password=False)
    priv, pub = _keys(url)
    key = signing.load_private_key(priv)
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    export_id = new_id()
    with uow.transaction() as conn, tempfile.TemporaryDirectory(prefix="powbureau-export-") as tmp:
        dues = _dues(conn, today)
        if not dues:
            raise ValidationFailed(Msg("nothing is due on {value}; no export written", value=today.isoformat()))
        files = _build(conn, actor, dues, Path(tmp), stamp, key)
        files.append(Path(tmp) / pub.name)
        files[-1].write_bytes(pub.read_bytes())
        content = _zip(files, now)
        fp = signing.fingerprint(key.public_key())
        nrepo.insert_export(conn, {
            "id": export_id, "kind": "notifications", "filename": f"notifications-{stamp}.zip",
            "media_type": "application/zip", "content": content, "sha256": hashlib.sha256(content).hexdigest(),
            "count": len(dues), "signing_key": fp, "created_by": actor.name, "created_at": now})
        nrepo.record_sent(conn, [{"person_id": d.person_id, "kind": d.kind, "event_ref": d.event_ref} for d in dues],
                          export_id=export_id, sent_on=today, sent_by=actor.name, sent_at=now)
        audit.append(conn, actor=actor.name, action="notify.export", target=export_id,
                     detail={"count": len(dues), "key": fp, "file": files[0].name,
                             "sha256": hashlib.sha256(content).hexdigest()})
        written = []
        if copy_to is not None:
            for f in files[:4]:
                shutil.copyfile(f, copy_to / f.name)
                written.append(copy_to / f.name)
    return {"export_id": export_id, "filename": f"notifications-{stamp}.zip", "count": len(dues),
            "persons": sorted({d.person_id for d in dues}), "key": fp, "public_key": str(pub), "files": written}


def export(uow: UnitOfWork, actor: Actor, out_dir: Path | str, today: date | None = None) -> dict:
    """Write everything due (and overdue) as ``notifications-<UTC stamp>.json`` and ``.csv`` in ``out_dir``, sign
    both (Ed25519, detached ``.sig``), keep them as sent (``export_id``: the sent log's entry, downloadable again
    as a ZIP) and record each notification sent, so it leaves the due list. Never-rule (b): each person's data is
    built by ``notifications.outgoing_message_to_serving_power`` — a wish to remain or go elsewhere cannot appear.
    Returns the file paths, count, export id and key fingerprint. ``notify.export``; raises ``ValidationFailed``
    when nothing is due."""
    require(actor, "notify.export")
    out = writable_dir(out_dir, what="--out")
    out.mkdir(parents=True, exist_ok=True)
    r = _export(uow, actor, today, out)
    json_path, csv_path, *sigs = r.pop("files")
    return {"json": str(json_path), "csv": str(csv_path), "signatures": [str(s) for s in sigs], **r}


def export_to_cta(uow: UnitOfWork, actor: Actor, today: date | None = None) -> dict:
    """The web's export: everything due, signed and kept as one ZIP (JSON, CSV, their signatures and the public
    key), recorded as sent — one transaction, audited. Returns ``{export_id, filename, count, persons, key}``.
    ``notify.export``; ``ValidationFailed`` when nothing is due. GC III Art. 70, 120, 122."""
    r = _export(uow, actor, today, None)
    r.pop("files")
    return r


def verify(path: Path | str, public_key: Path | str | None = None, *, url: str | None = None) -> dict:
    """Check an exported file against its ``.sig`` with ``public_key`` (default: the bureau's key in
    ``key_dir``). Returns the file, its SHA-256 and the key fingerprint; raises ``SignatureInvalid`` or
    ``NotFound``."""
    import hashlib

    pub = Path(public_key) if public_key else key_dir(url) / (KEY_NAME + ".pub")
    key = signing.load_public_key(pub)
    signing.verify_file(path, key)
    data = Path(path).read_bytes()
    return {"file": str(path), "verified": True, "sha256": hashlib.sha256(data).hexdigest(),
            "key": signing.fingerprint(key)}


def sent(uow: UnitOfWork, actor: Actor, person_ids: Iterable[str] | None = None) -> list[dict]:
    """Notifications recorded as sent (newest first)."""
    require(actor, "notify.read")
    with uow.read() as conn:
        q = select(notifications_sent).order_by(notifications_sent.c.id.desc())
        if person_ids is not None:
            q = q.where(notifications_sent.c.person_id.in_(list(person_ids)))
        return [{"person_id": r["person_id"], "kind": r["kind"], "event_ref": r["event_ref"],
                 "sent_on": r["sent_on"].isoformat(), "file": r["export_file"], "sent_by": r["sent_by"]}
                for r in conn.execute(q).mappings()]


def sent_log(uow: UnitOfWork, actor: Actor, *, limit: int = 100, offset: int = 0) -> Page:
    """The sent log, newest first, ``limit`` from ``offset`` (a ``Page`` with the true total): each export's id,
    kind (``notifications`` or ``capture_cards``), when (UTC), by whom, how many, the file name, and the persons
    it was about as ``{"id", "name"}``. ``notify.read``."""
    require(actor, "notify.read")
    with uow.read() as conn:
        rows, total = nrepo.exports_page(conn, limit=limit, offset=offset)
        nm = names_of(conn, {p for r in rows for p in r["persons"]})
    items = [{"id": r["id"], "kind": r["kind"], "created_at": r["created_at"].isoformat(), "created_by": r["created_by"],
              "count": r["count"], "filename": r["filename"], "sha256": r["sha256"], "key": r["signing_key"],
              "persons": [{"id": p, "name": nm.get(p)} for p in r["persons"]]} for r in rows]
    return Page(items, total=total, offset=offset, limit=limit)


def export_download(uow: UnitOfWork, actor: Actor, export_id: str) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of a kept export, exactly as sent; the download is audited.
    ``notify.read``; raises ``NotFound`` naming the sent log."""
    require(actor, "notify.read")
    with uow.transaction() as conn:
        row = nrepo.get_export(conn, export_id)
        if row is None:
            raise NotFound(Msg("no export {export_id!r} in the sent log; see /notifications/sent", export_id=export_id))
        audit.append(conn, actor=actor.name, action="notify.download", target=export_id,
                     detail={"file": row["filename"]})
    return row["filename"], row["media_type"], bytes(row["content"])
