"""Garbled requests get a 400 with a message, and a database busy with an import a 503 that says so."""

from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from studyapp.notes.search import terms_of
from studyapp.review.models import StudySettings

from tests.review.conftest import show

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("url", ["/search/?q=ab%00", "/search/?q%00=ab", "/review/?card=%00", "/notes/tables/a%00b/"])
def test_a_nul_character_in_the_address_is_a_bad_request(client, alice, url):
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 400 and b"NUL" in response.content


def test_search_terms_leave_out_control_characters():
    assert terms_of("ab\x00cd \x1f  ef\x7f") == ["ab", "cd", "ef"]


@contextmanager
def write_lock_held_elsewhere(user):
    """Another connection holds what a learner's answer must wait for, as an import does: SQLite's
    write lock, or on PostgreSQL the learner's settings row. This connection waits a moment only."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    with other.cursor() as cursor:
        if other.vendor == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
            wait, restore = "PRAGMA busy_timeout = 200", "PRAGMA busy_timeout = 5000"
        else:
            cursor.execute("BEGIN")
            cursor.execute(f"SELECT 1 FROM {StudySettings._meta.db_table} WHERE user_id = %s FOR UPDATE", [user.pk])
            wait, restore = "SET lock_timeout = '200ms'", "SET lock_timeout = '5s'"
    with connection.cursor() as cursor:
        cursor.execute(wait)
    try:
        yield
    finally:
        with other.cursor() as cursor:
            cursor.execute("ROLLBACK")
        other.close()
        with connection.cursor() as cursor:
            cursor.execute(restore)


def test_an_answer_that_meets_a_busy_database_is_told_to_try_again(client, alice, imported):
    client.force_login(alice)
    page = show(client)
    with write_lock_held_elsewhere(alice):
        response = client.post("/review/", {"ticket": page.ticket, "grade": "3"})
        partial = client.post("/review/", {"ticket": page.ticket, "grade": "3"}, headers={"HX-Request": "true"})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "The notes are being updated" in response.content.decode() and b"<html" in response.content
    assert partial.status_code == 503 and partial["HX-Retarget"] == "#busy"
    assert b"<html" not in partial.content and "Try again in a moment" in partial.content.decode()
    after = client.post("/review/", {"ticket": page.ticket, "grade": "3"}, headers={"HX-Request": "true"})
    assert after.status_code == 200 and alice.review_logs.count() == 1
