"""Readiness: the share of exam questions a learner is expected to answer right on exam day.

A question tied to a card is answered right with probability guess + (1 − guess)·transfer·R,
where R is the card's recall and `transfer` the chance that recalling the card's fact is enough
to answer an exam question about it. Transfer is the posterior mean given the learner's mock
answers under a prior across learners; until there is a mock, the prior's mean stands in and the
forecast says it is uncalibrated.

Three mocks are 195 right-or-wrong answers, and their binomial noise alone moves a maximum-
likelihood fit by about 0.02 in the exam score (docs/planning.md). The prior is what narrows it:
most learners' exam questions are somewhat harder than their cards, so three in four are assumed
to transfer between 0.70 and 0.95, and the rest anywhere, so that a learner far outside is still
fitted to their own answers. It is an assumption, to be fitted across learners from their mock
results once there are some.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

GUESS = 0.25  # one right answer among four options
TYPICAL_TRANSFER = (0.70, 0.95)
TYPICAL_SHARE = 0.75  # of learners, whose transfer is typical; the rest anywhere from 0 to 1
PRIOR_TRANSFER = TYPICAL_SHARE * sum(TYPICAL_TRANSFER) / 2 + (1 - TYPICAL_SHARE) * 0.5  # the prior's mean
GRID = 100  # the transfers the posterior is weighed at, 0.01 apart
RECALL_STEP = 0.02
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


def prior_density(transfer: float) -> float:
    low, high = TYPICAL_TRANSFER
    return TYPICAL_SHARE / (high - low) * (low <= transfer <= high) + (1 - TYPICAL_SHARE)


def fit_transfer(answers: Iterable[Answer], guess=GUESS) -> Transfer:
    """The transfer's posterior mean given mock answers; the prior's mean, uncalibrated, when no
    answer says anything about it (none yet, or only on cards never recalled)."""
    # Answers with the same recall (to RECALL_STEP) and outcome weigh the same: counted once each,
    # so that the work does not grow with the number of answers.
    counts = Counter((round(answer.recall / RECALL_STEP) * RECALL_STEP, answer.correct) for answer in answers)
    total = sum(counts.values())
    if not any(recall > 0 for recall, _ in counts):
        return Transfer(PRIOR_TRANSFER, calibrated=False, answers=total)

    def log_likelihood(transfer):
        result = 0.0
        for (recall, correct), count in counts.items():
            p = min(max(question_probability(recall, transfer, guess), EPSILON), 1 - EPSILON)
            result += count * math.log(p if correct else 1 - p)
        return result

    grid = [step / GRID for step in range(GRID + 1)]
    logs = [log_likelihood(transfer) for transfer in grid]
    highest = max(logs)
    weights = [math.exp(log - highest) * prior_density(transfer) for log, transfer in zip(logs, grid)]
    return Transfer(sum(t * w for t, w in zip(grid, weights)) / sum(weights), calibrated=True, answers=total)


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
