"""Country names for codes: pages and forms show names, the store keeps ISO 3166-1 alpha-2 codes.

Serving power, nationality and the state that issued a document are three different facts (DESIGN §2); each
is a code in the store and a name on the screen. Names are the UN short forms of the official names."""

from __future__ import annotations

#: ISO 3166-1 alpha-2 → the name shown on pages, forms and the capture card (UN terminology short forms for
#: the states a bureau meets most; ``country_name`` falls back to the code for any other).
COUNTRY_NAMES: dict[str, str] = {
    "AM": "Armenia", "AU": "Australia", "AZ": "Azerbaijan", "BY": "Belarus", "CA": "Canada", "CN": "China",
    "CZ": "Czechia", "DE": "Germany", "EE": "Estonia", "FI": "Finland", "FR": "France",
    "GB": "United Kingdom of Great Britain and Northern Ireland", "GE": "Georgia", "HU": "Hungary",
    "IN": "India", "IR": "Iran (Islamic Republic of)", "JP": "Japan", "KG": "Kyrgyzstan", "KP":
    "Democratic People's Republic of Korea", "KR": "Republic of Korea", "KZ": "Kazakhstan", "LT": "Lithuania",
    "LV": "Latvia", "MD": "Republic of Moldova", "MN": "Mongolia", "NP": "Nepal", "PL": "Poland", "RO": "Romania",
    "RU": "Russian Federation", "SK": "Slovakia", "SY": "Syrian Arab Republic", "TJ": "Tajikistan", "TM":
    "Turkmenistan", "TR": "Türkiye", "UA": "Ukraine", "US": "United States of America", "UZ": "Uzbekistan",
    "VN": "Viet Nam",
}

#: The adjective of a state for a document it issued ("the Russian military ID").
ADJECTIVES: dict[str, str] = {
    "RU": "Russian", "UA": "Ukrainian", "KP": "North Korean", "KR": "South Korean", "BY": "Belarusian",
    "CN": "Chinese", "US": "American", "GB": "British", "PL": "Polish", "KZ": "Kazakh", "MN": "Mongolian",
    "DE": "German", "FR": "French", "GE": "Georgian", "MD": "Moldovan", "UZ": "Uzbek", "TJ": "Tajik",
}


def country_name(code: str | None) -> str:
    """The name of the state with ISO code ``code`` (``KP`` → ``Democratic People's Republic of Korea``); the
    code itself when the table has no name for it; ``""`` for none."""
    if not code:
        return ""
    return COUNTRY_NAMES.get(code.strip().upper(), code.strip().upper())


def issued_by(code: str | None) -> str:
    """How a document's issuer reads before its type: ``Russian`` for RU, else ``<country name>``."""
    if not code:
        return ""
    return ADJECTIVES.get(code.strip().upper()) or country_name(code)
