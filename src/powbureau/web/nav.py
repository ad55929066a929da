"""The navigation bar: the sections a signed-in role may open, in the order of a bureau worker's day.

A section is shown when the role holds the permission its list needs (``domain.roles.PERMISSIONS``), so the bar
never offers a page that would answer 403: no wishes for the negotiator or medical staff, no audit but for
auditors and administrators."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.roles import Actor


@dataclass(frozen=True)
class Section:
    """One link of the bar: its ``key`` (the page's ``here``), label, path and the permission it needs."""

    key: str
    label: str
    href: str
    action: str


SECTIONS: tuple[Section, ...] = (
    Section("home", "Home", "/", "person.read"),
    Section("search", "Registry", "/search", "person.read"),
    Section("interviews", "Interviews", "/interviews", "interview.read"),
    Section("wishes", "Wishes", "/wishes", "wish.read"),
    Section("exchanges", "Exchanges", "/exchanges", "exchange.read"),
    Section("review", "Review queue", "/review", "review.read"),
    Section("notifications", "Notifications", "/notifications", "notify.read"),
    Section("audit", "Audit", "/audit", "audit.read"),
    Section("docs", "API docs", "/docs", "person.read"),
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
            s.key == "search" and path.startswith("/persons/"))
    return [(s, here(s)) for s in sections_for(actor)]
