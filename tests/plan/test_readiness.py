"""The readiness forecast and its calibration on mock exams."""

import math
import random

import pytest

from studyapp.plan.mocks import assign_domains, forecast_error, mock_days, shares, sit_mock
from studyapp.plan.readiness import (
    PRIOR_TRANSFER, Answer, Transfer, fit_transfer, forecast, prior_density, question_probability)
from studyapp.plan.simulation import simulate
from studyapp.plan.strategies import Plan


def synthetic_answers(transfer, count, seed):
    rng = random.Random(seed)
    answers = []
    for _ in range(count):
        recall = rng.uniform(0.4, 1.0)
        answers.append(Answer(recall, rng.random() < question_probability(recall, transfer)))
    return answers


@pytest.mark.parametrize("transfer", [0.55, 0.80, 0.95])
def test_the_transfer_fit_recovers_a_known_transfer_from_many_answers(transfer):
    fitted = fit_transfer(synthetic_answers(transfer, 20_000, seed=int(transfer * 100)))
    assert fitted.calibrated
    assert fitted.answers == 20_000
    assert fitted.value == pytest.approx(transfer, abs=0.015)


def test_the_fit_is_the_posterior_mean_under_the_prior_across_learners():
    answers = synthetic_answers(0.8, 300, seed=3)

    def likelihood(transfer):
        return math.exp(sum(math.log(question_probability(answer.recall, transfer) if answer.correct
                                     else 1 - question_probability(answer.recall, transfer)) for answer in answers))
    grid = [n / 2000 for n in range(2001)]
    weights = [likelihood(t) * prior_density(t) for t in grid]
    assert fit_transfer(answers).value == pytest.approx(sum(t * w for t, w in zip(grid, weights)) / sum(weights),
                                                        abs=0.005)
    # Twenty right answers on well-recalled cards: the likelihood's maximum is 1, but most
    # learners transfer less, and twenty answers are not yet enough to say this one does not.
    assert 0.85 < fit_transfer([Answer(0.9, True)] * 20).value < 0.97


def test_before_any_mock_the_prior_stands_in_uncalibrated():
    assert fit_transfer([]) == Transfer(PRIOR_TRANSFER, calibrated=False, answers=0)
    assert PRIOR_TRANSFER == pytest.approx(0.75 * 0.825 + 0.25 * 0.5)
    # Questions on cards never studied say nothing about transfer either.
    assert not fit_transfer([Answer(0.0, True), Answer(0.0, False)]).calibrated


def test_a_learner_far_outside_the_typical_transfers_is_fitted_to_their_own_answers():
    assert fit_transfer([Answer(0.9, True)] * 300).value > 0.97
    assert fit_transfer([Answer(0.9, False)] * 300).value < 0.03
    assert fit_transfer(synthetic_answers(0.45, 400, seed=5)).value < 0.6


def test_the_forecast_averages_questions_per_domain_and_weights_the_domains():
    readiness = forecast({"ingest": [1.0, 0.5], "store": [0.0]}, {"ingest": 0.75, "store": 0.25, "ops": 0.5},
                         Transfer(0.8, calibrated=True))
    ingest = (question_probability(1.0, 0.8) + question_probability(0.5, 0.8)) / 2
    assert readiness.domains == {"ingest": pytest.approx(ingest), "store": pytest.approx(0.25)}
    assert readiness.score == pytest.approx(0.75 * ingest + 0.25 * 0.25)


def test_a_full_mock_asks_65_questions_shared_among_the_domains_by_weight():
    assert shares((0.34, 0.26, 0.22, 0.18), 65) == [22, 17, 14, 12]
    rng = random.Random(1)
    domains = assign_domains(400, rng)
    assert [domains.count(domain) for domain in range(4)] == [136, 104, 88, 72]
    answers = sit_mock(domains, [0.9] * 400, [0.8] * 400, 0.85, rng)
    assert len(answers) == 65
    assert {answer.recall for answer in answers} == {0.8}


def test_mocks_fall_in_the_last_week_before_the_exam():
    assert mock_days(60) == [53, 56, 59]
    assert mock_days(5) == [0, 1, 4]


def test_calibrating_on_mocks_brings_the_forecast_closer_to_the_truth():
    errors = []
    for seed in range(8):
        run = simulate(Plan(30), 200, 40, seed, watch_days=mock_days(40))
        errors.append(forecast_error(run, seed).errors)
    before = sum(abs(error[0]) for error in errors) / len(errors)
    after = sum(abs(error[3]) for error in errors) / len(errors)
    assert after < before
    assert after <= 0.05
