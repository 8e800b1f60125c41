"""Mock exams: presets, the server's clock, scoring, retakes, and answers feeding the schedule."""

import re
import sqlite3
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.db.migrations.executor import MigrationExecutor

from studyapp.exams import attempts, drawing, scoring
from studyapp.exams.bank import load_bank
from studyapp.exams.kinds import compatible
from studyapp.exams.presets import PRESETS
from studyapp.exams.models import Attempt, AttemptQuestion, BankQuestion
from studyapp.notes.models import Domain, Exam
from studyapp.review.models import Card, ReviewLog, ReviewState, StudySettings

from tests.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def learner(client, alice, clock):
    client.force_login(alice)
    return client


def start(client, preset="quick", **fields):
    response = client.post("/exams/start/", {"preset": preset, **fields})
    assert response.status_code == 302, response
    pk = int(response["Location"].split("/")[2])
    return Attempt.objects.get(pk=pk)


def right_choice(question, correct=True):
    return [i for i, o in enumerate(question.options) if o["correct"] == correct][:question.choose]


def test_exam_pages_need_a_login_and_belong_to_their_learner(client, alice, bob, imported, clock):
    client.force_login(alice)
    attempt = start(client)
    client.logout()
    for url in ["/exams/", "/exams/practice/", f"/exams/{attempt.pk}/1/", f"/exams/{attempt.pk}/results/"]:
        assert client.get(url)["Location"].startswith("/accounts/login/?next=")
    client.force_login(bob)
    assert client.get(f"/exams/{attempt.pk}/1/").status_code == 404
    assert client.post(f"/exams/{attempt.pk}/1/", {"choice": "0"}).status_code == 404
    assert client.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"}).status_code == 404
    assert client.get(f"/exams/{attempt.pk}/results/").status_code == 404
    assert client.post(f"/exams/{attempt.pk}/retake/").status_code == 404
    assert not AttemptQuestion.objects.exclude(chosen=[]).exists()


def test_an_attempt_or_question_number_past_64_bits_is_not_found(learner, imported):
    # No row can hold such a number: it finds nothing, as the ORM's lookups do, rather than reach
    # SQLite, which raises OverflowError on it.
    attempt = start(learner)
    assert learner.get(f"/exams/{2**64}/1/").status_code == 404
    assert learner.get(f"/exams/{attempt.pk}/{2**64}/").status_code == 404
    assert learner.post(f"/exams/{2**64}/finish/").status_code == 404


def test_answers_are_saved_as_they_are_clicked_and_kept_on_reload(learner, imported, clock, django_assert_num_queries):
    attempt = start(learner)
    question = attempt.questions.get(position=1)
    # The first time a question is shown it records when (one UPDATE), and only then.
    learner.get(f"/exams/{attempt.pk}/1/")
    # session, user, the attempt, every question's progress, the question answered; BEGIN, the
    # attempt again under its lock (it may have been finished since), save the answer, COMMIT
    with django_assert_num_queries(9):
        response = learner.post(f"/exams/{attempt.pk}/1/", {"choice": str(right_choice(question)[0])},
                                headers={"HX-Request": "true"})
    assert b'id="progress"' in response.content and b"<html" not in response.content
    assert f"1 of {attempt.total} answered" in response.content.decode()
    clock.shift(timedelta(minutes=7))
    page = learner.get(f"/exams/{attempt.pk}/1/").content.decode()
    assert re.search(r'name="choice" value="\d+" checked', page)
    remaining = int(re.search(r'data-remaining="(\d+)"', page).group(1))
    assert remaining == attempt.minutes * 60 - 7 * 60  # the clock did not restart


