"""Partial dates with their precision, written-date parsing and birth intervals from ages.

A year-only or year-month birth date is normal in registers and is kept at its precision, never filled;
an age becomes a birth interval counted from the day the age was recorded (Korean or international age)."""

from __future__ import annotations

from .messages import Msg
import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache, total_ordering
from typing import Literal

from powbureau.domain.errors import ValidationFailed

Precision = Literal["year", "month", "day"]
DateOrder = Literal["DMY", "MDY", "YMD"]
AgeSystem = Literal["korean", "international"]

MIN_YEAR = 1000
MAX_YEAR = 9999


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the year, the month or the day.

    ``month`` is None for year precision; ``day`` is None for year or month precision. Ordering sorts by
    (year, month, day) with a missing part before any known one, so ``1908`` < ``1908-01`` < ``1908-01-01``.
    Raises ``ValidationFailed`` for an impossible date (month 13, 30 February, a day without a month)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValidationFailed(Msg("year {year} is out of range — write the year with four digits", year=self.year))
        if self.month is None:
            if self.day is not None:
                raise ValidationFailed(Msg("a day without a month is not a date — give the month too"))
            return
        if not 1 <= self.month <= 12:
            raise ValidationFailed(Msg("month {month} does not exist — months run from 1 to 12", month=self.month))
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValidationFailed(
                    Msg("day {day} does not exist in {year}-{month:02d} (it has {last} days)", day=self.day, year=self.year, month=self.month, last=last)
                )

    @property
    def precision(self) -> Precision:
        """``"year"``, ``"month"`` or ``"day"``: how much of the date is known."""
        if self.month is None:
            return "year"
        return "month" if self.day is None else "day"

    def iso(self) -> str:
        """ISO 8601 text at the date's own precision: ``1908``, ``1908-09`` or ``1908-09-27``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def parse_iso(cls, text: str) -> PartialDate:
        """Parse strict ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raises ``ValidationFailed`` otherwise."""
        m = _ISO.fullmatch(text.strip())
        if not m:
            raise ValidationFailed(Msg("'{text}' is not an ISO date — write YYYY, YYYY-MM or YYYY-MM-DD", text=text))
        y, mo, d = m.groups()
        return cls(int(y), int(mo) if mo else None, int(d) if d else None)

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        """A day-precision PartialDate from a ``datetime.date``."""
        return cls(value.year, value.month, value.day)

    def earliest(self) -> date:
        """The first calendar day the partial date can denote (``1908`` → 1908-01-01)."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last calendar day the partial date can denote (``1908-02`` → 1908-02-29)."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def interval(self) -> tuple[date, date]:
        """``(earliest(), latest())``, both inclusive."""
        return self.earliest(), self.latest()

    def overlaps(self, first: date, last: date) -> bool:
        """True when this date is compatible with the inclusive interval ``first..last``."""
        return self.earliest() <= last and first <= self.latest()

    def compatible_with(self, other: PartialDate) -> bool:
        """True when both partial dates can denote the same day (``2001`` and ``2001-09-14`` are compatible)."""
        return self.overlaps(other.earliest(), other.latest())

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()


