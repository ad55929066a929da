"""Script detection, Unicode normalisation and look-alike folding of person names.

The original form is never changed by the bureau; these functions only produce the form that matching
keys are built from (NFKC, whitespace collapsed, Latin/Cyrillic look-alike letters folded in mixed tokens)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SCRIPTS = ("latin", "hangul", "cyrillic", "mixed", "other", "empty")

# Cyrillic letters that look like Latin ones (and back). Source: Unicode confusables (UTS #39), the
# Latin/Cyrillic subset that occurs in name lists typed on mixed keyboards.
_CYR_TO_LAT = dict(zip("АВЕКМНОРСТУХІЈЅаеорсухіјѕ", "ABEKMHOPCTYXIJSaeopcyxijs", strict=True))
_LAT_TO_CYR = {v: k for k, v in _CYR_TO_LAT.items()}
_SPACE = re.compile(r"\s+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u052f\u1c80-\u1c8f\ua640-\ua69f]")


def _char_script(ch: str) -> str | None:
    """The script of one letter: 'latin', 'hangul', 'cyrillic', 'other', or None for a non-letter."""
    o = ord(ch)
    if o < 0x80:
        return "latin" if ch.isalpha() else None
    if not ch.isalpha():
        return None
    if 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if 0x0400 <= o <= 0x052F or 0x1C80 <= o <= 0x1C8F or 0xA640 <= o <= 0xA69F:
        return "cyrillic"
    if o <= 0x024F or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    return "other"


@lru_cache(maxsize=200_000)
def detect_script(text: str) -> str:
    """The script of a name: one of ``latin``, ``hangul``, ``cyrillic``, ``mixed``, ``other``, ``empty``.

    ``mixed`` means letters of two or more scripts (e.g. a Cyrillic Ш typed inside a Latin surname);
    ``empty`` means no letter at all. Digits and punctuation are ignored."""
    if text.isascii():
        return "latin" if _ASCII_LETTER.search(text) else "empty"
    seen: set[str] = set()
    for ch in text:
        s = _char_script(ch)
        if s:
            seen.add(s)
    if not seen:
        return "empty"
    if len(seen) > 1:
        return "mixed"
    return seen.pop()


def _fold_token(token: str) -> str:
    """Fold a token that mixes Latin and Cyrillic letters into its majority script."""
    lat = cyr = 0
    for ch in token:
        s = _char_script(ch)
        if s == "latin":
            lat += 1
        elif s == "cyrillic":
            cyr += 1
    if not lat or not cyr:
        return token
    if lat >= cyr:
        # Minority Cyrillic letters: look-alikes become Latin; others are transliterated later.
        return "".join(_CYR_TO_LAT.get(ch, ch) for ch in token)
    return "".join(_LAT_TO_CYR.get(ch, ch) for ch in token)


@lru_cache(maxsize=200_000)
def normalize(text: str) -> str:
    """The matching form of a name: NFKC, whitespace collapsed, look-alike letters folded per token.

    A token mixing Latin and Cyrillic letters (``ШEVCHUK``, ``Pеtrenko`` with a Cyrillic е) is folded to
    its majority script; look-alikes map letter for letter (Unicode UTS #39 confusables), other
    minority letters are kept and transliterated with the rest. Case is kept. Never raises."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = _SPACE.sub(" ", text).strip()
    if not text:
        return ""
    if not _CYRILLIC.search(text):
        return text  # no Cyrillic letter: no token mixes Latin and Cyrillic
    return " ".join(_fold_token(t) for t in text.split(" "))


def mixed_tokens(text: str) -> list[str]:
    """The tokens of ``text`` that mix Latin and Cyrillic letters (to report at import)."""
    out = []
    for tok in unicodedata.normalize("NFKC", text or "").split():
        kinds = {_char_script(ch) for ch in tok} - {None}
        if "latin" in kinds and "cyrillic" in kinds:
            out.append(tok)
    return out
