"""The public API of powbureau.linkage: its names, determinism, purity and refusals of bad input."""

from __future__ import annotations

import subprocess
import sys

import pytest

import powbureau.linkage as linkage
from powbureau.domain.errors import ValidationFailed
from powbureau.linkage import LinkRecord, LinkSettings, dedupe, reconcile

from .conftest import population


def test_public_api_is_pinned():
    assert sorted(linkage.__all__) == ["Candidate", "CandidatePair", "FSModel", "FieldEvidence", "LinkRecord",
                                       "LinkSettings", "ReconcileRow", "cluster", "dedupe", "prepare_registry",
                                       "reconcile"]


def test_runs_are_deterministic():
    recs, _ = population(300, seed=9)
    a = dedupe(recs)
    b = dedupe(list(recs))
    assert [(p.left, p.right, p.score, p.decision, p.explanation) for p in a] == \
        [(p.left, p.right, p.score, p.decision, p.explanation) for p in b]
    lst = [LinkRecord(f"L{k}", r.names, r.birth, r.service_number) for k, r in enumerate(recs[:40])]
    assert reconcile(lst, recs) == reconcile(lst, recs)


def test_bad_input_is_refused_with_a_clear_message():
    reg = [LinkRecord("p1", ("Melnyk Ivan",), "1990-01-02")]
    with pytest.raises(ValidationFailed, match="empty"):
        reconcile([], reg)
    with pytest.raises(ValidationFailed, match="record 2 .*no name"):
        dedupe([LinkRecord("a", ("Melnyk Ivan",)), LinkRecord("b", ("  ",))])
    with pytest.raises(ValidationFailed, match="more than once"):
        reconcile([LinkRecord("x", ("A B",)), LinkRecord("x", ("C D",))], reg)
    with pytest.raises(ValidationFailed, match="not YYYY"):
        dedupe([LinkRecord("a", ("Melnyk Ivan",), "02/01/1990"), LinkRecord("b", ("Melnyk Ivan",))])
    with pytest.raises(ValidationFailed, match="unknown linkage setting"):
        LinkSettings.from_json('{"threshold": 0.5}')
    with pytest.raises(ValidationFailed, match="thresholds"):
        LinkSettings(review_threshold=0.95)


def test_reconcile_never_changes_its_inputs():
    recs, _ = population(100, seed=2)
    before = list(recs)
    lst = [LinkRecord("L1", recs[0].names, recs[0].birth)]
    reconcile(lst, recs)
    assert recs == before and lst[0] == LinkRecord("L1", recs[0].names, recs[0].birth)


def test_linkage_imports_no_framework():
    code = ("import sys, powbureau.linkage, powbureau.linkage.reconcile, powbureau.linkage.cluster;"
            "bad = [m for m in ('sqlalchemy', 'fastapi', 'typer', 'pyspark') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
