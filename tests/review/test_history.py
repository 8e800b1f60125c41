"""A learner downloads their own review history, as CSV or JSON."""

import csv
import io
import json
from datetime import timedelta

import pytest

from studyapp.review.models import Card, ReviewLog
from studyapp.review.exam_answers import record_exam_answers

from ..conftest import NOW, studied

pytestmark = pytest.mark.django_db


def download(client, url):
    response = client.get(url)
    return response, b"".join(response.streaming_content).decode()


@pytest.fixture
def histories(imported, clock, alice, bob):
    """Alice answered three cards, bob one: through the real path that mock exams use."""
    cards = list(Card.objects.active()[:3])
    studied(alice, cards[:2])
    studied(bob, cards[2:])
    record_exam_answers(alice, [(cards[0], True), (cards[1], False)], NOW)
    record_exam_answers(alice, [(cards[0], True)], NOW + timedelta(days=2))
    record_exam_answers(bob, [(cards[2], False)], NOW)
    return cards


def test_alice_downloads_her_reviews_as_csv_and_none_of_bobs(client, alice, histories):
    client.force_login(alice)
    response, body = download(client, "/review/history.csv")

    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="review-history-2026-03-02.csv"'
    reader = csv.DictReader(io.StringIO(body))
    assert reader.fieldnames == ReviewLog.EXPORT_COLUMNS
    rows = list(reader)
    assert [(r["card_key"], r["reviewed_at"], r["rating"], r["rating_name"]) for r in rows] == [
        (histories[0].key, "2026-03-02T09:00:00.000Z", "3", "Good"),
        (histories[1].key, "2026-03-02T09:00:00.000Z", "1", "Again"),
        (histories[0].key, "2026-03-04T09:00:00.000Z", "3", "Good"),
    ]
    assert histories[2].key not in body
    assert rows[0]["card_front"] == histories[0].front and rows[0]["card_answer"] == histories[0].answer
    assert (rows[0]["day"], rows[0]["mode"], rows[0]["phase_before_name"]) == ("2026-03-02", "exam", "Review")
    # The second answer to a card starts from the schedule the first one left.
    assert json.loads(rows[2]["state_before"])["due"].startswith("2026-03-")


def test_the_json_download_parses_and_holds_the_same_entries(client, alice, histories):
    client.force_login(alice)
    response, body = download(client, "/review/history.json")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="review-history-2026-03-02.json"'
    entries = json.loads(body)
    assert [set(e) for e in entries] == [set(ReviewLog.EXPORT_COLUMNS)] * 3
    assert [(e["card_key"], e["rating"], e["rating_name"]) for e in entries] == [
        (histories[0].key, 3, "Good"), (histories[1].key, 1, "Again"), (histories[0].key, 3, "Good")]
    # The second answer to a card starts from the schedule the first one left (studied once before both).
    assert entries[2]["state_before"]["reps"] == 2 and entries[2]["phase_before"] == entries[2]["state_before"]["phase"]


def test_a_learner_with_no_reviews_gets_a_header_and_an_empty_list(client, alice):
    client.force_login(alice)
    assert download(client, "/review/history.csv")[1] == ",".join(ReviewLog.EXPORT_COLUMNS) + "\r\n"
    assert json.loads(download(client, "/review/history.json")[1]) == []


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get("/review/history.csv")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/review/history.csv"


def test_the_settings_page_links_to_the_downloads(client, alice):
    client.force_login(alice)
    html = client.get("/review/settings/").content.decode()
    assert "<h2>Your data</h2>" in html
    assert 'href="/review/history.csv"' in html and 'href="/review/history.json"' in html


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("count", [3, 300])
def test_a_download_costs_the_same_queries_however_long_the_history(client, alice, imported, clock, fmt, count,
                                                                    django_assert_num_queries):
    card = Card.objects.active().first()
    ReviewLog.objects.bulk_create(
        ReviewLog(user=alice, card=card, rating=3, reviewed_at=NOW + timedelta(minutes=n), day=NOW.date(),
                  duration_ms=1000, phase_before=2, state_before={})
        for n in range(count))
    client.force_login(alice)
    # The session, its user, and the log entries joined with their cards (read in chunks).
    with django_assert_num_queries(3):
        body = download(client, f"/review/history.{fmt}")[1]
    assert body.count(card.key) == count
