"""Splitting a name cell as lists write it: `SURNAME, Given Names` and `(AKA: …)` / `a.k.a.` aliases.

Turns one cell into a primary name and its aliases, each with surname and given names when a comma marks
them, whitespace collapsed; the original cell is kept by the caller beside every cleaned value."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# "(AKA: X)", "(a.k.a. X)", "(also known as X)", "(он же X)", "(вона ж X)"; several aliases split on ';'.
_ALIAS_PAREN = re.compile(
    r"\(\s*(?:a\.?\s?k\.?\s?a\.?|also\s+known\s+as|он\s+же|она\s+же|він\s+же|вона\s+ж)\s*:?\s*([^()]*?)\s*\)",
    re.IGNORECASE,
)
# Unbracketed "X a.k.a. Y" / "X AKA: Y" (a bare word "aka" without dots or colon is left alone: it can be a name).
_ALIAS_TAIL = re.compile(r"\s+(?:a\.\s?k\.\s?a\.?|aka:|also\s+known\s+as:?)\s*(.+)$", re.IGNORECASE)
_MAY_HAVE_TAIL = re.compile(r"[.:]|also", re.IGNORECASE)
_SPACE_COMMA = re.compile(r"\s*,\s*")


@dataclass(frozen=True)
class NameParts:
    """One name form: ``full`` (cleaned, comma form kept: ``ABBOTT, BRUCE GIDLEY``) and, when exactly one comma
    separates them, ``surname`` and ``given`` (else both None)."""

    full: str
    surname: str | None = None
    given: str | None = None


@dataclass(frozen=True)
class SplitName:
    """A name cell split into its primary form and its aliases (in the order written)."""

    primary: NameParts | None
    aliases: tuple[NameParts, ...] = ()


def clean_name(text: str) -> str:
    """Whitespace collapsed to single spaces and trimmed, NFC-composed; ``ABBOTT ,BRUCE`` → ``ABBOTT, BRUCE``."""
    joined = " ".join(text.split())
    text = text if joined == text else joined  # keep the original object: a list holds millions of names
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if "," in text and (" ," in text or text.count(",") != text.count(", ") or text[-1] == "," or text[0] == ","):
        text = _SPACE_COMMA.sub(", ", text).strip(" ,")
    return text


def name_parts(text: str) -> NameParts | None:
    """Cleaned :class:`NameParts` of one name form, or None when nothing is left after cleaning."""
    full = clean_name(text)
    if not full:
        return None
    if full.count(",") == 1:
        surname, _, given = full.partition(",")
        surname, given = surname.strip(), given.strip()
        if surname and given:
            return NameParts(full, surname, given)
    return NameParts(full)


def split_name_cell(text: str) -> SplitName:
    """Split a name cell into the primary name and its aliases.

    ``AINGER, FRANK ALAN (AKA: AINGER, ALLAN)`` → primary ``AINGER, FRANK ALAN`` (surname AINGER, given FRANK
    ALAN) and one alias ``AINGER, ALLAN``. ``Ivanov Petr a.k.a. Petrov Ivan`` → primary and one alias. An alias
    group may hold several names separated by ``;``. Never raises; an empty cell gives ``primary=None``."""
    if "(" not in text and not _MAY_HAVE_TAIL.search(text):
        return SplitName(name_parts(text))
    aliases: list[NameParts] = []

    def take(m: re.Match[str]) -> str:
        for piece in m.group(1).split(";"):
            parts = name_parts(piece)
            if parts:
                aliases.append(parts)
        return " "

    rest = _ALIAS_PAREN.sub(take, text) if "(" in text else text
    tail = _ALIAS_TAIL.search(rest) if _MAY_HAVE_TAIL.search(rest) else None
    if tail:
        for piece in re.split(r";|\s+(?:a\.\s?k\.\s?a\.?|aka:)\s*", tail.group(1), flags=re.IGNORECASE):
            parts = name_parts(piece)
            if parts:
                aliases.append(parts)
        rest = rest[: tail.start()]
    return SplitName(name_parts(rest), tuple(aliases))


def has_alias(text: str) -> bool:
    """True when the cell carries at least one alias."""
    return bool(_ALIAS_PAREN.search(text) or _ALIAS_TAIL.search(text))


_SCRIPT_RANGES = (
    ("\u0400", "\u052f", "Cyrl"),
    ("\u1100", "\u11ff", "Hang"),
    ("\u3130", "\u318f", "Hang"),
    ("\uac00", "\ud7af", "Hang"),
    ("\u4e00", "\u9fff", "Hani"),
    ("\u0370", "\u03ff", "Grek"),
    ("\u0600", "\u06ff", "Arab"),
    ("\u0590", "\u05ff", "Hebr"),
    ("\u3040", "\u309f", "Hira"),
    ("\u30a0", "\u30ff", "Kana"),
)


def _script_of(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    if ch < "\u0250" or "\u1e00" <= ch <= "\u1eff":
        return "Latn"
    for low, high, code in _SCRIPT_RANGES:
        if low <= ch <= high:
            return code
    name = unicodedata.name(ch, "")
    return "Latn" if name.startswith("LATIN") else "Zyyy"


@lru_cache(maxsize=65536)
def detect_script(text: str) -> str | None:
    """ISO 15924 code of the letters in ``text`` (``Latn``, ``Cyrl``, ``Hang``, ``Hani`` …), ``mixed`` when a
    name mixes scripts (e.g. a Cyrillic ``е`` inside a Latin surname, known case 8), None when it has no letters."""
    if text.isascii():
        return "Latn" if any(c.isalpha() for c in text) else None
    found = {s for s in map(_script_of, text) if s}
    if not found:
        return None
    if len(found) == 1:
        return found.pop()
    return "mixed"
