"""Explanations: every score says, per field, the level, both values and the evidence in bits."""

from __future__ import annotations

from powbureau.linkage import CandidatePair, LinkRecord, dedupe, reconcile
from powbureau.linkage.dedupe import LAZY


def test_pair_explanation_names_each_field_with_values_and_weights(background):
    recs = background + [
        LinkRecord("x1", ("Kovalchuk Bohdan",), "1985-04-03", "UA5550001", unit="unit 3", birth_place="Lviv"),
        LinkRecord("x2", ("KOVALCHUK BOHDAN",), (1985, None, None), "UA5550002", unit="unit 3", birth_place="Lviv"),
    ]
    pair = next(p for p in dedupe(recs) if {p.left, p.right} == {"x1", "x2"})
    fields = {e.field: e for e in pair.evidence}
    assert set(fields) == {"name", "birth", "service_number", "rank", "unit", "father", "place"}
    assert fields["birth"].level == "same year or compatible"
    assert {fields["birth"].left, fields["birth"].right} == {"1985-04-03", "1985"}
    assert fields["service_number"].level == "one edit apart"
    assert fields["name"].weight > 0 and fields["rank"].level == "missing" and fields["rank"].weight == 0
    assert "service number: one edit apart (UA5550001 | UA5550002)" in pair.explanation
    assert "missing: rank, father" in pair.explanation
    assert abs(sum(e.weight for e in pair.evidence) - (pair.weight - _prior_bits(pair))) < 0.01


def _prior_bits(pair):
    # weight = prior + sum of field weights; the prior is the same for every pair of one run
    return pair.weight - sum(e.weight for e in pair.evidence)


def test_cross_script_row_explains_name_rule(background):
    reg = background + [LinkRecord("k1", ("김혁찬",), "1998-02-11", "KP7654321")]
    (row,) = reconcile([LinkRecord("L1", ("Kim Hyok-chan",), (1998, None, None), "KP7654321")], reg)
    assert row.status == "matched" and row.person_id == "k1"
    assert "김혁찬" in row.explanation and "Kim Hyok-chan" in row.explanation
    assert "service number: exact" in row.explanation
    assert "birth date: same year or compatible (1998 | 1998-02-11)" in row.explanation


def test_explanation_built_on_first_read_gives_the_same_words_and_clustering_facts(background):
    recs = background + [
        LinkRecord("x1", ("Kovalchuk Bohdan",), "1985-04-03", "UA5550001", unit="unit 3", birth_place="Lviv"),
        LinkRecord("x2", ("KOVALCHUK BOHDAN",), "1991-04-03", "UA5550001", unit="unit 3", birth_place="Lviv"),
    ]
    pairs = dedupe(recs)
    pair = next(p for p in pairs if {p.left, p.right} == {"x1", "x2"})
    assert pair.__dict__["evidence"] is LAZY  # nothing built by dedupe itself
    # the facts clustering reads come from the scoring, before any words exist ...
    lazy_facts = (pair.identifier_agrees, pair.score_without_name, pair.may_cluster)
    moved = pair.with_decision("review")
    assert moved.decision == "review" and moved.__dict__["evidence"] is LAZY
    assert lazy_facts[0] is True and lazy_facts[2] is True  # same number outweighs the contradicting births
    # ... and equal what the built evidence says
    assert "service number: exact (UA5550001 | UA5550001)" in pair.explanation
    assert pair.__dict__["evidence"] is not LAZY
    built = CandidatePair(pair.left, pair.right, pair.score, pair.weight, pair.decision, pair.explanation,
                          pair.evidence, pair.birth_contradicts, pair.initial_only)
    assert (built.identifier_agrees, built.score_without_name, built.may_cluster) == lazy_facts
    assert moved.explanation == pair.explanation and moved.evidence == pair.evidence
