"""Record linkage: dedupe the registry and reconcile counterpart lists against it.

Blocking on cross-script name keys, birth year and service number; comparison vectors; a Fellegi–Sunter model
with m/u estimated from the data; per-field explanations; clusters that never chain contradictory births."""

from powbureau.linkage.cluster import cluster
from powbureau.linkage.dedupe import CandidatePair, dedupe
from powbureau.linkage.engine import prepare_registry
from powbureau.linkage.explain import FieldEvidence
from powbureau.linkage.model import FSModel
from powbureau.linkage.reconcile import Candidate, ReconcileRow, reconcile
from powbureau.linkage.records import LinkRecord
from powbureau.linkage.settings import LinkSettings

__all__ = ["Candidate", "CandidatePair", "FSModel", "FieldEvidence", "LinkRecord", "LinkSettings", "ReconcileRow",
           "cluster", "dedupe", "prepare_registry", "reconcile"]
