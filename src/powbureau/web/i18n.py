"""The language of the web pages: Babel catalogues per locale, chosen per request, and locale-aware dates.

The language of a request is the user's choice (the ``lang`` cookie set by the switcher in ``base.html``), else
the best match of the browser's ``Accept-Language``, else Ukrainian, the bureau's staff language. Catalogues live
in ``web/locale/<lang>/LC_MESSAGES/messages.po`` and are compiled to ``.mo`` files committed beside them (see the
README, "Languages"). The English catalogue translates each message to itself: the msgids are the English text.

Templates use ``{% trans %}`` and ``_()`` (``jinja2.ext.i18n``); the callables installed in the environment read
the locale of the page being rendered from a context variable, which ``use_locale`` sets around one render.
Sentences from the services arrive as ``domain.messages.Msg`` (English text + msgid + parameters) and are
translated here by ``tr``. A signed-in user's language is, in order: the one picked in the switcher during this
session, his profile setting (``/profile``), the switcher's cookie, Accept-Language, Ukrainian. API error ``code``s
never change with the language; API ``message``s follow Accept-Language, else English; the CLI stays in English."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment
from starlette.requests import Request

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: dict[str, str] = {  # code → the language's own name, in the switcher's order
    "uk": "Українська",
    "ko": "한국어",
    "ru": "Русский",
    "en": "English",
}
DEFAULT = "uk"  # the bureau's staff language
COOKIE = "powbureau_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

_current: contextvars.ContextVar[str] = contextvars.ContextVar("powbureau_lang", default=DEFAULT)


from ..domain.countries import COUNTRY_NAMES, country_name  # noqa: E402
from ..domain.messages import Day, Msg, N_  # noqa: E402 - N_ re-exported for the web modules

SESSION_LANG = "lang"  # the switcher's choice for this session (signed in)
PROFILE_LANG = "profile_lang"  # the user's profile setting, copied into his session at sign-in and on change


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (a NullTranslations, i.e. the msgids, if there is none)."""
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


def current() -> str:
    """The language of the page being rendered."""
    return _current.get()


@contextlib.contextmanager
def use_locale(lang: str) -> Iterator[None]:
    """Render in ``lang`` inside the block."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def _parse_accept(header: str) -> list[tuple[float, str]]:
    prefs = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k.strip() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        prefs.append((-q, i, tag))
    return [(-q, tag) for q, _, tag in sorted(prefs)]


def from_accept_language(header: str | None) -> str | None:
    """The first supported language of an ``Accept-Language`` header (``en-GB`` → ``en``), or None."""
    for q, tag in _parse_accept(header or ""):
        primary = tag.split("-")[0]
        if q > 0 and primary in LANGUAGES:
            return primary
    return None


def language_of(request: Request) -> str:
    """The language of a page request: the switcher's choice in this session, else the signed-in user's profile
    setting, else the switcher's cookie, else Accept-Language, else Ukrainian."""
    session = request.scope.get("session") or {}
    for chosen in (session.get(SESSION_LANG), session.get(PROFILE_LANG), request.cookies.get(COOKIE)):
        if chosen in LANGUAGES:
            return chosen
    return from_accept_language(request.headers.get("accept-language")) or DEFAULT


def api_language_of(request: Request) -> str:
    """The language of an API error ``message``: Accept-Language, else English (API clients are programs)."""
    return from_accept_language(request.headers.get("accept-language")) or "en"


#: Parameters of a ``Msg`` that hold a domain code (a status, a wish kind, a role...): shown by their translated
#: label. Other parameters (names of people and users, places, ids) are shown as given, never translated.
CODE_PARAMS = frozenset({"kind", "status", "from_status", "to_status", "current", "target", "state", "purpose",
                         "judgement", "wanted", "role", "verifier", "outcome", "side", "property",
                         "source_label"})


