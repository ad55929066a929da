"""The given-name equivalents and diminutives table, indexed by skeleton.

Loaded once from ``data/given_names.tsv`` (source in ``data/README.md``); every form of any script is
indexed by its Latin skeleton, so Олександр, Oleksandr, Aleksandr and Alexander all find group 'alexander'."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .latin import latinize, skeleton


@dataclass(frozen=True)
class NameGroup:
    """One membership of a form in a group: ``group`` id, ``gender`` m/f, ``kind`` full/dim."""

    group: str
    gender: str
    kind: str


_NONE: frozenset[NameGroup] = frozenset()


class GivenNames:
    """Given-name groups keyed by skeleton; ``lookup('Sasha')`` -> {alexander/dim, alexandra/dim}."""

    def __init__(self) -> None:
        self.by_skel: dict[str, set[NameGroup]] = {}
        self.forms: set[str] = set()
        self.initials: dict[str, set[str]] = {}
        text = resources.files("powbureau.names").joinpath("data/given_names.tsv").read_text("utf-8")
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            group, gender, kind, forms = line.split("\t")
            for form in forms.split(","):
                form = form.strip()
                if form:
                    lat = latinize(form)
                    self.forms.add(lat)
                    if lat:
                        self.initials.setdefault(group, set()).add(lat[0])
                    key = skeleton(lat)
                    if key:
                        self.by_skel.setdefault(key, set()).add(NameGroup(group, gender, kind))
        self._frozen: dict[str, frozenset[NameGroup]] = {k: frozenset(v) for k, v in self.by_skel.items()}

    def fits_initial(self, groups: frozenset[NameGroup], letter: str) -> bool:
        """True when some form of one of ``groups`` starts with ``letter`` (A. for Oleksandr/Aleksandr)."""
        return any(letter in self.initials.get(g.group, ()) for g in groups)

    def is_form(self, latin: str) -> bool:
        """True when a lower-case ASCII token is written exactly as a form in the table (Sergei, Anna)."""
        return latin in self.forms

    def lookup(self, skel: str) -> frozenset[NameGroup]:
        """The groups a skeleton belongs to; empty when it is not in the table."""
        return self._frozen.get(skel, _NONE)


@lru_cache(maxsize=1)
def given_names() -> GivenNames:
    """The packaged given-name table, loaded once."""
    return GivenNames()