def _years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_interval_from_age(age: int, recorded_on: date, system: AgeSystem | None) -> tuple[date, date]:
    """Inclusive birth-date interval of a person whose age ``age`` was recorded on ``recorded_on``.

    ``international``: born after the same day ``age + 1`` years before and on or before the same day ``age``
    years before (23 on 2024-12-20 → 2000-12-21..2001-12-20). ``korean`` (1 at birth, +1 every 1 January): born
    in the year ``recorded_on.year - age + 1`` (24 on 2024-12-20 → 2001-01-01..2001-12-31). ``None`` (system not
    known): the union of both readings, i.e. the international interval widened by about a year towards later
    births, so neither reading is excluded. Counted from the recording day, never from today (known case 18).
    Raises ``ValidationFailed`` for a negative age or an unknown system name."""
    if age < 0:
        raise ValidationFailed(Msg("age {age} is negative — give the age in whole years", age=age))
    if system not in ("korean", "international", None):
        raise ValidationFailed(Msg("age system '{system}' is unknown — use korean, international or leave it empty", system=system))
    korean_year = recorded_on.year - age + 1
    korean = (date(korean_year, 1, 1), date(korean_year, 12, 31)) if age >= 1 else None
    intl = (_years_before(recorded_on, age + 1) + timedelta(days=1), _years_before(recorded_on, age))
    if system == "korean":
        if korean is None:
            raise ValidationFailed(Msg("a Korean age is at least 1 (one is one year old at birth)"))
        return korean
    if system == "international":
        return intl
    if korean is None:
        return intl
    return min(intl[0], korean[0]), max(intl[1], korean[1])


_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_NUMERIC3 = re.compile(r"(\d{1,4})([./\-])(\d{1,2})\2(\d{1,4})")
_NUMERIC2 = re.compile(r"(\d{1,2})[./](\d{4})")
_WORDS = re.compile(r"[^\W\d_]+\.?|\d+", re.UNICODE)

# Full month names (nominative and genitive where they differ); any prefix of three letters or more counts.
_MONTH_FORMS: dict[int, tuple[str, ...]] = {
    1: ("january", "января", "январь", "січня", "січень"),
    2: ("february", "февраля", "февраль", "лютого", "лютий"),
    3: ("march", "марта", "март", "березня", "березень"),
    4: ("april", "апреля", "апрель", "квітня", "квітень"),
    5: ("may", "мая", "май", "травня", "травень"),
    6: ("june", "июня", "июнь", "червня", "червень"),
    7: ("july", "июля", "июль", "липня", "липень"),
    8: ("august", "августа", "август", "серпня", "серпень"),
    9: ("september", "sept", "сентября", "сентябрь", "вересня", "вересень"),
    10: ("october", "октября", "октябрь", "жовтня", "жовтень"),
    11: ("november", "ноября", "ноябрь", "листопада", "листопад"),
    12: ("december", "декабря", "декабрь", "грудня", "грудень"),
}
_YEAR_WORDS = {"г", "г.", "р", "р.", "года", "року", "год", "рік"}
_MONTH_PREFIXES = {
    form[:n]: month for month, forms in _MONTH_FORMS.items() for form in forms for n in range(3, len(form) + 1)
}
_DAY_MON_YEAR = re.compile(r"(\d{1,2})[ \-]([^\W\d_]{3,9})\.?[ \-](\d{4})")


def _month_of(word: str) -> int | None:
    """The month a (possibly abbreviated, dotted) month name denotes, or None."""
    return _MONTH_PREFIXES.get(word.rstrip(".").lower())


def _ask_order(text: str) -> ValidationFailed:
    return ValidationFailed(
        f"date '{text}' is ambiguous: day and month could be swapped — "
        "pass --date-order DMY or --date-order MDY (or write the date as YYYY-MM-DD)"
    )


def _year(text: str, token: str) -> int:
    if len(token) != 4:
        raise ValidationFailed(Msg("date '{text}': the year '{token}' must have four digits — write e.g. 1908", text=text, token=token))
    return int(token)


def parse_written_date(text: str, *, date_order: DateOrder | None = None) -> PartialDate:
    """Parse a date as people write it, keeping its precision and never filling missing parts.

    Accepts ISO (``1908``, ``1908-09``, ``1908-09-27``), ``27 Sep 1908``, ``Sep 27, 1908``, ``27-Sep-1908``,
    ``Sep 1908``, ``27.09.1908`` (dots are day-first), ``09.1908``, ``27/09/1908`` when unambiguous, and English,
    Russian and Ukrainian month names (``27 сентября 1908 г.``, ``27 вересня 1908``). ``date_order`` (``DMY``,
    ``MDY``, ``YMD``) settles numeric dates like ``03/04/1908``, which are refused without it.
    Raises ``ValidationFailed`` naming the text and what to do."""
    return _parse_cached(text, date_order)


