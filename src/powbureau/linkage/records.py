"""The record linkage works on: one person's identifying facts, and their columnar preparation.

``LinkRecord`` is what callers hand in (one per person or per list row); ``prepare`` turns a sequence of
them into arrays the blocking, comparison and scoring steps share. Birth dates keep their precision."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Any

import numpy as np

from powbureau.domain.errors import ValidationFailed
from powbureau.linkage.namecmp import is_initial_only, keys_of, prime, surname_keys, tokens_of

# precision codes of a birth interval
P_NONE, P_YEAR, P_MONTH, P_DAY, P_INTERVAL = 0, 1, 2, 3, 4
PRECISION_WORDS = {P_NONE: "missing", P_YEAR: "year", P_MONTH: "month", P_DAY: "day", P_INTERVAL: "interval"}


@dataclass(frozen=True)
class LinkRecord:
    """One person (or one list row) as linkage sees it.

    ``names``: every known spelling (any script; the first is the main one). ``birth``: a PartialDate-like
    object (``year``/``month``/``day``), a tuple ``(year, month|None, day|None)``, an ISO text ``YYYY[-MM[-DD]]``,
    a ``datetime.date``, or an inclusive interval ``(date, date)`` such as one computed from an age (known
    case 18); None when unknown. ``extras``: further ``(field, value)`` pairs compared when the settings
    name the field (e.g. ``("postcode", "2119")``)."""

    id: str
    names: tuple[str, ...]
    birth: Any = None
    service_number: str | None = None
    rank: str | None = None
    unit: str | None = None
    father_given_name: str | None = None
    birth_place: str | None = None
    source: str = ""
    extras: tuple[tuple[str, str], ...] = field(default=())


def _ymd_interval(y: int, m: int | None, d: int | None) -> tuple[int, int, int]:
    """(lo, hi, precision) as proleptic ordinals for a year/month/day triple; invalid parts are widened."""
    if m is not None and not 1 <= m <= 12:
        m, d = None, None
    if m is None:
        return date(y, 1, 1).toordinal(), date(y, 12, 31).toordinal(), P_YEAR
    first = date(y, m, 1)
    last = (date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)).toordinal() - 1
    if d is None:
        return first.toordinal(), last, P_MONTH
    try:
        o = date(y, m, d).toordinal()
    except ValueError:
        return first.toordinal(), last, P_MONTH
    return o, o, P_DAY


_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


def birth_interval(birth: Any, *, where: str = "") -> tuple[int, int, int]:
    """Normalise a birth value to ``(lo, hi, precision)`` (ordinal days, inclusive); ``(-1, -1, P_NONE)`` if unknown.

    Raises ``ValidationFailed`` for a value of an unknown shape (``where`` names the record)."""
    if birth is None or birth == "":
        return -1, -1, P_NONE
    if isinstance(birth, date):
        o = birth.toordinal()
        return o, o, P_DAY
    if hasattr(birth, "year") and hasattr(birth, "month"):
        return _ymd_interval(int(birth.year), birth.month, getattr(birth, "day", None))
    if isinstance(birth, str):
        m = _ISO.match(birth)
        if not m:
            raise ValidationFailed(f"{where}birth '{birth}' is not YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = m.groups()
        return _ymd_interval(int(y), int(mo) if mo else None, int(d) if d else None)
    if isinstance(birth, tuple):
        if len(birth) == 2 and all(isinstance(x, date) for x in birth):
            lo, hi = birth[0].toordinal(), birth[1].toordinal()
            if lo > hi:
                raise ValidationFailed(f"{where}birth interval ends before it starts: {birth[0]}..{birth[1]}")
            return lo, hi, (P_DAY if lo == hi else P_INTERVAL)
        if 1 <= len(birth) <= 3 and birth[0] is not None:
            y, m, d = (tuple(birth) + (None, None))[:3]
            return _ymd_interval(int(y), None if m is None else int(m), None if d is None else int(d))
        if birth and birth[0] is None:
            return -1, -1, P_NONE
    raise ValidationFailed(f"{where}birth value {birth!r} has an unknown shape — give a PartialDate, "
                           "a (year, month, day) tuple, an ISO text or a (date, date) interval")


def normalise_code(text: str | None) -> str:
    """Upper-case letters and digits only (service numbers, ranks): ``'nx 66-389'`` → ``'NX66389'``."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text.upper() if ch.isalnum())


