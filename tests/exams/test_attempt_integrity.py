"""An attempt's answers and its score always agree, one kind of attempt is open at a time, and a
garbled answer is refused with a 400, not a server error."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from studyapp.exams import attempts
from studyapp.exams.models import Attempt, AttemptQuestion, BankQuestion
from studyapp.notes.models import Exam
from studyapp.review.models import Card, ReviewLog, ReviewState

from tests.conftest import NOW

from .test_attempts import right_choice, start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def learner(client, alice, clock):
    client.force_login(alice)
    return client


def test_an_answer_read_before_finishing_and_saved_after_it_is_refused(alice, imported):
    attempt = attempts.start(alice, Exam.objects.get(), "quick", NOW, 10, 20, seed=1)
    as_the_answer_read_it = Attempt.objects.get(pk=attempt.pk)
    question = attempt.questions.get(position=1)
    attempts.finish(attempt, NOW)  # "Finish", in another request, between the read and the save
    with pytest.raises(attempts.ExamClosed):
        attempts.answer(as_the_answer_read_it, question, right_choice(question), NOW)
    with pytest.raises(attempts.ExamClosed):
        attempts.flag(as_the_answer_read_it, question, NOW)
    question.refresh_from_db()
    assert question.chosen == [] and not question.flagged
    attempt.refresh_from_db()
    assert attempt.correct == 0


def test_an_answer_sent_at_the_moment_of_finish_is_in_the_score_or_refused(alice, imported, clock):
    """Each round sends the first question's right answer and "Finish" at once, from two clients:
    whichever wins, the score counts exactly the answers that were saved."""
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(alice)
    for round_ in range(8):
        attempt = start(clients[0], "quick")
        question = attempt.questions.get(position=1)
        barrier = threading.Barrier(2)

        def send(client, *request):
            try:
                barrier.wait()
                client.post(*request)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=send, args=(clients[0], f"/exams/{attempt.pk}/1/",
                                                {"choice": str(right_choice(question)[0])})),
            threading.Thread(target=send, args=(clients[1], f"/exams/{attempt.pk}/finish/", {"confirm": "1"})),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        attempt.refresh_from_db()
        saved = [q for q in attempt.questions.all() if q.chosen]
        assert attempt.finished and attempt.correct == sum(q.is_correct for q in saved), f"round {round_}"


def test_starting_an_exam_of_a_kind_already_open_resumes_it(learner, alice, imported):
    first = start(learner, "quick")
    response = learner.post("/exams/start/", {"preset": "quick"})
    assert response["Location"] == f"/exams/{first.pk}/1/"
    assert "already have this quick quiz in progress" in learner.get(response["Location"]).content.decode()
    assert Attempt.objects.filter(user=alice).count() == 1
    half = start(learner, "half")  # another kind starts as usual
    assert half.pk != first.pk and Attempt.objects.filter(user=alice).count() == 2


def test_abandoning_the_open_attempt_scores_it_as_it_stands_and_starts_another(learner, alice, imported):
    first = start(learner, "quick")
    question = first.questions.get(position=1)
    learner.post(f"/exams/{first.pk}/1/", {"choice": str(right_choice(question)[0])})
    second = start(learner, "quick", abandon="1")
    first.refresh_from_db()
    assert second.pk != first.pk and first.finished and first.correct == 1
    assert Attempt.objects.filter(user=alice).open_at(NOW).get() == second


def test_an_attempt_past_its_deadline_does_not_hold_up_a_new_one(learner, alice, imported, clock):
    first = start(learner, "quick")
    clock.shift(timedelta(minutes=first.minutes, seconds=1))
    assert start(learner, "quick").pk != first.pk


def test_clicks_from_many_tabs_at_once_open_one_attempt(alice, imported):
    """Ten clients press Start at the same moment, five times each: one attempt is opened."""
    clients = [Client() for _ in range(10)]
    for client in clients:
        client.force_login(alice)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def click(client):
        try:
            barrier.wait()
            statuses.extend(client.post("/exams/start/", {"preset": "quick"}).status_code for _ in range(5))
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 50
    assert Attempt.objects.filter(user=alice).count() == 1
    assert AttemptQuestion.objects.filter(user=alice).count() == Attempt.objects.get(user=alice).total


def test_a_retake_resumes_only_the_retake_of_the_same_attempt(learner, alice, imported):
    first = start(learner, "quick")
    learner.post(f"/exams/{first.pk}/finish/", {"confirm": "1"})
    second = start(learner, "half")
    learner.post(f"/exams/{second.pk}/finish/", {"confirm": "1"})
    retake_first = learner.post(f"/exams/{first.pk}/retake/")["Location"]
    retake_second = learner.post(f"/exams/{second.pk}/retake/")["Location"]
    assert retake_first != retake_second
    assert learner.post(f"/exams/{first.pk}/retake/")["Location"] == retake_first  # resumed
    assert Attempt.objects.filter(user=alice, preset="retake").count() == 2


def test_two_quick_clicks_on_flag_flag_and_unflag(learner, alice, imported):
    attempt = start(learner)
    question = attempt.questions.get(position=1)
    # Each click's request read the question unflagged before either saved.
    first_click, second_click = (AttemptQuestion.objects.get(pk=question.pk) for _ in range(2))
    attempts.flag(attempt, first_click, NOW)
    attempts.flag(attempt, second_click, NOW)
    assert not AttemptQuestion.objects.get(pk=question.pk).flagged


def test_the_exams_page_offers_to_resume_abandon_or_finish_an_open_attempt(learner, imported):
    attempt = start(learner, "quick")
    page = learner.get("/exams/").content.decode()
    assert f'href="/exams/{attempt.pk}/1/"' in page
    assert 'name="abandon"' in page and f'action="/exams/{attempt.pk}/finish/"' in page


@pytest.mark.parametrize("choice", ["²", "٣", "1" * 5000, "-1", "99", " 1", "1.0", "x"])
def test_a_choice_that_names_no_option_is_a_bad_request(learner, imported, choice):
    attempt = start(learner)
    response = learner.post(f"/exams/{attempt.pk}/1/", {"choice": choice})
    assert response.status_code == 400 and "not one of the options" in response.content.decode()
    assert attempt.questions.get(position=1).chosen == []


def test_a_practice_choice_that_names_no_option_is_a_bad_request(learner, alice, imported):
    # Cards with no multiple-choice question (too few answers of their kind) set aside.
    asked = BankQuestion.objects.filter(kind="single").values_list("key", flat=True)
    ReviewState.objects.bulk_create([ReviewState(user=alice, card=card, suspended=True)
                                     for card in Card.objects.exclude(key__in=asked)])
    page = learner.get("/exams/practice/").content.decode()
    ticket = page.split('name="ticket" value="', 1)[1].split('"', 1)[0]
    for choice in ["²", "1" * 5000, ""]:
        response = learner.post("/exams/practice/", {"ticket": ticket, "choice": choice})
        assert response.status_code == 400, choice
    assert not ReviewLog.objects.filter(user=alice).exists()


def test_finishing_with_questions_unanswered_or_flagged_asks_first_and_lists_them(learner, imported):
    attempt = start(learner, "quick")
    first = attempt.questions.get(position=1)
    learner.post(f"/exams/{attempt.pk}/1/", {"choice": [str(i) for i in right_choice(first)]})
    learner.post(f"/exams/{attempt.pk}/1/", {"flag": "1"})
    page = learner.post(f"/exams/{attempt.pk}/finish/")
    assert page.status_code == 200 and not Attempt.objects.get(pk=attempt.pk).finished
    html = page.content.decode()
    assert f"{attempt.total - 1} questions not answered" in html
    assert f'<a href="/exams/{attempt.pk}/2/">2</a>' in html  # each one a link back to it
    assert "1 question flagged for review" in html and f'<a href="/exams/{attempt.pk}/1/">1</a>' in html
    assert 'name="confirm"' in html  # "Finish anyway", a plain form: no JavaScript needed
    response = learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    assert response["Location"] == f"/exams/{attempt.pk}/results/"
    assert Attempt.objects.get(pk=attempt.pk).correct == 1


@pytest.mark.parametrize("flag", [False, True])
def test_finishing_with_only_unanswered_or_only_flagged_questions_goes_back_to_the_first(learner, imported, flag):
    attempt = start(learner, "quick")
    for question in attempt.questions.all():
        if question.position != 3:
            learner.post(f"/exams/{attempt.pk}/{question.position}/", {"choice": [str(i) for i in right_choice(question)]})
    if flag:
        learner.post(f"/exams/{attempt.pk}/3/", {"choice": [str(i) for i in right_choice(attempt.questions.get(position=3))]})
        learner.post(f"/exams/{attempt.pk}/3/", {"flag": "1"})
    page = learner.post(f"/exams/{attempt.pk}/finish/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/exams/{attempt.pk}/3/" autofocus>Go back to question 3</a>' in html
    assert ("1 question flagged for review" in html) == flag and ("not answered" in html) != flag


def test_finishing_with_every_question_answered_and_none_flagged_asks_nothing(learner, imported):
    attempt = start(learner, "quick")
    for question in attempt.questions.all():
        learner.post(f"/exams/{attempt.pk}/{question.position}/", {"choice": [str(i) for i in right_choice(question)]})
    response = learner.post(f"/exams/{attempt.pk}/finish/")
    assert response.status_code == 302 and Attempt.objects.get(pk=attempt.pk).finished


def test_finishing_after_the_time_is_up_asks_nothing(learner, imported, clock):
    attempt = start(learner, "quick")
    clock.shift(timedelta(minutes=attempt.minutes + 1))
    response = learner.post(f"/exams/{attempt.pk}/finish/")
    assert response.status_code == 302 and Attempt.objects.get(pk=attempt.pk).finished


def shown(html: str) -> list[int]:
    """The numbers of the questions a results page lists."""
    return [int(n) for n in re.findall(r'<li class="(?:right|wrong)" value="(\d+)">', html)]


def test_results_mark_flagged_questions_and_filter_to_wrong_flagged_or_one_domain(learner, imported):
    attempt = start(learner, "quick")
    first = attempt.questions.get(position=1)
    learner.post(f"/exams/{attempt.pk}/1/", {"choice": [str(i) for i in right_choice(first)]})
    learner.post(f"/exams/{attempt.pk}/2/", {"flag": "1"})
    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    url = f"/exams/{attempt.pk}/results/"

    everything = learner.get(url).content.decode()
    assert shown(everything) == list(range(1, attempt.total + 1))
    assert everything.count('class="flag-mark">Flagged<') == 1
    assert f"Wrong or unanswered ({attempt.total - 1})" in everything and "Flagged (1)" in everything

    # Each question keeps its number in the attempt.
    assert shown(learner.get(url, {"show": "wrong"}).content.decode()) == list(range(2, attempt.total + 1))
    assert shown(learner.get(url, {"show": "flagged"}).content.decode()) == [2]
    domain = first.domain.number
    in_domain = list(attempt.questions.filter(domain__number=domain).order_by("position")
                     .values_list("position", flat=True))
    assert shown(learner.get(url, {"show": f"domain-{domain}"}).content.decode()) == in_domain
    assert shown(learner.get(url, {"show": "nonsense"}).content.decode()) == list(range(1, attempt.total + 1))


def test_results_say_how_long_each_question_took_from_first_shown_to_last_answer(learner, imported, clock):
    attempt = start(learner, "quick")
    first = attempt.questions.get(position=1)
    learner.get(f"/exams/{attempt.pk}/1/")
    clock.shift(timedelta(seconds=50))
    learner.post(f"/exams/{attempt.pk}/1/", {"choice": [str(i) for i in right_choice(first, correct=False)]})
    learner.get(f"/exams/{attempt.pk}/2/")  # shown, never answered: no time
    clock.shift(timedelta(seconds=25))
    learner.get(f"/exams/{attempt.pk}/1/")  # seen again: its clock does not restart
    learner.post(f"/exams/{attempt.pk}/1/", {"choice": [str(i) for i in right_choice(first)]})
    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    html = learner.get(f"/exams/{attempt.pk}/results/").content.decode()
    assert html.count('class="time-taken">took 1:15<') == 1 and html.count('class="time-taken"') == 1
