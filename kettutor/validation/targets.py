"""The registry of validation targets: the 10 facts of ketamine-pkpd.md, the 21 phenomena of PHENOMENA.md and
the numbered items of issue 9, each with its source, regimen, accepted range and evidence label.

``TARGETS`` is the one list both the tests (``tests/test_science_targets.py``) and the generated report
(``docs/validation.md``) use. :class:`Target`, :class:`TargetResult` and :func:`evaluate` live in
:mod:`kettutor.validation.target` and are re-exported here.
"""

from __future__ import annotations

from . import antidepressant, audit, dependence, pk_acute, protocols, sensitization, tolerance
from .target import EVIDENCE, GROUPS, Target, TargetResult, evaluate, evaluate_all

TARGETS: tuple[Target, ...] = (
    *pk_acute.TARGETS,
    *tolerance.TARGETS,
    *sensitization.TARGETS,
    *antidepressant.TARGETS,
    *dependence.TARGETS,
    *protocols.TARGETS,
    *audit.TARGETS,
)

__all__ = ["EVIDENCE", "GROUPS", "TARGETS", "Target", "TargetResult", "evaluate", "evaluate_all"]
