"""The one error tree of POW Bureau.

Every refusal is a ``PowBureauError`` subclass with a stable ``code`` and an HTTP status; the web app
renders them with one handler and the CLI prints ``error: <message>`` and exits non-zero."""

from __future__ import annotations


class PowBureauError(Exception):
    """Root of every error the bureau raises on purpose.

    ``message`` says what is wrong, where, and what to do; ``code`` is stable for API clients."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, details: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationFailed(PowBureauError):
    """Input that does not fit the expected form (a bad date, an unknown column, an over-long field)."""

    code = "validation_failed"
    http_status = 422


class NotFound(PowBureauError):
    """A person, list, user or other object that does not exist."""

    code = "not_found"
    http_status = 404


class PermissionDenied(PowBureauError):
    """The actor's role does not allow this action (see ``domain.roles``)."""

    code = "permission_denied"
    http_status = 403


class NotAuthenticated(PowBureauError):
    """No signed-in actor."""

    code = "not_authenticated"
    http_status = 401


class Conflict(PowBureauError):
    """The action conflicts with what is stored (a duplicate id, a file already imported)."""

    code = "conflict"
    http_status = 409


class DuplicateImport(Conflict):
    """A file with the same content hash was imported before."""

    code = "duplicate_import"


class IllegalTransition(PowBureauError):
    """A status or exchange state change that the life cycle does not allow."""

    code = "illegal_transition"
    http_status = 409


class RefoulementRefused(PowBureauError):
    """A person whose latest wish is not a verified ``return`` may not be listed for handover
    (non-refoulement; GC III Art. 109(3))."""

    code = "refoulement_refused"
    http_status = 409


class ConsentChanged(RefoulementRefused):
    """An agreed exchange may not be executed because the consent record of someone on it (his wishes, their
    verification, or the records accepted as the same person) changed since agreement: agree again first."""

    code = "consent_changed"


class AuditChainBroken(PowBureauError):
    """The hash chain of the audit log does not verify."""

    code = "audit_chain_broken"
    http_status = 500


class VerificationRefused(PowBureauError):
    """A wish verification that the rules do not allow: not an ICRC delegate, not a private interview, an
    interpreter supplied by an interested party, another person's interview (GC III Art. 109(3), ICRC practice)."""

    code = "verification_refused"
    http_status = 409


class NotOnList(PowBureauError):
    """An execution record or a list operation names a person or a list row that is not on the exchange's list."""

    code = "not_on_list"
    http_status = 422


class SignatureInvalid(PowBureauError):
    """A signed export whose signature is missing, malformed, made by another key, or no longer matches the file
    (the file was changed after signing; GC III Art. 122(8): written communications are authenticated)."""

    code = "signature_invalid"
    http_status = 422


class StoreUnavailable(PowBureauError):
    """The database named by ``POWBUREAU_DB`` cannot be opened or is not a POW Bureau database."""

    code = "store_unavailable"
    http_status = 503


class Busy(PowBureauError):
    """The database is held by another long operation (an import, a migration) past the busy timeout; nothing
    was written and the same request may simply be sent again after ``retry_after`` seconds."""

    code = "busy"
    http_status = 503

    def __init__(self, message: str, *, retry_after: int = 5, details: object | None = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = retry_after


class AccountDisabled(NotAuthenticated):
    """A user an administrator has disabled (``powbureau user disable NAME``): no sign-in, no session."""

    code = "account_disabled"


class TooManyAttempts(PowBureauError):
    """Too many failed sign-ins for this user name or from this address; ``retry_after`` says in how many
    seconds to try again (sent as the ``Retry-After`` header; OWASP Authentication Cheat Sheet)."""

    code = "too_many_attempts"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after