def test_flagging_toggles_and_shows_in_the_navigator(learner, imported):
    attempt = start(learner)
    learner.post(f"/exams/{attempt.pk}/2/", {"flag": "1"}, headers={"HX-Request": "true"})
    assert attempt.questions.get(position=2).flagged
    page = learner.get(f"/exams/{attempt.pk}/2/").content.decode()
    assert 'class="flagged" aria-current="page">2<span class="visually-hidden">, not answered, flagged' in page
    assert "Unflag" in page


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_is_scored_as_it_stood(learner, imported, clock):
    attempt = start(learner)
    first = attempt.questions.get(position=1)
    learner.post(f"/exams/{attempt.pk}/1/", {"choice": str(right_choice(first)[0])})
    clock.shift(timedelta(minutes=attempt.minutes, seconds=1))
    second = attempt.questions.get(position=2)
    response = learner.post(f"/exams/{attempt.pk}/2/", {"choice": str(right_choice(second)[0])},
                            headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"/exams/{attempt.pk}/results/"
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline and attempt.correct == 1
    assert attempt.questions.get(position=2).chosen == []


def test_opening_an_attempt_past_its_deadline_finishes_it(learner, imported, clock):
    attempt = start(learner)
    clock.shift(timedelta(hours=5))
    response = learner.get(f"/exams/{attempt.pk}/3/")
    assert response["Location"] == f"/exams/{attempt.pk}/results/"
    attempt.refresh_from_db()
    assert attempt.finished_at == attempt.deadline and attempt.correct == 0 and attempt.scaled_score == 100


def test_results_show_the_score_each_domain_and_every_explanation(learner, imported, clock):
    attempt = start(learner)
    questions = list(attempt.questions.all())
    for question in questions[:3]:
        learner.post(f"/exams/{attempt.pk}/{question.position}/", {"choice": right_choice(question)})
    learner.post(f"/exams/{attempt.pk}/4/", {"choice": right_choice(questions[3], correct=False)})
    clock.shift(timedelta(minutes=4, seconds=5))
    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    html = learner.get(f"/exams/{attempt.pk}/results/").content.decode()
    assert f"3 / {attempt.total}" in html and "4:05" in html and "estimate" in html
    assert re.search(r'id="verdict">(At or above|Below) the pass line of 720', html)
    for question in questions:
        for option in question.options:
            assert option["explanation"].replace("'", "&#x27;").replace("“", "“")[:20] in html
    assert html.count("Your answer") == 4 and "Read the note" in html
    rows = re.findall(r'<th scope="row">(\d)\. [^<]+</th>\s*<td class="num">(\d+) / (\d+)</td>', html)
    assert sum(int(total) for _, _, total in rows) == attempt.total


def test_finishing_counts_each_answer_as_a_review_of_its_studied_card(learner, alice, imported):
    attempt = start(learner)
    singles = list(attempt.questions.filter(kind="single").order_by("position")[:2])
    right, wrong = singles
    for question in singles:  # studied a few days ago, due next week
        ReviewState.objects.create(user=alice, card=Card.objects.get(key=question.card_keys[0]), phase=2,
                                   due=NOW + timedelta(days=7), stability=10, difficulty=5,
                                   last_review=NOW - timedelta(days=3), reps=2)
    learner.post(f"/exams/{attempt.pk}/{right.position}/", {"choice": right_choice(right)})
    learner.post(f"/exams/{attempt.pk}/{wrong.position}/", {"choice": right_choice(wrong, correct=False)})
    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    logs = {log.card.key: log for log in ReviewLog.objects.filter(user=alice).select_related("card")}
    assert {key: (log.rating, log.mode) for key, log in logs.items()} == {
        right.card_keys[0]: (3, "exam"), wrong.card_keys[0]: (1, "exam")}
    assert ReviewState.objects.get(user=alice, card__key=right.card_keys[0]).reps == 3
    assert ReviewState.objects.get(user=alice, card__key=wrong.card_keys[0]).due < NOW + timedelta(days=1)
    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})  # finishing again changes nothing
    assert ReviewLog.objects.filter(user=alice).count() == 2
    page = learner.get("/review/").content.decode()
    new_cards = Card.objects.active().count() - 2
    assert f'id="count-new">{min(20, new_cards)}<' in page  # exam answers do not use up the daily limits


