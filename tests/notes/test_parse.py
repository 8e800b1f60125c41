"""The parser on small notes that each carry one real-world trap."""

from studyapp.notes.parse import NoteError, parse_note
from tests.conftest import read_fixture

import pytest

LIMIT = 2 * 1024 * 1024


def parse(name):
    return parse_note(name, read_fixture(name), LIMIT)


def parse_text(text, name="note.md"):
    return parse_note(name, text.encode("utf-8"), LIMIT)


def pairs(draft):
    return [(p.prompt, p.answer) for p in draft.patterns]


def test_front_matter_is_metadata_not_body_text():
    draft = parse("services/amazon-kinesis-data-streams.md")
    assert draft.kind == "service"
    assert draft.title == "Amazon Kinesis Data Streams"
    assert draft.aliases == ["Kinesis Data Streams", "KDS"]
    assert draft.domains == [1]
    assert all("category:" not in s.text for s in draft.sections)


def test_crlf_bom_tabs_and_no_break_spaces_are_normalised():
    draft = parse("crlf-bom.md")
    assert draft.title == "Windows note"
    assert draft.sections[0].heading_path == ["Windows note"]
    assert draft.sections[0].line == 5
    assert "Another item" in draft.sections[0].text
    assert "\u00a0" not in draft.sections[0].markdown and "\r" not in draft.sections[0].markdown


def test_a_table_right_after_a_paragraph_line_is_still_a_table():
    draft = parse("tables.md")
    table = draft.tables[0]
    assert table.title == "Tables in the wild: Encryption Options"
    assert table.columns == ["Type", "Key Management", "Use Case"]
    assert table.rows[1] == ["SSE-KMS", "KMS keys\naudit trail", "Audit"]
    assert table.citation == "003:82-87"
    assert table.line == 5


def test_ragged_and_headerless_tables_are_padded_and_reported():
    draft = parse("tables.md")
    ragged, headerless = draft.tables[1], draft.tables[2]
    assert ragged.columns == ["Mode", "Latency", ""]
    assert ragged.rows == [["General Purpose", "Low", "extra cell"], ["Max I/O", "", ""]]
    assert headerless.columns == ["", ""] and headerless.rows == [["a", "b"], ["c", "d"]]
    messages = [w.message for w in draft.warnings]
    assert any("differing numbers of cells" in m for m in messages)
    assert any("no header row" in m for m in messages)


def test_delimiter_rows_with_no_row_of_cells_are_text_not_a_table():
    draft = parse_text("# Rules\n\nAbove\n\n|---|---|\n|:--|--:|\n\nBelow\n")
    assert draft.tables == []
    assert draft.sections[0].text == "Above\n|---|---|\n|:--|--:|\nBelow"


def test_pipes_inside_code_spans_do_not_split_cells():
    table = parse("tables.md").tables[3]
    assert table.rows[0] == ["a | b", "a pipe inside code"]


def test_raw_html_tables_are_read_as_tables():
    table = parse("tables.md").tables[4]
    assert table.title == "An HTML table"
    assert table.columns == ["", "Kinesis Data Streams", "AWS Glue"]
    assert table.rows == [["Fault tolerance", "3 AZ", "Retries & bookmarks"]]


def test_an_unclosed_fence_is_closed_where_prose_resumes_and_warned_about():
    draft = parse("unclosed-fence.md")
    assert any("never closed; closed it before line 8" in w.message for w in draft.warnings)
    assert [t.title for t in draft.tables] == ["File Format Selection Guide"]
    assert pairs(draft) == [("Real-time need", "Kinesis Data Streams")]
    assert [s.heading_path[-1] for s in draft.sections] == ["Pipeline code", "File Format Selection Guide", "After"]


def test_arrows_and_wikilinks_inside_code_are_neither_mappings_nor_links():
    draft = parse("unclosed-fence.md")
    assert all(not s.wikilinks for s in draft.sections)
    assert "wikilink:" not in draft.sections[0].markdown


def test_a_fence_never_closed_at_the_end_recovers_at_the_next_heading():
    draft = parse_text("# A\n\n```\ncode line\n\n# Next part\n\nProse with a cue → answer.\n")
    assert [s.heading_path[-1] for s in draft.sections] == ["A", "Next part"]
    assert any("never closed" in w.message for w in draft.warnings)


def test_wikilinks_with_and_without_labels():
    draft = parse("wikilinks.md")
    section = draft.sections[0]
    assert section.wikilinks == ["Amazon Kinesis Data Streams", "Kinesis Data Firehose", "Streaming cues", "No Such Thing"]
    assert "[the delivery service](wikilink:Kinesis%20Data%20Firehose)" in section.markdown
    assert "the delivery service" in section.text and "[[" not in section.text