#: A ``Msg`` parameter named ``country`` holds a state's English name; the page shows it in its language.
_CODES_BY_NAME = {name: code for code, name in COUNTRY_NAMES.items()}


def _param(value: object, lang: str, key: str = "") -> object:
    from .present import PERMISSION_WORDS, VOCABULARY, label

    if isinstance(value, Msg):
        return tr(value)
    if isinstance(value, Day):  # English keeps the sentence's own "2 Dec 2026"
        return str(value) if lang == "en" else ldate(value.value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return format_decimal(value, locale=lang)
    if isinstance(value, (date, datetime)):
        return ldate(value, isinstance(value, datetime))
    if key == "permission" and isinstance(value, str) and value in PERMISSION_WORDS:
        return gettext(PERMISSION_WORDS[value])
    if key == "country" and isinstance(value, str) and value in _CODES_BY_NAME:  # English name → page's language
        return country(_CODES_BY_NAME[value])
    if key in CODE_PARAMS and isinstance(value, str) and value and label(value) in VOCABULARY:
        return gettext(label(value))
    return value


def tr(text: object) -> str:
    """``text`` in the current language: a ``Msg`` by its msgid with its parameters translated too (domain codes
    by their label, numbers and dates per locale); any other string through the catalogue as it is (a string
    that is no msgid comes back unchanged). A translation whose fields do not fit falls back to English."""
    if text is None:
        return ""
    if isinstance(text, Msg):
        if not text.params:
            return gettext(text.msgid)
        lang = current()
        template = gettext(text.msgid)
        for params in ({k: _param(v, lang, k) for k, v in text.params.items()}, text.params):
            try:  # the second time with the raw values, for a field with a format spec (``{month:02d}``)
                return template.format(**params)
            except (KeyError, IndexError, ValueError, TypeError):
                continue
        return str(text)
    return gettext(str(text))


def _as_datetime(value: object) -> datetime | date | None:
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return None
    return None


def ldate(value: object, with_time: bool = False) -> str:
    """A date (or ISO date string) in the current language's medium format; English pages keep the ISO form
    they always showed (``2026-12-02``, ``2026-12-02 14:05``); what cannot be read as a date is shown as is."""
    text = "" if value is None else str(value)
    lang = current()
    parsed = _as_datetime(value)
    if lang == "en" or parsed is None:
        return text[:16].replace("T", " ") if with_time else text[:10] if parsed is not None else text
    locale = Locale.parse(lang)
    if with_time and isinstance(parsed, datetime):
        return f"{format_date(parsed, 'medium', locale=locale)} {parsed:%H:%M}"
    return format_date(parsed, "medium", locale=locale)


def country(code: str | None) -> str:
    """The name of the state with ISO 3166-1 alpha-2 ``code`` in the page's language: the UN short form of
    ``domain.countries`` in English, Babel's (CLDR) territory name in uk, ru and ko, else the English name or the
    code itself."""
    if not code:
        return ""
    key = code.strip().upper()
    lang = current()
    if lang != "en":
        name = Locale.parse(lang).territories.get(key)
        if name:
            return name
    return country_name(key)


def countries() -> list[tuple[str, str]]:
    """Every state of ``domain.countries.COUNTRY_NAMES`` as ``(code, name in the page's language)``, by name."""
    return sorted(((c, country(c)) for c in COUNTRY_NAMES), key=lambda kv: kv[1])


def install(env: Environment) -> None:
    """Add the i18n extension, the gettext callables and the helpers to ``env``."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.globals["languages"] = LANGUAGES
    env.globals["current_language"] = current
    env.filters["ldate"] = ldate
    env.globals["tr"] = tr
    env.globals["country"] = country
    env.globals["countries_by_name"] = countries


__all__ = ["COOKIE", "countries", "country", "DEFAULT", "LANGUAGES", "N_", "Msg", "api_language_of", "install", "language_of", "ldate",
           "tr", "use_locale"]
