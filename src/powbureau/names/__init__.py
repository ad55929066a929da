"""Names across scripts: Hangul, Cyrillic and Latin, parsed, keyed and compared.

Pure: no database, web or CLI imports, no I/O beyond the packaged tables in ``data/``. The public API
below is what the registry search and record linkage use; ``bench/names_eval.py`` measures it."""

from __future__ import annotations

from .compare import MATCH_THRESHOLD, NameComparison, PartResult, compare_names
from .keys import name_keys, token_keys, variants
from .parse import ParsedName, parse_name
from .scripts import detect_script, normalize

__all__ = [
    "MATCH_THRESHOLD",
    "NameComparison",
    "ParsedName",
    "PartResult",
    "compare_names",
    "detect_script",
    "name_keys",
    "normalize",
    "parse_name",
    "token_keys",
    "variants",
]
