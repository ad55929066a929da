"""Matching an enquiry against the registry and the counterpart lists, and re-matching after each import.

Candidates come from indexed key tables only, never a scan: ``name_keys`` (persons: detainees, own personnel,
third parties named on documents), ``list_row_keys`` (counterpart-list rows) and ``enquiry_keys`` (the other way
round, after an import). The rarest keys are read whole, the commoner ones only probed for those candidates, and
the best-weighted few are scored field by field with ``names.compare_names`` and partial birth dates; the
explanation says why (GC III Art. 122(7): every enquiry is answered)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, Table, delete, func, select

from .. import names
from ..domain.dates import PartialDate
from ..domain.enquiry import FieldAgreement, Sought, next_state
from ..store import audit, repositories as repo
from ..store.tables import list_rows, lists, name_keys, persons, statements
from ..store.tables_enquiries import enquiries, enquiry_candidates, enquiry_events, enquiry_judgements, \
    enquiry_keys, list_row_keys
from .registry import neighbour_keys, search_keys

PROPOSE = 0.8  # an auto-proposed hit: the names match and the score reaches this
KEEP = 0.5  # candidates below are not shown
MAX_CANDIDATES = 10
PERSON_LIMIT = 500  # persons (and rows) read per enquiry, at most: the best-weighted by their shared keys
FIELD_PROPS = ("birth_date", "service_number", "unit", "birth_place")  # what the pre-ranking reads
SCORE_MAX = 40  # of those, scored by the name matcher, at most: the best by key weight and the other fields
REMATCH_STATES = ("open", "possible_hit")
NAME_PROPS = ("name_full", "surname", "given_name", "alias")
#: which persons an enquiry about our own serviceman / an enemy soldier may find
KINDS_FOR_SIDE = {"own": ("own_personnel", "third_party"), "enemy": ("detainee", "third_party"),
                  None: ("detainee", "own_personnel", "third_party")}
#: person kind of each list kind (a counterpart list's rows are no persons)
LIST_PERSON_KIND = {"detainees": "detainee", "own_personnel": "own_personnel"}
COUNT_CAP = 50_000  # a key's postings are counted up to this (a key that common says little)
READ_BUDGET = 20_000  # postings of the rarest keys read whole per lookup, at most
PROBE_MAX = 3_000  # candidates probed for the commoner keys, at most
JOIN_BUDGET = 6_000  # up to this many postings of the rarer keys, ALL their candidates are probed (a self-join)
NEAR_WEIGHT = 0.5  # a key a slip of the pen from the enquiry's (near_keys) counts half
CONSONANT_WEIGHT = 0.7  # a consonant skeleton (registry.consonant_key) says less than the token key itself
NUMBER_WEIGHT = 3.0  # the same service number says more than any one name token
KG_LETTERS = "CHKLMNPST"  # the consonants of Korean given-name keys (names.token_keys ``KG:``)
ENQUIRIES_PER_ROW = 12  # enquiries a new list row is scored against, at most: the best-weighted ones
CHUNK = 500


def sought_of(raw: str) -> Sought:
    """The ``Sought`` stored as JSON in ``enquiries.sought``."""
    d = json.loads(raw)
    pd = {k: PartialDate.parse_iso(d[k]) if d.get(k) else None for k in ("birth_date", "last_seen_date")}
    return Sought(tuple(d["names"]), pd["birth_date"], d.get("birth_place", ""), d.get("father_given_name", ""),
                  d.get("unit", ""), d.get("service_number", ""), d.get("last_seen_place", ""),
                  pd["last_seen_date"], d.get("side"))


def sought_keys(s: Sought) -> set[str]:
    """The index keys of the enquiry: the name keys of every name it gives (``registry.search_keys``) and
    ``SN:<service number>`` (letters and digits only, upper case) when it gives one."""
    keys = set().union(*(search_keys(n) for n in s.names)) if s.names else set()
    return keys | ({sn} if (sn := number_key(s.service_number)) else set())


def number_key(service_number: str) -> str | None:
    """``SN:<letters and digits, upper case>`` of a service number (None for one with fewer than 4 of them)."""
    n = _norm_id(service_number or "")
    return f"SN:{n}"[:64] if len(n) >= 4 else None


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
    best, pair, match = 0.0, ("", ""), False
    for a in s.names:
        for b in _candidate_names(values):
            c = names.compare_names(a, b)
            if (c.is_match, c.score) > (match, best):
                best, pair, match = c.score, (a, b), c.is_match
    why = [FieldAgreement("name", pair[0], pair[1], "agree" if match else "close" if best >= 0.6 else "disagree",
                          f"name matcher {best:.2f}")]
    extra, more = _fields(s, values)
    return max(0.0, min(1.0, round(best + extra, 4))), match, why + more


def _fields(s: Sought, values: dict[str, list[str]], *, fathers: bool = True) -> tuple[float, list[FieldAgreement]]:
    """What the fields beside the name add to a candidate's score, and why (``fathers=False`` skips the name
    matcher on fathers' names: the cheap pre-ranking of ``_shortlist``)."""
    why: list[FieldAgreement] = []
    total = 0.0
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
    if fathers and s.father_given_name and values.get("father_given_name"):
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
    return total, why


