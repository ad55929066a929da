"""Per-field explanations of a score, in words a reviewer can check.

Each compared field says its agreement level, the two values compared and how many bits of evidence it
added or removed; the term-frequency adjustment for common surnames is reported on the name line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from powbureau.linkage.records import P_DAY, P_INTERVAL, P_MONTH, P_NONE, P_YEAR, Prepared
from powbureau.linkage.vectors import Comparison


@dataclass(frozen=True)
class FieldEvidence:
    """One field's part in a score: ``field`` (e.g. ``birth``), ``level`` in words, the two ``left``/``right``
    values as compared, ``weight`` in bits (log2 m/u; + for agreement, − for disagreement, 0 when missing),
    and ``text``, the line a reviewer reads."""

    field: str
    level: str
    left: str
    right: str
    weight: float
    text: str


def birth_text(p: Prepared, k: int) -> str:
    """A birth value at its own precision: ``2001``, ``2001-09``, ``2001-09-14`` or ``2000-12-21..2001-12-20``."""
    prec = int(p.birth_prec[k])
    if prec == P_NONE:
        return "unknown"
    lo, hi = date.fromordinal(int(p.birth_lo[k])), date.fromordinal(int(p.birth_hi[k]))
    if prec == P_YEAR:
        return f"{lo.year:04d}"
    if prec == P_MONTH:
        return f"{lo.year:04d}-{lo.month:02d}"
    if prec == P_DAY:
        return lo.isoformat()
    assert prec == P_INTERVAL
    return f"{lo.isoformat()}..{hi.isoformat()}"


def _value(p: Prepared, k: int, field: str) -> str:
    if field == "name":
        return " / ".join(p.names[k])
    if field == "birth":
        return birth_text(p, k)
    if field == "service_number":
        return p.sn[k] or "unknown"
    return p.texts[field][k] or "unknown"


def evidence(a: Prepared, b: Prepared, i: int, j: int, gamma_row: np.ndarray, weights_row: np.ndarray,
             comps: tuple[Comparison, ...], tf_bits: float = 0.0, name_reason: str = "") -> tuple[FieldEvidence, ...]:
    """The explanation of one pair, one entry per compared field (vector order)."""
    out = []
    for f, c in enumerate(comps):
        lvl = int(gamma_row[f])
        level = c.levels[lvl]
        left, right = _value(a, i, c.name), _value(b, j, c.name)
        w = float(weights_row[f])
        if lvl == 0:
            text = f"{c.label}: missing on one side (no evidence)"
        else:
            text = f"{c.label}: {level} ({left} | {right}) {w:+.1f}"
            if f == 0 and name_reason:
                text += f" [{name_reason}]"
            if f == 0 and abs(tf_bits) >= 0.05:
                text += f" incl. {tf_bits:+.1f} for how common the name is"
        out.append(FieldEvidence(c.name, level, left, right, round(w, 3), text))
    return tuple(out)


def summary(ev: tuple[FieldEvidence, ...]) -> str:
    """All evidence lines joined with ``; `` (missing fields last)."""
    present = [e.text for e in ev if e.level != "missing"]
    missing = [e.field.replace("_", " ") for e in ev if e.level == "missing"]
    tail = [f"missing: {', '.join(missing)}"] if missing else []
    return "; ".join(present + tail)
