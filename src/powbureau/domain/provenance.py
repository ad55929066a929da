"""Provenance a person can read, and a person's names grouped.

A statement's ``source_ref`` is a key (``list:<id>#<row>``, ``document:<id>``, an interview); staff read
"Australian POW list (australia_ww2_pows.csv), row 148, imported by kim on 2 Dec 2026" instead."""

from __future__ import annotations

from .messages import Day, Msg
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .interview import INDEPENDENT

#: Properties whose values are names of the person (grouped on the person page).
NAME_GROUP_PROPS: tuple[str, ...] = ("name_full", "alias", "surname", "given_name", "patronymic")


def day(when: date | datetime | str) -> str:
    """``2 Dec 2026`` for a date, a datetime or an ISO string (the day only, no leading zero)."""
    return Day(when)


def list_ref(source_ref: str) -> tuple[str, int | None] | None:
    """(list id, row) of a ``list:<id>#<row>`` reference; None for any other reference."""
    if not source_ref.startswith("list:"):
        return None
    body = source_ref[len("list:"):]
    lid, _, row = body.partition("#")
    return lid, int(row) if row.isdigit() else None


def document_ref(source_ref: str) -> str | None:
    """The document id of a ``document:<id>`` reference; None for any other reference."""
    return source_ref[len("document:"):] if source_ref.startswith("document:") else None


def describe_list(label: str, filename: str, row: int | None, imported_by: str, imported_at: date | datetime) -> str:
    """``Australian POW list (australia_ww2_pows.csv), row 148, imported by kim on 2 Dec 2026``."""
    where = f"{label} ({filename})" if filename and filename != label else label
    if row is not None:
        return Msg("{list}, row {row}, imported by {user} on {day}", list=where, row=row, user=imported_by,
                   day=day(imported_at))
    return Msg("{list}, imported by {user} on {day}", list=where, user=imported_by, day=day(imported_at))


def describe_interview(purpose: str, when: date | datetime | str, interpreter: str | None,
                       supplied_by: str | None) -> str:
    """``registration interview of 2 Dec 2026 through interpreter Lee (independent)``; an interpreter supplied by
    an interested party is named as such ("supplied by military intelligence"), never as independent."""
    kind = {"registration": Msg("registration interview of {day}", day=day(when)),
            "medical": Msg("medical interview of {day}", day=day(when)),
            "wish": Msg("wish interview of {day}", day=day(when)),
            "icrc_private": Msg("icrc private interview of {day}", day=day(when))}
    head = kind.get(purpose) or Msg("{purpose} interview of {day}", purpose=purpose.replace("_", " "), day=day(when))
    if not interpreter:
        return Msg("{interview}, without interpreter", interview=head)
    who = Msg("independent") if supplied_by == INDEPENDENT else \
        Msg("supplied by {supplier}", supplier=supplied_by or Msg("an unknown party"))
    return Msg("{interview} through interpreter {interpreter} ({who})", interview=head, interpreter=interpreter,
               who=who)


@dataclass(frozen=True)
class NameGroup:
    """One name as written, with every statement that gives it: ``properties`` (name_full, alias, ...),
    ``sources`` (readable provenance, each once) and ``count`` (statements)."""

    value: str
    properties: tuple[str, ...]
    sources: tuple[str, ...]
    count: int


def group_names(statements: Iterable[Mapping], provenance: Mapping[str, str]) -> list[NameGroup]:
    """The person's name statements (not retracted) grouped by value, case and spacing ignored, in order of
    first appearance: a man listed under two names on ten lists has two groups, not twenty rows.
    ``statements`` are the person view's statement dicts; ``provenance`` maps a statement id to its text."""
    groups: dict[str, dict] = {}
    for s in statements:
        if s["property"] not in NAME_GROUP_PROPS or s.get("retracted"):
            continue
        key = " ".join(s["value"].casefold().split())
        g = groups.setdefault(key, {"value": s["value"], "props": [], "sources": [], "count": 0})
        g["count"] += 1
        if s["property"] not in g["props"]:
            g["props"].append(s["property"])
        src = provenance.get(s["id"]) or s.get("source_ref") or ""
        if src and src not in g["sources"]:
            g["sources"].append(src)
    return [NameGroup(g["value"], tuple(g["props"]), tuple(g["sources"]), g["count"]) for g in groups.values()]


def group_statements(statements: Iterable[Mapping], provenance: Mapping[str, str]) -> list[dict]:
    """The statement rows of a person page: statements of the same property, value, source kind and retraction
    state become one row (first recorded first) whose ``sources`` list each statement's readable provenance with
    who recorded it and when; ``ids`` keeps every statement id (a retraction names one), ``members`` each id with
    its provenance text, and ``retractions`` who retracted them, when and why (``{reason, by, at}``)."""
    rows: dict[tuple, dict] = {}
    for s in statements:
        key = (s["property"], " ".join(s["value"].casefold().split()), s["source_kind"], bool(s.get("retracted")))
        row = rows.get(key)
        if row is None:
            row = rows[key] = {**s, "ids": [], "sources": [], "members": [], "retractions": []}
        row["ids"].append(s["id"])
        row["members"].append({"id": s["id"], "text": provenance.get(s["id"]) or s["source_ref"]})
        if s.get("retraction") and s["retraction"] not in row["retractions"]:
            row["retractions"].append(s["retraction"])
        src = {"text": provenance.get(s["id"]) or s["source_ref"], "recorded_by": s["recorded_by"],
               "recorded_at": s["recorded_at"]}
        if src["text"] not in {x["text"] for x in row["sources"]}:
            row["sources"].append(src)
    return list(rows.values())
