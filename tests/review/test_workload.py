"""The settings page's workload forecast: the reviews cards already hold, plus those a pace of new
cards at a desired retention brings."""

import re
from datetime import timedelta

import pytest

from studyapp.review.models import Card, ReviewState, StudySettings
from studyapp.review.scheduler import Phase
from studyapp.review.workload import workload

from tests.conftest import NOW


def test_new_cards_bring_reviews_that_grow_with_the_pace_and_the_retention():
    quiet = workload([0] * 30, 0, 20, 0.90)
    assert quiet.per_day == [0] * 30
    steady = workload([0] * 30, 600, 20, 0.90)
    assert steady.per_day[0] == 0 < steady.per_day[-1]  # new cards come due from the next day on
    assert workload([0] * 30, 600, 20, 0.90) == steady  # seeded
    assert workload([0] * 30, 600, 40, 0.90).mean > steady.mean
    assert workload([0] * 30, 600, 20, 0.95).mean > steady.mean
    held = workload([7] * 30, 0, 20, 0.90)
    assert held.per_day == [7] * 30 and held.weeks == [(1, 7, 7), (8, 14, 7), (15, 21, 7), (22, 28, 7), (29, 30, 7)]


@pytest.mark.django_db
def test_the_settings_page_shows_the_workload_and_redraws_it_for_another_pace(
        client, alice, imported, clock, django_assert_num_queries):
    client.force_login(alice)
    card = Card.objects.active().first()
    ReviewState.objects.create(user=alice, card=card, phase=Phase.REVIEW, due=NOW + timedelta(days=2), stability=5,
                               difficulty=5, last_review=NOW - timedelta(days=3), reps=2)
    StudySettings.objects.for_user(alice)  # made on the learner's first visit
    # The session and user, the settings; the form's exams, domains and services (for its choices,
    # as it renders them, and the domains and services once more for any a note retired: 8); the
    # last fit and the count of answers; the workload's forecast and cards still new.
    with django_assert_num_queries(15):
        page = client.get("/review/settings/").content.decode()
    assert 'id="workload-summary"' in page and "a day over the next 30 days" in page
    assert page.count("<rect ") == 30
    # The session and user, the settings, the forecast and the cards still new.
    with django_assert_num_queries(5):
        fast = client.get("/review/settings/workload/?workload-new_per_day=9999&workload-desired_retention=0.97",
                          headers={"HX-Request": "true"}).content.decode()
    assert fast.startswith('\n<section id="workload"') or fast.lstrip().startswith('<section id="workload"')
    busiest = int(re.search(r"<strong>(\d+)</strong> on the busiest", fast)[1])
    assert busiest > int(re.search(r"<strong>(\d+)</strong> on the busiest", page)[1])
    # Out-of-range settings fall back to the saved ones, with the form saying what is wrong.
    wrong = client.get("/review/settings/workload/?workload-new_per_day=-3&workload-desired_retention=2").content.decode()
    assert "a day over the next 30 days" in wrong and wrong.count('class="error"') == 2


def test_with_an_exam_ahead_the_workload_runs_until_the_exam(client, alice, imported, clock):
    client.force_login(alice)
    StudySettings.objects.for_user(alice)
    StudySettings.objects.filter(user=alice).update(exam_date=NOW.date() + timedelta(days=45))
    page = client.get("/review/settings/").content.decode()
    assert "a day over the next 45 days, until your exam" in page and page.count("<rect ") == 45
    StudySettings.objects.filter(user=alice).update(exam_date=NOW.date() + timedelta(days=1))
    assert "over the next 2 days, until your exam" in client.get("/review/settings/").content.decode()
