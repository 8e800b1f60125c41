"""The statistics page: a year of answers, time, the forecast, true retention and the cards, in a
fixed number of queries however long the history."""

import re
from datetime import datetime, time, timedelta, timezone

import pytest
from django.core.cache import cache

from studyapp.notes.models import QuestionPattern
from studyapp.review.models import Card, ReviewDay, ReviewLog, ReviewState, StudySettings
from studyapp.review.scheduler import Phase

from tests.conftest import NOW

pytestmark = pytest.mark.django_db


def answered(user, card, day, rating, phase_before, stability, ms=6000, mode="flashcard"):
    return ReviewLog(user=user, card=card, rating=rating, day=day, duration_ms=ms, mode=mode,
                     reviewed_at=datetime.combine(day, time(12), tzinfo=timezone.utc), phase_before=phase_before,
                     state_before={"stability": stability})


def history(user, days: int, today=NOW.date()):
    """Each day before `today`: a new card learnt, a young review passed, a mature review failed,
    and a mock exam answer, which true retention leaves out."""
    card = Card.objects.active().first()
    logs = []
    for n in range(1, days + 1):
        day = today - timedelta(days=n)
        logs += [answered(user, card, day, 3, Phase.NEW, None), answered(user, card, day, 3, Phase.REVIEW, 4.0),
                 answered(user, card, day, 1, Phase.REVIEW, 40.0),
                 answered(user, card, day, 3, Phase.REVIEW, 40.0, mode="exam")]
    ReviewLog.objects.bulk_create(logs)


@pytest.fixture
def learner(client, alice, imported, clock):
    client.force_login(alice)
    StudySettings.objects.for_user(alice)
    return client


def test_the_statistics_page_totals_past_days_once_and_reads_them_as_a_row_each(learner, alice,
                                                                             django_assert_num_queries):
    history(alice, 40)
    QuestionPattern.objects.update(task="1.1")  # as a Task column would say
    # Today's answer, a mature card remembered, counted from the log itself until the day is over.
    ReviewLog.objects.bulk_create([answered(alice, Card.objects.active().first(), NOW.date(), 3, Phase.REVIEW, 30.0)])
    page = learner.get("/stats/").content.decode()
    assert ReviewDay.objects.filter(user=alice).count() == 40 and not ReviewDay.objects.filter(day=NOW.date()).exists()
    assert "161 answers on 41 days in the past year" in page
    assert page.count('class="heatmap"') == 1 and page.count("<rect") > 365
    assert 'id="recent-title"' in page and 'id="minutes-title"' in page and 'id="forecast-title"' in page
    # The last 30 days are today and 29 before: young cards passed 29 of 29; mature ones failed
    # every day but today (the mock exam answers left out).
    retention = re.search(r'<th scope="row">Last 30 days</th>(.*?)</tr>', page, re.S)[1]
    assert re.findall(r"(\d+)% <span class=\"muted\">of (\d+)", retention) == [("100", "29"), ("3", "30"), ("51", "59")]
    today = re.search(r'<th scope="row">Today</th>(.*?)</tr>', page, re.S)[1]
    assert re.findall(r"(\d+)% <span class=\"muted\">of (\d+)", today) == [("100", "1"), ("100", "1")]
    assert "—" in today  # no young card came due today
    domains = re.findall(r'<th scope="row">DEA-C01 (\d)\. [^<]+</th><td class="num">(\d+)</td><td class="num">(\d+)</td>', page)
    assert [number for number, _, _ in domains] == ["1", "2", "3", "4"]
    tasks = re.search(r'<th scope="row">1\.1 Perform data ingestion</th><td class="num">(\d+)</td>', page)
    assert tasks and int(tasks[1]) == Card.objects.active().filter(pattern__isnull=False).count()
    # Looked at again the same hour, with no answer since: where the cards stand is cached, and
    # the page reads the session and user, the settings, today's tally, the last day totalled, the
    # days since (none), the year's rows and today's answers.
    with django_assert_num_queries(8):
        learner.get("/stats/")


def test_a_longer_history_costs_the_page_no_more_queries(client, bob, imported, clock, django_assert_num_queries):
    client.force_login(bob)
    StudySettings.objects.for_user(bob)
    history(bob, 300)
    client.get("/stats/")
    assert ReviewDay.objects.filter(user=bob).count() == 300
    cache.clear()
    # Where the cards stand, read afresh: the forecast, the cards by state with their spreads, the
    # active cards, and for recall now the schedules, the cards' domains, the domains and the
    # cards' task statements.
    with django_assert_num_queries(15):
        page = client.get("/stats/").content.decode()
    assert "1200 answers on 300 days in the past year" in page
    with django_assert_num_queries(8):
        client.get("/stats/")
    # An answer changes where the cards stand: it is read afresh.
    ReviewLog.objects.bulk_create([answered(bob, Card.objects.active().first(), NOW.date(), 3, Phase.REVIEW, 30.0)])
    with django_assert_num_queries(15):
        assert "1201 answers" in client.get("/stats/").content.decode()
