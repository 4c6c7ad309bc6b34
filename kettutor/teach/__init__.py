"""The teaching layer: questions with instant feedback, lesson self-checks, graded-exercise checks, topics.

Lessons call :func:`quiz` (a self-check widget) or :func:`self_check` (one line); exercise notebooks call
:func:`check` and :func:`hint`; nbgrader's hidden tests call :func:`assert_answer`. Every question lives in
``kettutor.teach.bank`` with its reference answer and the misconceptions its feedback names.

>>> from kettutor import teach
>>> teach.self_check("L01.s1", "b").outcome
'correct'
"""

from .exercise import assert_answer, check, hint
from .feedback import CORRECT, INCORRECT, NOT_ATTEMPTED, Feedback
from .selfcheck import predict, quiz, self_check
from .topics import TOPICS

__all__ = [
    "CORRECT",
    "INCORRECT",
    "NOT_ATTEMPTED",
    "Feedback",
    "TOPICS",
    "assert_answer",
    "check",
    "hint",
    "predict",
    "quiz",
    "self_check",
]
