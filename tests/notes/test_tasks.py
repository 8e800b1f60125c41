"""The exam guide's task statements on notes and mappings: read from front matter and a Task
column, checked against the note's domains, shown on the pages and counted by the report."""

import io
import json
import shutil

import pytest
from django.core.management import call_command

from studyapp.notes.models import QuestionPattern, SourceFile
from studyapp.notes.parse import parse_note

from tests.conftest import FIXTURES

PATTERNS = """---
type: patterns
title: Replay patterns
domains: [1]
tasks: [1.1, "1.2", 4.1, one]
---
# Replay patterns

| Question pattern | Answer | Task |
|---|---|---|
| Replay records from the last 24 hours | [[Amazon Kinesis Data Streams]] | 1.1 |
| Deliver to S3 with no code | [[Amazon Data Firehose]] | |
| Transform records in flight | [[AWS Lambda]] | 2.1 |
| Count records in a window | [[Amazon Managed Service for Apache Flink]] | soon |
"""

ONE_TASK = """---
type: patterns
title: Ingestion cues
domains: [1]
tasks: ["1.1"]
---
# Ingestion cues

- Stream clicks to many consumers → [[Amazon Kinesis Data Streams]]
"""


def test_tasks_come_from_front_matter_and_a_task_column_and_wrong_ones_are_reported():
    draft = parse_note("patterns.md", PATTERNS.encode(), 1 << 20)
    assert draft.tasks == ["1.1", "1.2"]
    # A mapping with no task of its own takes its note's first one in its domain, the note's main one.
    assert [p.task for p in draft.patterns] == ["1.1", "1.1", "", "1.1"]
    messages = [w.message for w in draft.warnings]
    assert "front matter task 'one' is not a task statement number such as 2.1" in messages
    assert "front matter task 4.1 is not in the note's domains; ignored it" in messages
    assert "mapping's task 2.1 is not in its domain 1; left it without one" in messages
    assert "mapping's task 'soon' is not a task statement number such as 2.1; left it without one" in messages


def test_a_note_gives_its_mappings_its_first_task_in_their_domain():
    draft = parse_note("cues.md", ONE_TASK.encode(), 1 << 20)
    assert draft.tasks == ["1.1"] and [p.task for p in draft.patterns] == ["1.1"]


@pytest.mark.django_db(transaction=True)
def test_pages_show_task_statements_and_the_report_counts_mappings_per_task(client, tmp_path):
    shutil.copytree(FIXTURES / "scenarios", tmp_path / "notes")
    (tmp_path / "notes" / "patterns.md").write_text(PATTERNS)
    (tmp_path / "notes" / "cues.md").write_text(ONE_TASK)
    call_command("import_notes", str(tmp_path / "notes"), stdout=io.StringIO())
    assert SourceFile.objects.get(title="Replay patterns").tasks == ["1.1", "1.2"]
    assert QuestionPattern.objects.get(prompt="Stream clicks to many consumers").task == "1.1"

    page = client.get(SourceFile.objects.get(title="Ingestion cues").get_absolute_url()).content.decode()
    assert "Task 1.1 Perform data ingestion" in page  # its words, from the exam note's domain
    page = client.get(SourceFile.objects.get(title="Replay patterns").get_absolute_url()).content.decode()
    assert "Task 1.1 Perform data ingestion" in page and "Task 1.2" in page  # 1.2: the exam note names it not

    out = io.StringIO()
    call_command("question_report", "--json", stdout=out)
    [exam] = json.loads(out.getvalue())["exams"]
    first = exam["domains"][0]
    assert first["mappings_per_task"] == {"1.1": 4}
    assert first["notes_per_task"] == {"1.1": 2}
    assert first["mappings_without_task"] == 1

    out = io.StringIO()
    call_command("export_notes", "--format", "json", stdout=out)
    exported = {p["prompt"]: p["task"] for p in json.loads(out.getvalue())["patterns"]}
    assert exported["Stream clicks to many consumers"] == "1.1" and exported["Transform records in flight"] == ""
    out = io.StringIO()
    call_command("export_notes", "--format", "csv", stdout=out)
    row = next(line for line in out.getvalue().splitlines() if ",Stream clicks to many consumers," in line)
    assert row.endswith("DEA-C01 domain-1 task-1.1 ingestion-cues")  # Anki tags: exam, domain, task, note


@pytest.mark.django_db(transaction=True)
def test_the_content_check_asks_every_note_and_mapping_for_its_task_statement(tmp_path):
    (tmp_path / "cues.md").write_text(ONE_TASK.replace('tasks: ["1.1"]\n', ""))
    shutil.copy(FIXTURES / "scenarios" / "exam.md", tmp_path)
    call_command("import_notes", str(tmp_path), stdout=io.StringIO())
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_content", "--prefix", tmp_path.as_posix(), "--json", stdout=out)
    messages = {problem["message"] for problem in json.loads(out.getvalue())}
    assert ("front matter needs 'tasks': the exam guide task statements the note teaches "
            "([] for a note that teaches none)") in messages
    assert any(m.startswith("mapping 'Stream clicks to many consumers' has no task statement") for m in messages)


@pytest.mark.django_db(transaction=True)
def test_the_report_counts_each_note_of_a_task_even_when_two_teach_the_same_ones(tmp_path):
    shutil.copytree(FIXTURES / "scenarios", tmp_path / "notes")
    (tmp_path / "notes" / "cues.md").write_text(ONE_TASK)
    (tmp_path / "notes" / "more-cues.md").write_text(ONE_TASK.replace("Ingestion cues", "More ingestion cues"))
    call_command("import_notes", str(tmp_path / "notes"), stdout=io.StringIO())
    out = io.StringIO()
    call_command("question_report", "--json", stdout=out)
    [exam] = json.loads(out.getvalue())["exams"]
    assert exam["domains"][0]["notes_per_task"] == {"1.1": 2}
