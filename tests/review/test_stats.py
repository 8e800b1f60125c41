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
    # Looked at again the same hour, with no answer since, the page is the cache's: it reads only
    # the session and user, the settings and today's tally, which its key is made of.
    with django_assert_num_queries(4):
        learner.get("/stats/")


def test_a_longer_history_costs_the_page_no_more_queries(client, bob, imported, clock, django_assert_num_queries):
    client.force_login(bob)
    StudySettings.objects.for_user(bob)
    history(bob, 300)
    client.get("/stats/")
    assert ReviewDay.objects.filter(user=bob).count() == 300
    cache.clear()
    # Read afresh: the session and user, the settings, today's tally; the last day totalled, the
    # days since (none), the year's rows, today's answers; the forecast, the cards by state with
    # their spreads, the active cards; for recall now the schedules, the cards' domains, the
    # domains and the cards' task statements.
    with django_assert_num_queries(15):
        page = client.get("/stats/").content.decode()
    assert "1200 answers on 300 days in the past year" in page
    with django_assert_num_queries(4):
        client.get("/stats/")
    # An answer changes what the page shows: it is read afresh.
    ReviewLog.objects.bulk_create([answered(bob, Card.objects.active().first(), NOW.date(), 3, Phase.REVIEW, 30.0)])
    with django_assert_num_queries(15):
        assert "1201 answers" in client.get("/stats/").content.decode()
    # So does a mock exam answer, which changes schedules but counts against no daily limit.
    ReviewLog.objects.bulk_create([answered(bob, Card.objects.active().first(), NOW.date(), 3, Phase.REVIEW, 30.0,
                                            mode="exam")])
    with django_assert_num_queries(15):
        assert "1202 answers" in client.get("/stats/").content.decode()
    # And fitted parameters put in use, which change recall now.
    StudySettings.objects.filter(user=bob).update(parameters=[0.3] * 20 + [0.2])
    with django_assert_num_queries(15):
        client.get("/stats/")


def test_the_page_covers_one_exam_domain_or_task_statement_when_asked(learner, alice, django_assert_num_queries):
    in_one = Card.objects.active().filter(domains__number=1).first()
    in_two = Card.objects.active().filter(domains__number=2).exclude(domains__number=1).first()
    yesterday = NOW.date() - timedelta(days=1)
    ReviewLog.objects.bulk_create([answered(alice, in_one, yesterday, 3, Phase.NEW, None),
                                   answered(alice, in_two, yesterday, 3, Phase.NEW, None),
                                   answered(alice, in_two, yesterday, 1, Phase.REVIEW, 5.0)])
    QuestionPattern.objects.filter(cards=in_one).update(task="1.1")
    page = learner.get("/stats/").content.decode()
    assert "3 answers on 1 day in the past year" in page
    # Every exam, domain and task statement of the exam guide can be chosen.
    assert '<option value="DEA-C01">All of DEA-C01</option>' in page
    assert '<option value="DEA-C01/2">2. ' in page and '<option value="DEA-C01/1.1">' in page
    assert 'hx-get="/exams/calibration/"' in page  # forecast beside score, from the exams

    one = learner.get("/stats/?cards=DEA-C01/1").content.decode()
    assert "<h1>Statistics: DEA-C01 1. " in one and "1 answer on 1 day in the past year" in one
    assert '<option value="DEA-C01/1" selected>' in one
    assert re.findall(r'<th scope="row">DEA-C01 (\d)\. ', one) == ["1"]  # only its own domain's row
    assert ReviewDay.objects.get(user=alice, scope="DEA-C01/1").learning == 1
    two = learner.get("/stats/?cards=DEA-C01/2").content.decode()
    assert "2 answers on 1 day" in two and 'id="retention"' in two
    in_two.domains.add(in_one.domains.get(number=1))  # domain 1 now has a card outside task 1.1
    task = learner.get("/stats/?cards=DEA-C01/1.1").content.decode()
    assert "1 answer on 1 day" in task and "<h1>Statistics: DEA-C01 1.1 " in task
    assert in_one.exam.code == in_two.exam.code == "DEA-C01"
    assert "3 answers on 1 day" in learner.get("/stats/?cards=DEA-C01").content.decode()
    # A scope looked at again costs one more query than every card: the scope itself.
    with django_assert_num_queries(5):
        learner.get("/stats/?cards=DEA-C01/1")
    # On a task statement's page, its domain's row counts that task's cards only.
    in_task = Card.objects.active().filter(domains__number=1, pattern__task="1.1").count()
    row = re.search(r'<th scope="row">DEA-C01 1\. [^<]+</th><td class="num">(\d+)</td>', task)
    assert int(row[1]) == in_task < Card.objects.active().filter(domains__number=1).count()
    # Each scope has one key: no other spelling of it makes rows of its own.
    for unknown in ["NOPE", "DEA-C01/9", "DEA-C01/1.9", "DEA-C01/x", "DEA-C01/02", "DEA-C01/\u00b2", "%00",
                    "DEA-C01/1.1.1", "DEA-C01/" + "1" * 70]:
        assert learner.get("/stats/", {"cards": unknown}).status_code == 404
    assert set(ReviewDay.objects.filter(user=alice).values_list("scope", flat=True)) == {
        "", "DEA-C01", "DEA-C01/1", "DEA-C01/2", "DEA-C01/1.1"}



def test_a_new_card_set_aside_counts_as_suspended_not_as_new(learner, alice):
    before = re.search(r'<th scope="row">New</th><td class="num">(\d+)</td>', learner.get("/stats/").content.decode())
    ReviewState.objects.create(user=alice, card=Card.objects.active().first(), phase=Phase.NEW, suspended=True)
    cache.clear()  # setting a card aside changes no key of the page's: the hour would
    page = learner.get("/stats/").content.decode()
    assert int(re.search(r'<th scope="row">New</th><td class="num">(\d+)</td>', page)[1]) == int(before[1]) - 1
    assert re.search(r'<th scope="row">Suspended</th><td class="num">1</td>', page)


def test_the_year_and_the_forecast_have_tables_of_the_same_numbers(learner, alice):
    history(alice, 40)
    for days in (0, 3, 10):  # due today, in the first week and in the second
        card = Card.objects.active().exclude(states__user=alice).first()
        ReviewState.objects.create(user=alice, card=card, phase=Phase.REVIEW, stability=5, difficulty=5,
                                   last_review=NOW - timedelta(days=1), due=NOW + timedelta(days=days), reps=2)
    page = learner.get("/stats/").content.decode()
    year = re.search(r'<table class="data" id="year-table">(.*?)</table>', page, re.S)[1]
    months = re.findall(r'<th scope="row">(\w+ \d{4})</th><td class="num">(\d+)</td><td class="num">(\d+)</td>', year)
    assert len(months) == 13 and months[0][0] == "March 2026"  # NOW is 2 March 2026: this month first
    assert sum(int(answers) for _, answers, _ in months) == 160 and sum(int(d) for _, _, d in months) == 40
    forecast = re.search(r'<table class="data compact" id="forecast-table">(.*?)</table>', page, re.S)[1]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', forecast)
    assert rows[:3] == [("Today and overdue", "1"), ("3 Mar to 9 Mar", "1"), ("10 Mar to 16 Mar", "1")]
    assert len(rows) == 1 + 13