def test_answers_on_cards_never_studied_leave_them_new_and_nothing_due(learner, alice, imported):
    # A diagnostic exam on the first day: right or wrong, no card the learner has not studied
    # becomes due, and the day's new cards are as they were.
    attempt = start(learner)
    for question in attempt.questions.order_by("position"):
        learner.post(f"/exams/{attempt.pk}/{question.position}/",
                     {"choice": right_choice(question, correct=question.position % 2 == 0)})
    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    assert not ReviewLog.objects.filter(user=alice).exists()
    assert not ReviewState.objects.filter(user=alice).exclude(phase=0).exists()
    page = learner.get("/review/").content.decode()
    assert 'id="count-review">0<' in page and 'id="count-learning">0<' in page
    assert f'id="count-new">{min(20, Card.objects.active().count())}<' in page
    # The cards answered wrong come first of the new cards, in the order of the exam's questions.
    missed = list(dict.fromkeys(key for q in attempt.questions.order_by("position") if q.position % 2
                                for key in q.card_keys))
    right = {key for q in attempt.questions.all() if not q.position % 2 for key in q.card_keys} - set(missed)
    assert missed and f'data-card="{missed[0]}"' in page
    assert set(ReviewState.objects.filter(user=alice, due__isnull=False).values_list("card__key", flat=True)) \
        == set(missed)
    for key in missed[:3]:
        page = learner.get("/review/").content.decode()
        ticket = re.search(r'name="ticket" value="([^"]+)"', page)[1]
        assert f'data-card="{key}"' in page
        learner.post("/review/", {"ticket": ticket, "grade": "3"})
    assert not ReviewState.objects.filter(user=alice, card__key__in=right).exists()


def test_review_mode_is_untimed_shows_each_answer_once_and_counts_as_practice(learner, alice, imported, clock):
    response = learner.post("/exams/start/", {"preset": "quick", "review": "1"})
    attempt = Attempt.objects.get()
    assert attempt.review and attempt.deadline == NOW + attempts.REVIEW_MODE_OPEN
    first = next(q for q in attempt.questions.order_by("position") if len(q.card_keys) == 1)
    card = Card.objects.get(key=first.card_keys[0])
    ReviewState.objects.create(user=alice, card=card, phase=2, due=NOW + timedelta(days=7), stability=10,
                               difficulty=5, last_review=NOW - timedelta(days=3), reps=2)  # studied lately
    here = f"/exams/{attempt.pk}/{first.position}/"
    page = learner.get(here).content.decode()
    assert "Review mode: untimed" in page and 'id="timer"' not in page and "Check the answer" in page
    assert 'hx-trigger="change"' not in page  # nothing is saved, and so shown, before the learner asks

    wrong = right_choice(first, correct=False)
    response = learner.post(here, {"choice": wrong, "save": "1"})
    page = learner.get(response["Location"]).content.decode()
    assert 'id="verdict"' in page and "Wrong" in page and "Check the answer" not in page
    for option in first.options:
        assert option["explanation"].replace("'", "&#x27;")[:20] in page
    # The answer shown is final: a second choice changes nothing.
    learner.post(here, {"choice": right_choice(first), "save": "1"})
    first.refresh_from_db()
    assert first.chosen == sorted(wrong)

    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    assert list(ReviewLog.objects.filter(user=alice).values_list("card__key", "rating", "mode")) == [
        (card.key, 1, "choice")]
    # Kept apart from timed quizzes on the trend.
    timed = start(learner, "quick")
    learner.post(f"/exams/{timed.pk}/finish/", {"confirm": "1"})
    again = learner.post("/exams/start/", {"preset": "quick", "review": "1"})
    learner.post(again["Location"].rsplit("/", 2)[0] + "/finish/", {"confirm": "1"})
    index = learner.get("/exams/").content.decode()
    assert "Quick quiz, review mode" in index


