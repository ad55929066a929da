"""What an enquiry's answer would say before it is sent, and the reply letter after: as data and as PDF.

``domain.enquiry.disclose`` decides what the enquirer's channel may be told; the letter is built from the answer as
sent (``io.reply_letter``) in the enquirer's language, so a wish or a medical detail cannot reach it
(GC III Art. 122(7), 123; never-rule b)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from ..domain.enquiry import audience_of, disclose
from ..domain.errors import Conflict
from ..domain.roles import Actor, require
from ..io.reply_letter import ReplyLetter, build_letter, letter_pdf, main_sentence
from ..store import audit
from ..store.tables_enquiries import enquiry_answers
from ..store.uow import UnitOfWork
from . import enquiry_match as em
from .enquiries import _facts, _get


def preview_answer(uow: UnitOfWork, actor: Actor, enquiry_id: str) -> dict:
    """The answer as it would leave now, without sending it: ``{target, audience, answer, letter, withheld}``
    (``withheld``: property names left out, for the reviewer's eyes). ``enquiry.read``; raises ``NotFound``."""
    require(actor, "enquiry.read")
    with uow.read() as conn:
        row = _get(conn, enquiry_id)
        confirmed = [t for t, j in em.rejected_targets(conn, enquiry_id).items() if j == "confirmed"]
        target = confirmed[-1] if confirmed else None
        ans = disclose(row.channel, _facts(conn, target) if target else None)
    return {"target": target, "audience": audience_of(row.channel), "answer": ans.sent(),
            "letter": main_sentence(ans.sent(), row.language, json.loads(row.sought)["names"][0]),
            "withheld": list(ans.withheld)}


def _letter(conn, row, ans_row) -> ReplyLetter:  # noqa: ANN001
    enquirer = json.loads(row.enquirer)
    sought = json.loads(row.sought)
    return build_letter(json.loads(ans_row.content), language=row.language, enquirer_name=enquirer.get("name", ""),
                        sought="; ".join(sought.get("names", [])), reference=row.reference, ours=row.id,
                        received=row.received_at.date().isoformat(), dated=ans_row.answered_at.date().isoformat())


def _latest_answer(conn, enquiry_id: str):  # noqa: ANN001, ANN202
    ans = conn.execute(select(enquiry_answers).where(enquiry_answers.c.enquiry_id == enquiry_id)
                       .order_by(enquiry_answers.c.id.desc()).limit(1)).first()
    if ans is None:
        raise Conflict(f"enquiry {enquiry_id} has not been answered yet; answer it first (the letter is written "
                       "from the answer as sent)")
    return ans


def reply(uow: UnitOfWork, actor: Actor, enquiry_id: str) -> dict:
    """The latest reply as structured data: ``{enquiry_id, language, outcome, answered_at, answered_by, answer
    (as sent), letter (``ReplyLetter.as_dict``)}``. ``enquiry.read``; raises ``NotFound``, ``Conflict`` (not
    answered yet)."""
    require(actor, "enquiry.read")
    with uow.read() as conn:
        row = _get(conn, enquiry_id)
        ans = _latest_answer(conn, enquiry_id)
        letter = _letter(conn, row, ans)
    return {"enquiry_id": enquiry_id, "language": letter.language, "outcome": ans.outcome,
            "answered_at": ans.answered_at.isoformat(), "answered_by": ans.actor,
            "answer": json.loads(ans.content), "letter": letter.as_dict()}


def reply_pdf(uow: UnitOfWork, actor: Actor, enquiry_id: str) -> bytes:
    """The latest reply letter as PDF in the enquirer's language; the download is audited. ``enquiry.read``;
    raises ``NotFound``, ``Conflict`` (not answered yet)."""
    require(actor, "enquiry.read")
    with uow.read() as conn:
        row = _get(conn, enquiry_id)
        letter = _letter(conn, row, _latest_answer(conn, enquiry_id))
    pdf = letter_pdf(letter)
    with uow.transaction() as conn:
        audit.append(conn, actor=actor.name, action="enquiry.reply_download", target=enquiry_id,
                     detail={"language": letter.language, "at": datetime.now(UTC).isoformat()})
    return pdf
