"""Presentation helpers for the pages: language tags for names in their own script, readable labels.

Nothing here decides what a user may see; it only says how to show what the services returned."""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")

SOURCE_LABELS = {
    "self_declared": "self-declared",
    "document": "document",
    "counterpart_list": "counterpart list",
    "observation": "observation",
    "third_party": "third party",
    "icrc_confirmed": "ICRC confirmed",
}


def lang_of(text: str | None) -> str | None:
    """A BCP 47 tag for a name so screen readers and fonts treat it right: ``ko`` for Hangul, ``und-Cyrl``
    for Cyrillic (Russian, Ukrainian and Tuvan share it), None for anything else (the page is ``en``)."""
    if not text:
        return None
    if _HANGUL.search(text):
        return "ko"
    if _CYRILLIC.search(text):
        return "und-Cyrl"
    return None


def label(word: str | None) -> str:
    """``birth_date`` → ``birth date``; a source kind → its readable name."""
    if not word:
        return ""
    return SOURCE_LABELS.get(word, word.replace("_", " "))