def test_retaking_the_missed_questions(learner, imported):
    attempt = start(learner)
    first = attempt.questions.get(position=1)
    learner.post(f"/exams/{attempt.pk}/1/", {"choice": right_choice(first)})
    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    response = learner.post(f"/exams/{attempt.pk}/retake/")
    again = Attempt.objects.exclude(pk=attempt.pk).get()
    assert response["Location"] == f"/exams/{again.pk}/1/"
    assert again.retake_of == attempt and again.total == attempt.total - 1
    assert first.bank_key not in set(again.questions.values_list("bank_key", flat=True))


def test_the_history_lists_past_attempts_and_a_trend_for_each_kind_of_exam(learner, alice, imported):
    StudySettings.objects.for_user(alice)
    StudySettings.objects.filter(user=alice).update(time_zone="Asia/Tokyo")
    for preset in ["quick", "quick", "half"]:
        attempt = start(learner, preset)
        learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    for _ in range(2):  # custom exams of domain 1, named by it
        attempt = start(learner, "custom", questions=2, minutes=5, domains=[Domain.objects.get(number=1).pk])
        learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    ongoing = start(learner)
    html = learner.get("/exams/").content.decode()
    assert html.count("Results</a>") == 5 and f"/exams/{ongoing.pk}/1/" in html
    # Quizzes are compared with quizzes; a single half exam makes no line.
    assert html.count('<figure class="card trend"') == 2
    assert "<strong>Quick quiz</strong>: your last 2 scaled scores" in html
    assert "<strong>Custom, domain 1</strong>: your last 2 scaled scores" in html
    assert html.count('class="score-line"') == 2 + 1 and "the pass line is 720</title>" in html
    # And every timed attempt's score beside the score forecast for it, oldest first.
    assert html.count('class="forecast-line"') == 1
    assert "Your last 5 timed mock exams: 0% right against" in html
    # Times in the learner's own zone: NOW is 09:00 UTC, 18:00 in Tokyo.
    assert "Started (Asia/Tokyo)" in html and "2 Mar 2026, 18:00" in html


def test_draw_prefers_weak_cards_then_unseen_questions(alice, imported):
    exam = Exam.objects.get()
    keys = list(BankQuestion.objects.filter(kind="single").values_list("key", flat=True))
    weak = Card.objects.get(key=keys[-1])
    ReviewState.objects.create(user=alice, card=weak, phase=2, due=NOW, lapses=3, stability=1, difficulty=8)
    drawn = drawing.draw(alice, exam, 1, list(exam.domains.filter(questions__key=weak.key)), NOW, seed=1)
    assert drawn == [weak.key]


def test_the_scaled_score_estimate_puts_seventy_percent_at_the_pass_line(imported):
    exam = Exam.objects.get()
    assert [scoring.scaled_score(n, 100, exam) for n in (0, 35, 70, 85, 100)] == [100, 410, 720, 860, 1000]


