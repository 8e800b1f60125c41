"""How ready a learner is for their exam: the expected share of questions right on exam day, per
domain and weighted by the domains' weights, from each card's predicted recall on the day, the
guess rate, and how often a mock exam question was right when its card was recalled (fitted to
the learner's own mock answers: studyapp.plan.readiness)."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from studyapp.notes.models import Domain
from studyapp.plan.memory import DEFAULT_MODEL
from studyapp.plan.planner import expected_exam_recall, is_safe
from studyapp.plan.readiness import Answer, Readiness, fit_transfer, forecast, question_probability

from .days import days_from
from .models import Card, ReviewLog, ReviewState
from .scheduler import Phase, Rating, recall_at

# A full exam's questions: the spread of one sitting's score around its expectation.
EXAM_QUESTIONS = 65
# The latest mock answers the transfer is fitted to: thirty full exams' worth, recent enough to be
# the learner as they are now.
MOCK_ANSWERS = 2000


@dataclass(frozen=True)
class Forecast:
    readiness: Readiness
    low: float
    high: float
    domains: list[tuple[Domain, float]]

    @property
    def calibrated(self) -> bool:
        return self.readiness.transfer.calibrated

    @property
    def mock_answers(self) -> int:
        return self.readiness.transfer.answers


def readiness(user, study, today: date) -> Forecast | None:
    """The forecast for the learner's exam date; None without one, or without a weighted domain."""
    if not study.exam_ahead(today):
        return None
    exam_day = (study.exam_date - today).days
    day_index = partial(days_from, today, zone=study.time_zone)
    model = study.memory_model()
    recall = {}
    for card_id, phase, stability, difficulty, last_review, due in ReviewState.objects.filter(
            user=user, card__retired_at__isnull=True, stability__isnull=False, last_review__isnull=False).exclude(
            phase=Phase.NEW).values_list("card_id", "phase", "stability", "difficulty", "last_review", "due"):
        last = day_index(last_review)
        planned = phase == Phase.REVIEW and due is not None and 0 <= day_index(due) < exam_day
        if planned and not is_safe(stability, last, exam_day, model=model):
            recall[card_id] = expected_exam_recall(stability, difficulty, last, day_index(due), exam_day, model)
        else:
            recall[card_id] = model.retrievability(exam_day - last, stability)
    by_domain = defaultdict(list)
    domains = {d.pk: d for d in Domain.objects.active().filter(exam__in=_exams(study)).select_related("exam")}
    for card_id, domain_id in Card.domains.through.objects.filter(
            card__retired_at__isnull=True, domain_id__in=list(domains)).values_list("card_id", "domain_id"):
        by_domain[domain_id].append(recall.get(card_id, 0.0))  # a card not yet studied: recalled by no one
    weights = {pk: float(domain.weight) for pk, domain in domains.items()}
    if not any(by_domain.get(pk) and weights[pk] for pk in weights):
        return None
    result = forecast(by_domain, weights, fit_transfer(_mock_answers(user, model)))
    spread = 1.96 * math.sqrt(result.score * (1 - result.score) / EXAM_QUESTIONS)
    return Forecast(result, max(result.score - spread, 0), min(result.score + spread, 1),
                    [(domains[pk], share) for pk, share in sorted(result.domains.items(),
                                                                  key=lambda item: domains[item[0]].number)])


def _exams(study):
    chosen = list(study.exams.all())
    return chosen or Domain.objects.values("exam")


def _mock_answers(user, model) -> list[Answer]:
    """Each mock exam answer on a studied card, with the card's predicted recall when it was given."""
    answers = []
    for rating, reviewed_at, before in ReviewLog.objects.filter(user=user, mode=ReviewLog.Mode.EXAM).order_by(
            "-id").values_list("rating", "reviewed_at", "state_before")[:MOCK_ANSWERS]:
        stability, last_review = before.get("stability"), before.get("last_review")
        if not stability or not last_review:
            continue
        answers.append(Answer(recall_at(stability, datetime.fromisoformat(last_review), reviewed_at, model),
                              rating != Rating.AGAIN))
    return answers


def mock_forecast(user, questions: list[list[int]], now: datetime, model=DEFAULT_MODEL) -> float:
    """The score forecast for a mock exam as it is finished, before its answers count: for each
    question (given as the ids of the cards it tests), guess + (1 − guess)·transfer·recall, with
    the cards' mean predicted recall now and the transfer fitted to the mock answers before it."""
    wanted = {card for cards in questions for card in cards}
    recall = {card_id: recall_at(stability, last_review, now, model)
              for card_id, stability, last_review in ReviewState.objects.filter(
                  user=user, card_id__in=wanted, stability__isnull=False, last_review__isnull=False).exclude(
                  phase=Phase.NEW).values_list("card_id", "stability", "last_review")}
    transfer = fit_transfer(_mock_answers(user, model)).value
    shares = [question_probability(sum(recall.get(card, 0.0) for card in cards) / len(cards) if cards else 0.0,
                                   transfer) for cards in questions]
    return sum(shares) / len(shares) if shares else 0.0
