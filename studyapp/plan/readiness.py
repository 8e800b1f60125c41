"""Readiness: the share of exam questions a learner is expected to answer right on exam day.

A question tied to a card is answered right with probability guess + (1 − guess)·transfer·R,
where R is the card's recall and `transfer` the chance that recalling the card's fact is enough
to answer an exam question about it. Transfer is fitted to the learner's mock exams; until there
is one, a prior stands in and the forecast says it is uncalibrated.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

GUESS = 0.25  # one right answer among four options
PRIOR_TRANSFER = 0.85
# Keeps the log-likelihood finite for a wrong answer on a card recalled with certainty.
EPSILON = 1e-12


@dataclass(frozen=True)
class Answer:
    recall: float  # the card's predicted recall when the question was answered
    correct: bool


@dataclass(frozen=True)
class Transfer:
    value: float
    calibrated: bool
    answers: int = 0


@dataclass(frozen=True)
class Readiness:
    score: float  # expected share of questions right, domains weighted
    domains: dict  # domain -> expected share right
    transfer: Transfer


def question_probability(recall, transfer, guess=GUESS):
    return guess + (1 - guess) * transfer * recall


def fit_transfer(answers: Iterable[Answer], guess=GUESS, prior=PRIOR_TRANSFER) -> Transfer:
    """The maximum-likelihood transfer in [0, 1] for mock answers; the prior, uncalibrated, when
    no answer says anything about it (none yet, or only on cards never recalled)."""
    answers = list(answers)
    if not any(answer.recall > 0 for answer in answers):
        return Transfer(prior, calibrated=False, answers=len(answers))

    def slope(transfer):
        total = 0.0
        for answer in answers:
            p = min(max(question_probability(answer.recall, transfer, guess), EPSILON), 1 - EPSILON)
            total += (1 - guess) * answer.recall * ((1 / p) if answer.correct else (-1 / (1 - p)))
        return total

    # The log-likelihood is concave in the transfer, so its slope falls: halve towards its zero.
    if slope(0.0) <= 0:
        return Transfer(0.0, calibrated=True, answers=len(answers))
    if slope(1.0) >= 0:
        return Transfer(1.0, calibrated=True, answers=len(answers))
    low, high = 0.0, 1.0
    for _ in range(50):
        middle = (low + high) / 2
        if slope(middle) > 0:
            low = middle
        else:
            high = middle
    return Transfer((low + high) / 2, calibrated=True, answers=len(answers))


def forecast(recall_by_domain: Mapping[object, Sequence[float]], weights: Mapping[object, float],
             transfer: Transfer, guess=GUESS) -> Readiness:
    """The expected exam score from each domain's cards' predicted recall on exam day. Domains
    without cards drop out and the other weights are scaled up to sum to one."""
    domains = {domain: sum(question_probability(recall, transfer.value, guess) for recall in recalls) / len(recalls)
               for domain, recalls in recall_by_domain.items() if recalls and weights.get(domain, 0) > 0}
    total_weight = sum(weights[domain] for domain in domains)
    if not total_weight:
        raise ValueError("no domain has both cards and a weight")
    score = sum(weights[domain] * share for domain, share in domains.items()) / total_weight
    return Readiness(score, domains, transfer)
