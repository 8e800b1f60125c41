"""Scenario items, "Choose TWO" included: in the bank, on the exam pages (all or nothing), in the
question report and in the export."""

import io
import json

import pytest
from django.core.management import call_command

from studyapp.exams import attempts
from studyapp.exams.models import Attempt, BankQuestion
from studyapp.notes.models import Exam

from tests.conftest import FIXTURES, NOW

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scenarios(clock):
    call_command("import_notes", str(FIXTURES / "scenarios"), stdout=io.StringIO())


def choose_two():
    return BankQuestion.objects.get(kind="scenario", stem__startswith="A team must keep click events")


def test_a_choose_two_item_is_in_the_bank_with_its_five_options(scenarios):
    question = choose_two()
    assert len(question.options) == 5 and sum(o["correct"] for o in question.options) == 2
    assert all(o["explanation"] for o in question.options)


@pytest.mark.parametrize("picked, right", [("both right", True), ("one right, one wrong", False), ("one right", False)])
def test_a_choose_two_item_is_scored_all_or_nothing(client, alice, scenarios, picked, right):
    client.force_login(alice)
    key = choose_two().key
    attempt = attempts.start(alice, Exam.objects.get(), "custom", NOW, 1, 5, only_keys=[key], seed=3)
    shown = attempt.questions.get(position=1)
    rights = [i for i, o in enumerate(shown.options) if o["correct"]]
    wrong = next(i for i, o in enumerate(shown.options) if not o["correct"])
    choice = {"both right": rights, "one right, one wrong": [rights[0], wrong], "one right": rights[:1]}[picked]
    page = client.get(f"/exams/{attempt.pk}/1/").content.decode()
    assert "Choose TWO." in page and page.count('type="checkbox" name="choice"') == 5
    client.post(f"/exams/{attempt.pk}/1/", {"choice": [str(i) for i in choice]})
    client.post(f"/exams/{attempt.pk}/finish/", {"confirm": "1"})
    assert Attempt.objects.get(pk=attempt.pk).correct == int(right)
    results = client.get(f"/exams/{attempt.pk}/results/").content.decode()
    assert "Choose TWO, both needed" in results and results.count("Right answer") == 2


def test_the_question_report_counts_scenarios_by_task_and_choose_two_items(scenarios):
    out = io.StringIO()
    call_command("question_report", "--json", stdout=out)
    [exam] = json.loads(out.getvalue())["exams"]
    assert exam["scenarios"]["total"] == 2 and exam["scenarios"]["multiple_response"] == 1
    assert exam["scenarios"]["without_task"] == 0
    first = exam["domains"][0]
    assert (first["scenario"], first["scenario_multiple_response"], first["tasks"]) == (2, 1, {"1.1": 2})
    assert sum(d["questions"] for d in exam["domains"]) <= exam["questions"]  # each question counted once
    assert 0 <= exam["scenarios"]["single_longest_is_right"] <= 1


def test_the_export_lists_each_scenario_with_its_task_options_and_the_mappings_it_tests(scenarios):
    out = io.StringIO()
    call_command("export_notes", "--format", "json", stdout=out)
    item = next(s for s in json.loads(out.getvalue())["scenarios"] if s["title"] == "Two ways to replay")
    assert (item["domain"], item["task"], item["choose"]) == (1, "1.1", 2)
    assert item["tests"] == ["Replay records from the last 24 hours", "Deliver to S3 with no code"]
    assert item["options"][0] == {"text": "Amazon Kinesis Data Streams with a seven-day retention period",
                                  "correct": True,
                                  "reason": "a consumer can read from any point kept."}


def test_a_custom_exam_of_scenario_items_only(client, alice, scenarios):
    call_command("import_notes", str(FIXTURES / "review" / "cues.md"), stdout=io.StringIO())
    client.force_login(alice)
    assert BankQuestion.objects.exclude(kind="scenario").exists()
    response = client.post("/exams/start/", {"preset": "custom", "questions": "5", "minutes": "10",
                                             "scenarios_only": "on"})
    attempt = Attempt.objects.get(user=alice)
    assert response["Location"] == f"/exams/{attempt.pk}/1/"
    assert attempt.total == 2 and set(attempt.questions.values_list("kind", flat=True)) == {"scenario"}


def test_the_content_check_asks_for_the_scenario_bank_a_full_exam_needs(scenarios):
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_content", "--prefix", "tests/fixtures/scenarios/", "--json", stdout=out)
    messages = {problem["message"] for problem in json.loads(out.getvalue())}
    assert "2 scenario items; the corpus needs at least 360" in messages
    assert "DEA-C01 domain 1 has 2 scenario items; it needs 120" in messages
    assert "DEA-C01 domain 4 has 0 scenario items; it needs 65" in messages
    assert "DEA-C01 task statement 1.1 has 2 scenario items; it needs 8" in messages
    # Half of the two are "Choose TWO": more than the 15% asked for, so nothing is said of them.
    assert not any("Choose TWO" in message for message in messages)
