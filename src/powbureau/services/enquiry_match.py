"""Matching an enquiry against the registry and the counterpart lists, and re-matching after each import.

Candidates come from the cross-script name index (``names.token_keys``): persons (detainees, own personnel, third
parties named on documents) and counterpart-list rows; each is scored field by field with ``names.compare_names``
and partial birth dates, and the explanation says why (GC III Art. 122(7): every enquiry is answered)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select

from .. import names
from ..domain.dates import PartialDate
from ..domain.enquiry import FieldAgreement, Sought, next_state
from ..store import audit, repositories as repo
from ..store.tables import list_rows, lists, persons
from ..store.tables_enquiries import enquiries, enquiry_candidates, enquiry_events, enquiry_judgements, enquiry_keys
from .registry import search_keys

PROPOSE = 0.8  # an auto-proposed hit: the names match and the score reaches this
KEEP = 0.5  # candidates below are not shown
MAX_CANDIDATES = 10
PERSON_LIMIT = 200
REMATCH_STATES = ("open", "possible_hit")
NAME_PROPS = ("name_full", "surname", "given_name", "alias")
#: which persons an enquiry about our own serviceman / an enemy soldier may find
KINDS_FOR_SIDE = {"own": ("own_personnel", "third_party"), "enemy": ("detainee", "third_party"),
                  None: ("detainee", "own_personnel", "third_party")}


def sought_of(raw: str) -> Sought:
    """The ``Sought`` stored as JSON in ``enquiries.sought``."""
    d = json.loads(raw)
    pd = {k: PartialDate.parse_iso(d[k]) if d.get(k) else None for k in ("birth_date", "last_seen_date")}
    return Sought(tuple(d["names"]), pd["birth_date"], d.get("birth_place", ""), d.get("father_given_name", ""),
                  d.get("unit", ""), d.get("service_number", ""), d.get("last_seen_place", ""),
                  pd["last_seen_date"], d.get("side"))


def sought_keys(s: Sought) -> set[str]:
    """The name-index keys of every name the enquiry gives."""
    return set().union(*(search_keys(n) for n in s.names)) if s.names else set()


def _candidate_names(values: dict[str, list[str]]) -> list[str]:
    out = [v for p in NAME_PROPS for v in values.get(p, [])]
    sur, given = values.get("surname", []), values.get("given_name", [])
    out += [f"{s} {g}" for s in sur for g in given]
    return list(dict.fromkeys(out))


def _norm_id(v: str) -> str:
    return "".join(ch for ch in v.upper() if ch.isalnum())


def score(s: Sought, values: dict[str, list[str]]) -> tuple[float, bool, list[FieldAgreement]]:
    """(0..1 score, names match, per-field explanation) of a candidate with ``values`` (property -> values).

    The name decides (best ``compare_names`` over every pair); agreeing birth dates (Korean ages: ±2 years is
    ``close``), service numbers, fathers' names, places of birth and units add to it, disagreeing ones take away."""
    why: list[FieldAgreement] = []
    best, pair, match = 0.0, ("", ""), False
    for a in s.names:
        for b in _candidate_names(values):
            c = names.compare_names(a, b)
            if (c.is_match, c.score) > (match, best):
                best, pair, match = c.score, (a, b), c.is_match
    why.append(FieldAgreement("name", pair[0], pair[1], "agree" if match else "close" if best >= 0.6 else "disagree",
                              f"name matcher {best:.2f}"))
    total = best
    if s.birth_date and values.get("birth_date"):
        cand = values["birth_date"][0]
        try:
            other = PartialDate.parse_iso(cand)
        except Exception:  # noqa: BLE001 - a malformed stored date is just no evidence
            other = None
        if other is not None and s.birth_date.compatible_with(other):
            total += 0.15
            why.append(FieldAgreement("birth_date", s.birth_date.iso(), cand, "agree", "same date at the shared "
                                                                                       "precision"))
        elif other is not None and abs(s.birth_date.year - other.year) <= 2:
            total += 0.05
            why.append(FieldAgreement("birth_date", s.birth_date.iso(), cand, "close", "within 2 years (Korean age)"))
        else:
            total -= 0.25
            why.append(FieldAgreement("birth_date", s.birth_date.iso(), cand, "disagree", "different birth dates"))
    if s.service_number and values.get("service_number"):
        same = any(_norm_id(v) == _norm_id(s.service_number) for v in values["service_number"])
        total += 0.3 if same else -0.1
        why.append(FieldAgreement("service_number", s.service_number, values["service_number"][0],
                                  "agree" if same else "disagree"))
    if s.father_given_name and values.get("father_given_name"):
        same = any(names.compare_names(s.father_given_name, v).is_match for v in values["father_given_name"])
        total += 0.1 if same else -0.1
        why.append(FieldAgreement("father_given_name", s.father_given_name, values["father_given_name"][0],
                                  "agree" if same else "disagree"))
    for prop in ("birth_place", "unit"):
        mine = getattr(s, prop).casefold()
        if mine and values.get(prop):
            theirs = values[prop][0]
            same = mine in theirs.casefold() or theirs.casefold() in mine
            total += 0.05 if same else -0.02
            why.append(FieldAgreement(prop, getattr(s, prop), theirs, "agree" if same else "disagree"))
    return max(0.0, min(1.0, round(total, 4))), match, why


