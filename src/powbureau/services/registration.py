"""Register one person by hand (the web's "Register a person" and an unannounced arrival at an exchange).

The values are checked exactly as an imported row's are (``io.rows.RowBuilder``: names split and their script
kept, partial dates, ISO 3166 countries, lengths); the person and his statements are written in one transaction
and audited with the statements covered (GC III Art. 17, 70, 122(4))."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, insert

from ..domain.errors import ValidationFailed
from ..domain.lifecycle import INITIAL_STATUS
from ..domain.person import new_id
from ..domain.roles import Actor, require
from ..domain.statement import MAX_VALUE_LENGTH, SOURCE_KINDS, Statement
from ..io.rows import Column, RowBuilder
from ..store import audit, repositories as repo
from ..store.tables import persons, statements
from ..store.uow import UnitOfWork

#: The person kinds a registrar registers by hand (a third party comes only from a judged document).
KINDS: tuple[str, ...] = ("detainee", "own_personnel")
#: The properties a registration takes, in the order of the form (DESIGN.md §2, import format of §5).
PROPERTIES: tuple[str, ...] = (
    "surname", "given_name", "name_full", "birth_date", "serving_power", "service_number", "rank", "unit",
    "birth_place", "capture_date", "capture_place", "language",
)
_IMPORT_KIND = {"detainee": "detainees", "own_personnel": "own_personnel"}


@dataclass(frozen=True)
class Problem:
    """One registration value that is wrong: the ``property`` and what is wrong with it (and what to do)."""

    property: str
    message: str


class RegistrationRefused(ValidationFailed):
    """Nothing was registered: ``problems`` (a list of :class:`Problem`) names every wrong value."""

    def __init__(self, problems: list[Problem]) -> None:
        text = "; ".join(f"{p.property.replace('_', ' ')}: {p.message}" for p in problems)
        super().__init__(f"nothing was registered: {text}",
                         details=[{"property": p.property, "message": p.message} for p in problems])
        self.problems = problems


def registration_choices(actor: Actor) -> dict:
    """What the registration form offers ``actor`` (``person.write``): the kinds, the properties and the source
    kinds. Raises ``PermissionDenied`` for a role that may not register persons."""
    require(actor, "person.write")
    return {"kinds": KINDS, "properties": PROPERTIES, "source_kinds": SOURCE_KINDS}


def check_values(kind: str, values: Mapping[str, str]) -> list:
    """The ``io.rows.RowValue`` s of ``values`` ({property: text}, empty texts ignored) checked as an import row
    of ``kind`` would be. Raises ``RegistrationRefused`` naming every wrong value (no name at all included)."""
    if kind not in KINDS:
        raise RegistrationRefused([Problem("kind", f"{kind!r} is not one of: {', '.join(KINDS)}")])
    unknown = sorted(set(values) - set(PROPERTIES))
    if unknown:
        raise ValidationFailed(f"not a registration property: {', '.join(unknown)}; use {', '.join(PROPERTIES)}")
    filled = {p: v for p, v in values.items() if v is not None and v.strip()}
    problems: list[Problem] = []
    if not (filled.get("surname") or filled.get("name_full")):
        problems.append(Problem("surname", "give his surname, or his name as he writes it in his own script"))
    from .registry import has_control

    for p, v in filled.items():
        if has_control(v):
            problems.append(Problem(p, "the value holds control characters (e.g. a NUL byte, a terminal escape or "
                                       "a right-to-left override); remove them"))
        elif len(v) > MAX_VALUE_LENGTH:
            problems.append(Problem(p, f"{len(v)} characters is longer than the limit of {MAX_VALUE_LENGTH}"))
    if problems:
        raise RegistrationRefused(problems)
    columns = [Column(i, p, p) for i, p in enumerate(PROPERTIES)]
    row, errors = RowBuilder(columns, _IMPORT_KIND[kind]).build(1, [filled.get(p, "") for p in PROPERTIES])
    if errors:
        raise RegistrationRefused([Problem(e.column or "surname", e.message) for e in errors])
    assert row is not None
    return list(row.values)


def insert_person(conn: Connection, actor: Actor, kind: str, row_values: list, *, source_kind: str,
                  source_ref: str, at: datetime) -> tuple[str, list[Statement]]:
    """Insert a new person of ``kind`` (initial status) with one statement per checked value, index his names;
    returns (person id, statements). Inside the caller's transaction; the caller writes the audit entry."""
    from .registry import index_names

    pid = new_id()
    conn.execute(insert(persons).values(id=pid, kind=kind, status=INITIAL_STATUS[kind], external_id=None,
                                        list_id=None, created_at=at, created_by=actor.name))
    stmts = list({s.id: s for s in (
        Statement(person_id=pid, prop=v.property, value=v.value, source_kind=source_kind, source_ref=source_ref,
                  recorded_by=actor.name, recorded_at=at, original=v.original, script=v.script, alias=v.alias)
        for v in row_values)}.values())
    for s in stmts:
        conn.execute(insert(statements).values(repo.statement_row(s)))
    index_names(conn, stmts)
    return pid, stmts


