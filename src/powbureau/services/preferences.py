"""A user's own settings: the language he reads the web pages in (issue 13).

Each user sets only his own (``profile.write``, every role); the choice is stored in ``user_preferences`` and
audited. The web app copies it into the session at sign-in; it beats the browser's Accept-Language."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select

from ..domain.errors import ValidationFailed
from ..domain.messages import Msg
from ..domain.roles import Actor, require
from ..store import audit
from ..store.tables_prefs import user_preferences
from ..store.uow import UnitOfWork

#: The languages of the web pages (the catalogues in web/locale): Ukrainian, Korean, Russian, English.
UI_LANGUAGES: tuple[str, ...] = ("uk", "ko", "ru", "en")


def language(uow: UnitOfWork, actor: Actor) -> str | None:
    """The language ``actor`` chose for his pages (``uk``, ``ko``, ``ru`` or ``en``), or None if he never chose."""
    with uow.read() as conn:
        return conn.execute(select(user_preferences.c.language)
                            .where(user_preferences.c.user_name == actor.name)).scalar()


def set_language(uow: UnitOfWork, actor: Actor, lang: str | None) -> str | None:
    """Store ``lang`` as ``actor``'s page language (None or "": forget the choice, back to the browser's);
    returns it. One audited transaction. Raises ``ValidationFailed`` for a language the web app does not speak
    and ``PermissionDenied`` for an actor without ``profile.write``."""
    require(actor, "profile.write")
    lang = (lang or "").strip() or None
    if lang is not None and lang not in UI_LANGUAGES:
        raise ValidationFailed(Msg("unknown language {lang!r}; choose one of: {choices}", lang=lang,
                                   choices=", ".join(UI_LANGUAGES)))
    with uow.transaction() as conn:
        conn.execute(delete(user_preferences).where(user_preferences.c.user_name == actor.name))
        if lang is not None:
            conn.execute(insert(user_preferences).values(user_name=actor.name, language=lang,
                                                         updated_at=datetime.now(UTC)))
        audit.append(conn, actor=actor.name, action="user.language", target=actor.name,
                     detail={"language": lang})
    return lang


__all__ = ["UI_LANGUAGES", "language", "set_language"]