def _values_of_row(data: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for prop, value, *_ in json.loads(data):
        out.setdefault(prop, []).append(value)
    return out


def row_keys(data: list) -> set[str]:
    """The index keys of one list row (``list_rows.data`` parsed: ``[[prop, value, …], …]``): the search keys of
    its names and its service numbers (``number_key``), as ``services.imports`` writes them to ``list_row_keys`` for
    counterpart-list rows."""
    vals: dict[str, list[str]] = {}
    for prop, value, *_ in data:
        vals.setdefault(prop, []).append(value)
    return _keys_of(vals)


def _keys_of(values: dict[str, list[str]]) -> set[str]:
    keys = set().union(*(search_keys(n) for n in _candidate_names(values)))
    return keys | {k for v in values.get("service_number", []) if (k := number_key(v))}


def near_keys(key: str) -> set[str]:
    """Keys a slip of the pen away from ``key``: for a plain token key of at least four letters, one letter
    deleted, changed, inserted or two neighbours swapped (``registry.neighbour_keys`` plus transpositions), and
    for one of at least six letters its two halves (a lost space: ТитовПавел -> TITOV, PAVEL); for a Korean
    given-name key (``KG:``) one consonant deleted, inserted or swapped (a syllable dropped or misheard)."""
    if key.startswith("KG:"):
        body = key[3:]
        if len(body) > 6:
            return set()
        out = {body[:i] + body[i + 1:] for i in range(len(body))}
        out |= {body[:i] + c + body[i:] for i in range(len(body) + 1) for c in KG_LETTERS}
        out |= {body[:i] + body[i + 1] + body[i] + body[i + 2:] for i in range(len(body) - 1)}
        return {f"KG:{b}" for b in out if b and b != body}
    if ":" in key or len(key) < 4:
        return set()
    out = neighbour_keys(key)
    out |= {key[:i] + key[i + 1] + key[i] + key[i + 2:] for i in range(len(key) - 1)}
    if len(key) >= 6:
        out |= {part for i in range(3, len(key) - 2) for part in (key[:i], key[i:])}
    out.discard(key)
    return out


def lookup_keys(keys: Iterable[str]) -> dict[str, float]:
    """Keys to look up -> base weight: the given keys 1.0 (consonant keys ``V:`` CONSONANT_WEIGHT), and their
    ``near_keys`` NEAR_WEIGHT."""
    out = {k: CONSONANT_WEIGHT if k.startswith("V:") else NUMBER_WEIGHT if k.startswith("SN:") else 1.0
           for k in keys}
    for k in list(out):
        for n in near_keys(k):
            out.setdefault(n, NEAR_WEIGHT)
    return out


def _query_keys(s: Sought) -> dict[str, float]:
    """``lookup_keys`` of the enquiry's names, plus (at NEAR_WEIGHT) the keys of each Hangul name with its given
    name's two syllables swapped (김길성 for 김성길: the order misheard on the telephone)."""
    out = lookup_keys(sought_keys(s))
    for n in s.names:
        t = n.replace(" ", "")
        if len(t) == 3 and all("\uac00" <= ch <= "\ud7a3" for ch in t):
            for k in search_keys(t[0] + t[2] + t[1]):
                out.setdefault(k, NEAR_WEIGHT)
    return out


def _raw(conn: Connection, sql: str, params: list) -> list[tuple]:
    """Run ``sql`` written with ``?`` placeholders on the driver directly (the per-lookup queries here vary in
    their number of keys, which SQLAlchemy would compile afresh each time: the hot path of matching)."""
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    return conn.exec_driver_sql(sql, tuple(params)).all()


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _counts(conn: Connection, table: Table, keys: dict[str, float]) -> dict[str, int]:
    """How many postings each key has in ``table`` (counted up to COUNT_CAP for the exact keys); absent keys
    are left out. One bounded index range per exact key, one grouped lookup per chunk of near keys."""
    out: dict[str, int] = {}
    name = table.name
    exact = sorted(k for k, w in keys.items() if w >= 1.0)
    for i in range(0, len(exact), 50):
        part = exact[i:i + 50]
        sql = " UNION ALL ".join(f"SELECT CAST(? AS VARCHAR(64)), count(*) FROM (SELECT 1 AS one FROM {name} "
                                 f"WHERE key = ? LIMIT {COUNT_CAP}) AS x{j}" for j in range(len(part)))
        out.update(dict(_raw(conn, sql, [v for k in part for v in (k, k)])))
    weak = sorted(k for k, w in keys.items() if w < 1.0)
    for i in range(0, len(weak), CHUNK):
        part = weak[i:i + CHUNK]
        out.update(dict(_raw(conn, f"SELECT key, count(*) FROM {name} WHERE key IN ({_marks(len(part))}) "
                                   "GROUP BY key", part)))
    return {k: n for k, n in out.items() if n}


def ranked(conn: Connection, table: Table, ref: Column, keys: dict[str, float], limit: int) -> list[tuple[str, float]]:
    """The ``limit`` best ``(ref, weight)`` of a key table (``name_keys``, ``list_row_keys``, ``enquiry_keys``)
    for ``keys`` (key -> base weight, as ``lookup_keys`` gives), through its (key, ref) index only.

    A shared key weighs ``base * ln(1 + COUNT_CAP / postings)``: a rare surname says much, a common given name
    little. The postings of the rarest keys are read whole (READ_BUDGET in all) and the commoner keys are only
    probed for those candidates (a self-join on the index, up to JOIN_BUDGET postings; beyond, for the PROBE_MAX
    best-weighted), so the work is bounded whatever the registry's size."""
    counts = _counts(conn, table, keys)
    if not counts:
        return []
    weight = {k: keys[k] * math.log(1 + COUNT_CAP / n) for k, n in counts.items()}
    order = sorted(counts, key=lambda k: (counts[k], k))
    rare: list[str] = []
    used = 0
    for k in order:
        if rare and used + counts[k] > READ_BUDGET:
            break
        rare.append(k)
        used += counts[k]
    common = order[len(rare):]
    name, col = table.name, ref.name
    got: dict[str, float] = {}
    for k, r in _raw(conn, f"SELECT key, {col} FROM {name} WHERE key IN ({_marks(len(rare))}) LIMIT {READ_BUDGET}",
                     rare):
        got[r] = got.get(r, 0.0) + weight[k]
    if common and got and used <= JOIN_BUDGET:  # every candidate so far, probed for the commoner keys in SQL
        pairs = _raw(conn, f"SELECT DISTINCT b.key, b.{col} FROM {name} a JOIN {name} b ON b.{col} = a.{col} "
                           f"WHERE a.key IN ({_marks(len(rare))}) AND b.key IN ({_marks(len(common))})",
                     rare + common)
        for k, r in pairs:
            if r in got:
                got[r] += weight[k]
    elif common and got:  # too many candidates to probe them all: probe the best-weighted part
        top = sorted(got, key=lambda r: (-got[r], r))[:PROBE_MAX]
        for i in range(0, len(top), CHUNK):
            part = top[i:i + CHUNK]
            for k, r in _raw(conn, f"SELECT key, {col} FROM {name} WHERE key IN ({_marks(len(common))}) "
                                   f"AND {col} IN ({_marks(len(part))})", common + part):
                got[r] += weight[k]
    return sorted(got.items(), key=lambda x: (-x[1], x[0]))[:limit]


def _persons_by_number(conn: Connection, service_number: str) -> list[str]:
    """Persons with a ``service_number`` statement spelt as ``service_number`` is, or upper-cased, or without its
    spaces (through the partial index ``ix_statements_service_number``, migration 0007); at most 20."""
    raw = (service_number or "").strip()
    if len(_norm_id(raw)) < 4:
        return []
    forms = sorted({raw, raw.upper(), raw.replace(" ", ""), raw.upper().replace(" ", ""), _norm_id(raw)})
    return list(conn.execute(select(statements.c.person_id).distinct()
                             .where(statements.c.prop == "service_number", statements.c.value.in_(forms))
                             .limit(20)).scalars())


def _of_kinds(conn: Connection, pids: list[str], kinds: Iterable[str]) -> list[str]:
    kinds = set(kinds)
    keep = set()
    for i in range(0, len(pids), CHUNK):
        keep.update(pid for pid, kind in conn.execute(select(persons.c.id, persons.c.kind)
                                                      .where(persons.c.id.in_(pids[i:i + CHUNK]))) if kind in kinds)
    return [p for p in pids if p in keep]


def _field_values(conn: Connection, pids: list[str]) -> dict[str, dict[str, list[str]]]:
    """``person:<id>`` -> the FIELD_PROPS values of ``pids`` (for the pre-ranking; retractions not checked)."""
    out: dict[str, dict[str, list[str]]] = {f"person:{p}": {} for p in pids}
    for i in range(0, len(pids), CHUNK):
        for pid, prop, value in conn.execute(select(statements.c.person_id, statements.c.prop, statements.c.value)
                                             .where(statements.c.person_id.in_(pids[i:i + CHUNK]),
                                                    statements.c.prop.in_(FIELD_PROPS))):
            out[f"person:{pid}"].setdefault(prop, []).append(value)
    return out


def _person_values(conn: Connection, pids: list[str]) -> dict[str, dict[str, list[str]]]:
    """``person:<id>`` -> property -> values of ``pids``, retracted statements left out."""
    rows = []
    for i in range(0, len(pids), CHUNK):
        rows += conn.execute(select(statements.c.id, statements.c.person_id, statements.c.prop, statements.c.value)
                             .where(statements.c.person_id.in_(pids[i:i + CHUNK]))).all()
    gone = repo.retracted_ids(conn, [r[0] for r in rows])
    out: dict[str, dict[str, list[str]]] = {f"person:{p}": {} for p in pids}
    for sid, pid, prop, value in rows:
        if sid not in gone:
            out[f"person:{pid}"].setdefault(prop, []).append(value)
    return out


def _row_values(conn: Connection, refs: list[str]) -> dict[str, dict[str, list[str]]]:
    """``row:<list_id>#<line>`` -> property -> values of the counterpart-list rows ``refs`` (``<list>#<line>``)."""
    by_list: dict[str, list[int]] = {}
    for ref in refs:
        list_id, _, line = ref.partition("#")
        by_list.setdefault(list_id, []).append(int(line))
    out: dict[str, dict[str, list[str]]] = {}
    for list_id, lines in by_list.items():
        q = (select(list_rows.c.line, list_rows.c.data).join(lists, lists.c.id == list_rows.c.list_id)
             .where(lists.c.kind == "counterpart_list", list_rows.c.list_id == list_id, list_rows.c.line.in_(lines)))
        for line, data in conn.execute(q):
            out[f"row:{list_id}#{line}"] = _values_of_row(data)
    return out


def _ranked_candidates(s: Sought, found: dict[str, dict[str, list[str]]]) -> list[dict]:
    out = []
    for target, vals in found.items():
        sc, match, why = score(s, vals)
        if sc >= KEEP:
            out.append({"target": target, "score": sc, "proposed": match and sc >= PROPOSE,
                        "explanation": [w.__dict__ for w in why]})
    out.sort(key=lambda c: (-c["score"], c["target"]))
    return out[:MAX_CANDIDATES]


def _shortlist(s: Sought, found: dict[str, dict[str, list[str]]], weights: dict[str, float]) -> dict:
    """The SCORE_MAX of ``found`` most worth the name matcher: key weight (relative to the best) plus what the
    other fields say (``_fields`` without fathers' names)."""
    if len(found) <= SCORE_MAX:
        return found
    top = max(weights.values(), default=1.0) or 1.0
    pre = {t: weights.get(t, 0.0) / top + _fields(s, v, fathers=False)[0] for t, v in found.items()}
    return {t: found[t] for t in sorted(pre, key=lambda t: (-pre[t], t))[:SCORE_MAX]}


def candidates(conn: Connection, s: Sought) -> list[dict]:
    """Ranked candidates for ``s``: ``{target, score, proposed, explanation}``, best first, at most
    MAX_CANDIDATES, none below KEEP. ``target`` is ``person:<id>`` or ``row:<list_id>#<line>``.

    Persons come from ``name_keys`` and counterpart-list rows from ``list_row_keys`` (``ranked``: an index, not
    a scan); of the PERSON_LIMIT best-weighted of each, the SCORE_MAX best by ``_shortlist`` are scored."""
    keys = _query_keys(s)
    if not keys:
        return []
    kinds = KINDS_FOR_SIDE.get(s.side, KINDS_FOR_SIDE[None])
    hits = ranked(conn, name_keys, name_keys.c.person_id, keys, PERSON_LIMIT)
    weights = {f"person:{p}": w for p, w in hits}
    for pid in _persons_by_number(conn, s.service_number):
        weights[f"person:{pid}"] = weights.get(f"person:{pid}", 0.0) + NUMBER_WEIGHT * math.log(1 + COUNT_CAP)
    pids = [t.removeprefix("person:") for t in weights]
    short = _shortlist(s, _field_values(conn, _of_kinds(conn, pids, kinds)), weights)
    found = _person_values(conn, [t.removeprefix("person:") for t in short])
    if s.side != "enemy":  # the other side's lists name the people it holds: our own servicemen
        hits = ranked(conn, list_row_keys, list_row_keys.c.row_ref, keys, PERSON_LIMIT)
        weights = {f"row:{r}": w for r, w in hits}
        found.update(_shortlist(s, _row_values(conn, [r for r, _ in hits]), weights))
    return _ranked_candidates(s, found)


def state_of(conn: Connection, enquiry_id: str) -> tuple[str, str | None]:
    """(state, outcome) of an enquiry: its latest event."""
    row = conn.execute(select(enquiry_events.c.state, enquiry_events.c.outcome)
                       .where(enquiry_events.c.enquiry_id == enquiry_id)
                       .order_by(enquiry_events.c.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else ("open", None)


def states_of(conn: Connection, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """``state_of`` for many enquiries at once: enquiry id -> (state, outcome); those without events are left out."""
    out: dict[str, tuple[str, str | None]] = {}
    for i in range(0, len(ids), CHUNK):
        last = (select(func.max(enquiry_events.c.id)).where(enquiry_events.c.enquiry_id.in_(ids[i:i + CHUNK]))
                .group_by(enquiry_events.c.enquiry_id))
        for eid, state, outcome in conn.execute(select(enquiry_events.c.enquiry_id, enquiry_events.c.state,
                                                       enquiry_events.c.outcome)
                                                .where(enquiry_events.c.id.in_(last))):
            out[eid] = (state, outcome)
    return out


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


def _store(conn: Connection, enquiry_id: str, cands: list[dict], actor: str, note: str,
           state: tuple[str, str | None]) -> None:
    """Replace the enquiry's candidates by ``cands`` and move it to ``possible_hit`` when a proposed candidate
    nobody has rejected is among them (from open, or reopening an answered ``not_yet_found``)."""
    conn.execute(delete(enquiry_candidates).where(enquiry_candidates.c.enquiry_id == enquiry_id))
    now = datetime.now(UTC)
    repo.insert_many(conn, enquiry_candidates, [
        {"enquiry_id": enquiry_id, "target": c["target"], "score": c["score"], "proposed": c["proposed"],
         "explanation": json.dumps(c["explanation"], ensure_ascii=False), "found_at": now} for c in cands])
    live = [c for c in cands if c["proposed"]]
    if live:
        judged = rejected_targets(conn, enquiry_id)
        live = [c for c in live if judged.get(c["target"]) != "rejected"]
    reopen = state[0] == "answered" and state[1] == "not_yet_found"
    if live and (state[0] == "open" or reopen):
        add_event(conn, enquiry_id, "possible_hit", actor, f"{note}: {len(live)} possible hit(s), best "
                  f"{live[0]['target']} ({live[0]['score']:.2f})")


def rematch(conn: Connection, enquiry_id: str, actor: str, note: str) -> list[dict]:
    """Recompute the candidates of one enquiry (in the caller's transaction) and move it to ``possible_hit``
    when a proposed candidate nobody has rejected appears (from open, or reopening an answered
    ``not_yet_found``). Returns the candidates."""
    row = conn.execute(select(enquiries.c.sought).where(enquiries.c.id == enquiry_id)).first()
    cands = candidates(conn, sought_of(row[0]))
    _store(conn, enquiry_id, cands, actor, note, state_of(conn, enquiry_id))
    return cands


def _eligible(state: tuple[str, str | None]) -> bool:
    return state[0] in REMATCH_STATES or state == ("answered", "not_yet_found")


def rematch_after_import(conn: Connection, actor: str, list_id: str) -> int:
    """Re-match the open enquiries (and those answered ``not_yet_found``) that the rows of list ``list_id``
    could answer, inside the import's transaction; returns how many were re-matched. Called by
    ``services.imports.import_list`` (issue 11: a possible hit appears without anyone asking).

    Each new row (a counterpart-list row, or the person a registry list created) looks its keys up in
    ``enquiry_keys`` (``ranked``: an index, never every enquiry); it is scored against its ENQUIRIES_PER_ROW
    best-weighted enquiries, and the ones that reach KEEP join those enquiries' candidates."""
    kind = conn.execute(select(lists.c.kind).where(lists.c.id == list_id)).scalar()
    person_kind = LIST_PERSON_KIND.get(kind or "")
    targets: dict[str, dict[str, list[str]]] = {}
    wanted: dict[str, set[str]] = {}
    for line, pid, data in conn.execute(select(list_rows.c.line, list_rows.c.person_id, list_rows.c.data)
                                        .where(list_rows.c.list_id == list_id)):
        if pid:
            target = f"person:{pid}"
        elif kind == "counterpart_list":
            target = f"row:{list_id}#{line}"
        else:
            continue
        vals = _values_of_row(data)
        merged = targets.setdefault(target, {})
        for prop, vs in vals.items():
            merged.setdefault(prop, []).extend(vs)
        keys = _keys_of(vals)
        if keys:
            for eid, _ in ranked(conn, enquiry_keys, enquiry_keys.c.enquiry_id, lookup_keys(keys),
                                 ENQUIRIES_PER_ROW):
                wanted.setdefault(eid, set()).add(target)
    if not wanted:
        return 0
    states = states_of(conn, sorted(wanted))
    live = sorted(e for e in wanted if _eligible(states.get(e, ("open", None))))
    sought: dict[str, str] = {}
    for i in range(0, len(live), CHUNK):
        sought.update(conn.execute(select(enquiries.c.id, enquiries.c.sought)
                                   .where(enquiries.c.id.in_(live[i:i + CHUNK]))).all())
    note = f"re-matched after list import {list_id}"
    for eid in live:
        s = sought_of(sought[eid])
        kinds = KINDS_FOR_SIDE.get(s.side, KINDS_FOR_SIDE[None])
        found = {t: targets[t] for t in wanted[eid]
                 if (t.startswith("row:") and s.side != "enemy") or (t.startswith("person:") and person_kind in kinds)}
        new = _ranked_candidates(s, found)
        if not new:
            continue
        fresh = {c["target"] for c in new}
        old = [{"target": r.target, "score": r.score, "proposed": r.proposed,
                "explanation": json.loads(r.explanation)}
               for r in conn.execute(select(enquiry_candidates).where(enquiry_candidates.c.enquiry_id == eid))
               if r.target not in fresh]
        cands = sorted(old + new, key=lambda c: (-c["score"], c["target"]))[:MAX_CANDIDATES]
        _store(conn, eid, cands, actor, note, states.get(eid, ("open", None)))
    return len(live)


def index_enquiry(conn: Connection, enquiry_id: str, keys: Iterable[str]) -> None:
    """Add the enquiry's name keys to ``enquiry_keys`` (the index a list import looks enquiries up in)."""
    repo.insert_many(conn, enquiry_keys, [{"key": k[:64], "enquiry_id": enquiry_id} for k in set(keys)])
