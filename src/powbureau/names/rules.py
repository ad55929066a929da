"""Ordered rewrite rules (regex, replacement) applied with a cheap guard: a rule whose pattern is a plain
alternation of letters (``sh|sch``) or one character class (``[yj]``) runs only when one of its literals
occurs in the text, so a short token pays for the few rules that can match instead of every ``re.sub``.
The result is exactly that of running every rule in order (a skipped rule could not have matched)."""

from __future__ import annotations

import re

_LITERALS = re.compile(r"[A-Za-z]+(?:\|[A-Za-z]+)*")
_CLASS = re.compile(r"\[([A-Za-z]+)\]")

Rule = tuple[re.Pattern[str], str, tuple[str, ...] | None]


def compile_rules(rules: list[tuple[re.Pattern[str], str]]) -> list[Rule]:
    """The rules with their guards: the literals one of which any match must contain, or None (always run)."""
    out: list[Rule] = []
    for rx, rep in rules:
        pat = rx.pattern
        guard: tuple[str, ...] | None = None
        if _LITERALS.fullmatch(pat):
            guard = tuple(pat.split("|"))
        elif m := _CLASS.fullmatch(pat):
            guard = tuple(m.group(1))
        out.append((rx, rep, guard))
    return out


def apply_rules(rules: list[Rule], s: str) -> str:
    """``s`` after every rule in order (same result as ``rx.sub(rep, s)`` for each rule)."""
    for rx, rep, guard in rules:
        if guard is None or any(g in s for g in guard):
            s = rx.sub(rep, s)
    return s
