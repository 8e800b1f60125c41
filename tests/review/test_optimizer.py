"""The FSRS optimizer, on a history made from known parameters: pure, no database."""

import random
from datetime import date, timedelta

import fsrs_rs_python as rs
import pytest

from studyapp.review.optimizer import DEFAULT_PARAMETERS, evaluate, fit, items_from_history

FIRST_RATINGS = ([1, 2, 3, 4], [0.24, 0.094, 0.495, 0.171])  # fsrs-rs's simulator defaults
START = date(2026, 1, 5)


def learner_weaker_than_the_defaults() -> list[float]:
    """A memory that starts weaker and grows more slowly than FSRS-6's defaults assume."""
    true = list(DEFAULT_PARAMETERS)
    for index in (0, 1, 2, 3):
        true[index] *= 0.4
    true[8] *= 0.8
    return true


def recall(elapsed_days: int, stability: float, decay: float) -> float:
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * elapsed_days / stability) ** -decay


def synthetic_history(true: list[float], cards: int = 500, answers_per_card: int = 8, seed: int = 7):
    """(card, day, rating) as a learner with memory `true` gives them, scheduled by the defaults at
    a desired retention of 0.90: the situation a learner is in before fitting."""
    rng = random.Random(seed)
    memory, scheduler = rs.FSRS(true), rs.FSRS(list(DEFAULT_PARAMETERS))
    history = []
    for card in range(cards):
        first = rng.choices(*FIRST_RATINGS)[0]
        reviews, day = [rs.FSRSReview(first, 0)], START + timedelta(days=rng.randrange(60))
        history.append((card, day, first))
        for _ in range(answers_per_card - 1):
            believed = scheduler.memory_state(rs.FSRSItem(reviews))
            interval = max(1, round(scheduler.next_interval(believed.stability, 0.9, 3)))
            actual = memory.memory_state(rs.FSRSItem(reviews))
            recalled = rng.random() < recall(interval, actual.stability, true[20])
            rating = rng.choices([2, 3, 4], [0.05, 0.9, 0.05])[0] if recalled else 1
            reviews.append(rs.FSRSReview(rating, interval))
            day += timedelta(days=interval)
            history.append((card, day, rating))
    return history


def test_a_history_is_one_item_per_answer_after_each_cards_first():
    items = items_from_history([(2, START, 3), (1, START, 1), (1, START, 3), (1, START + timedelta(days=3), 3)])
    # fsrs-rs exposes a review only through its repr.
    assert [repr(item) for item in items] == [
        "FSRSItem { reviews: [FSRSReview { rating: 1, delta_t: 0 }, FSRSReview { rating: 3, delta_t: 0 }] }",
        "FSRSItem { reviews: [FSRSReview { rating: 1, delta_t: 0 }, FSRSReview { rating: 3, delta_t: 0 }, "
        "FSRSReview { rating: 3, delta_t: 3 }] }"]


def test_the_fit_predicts_a_learners_answers_better_than_the_defaults_and_nearly_as_well_as_the_truth():
    true = learner_weaker_than_the_defaults()
    items = items_from_history(synthetic_history(true))
    result = fit(items)
    assert result.better and result.fitted.log_loss < result.current.log_loss
    # fsrs-rs sums in parallel, so its figures vary in their last digits from run to run.
    assert result.current.log_loss == pytest.approx(evaluate(DEFAULT_PARAMETERS, items).log_loss, rel=1e-4)
    truth = evaluate(true, items)
    assert result.fitted.log_loss <= truth.log_loss * 1.02, (result.fitted, truth)
    assert len(result.parameters) == len(DEFAULT_PARAMETERS)
