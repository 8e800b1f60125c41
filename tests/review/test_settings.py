"""The study settings page: limits, steps, retention, time zone and what to study."""

from datetime import timedelta

import pytest

from studyapp.notes.models import Domain, Exam, Service
from studyapp.review import queue
from studyapp.review.models import Card, StudySettings
from studyapp.review.scheduler import Phase

from tests.conftest import NOW

from .conftest import grade, show
from .test_dashboard import place

pytestmark = pytest.mark.django_db(transaction=True)


def form_data(**changes):
    data = {"new_per_day": "20", "reviews_per_day": "200", "learning_steps": "1m 10m", "relearning_steps": "10m",
            "desired_retention": "0.90", "time_zone": "UTC"}
    return {**data, **changes}


def test_it_shows_anki_defaults(learner):
    html = learner.get("/review/settings/").content.decode()
    assert 'value="20"' in html and 'value="200"' in html and 'value="1m 10m"' in html and 'value="10m"' in html
    assert 'value="0.9"' in html


def test_it_saves_new_limits_and_steps(learner, alice):
    response = learner.post("/review/settings/", form_data(new_per_day="5", learning_steps="30s 5m 1h",
                                                           desired_retention="0.85", time_zone="Europe/Berlin"))
    assert response.status_code == 302
    study = StudySettings.objects.get(user=alice)
    assert (study.new_per_day, study.learning_steps, study.desired_retention, study.time_zone) == (
        5, [30, 300, 3600], 0.85, "Europe/Berlin")
    assert show(learner).counts[0] == 5
    assert show(learner).intervals[0] == "&lt;1m"  # Again goes back to the 30-second first step


def test_it_explains_what_it_cannot_accept(learner, alice):
    response = learner.post("/review/settings/", form_data(learning_steps="1m soon", desired_retention="0.5",
                                                           time_zone="Mars/Olympus"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "“soon” is not a step" in html and "greater than or equal to 0.7" in html
    assert "Select a valid choice" in html
    assert StudySettings.objects.get(user=alice).learning_steps == [60, 600]


def test_choosing_a_domain_limits_the_queue_to_it(learner, alice):
    domain = Domain.objects.get(number=4)
    learner.post("/review/settings/", form_data(domains=[domain.pk]))
    in_domain = Card.objects.active().filter(domains=domain).count()
    assert in_domain > 0
    page = show(learner)
    assert page.counts[0] == in_domain
    assert Card.objects.get(key=page.card).domains.filter(pk=domain.pk).exists()


def test_choosing_a_service_limits_the_queue_to_its_cards(learner, alice):
    service = Service.objects.get(name="Amazon Kinesis Data Streams")
    learner.post("/review/settings/", form_data(services=[service.pk]))
    keys = set(Card.objects.active().filter(services=service).values_list("key", flat=True))
    page, seen = show(learner), set()
    while page.card:
        seen.add(page.card)
        page = grade(learner, page, 4)
    assert seen == keys and keys


def test_choosing_an_exam_limits_new_cards_and_reviews_to_its_cards(learner, alice, clock):
    exam = Exam.objects.get()
    other = Exam.objects.create(code="OTHER-01", title="Another exam")
    cards = list(Card.objects.active().order_by("position", "key"))
    elsewhere = {card.pk for card in cards[::2]}
    Card.objects.filter(pk__in=elsewhere).update(exam=other)
    for card in cards[:4]:  # two reviews due for each exam
        place(alice, card, Phase.REVIEW, NOW - timedelta(hours=1))
    learner.post("/review/settings/", form_data(exams=[exam.pk]))
    new_in_exam = sum(card.pk not in elsewhere for card in cards[4:])
    assert 0 < new_in_exam and show(learner).counts == (min(20, new_in_exam), 0, 2)
    page, seen = show(learner), set()
    while page.card:
        seen.add(page.card)
        page = grade(learner, page, 4)
    assert seen and not {card.key for card in cards if card.pk in elsewhere} & seen


def test_a_learner_without_a_scope_gets_the_same_queue_from_the_statement_without_one(learner, alice, clock):
    # The queue leaves the scope out of its statements for a learner who chose none (it plans
    # much faster on PostgreSQL): what it finds must not change.
    cards = list(Card.objects.active().order_by("position", "key"))
    for card in cards[:3]:
        place(alice, card, Phase.REVIEW, NOW - timedelta(hours=1))
    study = StudySettings.objects.for_user(alice)
    queue.tally(study, NOW.date())
    assert study.scoped is False
    day_end = NOW + timedelta(hours=12)
    without = queue.session_queue(study, NOW, NOW + timedelta(minutes=20), day_end, 20)
    study.scoped = True
    assert queue.session_queue(study, NOW, NOW + timedelta(minutes=20), day_end, 20) == without
    assert (without.review, without.new) == (3, min(20, len(cards) - 3))

    learner.post("/review/settings/", form_data(services=[Service.objects.get(name="Amazon Kinesis Data Streams").pk]))
    study = StudySettings.objects.for_user(alice)
    queue.tally(study, NOW.date())
    assert study.scoped is True
