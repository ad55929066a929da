"""Migration 0009_enquiry_index on a database written at 0008: the counterpart-list rows already stored get their
name keys (so an enquiry finds them through the index), and persons and enquiries gain their consonant keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from powbureau.domain.enquiry import Sought
from powbureau.services import enquiry_match as em
from powbureau.store import db

T = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


def test_upgrade_indexes_stored_rows_persons_and_enquiries(db_url):
    engine = db.make_engine(db_url)
    cfg = db.alembic_config(db_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008_user_preferences")
    row = [["name_full", "Alekseyev Vadim", "Alekseyev Vadim", "Latn", False], ["birth_date", "1995-06", "1995-06",
                                                                                   None, False]]
    with engine.begin() as conn:
        for lid, kind in (("L1", "counterpart_list"), ("L2", "detainees")):
            conn.execute(text("insert into lists (id, label, kind, filename, sha256, encoding, source_kind, "
                              "row_count, imported_at, imported_by) values (:id, 'their list', :k, 'f.csv', :id, "
                              "'utf-8', 'counterpart_list', 1, :t, 'operator')"), {"id": lid, "k": kind, "t": T})
            conn.execute(text("insert into list_rows (list_id, line, external_id, data) values (:l, 2, 'R1', :d)"),
                         {"l": lid, "d": json.dumps(row)})
        conn.execute(text("insert into persons (id, kind, status, created_at, created_by) values "
                          "('P1', 'own_personnel', 'missing', :t, 'operator')"), {"t": T})
        conn.execute(text("insert into name_keys (key, person_id) values ('ALEKSIV', 'P1'), ('VADIM', 'P1'), "
                          "('G:VADIM', 'P1')"))
        conn.execute(text("insert into enquiries (id, channel, reference, enquirer, sought, language, source_ref, "
                          "received_at, recorded_by) values ('E1', 'hotline', '', '{}', :s, 'uk', 'manual', :t, "
                          "'operator')"), {"t": T, "s": json.dumps({"names": ["Алексеев Вадим"]})})
        conn.execute(text("insert into enquiry_keys (key, enquiry_id) values ('ALEKSIV', 'E1'), ('VADIM', 'E1')"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        rows = conn.execute(text("select key, row_ref from list_row_keys")).all()
        assert {r for _, r in rows} == {"L1#2"}  # the counterpart row, not the registry list's row
        assert {k for k, _ in rows} >= {"ALEKSEEV", "V:LKSV", "VADIM"}
        assert set(conn.execute(text("select key from name_keys where person_id = 'P1'")).scalars()) == {
            "ALEKSIV", "VADIM", "G:VADIM", "V:LKSV", "V:VDM"}
        assert "V:LKSV" in set(conn.execute(text("select key from enquiry_keys")).scalars())
        # the enquiry in Cyrillic finds the stored Latin row through the index; Алексеев/Alekseyev differ in vowels
        found = [c["target"] for c in em.candidates(conn, Sought(("Алексеев Вадим",), side="own"))]
        assert "row:L1#2" in found
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008_user_preferences")
    with engine.connect() as conn:
        assert not conn.execute(text("select count(*) from name_keys where key like 'V:%'")).scalar()
    engine.dispose()
