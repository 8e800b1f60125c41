"""The dashboard at / for a logged-in learner."""

import re
from datetime import date, timedelta

import pytest

from studyapp.review.models import Card, ReviewLog, ReviewState, StudySettings
from studyapp.review.scheduler import Phase

from tests.conftest import NOW

from .conftest import grade, show

pytestmark = pytest.mark.django_db(transaction=True)


def figures(client):
    html = client.get("/").content.decode()
    stats = {name: int(value) for name, value in re.findall(r'id="([a-z-]+)">(\d+)<', html)}
    forecast = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', html)]
    return stats, forecast


def place(user, card, phase, due):
    ReviewState.objects.create(user=user, card=card, phase=phase, due=due, stability=2.0, difficulty=5.0,
                               last_review=due - timedelta(days=2), reps=2, step=0 if phase != Phase.REVIEW else None)


def log(user, card, day):
    ReviewLog.objects.create(user=user, card=card, rating=3, reviewed_at=NOW, day=day, duration_ms=1000,
                             phase_before=Phase.REVIEW, state_before={})


def test_visitors_get_the_notes_front_page(client, imported):
    html = client.get("/").content.decode()
    assert "Your exams" in html and "Create an account" in html


def test_it_shows_what_is_due_now_today_and_in_the_next_days(learner, alice, django_assert_num_queries):
    cards = list(Card.objects.active()[:8])
    place(alice, cards[0], Phase.REVIEW, NOW - timedelta(days=3))        # overdue: due now
    place(alice, cards[1], Phase.REVIEW, NOW + timedelta(hours=10))      # later today, before 04:00
    place(alice, cards[2], Phase.LEARNING, NOW - timedelta(minutes=2))   # learning, due now
    place(alice, cards[3], Phase.LEARNING, NOW + timedelta(hours=2))     # learning, later today
    place(alice, cards[4], Phase.REVIEW, NOW + timedelta(days=1))        # tomorrow
    place(alice, cards[5], Phase.REVIEW, NOW + timedelta(days=1, hours=5))
    place(alice, cards[6], Phase.REVIEW, NOW + timedelta(days=3))
    place(alice, cards[7], Phase.REVIEW, NOW + timedelta(days=30))
    StudySettings.objects.for_user(alice)
    # session, user, settings, today's tally, one statement for the due counts, the forecast and the
    # new cards left, the study days
    with django_assert_num_queries(6):
        stats, forecast = figures(learner)
    assert stats == {"due-now": 3, "due-today": 4, "new-left": min(20, Card.objects.active().count() - 8),
                     "answers-today": 0, "streak": 0}
    assert forecast == [2, 0, 1, 0, 0, 0, 0]


def test_it_counts_todays_reviews_and_the_streak(learner, alice):
    card = Card.objects.active().first()
    for days_ago in (1, 2, 3, 5):
        log(alice, card, date(2026, 3, 2) - timedelta(days=days_ago))
    stats, _ = figures(learner)
    assert stats["streak"] == 3 and stats["answers-today"] == 0
    page = show(learner)
    grade(learner, page, 3)
    grade(learner, show(learner), 3)
    stats, _ = figures(learner)
    assert stats["streak"] == 4 and stats["answers-today"] == 2
    assert stats["new-left"] == min(20, Card.objects.active().count()) - 2


def test_the_day_turns_at_four_in_the_learners_time_zone(learner, alice, clock):
    StudySettings.objects.for_user(alice)
    StudySettings.objects.filter(user=alice).update(time_zone="America/New_York")
    clock.move_to(NOW.replace(hour=7), tick=False)  # 02:00 in New York: still yesterday's study day
    grade(learner, show(learner), 3)
    assert ReviewLog.objects.get(user=alice).day == date(2026, 3, 1)
