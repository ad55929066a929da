"""Validated import rows: one row of a list becomes the values of its future statements, or row errors.

Each value keeps the cleaned form beside the original cell, its script when it is a name, and an alias flag;
errors read `row N, column C: what is wrong — what to do` (DESIGN.md §5, strict by default)."""

from __future__ import annotations

from ..domain.messages import Msg
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from powbureau.domain.dates import DateOrder, PartialDate, birth_interval_from_age, parse_written_date
from powbureau.domain.errors import ValidationFailed
from powbureau.io.names_split import clean_name, detect_script, split_name_cell
from powbureau.io.properties import (
    ALIAS_PROPERTIES,
    AGE_PROPERTIES,
    COUNTRY_PROPERTIES,
    DATE_PROPERTIES,
    IDENTIFIER_PROPERTIES,
    MULTILINE_PROPERTIES,
    NAME_PROPERTIES,
    check_country,
)

MAX_FIELD_CHARS = 500
IMPORT_KINDS = {"detainees": "detainees", "detainee": "detainees", "own_personnel": "own_personnel",
                "counterpart_list": "counterpart_list", "enquiries": "enquiries"}


class RowValue(NamedTuple):
    """One future statement of an imported row (an immutable named tuple: a list yields millions of them).

    ``value`` is cleaned (names: spaces collapsed, aliases cut out; dates: ISO at their precision; countries:
    upper case), ``original`` is the cell exactly as in the file. ``script`` (ISO 15924, ``mixed`` or None) is
    set for name properties. Alias names have ``alias=True`` and ``name_group`` 1, 2, … (the primary name's
    full/surname/given values share group 0). ``date`` holds the PartialDate of a date property; ``qualifiers``
    holds extra pairs (an ``age`` carries ``age_system``, ``recorded_on``, ``birth_earliest``, ``birth_latest``)."""

    property: str
    value: str
    original: str
    script: str | None = None
    alias: bool = False
    name_group: int = 0
    date: PartialDate | None = None
    qualifiers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ImportRow:
    """A valid row. ``line`` is the row as a user counts it in the file (header = row 1; JSON: record number),
    ``file_line`` the physical line it starts on. ``same_person_as`` is the ``line`` of an earlier row with the
    same ``external_id`` (one person listed under two names; store both rows' statements on one person)."""

    line: int
    external_id: str | None
    values: tuple[RowValue, ...]
    file_line: int | None = None
    same_person_as: int | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem. ``line`` None or ``fatal=True`` means the whole file is refused, even with --skip-invalid.

    ``cells`` holds the row's original cells for a rejects file. ``str()`` renders
    ``row N[ (line L)], column C: what is wrong — what to do``."""

    line: int | None
    column: str | None
    message: str
    file_line: int | None = None
    fatal: bool = False
    cells: tuple[str, ...] | None = None
    unit: str = "row"
    #: A stable name of the problem for an entry point that words its own advice ("" when none is needed):
    #: ``unknown_column`` (``column`` names the header; ``message`` carries the CLI's ``--map`` advice).
    code: str = ""

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            place = f"{self.unit} {self.line}"
            if self.file_line is not None and self.file_line != self.line:
                place += f" (line {self.file_line})"
            where.append(place)
        elif self.file_line is not None:
            where.append(f"line {self.file_line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass(frozen=True)
class Column:
    """A file column: its position, the header as written (BOM stripped) and the property it feeds
    (None when unknown, ``ignore`` when dropped on purpose)."""

    index: int
    header: str
    property: str | None

    @property
    def label(self) -> str:
        """How error messages name the column: ``date_of_birth (birth_date)`` when mapped."""
        if self.property and self.property != "ignore" and self.property != self.header:
            return f"{self.header} ({self.property})"
        return self.header


@dataclass
class RowBuilder:
    """Turns the cells of one row into an :class:`ImportRow` or :class:`RowError` s.

    ``kind`` is ``detainees``, ``own_personnel`` or ``counterpart_list`` (external_id required);
    ``date_order`` settles ambiguous numeric dates."""

    columns: list[Column]
    kind: str
    date_order: DateOrder | None = None
    unit: str = "row"
    warnings: list[RowError] = field(default_factory=list)
    _seen: dict[str, tuple[int, int, tuple[tuple[str, str], ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._used = [c for c in self.columns if c.property and c.property != "ignore"]
        self._by_prop = {c.property: c for c in self._used}
        self._has_parts = "surname" in self._by_prop or "given_name" in self._by_prop
        self._part_indexes = [self._by_prop[p].index for p in ("surname", "given_name") if p in self._by_prop]
        self._plan = [(c.index, c, c.property, _handler(c.property)) for c in self._used]

    def build(
        self, line: int, cells: list[str], file_line: int | None = None
    ) -> tuple[ImportRow | None, list[RowError]]:
        """Validate one row; returns ``(row, [])`` or ``(None, errors)`` (every error carries the cells)."""
        values: list[RowValue] = []
        errors: list[tuple[Column, str]] = []
        external_id: str | None = None
        ages: dict[str, tuple[Column, str]] = {}
        derive = not (self._has_parts and any(cells[i].strip() for i in self._part_indexes))
        for index, col, prop, handler in self._plan:
            raw = cells[index]
            if not raw or raw.isspace():
                continue
            if len(raw) > MAX_FIELD_CHARS:
                errors.append((col, f"{len(raw)} characters is longer than the limit of {MAX_FIELD_CHARS} — "
                                    "shorten the cell or move the text to notes in another record"))
                continue
            if "\x00" in raw:
                errors.append((col, "the cell holds a NUL byte (a damaged or binary export) — remove it and "
                                    "export the list again"))
                continue
            try:
                if handler == _TEXT:
                    value = " ".join(raw.split())
                    values.append(_new(RowValue, (prop, raw if value == raw else value, raw, None, False, 0, None,
                                                  ())))
                elif handler == _IDENT:
                    value = raw.strip()
                    if prop == "external_id":
                        external_id = value
                    values.append(_new(RowValue, (prop, value, raw, None, False, 0, None, ())))
                elif handler == _ALIASED:
                    self._names(values, prop, raw, derive=derive and prop == "name_full")
                elif handler == _DATE:
                    pd = parse_written_date(raw, date_order=self.date_order)
                    if pd.earliest() > date.today():
                        raise ValidationFailed(Msg("'{value}' is in the future — check the date (and the day/month order: --date-order)", value=raw.strip()))
                    values.append(_new(RowValue, (prop, pd.iso(), raw, None, False, 0, pd, ())))
                elif handler == _NAME:
                    value = clean_name(raw)
                    values.append(RowValue(prop, value, raw, detect_script(value)))
                elif handler == _COUNTRY:
                    values.append(RowValue(prop, check_country(raw), raw))
                elif handler == _AGE:
                    ages[prop] = (col, raw)
                else:  # _MULTILINE
                    values.append(RowValue(prop, raw.strip(), raw))
            except ValidationFailed as exc:
                errors.append((col, exc.message))
        if ages:
            try:
                age = _age_value(ages)
                if age is not None:
                    values.append(age)
            except _CellError as exc:
                errors.append((exc.column, exc.message))
        if not any(v.property in ("name_full", "surname") and not v.alias for v in values):
            col = self._by_prop.get("name_full") or self._by_prop.get("surname")
            label = col.label if col else "name_full"
            errors.append((Column(-1, label, None), "no name — every person needs name_full or surname; "
                                                     "fill it in or remove the row"))
        if self.kind == "counterpart_list" and not external_id:
            col = self._by_prop.get("external_id")
            errors.append((Column(-1, col.label if col else "external_id", None),
                           "no external_id — every row of a counterpart list needs its id in that list"))
        same_as = None
        row_values = tuple(values)
        if external_id and not errors:
            problem, same_as = self._check_repeat(external_id, line, row_values, cells)
            if problem:
                errors.append((self._by_prop["external_id"], problem))
        if errors:
            frozen = tuple(cells)
            return None, [RowError(line, c.label, m, file_line, cells=frozen, unit=self.unit) for c, m in errors]
        for v in row_values:
            if v.script == "mixed" and v.name_group == 0 and v.property in ("name_full", "surname", "given_name",
                                                                             "patronymic"):
                col = self._by_prop.get(v.property) or self._by_prop.get("name_full")
                self.warnings.append(RowError(
                    line, col.label if col else v.property, f"'{v.value}' mixes letters of several scripts (e.g. "
                    "a Cyrillic е in a Latin name) — check the spelling; the name is kept as written",
                    file_line, unit=self.unit))
                break
        return ImportRow(line, external_id, row_values, file_line, same_as), []

    @staticmethod
    def _names(out: list[RowValue], prop: str, raw: str, *, derive: bool) -> None:
        """Append the primary name and its aliases (with surname/given parts when ``derive``) to ``out``."""
        split = split_name_cell(raw)
        parts = split.primary
        if not split.aliases and parts is not None:
            out.append(_new(RowValue, (prop, parts.full, raw, detect_script(parts.full), False, 0, None, ())))
            if derive and parts.surname and parts.given:
                out.append(_new(RowValue, ("surname", parts.surname, raw, detect_script(parts.surname), False, 0,
                                           None, ())))
                out.append(_new(RowValue, ("given_name", parts.given, raw, detect_script(parts.given), False, 0,
                                           None, ())))
            return
        forms = ([(split.primary, False, 0)] if split.primary else []) + [
            (a, True, i) for i, a in enumerate(split.aliases, start=1)
        ]
        for form, alias, group in forms:
            assert form is not None
            parts = form
            out.append(RowValue(prop, parts.full, raw, detect_script(parts.full), alias, group))
            if derive and parts.surname and parts.given:
                out.append(RowValue("surname", parts.surname, raw, detect_script(parts.surname), alias, group))
                out.append(RowValue("given_name", parts.given, raw, detect_script(parts.given), alias, group))

    def _check_repeat(
        self, external_id: str, line: int, values: tuple[RowValue, ...], cells: list[str]
    ) -> tuple[str | None, int | None]:
        """A repeated external_id is the same person listed again: refused in a counterpart list, refused when
        the row repeats another exactly or contradicts its birth date or service number, else linked."""
        seen = self._seen.get(external_id)
        facts = tuple((v.property, v.value) for v in values if v.property in _REPEAT_FACTS)
        cells_hash = hash(tuple(cells))
        if seen is None:
            self._seen[external_id] = (line, cells_hash, facts)  # small: a long list is streamed
            return None, None
        first, first_hash, first_facts = seen
        if self.kind == "counterpart_list":
            return (f"'{external_id}' is already the id of row {first} — ids in a counterpart list must be "
                    "unique; fix the id or remove the repeated row"), None
        if cells_hash == first_hash:
            return f"row repeats row {first} exactly — remove one of them", None
        earlier = dict(first_facts)
        for prop, value in facts:
            other = earlier.get(prop)
            if other is not None and other != value:
                if prop == "birth_date" and PartialDate.parse_iso(value).compatible_with(
                        PartialDate.parse_iso(other)):
                    continue
                return (f"'{external_id}' is also the id of row {first}, whose {prop} is {other}, not {value} — "
                        "two people cannot share an id; fix the id or the value"), None
        return None, first


# Building a RowValue with tuple.__new__ and every field given halves its cost on the hot path.
_new = tuple.__new__
_REPEAT_FACTS = ("birth_date", "service_number")
_TEXT, _IDENT, _ALIASED, _NAME, _DATE, _COUNTRY, _AGE, _MULTILINE = range(8)


def _handler(prop: str | None) -> int:
    """Which cleaning a property's cells get."""
    if prop in IDENTIFIER_PROPERTIES:
        return _IDENT
    if prop in ALIAS_PROPERTIES:
        return _ALIASED
    if prop in NAME_PROPERTIES:
        return _NAME
    if prop in DATE_PROPERTIES:
        return _DATE
    if prop in COUNTRY_PROPERTIES:
        return _COUNTRY
    if prop in AGE_PROPERTIES:
        return _AGE
    if prop in MULTILINE_PROPERTIES:
        return _MULTILINE
    return _TEXT


