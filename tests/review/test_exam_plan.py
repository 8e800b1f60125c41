"""Studying for an exam date: spacing at the planner's base retention, and each day's plan placing
every card's last review before the exam, within the daily review limit."""

import re
from collections import Counter
from datetime import timedelta

import pytest

from studyapp.plan.memory import DEFAULT_PARAMETERS
from studyapp.plan.planner import BASE_RETENTION
from studyapp.review.days import study_day
from studyapp.review.exam_plan import plain_fsrs_busiest_day
from studyapp.review.models import Card, ReviewLog, ReviewState, StudySettings
from studyapp.review.scheduler import Phase

from tests.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client, alice, imported, clock):
    client.force_login(alice)
    StudySettings.objects.for_user(alice)
    return client


def in_review(user, card, stability, days_ago, due_in):
    return ReviewState.objects.create(user=user, card=card, phase=Phase.REVIEW, stability=stability, difficulty=5,
                                      last_review=NOW - timedelta(days=days_ago), due=NOW + timedelta(days=due_in),
                                      reps=3)


def test_with_an_exam_ahead_reviews_are_spaced_at_the_base_retention():
    study = StudySettings(desired_retention=0.9, exam_date=NOW.date() + timedelta(days=30))
    assert study.preferences(today=NOW.date()).desired_retention == BASE_RETENTION
    assert study.preferences(today=NOW.date() + timedelta(days=31)).desired_retention == 0.9  # the exam is over
    assert study.preferences().desired_retention == 0.9


def test_each_days_plan_brings_forward_the_cards_that_need_a_last_review_before_the_exam(
        learner, alice, django_assert_num_queries):
    StudySettings.objects.filter(user=alice).update(exam_date=NOW.date() + timedelta(days=20), review_budget=2)
    cards = list(Card.objects.active()[:8])
    weak = [in_review(alice, card, stability=3, days_ago=2, due_in=40) for card in cards[:6]]  # due after the exam
    strong = in_review(alice, cards[6], stability=400, days_ago=1, due_in=300)  # safe for the day as it is
    page = learner.get("/").content.decode()
    study = StudySettings.objects.get(user=alice)
    assert study.planned_on == study_day(NOW, study.time_zone).date and study.planned_finals == 6
    exam_start = NOW + timedelta(days=20)
    for state in weak:
        state.refresh_from_db()
        assert NOW - timedelta(days=1) < state.due < exam_start
    strong.refresh_from_db()
    assert strong.due == NOW + timedelta(days=300)
    # Never more than the day's budget on one day.
    assert max(Counter(s.due.date() for s in ReviewState.objects.filter(pk__in=[s.pk for s in weak])).values()) <= 2
    assert "given a last review before the exam" in page and "never more than 2 reviews a day" in page
    # Planned once a day: the next visit only reads the session and user, the settings, the
    # day's tally, the queue's counts, the days studied, for the pace the cards still new, and for
    # the readiness forecast the schedules, the chosen exams, their domains, the cards' domains
    # and the mock exam answers.
    with django_assert_num_queries(12):
        learner.get("/")


def test_readiness_is_forecast_per_domain_and_calibrated_by_mock_answers(learner, alice):
    StudySettings.objects.filter(user=alice).update(exam_date=NOW.date() + timedelta(days=20))
    page = learner.get("/").content.decode()
    assert "Readiness forecast: about <strong>25%</strong>" in page  # nothing studied: the guess rate
    assert "Not calibrated yet" in page
    for card in Card.objects.active():
        in_review(alice, card, stability=200, days_ago=1, due_in=200)
    page = learner.get("/").content.decode()
    score = int(re.search(r"about <strong>(\d+)%</strong>", page)[1])
    assert 80 <= score <= 95  # recalled almost surely, and the prior's transfer of 0.85
    # Mock answers, right on well-recalled cards, calibrate it upwards.
    log = ReviewLog.objects.bulk_create([
        ReviewLog(user=alice, card=card, rating=3, reviewed_at=NOW, day=NOW.date(), duration_ms=0, mode="exam",
                  phase_before=2, state_before={"stability": 200.0, "last_review": (NOW - timedelta(days=1)).isoformat()})
        for card in Card.objects.active()])
    page = learner.get("/").content.decode()
    assert f"Calibrated on your {len(log)} mock exam answers" in page
    assert int(re.search(r"about <strong>(\d+)%</strong>", page)[1]) > score


def test_without_a_budget_of_their_own_the_plan_keeps_to_plain_fsrss_busiest_day(learner, alice):
    StudySettings.objects.filter(user=alice).update(exam_date=NOW.date() + timedelta(days=20))
    for card in Card.objects.active()[:5]:
        in_review(alice, card, stability=3, days_ago=2, due_in=4)
    learner.get("/")
    study = StudySettings.objects.get(user=alice)
    expected = plain_fsrs_busiest_day(alice, study, study_day(NOW, study.time_zone))
    assert study.planned_budget == expected >= 1
    assert f" {expected} review" in learner.get("/").content.decode()


def test_fitted_parameters_forecast_with_their_own_forgetting_curve(learner, alice):
    """A fit changes the curve's decay (the last of FSRS-6's parameters): readiness and recall now
    predict with the learner's curve, not the defaults'."""
    # Planned already today, so that the cards stay due after the exam and are forecast by the
    # curve alone.
    StudySettings.objects.filter(user=alice).update(exam_date=NOW.date() + timedelta(days=20),
                                                    planned_on=study_day(NOW, "UTC").date)
    for card in Card.objects.active():
        in_review(alice, card, stability=10, days_ago=5, due_in=200)

    def forecast():
        page = learner.get("/").content.decode()
        return int(re.search(r"about <strong>(\d+)%</strong>", page)[1])

    defaults = forecast()
    slower = list(DEFAULT_PARAMETERS[:20]) + [0.6]  # a steeper curve falls faster beyond stability
    StudySettings.objects.filter(user=alice).update(parameters=slower)
    study = StudySettings.objects.get(user=alice)
    assert study.memory_model().decay == -0.6
    assert forecast() < defaults
