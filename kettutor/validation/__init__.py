"""Validation of the default model against the literature, and the report generated from it.

``python -m kettutor.validation`` evaluates every target in :data:`TARGETS` at each of its body weights and
writes ``docs/validation.md`` (with charts under ``docs/validation/``) and ``docs/parameters.md``;
``--check`` only compares the committed files with what would be written.
"""

from .targets import EVIDENCE, GROUPS, TARGETS, Target, TargetResult, evaluate, evaluate_all

__all__ = ["EVIDENCE", "GROUPS", "TARGETS", "Target", "TargetResult", "evaluate", "evaluate_all"]
