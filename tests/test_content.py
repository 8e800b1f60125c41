"""The project's own study corpus: it imports cleanly and keeps the rules of content/README.md."""

import io
import json

import pytest
from django.core.management import call_command

from studyapp.notes.models import Exam, QuestionPattern, Scenario, Service

from tests.conftest import content_imported

# Each test reads the one import below inside a transaction of its own, rolled back after it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def content(django_db_setup, django_db_blocker, tmp_path_factory):
    """content/ imported once for the module (see `content_imported`)."""
    with content_imported(django_db_blocker, tmp_path_factory) as report:
        yield report


def test_the_corpus_imports_without_errors_or_warnings(content):
    assert content["errors"] == []
    assert content["warnings"] == []


def test_the_content_check_passes(content):
    out = io.StringIO()
    call_command("check_content", "--json", stdout=out)  # raises SystemExit(1) on any problem
    assert json.loads(out.getvalue()) == []


def test_the_exam_is_dea_c01_with_its_four_weighted_domains(content):
    exam = Exam.objects.get(code="DEA-C01")
    assert (exam.question_count, exam.scored_questions, exam.minutes, exam.passing_score) == (65, 50, 130, 720)
    assert [(d.number, int(d.weight)) for d in exam.domains.all()] == [(1, 34), (2, 26), (3, 22), (4, 18)]


def test_the_corpus_is_large_enough_for_two_full_mock_exams(content):
    out = io.StringIO()
    call_command("export_notes", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["patterns"]) >= 400
    assert len(data["tables"]) >= 35
    for number in (1, 2, 3, 4):
        assert QuestionPattern.objects.active().filter(domain__number=number).count() >= 60
    assert Service.objects.active().count() >= 68
    assert Scenario.objects.active().count() >= 11


def test_renamed_services_are_found_by_their_old_names(content):
    assert "Kinesis Data Firehose" in Service.objects.get(name="Amazon Data Firehose").aliases
    assert "Kinesis Data Analytics" in Service.objects.get(name="Amazon Managed Service for Apache Flink").aliases