@lru_cache(maxsize=65536)
def _parse_cached(text: str, date_order: DateOrder | None) -> PartialDate:
    raw = text
    text = text.strip()
    m = _DAY_MON_YEAR.fullmatch(text)
    if m and date_order in (None, "DMY", "MDY", "YMD"):
        month = _month_of(m.group(2))
        if month is not None:
            try:
                return PartialDate(int(m.group(3)), month, int(m.group(1)))
            except ValidationFailed as exc:
                raise ValidationFailed(Msg("date '{text}': {message}", text=text, message=exc.message)) from None
    if not text:
        raise ValidationFailed(Msg("the date is empty — leave the cell out or write YYYY, YYYY-MM or YYYY-MM-DD"))
    if date_order not in (None, "DMY", "MDY", "YMD"):
        raise ValidationFailed(Msg("date order '{date_order}' is unknown — use DMY, MDY or YMD", date_order=date_order))
    try:
        m = _ISO.fullmatch(text)
        if m:
            return PartialDate.parse_iso(text)
        m = _NUMERIC3.fullmatch(text)
        if m:
            return _numeric(raw, m.group(1), m.group(2), m.group(3), m.group(4), date_order)
        m = _NUMERIC2.fullmatch(text)
        if m:
            return PartialDate(_year(raw, m.group(2)), int(m.group(1)))
        return _worded(raw, text)
    except ValidationFailed as exc:
        if exc.message.startswith("date '"):
            raise
        raise ValidationFailed(Msg("date '{value}': {message}", value=raw.strip(), message=exc.message)) from None


def _numeric(raw: str, a: str, sep: str, b: str, c: str, order: DateOrder | None) -> PartialDate:
    if len(a) == 4:
        if order not in (None, "YMD"):
            raise ValidationFailed(Msg("date '{value}' starts with a year but --date-order is {order}", value=raw.strip(), order=order))
        return PartialDate(int(a), int(b), int(c))
    year = _year(raw.strip(), c)
    x, y = int(a), int(b)
    if order == "YMD":
        raise ValidationFailed(Msg("date '{value}' does not start with a year but --date-order is YMD", value=raw.strip()))
    if order is None:
        if sep == ".":
            order = "DMY"  # dotted numeric dates are day-first wherever they are written
        elif x > 12 >= y:
            order = "DMY"
        elif y > 12 >= x:
            order = "MDY"
        elif x == y:
            order = "DMY"
        else:
            raise _ask_order(raw.strip())
    day, month = (x, y) if order == "DMY" else (y, x)
    return PartialDate(year, month, day)


def _worded(raw: str, text: str) -> PartialDate:
    tokens = [t for t in _WORDS.findall(text.replace(",", " ")) if t.lower() not in _YEAR_WORDS]
    months = [(i, _month_of(t)) for i, t in enumerate(tokens) if not t.isdigit()]
    unknown = [tokens[i] for i, mo in months if mo is None]
    if unknown or len(months) != 1 or not 2 <= len(tokens) <= 3:
        raise ValidationFailed(
            Msg("date '{value}' is not a date form the bureau reads — write YYYY-MM-DD, YYYY-MM, YYYY, 27 Sep 1908 or 27.09.1908", value=raw.strip())
        )
    month = months[0][1]
    numbers = [t for t in tokens if t.isdigit()]
    assert month is not None
    if len(numbers) == 1:
        return PartialDate(_year(raw.strip(), numbers[0]), month)
    day_tok, year_tok = numbers
    if len(day_tok) == 4 and len(year_tok) <= 2:
        day_tok, year_tok = year_tok, day_tok  # "1908 Sep 27"
    return PartialDate(_year(raw.strip(), year_tok), month, int(day_tok))
