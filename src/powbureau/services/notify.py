"""Notification use cases: what is due or overdue, the signed export to the CTA, and its verification.

Deadlines come from stored events (status changes and custody events; GC III Art. 70, 120, 122(6)); the export is
JSON + CSV built only from the serving-power whitelist (never a wish), each signed with Ed25519 (Art. 122(8))."""

from __future__ import annotations

from ..domain.messages import Msg
import json
import os
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select

from ..domain import notifications as rules
from ..domain.errors import NotFound, ValidationFailed
from ..domain.roles import Actor, require
from ..io import signing
from ..io.csv_safe import write_csv
from ..io.paths import writable_dir
from ..store import audit, custody_repo as crepo, repositories as repo
from ..store.db import database_url
from ..store.tables import persons, status_events
from ..store.tables_custody import custody_events, notifications_sent
from ..store.uow import UnitOfWork
from .cards import declared_values, latin_parts, name_parts
from .custody import names_of

KEY_NAME = "powbureau-signing-key.pem"
RECIPIENT = "ICRC Central Tracing Agency (CTA), Geneva"
EXPORT_FORMAT = "powbureau-notifications/1"
#: Status changes that are notifiable events (GC III Art. 70: arrival at a camp, transfer, hospital; Art. 120).
_BY_STATUS = {"hospitalised": "hospital_admission", "deceased": "death"}
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
    q = select(persons.c.id).where(persons.c.kind == "detainee")
    se, ce = select(status_events).order_by(status_events.c.id), select(custody_events).order_by(custody_events.c.id)
    if person_id is not None:
        q = q.where(persons.c.id == person_id)
        se, ce = se.where(status_events.c.person_id == person_id), ce.where(custody_events.c.person_id == person_id)
    detainees = set(conn.execute(q).scalars())
    out: list[rules.NotifiableEvent] = []
    for r in conn.execute(se).mappings():
        if r["person_id"] not in detainees:
            continue
        kind = _BY_STATUS.get(r["to_status"])
        if r["to_status"] == "interned":
            kind = "transfer" if r["from_status"] == "transferring" else "arrival_at_camp"
        if kind:
            out.append(rules.NotifiableEvent(kind, r["person_id"], crepo.utc(r["at"]).date(), r["place"],
                                             f"status:{r['id']}"))
    for r in conn.execute(ce).mappings():
        out.append(rules.NotifiableEvent(r["kind"], r["person_id"], r["occurred_on"], r["place"], f"event:{r['id']}"))
    return out


def _sent(conn: Connection, person_id: str | None = None) -> list[rules.Sent]:
    q = select(notifications_sent)
    if person_id is not None:
        q = q.where(notifications_sent.c.person_id == person_id)
    return [rules.Sent(r["person_id"], r["kind"], r["sent_on"], r["event_ref"]) for r in conn.execute(q).mappings()]


def _dues(conn: Connection, today: date, person_id: str | None = None) -> list[rules.Due]:
    return rules.due_notifications(notifiable_events(conn, person_id), _sent(conn, person_id), today)


def due(uow: UnitOfWork, actor: Actor, today: date | None = None, *, person_id: str | None = None) -> list[dict]:
    """What is owed on ``today`` (default: today, UTC), due date first: person, kind, due date, overdue, rule;
    for every detainee, or only ``person_id`` (his events and sends alone are read)."""
    require(actor, "notify.read")
    today = today or datetime.now(UTC).date()
    with uow.read() as conn:
        dues = _dues(conn, today, person_id)
        nm = names_of(conn, {d.person_id for d in dues})
    return [{"person_id": d.person_id, "name": nm.get(d.person_id), "kind": d.kind, "event_ref": d.event_ref,
             "due_on": d.due_on.isoformat(), "overdue": d.overdue, "rule": d.rule} for d in dues]


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


def export(uow: UnitOfWork, actor: Actor, out_dir: Path | str, today: date | None = None) -> dict:
    """Write everything due (and overdue) as ``notifications-<UTC stamp>.json`` and ``.csv`` in ``out_dir``, sign
    both (Ed25519, detached ``.sig``), and record them as sent. Never-rule (b): each person's data is built by
    ``notifications.outgoing_message_to_serving_power`` — a wish to remain or go elsewhere cannot appear.
    Returns the file paths, count and key fingerprint. ``notify.export``; raises ``ValidationFailed`` when
    nothing is due."""
    require(actor, "notify.export")
    today = today or datetime.now(UTC).date()
    out = writable_dir(out_dir, what="--out")
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    json_path, csv_path = out / f"notifications-{stamp}.json", out / f"notifications-{stamp}.csv"
    url = uow.engine.url.render_as_string(hide_password=False)
    priv, pub = _keys(url)
    key = signing.load_private_key(priv)
    with uow.transaction() as conn:
        dues = _dues(conn, today)
        if not dues:
            raise ValidationFailed(Msg("nothing is due on {value}; no export written", value=today.isoformat()))
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
        now = datetime.now(UTC)
        repo.insert_many(conn, notifications_sent, [
            {"person_id": d.person_id, "kind": d.kind, "event_ref": d.event_ref, "sent_on": today,
             "export_file": json_path.name, "sent_by": actor.name, "sent_at": now} for d in dues])
        audit.append(conn, actor=actor.name, action="notify.export", target=json_path.name,
                     detail={"count": len(items), "key": signing.fingerprint(key.public_key())})
    return {"json": str(json_path), "csv": str(csv_path), "signatures": [str(s) for s in sigs], "count": len(items),
            "key": signing.fingerprint(key.public_key()), "public_key": str(pub)}


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
