"""The class report: per question, how the points were spread; across the class, the commonest misconceptions.

Charts are built with Altair and rendered to SVG by vl-convert inside the HTML file, so the report opens
offline and can be mailed or archived as one file. Each question's chart is a ``<figure>`` with
``data-question="<id>"``.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from pathlib import Path

import altair as alt
import pandas as pd

from ..teach.charts import PALETTE
from ..teach import bank
from ..teach.feedback import CORRECT, INCORRECT, NOT_ATTEMPTED
from .core import GradingResult
from .judge import MISSING
from .output import number, write_atomic

OUTCOMES = (CORRECT, INCORRECT, NOT_ATTEMPTED)
OUTCOME_COLOURS = (PALETTE[2], PALETTE[3], PALETTE[5])  # the same colours as the notebook's feedback
TOP_MISCONCEPTIONS = 15


def _count_axis(largest: int) -> alt.Axis:
    """Whole-number ticks for a count of students."""
    step = max(1, math.ceil(largest / 8))
    return alt.Axis(values=list(range(0, largest + step, step)), format="d")


def _svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=vl_version_for_vl_convert())


def question_table(result: GradingResult, question_id: str) -> pd.DataFrame:
    """Students by points earned and outcome on one question (rows of notebooks that were submitted)."""
    records = [
        {"points": number(row.scores[question_id]), "outcome": row.feedback[question_id].outcome}
        for row in result.rows
        if question_id in row.scores and row.status != MISSING
    ]
    frame = pd.DataFrame(records, columns=["points", "outcome"])
    return frame.groupby(["points", "outcome"], as_index=False).size().rename(columns={"size": "students"})


def question_chart(result: GradingResult, question_id: str) -> alt.Chart:
    question = bank.find(question_id, "exercise")
    table = question_table(result, question_id)
    order = sorted({number(0), number(question.points), *table["points"]}, key=float)
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("points:O", sort=order, scale=alt.Scale(domain=order), title=f"points earned (of {number(question.points)})",
                    axis=alt.Axis(labelAngle=0)),
            y=alt.Y("students:Q", stack=True, title="students",
                    axis=_count_axis(int(table.groupby("points")["students"].sum().max()) if len(table) else 1)),
            color=alt.Color("outcome:N", scale=alt.Scale(domain=list(OUTCOMES), range=list(OUTCOME_COLOURS)), title="outcome"),
            tooltip=["points:O", "outcome:N", "students:Q"],
        )
        .properties(width=260, height=160, title=question_id,
                    description=f"Bar chart: students by points earned on {question_id}, coloured by outcome "
                                "(correct, incorrect, not attempted).")
    )


def misconception_table(result: GradingResult) -> pd.DataFrame:
    counts: Counter = Counter()
    for row in result.rows:
        for qid, feedback in row.feedback.items():
            if feedback.misconception and feedback.outcome == INCORRECT:
                counts[(qid, feedback.misconception)] += 1
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_MISCONCEPTIONS]
    return pd.DataFrame(
        [{"question": q, "misconception": m, "label": f"{q}: {m}", "students": n} for (q, m), n in top],
        columns=["question", "misconception", "label", "students"],
    )


def misconception_chart(table: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(table)
        .mark_bar(color=PALETTE[3])
        .encode(
            y=alt.Y("label:N", sort="-x", title=None),
            x=alt.X("students:Q", title="students", axis=_count_axis(int(table["students"].max()))),
            tooltip=["question:N", "misconception:N", "students:Q"],
        )
        .properties(width=420, height=max(40, 22 * len(table)), title="Most common misconceptions",
                    description="Bar chart: number of students whose answer matched each misconception, most common first.")
    )


def _messages(result: GradingResult) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for row in result.rows:
        for qid, feedback in row.feedback.items():
            if feedback.misconception:
                found.setdefault((qid, feedback.misconception), feedback.message)
    return found


def report_html(result: GradingResult) -> str:
    """The report as one self-contained HTML page."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'><title>kettutor class report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}figcaption{max-width:300px;font-size:90%}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}</style>",
        "</head><body>", "<h1>Class report</h1>",
        "<p>Educational model, not medical advice. Scores from kettutor's grader; misconceptions are the ones each "
        "question's feedback names.</p>",
    ]
    statuses = Counter((row.notebook, row.status) for row in result.rows)
    parts.append("<h2>Notebooks</h2><table><tr><th>notebook</th><th>submitted</th><th>mean score</th><th>statuses</th></tr>")
    for name, solution in result.solutions.items():
        rows = [r for r in result.rows if r.notebook == name and r.status != MISSING]
        mean = sum(r.score for r in rows) / len(rows) if rows else 0.0
        status_text = ", ".join(f"{s}: {n}" for (nb, s), n in sorted(statuses.items()) if nb == name)
        parts.append(f"<tr><td>{esc(name)}</td><td>{len(rows)}</td><td>{number(mean)} / {number(solution.max_score)}</td>"
                     f"<td>{esc(status_text)}</td></tr>")
    parts.append("</table>")
    table = misconception_table(result)
    parts.append("<h2>What to re-teach: the most common misconceptions</h2>")
    if table.empty:
        parts.append("<p>No answer matched a recorded misconception.</p>")
    else:
        chart = misconception_chart(table)
        parts.append(f"<figure class='misconceptions' aria-label='{esc(chart.description)}'>{_svg(chart)}</figure>")
        messages = _messages(result)
        parts.append("<table><tr><th>question</th><th>misconception</th><th>students</th><th>what the feedback said</th></tr>")
        for record in table.itertuples():
            message = messages.get((record.question, record.misconception), "")
            parts.append(f"<tr><td>{esc(record.question)}</td><td>{esc(record.misconception)}</td><td>{record.students}</td>"
                         f"<td>{esc(message)}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Score distribution per question</h2>")
    for name, solution in result.solutions.items():
        parts.append(f"<h3>{esc(name)}</h3>")
        for qid in solution.question_ids:
            prompt = bank.find(qid, "exercise").prompt
            chart = question_chart(result, qid)
            parts.append(f"<figure class='question' data-question='{esc(qid)}' aria-label='{esc(chart.description)}'>"
                         f"{_svg(chart)}<figcaption>{esc(prompt)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_report(result: GradingResult, path: Path | str) -> Path:
    write_atomic(Path(path), report_html(result))
    return Path(path)