def test_mappings_come_from_cue_and_answer_tables():
    draft = parse("patterns.md")
    found = pairs(draft)
    assert ("Replay data", "Amazon Kinesis Data Streams") in found
    assert ("Near real-time delivery to S3", "Data Firehose") in found
    assert ("Object storage for a data lake", "S3") in found
    assert ("Deliver with no code", "Firehose") in found  # the wikilink's pipe does not split the cell
    assert ("Archive kept for 10 years, read rarely", "S3 Glacier Deep Archive") in found
    assert ("Shared POSIX file system", "Amazon EFS") in found
    replay = draft.patterns[0]
    assert (replay.explanation, replay.domain, replay.citation, replay.line) == (
        "Records stay for the retention period", 1, "003:288", 12)
    assert replay.answer_links == ["Amazon Kinesis Data Streams"]


def test_an_arrow_inside_an_answer_cell_does_not_split_the_mapping():
    found = pairs(parse("patterns.md"))
    assert ("Ship change events, then fan out", "DynamoDB Streams → Lambda") in found
    assert not any(prompt.startswith("DynamoDB Streams") for prompt, _ in found)


def test_arrow_lines_are_mappings_but_data_flows_are_not():
    draft = parse("patterns.md")
    found = pairs(draft)
    assert ("Default encryption", "SSE-S3") in found
    assert ("Audit key usage", "SSE-KMS") in found
    assert ("Client controls keys", "SSE-C") in found
    audit = next(p for p in draft.patterns if p.answer == "SSE-KMS")
    assert audit.explanation == "every use of the key is logged"
    assert not any("Mainframe" in prompt or prompt == "Clicks" for prompt, _ in found)


def test_an_arrow_right_after_a_list_marker_is_no_mapping():
    draft = parse_text("# Flows\n\n- -> Amazon S3\n- [x] -> Amazon EFS\n")
    assert pairs(draft) == []


def test_exam_tip_lists_and_equals_chains_are_mappings():
    found = pairs(parse("patterns.md"))
    assert ("Real-time, replay needed", "Kinesis Data Streams") in found
    assert ("Kafka ecosystem", "MSK") in found
    assert ("columnar, analytics", "Parquet") in found
    assert ("row-based, streaming", "Avro") in found


def test_every_table_is_a_comparison_table_titled_by_its_nearest_heading():
    draft = parse("patterns.md")
    assert [t.title for t in draft.tables] == ["Which stream", "Keywords", "Keywords", "Keywords"]


def test_an_exam_note_declares_the_exam_and_its_domains():
    exam = parse("exam/dea-c01.md").exam
    assert (exam.code, exam.question_count, exam.minutes, exam.passing_score) == ("DEA-C01", 65, 130, 720)
    assert [(d.number, d.weight) for d in exam.domains] == [(1, 34), (2, 26), (3, 22), (4, 18)]
    assert exam.domains[0].tasks == ["1.1 Perform data ingestion"]


def test_a_domain_weights_table_in_plain_notes_implies_the_exam():
    draft = parse_text(
        "# Path to the DEA-C01\n\n# Exam Domain Breakdown\n| Domain | Domain Weightings on Exams |\n| :- | :- |\n"
        "| Data Ingestion and Transformation | 34% |\n| Data Store Management | 26% |\n"
    )
    assert draft.exam.code == "DEA-C01" and not draft.exam.declared
    assert [(d.number, d.name, d.weight) for d in draft.exam.domains] == [
        (1, "Data Ingestion and Transformation", 34.0), (2, "Data Store Management", 26.0)]


def test_pdf_table_of_contents_and_chat_residue_are_dropped():
    draft = parse_text(
        "# Workbook\n\nAWS Purpose-Built Databases.....\t4\nAmazon RDS ....\t7\n\n"
        "[Previous content remains the same until Analytics Services section...]\nReal text.\n"
    )
    text = draft.sections[0].text
    assert text == "Real text."
    assert any("table-of-contents" in w.message for w in draft.warnings)


def test_a_language_given_outside_the_fence_is_folded_into_it():
    draft = parse_text("# Code\n\ncql\n```\nSELECT * FROM t;\nCopy code\n```\n")
    assert draft.sections[0].markdown.startswith("```cql\nSELECT * FROM t;\n```")


def test_indented_sentences_after_a_paragraph_are_prose_not_code():
    draft = parse_text("# Q\n\nQuestions to ask:\n\n    How quickly do you need the analytics results?\n    Where is the data coming from?\n")
    assert "    How" not in draft.sections[0].markdown


