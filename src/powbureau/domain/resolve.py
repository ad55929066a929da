"""The resolved view of a person: best value per property by source priority, conflicts flagged.

Nothing is overwritten: every active statement stays listed; the view only chooses what to show first and
marks disagreements (a document's name ≠ the self-declared name is an identity conflict to review).

The headline is never a name under dispute: a document's identity claims describe its holder, who may be another
man (DESIGN §1, the man who carries another man's ID), so until someone judges a document the bearer's, what the
person says of himself comes before it for identity properties, and the disagreement is flagged as a conflict."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .messages import Msg
from .roles import Actor, may_see_property
from .statement import NAME_PROPERTIES, SOURCE_PRIORITY, Statement

#: Properties that may hold several true values at once (aliases, languages): never a conflict.
#: Nationality too: more than one state may claim a person (the Republic of Korea counts North Koreans as its own).
MULTI_VALUED: frozenset[str] = frozenset({"alias", "language", "notes", "next_of_kin", "nationality"})

#: Properties that say who a person is: a document's value for them counts above the person's own statement only
#: once the document is judged the bearer's (``domain.documents``; GC III Art. 17: the prisoner states his own
#: name, rank, date of birth and number).
IDENTITY_PROPERTIES: frozenset[str] = NAME_PROPERTIES | {"birth_date", "birth_place", "service_number"}

SameValue = Callable[[str, str, str], bool]


def default_same_value(prop: str, a: str, b: str) -> bool:
    """Two values agree when equal after case folding and whitespace collapsing."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


@dataclass(frozen=True)
class Conflict:
    """Statements about ``prop`` that disagree; ``kind`` is "identity" for names and documents, else "value"."""

    prop: str
    kind: str
    values: tuple[tuple[str, str, str], ...]  # (value, source_kind, source_ref)

    def describe(self) -> Msg:
        """One readable line, e.g. ``surname: 'Ким' (document doc:1) vs '백' (self_declared int:2)``; a ``Msg``
        whose ``property`` and ``source_label`` the web shows by their translated labels."""
        parts: Msg | None = None
        for v, k, r in self.values:
            one = Msg("{value!r} ({source_label} {ref})", value=v, source_label=k, ref=r)
            parts = one if parts is None else Msg("{left} vs {right}", left=parts, right=one)
        return Msg("{property}: {parts}", property=self.prop, parts=parts if parts is not None else "")


@dataclass(frozen=True)
class ResolvedProperty:
    """The chosen ``best`` statement for ``prop`` and every active statement about it, best first."""

    prop: str
    best: Statement
    all: tuple[Statement, ...]


@dataclass(frozen=True)
class ResolvedView:
    """``properties`` keyed by property name, ``conflicts`` flagged, ``hidden`` = count of statements withheld
    from this actor by field-level access."""

    properties: dict[str, ResolvedProperty]
    conflicts: tuple[Conflict, ...]
    hidden: int

    def disputed(self, prop: str) -> bool:
        """True when sources disagree about ``prop`` (its shown value carries a conflict badge)."""
        return any(c.prop == prop for c in self.conflicts)

    def value(self, prop: str) -> str | None:
        """The best value of ``prop`` or None."""
        rp = self.properties.get(prop)
        return rp.best.value if rp else None


def _rank(s: Statement, settled: frozenset[str] = frozenset()) -> tuple[float, float]:
    pr: float = SOURCE_PRIORITY.index(s.source_kind) if s.source_kind in SOURCE_PRIORITY else len(SOURCE_PRIORITY)
    if s.source_kind == "document" and s.prop in IDENTITY_PROPERTIES and s.id not in settled:
        pr = SOURCE_PRIORITY.index("self_declared") + 0.5  # unsettled: after what the man says of himself
    return (pr, -s.recorded_at.timestamp())


def resolve(
    statements: Iterable[Statement],
    retracted_ids: Iterable[str] = (),
    *,
    actor: Actor | None = None,
    same_value: SameValue = default_same_value,
    settled_ids: Iterable[str] = (),
) -> ResolvedView:
    """Resolve ``statements`` (any order) minus ``retracted_ids`` into a view.

    Priority: SOURCE_PRIORITY (icrc_confirmed > document > self_declared > observation > third_party >
    counterpart_list), then the most recent. ``same_value(prop, a, b)`` decides agreement (the services pass a
    cross-script name comparator so 김정은 and Kim Jong Un are not a conflict). When ``actor`` is given,
    restricted (medical) properties it may not see are left out and counted in ``hidden``.

    Identity properties (IDENTITY_PROPERTIES) from a document rank just after self-declared ones unless their id
    is in ``settled_ids`` (statements of documents judged the bearer's): the headline is never a disputed name."""
    gone = set(retracted_ids)
    settled = frozenset(settled_ids)
    by_prop: dict[str, list[Statement]] = defaultdict(list)
    hidden = 0
    for s in statements:
        if s.id in gone:
            continue
        if actor is not None and not may_see_property(actor, s.prop):
            hidden += 1
            continue
        key = "alias" if s.alias and s.prop in NAME_PROPERTIES else s.prop
        by_prop[key].append(s)
    props: dict[str, ResolvedProperty] = {}
    conflicts: list[Conflict] = []
    for prop, items in sorted(by_prop.items()):
        items.sort(key=lambda s: _rank(s, settled))
        props[prop] = ResolvedProperty(prop, items[0], tuple(items))
        if prop in MULTI_VALUED:
            continue
        distinct: list[Statement] = []
        for s in items:
            if not any(same_value(prop, s.value, d.value) for d in distinct):
                distinct.append(s)
        if len(distinct) > 1:
            kind = "identity" if prop in NAME_PROPERTIES or prop in {"birth_date", "service_number"} else "value"
            conflicts.append(
                Conflict(prop, kind, tuple((d.value, d.source_kind, d.source_ref) for d in distinct))
            )
    return ResolvedView(props, tuple(conflicts), hidden)
