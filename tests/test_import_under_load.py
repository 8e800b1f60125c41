"""Eight learners answer cards while a large note is imported: none of them meets a server error,
and every answer the app accepted is in the review log, once.

The import runs as it does from an upload, in a process of its own with its own connection, so it
really holds the write lock while the learners' requests wait for it; a learner told "busy" (503)
tries again, as the page's Retry-After asks.
"""

import io
import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from studyapp.notes.processes import database_url
from studyapp.review.models import ReviewLog, StudySettings

from tests.conftest import REVIEW_NOTES
from tests.review.conftest import Page

pytestmark = pytest.mark.django_db(transaction=True)

LEARNERS = 8
MAPPINGS = 4_000


def large_note(folder):
    lines = ["# A large cheat sheet", "", "## Quick reference", "", "| Question pattern | Answer |", "|---|---|"]
    lines += [f"| Need number {n} of the large sheet | Service answer {n} |" for n in range(MAPPINGS)]
    (folder / "large.md").write_text("\n".join(lines) + "\n")


def learner_answers(client: Client, stop: threading.Event, outcome: dict):
    """Answer whatever the review page shows until told to stop; count what was accepted."""
    htmx = {"HX-Request": "true"}
    try:
        page = Page(client.get("/review/", headers=htmx))
        while not stop.is_set():
            if page.response.status_code == 503:
                outcome["busy"] += 1
                time.sleep(0.05)
                page = Page(client.get("/review/", headers=htmx))
                continue
            assert page.response.status_code == 200, page.response.status_code
            if not page.ticket:
                break
            answered = Page(client.post("/review/", {"ticket": page.ticket, "grade": "3"}, headers=htmx))
            if answered.response.status_code == 503:
                outcome["busy"] += 1
                time.sleep(0.05)
                page = Page(client.get("/review/", headers=htmx))  # the answer was not taken: ask again
                continue
            assert answered.response.status_code == 200, answered.response.status_code
            if not (answered.notice or "").startswith("That card"):
                outcome["accepted"] += 1
            page = answered
    except BaseException as error:  # reported by the test, with the learner's name
        outcome["error"] = repr(error)
    finally:
        connection.close()


def test_learners_answering_while_a_large_note_imports_meet_no_error_and_lose_no_answer(
        django_user_model, tmp_path):
    call_command("import_notes", str(REVIEW_NOTES), stdout=io.StringIO())
    clients, outcomes = [], []
    for n in range(LEARNERS):
        user = django_user_model.objects.create_user(f"learner{n}", password="pw")
        StudySettings.objects.for_user(user)
        StudySettings.objects.filter(user=user).update(new_per_day=9999, reviews_per_day=9999)
        client = Client()
        client.force_login(user)
        clients.append((user, client))
        outcomes.append({"accepted": 0, "busy": 0, "error": None})
    large_note(tmp_path)

    stop = threading.Event()
    learners = [threading.Thread(target=learner_answers, args=(client, stop, outcome))
                for (_, client), outcome in zip(clients, outcomes)]
    for thread in learners:
        thread.start()
    importer = subprocess.run(
        [sys.executable, "manage.py", "import_notes", str(tmp_path), str(REVIEW_NOTES)], cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url()}, capture_output=True, text=True,
        timeout=300)
    time.sleep(0.5)  # a few answers after the import, too
    stop.set()
    for thread in learners:
        thread.join(timeout=60)

    assert importer.returncode == 0, importer.stderr
    assert [o["error"] for o in outcomes] == [None] * LEARNERS
    for (user, _), outcome in zip(clients, outcomes):
        assert outcome["accepted"] > 0
        assert ReviewLog.objects.filter(user=user).count() == outcome["accepted"], user.username