def test_mis_decoded_characters_are_repaired_and_correct_ones_kept():
    draft = parse("mojibake.md")
    text = "\n".join(s.heading_path[-1] + "\n" + s.text for s in draft.sections)
    assert "🎯 Official Exam Scope" in text
    assert "Mainframe → DMS and it’s fine" in text
    assert "it’s “quoted” here" in text
    assert "it’s “quoted” — dash – and 🎯 → ✓ ├── naïve café “élan”" in text
    assert any("repaired mis-decoded characters on 3 lines" in w.message for w in draft.warnings)


def test_invalid_front_matter_is_an_error_naming_the_line():
    with pytest.raises(NoteError) as error:
        parse_text("---\ntitle: ok\ndomains: [1, 2\n---\n# Body\n")
    assert error.value.line in {3, 4} and "not valid YAML" in error.value.message


def test_scenarios_are_read_with_their_single_correct_option():
    draft = parse_text(
        "---\ntype: scenarios\ntitle: Cases\ndomains: [2]\n---\n# Cases\n\n## Busy shop\nDomain: 2\nSource: 004:659-673\n\n"
        "A read-heavy shop. Which database?\n\n- [x] [[Amazon Aurora]] — replicas absorb reads\n"
        "- [ ] [[Amazon DynamoDB]] — needs joins\n\n## Broken\n\nNo answer marked.\n\n- [ ] A — no\n- [ ] B — no\n"
    )
    assert len(draft.scenarios) == 1
    scenario = draft.scenarios[0]
    assert (scenario.title, scenario.domain, scenario.citation) == ("Busy shop", 2, "004:659-673")
    assert scenario.stem == "A read-heavy shop. Which database?"
    assert [(o.text, o.correct, o.explanation) for o in scenario.options] == [
        ("Amazon Aurora", True, "replicas absorb reads"), ("Amazon DynamoDB", False, "needs joins")]
    assert scenario.options[0].links == ["Amazon Aurora"]
    assert any("exactly one option" in w.message for w in draft.warnings)


CHOOSE_TWO = """---
type: scenarios
title: Cases
domains: [1]
---
# Cases

## Two ways to replay
Domain: 1
Task: 1.1
Source: 003:180
Tests: Replay records from the last 24 hours; Deliver to S3 with no code

A team must keep click events for a week and let two teams reread them. Which TWO services can keep
the events so that they can be read again? (Choose TWO.)

- [x] [[Amazon Kinesis Data Streams]] with a seven-day retention period — a consumer can read from any point kept.
- [x] [[Amazon MSK]] with a seven-day topic retention — Kafka consumers can reset their offsets.
- [ ] [[Amazon Data Firehose]] delivering to S3 — it delivers and keeps nothing to reread.
- [ ] [[Amazon SQS]] standard queue — a message is gone once it is deleted.
- [ ] [[Amazon SNS]] topic — it pushes to subscribers and keeps nothing.

## Two right of four
Domain: 1
Task: 1.1

Which two?

- [x] A — yes
- [x] B — yes
- [ ] C — no
- [ ] D — no

## A task outside its domain
Domain: 1
Task: 2.1

Which one?

- [x] A — yes
- [ ] B — no
- [ ] C — no
"""


def test_a_choose_two_scenario_has_two_right_of_five_with_its_task_and_the_mappings_it_tests():
    draft = parse_text(CHOOSE_TWO)
    [scenario] = draft.scenarios
    assert (scenario.title, scenario.domain, scenario.task) == ("Two ways to replay", 1, "1.1")
    assert scenario.tests == ["Replay records from the last 24 hours", "Deliver to S3 with no code"]
    assert [o.correct for o in scenario.options] == [True, True, False, False, False]
    assert "Tests:" not in scenario.stem and "Task:" not in scenario.stem
    messages = [w.message for w in draft.warnings]
    assert any("two among five" in m for m in messages)
    assert any("task 2.1 is not in its domain 1" in m for m in messages)


def test_a_tested_cue_holding_a_semicolon_is_named_in_quotes():
    draft = parse_note("cases.md", (
        "---\ntype: scenarios\ntitle: Cases\ndomains: [1]\n---\n# Cases\n\n## Replay\nDomain: 1\nTask: 1.1\n"
        'Tests: Replay a stream; "Ordered; exactly once" ;Deliver to S3\n\n'
        "A team must reread a week of events. Which service keeps them?\n\n"
        "- [x] Kinesis Data Streams — keeps records for the retention period.\n"
        "- [ ] Amazon SNS — keeps nothing.\n").encode(), 1 << 20)
    assert draft.scenarios[0].tests == ["Replay a stream", "Ordered; exactly once", "Deliver to S3"]
