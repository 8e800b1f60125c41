"""`manage.py simulate_plan`: the exam planner against plain FSRS on a simulated learner.

Every figure comes from studyapp/plan/experiment.py; this command only chooses the scenarios and
prints them. docs/planning.md explains the figures and keeps the latest default run.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from studyapp.plan.experiment import LEARNERS, SCENARIOS, SEEDS, Design, measure
from studyapp.plan.planner import BASE_RETENTION, HEADROOM, TARGET

ROWS = (("S1", "S1 plain FSRS 0.90"), ("S3", "S1+S3 (2-day cram)"), ("study_rule", "plan, study's rule"),
        ("plan", "plan"))


class Command(BaseCommand):
    help = "Simulate the exam planner against plain FSRS (S1) and FSRS with a cram (S3)."

    def add_arguments(self, parser):
        parser.add_argument("--cards", type=int, nargs="+", help="deck sizes, one per scenario (default 400 1000)")
        parser.add_argument("--days", type=int, nargs="+", help="days to the exam, one per scenario (default 60 90)")
        parser.add_argument("--seeds", type=int, default=SEEDS)
        parser.add_argument("--base-retention", type=float, default=BASE_RETENTION)
        parser.add_argument("--target", type=float, default=TARGET)
        parser.add_argument("--headroom", type=float, default=HEADROOM)
        parser.add_argument("--budget-from", choices=("learner", "model"), default="learner",
                            help="whose plain-FSRS peak is the daily budget")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, **options):
        cards = options["cards"] or [count for count, _ in SCENARIOS]
        days = options["days"] or [length for _, length in SCENARIOS]
        if len(cards) != len(days):
            raise CommandError("give as many --days as --cards: each pair is one scenario")
        if min(cards) < 1 or min(days) < 2 or options["seeds"] < 1:
            raise CommandError("a scenario needs a card, two days and a seed at least")
        design = Design(options["base_retention"], options["target"], options["headroom"], options["budget_from"])
        total = len(cards) * len(LEARNERS) * 4 * options["seeds"]
        with tqdm(total=total, desc="simulating", unit="run", file=sys.stderr, disable=None) as bar:
            figures = measure(list(zip(cards, days)), options["seeds"], design, progress=bar.update)
        self.stdout.write(json.dumps(figures, indent=2) if options["json"] else table(figures))


def table(figures):
    lines = [f"{figures['seeds']} seeds; plan: base DR {figures['design']['base_retention']}, "
             f"target {figures['design']['target']}, headroom {figures['design']['headroom']}, "
             f"budget from the {figures['design']['budget_from']}'s plain-FSRS peak"]
    for scenario in figures["scenarios"]:
        lines += ["", f"{scenario['cards']} cards, {scenario['days']} days ({scenario['new_per_day']} new a day), "
                      f"{scenario['learner']} learner, budget L = {scenario['budget']} Review-state reviews a day",
                  f"  {'strategy':<20} {'mean R':>7} {'P10':>6} {'reviews':>8} {'ratio':>6} "
                  f"{'heaviest day':>13} {'max Review-state/day':>21}"]
        for key, label in ROWS:
            row = scenario["strategies"][key]
            ratio = f"{row['review_ratio']:.3f}" if "review_ratio" in row else ""
            over = " over L" if row["over_budget"] else ""
            lines.append(f"  {label:<20} {row['mean_recall']:>7.3f} {row['p10']:>6.3f} {row['reviews']:>8.0f} "
                         f"{ratio:>6} {row['heaviest_day']:>13.0f} {row['max_review_state_day']:>21}{over}")
        missed = [name for name, met in scenario["targets_met"].items() if not met]
        lines.append("  plan meets every target" if scenario["met"] else f"  plan misses: {', '.join(missed)}")
        readiness = scenario["readiness"]
        lines.append(f"  readiness forecast error (MAE): before mocks {readiness['mae_before_mocks']:.3f}, "
                     f"after one mock {readiness['mae_one_mock']:.3f}, after three {readiness['mae_three_mocks']:.3f}")
    return "\n".join(lines)
