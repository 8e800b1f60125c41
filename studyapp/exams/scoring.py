"""An attempt's score on the exam's scale, and by domain."""

from studyapp.notes.models import Exam

from .models import Attempt, AttemptQuestion

PASS_FRACTION = 0.70  # the share of right answers this estimate puts at the 720 pass line


def scaled_score(correct: int, total: int, exam: Exam) -> int:
    """An estimate on the exam's scale: AWS does not publish its scaling, so this puts 70% right
    at the pass line and runs straight from the bottom of the scale to the top through it."""
    low, high, passing = exam.score_min or 100, exam.score_max or 1000, exam.passing_score or 720
    fraction = correct / total if total else 0
    if fraction <= PASS_FRACTION:
        return round(low + (passing - low) * fraction / PASS_FRACTION)
    return round(passing + (high - passing) * (fraction - PASS_FRACTION) / (1 - PASS_FRACTION))


def by_domain(attempt: Attempt, questions: list[AttemptQuestion]) -> list[dict]:
    rows: dict = {}
    for question in questions:
        row = rows.setdefault(question.domain_id, {"domain": question.domain, "right": 0, "total": 0})
        row["total"] += 1
        row["right"] += question.is_correct
    for row in rows.values():
        row["percent"] = round(100 * row["right"] / row["total"])
    return sorted(rows.values(), key=lambda r: (r["domain"] is None, r["domain"].number if r["domain"] else 0))
