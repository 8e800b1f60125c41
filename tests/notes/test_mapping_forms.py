"""The shapes of "cue → answer" mappings the reader takes, the ones it leaves, and what it says
about those that look like mappings but are not taken."""

import io
import json

import pytest
from django.core.management import call_command

from studyapp.notes.parse import NoteError, parse_note

LIMIT = 2 * 1024 * 1024


def parse_text(text, name="note.md"):
    return parse_note(name, text.encode("utf-8"), LIMIT)


def pairs(draft):
    return [(p.prompt, p.answer) for p in draft.patterns]


def test_a_table_is_read_by_what_its_columns_hold_with_markup_and_links_taken_off():
    draft = parse_text(
        "# Streams\n\n| **Signal** | AWS service | Guide | Notes |\n|---|---|---|---|\n"
        "| [[Replay]] after a bug | **[[Amazon Kinesis Data Streams|Kinesis Data Streams]]** | [[KDS]] | keeps records |\n"
    )
    assert pairs(draft) == [("Replay after a bug", "Kinesis Data Streams")]
    assert draft.patterns[0].explanation == "keeps records"
    assert draft.patterns[0].answer_links == ["Amazon Kinesis Data Streams"]
    assert draft.tables[0].cards == "mappings"


@pytest.mark.parametrize("header", ["Mode | Billing | Use when", "Type | Who manages the keys | Pick it when",
                                   "AWS service | Kind | When replay is used", "Service | Use case | Price"])
def test_columns_that_describe_their_rows_do_not_make_a_mapping_table(header):
    draft = parse_text(f"# Compare\n\n| {header} |\n|---|---|---|\n| a | b | c |\n| d | e | f |\n")
    assert pairs(draft) == []
    assert draft.tables[0].cards == ""


def test_bold_terms_under_a_reminders_heading_are_cues_but_sentences_and_labels_are_not():
    draft = parse_text(
        "# Notes\n\n## Reminders\n\n1. **Firehose** = near real-time delivery\n"
        "2. Read every option to the end: two often differ in one word.\n"
        "3. Note: flag and move on\n- Athena: serverless SQL on S3\n"
    )
    assert pairs(draft) == [("Firehose", "near real-time delivery"), ("Athena", "serverless SQL on S3")]


def test_the_same_items_under_an_ordinary_heading_or_only_under_the_note_title_are_not_mappings():
    items = "- **Firehose** = near real-time delivery\n- Athena: serverless SQL on S3\n"
    assert pairs(parse_text(f"# Notes\n\n## Lab setup\n\n{items}")) == []
    assert pairs(parse_text(f"# Exam-day reminders\n\n## Time plan\n\n{items}")) == []


def test_a_callout_or_a_bold_line_announces_the_list_below_it():
    callout = "# Lake Formation\n\n> [!tip] Exam tips\n> - **LF-tags** = tag-based access\n\nAfter: text\n"
    bold = "# Lake Formation\n\n**Quick reference**\n- Data filters: row-level security\n"
    assert pairs(parse_text(callout)) == [("LF-tags", "tag-based access")]
    assert pairs(parse_text(bold)) == [("Data filters", "row-level security")]


def test_question_and_answer_lines_are_a_mapping_only_as_a_pair():
    draft = parse_text(
        "# Self-test\n\nQ: Which index must be created with the table?\nA: A local secondary index\n\n"
        "**Q:** How long does DynamoDB Streams keep changes?\n**A:** 24 hours\n\n"
        "Q: Is a blank line between them fine?\n\nA: Yes\n\n"
        "Q: an open question\nThen some prose.\nA: an answer to no question\n"
    )
    assert pairs(draft) == [("Which index must be created with the table?", "A local secondary index"),
                            ("How long does DynamoDB Streams keep changes?", "24 hours"),
                            ("Is a blank line between them fine?", "Yes")]
    assert draft.patterns[0].line == 3


def test_content_notes_keep_reading_bold_labels_as_the_answer():
    draft = parse_text("---\ntype: service\n---\n# Amazon S3\n\n## Exam tips\n\n- **Amazon S3**: cheap durable storage\n")
    assert pairs(draft) == [("cheap durable storage", "Amazon S3")]


def test_a_table_with_cues_but_no_answer_column_is_reported_with_its_line_and_how_to_make_it_count():
    draft = parse_text("# Notes\n\n## Words to spot\n\n| Keyword | Result |\n|---|---|\n| replay | Kinesis |\n")
    assert pairs(draft) == []
    [notice] = draft.warnings
    assert notice.line == 5
    assert "'Words to spot' looks like a list of mappings" in notice.message
    assert "<!-- cards: mappings -->" in notice.message and "mapping_sections" in notice.message


def test_a_table_under_a_cheat_sheet_heading_that_is_not_taken_is_reported():
    draft = parse_text("# Notes\n\n## Cheat sheet\n\n| Region | Code |\n|---|---|\n| Ireland | eu-west-1 |\n")
    assert pairs(draft) == []
    assert [w.line for w in draft.warnings] == [5]


def test_bold_terms_too_long_to_be_cues_are_reported_once_for_their_list():
    draft = parse_text(
        "# Notes\n\n## Exam tips\n\n- **Kinesis Data Streams keeps records for replay** = use it for replay\n"
        "- **When the question says exactly once and Kafka** = Amazon MSK\n"
    )
    assert pairs(draft) == []
    [notice] = draft.warnings
    assert notice.line == 5 and notice.message.startswith("2 list items under 'Exam tips' look like mappings")


def test_a_marker_or_the_front_matter_declares_a_table_or_a_list_a_mapping():
    marked = parse_text("# DQ\n\n<!-- cards: mappings -->\n| Problem in the data | What catches it |\n|---|---|\n"
                        "| Nulls | IsComplete rule |\n")
    listed = parse_text("---\nmapping_sections: [Glossary]\n---\n# Monitoring\n\n## Glossary\n\n"
                        "- IteratorAge: how far behind a consumer is\n\n| Metric | Meaning |\n|---|---|\n"
                        "| Throttles | Rejected requests |\n")
    assert pairs(marked) == [("Nulls", "IsComplete rule")]
    assert marked.tables[0].cards == "mappings"
    assert pairs(listed) == [("IteratorAge", "how far behind a consumer is"), ("Throttles", "Rejected requests")]


def test_mapping_sections_in_the_front_matter_must_be_headings():
    with pytest.raises(NoteError) as refused:
        parse_text("---\nmapping_sections: [{a: 1}]\n---\n# Note\n")
    assert refused.value.line == 2 and "mapping_sections" in refused.value.message


@pytest.mark.django_db(transaction=True)
def test_the_import_report_names_the_file_and_line_of_a_table_not_taken(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    note = tmp_path / "cheat.md"
    note.write_text("# Notes\n\n## Words to spot\n\n| Keyword | Result |\n|---|---|\n| replay | Kinesis |\n")
    out = io.StringIO()
    call_command("import_notes", str(note), "--json", stdout=out)
    [warning] = json.loads(out.getvalue())["warnings"]
    assert warning["file"].endswith("cheat.md") and warning["line"] == 5
    assert "looks like a list of mappings" in warning["message"]
