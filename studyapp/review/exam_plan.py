"""Studying for an exam date (docs/planning.md): while the exam is ahead, FSRS spaces reviews at
the planner's base retention (0.70), and each study day the planner places every card's last
review before the exam so that its expected recall on the day reaches the target (0.90), the
tightest windows first, within the learner's daily review limit. Re-planned on the day's first
visit, so skipped days and a backlog are absorbed. After the exam the learner's own desired
retention is back; no card's state is lost either way."""

from datetime import timedelta
from functools import partial

from django.db import transaction

from studyapp.plan.cards import REVIEW
from studyapp.plan.planner import PlanCard, plan_day

from .days import StudyDay, day_for, days_from
from .floors import cards_new_to
from .pacing import pace
from .workload import learner_workload
from .models import ReviewState, StudySettings
from .scheduler import Phase


MAX_FORECAST_DAYS = 90


def replan(user, day: StudyDay, shown: StudySettings | None = None) -> int:
    """This study day's plan, once a day while an exam is ahead: cards whose final review the plan
    places before their due day are brought forward to it. Returns how many were moved; `shown`,
    the settings the caller holds, learns the plan's figures too."""
    with transaction.atomic():
        study = StudySettings.objects.for_user(user, lock=True)
        if study.planned_on == day.date or not study.exam_ahead(day.date):
            return 0
        zone, today = study.time_zone, day.date
        day_index = partial(days_from, today, zone=zone)
        states = list(ReviewState.objects.filter(
            user=user, phase=Phase.REVIEW, suspended=False, card__retired_at__isnull=True,
            stability__isnull=False, last_review__isnull=False).values_list(
            "pk", "stability", "difficulty", "last_review", "due"))
        due_on = {pk: day_index(due) for pk, _, _, _, due in states}
        cards = [PlanCard(pk, stability, difficulty, day_index(last_review), REVIEW, due_on[pk])
                 for pk, stability, difficulty, last_review, _ in states]
        budget = study.review_budget or plain_fsrs_busiest_day(user, study, day)
        plan = plan_day(cards, 0, (study.exam_date - today).days, budget, model=study.memory_model())
        moved = [ReviewState(pk=pk, due=day_for(today + timedelta(days=final), zone).start)
                 for pk, final in plan.final_days.items() if final < due_on[pk]]
        ReviewState.objects.bulk_update(moved, ["due"], batch_size=500)
        for held in filter(None, (study, shown)):
            held.planned_on, held.planned_finals, held.planned_budget = today, len(plan.final_days), budget
        study.save(update_fields=["planned_on", "planned_finals", "planned_budget"])
    return len(moved)


def plain_fsrs_busiest_day(user, study: StudySettings, day: StudyDay) -> int:
    """The most reviews plain FSRS would give the learner on one day until the exam (at most the
    next 90): the reviews their cards hold, and those their pace of new cards brings at their
    desired retention, as the workload forecast simulates them. At least one."""
    days = max(min((study.exam_date - day.date).days, MAX_FORECAST_DAYS), 1)
    new = cards_new_to(user)
    paced = pace(day.date, study.exam_date, new, study.new_per_day)
    forecast = learner_workload(user, study, day, days, max(paced.needed, study.new_per_day),
                                study.desired_retention, new_cards=new)
    return max(forecast.busiest, 1)