def normalise_text(text: str | None) -> str:
    """Case-folded words separated by one space (units, places, extras)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


@dataclass
class Prepared:
    """Columnar view of a record sequence (arrays are aligned with ``records``)."""

    records: Sequence[LinkRecord]
    ids: list[str]
    names: list[tuple[str, ...]]
    name_norm: list[frozenset[str]]
    keys: list[frozenset[str]]
    tokens: list[frozenset[str]]  # per-token keys: two names sharing none are "different"
    sur_keys: list[frozenset[str]]  # surname-only keys of initial-only names (empty otherwise)
    birth_lo: np.ndarray
    birth_hi: np.ndarray
    birth_prec: np.ndarray
    sn: np.ndarray  # object array of normalised service numbers ("" when missing)
    codes: dict[str, np.ndarray]  # per exact-compared field: int codes, -1 when missing
    texts: dict[str, list[str]]  # per field: normalised text ("" when missing)
    initial_only: np.ndarray
    surname_tf: np.ndarray
    vocab: dict[str, list[str]] = field(default_factory=dict)  # per field: code -> text (shared by both sides)
    cache: dict = field(default_factory=dict)  # derived tables kept when a registry is prepared once

    def __len__(self) -> int:
        return len(self.ids)


@lru_cache(maxsize=2_000_000)
def _name_norm(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())


def prepare(records: Sequence[LinkRecord], extra_fields: Sequence[str] = (), *, side: str = "",
            workers: int = 1) -> Prepared:
    """Prepare records for linkage (name keys computed on ``workers`` processes for large inputs).

    Raises ``ValidationFailed`` for a record without any name or with a birth value of unknown shape (the
    message names the record's position and id)."""
    n = len(records)
    prime({x.strip() for r in records for x in r.names if x and x.strip()}, workers)
    lo = np.full(n, -1, dtype=np.int64)
    hi = np.full(n, -1, dtype=np.int64)
    prec = np.zeros(n, dtype=np.int8)
    names: list[tuple[str, ...]] = []
    keys: list[frozenset[str]] = []
    toks: list[frozenset[str]] = []
    surk: list[frozenset[str]] = []
    norms: list[frozenset[str]] = []
    initial = np.zeros(n, dtype=bool)
    texts: dict[str, list[str]] = {f: [] for f in ("rank", "unit", "father", "place", *extra_fields)}
    sn = np.empty(n, dtype=object)
    for i, r in enumerate(records):
        where = f"{side}record {i + 1} (id {r.id}): "
        ns = tuple(x.strip() for x in r.names if x and x.strip())
        if not ns:
            raise ValidationFailed(f"{where}has no name — every person and list row needs at least one name")
        names.append(ns)
        if len(ns) == 1:
            keys.append(keys_of(ns[0]))
            toks.append(tokens_of(ns[0]))
        else:
            keys.append(frozenset().union(*(keys_of(x) for x in ns)))
            toks.append(frozenset().union(*(tokens_of(x) for x in ns)))
        norms.append(frozenset(v for v in (_name_norm(x) for x in ns) if v))
        initial[i] = all(is_initial_only(x) for x in ns)
        surk.append(frozenset().union(*(surname_keys(x) for x in ns)) if initial[i] else frozenset())
        lo[i], hi[i], prec[i] = birth_interval(r.birth, where=where)
        sn[i] = normalise_code(r.service_number)
        texts["rank"].append(normalise_code(r.rank))
        texts["unit"].append(normalise_text(r.unit))
        texts["father"].append((r.father_given_name or "").strip())
        texts["place"].append(normalise_text(r.birth_place))
        extra = dict(r.extras)
        for f in extra_fields:
            texts[f].append(normalise_text(extra.get(f)))
    return Prepared(records, [r.id for r in records], names, norms, keys, toks, surk, lo, hi, prec, sn, {}, texts,
                    initial, np.zeros(n))


def encode_codes(a: Prepared, b: Prepared | None) -> None:
    """Give both sides shared integer codes per text field (-1 = missing) so equality is vectorised.

    A side that already has codes (a registry prepared once) keeps them; the other side's new values are
    appended to the shared vocabulary."""
    sides = (a,) if b is None or b is a else (b, a)
    for f in a.texts:
        index: dict[str, int] = sides[0].cache.setdefault(f"vocab:{f}", {})
        words: list[str] = sides[0].vocab.setdefault(f, [])
        for p in sides:
            if f in p.codes and p is sides[0] and len(sides) == 2:
                continue
            codes = np.empty(len(p), dtype=np.int64)
            for k, v in enumerate(p.texts[f]):
                if not v:
                    codes[k] = -1
                    continue
                c = index.get(v)
                if c is None:
                    c = index[v] = len(words)
                    words.append(v)
                codes[k] = c
            p.codes[f] = codes
        for p in sides:
            p.vocab[f] = words
