"""Latin keys of name tokens: ASCII folding and the coarse phonetic skeleton used for comparison.

Every token of any script is turned into lower-case ASCII (``latinize``) and then into a skeleton in
which spelling variants of one sound coincide (``skeleton``: kh/h/g, w/v, y/i/j, doubled letters ...)."""

from __future__ import annotations

import re
from functools import lru_cache

import icu

from . import cyrillic, korean
from .rules import apply_rules, compile_rules
from .scripts import detect_script

_ANY_LATIN = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
_LATIN_ASCII = icu.Transliterator.createInstance("Latin-ASCII")
# Letters whose ISO 9 / scholarly form carries a sound that plain ASCII folding would lose.
_PRE = str.maketrans({"š": "sh", "Š": "sh", "č": "ch", "Č": "ch", "ž": "zh", "Ž": "zh", "ŝ": "shch",
                      # Azerbaijani, Turkish, Turkmen, Kazakh Latin: ə = a (Əliyev = Алиев), ş = sh (Rəşad)
                      "ə": "a", "Ə": "a", "ş": "sh", "Ş": "sh", "ș": "sh", "Ș": "sh", "ä": "a", "Ä": "a",
                      "ĉ": "ch", "ẑ": "zh", "ğ": "g", "ı": "i", "ß": "ss", "ø": "o", "Ø": "o",
                      "ŏ": "o", "ŭ": "u", "Ŏ": "o", "Ŭ": "u", "ʼ": "", "’": "", "'": "", "`": "",
                      "ʻ": "", "‘": "", "ʹ": "", "ʺ": "",
                      # ISO 9 / GOST 7.79 letters for я ю ё э є ї
                      "â": "ya", "Â": "ya", "û": "yu", "Û": "yu", "ë": "yo", "Ë": "yo", "è": "e",
                      "È": "e", "ê": "ye", "Ê": "ye", "ï": "yi", "Ï": "yi"})
_NON_ALPHA = re.compile(r"[^a-z]")
# Modern Greek spells word-initial g, b, d with two letters (Γκονόρ = Gonord); ICU reads them letter by letter.
_GREEK_START = {"γκ": "g", "μπ": "b", "ντ": "d"}


@lru_cache(maxsize=300_000)
def latinize(token: str) -> str:
    """Lower-case ASCII letters of one token of any script; '' when the script cannot be romanized.

    Cyrillic goes through ``cyrillic.to_latin`` (with the Tuvan pre-pass), Hangul through the Revised
    Romanization (``korean.romanize``), other scripts through ICU ``Any-Latin; Latin-ASCII``."""
    script = detect_script(token)
    if script == "empty":
        return ""
    if script in ("cyrillic", "mixed") and any("\u0400" <= c <= "\u052f" for c in token):
        token = cyrillic.to_latin(token)
    if token[:2].lower() in _GREEK_START:
        token = _GREEK_START[token[:2].lower()] + token[2:]
    if script == "hangul" or any("\uac00" <= c <= "\ud7a3" for c in token):
        token = korean.romanize(token)
    token = token.lower().translate(_PRE)
    if not token.isascii():
        token = _LATIN_ASCII.transliterate(token)
        if not token.isascii():
            token = _ANY_LATIN.transliterate(token)
    low = token.lower()
    if not low.isascii():
        return ""
    return _NON_ALPHA.sub("", low)


_SKEL_RULES = [
    (re.compile(r"^(hs|x)(?=[aeiouy])"), "s"),
    (re.compile(r"schtsch|shtch|shch|szcz|sch|sh|sz|zh"), "S"),
    (re.compile(r"tsch|tch|cz|ch"), "C"),
    (re.compile(r"kh|gh|h|g"), "H"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"ts|tz"), "Z"),
    (re.compile(r"ck|q|c"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"z"), "s"),
    (re.compile(r"Z"), "ts"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"oo|ou"), "u"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"^ie"), "e"),
    (re.compile(r"(?<=[aeiou])ie"), "e"),
    (re.compile(r"(?<=.)(ei|ii|ie|ai)$"), "i"),
]
_SKEL = compile_rules(_SKEL_RULES)


@lru_cache(maxsize=300_000)
def skeleton(latin: str) -> str:
    """The comparison skeleton of a lower-case ASCII token (e.g. Hnatiuk, Gnatyuk -> 'hnatiuk').

    Folds the spelling variants that transliteration systems and national orthographies use for one
    sound: sh/sch/sz/š -> S, ch/tch/cz/č -> C, kh/h/g -> H (Ukrainian Г = h, Russian Г = g), ts/tz/z,
    w -> v, y/j -> i, doubled letters, initial ie/ye -> e, and the -ei/-ii/-iy/-yi endings. Upper-case
    letters in the result are placeholders for these classes."""
    return apply_rules(_SKEL, latin)


# National transliterations of Russian (and other Cyrillic) names, rewritten towards the English/BGN-like
# matching form before the skeleton: the ambiguous letters (ch, j, s, z, oe, ou) mean different sounds in
# each language. Sources: Duden transliteration of Russian (German: tsch = ч, sch = ш, ch = х, w = в,
# j = й, z = ц, s = з before a vowel), the Dutch system of Van Dale / Taalunie (tsj = ч, sj = ш, zj = ж,
# ch = х, oe = у, j = й), the French usage of the BnF and the press (tch = ч, ch = ш, j = ж, ou = у,
# -ine/-yne for -ин/-ын). Applied only as extra readings, never instead of the token as written.
_NATIONAL = {
    "german": [(re.compile(r"schtsch"), "shch"), (re.compile(r"tsch"), "ч"), (re.compile(r"sch"), "sh"),
               (re.compile(r"ch"), "kh"), (re.compile(r"ч"), "ch"), (re.compile(r"z"), "ts"),
               (re.compile(r"j"), "y"), (re.compile(r"w"), "v"), (re.compile(r"^s(?=[aeiou])"), "z")],
    "dutch": [(re.compile(r"sjtsj"), "shch"), (re.compile(r"tsj"), "ч"), (re.compile(r"sj"), "sh"),
              (re.compile(r"zj"), "zh"), (re.compile(r"ch"), "kh"), (re.compile(r"ч"), "ch"),
              (re.compile(r"oe"), "u"), (re.compile(r"j"), "y")],
    "french": [(re.compile(r"chtch"), "shch"), (re.compile(r"tch"), "ч"), (re.compile(r"ch"), "sh"),
               (re.compile(r"ч"), "ch"), (re.compile(r"dj"), "ж"), (re.compile(r"j"), "zh"), (re.compile(r"ж"), "dzh"),
               (re.compile(r"ou"), "u"), (re.compile(r"(?<=[iy]n)e$"), ""), (re.compile(r"gu(?=[ei])"), "g"),
               (re.compile(r"(?<=[aeiou])ss(?=[aeiou])"), "s")],
}


@lru_cache(maxsize=300_000)
def national_readings(latin: str) -> frozenset[str]:
    """Other readings of a lower-case ASCII token written in a German, Dutch or French transliteration
    of a Russian name, rewritten in the English-like matching form (``tschaikowski`` -> 'chaikovski',
    ``khrouchtchev`` -> 'khrushchev', ``joeri`` -> 'yuri'); empty when no rule applies.

    Rules and their sources are listed in ``_NATIONAL`` (Duden, Van Dale/Taalunie, BnF usage)."""
    out: set[str] = set()
    for rules in _NATIONAL.values():
        s = latin
        for rx, rep in rules:
            s = rx.sub(rep, s)
        if s != latin and s.isascii():
            out.add(s)
    return frozenset(out)
