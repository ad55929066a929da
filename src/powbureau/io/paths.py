"""Output paths: check that a file can be written BEFORE an operation changes anything.

Every command that writes a report (rejects, reconcile output, exports, cards) asks here first, so a bad
``--out`` ends in a clear error and an unchanged database instead of a half-done operation."""

from __future__ import annotations

import os
from pathlib import Path

from ..domain.errors import ValidationFailed


def writable_file(path: Path | str, *, what: str = "output file") -> Path:
    """Return ``path`` when a file can be created or replaced there; raise ``ValidationFailed`` saying why not
    (a folder, a missing parent folder, no permission)."""
    p = Path(path)
    if p.is_dir():
        raise ValidationFailed(f"{what} {p} is a folder — give a file name inside it")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ValidationFailed(f"{what} {p}: the folder {parent} does not exist — create it or choose another path")
    if (p.exists() and not os.access(p, os.W_OK)) or not os.access(parent, os.W_OK | os.X_OK):
        raise ValidationFailed(f"{what} {p} cannot be written (permission denied) — choose another path")
    return p


def writable_dir(path: Path | str, *, what: str = "output folder") -> Path:
    """Return ``path`` as a folder that exists or can be created and written; raise ``ValidationFailed`` if not."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise ValidationFailed(f"{what} {p} is a file, not a folder — choose a folder")
    probe = p
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise ValidationFailed(f"{what} {p} cannot be created or written — choose another folder")
    return p
