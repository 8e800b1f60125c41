"""Simulated mock exams, and how far the readiness forecast lands from the learner's true
expected exam score once the forecast has been calibrated on them."""

import random
from dataclasses import dataclass

from studyapp.plan.readiness import (
    GUESS, PRIOR_TRANSFER, Answer, Transfer, fit_transfer, forecast, question_probability)

# DEA-C01's domain weights, as the study used them.
DOMAIN_WEIGHTS = (0.34, 0.26, 0.22, 0.18)
QUESTIONS = 65
TRUE_TRANSFER = (0.70, 0.95)
# Three full mocks in the last week, as the exams page advises; a single mock is the last of them.
# Taken weeks earlier, while the plan keeps recall at its base retention, they say less about the
# exam day (docs/planning.md).
MOCK_DAYS_BEFORE_EXAM = (7, 4, 1)


@dataclass(frozen=True)
class ForecastError:
    true_transfer: float
    true_score: float
    errors: dict  # mocks taken -> forecast minus true score


def shares(weights, total):
    """`total` split in proportion to the weights, the rounding going to the largest remainders."""
    exact = [weight * total / sum(weights) for weight in weights]
    counts = [int(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda index: counts[index] - exact[index])
    for index in by_remainder[:total - sum(counts)]:
        counts[index] += 1
    return counts


def assign_domains(cards, rng, weights=DOMAIN_WEIGHTS):
    domains = [domain for domain, count in enumerate(shares(weights, cards)) for _ in range(count)]
    rng.shuffle(domains)
    return domains


def mock_days(exam_day):
    return sorted({min(max(exam_day - before, 0), exam_day - 1) for before in MOCK_DAYS_BEFORE_EXAM})


def sit_mock(domains, true, predicted, transfer, rng, questions=QUESTIONS, weights=DOMAIN_WEIGHTS, guess=GUESS):
    """A full mock: questions drawn per domain in proportion to its weight, each on a card of its
    own; the learner answers from its true recall, the forecast sees the predicted one."""
    by_domain = _cards_by_domain(domains, len(weights))
    answers = []
    for domain, count in enumerate(shares(weights, questions)):
        for card in rng.sample(by_domain[domain], min(count, len(by_domain[domain]))):
            right = rng.random() < question_probability(true[card], transfer, guess)
            answers.append(Answer(predicted[card], right))
    return answers


def forecast_error(outcome, seed, weights=DOMAIN_WEIGHTS, guess=GUESS):
    """The forecast's error on one simulated learner, before any mock, after the last mock alone,
    and after all of them. `outcome` is a simulation that watched the mock days."""
    rng = random.Random(f"mocks-{seed}")
    transfer = rng.uniform(*TRUE_TRANSFER)
    domains = assign_domains(len(outcome.exam_recall), rng, weights)
    answers = [sit_mock(domains, *outcome.snapshots[day], transfer, rng, weights=weights, guess=guess)
               for day in sorted(outcome.snapshots)]
    weight = dict(enumerate(weights))

    def score(recall, fitted):
        by_domain = _cards_by_domain(domains, len(weights))
        recalls = {domain: [recall[card] for card in cards] for domain, cards in by_domain.items()}
        return forecast(recalls, weight, fitted, guess).score

    truth = score(outcome.exam_recall, Transfer(transfer, calibrated=True))
    errors = {0: score(outcome.exam_prediction, Transfer(PRIOR_TRANSFER, calibrated=False)) - truth}
    for taken in sorted({1, len(answers)}):
        fitted = fit_transfer((answer for mock in answers[-taken:] for answer in mock), guess)
        errors[taken] = score(outcome.exam_prediction, fitted) - truth
    return ForecastError(transfer, truth, errors)


def _cards_by_domain(domains, count):
    by_domain = {domain: [] for domain in range(count)}
    for card, domain in enumerate(domains):
        by_domain[domain].append(card)
    return by_domain
