"""A list file uploaded on the web, kept in a private temporary folder between the preview and the import.

Each upload gets a folder named by a random token under ``POWBUREAU_UPLOAD_DIR`` (default a 0700 folder in the
system's temporary directory); ``meta.json`` records who uploaded it, so only that user may preview, import or
download its rejects file. Folders older than a day are removed when the next upload arrives."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from ..domain.errors import NotFound, ValidationFailed
from ..domain.messages import Msg

MAX_AGE = 24 * 3600  # seconds an upload and its rejects file are kept
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
CHUNK = 1024 * 1024


def root() -> Path:
    """The folder of staged uploads (created 0700): ``POWBUREAU_UPLOAD_DIR`` or ``<tmp>/powbureau-imports-<uid>``."""
    raw = os.environ.get("POWBUREAU_UPLOAD_DIR", "").strip()
    base = Path(raw) if raw else Path(tempfile.gettempdir()) / f"powbureau-imports-{os.getuid()}"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    return base


def safe_name(filename: str | None) -> str:
    """The uploaded file's own name without any folder, reduced to letters, digits, ``. _ - ( )`` and spaces."""
    name = Path((filename or "").replace("\\", "/")).name.strip()
    name = re.sub(r"[^\w.\-() ]", "_", name)[-120:].lstrip(".")
    return name or "list.csv"


def _sweep(base: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for d in base.iterdir():
        try:
            if d.is_dir() and d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            continue


async def stage(upload, owner: str, limit: int) -> tuple[str, Path]:  # noqa: ANN001
    """Copy ``upload`` (a Starlette ``UploadFile``) into a new folder owned by ``owner``; returns (token, path).
    Raises ``ValidationFailed`` for no file, an empty one or one over ``limit`` bytes."""
    if upload is None or not getattr(upload, "filename", ""):
        raise ValidationFailed(Msg("choose a list file (CSV, XLSX or JSON) to upload"))
    base = root()
    _sweep(base)
    token = secrets.token_urlsafe(24)
    folder = base / token
    folder.mkdir(mode=0o700)
    path = folder / safe_name(upload.filename)
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                shutil.rmtree(folder, ignore_errors=True)
                raise ValidationFailed(Msg("the file is larger than {limit} bytes; split the list", limit=limit))
            out.write(chunk)
    if size == 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise ValidationFailed(Msg("{file}: the file is empty — export the list again", file=path.name))
    (folder / "meta.json").write_text(json.dumps({"owner": owner, "file": path.name}), encoding="utf-8")
    return token, path


def folder_of(token: str, owner: str) -> Path:
    """The folder of upload ``token`` when ``owner`` staged it; raises ``NotFound`` otherwise (also when it
    expired), so one user never sees another's upload."""
    folder = root() / token if TOKEN.match(token or "") else None
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8")) if folder else None
    except (OSError, ValueError):
        meta = None
    if not meta or meta.get("owner") != owner:
        raise NotFound(Msg("this upload is gone (uploads are kept for a day, for the user who sent them); "
                       "upload the file again"))
    return folder


def upload_path(token: str, owner: str) -> Path:
    """The staged list file of upload ``token`` (see :func:`folder_of`)."""
    folder = folder_of(token, owner)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    path = folder / meta["file"]
    if not path.is_file():
        raise NotFound(Msg("this upload was already imported; upload the file again to import another list"))
    return path


def rejects_path(token: str, owner: str) -> Path:
    """Where the import of upload ``token`` writes (and the download reads) its rejects file."""
    return folder_of(token, owner) / "rejects.csv"
