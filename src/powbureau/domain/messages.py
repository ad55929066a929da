"""Sentences for people, translatable at the edge: ``Msg`` is the English text and also its msgid and parameters.

The domain and the services never translate: they say ``Msg("{name} is not on the list", name=...)``, which *is*
the English sentence (a ``str``, so the CLI, logs and JSON keep working unchanged) and carries ``msgid`` and
``params`` for the web to translate in the reader's language (``web.i18n.tr``). ``pybabel extract -k Msg -k N_``
collects the templates; ``N_`` marks a fixed phrase for extraction without parameters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime


def N_(message: str) -> str:  # noqa: N802 - the gettext convention: mark for extraction, translate later
    """Mark ``message`` for extraction; returns it unchanged."""
    return message


class Msg(str):
    """An English sentence built from the template ``msgid`` (``str.format`` fields) and ``params``.

    ``str(Msg(...))`` is the English text. A parameter may itself be a ``Msg`` (translated with it) or a domain
    code (a status, a wish kind: the web shows its translated label)."""

    msgid: str
    params: Mapping[str, object]

    def __new__(cls, msgid: str, /, **params: object) -> Msg:
        text = msgid.format(**params) if params else msgid
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self):  # noqa: ANN204 - pickles (process pools) as the same sentence
        return (_rebuild, (self.msgid, dict(self.params)))


def _rebuild(msgid: str, params: dict) -> Msg:
    return Msg(msgid, **params)




class Day(str):
    """A day shown in a sentence: ``2 Dec 2026`` in English, the reader's date format on the web (``value``)."""

    value: date

    def __new__(cls, when: date | datetime | str) -> Day:
        if isinstance(when, str):
            when = datetime.fromisoformat(when)
        self = super().__new__(cls, f"{when.day} {when:%b %Y}")
        self.value = when.date() if isinstance(when, datetime) else when
        return self

    def __reduce__(self):  # noqa: ANN204
        return (Day, (self.value,))


def to_data(text: object) -> object:
    """``text`` as JSON-ready data that ``from_data`` turns back into the same sentence: a ``Msg`` as
    ``{"msgid", "params"}`` (nested ones too), a ``Day`` as ``{"day": ISO}``, anything else as it is."""
    if isinstance(text, Msg):
        return {"msgid": text.msgid, "params": {k: to_data(v) for k, v in text.params.items()}}
    if isinstance(text, Day):
        return {"day": text.value.isoformat()}
    return text


def from_data(data: object) -> object:
    """The sentence ``to_data`` stored (stored plain text stays plain text)."""
    if isinstance(data, dict) and "msgid" in data:
        return Msg(data["msgid"], **{k: from_data(v) for k, v in (data.get("params") or {}).items()})
    if isinstance(data, dict) and "day" in data:
        return Day(data["day"])
    return data


__all__ = ["Day", "Msg", "N_", "from_data", "to_data"]
