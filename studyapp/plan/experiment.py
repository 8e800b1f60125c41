"""The planner measured against plain FSRS: each scenario, each learner, many seeds, one dict
of figures (what `manage.py simulate_plan` prints)."""

import statistics
from dataclasses import asdict, dataclass

from studyapp.plan.mocks import forecast_error, mock_days
from studyapp.plan.planner import BASE_RETENTION, HEADROOM, TARGET
from studyapp.plan.simulation import MODEL_LEARNER, WEAKER_LEARNER, new_cards_per_day, simulate
from studyapp.plan.strategies import Cram, Plain, Plan

SCENARIOS = ((400, 60), (1000, 90))
LEARNERS = (MODEL_LEARNER, WEAKER_LEARNER)
SEEDS = 20
TARGETS = {"mean_recall": 0.90, "p10": 0.80, "review_ratio": 0.80,
           "readiness_one_mock": 0.04, "readiness_three_mocks": 0.02}


@dataclass(frozen=True)
class Design:
    base_retention: float = BASE_RETENTION
    target: float = TARGET
    headroom: float = HEADROOM
    # Whose plain-FSRS peak is the budget: the learner's own, or the model learner's.
    budget_from: str = "learner"


def measure(scenarios=SCENARIOS, seeds=SEEDS, design=Design(), progress=None):
    """The figures for every scenario and learner. `progress`, if given, is called after each
    simulated run."""

    def runs(strategy, cards, days, learner, watch_days=()):
        outcomes = []
        for seed in range(seeds):
            outcomes.append(simulate(strategy, cards, days, seed, learner, watch_days))
            if progress:
                progress()
        return outcomes

    results = []
    for cards, days in scenarios:
        plain = {learner.name: runs(Plain(), cards, days, learner) for learner in LEARNERS}
        # The budget L is plain FSRS's mean peak of Review-state reviews a day.
        budgets = {name: round(statistics.mean(run.peak_review_state for run in outcomes))
                   for name, outcomes in plain.items()}
        for learner in LEARNERS:
            budget = budgets[MODEL_LEARNER.name if design.budget_from == "model" else learner.name]
            strategies = {
                "S1": plain[learner.name],
                "S3": runs(Cram(), cards, days, learner),
                "study_rule": runs(Plan(budget, design.base_retention, design.target, headroom=0, overbook=True),
                                   cards, days, learner),
                "plan": runs(Plan(budget, design.base_retention, design.target, design.headroom),
                             cards, days, learner, watch_days=mock_days(days)),
            }
            results.append(_scenario(cards, days, learner, budget, strategies))
    return {"seeds": seeds, "design": asdict(design), "targets": TARGETS, "scenarios": results}


def _scenario(cards, days, learner, budget, strategies):
    figures = {name: _strategy(runs, budget) for name, runs in strategies.items()}
    baseline = figures["S3"]["reviews"]
    for name in ("study_rule", "plan"):
        figures[name]["review_ratio"] = round(figures[name]["reviews"] / baseline, 3)
    plan = figures["plan"]
    met = {
        "mean_recall": plan["mean_recall"] >= TARGETS["mean_recall"],
        "p10": plan["p10"] >= TARGETS["p10"],
        "within_budget": not plan["over_budget"],
        "reviews": plan["review_ratio"] <= TARGETS["review_ratio"],
    }
    errors = [forecast_error(run, seed) for seed, run in enumerate(strategies["plan"])]
    readiness = {f"mae_{key}": round(statistics.mean(abs(error.errors[taken]) for error in errors), 4)
                 for key, taken in (("before_mocks", 0), ("one_mock", 1), ("three_mocks", 3))}
    readiness["met"] = {"one_mock": readiness["mae_one_mock"] <= TARGETS["readiness_one_mock"],
                        "three_mocks": readiness["mae_three_mocks"] <= TARGETS["readiness_three_mocks"]}
    return {"cards": cards, "days": days, "new_per_day": new_cards_per_day(cards, days), "learner": learner.name,
            "budget": budget, "strategies": figures, "targets_met": met, "met": all(met.values()),
            "readiness": readiness}


def _strategy(runs, budget):
    mean = statistics.mean
    return {
        "mean_recall": round(mean(run.mean_recall for run in runs), 4),
        "p10": round(mean(run.p10 for run in runs), 4),
        "reviews": round(mean(run.events for run in runs), 1),
        "review_state_reviews": round(mean(run.review_state for run in runs), 1),
        "heaviest_day": round(mean(run.peak_events for run in runs), 1),
        "heaviest_review_state_day": round(mean(run.peak_review_state for run in runs), 1),
        "max_review_state_day": max(run.peak_review_state for run in runs),
        "over_budget": any(run.peak_review_state > budget for run in runs),
    }
