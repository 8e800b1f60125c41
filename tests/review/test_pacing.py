"""An exam date: the home page counts down to it and paces the new cards to be met a week before."""

from datetime import date, timedelta

import pytest

from studyapp.review.models import Card, StudySettings
from studyapp.review.pacing import pace

from tests.conftest import NOW


def test_new_cards_are_paced_to_be_met_a_week_before_the_exam():
    today = date(2026, 12, 6)
    relaxed = pace(today, today + timedelta(days=37), 300, 20)
    assert (relaxed.days_left, relaxed.needed, relaxed.short, relaxed.unmet) == (37, 10, False, 0)
    tight = pace(today, today + timedelta(days=17), 300, 20)
    assert (tight.needed, tight.short, tight.unmet) == (30, True, 100)
    # In the last week every card still new is due at once.
    assert pace(today, today + timedelta(days=3), 50, 20).needed == 50
    assert pace(today, today + timedelta(days=30), 0, 20).needed == 0


@pytest.mark.django_db
def test_the_home_page_counts_down_to_the_exam_and_warns_of_a_pace_too_slow(client, alice, imported, clock):
    client.force_login(alice)
    StudySettings.objects.for_user(alice)
    assert 'id="exam-countdown"' not in client.get("/").content.decode()
    cards = Card.objects.active().count()
    StudySettings.objects.filter(user=alice).update(exam_date=NOW.date() + timedelta(days=8), new_per_day=1)
    page = client.get("/").content.decode()
    assert "<strong>8</strong> days to your exam" in page
    assert f"of the {cards} cards still new would not be met a week before the exam" in page
    assert f"<strong>{cards}</strong> a day meets them all in time" in page
    StudySettings.objects.filter(user=alice).update(new_per_day=cards)
    assert "at your" in client.get("/").content.decode()
    StudySettings.objects.filter(user=alice).update(exam_date=NOW.date() - timedelta(days=1))
    assert "has passed" in client.get("/").content.decode()
    response = client.post("/review/settings/", {"exam_date": "2027-01-20", "new_per_day": "20", "reviews_per_day": "200",
                                                 "learning_steps": "1m 10m", "relearning_steps": "10m",
                                                 "desired_retention": "0.9", "time_zone": "UTC"})
    assert response.status_code == 302 and StudySettings.objects.get(user=alice).exam_date == date(2027, 1, 20)