def register_person(uow: UnitOfWork, actor: Actor, kind: str, values: Mapping[str, str], *,
                    source_kind: str = "self_declared", source_ref: str | None = None) -> str:
    """Register one person of ``kind`` (detainee | own_personnel) from ``values`` ({property: text} over
    ``PROPERTIES``; partial birth dates ``YYYY``/``YYYY-MM`` as the import allows); returns his id.

    He starts in his kind's initial status (a detainee ``captured``; ``status`` moves him on). Every value
    becomes a statement of ``source_kind`` whose ``source_ref`` reads ``registered by <user>`` unless given.
    One transaction, audited (``person.register``, statements covered); the enquiries he may answer are
    matched again (``enquiry_hooks.after_persons_changed``). Raises ``PermissionDenied`` (not
    ``person.write``), ``RegistrationRefused`` (a ``ValidationFailed`` naming each wrong value)."""
    require(actor, "person.write")
    if source_kind not in SOURCE_KINDS:
        raise RegistrationRefused([Problem("source_kind", f"{source_kind!r} is not one of: "
                                                          f"{', '.join(SOURCE_KINDS)}")])
    checked = check_values(kind, values)
    ref = (source_ref or f"registered by {actor.name}")[:200]
    with uow.transaction() as conn:
        pid, stmts = insert_person(conn, actor, kind, checked, source_kind=source_kind, source_ref=ref,
                                   at=datetime.now(UTC))
        audit.append(conn, actor=actor.name, action="person.register", target=pid,
                     detail={"kind": kind, "properties": sorted({s.prop for s in stmts}), "source": ref},
                     covers=[("statements", s.id) for s in stmts])
        from .enquiry_hooks import after_persons_changed  # an enquiry may seek him (GC III Art. 122(7))

        after_persons_changed(conn, actor.name, [pid], f"registration of {kind} …{pid[-6:]}")
    return pid


def display_names(uow: UnitOfWork, actor: Actor, person_ids: list[str]) -> dict[str, str]:
    """person id → the name a message calls him by (``custody.names_of``; ``person.read``). Unknown ids are
    left out."""
    from .custody import names_of

    require(actor, "person.read")
    with uow.read() as conn:
        return names_of(conn, person_ids)


def statement_choices(actor: Actor) -> tuple[str, ...]:
    """The properties ``actor`` may record a statement of (``services.registry.add_statement``): the medical
    ones with ``medical.write``, the others with ``person.write``; empty for a role that may record none."""
    from ..domain.roles import RESTRICTED_PROPERTIES
    from ..domain.statement import PROPERTIES as ALL

    return tuple(p for p in sorted(ALL)
                 if actor.can("medical.write" if p in RESTRICTED_PROPERTIES else "person.write"))


def may_retract(actor: Actor, prop: str) -> bool:
    """True when ``actor`` may retract a statement of ``prop`` (``services.registry.retract_statement``)."""
    from ..domain.roles import RESTRICTED_PROPERTIES

    return actor.can("medical.write" if prop in RESTRICTED_PROPERTIES else "person.write")
