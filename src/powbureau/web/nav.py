"""The navigation bar: the sections a signed-in role may open, in the order of a bureau worker's day.

A section is shown when the role holds the permission its list needs (``domain.roles.PERMISSIONS``), so the bar
never offers a page that would answer 403: no wishes for the negotiator or medical staff, no audit but for
auditors and administrators."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.roles import Actor
from .i18n import N_


@dataclass(frozen=True)
class Section:
    """One link of the bar: its ``key`` (the page's ``here``), English label (translated in ``base.html``), path and the permission it needs."""

    key: str
    label: str
    href: str
    action: str


SECTIONS: tuple[Section, ...] = (
    Section("home", N_("Home"), "/", "person.read"),
    Section("search", N_("Registry"), "/search", "person.read"),
    Section("register", N_("Register a person"), "/persons/new", "person.write"),
    Section("interviews", N_("Interviews"), "/interviews", "interview.read"),
    Section("wishes", N_("Wishes"), "/wishes", "wish.read"),
    Section("exchanges", N_("Exchanges"), "/exchanges", "exchange.read"),
    Section("review", N_("Review queue"), "/review", "review.read"),
    Section("enquiries", N_("Enquiries"), "/enquiries", "enquiry.read"),
    Section("imports", N_("Import"), "/imports", "list.import"),
    Section("lists", N_("Counterpart lists"), "/lists", "linkage.run"),
    Section("notifications", N_("Notifications"), "/notifications", "notify.read"),
    Section("audit", N_("Audit"), "/audit", "audit.read"),
    Section("users", N_("Users"), "/users", "user.manage"),
    Section("docs", N_("API docs"), "/docs", "person.read"),
)


def sections_for(actor: Actor | None) -> list[Section]:
    """The sections ``actor`` may open (none for an anonymous visitor)."""
    if actor is None:
        return []
    return [s for s in SECTIONS if actor.can(s.action)]


def bar(actor: Actor | None, path: str) -> list[tuple[Section, bool]]:
    """The bar for a page at ``path``: each allowed section with True where it is the current one."""
    def here(s: Section) -> bool:
        return path == s.href or (s.href != "/" and path.startswith(s.href + "/")) or (
            s.key == "search" and path.startswith("/persons/") and path != "/persons/new")
    return [(s, here(s)) for s in sections_for(actor)]
