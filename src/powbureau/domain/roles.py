"""Roles and permissions: the one place that says who may do what.

Every service call names an action; ``require(actor, action)`` is the single check. Field-level access
(medical statements only for medical roles) is decided here too (GC III Art. 30-31 medical confidentiality)."""

from __future__ import annotations

from .messages import Msg
from dataclasses import dataclass

from .errors import PermissionDenied

ROLES: tuple[str, ...] = (
    "admin",
    "registrar",
    "interviewer",
    "medical",
    "negotiator",
    "auditor",
    "icrc_delegate",
)

#: Properties whose statements are medical details: visible only to roles with ``medical.read``.
RESTRICTED_PROPERTIES: frozenset[str] = frozenset(
    {"medical_condition", "medical_note", "wound", "diagnosis", "treatment", "seriously_ill"}
)

#: action -> roles allowed. Actions are verbs on the bureau's objects.
PERMISSIONS: dict[str, frozenset[str]] = {
    "person.read": frozenset(ROLES),
    "person.write": frozenset({"admin", "registrar"}),
    "list.import": frozenset({"admin", "registrar"}),
    "status.change": frozenset({"admin", "registrar"}),
    "medical.read": frozenset({"medical"}),
    "medical.write": frozenset({"medical"}),
    "interview.write": frozenset({"admin", "registrar", "interviewer", "medical", "icrc_delegate"}),
    "interview.read": frozenset({"admin", "registrar", "interviewer", "medical", "icrc_delegate", "auditor"}),
    "interpreter.manage": frozenset({"admin", "registrar", "icrc_delegate"}),
    "custody.record": frozenset({"admin", "registrar"}),
    "wish.write": frozenset({"interviewer", "icrc_delegate", "registrar"}),
    "wish.verify": frozenset({"icrc_delegate"}),
    # Not the negotiator: he talks to the counterpart and learns only "eligible" / "not eligible: no verified
    # consent to return" (domain/disclosure.py); a wish is never disclosed to the Power on which the person depends.
    "wish.read": frozenset({"admin", "registrar", "interviewer", "icrc_delegate", "auditor"}),
    # Wish and icrc_private interviews: held and read by the wish.read roles that may write interviews, never by
    # the medical role (a wish is not taken by medical staff; its interview is not theirs to read).
    "wish_interview.write": frozenset({"admin", "registrar", "interviewer", "icrc_delegate"}),
    "wish_interview.read": frozenset({"admin", "registrar", "interviewer", "icrc_delegate", "auditor"}),
    "exchange.read": frozenset({"admin", "negotiator", "registrar", "auditor", "icrc_delegate"}),
    "exchange.write": frozenset({"admin", "negotiator"}),
    # Documents found on a person (GC III Art. 17-18): recorded and judged by the registry; anyone who may read a
    # person sees them; the scan (a picture of another man's papers, perhaps) only where the work needs it.
    "document.write": frozenset({"admin", "registrar"}),
    "document.judge": frozenset({"admin", "registrar"}),
    "document.scan.read": frozenset({"admin", "registrar", "icrc_delegate", "auditor"}),
    "linkage.run": frozenset({"admin", "registrar"}),
    "review.decide": frozenset({"admin", "registrar"}),
    "review.read": frozenset({"admin", "registrar", "auditor", "negotiator"}),
    "notify.read": frozenset({"admin", "registrar", "auditor"}),
    "notify.export": frozenset({"admin", "registrar"}),
    # Enquiries (GC III Art. 122(7), 123): taken and matched by the registry, read by the auditor and the ICRC;
    # answered by the registry only (an answer discloses, so the disclosure rule in domain/enquiry.py applies).
    "enquiry.write": frozenset({"admin", "registrar"}),
    "enquiry.read": frozenset({"admin", "registrar", "auditor", "icrc_delegate"}),
    "enquiry.judge": frozenset({"admin", "registrar"}),
    "enquiry.answer": frozenset({"admin", "registrar"}),
    "audit.read": frozenset({"admin", "auditor"}),
    "user.manage": frozenset({"admin"}),
    # Each user sets his own settings (the language of his pages); nobody sets another's.
    "profile.write": frozenset(ROLES),
}


@dataclass(frozen=True)
class Actor:
    """An authenticated user acting on the bureau: ``name`` (unique login) and ``role`` (one of ROLES)."""

    name: str
    role: str

    def can(self, action: str) -> bool:
        """True when this actor's role is allowed ``action`` (a key of PERMISSIONS)."""
        return self.role in PERMISSIONS.get(action, frozenset())


def require(actor: Actor | None, action: str) -> Actor:
    """Return ``actor`` when it may perform ``action``; raise ``PermissionDenied`` otherwise.

    Raises ``KeyError`` for an action that is not in PERMISSIONS (a programming error, not user input)."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    if actor is None or not actor.can(action):
        who = Msg("{name} ({role})", name=actor.name, role=actor.role) if actor else Msg("an anonymous user")
        raise PermissionDenied(Msg("{who} may not {permission}; ask an administrator for a role that may", who=who,
                                   permission=action))
    return actor


def may_see_property(actor: Actor, prop: str) -> bool:
    """Field-level access: restricted (medical) properties only for roles with ``medical.read``."""
    return prop not in RESTRICTED_PROPERTIES or actor.can("medical.read")


def may_see_wishes(actor: Actor | None) -> bool:
    """Field-level access to consent: True when ``actor`` may read a wish's kind, its interviews and its delegate
    (``wish.read``). Everyone else — the negotiator first, who deals with the counterpart — sees only what
    ``domain.disclosure`` lets through (GC III Art. 109(3); a wish is never disclosed to the serving power)."""
    return actor is not None and actor.can("wish.read")


def check_role(role: str) -> str:
    """Return ``role`` if it is known; raise ``ValidationFailed`` naming the known roles otherwise."""
    from .errors import ValidationFailed

    if role not in ROLES:
        raise ValidationFailed(Msg("unknown role {role!r}; choose one of: {items}", role=role, items=', '.join(ROLES)))
    return role
