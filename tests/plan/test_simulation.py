"""The simulated learner and the strategies it studies under."""

import math
import statistics

import pytest

from studyapp.plan import memory
from studyapp.plan.simulation import MODEL_LEARNER, WEAKER_LEARNER, new_cards_per_day, percentile, simulate
from studyapp.plan.strategies import Cram, Plain, Plan

CARDS, DAYS, SEEDS = 200, 30, range(3)


def test_a_small_exam_run_shows_the_plan_beating_plain_fsrs_with_a_cram():
    plain = [simulate(Plain(), CARDS, DAYS, seed) for seed in SEEDS]
    budget = round(statistics.mean(run.peak_review_state for run in plain))
    cram = [simulate(Cram(), CARDS, DAYS, seed) for seed in SEEDS]
    plan = [simulate(Plan(budget), CARDS, DAYS, seed) for seed in SEEDS]
    assert statistics.mean(run.mean_recall for run in plan) >= 0.90
    assert statistics.mean(run.p10 for run in plan) >= 0.80
    assert all(run.peak_review_state <= budget for run in plan)
    # The study's acceptance test: at least 15% fewer reviews than plain FSRS with a cram.
    assert statistics.mean(run.events for run in plan) <= 0.85 * statistics.mean(run.events for run in cram)


def test_the_studys_overbooking_rule_goes_over_the_budget_that_the_plan_keeps():
    plain = [simulate(Plain(), CARDS, DAYS, seed) for seed in SEEDS]
    budget = round(statistics.mean(run.peak_review_state for run in plain))
    overbooked = [simulate(Plan(budget, headroom=0, overbook=True), CARDS, DAYS, seed) for seed in SEEDS]
    assert max(run.peak_review_state for run in overbooked) > budget


def test_a_seed_replays_the_same_run():
    first, again = simulate(Plan(30), CARDS, DAYS, 5), simulate(Plan(30), CARDS, DAYS, 5)
    assert first == again
    assert simulate(Plan(30), CARDS, DAYS, 6) != first


def test_every_card_is_met_at_least_a_week_before_the_exam():
    assert new_cards_per_day(400, 60) == 8
    assert new_cards_per_day(1000, 90) == 13
    run = simulate(Plain(), CARDS, DAYS, 0)
    per_day = new_cards_per_day(CARDS, DAYS)
    assert per_day * (DAYS - 7) >= CARDS
    assert all(recall > 0 for recall in run.exam_recall)
    # Every new card takes at least one press; nothing else is pressed on the first day.
    assert run.events_per_day[0] >= per_day
    assert run.review_state_per_day[0] == 0


def test_the_cram_adds_reviews_only_on_the_last_two_days():
    plain, cram = simulate(Plain(), CARDS, DAYS, 1), simulate(Cram(), CARDS, DAYS, 1)
    assert plain.events_per_day[:DAYS - 2] == cram.events_per_day[:DAYS - 2]
    assert cram.events_per_day[DAYS - 2] > plain.events_per_day[DAYS - 2]
    assert cram.mean_recall > plain.mean_recall


def test_a_weaker_learner_remembers_less_than_the_model_predicts():
    model = simulate(Plain(), CARDS, DAYS, 2, MODEL_LEARNER)
    weaker = simulate(Plain(), CARDS, DAYS, 2, WEAKER_LEARNER)
    assert model.exam_recall == model.exam_prediction
    assert statistics.mean(weaker.exam_recall) < statistics.mean(weaker.exam_prediction)
    assert weaker.mean_recall < model.mean_recall
    assert weaker.events > model.events


def test_the_weaker_learner_scales_initial_stability_growth_and_post_lapse_stability():
    default, weaker = memory.DEFAULT_PARAMETERS, WEAKER_LEARNER.parameters
    for index in (0, 1, 2, 3, 11):
        assert weaker[index] == default[index] * 0.7
    assert math.exp(weaker[8]) == pytest.approx(math.exp(default[8]) * 0.7, rel=1e-12)
    untouched = set(range(21)) - {0, 1, 2, 3, 8, 11}
    assert all(weaker[index] == default[index] for index in untouched)


def test_the_tenth_percentile_interpolates_between_ranks():
    assert percentile([float(value) for value in range(11)], 0.10) == 1.0
    assert percentile([0.0, 1.0], 0.10) == 0.1