def test_multiple_choice_review_grades_right_as_good_and_wrong_as_again(learner, alice, imported):
    asked = BankQuestion.objects.filter(kind="single").first()
    ReviewState.objects.create(user=alice, card=Card.objects.get(key=asked.key), phase=2, due=NOW - timedelta(days=1),
                               stability=3, difficulty=5, last_review=NOW - timedelta(days=4), reps=2)
    page = learner.get("/exams/practice/").content.decode()
    ticket = re.search(r'name="ticket" value="([^"]+)"', page).group(1)
    key = re.search(r'data-card="([0-9a-f]+)"', page).group(1)
    question = BankQuestion.objects.get(key=key)
    wrong = next(i for i, o in enumerate(question.options) if not o["correct"])
    response = learner.post("/exams/practice/", {"ticket": ticket, "choice": str(wrong)}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Not quite." in html and "You chose" in html
    log = ReviewLog.objects.get(user=alice)
    assert (log.card.key, log.rating, log.mode) == (key, 1, "choice")
    again = learner.post("/exams/practice/", {"ticket": ticket, "choice": str(wrong)}, headers={"HX-Request": "true"})
    assert ReviewLog.objects.filter(user=alice).count() == 1 and again.status_code == 200


def test_questions_drawn_before_the_choose_column_learn_it_from_their_options(learner, imported):
    attempt = start(learner)
    executor = MigrationExecutor(connection)
    executor.migrate([("exams", "0002_attempt_question_keys")])
    try:
        old = executor.loader.project_state([("exams", "0002_attempt_question_keys")]).apps
        two_right = [{"text": t, "correct": t != "c", "explanation": ""} for t in "abc"]
        old.get_model("exams", "AttemptQuestion").objects.filter(attempt_id=attempt.pk, position=1).update(
            options=two_right)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    chooses = dict(AttemptQuestion.objects.filter(attempt=attempt).values_list("position", "choose"))
    assert chooses[1] == 2
    assert all(chooses[q.position] == len(q.right) for q in attempt.questions.all())


def test_the_navigator_marks_each_question_for_eyes_and_screen_readers(learner, imported):
    attempt = start(learner)
    first = attempt.questions.get(position=1)
    learner.post(f"/exams/{attempt.pk}/1/", {"choice": [str(i) for i in right_choice(first)]})
    learner.post(f"/exams/{attempt.pk}/2/", {"choice": "0"})
    learner.post(f"/exams/{attempt.pk}/2/", {"flag": "1"})
    page = learner.get(f"/exams/{attempt.pk}/2/").content.decode()
    assert (f'<li><a href="/exams/{attempt.pk}/1/" class="answered">1<span class="visually-hidden">, answered</span>'
            f'</a></li><li><a href="/exams/{attempt.pk}/2/" class="answered flagged" aria-current="page">2'
            '<span class="visually-hidden">, answered, flagged</span></a></li>'
            f'<li><a href="/exams/{attempt.pk}/3/" class="">3<span class="visually-hidden">, not answered</span>'
            '</a></li>') in page


def test_questions_drawn_before_the_learner_column_learn_it_from_their_attempt(learner, alice, bob, imported):
    mine = start(learner)
    learner.force_login(bob)
    theirs = start(learner)
    executor = MigrationExecutor(connection)
    executor.migrate([("exams", "0004_bank_exam_index")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    learners = dict(AttemptQuestion.objects.values_list("attempt_id", "user_id").distinct())
    assert learners == {mine.pk: alice.pk, theirs.pk: bob.pk}


def test_a_domain_the_sample_leaves_short_of_unseen_questions_is_read_whole(alice, bob, django_assert_num_queries):
    exam = Exam.objects.create(code="SAMPLE-01", title="A bank larger than any sample")
    small, large = (Domain.objects.create(exam=exam, number=n, name=f"Domain {n}", weight=50) for n in (1, 2))
    options = [{"text": text, "correct": text == "a", "explanation": ""} for text in "abcd"]
    BankQuestion.objects.bulk_create(
        BankQuestion(key=f"{domain.number}-{n:03}", exam=exam, domain=domain, kind="single", stem=f"Question {n}",
                     options=options, content_hash="-")
        for domain, size in ((small, 200), (large, 400)) for n in range(size))
    keys = list(BankQuestion.objects.filter(domain=small).order_by("pk").values_list("key", flat=True))
    seen, unseen = keys[:180], keys[180:]
    attempts.start(alice, exam, "custom", NOW - timedelta(days=1), len(seen), 30, only_keys=seen)
    count = len(unseen)
    # The draw samples 8 questions of the bank for each it needs, a third of them in this domain:
    # about 53, of which about five the learner has not seen lately. All 20 of those exist.
    assert count * drawing.SAMPLE < BankQuestion.objects.count()
    for seed in range(10):
        with django_assert_num_queries(3):  # the id bounds, the sample, and the domain whole
            assert sorted(drawing.draw(alice, exam, count, [small], NOW, seed=seed)) == unseen
    # For a learner who saw none of them lately, the sample is enough.
    for seed in range(10):
        with django_assert_num_queries(2):
            drawn = drawing.draw(bob, exam, count, [small], NOW, seed=seed)
        assert len(set(drawn)) == count and set(drawn) <= set(keys)


@pytest.mark.django_db  # each inside the class's one import of content/, rolled back after it
class TestWithTheContent:
    def test_a_full_exam_has_the_real_size_time_and_domain_mix(self, learner, shared_content):
        attempt = start(learner, "full")
        assert (attempt.total, attempt.minutes, attempt.deadline) == (65, 130, NOW + timedelta(minutes=130))
        mix = [attempt.questions.filter(domain__number=n).count() for n in (1, 2, 3, 4)]
        assert mix == [22, 17, 14, 12]
        assert len(set(attempt.questions.values_list("bank_key", flat=True))) == 65
        assert attempt.questions.filter(kind="scenario").count() == 65
        assert 7 <= attempt.questions.filter(choose=2).count() <= 13

    def test_a_mock_exam_is_mostly_scenarios_with_some_choose_two_for_any_seed(self, alice, shared_content):
        exam = Exam.objects.get(declared=True)
        domains = list(exam.domains.active())
        for count in (65, 32, 10):
            for seed in range(8):
                keys = drawing.draw_mock(alice, exam, count, domains, NOW, seed)
                drawn = {q.key: q for q in BankQuestion.objects.filter(key__in=keys)}
                assert len(keys) == len(drawn) == count
                scenarios = sum(drawn[key].kind == "scenario" for key in keys)
                choose_two = sum(drawn[key].choose == 2 for key in keys)
                assert scenarios >= drawing.SCENARIO_SHARE * count >= 0.75 * count, (count, seed, scenarios)
                assert 0.10 * count <= choose_two <= 0.20 * count, (count, seed, choose_two)
                # Any rest are one-answer questions generated from the cards.
                assert {drawn[key].kind for key in keys} <= {"scenario", "single"}
        # The bank's count of right options is what its options say.
        for question in BankQuestion.objects.all():
            assert question.choose == sum(o["correct"] for o in question.options)

    def test_a_scenario_answer_is_a_review_of_the_cards_it_tests(self, alice, shared_content):
        exam = Exam.objects.get(declared=True)
        item = BankQuestion.objects.filter(kind="scenario", choose=1).exclude(card_keys=[]).order_by("key").first()
        cards = list(Card.objects.filter(key__in=item.card_keys))
        assert cards and len(cards) == len(item.card_keys)
        for card in cards:
            ReviewState.objects.create(user=alice, card=card, phase=2, due=NOW + timedelta(days=9), stability=12,
                                       difficulty=5, last_review=NOW - timedelta(days=3), reps=3)
        attempt = attempts.start(alice, exam, "custom", NOW, 1, 5, only_keys=[item.key], seed=1)
        question = attempt.questions.get()
        attempts.answer(attempt, question, right_choice(question), NOW + timedelta(minutes=1))
        attempts.finish(attempt, NOW + timedelta(minutes=2))
        assert sorted(ReviewLog.objects.filter(user=alice, mode="exam").values_list("card__key", "rating")) \
            == sorted((key, 3) for key in item.card_keys)

    def test_no_drawn_question_offers_an_option_of_another_kind(self, alice, shared_content):
        exam = Exam.objects.get(declared=True)
        bank = load_bank(exam)
        domains = list(exam.domains.active())
        checked = 0
        for seed in range(20):  # recall drills: the generated questions a learner meets
            keys = drawing.draw(alice, exam, 20, domains, NOW, seed, kinds=("single", "multiple"))
            for question in BankQuestion.objects.filter(key__in=keys).exclude(card_keys=[]):
                rights = {bank.kind_of(o["text"]) for o in question.options if o["correct"]}
                for option in question.options:
                    assert option["correct"] or any(compatible(bank.kind_of(option["text"]), k) for k in rights), (
                        question.stem, option["text"], rights)
                checked += 1
        assert checked > 100

    def test_no_table_card_asks_row_then_a_short_column_name(self, shared_content):
        cells = Card.objects.active().filter(kind="cell").values_list("front", "context")
        assert len(cells) > 100
        for front, title in cells:
            row_and_column = re.fullmatch(r"[^:]+: ([^:]+)\?", front)
            assert not (row_and_column and len(row_and_column[1].split()) <= 2), front
            assert front.startswith(title) or len(front.split(": ", 1)[1].split()) > 2, front

    def test_a_mock_exam_reads_the_scenario_items_through_their_own_index(self, alice, shared_content):
        exam = Exam.objects.get(declared=True)
        with CaptureQueriesContext(connection) as queries:
            drawing.draw_mock(alice, exam, 65, list(exam.domains.active()), NOW, seed=1)
        [scenarios] = [q["sql"] for q in queries.captured_queries if "'scenario'" in q["sql"]]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A test bank is small enough to read whole; at a hundred thousand rows it is not.
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + scenarios)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + scenarios)
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "exams_bank_scenarios" in plan, plan

    def test_a_recall_drill_is_one_line_questions_only(self, learner, shared_content):
        drill = start(learner, "drill")
        assert (drill.total, drill.minutes) == (20, 40)
        assert set(drill.questions.values_list("kind", flat=True)) <= {"single", "multiple"}

    def test_starting_a_full_exam_runs_the_same_queries_however_many_came_before(
            self, learner, alice, shared_content, django_assert_num_queries):
        StudySettings.objects.for_user(alice)  # made on a learner's first visit
        for _ in range(3):
            # The session and user, the exam, its domains, the draw's one read (the scenario items:
            # the bank holds enough of each domain's for the whole exam), then one transaction: BEGIN,
            # the learner's settings row (locked: one start at a time), any open full exam, the drawn
            # questions, the attempt and its questions (two INSERTs), COMMIT.
            with django_assert_num_queries(12):
                response = learner.post("/exams/start/", {"preset": "full"})
            assert response.status_code == 302
            learner.post(response["Location"].rsplit("/", 2)[0] + "/finish/", {"confirm": "1"})
        assert list(Attempt.objects.values_list("total", flat=True)) == [65, 65, 65]

    def test_half_quick_and_custom_exams(self, learner, shared_content):
        exam = Exam.objects.get(code="DEA-C01")
        half = start(learner, "half")
        assert (half.total, half.minutes) == PRESETS["half"].size(exam)
        quick = start(learner, "quick")
        assert (quick.total, quick.minutes) == (10, 20)
        domain = exam.domains.get(number=3)
        custom = start(learner, "custom", questions="12", minutes="15", domains=[domain.pk])
        assert (custom.total, custom.minutes) == (12, 15)
        assert set(custom.questions.values_list("domain__number", flat=True)) == {3}
        response = learner.post("/exams/start/", {"preset": "custom", "questions": "0", "minutes": "15"})
        assert response["Location"] == "/exams/"

    def test_weak_cards_of_another_exam_never_crowd_out_one_of_this_exam(self, alice, shared_content):
        exam = Exam.objects.get(declared=True)
        other = Exam.objects.create(code="OTHER-01", title="Another exam")
        keys = list(BankQuestion.objects.filter(key__in=Card.objects.values("key")).values_list("key", flat=True))
        mine, theirs = keys[-1], keys[:-1]
        Card.objects.filter(key__in=theirs).update(exam=other)
        BankQuestion.objects.filter(key__in=theirs).update(exam=other)
        for card in Card.objects.filter(key__in=keys):
            ReviewState.objects.create(user=alice, card=card, phase=2, due=NOW, lapses=3, stability=1, difficulty=8)
        domains = list(exam.domains.filter(questions__key=mine))
        assert len(theirs) >= 5 * drawing.WEAK_SAMPLE  # a window of weak cards (for one question) holds two
        assert all(drawing.draw(alice, exam, 1, domains, NOW, seed=seed) == [mine] for seed in range(20))

    def test_a_new_exam_puts_the_questions_the_learner_saw_lately_last(self, alice, bob, shared_content):
        exam = Exam.objects.get(declared=True)
        domain = exam.domains.get(number=1)
        # A draw this large reads the whole bank rather than a sample of it, so what it finds does not
        # depend on the order the bank happens to be in; the domain holds twice as many questions.
        count = BankQuestion.objects.count() // drawing.SAMPLE + 1
        assert BankQuestion.objects.filter(domain=domain, retired_at__isnull=True).count() >= 2 * count
        first = drawing.draw(alice, exam, count, [domain], NOW, seed=1)
        attempts.start(alice, exam, "custom", NOW, count, 30, only_keys=first)

        again = drawing.draw(alice, exam, count, [domain], NOW + timedelta(days=1), seed=1)
        assert len(again) == count and not set(again) & set(first)
        # Another learner's exams, and the learner's own from over two weeks ago, do not count.
        assert drawing.draw(bob, exam, count, [domain], NOW + timedelta(days=1), seed=1) == first
        assert drawing.draw(alice, exam, count, [domain], NOW + drawing.RECENT + timedelta(days=1), seed=1) == first

    def test_a_draw_stays_within_the_databases_limit_on_parameters(self, alice, shared_content, monkeypatch):
        # SQLite before 3.32 takes 999 parameters in a statement, fewer than a 130-question exam's
        # sample of 1,040 ids. SQLite's own limit is lowered to that here; PostgreSQL has no such
        # limit to lower, and is only told of it.
        monkeypatch.setattr(drawing, "parameter_limit", lambda: 999)
        exam = Exam.objects.get(declared=True)
        assert BankQuestion.objects.count() > 130 * drawing.SAMPLE  # the sample is a sample, not the bank
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            before = connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        try:
            drawn = drawing.draw(alice, exam, 130, list(exam.domains.all()), NOW, seed=1)
        finally:
            if connection.vendor == "sqlite":
                connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
        assert len(set(drawn)) == 130


def test_a_finished_exam_keeps_the_score_forecast_for_it_beside_its_own(learner, alice, imported):
    attempt = start(learner)
    tested = {key for question in attempt.questions.all() for key in question.card_keys}
    for card in Card.objects.filter(key__in=tested):  # each studied yesterday, well remembered
        ReviewState.objects.create(user=alice, card=card, phase=2, due=NOW + timedelta(days=30), stability=60,
                                   difficulty=5, last_review=NOW - timedelta(days=1), reps=4)
    for question in attempt.questions.all():
        learner.post(f"/exams/{attempt.pk}/{question.position}/", {"choice": right_choice(question)})
    learner.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    attempt.refresh_from_db()
    # Well recalled cards, and the prior transfer before any mock: about 0.25 + 0.75 × 0.85 × 0.99.
    assert 0.80 < attempt.forecast < 0.95
    page = learner.get("/exams/").content.decode()
    assert f"{round(attempt.forecast * 100)}%" in page and "Forecast right" in page


def test_each_timed_mock_shows_its_score_beside_the_score_forecast_for_it(learner, alice, imported):
    assert "No timed mock exam finished yet" in learner.get("/exams/calibration/").content.decode()
    exam = Exam.objects.get(code="DEA-C01")
    for n, (correct, forecast) in enumerate([(40, 0.55), (50, 0.70)]):
        Attempt.objects.create(user=alice, exam=exam, preset="full", started_at=NOW - timedelta(days=9 - n),
                               deadline=NOW, finished_at=NOW - timedelta(days=9 - n), total=65, correct=correct,
                               scaled_score=700, forecast=forecast, seed=n, minutes=130)
    page = learner.get("/exams/calibration/").content.decode()
    assert "Your last 2 timed mock exams: 62% right against 55% forecast, then 77% right against 70% forecast" in page
    assert "7 percentage points apart on average" in page and page.count("<circle") == 4
