"""`manage.py simulate_plan` at a tiny size."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

STRATEGY_KEYS = {"mean_recall", "p10", "reviews", "review_state_reviews", "heaviest_day",
                 "heaviest_review_state_day", "max_review_state_day", "over_budget"}


def simulate_plan(*arguments):
    out = io.StringIO()
    call_command("simulate_plan", *arguments, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_it_emits_the_figures_as_json():
    figures = json.loads(simulate_plan("--cards", "60", "--days", "20", "--seeds", "2", "--json"))
    assert figures["seeds"] == 2
    assert figures["design"] == {"base_retention": 0.7, "target": 0.9, "headroom": 0.4, "budget_from": "learner"}
    assert [(s["cards"], s["days"], s["learner"]) for s in figures["scenarios"]] == [
        (60, 20, "model"), (60, 20, "weaker")]
    scenario = figures["scenarios"][0]
    assert scenario["new_per_day"] == 5
    assert scenario["budget"] > 0
    assert set(scenario["strategies"]) == {"S1", "S3", "study_rule", "plan"}
    for name, figures_of_one in scenario["strategies"].items():
        assert STRATEGY_KEYS <= set(figures_of_one), name
    assert 0 < scenario["strategies"]["plan"]["review_ratio"] < 1
    assert set(scenario["targets_met"]) == {"mean_recall", "p10", "within_budget", "reviews"}
    assert scenario["met"] == all(scenario["targets_met"].values())
    assert set(scenario["readiness"]) == {"mae_before_mocks", "mae_one_mock", "mae_three_mocks", "met"}


def test_it_prints_a_table_per_scenario_and_learner():
    text = simulate_plan("--cards", "60", "80", "--days", "20", "25", "--seeds", "1", "--budget-from", "model")
    assert "60 cards, 20 days (5 new a day), model learner" in text
    assert "80 cards, 25 days (5 new a day), weaker learner" in text
    assert text.count("S1+S3 (2-day cram)") == 4
    assert "budget from the model's plain-FSRS peak" in text


def test_each_scenario_needs_both_a_deck_size_and_a_length():
    with pytest.raises(CommandError, match="as many --days as --cards"):
        simulate_plan("--cards", "60", "80", "--days", "20")
