"""The memo caches of the name matcher: how many parsed names they hold, and emptying them.

Every pure per-name, per-token and per-pair function of ``powbureau.names`` keeps an ``lru_cache``; the
packaged tables (surnames, given names, Sino-Korean readings) are loaded once and never dropped. A long
stream of new names (``names score-pairs`` over a million pairs) empties the caches now and then so that
memory stays flat (``io.name_pairs``)."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache


@lru_cache(maxsize=1)
def _cached_functions() -> tuple:
    pkg = importlib.import_module("powbureau.names")
    out = []
    for info in pkgutil.iter_modules(pkg.__path__):
        mod = importlib.import_module(f"powbureau.names.{info.name}")
        for fn in vars(mod).values():
            if hasattr(fn, "cache_clear") and hasattr(fn, "cache_info") and fn.cache_info().maxsize != 1:
                out.append(fn)
    return tuple(dict.fromkeys(out))


def clear_caches() -> None:
    """Empty every cache of ``powbureau.names`` except the table loaders (results stay the same; only
    speed on repeated names is lost until the caches fill again)."""
    for fn in _cached_functions():
        fn.cache_clear()


def parsed_names_cached() -> int:
    """How many parsed names the parse cache holds now (a measure of the caches' memory)."""
    from .parse import parse_name

    return parse_name.cache_info().currsize