def _values_of_row(data: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for prop, value, *_ in json.loads(data):
        out.setdefault(prop, []).append(value)
    return out


def candidates(conn: Connection, s: Sought) -> list[dict]:
    """Ranked candidates for ``s``: ``{target, score, proposed, explanation}``, best first, at most
    MAX_CANDIDATES, none below KEEP. ``target`` is ``person:<id>`` or ``row:<list_id>#<line>``."""
    keys = sought_keys(s)
    kinds = KINDS_FOR_SIDE.get(s.side, KINDS_FOR_SIDE[None])
    found: dict[str, dict[str, list[str]]] = {}
    pids = [pid for pid, _ in repo.persons_by_keys(conn, keys, limit=PERSON_LIMIT)]
    if pids:
        kind_of = dict(conn.execute(select(persons.c.id, persons.c.kind).where(persons.c.id.in_(pids))).all())
        stmts = repo.statements_for(conn, [p for p in pids if kind_of.get(p) in kinds])
        gone = repo.retracted_ids(conn, [x.id for ss in stmts.values() for x in ss])
        for pid, ss in stmts.items():
            vals: dict[str, list[str]] = {}
            for x in ss:
                if x.id not in gone:
                    vals.setdefault(x.prop, []).append(x.value)
            found[f"person:{pid}"] = vals
    if s.side != "enemy":  # the other side's lists name the people it holds: our own servicemen
        q = (select(list_rows.c.list_id, list_rows.c.line, list_rows.c.data)
             .join(lists, lists.c.id == list_rows.c.list_id).where(lists.c.kind == "counterpart_list"))
        for r in conn.execute(q):
            vals = _values_of_row(r.data)
            if keys & set().union(*(search_keys(n) for n in _candidate_names(vals))):
                found[f"row:{r.list_id}#{r.line}"] = vals
    out = []
    for target, vals in found.items():
        sc, match, why = score(s, vals)
        if sc >= KEEP:
            out.append({"target": target, "score": sc, "proposed": match and sc >= PROPOSE,
                        "explanation": [w.__dict__ for w in why]})
    out.sort(key=lambda c: (-c["score"], c["target"]))
    return out[:MAX_CANDIDATES]


def state_of(conn: Connection, enquiry_id: str) -> tuple[str, str | None]:
    """(state, outcome) of an enquiry: its latest event."""
    row = conn.execute(select(enquiry_events.c.state, enquiry_events.c.outcome)
                       .where(enquiry_events.c.enquiry_id == enquiry_id)
                       .order_by(enquiry_events.c.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else ("open", None)


def add_event(conn: Connection, enquiry_id: str, state: str, actor: str, note: str = "",
              outcome: str | None = None, action: str = "enquiry.state") -> None:
    """Append a state event (checked by ``domain.enquiry.next_state`` unless it is the first) and audit it."""
    current = conn.execute(select(enquiry_events.c.id).where(enquiry_events.c.enquiry_id == enquiry_id)
                           .limit(1)).first()
    if current is not None:
        next_state(state_of(conn, enquiry_id)[0], state)
    eid = conn.execute(enquiry_events.insert().values(
        enquiry_id=enquiry_id, state=state, outcome=outcome, note=note[:500], actor=actor,
        at=datetime.now(UTC))).inserted_primary_key[0]
    audit.append(conn, actor=actor, action=action, target=enquiry_id,
                 detail={"state": state, "outcome": outcome, "note": note[:200]},
                 covers=[("enquiry_events", eid)])


def rejected_targets(conn: Connection, enquiry_id: str) -> dict[str, str]:
    """target -> latest judgement (confirmed / rejected) for an enquiry."""
    out: dict[str, str] = {}
    for t, j in conn.execute(select(enquiry_judgements.c.target, enquiry_judgements.c.judgement)
                             .where(enquiry_judgements.c.enquiry_id == enquiry_id)
                             .order_by(enquiry_judgements.c.id)):
        out[t] = j
    return out


def rematch(conn: Connection, enquiry_id: str, actor: str, note: str) -> list[dict]:
    """Recompute the candidates of one enquiry (in the caller's transaction) and move it to ``possible_hit``
    when a proposed candidate nobody has rejected appears (from open, or reopening an answered
    ``not_yet_found``). Returns the candidates."""
    row = conn.execute(select(enquiries.c.sought).where(enquiries.c.id == enquiry_id)).first()
    cands = candidates(conn, sought_of(row[0]))
    conn.execute(delete(enquiry_candidates).where(enquiry_candidates.c.enquiry_id == enquiry_id))
    now = datetime.now(UTC)
    repo.insert_many(conn, enquiry_candidates, [
        {"enquiry_id": enquiry_id, "target": c["target"], "score": c["score"], "proposed": c["proposed"],
         "explanation": json.dumps(c["explanation"], ensure_ascii=False), "found_at": now} for c in cands])
    judged = rejected_targets(conn, enquiry_id)
    live = [c for c in cands if c["proposed"] and judged.get(c["target"]) != "rejected"]
    state, outcome = state_of(conn, enquiry_id)
    reopen = state == "answered" and outcome == "not_yet_found"
    if live and (state == "open" or reopen):
        add_event(conn, enquiry_id, "possible_hit", actor, f"{note}: {len(live)} possible hit(s), best "
                  f"{live[0]['target']} ({live[0]['score']:.2f})")
    return cands


def rematch_after_import(conn: Connection, actor: str, list_id: str) -> int:
    """Re-match the open enquiries (and those answered ``not_yet_found``) whose name keys the rows of list
    ``list_id`` share, inside the import's transaction; returns how many were re-matched. Called by
    ``services.imports.import_list`` (issue 11: a possible hit appears without anyone asking)."""
    keys: set[str] = set()
    for (data,) in conn.execute(select(list_rows.c.data).where(list_rows.c.list_id == list_id)):
        keys |= set().union(*(search_keys(n) for n in _candidate_names(_values_of_row(data))))
    if not keys:
        return 0
    ids: set[str] = set()
    kl = list(keys)
    for i in range(0, len(kl), 500):
        ids.update(conn.execute(select(enquiry_keys.c.enquiry_id).where(enquiry_keys.c.key.in_(kl[i:i + 500])))
                   .scalars())
    n = 0
    for eid in sorted(ids):
        state, outcome = state_of(conn, eid)
        if state in REMATCH_STATES or (state == "answered" and outcome == "not_yet_found"):
            rematch(conn, eid, actor, f"re-matched after list import {list_id}")
            n += 1
    return n


def index_enquiry(conn: Connection, enquiry_id: str, keys: Iterable[str]) -> None:
    """Add the enquiry's name keys to ``enquiry_keys`` (the index a list import looks enquiries up in)."""
    repo.insert_many(conn, enquiry_keys, [{"key": k[:64], "enquiry_id": enquiry_id} for k in set(keys)])
