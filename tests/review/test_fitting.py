"""Fitting FSRS to a learner's answers from the settings page: in a process of its own, applied
only when it predicts better, and undoable."""

import time
from datetime import datetime, time as clock_time, timezone as tz

import pytest

from studyapp.review.models import Card, ParameterFit, ReviewLog, StudySettings
from studyapp.review.optimizer import DEFAULT_PARAMETERS, MIN_REVIEWS

from .test_optimizer import learner_weaker_than_the_defaults, synthetic_history

pytestmark = pytest.mark.django_db(transaction=True)
CARDS = 120


def give_answers(user, cards: int = CARDS, exam_mode: bool = False):
    """A history of answers shaped by a memory weaker than FSRS's defaults, one card each sequence."""
    made = Card.objects.bulk_create([Card(key=f"fit{n}", kind="pattern", front=f"Need {n}", answer=f"Answer {n}",
                                          content_hash="x", position=n) for n in range(cards)])
    history = synthetic_history(learner_weaker_than_the_defaults(), cards=cards, answers_per_card=6)
    ReviewLog.objects.bulk_create([
        ReviewLog(user=user, card=made[card], rating=rating, day=day, duration_ms=5000, phase_before=2,
                  reviewed_at=datetime.combine(day, clock_time(12), tzinfo=tz.utc), state_before={},
                  mode=ReviewLog.Mode.EXAM if exam_mode else ReviewLog.Mode.FLASHCARD)
        for card, day, rating in history])


@pytest.fixture
def learner(client, alice):
    client.force_login(alice)
    return client


def wait_for(fit: ParameterFit, seconds: float = 60) -> ParameterFit:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        fit.refresh_from_db()
        if fit.finished:
            return fit
        time.sleep(0.2)
    raise AssertionError(f"fit {fit.pk} still {fit.status} after {seconds} s")


def test_fitting_is_offered_from_four_hundred_answers_and_says_so_before(learner, alice):
    give_answers(alice, cards=50, exam_mode=True)  # mock exam answers are not recall: they do not count
    page = learner.get("/review/settings/").content.decode()
    assert f"Fitting needs at least {MIN_REVIEWS} answers: you have given 0 so far" in page
    assert learner.post("/review/settings/fit/").status_code == 302
    assert not ParameterFit.objects.exists()


def test_a_fit_runs_in_its_own_process_and_is_applied_when_it_predicts_better_then_undone(learner, alice):
    give_answers(alice)
    page = learner.get("/review/settings/").content.decode()
    assert "In use: the FSRS defaults" in page and f"Fit my parameters to my {CARDS * 6} answers" in page
    response = learner.post("/review/settings/fit/")
    assert response["Location"] == "/review/settings/#memory"
    fit = ParameterFit.objects.get(user=alice)
    assert fit.pid and not fit.finished
    running = learner.get(f"/review/settings/fit/{fit.pk}/").content.decode()
    assert "Fitting to your answers" in running or "Fitted on" in running
    fit = wait_for(fit)
    assert fit.status == "done" and fit.applied and fit.fitted_log_loss < fit.current_log_loss
    study = StudySettings.objects.get(user=alice)
    assert study.parameters == fit.fitted_parameters and study.previous_parameters == list(DEFAULT_PARAMETERS)
    assert study.preferences().parameters == tuple(fit.fitted_parameters)
    page = learner.get("/review/settings/").content.decode()
    assert "parameters fitted to your answers" in page and "so they are now in use" in page
    assert f"{fit.current_log_loss:.4f}" in page and f"{fit.fitted_log_loss:.4f}" in page
    # Going back puts the defaults in use again.
    learner.post("/review/settings/fit/previous/")
    study.refresh_from_db()
    assert study.parameters == [] and study.previous_parameters == []
    assert "In use: the FSRS defaults" in learner.get("/review/settings/").content.decode()


def test_another_learners_fit_is_not_theirs_to_see(learner, alice, bob):
    fit = ParameterFit.objects.create(user=bob, created_at=datetime(2026, 12, 1, tzinfo=tz.utc))
    assert learner.get(f"/review/settings/fit/{fit.pk}/").status_code == 404
