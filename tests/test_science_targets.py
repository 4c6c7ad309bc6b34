"""The published targets (kettutor/validation): facts 1-10 of ketamine-pkpd.md, phenomena K1-K5, T1-T6, S1-S3,
E1-E3, P1-P5 of PHENOMENA.md and the numbered items of issue 9, each at 50 and 110 kg.

One test per target (its id is the pytest id). The committed docs/validation.md and docs/parameters.md
are built from the same, already evaluated, list and must be in sync with it. Evaluation is cached, so each
target is simulated once per session.
"""

import math
import re
from pathlib import Path

import pytest

from kettutor.validation import EVIDENCE, GROUPS, TARGETS, evaluate, evaluate_all, report

ROOT = Path(__file__).resolve().parents[1]

MAX_KNOWN_LIMITATIONS = 3
CORE_PHENOMENA = re.compile(r"\b(?:S[1-3]|T[1-5]|K[1-4])\b")  # may never be marked as known limitations


def _marks(target):
    if target.known_limitation:
        return [pytest.mark.xfail(reason=target.known_limitation, strict=True)]
    return []


@pytest.mark.parametrize("target", [pytest.param(t, id=t.id, marks=_marks(t)) for t in TARGETS])
def test_target(target):
    result = evaluate(target)
    assert result.error is None, f"{target.id}: the measure raised {result.error}"
    assert result.passed, report.describe(result)


def test_known_limitations_are_few_and_spare_the_core_phenomena():
    limited = [t for t in TARGETS if t.known_limitation]
    assert len(limited) <= MAX_KNOWN_LIMITATIONS, [t.id for t in limited]
    core = [t.id for t in limited if CORE_PHENOMENA.search(t.phenomenon)]
    assert not core, f"S1-S3, T1-T5 and K1-K4 may not be known limitations: {core}"


def test_every_target_is_cited_labelled_and_uniquely_named():
    ids = [t.id for t in TARGETS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for target in TARGETS:
        assert target.source.strip() and target.claim.strip() and target.published.strip(), target.id
        assert target.evidence in EVIDENCE and target.group in GROUPS, target.id
        assert target.low <= target.high and not (math.isinf(target.low) and math.isinf(target.high)), target.id


@pytest.mark.parametrize(
    "label",
    [f"fact {n}" for n in range(1, 11)]
    + ["K1", "K2", "K3", "K4", "K5", "T1", "T2", "T3", "T4", "T5", "T6", "S1", "S2", "S3", "E1", "E2", "E3"]
    + ["P1", "P2", "P3", "P4", "P5"]
    + [f"issue item {n}" for n in range(1, 13)],
)
def test_every_fact_phenomenon_and_issue_item_has_a_target(label):
    """Each of the 10 facts, 21 phenomena and 12 issue items is named by at least one target."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(label)}(?![\d])")
    assert any(pattern.search(t.phenomenon) for t in TARGETS), label


@pytest.fixture(scope="module")
def results():
    return evaluate_all(TARGETS)  # cached: the per-target tests have evaluated these already


def test_committed_reports_are_in_sync_with_the_targets(results):
    stale = report.stale_files(results, ROOT / "docs")
    assert not stale, f"{stale} out of date: run python -m kettutor.validation and commit the result"


def test_report_counts_every_target_once(results):
    text = report.render_validation(results)
    for target in TARGETS:
        assert text.count(f"| `{target.id}`") == 1, target.id  # one table row each (limitations are also listed)
    assert report.summary(results) in text


@pytest.mark.parametrize(
    "source, expected",
    [
        ("illustrative calibration: T1 (daily dosing for two weeks)", "illustrative"),
        ("calibrated (scripts/calibrate.py): oral Tmax 0.96 h (Chong et al. 2006)", "calibrated"),
        ("analogue: morphine tolerance t1/2 26 h (Ekblom et al. 1993)", "analogue (another drug)"),
        ("Domino k10 rescaled to CL 79 L/h, Kamp et al. 2020", "derived"),
        ("typical = 1", "definition"),
        ("Yanagihara et al. 2003 Biopharm Drug Dispos 24:37", "measured / published"),
    ],
)
def test_parameter_evidence_is_read_from_the_source(source, expected):
    assert report.parameter_evidence(source) == expected
