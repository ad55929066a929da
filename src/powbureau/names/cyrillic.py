"""Cyrillic names in Latin letters: one matching transliteration plus the systems in real use.

``to_latin`` matches (Tuvan ү ө ң һ pre-pass first); ``spellings`` lists Russian/Ukrainian passport,
BGN/PCGN, GOST/ISO 9 and Ukrainian national forms via the iuliia and translitua libraries."""

from __future__ import annotations

from functools import lru_cache

import iuliia
import translitua

# Tuvan pre-pass (and the other Turkic/Mongolic letters of Russian-issued documents). Source: Tuvan
# alphabet (1943 Cyrillic orthography): ү = ü, ө = ö, ң = ng, һ = h; Kazakh ұ қ ғ ә і; Bashkir/Tatar ҙ ҫ җ.
TUVAN_PREPASS = {
    "ү": "u", "Ү": "U", "ө": "o", "Ө": "O", "ң": "ng", "Ң": "Ng", "һ": "h", "Һ": "H",
    "ұ": "u", "Ұ": "U", "қ": "k", "Қ": "K", "ғ": "g", "Ғ": "G", "ә": "a", "Ә": "A",
    "ӊ": "ng", "ӧ": "o", "Ӧ": "O", "ӱ": "u", "Ӱ": "U", "җ": "zh", "Җ": "Zh", "ҙ": "z", "ҫ": "s",
    "ӈ": "ng", "ҳ": "h", "ӣ": "i", "ӯ": "u", "ҷ": "ch", "ў": "u", "Ў": "U", "ђ": "dj", "ћ": "c",
    "ј": "j", "Ј": "J", "љ": "lj", "Љ": "Lj", "њ": "nj", "Њ": "Nj", "џ": "dzh", "ѓ": "g", "ќ": "k",
}
# The matching transliteration: close to BGN/PCGN for Russian, with Ukrainian і ї є ґ.
_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_TABLE: dict[int, str] = {}
for _k, _v in _BASE.items():
    _TABLE[ord(_k)] = _v
    _TABLE[ord(_k.upper())] = _v.capitalize()
for _k, _v in TUVAN_PREPASS.items():
    _TABLE[ord(_k)] = _v


def tuvan_prepass(text: str) -> str:
    """Replace the Tuvan (and Kazakh, Mongolian, Serbian) letters that Russian transliterators skip.

    ``Ооржак Өлзей`` -> ``Ооржак Olзей``; the rest stays Cyrillic for the next transliterator."""
    return "".join(TUVAN_PREPASS.get(ch, ch) for ch in text)


@lru_cache(maxsize=200_000)
def to_latin(text: str) -> str:
    """The matching transliteration of Cyrillic text (letters outside Cyrillic are kept as they are)."""
    return text.translate(_TABLE)


_IULIIA = {
    "ru_passport_icao": iuliia.ICAO_DOC_9303,
    "ru_passport_1997": iuliia.MVD_310,
    "bgn_pcgn": iuliia.BGN_PCGN,
    "gost_7034": iuliia.GOST_7034,
    "iso_9": iuliia.GOST_779,
    "wikipedia": iuliia.WIKIPEDIA,
}
_UKR = {
    "ua_national_kmu_2010": translitua.UkrainianKMU,
    "ua_passport_2007": translitua.UkrainianPassport2007,
    "ua_bgn": translitua.UkrainianBGN,
    "ua_iso_9": translitua.UkrainianISO9,
    "ua_gost_1986": translitua.UkrainianGOST1986,
}
_UKR_ONLY = set("іїєґІЇЄҐ")


@lru_cache(maxsize=20_000)
def spellings(text: str) -> dict[str, str]:
    """The Latin spellings of a Cyrillic name under each system in real use: ``{system: spelling}``.

    Russian systems (iuliia): ICAO Doc 9303 passports, MVD 310 (1997 passports), BGN/PCGN, GOST 7034,
    GOST 7.79 = ISO 9; Ukrainian systems (translitua): the national KMU 2010 system, the 2007 passport
    rules, BGN, ISO 9, GOST 1986. Ukrainian systems are applied to every name (a Ukrainian name may
    lack і/ї/є/ґ); the Tuvan pre-pass runs first."""
    pre = tuvan_prepass(text)
    out: dict[str, str] = {}
    for name, schema in _IULIIA.items():
        out[name] = schema.translate(pre)
    for name, table in _UKR.items():
        out[name] = translitua.translit(pre, table)
    if _UKR_ONLY & set(text):
        out = {k: v for k, v in out.items() if k.startswith("ua_") or k in ("iso_9",)}
    return out
