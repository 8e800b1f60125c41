"""The notes' pages as a learner reads them: each service's figures, Review this service, Quiz me
on this service, and each section's cards, in a fixed number of queries."""

import re
from datetime import timedelta

import pytest

from studyapp.exams.models import Attempt, AttemptQuestion
from studyapp.review.models import Card, ReviewLog, ReviewState, StudySettings
from studyapp.review.scheduler import Phase

from tests.conftest import NOW, studied

pytestmark = pytest.mark.django_db


def cards_of(slug):
    return list(Card.objects.active().filter(services__slug=slug))


def weak(user, cards):
    """Cards met a month ago and barely remembered since: recall now far below a fresh card's."""
    ReviewState.objects.bulk_create(
        ReviewState(user=user, card=card, phase=Phase.REVIEW, stability=1, difficulty=8, reps=1,
                    due=NOW - timedelta(days=29), last_review=NOW - timedelta(days=30)) for card in cards)


def answer(user, card):
    """An answer today, as the tally counts it."""
    ReviewLog.objects.create(user=user, card=card, rating=3, reviewed_at=NOW, day=NOW.date(), duration_ms=0,
                             mode="flashcard", phase_before=Phase.NEW, state_before={})


@pytest.fixture
def learner(client, alice, imported, clock):
    client.force_login(alice)
    StudySettings.objects.for_user(alice)  # made on the learner's first visit
    return client


def services_by_domain(html):
    return [re.findall(r'<li><a href="/notes/services/([^/]+)/">', domain)
            for domain in re.findall(r'<section class="card".*?</section>', html, re.S)]


def test_a_visitor_reads_the_notes_without_study_figures(client, imported):
    html = client.get("/notes/").content.decode()
    assert "cards studied" not in html and "weakest first" not in html
    page = client.get("/notes/services/amazon-kinesis-data-streams/").content.decode()
    assert "Review this service" not in page and "Quiz me on this service" not in page


def test_the_notes_index_shows_each_services_figures_in_a_fixed_number_of_queries(
        learner, alice, django_assert_num_queries):
    studied(alice, cards_of("amazon-kinesis-data-streams"))
    weak(alice, cards_of("amazon-s3")[:3])
    # the session, the user, domains with pattern counts, their services, unassigned services,
    # documents, the learner's settings (their forgetting curve) and today's tally, the learner's
    # schedules, the cards of every service
    with django_assert_num_queries(10):
        html = learner.get("/notes/").content.decode()
    assert "2 of 2 cards studied · 0 mature · recall now 9" in re.sub(r"<[^>]+>|\n", "", html)
    assert "3 of 6 cards studied · 0 mature · recall now" in re.sub(r"<[^>]+>|\n", "", html)
    # Looked at again with no answer since: the figures are the cache's.
    with django_assert_num_queries(8):
        learner.get("/notes/")
    # An answer gives them a new key: read afresh, as many queries with more history.
    studied(alice, cards_of("aws-cloudtrail"))
    answer(alice, cards_of("aws-cloudtrail")[0])
    with django_assert_num_queries(10):
        html = learner.get("/notes/").content.decode()
    assert "1 of 1 card studied" in re.sub(r"<[^>]+>|\n", "", html)


def test_the_notes_index_puts_the_weakest_services_first_on_request(learner, alice):
    studied(alice, cards_of("aws-cloudtrail"))
    weak(alice, cards_of("amazon-s3"))
    by_name = services_by_domain(learner.get("/notes/").content.decode())
    weakest = services_by_domain(learner.get("/notes/?sort=weakest").content.decode())
    assert by_name == [["amazon-kinesis-data-streams"], ["amazon-s3"], [], ["aws-cloudtrail", "amazon-s3"]]
    # In domain 4, S3's cards are barely remembered and CloudTrail's fresh.
    assert weakest == [["amazon-kinesis-data-streams"], ["amazon-s3"], [], ["amazon-s3", "aws-cloudtrail"]]


def test_the_service_page_shows_the_learners_figures_and_both_actions(learner, alice, django_assert_num_queries):
    studied(alice, cards_of("amazon-kinesis-data-streams")[:1])
    # the session, the user, the service page's eight as a visitor sees it (tests/notes/test_views.py),
    # the learner's settings, schedules and the service's cards (the note itself made no cards, so
    # there are none of its own to mark as met)
    with django_assert_num_queries(13):
        html = learner.get("/notes/services/amazon-kinesis-data-streams/").content.decode()
    text = re.sub(r"<[^>]+>|\n", "", html)
    assert "Your study of Amazon Kinesis Data Streams" in text
    assert "1 of 2 cards studied · 0 mature · recall now" in text
    assert 'href="/review/?service=amazon-kinesis-data-streams">Review this service</a>' in html
    assert 'action="/exams/service/amazon-kinesis-data-streams/"' in html and "Quiz me on this service" in html


def test_review_this_service_shows_only_its_cards_within_the_days_limits(learner):
    everything = learner.get("/review/").content.decode()
    assert re.search(r'id="count-new">(\d+)<', everything)[1] == "11"
    html = learner.get("/review/?service=amazon-kinesis-data-streams").content.decode()
    assert "Reviewing" in html and ">Amazon Kinesis Data Streams</a> only" in html
    assert re.search(r'id="count-new">(\d+)<', html)[1] == "2"
    front = re.search(r'id="card-front"[^>]*>([^<]+)<', html)[1]
    assert front in {card.front for card in cards_of("amazon-kinesis-data-streams")}
    # The form answers within the same focus.
    assert 'action="/review/?service=amazon-kinesis-data-streams"' in html


def test_review_of_an_unknown_service_is_404(learner):
    assert learner.get("/review/?service=nope").status_code == 404


def test_quiz_me_starts_an_untimed_exam_from_the_services_questions(learner, alice):
    response = learner.post("/exams/service/amazon-kinesis-data-streams/")
    attempt = Attempt.objects.get(user=alice)
    assert response.status_code == 302 and response["Location"] == attempt.get_absolute_url()
    assert attempt.review and attempt.preset == Attempt.Preset.SERVICE
    keys = set(AttemptQuestion.objects.filter(attempt=attempt).values_list("bank_key", flat=True))
    assert keys and keys <= {card.key for card in cards_of("amazon-kinesis-data-streams")}


def test_a_quiz_on_a_service_without_questions_says_so(learner, alice):
    response = learner.post("/exams/service/amazon-s3/", follow=True)
    assert not Attempt.objects.filter(user=alice).exists()
    assert "There are no questions on Amazon S3 yet." in response.content.decode()


def test_each_section_lists_the_cards_it_made(learner, alice, django_assert_num_queries):
    slug = Card.objects.get(front="Replay records from the last 24 hours").source.slug
    studied(alice, Card.objects.filter(front="Replay records from the last 24 hours"))
    # the session, the user, the note, its sections, its backlinks, its cards, the learner's met ones among them
    with django_assert_num_queries(7):
        html = learner.get(f"/notes/docs/{slug}/").content.decode()
    cards = re.search(r'<details class="section-cards" id="streams-cards">(.*?)</details>', html, re.S)[1]
    assert "4 cards from this section" in cards
    assert re.search(r"Replay records from the last 24 hours <span class=\"tag\">studied</span>", cards)
    assert "Find which API calls a role made last week</li>" in cards
