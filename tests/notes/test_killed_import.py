"""An import killed halfway, with its write transaction open, leaves the database as it was."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from studyapp.notes.models import QuestionPattern
from studyapp.ops.importing import import_notes
from studyapp.notes.processes import database_url
from studyapp.review.models import Card
from studyapp.review.exam_answers import record_exam_answers

from ..conftest import NOW, database_rows

# The child process sees only committed rows, so the setup must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

CHILD = Path(__file__).with_name("killed_import_child.py")
NEW_CUE = "Query data in S3 with SQL, paying per scan"


def test_an_import_killed_inside_its_transaction_changes_nothing_and_the_next_one_works(
        tmp_path, notes, clock, alice, bob):
    import_notes([notes])
    cards = list(Card.objects.active()[:2])
    record_exam_answers(alice, [(cards[0], True), (cards[1], False)], NOW)
    record_exam_answers(bob, [(cards[1], True)], NOW)
    # An edited note: one cue replaced by another, so the import changes rows and adds some.
    cues = notes / "cues.md"
    cues.write_text(cues.read_text().replace("| Find which API calls a role made last week | AWS CloudTrail | "
                                             "It records management events for 90 days | 3 |",
                                             f"| {NEW_CUE} | Amazon Athena | Serverless SQL | 3 |"))
    before = database_rows()
    marker = tmp_path / "written.json"

    child = subprocess.run(
        [sys.executable, str(CHILD), str(marker), str(notes)], cwd=settings.BASE_DIR, capture_output=True,
        env={**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": str(settings.BASE_DIR)}, timeout=120)

    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    written = json.loads(marker.read_text())
    assert NEW_CUE in written["patterns"] and "Find which API calls a role made last week" not in written["patterns"]
    assert any(NEW_CUE in front for front in written["cards"])  # the cards were built on them too
    assert database_rows() == before

    report = import_notes([notes])
    assert [f.status for f in report.files if f.path.endswith("cues.md")] == ["imported"]
    assert QuestionPattern.objects.active().filter(prompt=NEW_CUE).exists()
    assert Card.objects.active().filter(front__contains=NEW_CUE).exists()