class _CellError(Exception):
    def __init__(self, column: Column, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _age_value(ages: dict[str, tuple[Column, str]]) -> RowValue | None:
    """The ``age`` value with its counting system, recording day and birth interval (known case 18)."""
    if "age" not in ages:
        return None
    col, raw = ages["age"]
    text = raw.strip()
    if not text.isdigit() or int(text) > 130:
        raise _CellError(col, f"'{text}' is not an age — write whole years, e.g. 24")
    age = int(text)
    system: str | None = None
    if "age_system" in ages:
        scol, sraw = ages["age_system"]
        system = sraw.strip().lower()
        if system not in ("korean", "international"):
            raise _CellError(scol, f"'{sraw.strip()}' is not an age system — write korean or international, "
                                   "or leave it empty when unknown")
    if "age_recorded_on" not in ages:
        raise _CellError(col, "an age needs the day it was recorded (ages are never counted from today) — "
                              "fill in age_recorded_on as YYYY-MM-DD")
    rcol, rraw = ages["age_recorded_on"]
    try:
        recorded = PartialDate.parse_iso(rraw)
    except ValidationFailed as exc:
        raise _CellError(rcol, exc.message) from None
    try:
        low = birth_interval_from_age(age, recorded.earliest(), system)  # type: ignore[arg-type]
        high = birth_interval_from_age(age, recorded.latest(), system)  # type: ignore[arg-type]
    except ValidationFailed as exc:
        raise _CellError(col, exc.message) from None
    first: date = min(low[0], high[0])
    last: date = max(low[1], high[1])
    qualifiers = (("age_system", system or "unknown"), ("recorded_on", recorded.iso()),
                  ("birth_earliest", first.isoformat()), ("birth_latest", last.isoformat()))
    return RowValue("age", str(age), raw, qualifiers=qualifiers)
