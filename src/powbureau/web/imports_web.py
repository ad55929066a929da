"""Import a list on the web (issue 9, Build 3): upload, preview with column mapping, then the full error report or
the stored result with its rejects file.

Thin entry points over ``services.imports`` (which checks ``list.import``); the uploaded file waits in a private
temporary folder between the preview and the import (``web/uploads.py``), so the user chooses it only once. The
import is credited to the signed-in user. POST /imports may carry up to ``POWBUREAU_MAX_UPLOAD`` bytes
(``web/limits.py``); every other route keeps the app's normal body limit."""

from __future__ import annotations

import shutil
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response

from ..domain.errors import Conflict, ValidationFailed
from ..domain.messages import Msg
from ..domain.roles import Actor
from ..services import imports
from . import uploads
from .auth import current_actor
from .limits import max_upload
from .pages import render

router = APIRouter(include_in_schema=False)
ActorDep = Annotated[Actor, Depends(current_actor)]
PREVIEW_ROWS = 10


def _upload_page(request: Request, actor: Actor, *, error: str | None = None, kind: str = "detainees",
                 label: str = "", status: int = 200) -> Response:
    choices = imports.import_choices(actor)
    return render(request, "imports/upload.html", {"choices": choices, "error": error, "kind": kind,
                                                   "source_label": label, "max_upload": max_upload()}, status=status)


@router.get("/imports", response_class=HTMLResponse)
def upload_form(request: Request, actor: ActorDep) -> Response:
    """The upload form: the file, what it lists and a label (admin, registrar)."""
    return _upload_page(request, actor)


def _preview_page(request: Request, actor: Actor, token: str, kind: str, label: str, *,
                  mapping: dict[str, str] | None = None, chosen: dict[int, str] | None = None,
                  skip_invalid: bool = False, problem: str | None = None, details: list | None = None,
                  status: int = 200) -> Response:
    path = uploads.upload_path(token, actor.name)
    preview = imports.preview_import(request.app.state.bureau.uow, actor, path, kind, mapping=mapping,
                                     rows=PREVIEW_ROWS)
    # the header problems as the page words them: an unknown column's advice is its menu below, not --map
    known = {h["text"]: h for h in preview["header_problems"]}
    return render(request, "imports/preview.html", {
        "token": token, "kind": kind, "source_label": label, "p": preview, "chosen": chosen or {},
        "choices": imports.import_choices(actor), "skip_invalid": skip_invalid, "problem": problem,
        "header_problems": preview["header_problems"],
        "details": [known.get(d, {"code": "", "text": d}) for d in details or []],
    }, status=status)


@router.post("/imports", response_class=HTMLResponse)
async def upload(request: Request, actor: ActorDep, file: Annotated[UploadFile | None, File()] = None,
                 kind: Annotated[str, Form(max_length=32)] = "detainees",
                 label: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Keep the uploaded file for this user and show its preview: encoding, delimiter, the first rows and the
    column mapping (admin, registrar). An unreadable file re-shows the form with the reason."""
    imports.import_choices(actor)  # refuse other roles before anything is written to disk
    try:
        token, _path = await uploads.stage(file, actor.name, max_upload())
    except ValidationFailed as exc:
        return _upload_page(request, actor, error=exc.message, kind=kind, label=label, status=422)
    try:
        return _preview_page(request, actor, token, kind, label.strip())
    except ValidationFailed as exc:
        shutil.rmtree(uploads.folder_of(token, actor.name), ignore_errors=True)
        return _upload_page(request, actor, error=exc.message, kind=kind, label=label, status=422)


async def _mapping_from(request: Request, headers: list[str]) -> tuple[dict[str, str], dict[int, str]]:
    """The mapping form's choices (``map_<column number>``): the {header: property} pairs that differ from what
    the import detects by itself, and every choice by column number (to show the form again as sent)."""
    form = await request.form()
    mapping: dict[str, str] = {}
    chosen: dict[int, str] = {}
    for i, header in enumerate(headers):
        value = form.get(f"map_{i}")
        if isinstance(value, str) and value.strip():
            chosen[i] = value.strip()
            mapping[header] = value.strip()
    return mapping, chosen


@router.post("/imports/{token}", response_class=HTMLResponse)
async def confirm(request: Request, token: str, actor: ActorDep,
                  kind: Annotated[str, Form(max_length=32)], label: Annotated[str, Form(max_length=200)] = "",
                  skip_invalid: Annotated[bool, Form()] = False,
                  action: Annotated[str, Form(max_length=16)] = "import") -> Response:
    """Apply the column mapping: ``action=preview`` shows the preview again with it; ``import`` imports the file
    as the signed-in user. Errors show the full ``row N, column C`` report above the mapping form; success shows
    imported, rejected, the list id and (with skip-invalid) the rejects file to download."""
    path = uploads.upload_path(token, actor.name)
    headers = [c["header"] for c in imports.preview_import(request.app.state.bureau.uow, actor, path, kind,
                                                           rows=0)["columns"]]
    mapping, chosen = await _mapping_from(request, headers)
    label = label.strip()
    if action == "preview":
        try:
            return _preview_page(request, actor, token, kind, label, mapping=mapping, chosen=chosen,
                                 skip_invalid=skip_invalid)
        except ValidationFailed as exc:
            return _preview_page(request, actor, token, kind, label, chosen=chosen, skip_invalid=skip_invalid,
                                 problem=exc.message, status=422)
    opts = imports.ImportOptions(path=path, kind=kind, label=label or None, mapping=mapping or None,
                                 skip_invalid=skip_invalid, rejects_path=uploads.rejects_path(token, actor.name))
    try:
        summary = imports.import_list(request.app.state.bureau.uow, actor, opts)
    except (ValidationFailed, Conflict) as exc:
        details = exc.details if isinstance(exc.details, list) else []
        head = exc.message.splitlines()[0] if details else exc.message
        try:
            return _preview_page(request, actor, token, kind, label, mapping=mapping, chosen=chosen,
                                 skip_invalid=skip_invalid, problem=head, details=details, status=422)
        except ValidationFailed:  # the mapping itself is wrong: show the file as detected, with the reason
            return _preview_page(request, actor, token, kind, label, chosen=chosen, skip_invalid=skip_invalid,
                                 problem=head, details=details, status=422)
    path.unlink(missing_ok=True)  # imported: only the rejects file stays, for its download
    return render(request, "imports/result.html", {"s": summary, "token": token, "filename": path.name,
                                                   "kind": kind})


@router.get("/imports/{token}/rejects.csv")
def rejects(request: Request, token: str, actor: ActorDep) -> Response:
    """The rejects file of an import made with skip-invalid, for the user who made it (admin, registrar)."""
    imports.import_choices(actor)
    path = uploads.rejects_path(token, actor.name)
    if not path.is_file():
        raise ValidationFailed(Msg("this import rejected no row, so it has no rejects file"))
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename="rejects.csv")
