"""Presentation helpers for the pages: language tags for names in their own script, readable labels.

Nothing here decides what a user may see; it only says how to show what the services returned."""

from __future__ import annotations

import re

from ..domain.messages import Msg
from .i18n import N_

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


#: What each permission of ``domain.roles.PERMISSIONS`` lets a user do, in words: a refusal names what he may not
#: do ("may not read repatriation wishes"), never the code (``wish.read``); the CLI keeps the code.
PERMISSION_WORDS: dict[str, str] = {
    "person.read": N_("read the records of persons"),
    "person.write": N_("register or change persons"),
    "list.import": N_("import lists"),
    "status.change": N_("change a person's status"),
    "medical.read": N_("read medical details"),
    "medical.write": N_("record medical details"),
    "interview.write": N_("record interviews"),
    "interview.read": N_("read interviews"),
    "interpreter.manage": N_("manage interpreters"),
    "custody.record": N_("record custody events"),
    "wish.write": N_("record repatriation wishes"),
    "wish.verify": N_("verify repatriation wishes"),
    "wish.read": N_("read repatriation wishes"),
    "wish_interview.write": N_("record wish interviews"),
    "wish_interview.read": N_("read wish interviews"),
    "exchange.read": N_("see exchanges"),
    "exchange.write": N_("prepare or change exchanges"),
    "document.write": N_("record documents"),
    "document.judge": N_("judge whose a document is"),
    "document.scan.read": N_("see document scans"),
    "linkage.run": N_("run the name comparison"),
    "review.decide": N_("decide whether two records are the same person"),
    "review.read": N_("see the review queue"),
    "notify.read": N_("see the notifications due"),
    "notify.export": N_("export notifications to the CTA"),
    "enquiry.write": N_("record enquiries"),
    "enquiry.read": N_("read enquiries"),
    "enquiry.judge": N_("judge enquiry candidates"),
    "enquiry.answer": N_("answer enquiries"),
    "audit.read": N_("read the audit log"),
    "user.manage": N_("manage users"),
    "profile.write": N_("change his own settings"),
}


def event_label(ref: str | None) -> str:
    """What a notification arose from, in words, from its ``event_ref``: ``status:2`` → "change of status no. 2",
    ``event:1`` → "recorded event no. 1", ``enquiry:<id>`` → "enquiry …<last six>", with ", week N" for a weekly
    health report (``<ref>#weekN``); any other reference is shown as written."""
    text = ref or ""
    out: str
    base, _, week = text.partition("#week")
    kind, _, ident = base.partition(":")
    if kind == "status" and ident.isdigit():
        out = Msg("change of status no. {n}", n=ident)
    elif kind == "event" and ident.isdigit():
        out = Msg("recorded event no. {n}", n=ident)
    elif kind == "enquiry" and ident:
        out = Msg("enquiry …{id}", id=ident[-6:])
    else:
        return text
    return Msg("{event}, week {n}", event=out, n=week) if week.isdigit() else out


def person_label(name: str | None, person_id: str) -> str:
    """How a message names a person: ``백광혁 (…7Q2K9M)`` (his name and the last six characters of his id)."""
    return f"{name or '?'} (…{person_id[-6:]})"


def person_named(uow, actor, person_id: str) -> str:  # noqa: ANN001 - UnitOfWork, Actor
    """``person_label`` of ``person_id`` with his name read through ``services.registration.display_names``
    (``person.read``; raises ``PermissionDenied`` without it)."""
    from ..services import registration

    return person_label(registration.display_names(uow, actor, [person_id]).get(person_id), person_id)


# What ``label`` returns for the domain's codes (statuses, kinds, roles, properties, sources, exchange states and
# actions, wish kinds, interview purposes, notification kinds, outcomes, judgements): listed here so that
# ``pybabel extract`` puts them in the catalogues; the templates translate them with ``_(label(code))``.
VOCABULARY: tuple[str, ...] = (
    N_("ICRC confirmed"),
    N_("admin"),
    N_("age"),
    N_("age recorded on"),
    N_("age system"),
    N_("agreed"),
    N_("alias"),
    N_("auditor"),
    N_("birth date"),
    N_("birth place"),
    N_("cancelled"),
    N_("capture card"),
    N_("capture date"),
    N_("capture place"),
    N_("captured"),
    N_("closed"),
    N_("confirmed"),
    N_("counterpart list"),
    N_("crossed"),
    N_("death notice"),
    N_("deceased"),
    N_("detainee"),
    N_("diagnosis"),
    N_("document"),
    N_("draft"),
    N_("enquiry reply"),
    N_("escaped"),
    N_("executed"),
    N_("father given name"),
    N_("gender"),
    N_("given name"),
    N_("health report"),
    N_("held by adverse power"),
    N_("hospitalised"),
    N_("icrc delegate"),
    N_("icrc private"),
    N_("incoming"),
    N_("interned"),
    N_("interviewer"),
    N_("language"),
    N_("match"),
    N_("medical"),
    N_("medical condition"),
    N_("medical note"),
    N_("missing"),
    N_("mother maiden name"),
    N_("name full"),
    N_("nationality"),
    N_("negotiator"),
    N_("next of kin"),
    N_("no match"),
    N_("no show"),
    N_("notes"),
    N_("observation"),
    N_("outgoing"),
    N_("own personnel"),
    N_("patronymic"),
    N_("proposed"),
    N_("rank"),
    N_("registered"),
    N_("rejected"),
    N_("registrar"),
    N_("registration"),
    N_("released"),
    N_("remain"),
    N_("repatriated"),
    N_("return"),
    N_("returned"),
    N_("self-declared"),
    N_("seriously ill"),
    N_("service branch"),
    N_("service number"),
    N_("serving power"),
    N_("status in doubt"),
    N_("substituted"),
    N_("surname"),
    N_("third country"),
    N_("third party"),
    N_("transferred to power"),
    N_("transferring"),
    N_("treatment"),
    N_("undecided"),
    N_("unit"),
    N_("unknown arrival"),
    N_("unsure"),
    N_("whereabouts unknown"),
    N_("wish"),
    N_("wound"),
    N_("Propose"),
    N_("Reopen"),
    N_("Agree"),
    N_("Close"),
    N_("Cancel"),
)
