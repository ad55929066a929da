"""Consent as the services show it to actors who may not read wishes (the negotiator above all).

``redacted(shape)`` wraps a service function ``fn(uow, actor, ...)``: for such an actor its plain-data result
passes through ``shape`` and a ``RefoulementRefused`` it raises is re-worded; the wording is ``domain.disclosure``'s."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ..domain import disclosure
from ..domain.errors import ConsentChanged, RefoulementRefused
from ..domain.exchange import Check, Eligibility
from ..domain.roles import Actor, may_see_wishes
from .paging import Page

F = TypeVar("F", bound=Callable[..., Any])
#: Withdrawal reasons the bureau itself wrote before ``disclosure.WITHDRAWN`` existed (stored in old databases).
_LEGACY_REASONS = frozenset({"latest wish is no longer a verified return"})


def eligibility(row: dict) -> dict:
    """One eligibility row (``person_id``, ``eligible``, ``medical_priority``, ``checks``: [{code, passed, text,
    rule}], any other keys such as ``name``/``status``) with its checks as ``disclosure.for_negotiator`` allows."""
    e = Eligibility(row["person_id"], bool(row["eligible"]), bool(row["medical_priority"]),
                    tuple(Check(c["code"], bool(c["passed"]), c["text"], c["rule"]) for c in row.get("checks", ())))
    safe = disclosure.for_negotiator(e)
    return {**row, "eligible": safe.eligible, "medical_priority": safe.medical_priority,
            "checks": [{"code": c.code, "passed": c.passed, "text": c.text, "rule": c.rule} for c in safe.checks]}


def withdrawal_reason(actor: Actor | None, reason: str) -> str:
    """A withdrawal ``reason`` as ``actor`` may read it: unchanged for a reader of wishes; for anyone else a
    reason the bureau wrote about consent becomes ``disclosure.WITHDRAWN``, and one that names a wish kind is
    never passed on (GC III Art. 109(3))."""
    if may_see_wishes(actor):
        return reason
    if reason in _LEGACY_REASONS or "wish" in reason.casefold():
        return disclosure.WITHDRAWN
    return reason


def _same_page(rows: Iterable[dict], out: list[dict]) -> list[dict]:
    """``out`` as a ``paging.Page`` like ``rows`` when ``rows`` was one (the total survives redaction)."""
    if isinstance(rows, Page):
        return Page(out, total=rows.total, offset=rows.offset, limit=rows.limit)
    return out


def eligibility_rows(rows: Iterable[dict]) -> list[dict]:
    """``eligibility`` applied to each row (``services.exchanges.eligibility``'s result)."""
    return _same_page(rows, [eligibility(r) for r in rows])


def notices(rows: Iterable[dict], names: dict[str, str] | None = None) -> list[dict]:
    """Negotiator notices (``exchange_id``, ``person_id``, ``state``, ``message``, ...) with the message rebuilt
    from those fields alone (``disclosure.notice_message``): a stored message is never passed on."""
    out = []
    for n in rows:
        pid = n["person_id"]
        who = f"{names[pid]} ({pid})" if names and names.get(pid) else pid
        out.append({**n, "message": disclosure.notice_message(who, n.get("exchange_id") or "", n["state"])})
    return _same_page(rows, out)


def exchange(view: dict) -> dict:
    """An exchange view (``services.exchanges.exchange_view``) with the outgoing eligibilities, the bureau's own
    withdrawal reasons and the notices re-worded; lists, balance, history and reconciliation are unchanged."""
    names = {e["person_id"]: e.get("name") for e in [*view.get("outgoing", ()), *view.get("withdrawals", ())]}
    withdrawals = [{**w, "reason": disclosure.WITHDRAWN if w.get("reason") in _LEGACY_REASONS else w.get("reason")}
                   for w in view.get("withdrawals", ())]
    return {**view, "outgoing": eligibility_rows(view.get("outgoing", ())), "withdrawals": withdrawals,
            "notices": notices([{**n, "exchange_id": view["id"]} for n in view.get("notices", ())], names)}


def refusal(exc: RefoulementRefused) -> RefoulementRefused:
    """``exc`` re-worded for an actor who may not read wishes: the persons it names (from its ``details``, as
    ``services.exchanges._plain`` leaves them: dicts with ``person_id``, ``name`` and the eligibility) and
    ``disclosure.NOT_ELIGIBLE``; the details pass through ``eligibility``. The original message is dropped."""
    rows = [d for d in (exc.details if isinstance(exc.details, list) else [exc.details])
            if isinstance(d, dict) and "person_id" in d]
    who = [f"{d['name']} ({d['person_id']})" if d.get("name") else d["person_id"] for d in rows]
    details = [eligibility(d) if "checks" in d else {"person_id": d["person_id"], "name": d.get("name")}
               for d in rows]
    if isinstance(exc, ConsentChanged):  # says that something changed, never what
        return ConsentChanged(disclosure.changed_message(who), details=details or None)
    return RefoulementRefused(disclosure.refusal_message(who), details=details or None)


def redacted(shape: Callable[[Any], Any]) -> Callable[[F], F]:
    """Decorator for a service function taking ``actor``: when ``roles.may_see_wishes(actor)`` is False, its
    result goes through ``shape`` and a ``RefoulementRefused`` it raises through ``refusal``. Actors who may
    read wishes get the function unchanged (GC III Art. 109(3); never-rule b)."""

    def wrap(fn: F) -> F:
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            actor = sig.bind_partial(*args, **kwargs).arguments.get("actor")
            if may_see_wishes(actor):
                return fn(*args, **kwargs)
            try:
                result = fn(*args, **kwargs)
            except RefoulementRefused as exc:
                raise refusal(exc) from None
            return shape(result)

        return inner  # type: ignore[return-value]

    return wrap
