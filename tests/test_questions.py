"""Every question's check: the reference answer passes, each recorded misconception gets its own message,
a stub is "not attempted", and nonsense is refused with an explanation instead of an exception."""

import math

import pytest

from kettutor.teach import bank
from kettutor.teach.exercise import export_for_grader, judge_export
from kettutor.teach.questions import Choice

ALL = {**bank.self_checks(), **bank.exercises()}


def test_ids_follow_the_convention():
    for question_id in bank.self_checks():
        assert __import__("re").fullmatch(r"L\d\d\.[sp]\d+", question_id), question_id
    for question_id in bank.exercises():
        assert __import__("re").fullmatch(r"L\d\d\.q\d+", question_id), question_id


@pytest.mark.parametrize("question_id", sorted(ALL))
def test_reference_answer_is_correct(question_id):
    question = ALL[question_id]
    feedback = question.check(question.reference_answer())
    assert feedback.outcome == "correct", feedback


@pytest.mark.parametrize("question_id", sorted(ALL))
def test_stub_is_not_attempted(question_id):
    question = ALL[question_id]
    assert question.check(...).outcome == "not attempted"
    assert question.check(None).outcome == "not attempted"


@pytest.mark.parametrize("question_id", sorted(ALL))
def test_each_misconception_is_named_with_its_own_message(question_id):
    question = ALL[question_id]
    examples = question.wrong_examples()
    assert examples, f"{question_id} records no misconception"
    messages = set()
    for answer, misconception in examples:
        feedback = question.check(answer)
        assert feedback.outcome == "incorrect", (misconception, feedback)
        assert feedback.misconception == misconception, (answer, feedback)
        assert feedback.message
        messages.add(feedback.message)
    assert len(messages) == len(examples), f"{question_id}: two misconceptions share a message"


@pytest.mark.parametrize("question_id", sorted(ALL))
@pytest.mark.parametrize("nonsense", ["banana", float("nan"), -1e300, [1, 2], {"a": 1}, object()])
def test_nonsense_is_incorrect_with_a_message(question_id, nonsense):
    feedback = ALL[question_id].check(nonsense)
    assert feedback.outcome == "incorrect" and feedback.message


@pytest.mark.parametrize("question_id", sorted(bank.exercises()))
def test_grader_export_and_judge_agree_with_the_notebook_check(question_id):
    """The grader judges exported plain data in its own process and must reach the notebook's verdict."""
    import json

    question = bank.exercises()[question_id]
    for answer in [question.reference_answer(), *(a for a, _ in question.wrong_examples()), ...]:
        record = json.loads(export_for_grader(question_id, lambda answer=answer: answer))
        assert judge_export(question_id, record).outcome == question.check(answer).outcome


def test_a_name_never_defined_is_not_attempted_for_the_grader():
    import json

    question_id = sorted(bank.exercises())[0]
    record = json.loads(export_for_grader(question_id, lambda: undefined_name))  # noqa: F821
    assert record == {"status": "not attempted"}


def test_choice_options_name_their_misconceptions():
    for question in ALL.values():
        if isinstance(question, Choice):
            wrong = [o for o in question.options if o.key != question.answer]
            assert wrong and all(o.misconception and o.feedback for o in wrong), question.id
