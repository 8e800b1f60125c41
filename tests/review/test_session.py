"""The review page: queue order, grading, undo, bury, suspend, leeches, and fixed query counts."""

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from studyapp.review.models import AppendOnlyError, Card, ReviewLog, ReviewState
from studyapp.review.scheduler import Phase

from tests.conftest import NOW

from .conftest import Page, grade, limits, show

pytestmark = pytest.mark.django_db(transaction=True)


def active_cards():
    return Card.objects.active().count()


def state_of(user, key):
    return ReviewState.objects.get(user=user, card__key=key)


def schedule(user, key, phase, due, **fields):
    """Put a card in a given place in the learner's schedule, as earlier reviews would have."""
    defaults = dict(stability=3.0, difficulty=5.0, last_review=due - timedelta(days=3), reps=3, step=None)
    if phase in (Phase.LEARNING, Phase.RELEARNING):
        defaults["step"] = 0
    return ReviewState.objects.create(user=user, card=Card.objects.get(key=key), phase=phase, due=due,
                                      **{**defaults, **fields})


def test_it_sends_anonymous_visitors_to_log_in(client, imported):
    for url in ["/review/", "/review/settings/", "/review/suspended/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    assert client.post("/review/", {"grade": "3"})["Location"].startswith("/accounts/login/")


def test_the_first_visit_shows_a_new_card_with_the_interval_each_answer_gives(learner):
    page = show(learner)
    assert page.card and page.front
    assert page.counts == (min(20, active_cards()), 0, 0)
    assert page.intervals == ["1m", "6m", "10m", "8d"]
    assert "Show answer" in page.html and "Again" in page.html and "Easy" in page.html


def test_a_card_links_to_the_note_section_it_came_from(learner):
    card = Card.objects.get(front="Replay records from the last 24 hours")
    assert card.note_url() == "/notes/docs/cues/#streams"
    page, html = show(learner), ""
    for _ in range(active_cards()):
        if page.card == card.key:
            html = page.html
            break
        page = grade(learner, page, 4)
    assert 'href="/notes/docs/cues/#streams"' in html
    assert "Records stay for the retention period" in html


def test_grading_records_the_answer_and_shows_the_next_card(learner, alice, clock):
    page = show(learner)
    clock.shift(timedelta(seconds=12))
    after = grade(learner, page, 3)
    assert after.card != page.card
    assert after.counts == (page.counts[0] - 1, 0, 0)  # the graded card is learning, due in 10 minutes
    state = state_of(alice, page.card)
    assert (state.phase, state.step, state.due, state.reps, state.version) == (
        Phase.LEARNING, 1, NOW + timedelta(seconds=12) + timedelta(minutes=10), 1, 1)
    log = ReviewLog.objects.get(user=alice)
    assert (log.rating, log.phase_before, log.duration_ms, log.day.isoformat()) == (3, Phase.NEW, 12000, "2026-03-02")
    assert log.state_before["phase"] == Phase.NEW


def test_the_answer_time_is_capped_at_a_minute(learner, alice, clock):
    page = show(learner)
    clock.shift(timedelta(minutes=30))
    grade(learner, page, 3)
    assert ReviewLog.objects.get(user=alice).duration_ms == 60_000


def test_grade_and_next_runs_the_same_queries_however_many_cards_there_are(
        learner, alice, tmp_path, django_assert_num_queries):
    def grade_twice():
        page = show(learner)
        grade(learner, page, 3)  # a first grade creates the settings row and a schedule
        page = show(learner)
        # session, user; BEGIN, settings, today's tally, the graded card, its schedule, save the
        # schedule, add the log entry; a new card answered: the first card still unanswered, raise
        # the new-card floor to it; COMMIT; then for the next card: one statement for the queue
        # (counts, the first card of each kind), the card it puts first, and that new card's
        # schedule row if it has one
        with django_assert_num_queries(15):
            return grade(learner, page, 1)

    small = grade_twice()
    lines = "".join(f"| Extra cue number {n} | Answer {n} |\n" for n in range(400))
    (tmp_path / "many.md").write_text(f"# Many\n\n| Question pattern | Answer |\n|---|---|\n{lines}")
    call_command("import_notes", str(tmp_path), stdout=io.StringIO())
    assert active_cards() > 400
    big = grade_twice()
    assert small.card and big.card


def test_a_grade_sent_twice_is_applied_once(learner, alice):
    page = show(learner)
    first = grade(learner, page, 3)
    second = grade(learner, page, 3)
    assert ReviewLog.objects.filter(user=alice).count() == 1
    assert state_of(alice, page.card).reps == 1
    assert "already answered" in second.notice
    assert second.card == first.card  # the page shows the current card instead


def test_a_grade_for_a_card_that_is_no_longer_current_is_refused(learner, alice):
    page = show(learner)
    learner.post("/review/", {"ticket": page.ticket, "bury": "1"}, headers={"HX-Request": "true"})
    refused = grade(learner, page, 3)
    assert ReviewLog.objects.filter(user=alice).count() == 0
    assert "Here is the current card" in refused.notice and refused.card != page.card


def test_a_forged_ticket_is_refused(learner, alice):
    page = show(learner)
    refused = post(learner, {"ticket": page.ticket[:-3] + "abc", "grade": "3"})
    assert "could not be read" in refused.notice
    assert not ReviewLog.objects.filter(user=alice).exists()
    assert learner.post("/review/", {"ticket": page.ticket, "grade": "9"}).status_code == 400


def post(client, data):
    return Page(client.post("/review/", data, headers={"HX-Request": "true"}))


def test_undo_restores_the_exact_previous_state_and_removes_the_log_entry(learner, alice, clock):
    page = show(learner)
    grade(learner, page, 3)
    before = state_of(alice, page.card)
    clock.shift(timedelta(minutes=10))
    again = show(learner)
    assert again.card == page.card  # learning card due again
    grade(learner, again, 3)
    assert state_of(alice, page.card).phase == Phase.REVIEW
    undone = post(learner, {"undo": "1"})
    restored = state_of(alice, page.card)
    fields = ReviewState.SNAPSHOT_FIELDS
    assert [getattr(restored, f) for f in fields] == [getattr(before, f) for f in fields]
    assert restored.version == before.version + 2
    assert ReviewLog.objects.filter(user=alice).count() == 1
    assert undone.card == page.card and undone.notice == "Undone."


def test_undo_takes_back_only_todays_answers(learner, alice, clock):
    grade(learner, show(learner), 4)
    clock.shift(timedelta(days=1))
    page = post(learner, {"undo": "1"})
    assert "nothing from today" in page.notice
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_learning_cards_come_first_then_reviews_then_new_cards(learner, alice):
    keys = list(Card.objects.active().values_list("key", flat=True))
    schedule(alice, keys[0], Phase.REVIEW, NOW - timedelta(days=1))
    schedule(alice, keys[1], Phase.LEARNING, NOW - timedelta(minutes=1))
    schedule(alice, keys[2], Phase.REVIEW, NOW - timedelta(days=2))
    page = show(learner)
    assert page.counts == (min(20, len(keys) - 3), 1, 2)
    seen = [page.card]
    for _ in range(2):
        page = grade(learner, page, 4)
        seen.append(page.card)
    assert seen == [keys[1], keys[2], keys[0]]
    assert grade(learner, page, 4).card not in keys[:3]  # then a new card


def test_reviews_due_later_today_are_due_now(learner, alice):
    key = Card.objects.active().first().key
    schedule(alice, key, Phase.REVIEW, NOW + timedelta(hours=15))  # before 04:00 tomorrow
    assert show(learner).card == key


def test_new_cards_stop_at_the_daily_limit(learner, alice):
    limits(alice, new_per_day=2)
    page = show(learner)
    assert page.counts[0] == 2
    page = grade(learner, page, 4)
    page = grade(learner, page, 4)
    assert page.counts == (0, 0, 0) and page.card is None
    assert "All done for now" in page.html and "today’s 2 new cards" in page.html


def test_reviews_stop_at_the_daily_limit(learner, alice):
    limits(alice, reviews_per_day=1, new_per_day=0)
    keys = list(Card.objects.active().values_list("key", flat=True)[:2])
    for key in keys:
        schedule(alice, key, Phase.REVIEW, NOW - timedelta(days=1))
    page = show(learner)
    assert page.counts == (0, 0, 1)
    assert grade(learner, page, 3).card is None


def test_when_nothing_else_is_left_learning_cards_are_shown_up_to_twenty_minutes_early(learner, alice):
    limits(alice, new_per_day=1)
    page = grade(learner, show(learner), 3)  # learning again in 10 minutes
    assert page.card is not None and page.counts == (0, 1, 0)


def test_again_does_not_bring_the_same_card_straight_back_while_another_is_available(learner, alice):
    limits(alice, new_per_day=0)
    first, second = Card.objects.active().values_list("key", flat=True)[:2]
    schedule(alice, first, Phase.LEARNING, NOW + timedelta(minutes=1))
    schedule(alice, second, Phase.LEARNING, NOW + timedelta(minutes=5))
    page = show(learner)
    assert page.card == first
    page = grade(learner, page, 1)  # due again in a minute: still before the other card
    assert state_of(alice, first).due < state_of(alice, second).due
    assert page.card == second
    page = grade(learner, page, 3)  # the other card is answered: the first comes back, as the only one
    assert page.card == first


def test_bury_hides_a_card_until_the_next_study_day(learner, alice, clock):
    page = show(learner)
    after = post(learner, {"ticket": page.ticket, "bury": "1"})
    assert after.card != page.card and "Buried" in after.notice
    assert state_of(alice, page.card).buried_until.isoformat() == "2026-03-03T04:00:00+00:00"
    assert not ReviewLog.objects.exists()
    clock.move_to(NOW + timedelta(days=1), tick=False)
    assert show(learner).card == page.card  # first in the new-card order again


def test_suspend_hides_a_card_until_it_is_unsuspended(learner, alice, client):
    page = show(learner)
    post(learner, {"ticket": page.ticket, "suspend": "1"})
    state = state_of(alice, page.card)
    assert state.suspended
    listing = learner.get("/review/suspended/").content.decode()
    assert Card.objects.get(key=page.card).front in listing
    learner.post(f"/review/suspended/{state.pk}/unsuspend/")
    assert not state_of(alice, page.card).suspended
    assert show(learner).card == page.card


def test_the_eighth_lapse_suspends_the_card_as_a_leech(learner, alice):
    key = Card.objects.active().first().key
    schedule(alice, key, Phase.REVIEW, NOW - timedelta(days=1), lapses=7)
    page = show(learner)
    assert page.card == key
    after = grade(learner, page, 1)
    state = state_of(alice, key)
    assert state.lapses == 8 and state.suspended and state.leech
    assert "leech" in after.notice and after.card != key
    assert "Leech" in learner.get("/review/suspended/").content.decode()


def test_another_learners_schedule_is_their_own(learner, alice, bob, client):
    page = show(learner)
    grade(learner, page, 3)
    client.force_login(bob)
    assert show(client).counts == (min(20, active_cards()), 0, 0)
    assert client.post(f"/review/suspended/{state_of(alice, page.card).pk}/unsuspend/").status_code == 404


def test_the_plain_form_flow_redirects_and_shows_notices(learner, alice):
    page = show(learner)
    response = learner.post("/review/", {"ticket": page.ticket, "grade": "3"})
    assert response.status_code == 302 and response["Location"] == "/review/"
    response = learner.post("/review/", {"ticket": page.ticket, "grade": "3"})
    assert response["Location"] == "/review/"
    assert "already answered" in learner.get("/review/").content.decode()
    response = learner.post("/review/", {"undo": "1"})
    assert response["Location"] == f"/review/?card={page.card}"
    assert show(learner, response["Location"]).card == page.card


def test_the_full_page_and_the_partial(learner):
    full = learner.get("/review/")
    assert b"<html" in full.content and b'id="session"' in full.content
    assert "HX-Request" in full["Vary"]
    partial = grade(learner, show(learner), 3).response
    assert b"<html" not in partial.content and partial.content.strip().startswith(b'<section id="session"')


def test_the_review_log_is_never_changed(learner, alice):
    grade(learner, show(learner), 3)
    entry = ReviewLog.objects.get(user=alice)
    entry.rating = 4
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert ReviewLog.objects.get(user=alice).rating == 3


def test_the_review_page_runs_a_fixed_number_of_queries(learner, alice, django_assert_num_queries):
    grade(learner, show(learner), 3)
    # session, user, settings, today's tally, one statement for the queue (counts, the first card of
    # each kind), the card it puts first, and that new card's schedule row if it has one
    with django_assert_num_queries(7):
        page = show(learner)
    assert page.card


# Whatever the page shows can be answered ---------------------------------------------------

def answers_and_actions(learner, alice, page):
    """Grade, bury and suspend the card the page shows, in turn on fresh pages: each must be taken."""
    logged = ReviewLog.objects.filter(user=alice).count()
    after = grade(learner, page, 3)
    assert after.notice is None or "already answered" not in after.notice
    assert ReviewLog.objects.filter(user=alice).count() == logged + 1
    page = show(learner)
    assert "Buried" in post(learner, {"ticket": page.ticket, "bury": "1"}).notice
    page = show(learner)
    assert "Suspended" in post(learner, {"ticket": page.ticket, "suspend": "1"}).notice


def test_a_card_made_new_again_by_undo_can_be_answered_after_a_reload(learner, alice):
    page = show(learner)
    grade(learner, page, 3)
    post(learner, {"undo": "1"})
    reloaded = show(learner)
    assert reloaded.card == page.card  # new again, first in the new-card order
    assert state_of(alice, page.card).version == 2
    answers_and_actions(learner, alice, reloaded)


def test_a_new_card_whose_burial_ended_can_be_answered(learner, alice, clock):
    page = show(learner)
    post(learner, {"ticket": page.ticket, "bury": "1"})
    clock.move_to(NOW + timedelta(days=1), tick=False)
    again = show(learner)
    assert again.card == page.card
    answers_and_actions(learner, alice, again)


def test_an_unsuspended_new_card_can_be_answered(learner, alice):
    page = show(learner)
    post(learner, {"ticket": page.ticket, "suspend": "1"})
    learner.post(f"/review/suspended/{state_of(alice, page.card).pk}/unsuspend/")
    again = show(learner)
    assert again.card == page.card
    answers_and_actions(learner, alice, again)


def test_with_only_learning_cards_due_later_today_the_dashboard_offers_to_study_ahead(learner, alice):
    limits(alice, new_per_day=0, time_zone="Asia/Tokyo")
    key = Card.objects.active().first().key
    schedule(alice, key, Phase.LEARNING, NOW + timedelta(hours=2))
    page = learner.get("/").content.decode()
    local = (NOW + timedelta(hours=2)).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")
    assert "Nothing is due this minute" in page and f"due at {local}, in 2" in page and "?ahead=1" in page
    assert show(learner).card is None  # two hours is past the twenty minutes shown early
    ahead = show(learner, "/review/?ahead=1")
    assert ahead.card == key
    # The answer is taken, and the sitting stays ahead.
    response = learner.post("/review/?ahead=1", {"ticket": ahead.ticket, "grade": "3"})
    assert response.status_code == 302 and response["Location"] == "/review/?ahead=1"
    assert ReviewLog.objects.filter(user=alice, card__key=key).count() == 1
