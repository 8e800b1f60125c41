"""Pathological Markdown in one import with a good note: refused or shown as plain text, in
bounded time, and the good note imported as usual.

The files are made here rather than committed: one of them is 10 MB.
"""

import io
import json
import time

import pytest
from django.core.management import call_command

from studyapp.notes.models import ComparisonTable, NoteSection, QuestionPattern, SourceFile
from studyapp.notes.parse import parse_note
from studyapp.notes.parse.blocks import MAX_TABLE_CELLS
from studyapp.review.models import Card

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = """---
title: Good note
---
# Good note

## Storage classes
| Class | Minimum storage duration |
|---|---|
| S3 Standard-IA | 30 days |
| S3 Glacier Deep Archive | 180 days |

Replay records from a stream → Amazon Kinesis Data Streams
"""


def pipe_row(cells) -> str:
    return "|" + "|".join(cells) + "|"


PATHOLOGICAL = {
    "brackets.md": "# Brackets\n\n" + "[" * 100_000 + "\n",
    "nested-lists.md": "# Lists\n\n" + "- " * 1_000 + "item\n",
    # Indenting each level on a line of its own makes a megabyte: too large before too deep.
    "indented-lists.md": "# Lists\n\n" + "\n".join("  " * depth + "- item" for depth in range(1_000)) + "\n",
    "nested-quotes.md": "# Quotes\n\n" + "> " * 1_000 + "deep\n",
    "huge-line.md": "# One line\n\n" + "x" * 10_000_000 + "\n",
    # 1,000 x 1,000 one-letter cells is 2 MB: a million cells fit under the 2 MiB file limit.
    "million-cells.md": "# Cells\n\n" + "\n".join(
        [pipe_row(["h"] * 1_000), pipe_row(["---"] * 1_000)] + [pipe_row(["a"] * 1_000)] * 1_000) + "\n",
    # html.parser takes quadratic time over "<" that never close; each line used to be tried as
    # the start of an HTML table running to the end of the file.
    "unclosed-tables.md": "# Tables\n\n" + "<table\n" * 250_000,
    "wide-row.md": "# Wide\n\n| a | b |\n|---|---|\n" + pipe_row(["a"] * 990_000) + "\n",
}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "good.md").write_text(GOOD)
    for name, text in PATHOLOGICAL.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def import_all(folder) -> tuple[dict, float]:
    out = io.StringIO()
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit_info:  # one file is refused, so the command exits 1
        call_command("import_notes", str(folder), "--json", stdout=out)
    assert exit_info.value.code == 1
    return json.loads(out.getvalue()), time.monotonic() - started


def test_pathological_notes_are_refused_or_degraded_in_bounded_time_and_the_good_note_imports(folder, settings):
    settings.NOTES_RENDER_SECONDS = 0.5  # what overruns it overruns the usual limit too, sooner
    report, seconds = import_all(folder)
    assert seconds < 60  # catches a hang, not a speed target
    by_file = {d["path"].rsplit("/", 1)[1]: d for d in report["details"]}

    # Refused with the file named and the limit given.
    assert by_file["huge-line.md"]["status"] == "error"
    size = len(PATHOLOGICAL["huge-line.md"].encode())
    assert by_file["huge-line.md"]["error"] == {
        "file": str(folder / "huge-line.md"), "line": None,
        "message": f"file is {size:,} bytes, over the 2,097,152-byte limit for one note"}
    assert report["errors"] == [by_file["huge-line.md"]["error"]]

    # Degraded: imported, with the section shown as escaped text and a warning on its line.
    for name, line, warning in [
        ("nested-lists.md", 1, "section nests lists or quotes over 40 deep; shown as plain text"),
        ("nested-quotes.md", 1, "section nests lists or quotes over 40 deep; shown as plain text"),
        ("indented-lists.md", 1, "section is over 200,000 characters; shown as plain text"),
        ("unclosed-tables.md", 1, "section is over 200,000 characters; shown as plain text"),
        ("million-cells.md", 3, "table of 1,001 rows and up to 1,000 columns is over the limit of 64 columns"
                                f" and {MAX_TABLE_CELLS:,} cells; shown as plain text"),
        ("wide-row.md", 3, "table of 2 rows and up to 990,000 columns is over the limit of 64 columns"
                           f" and {MAX_TABLE_CELLS:,} cells; shown as plain text"),
    ]:
        assert by_file[name]["status"] == "imported", name
        assert any(w["line"] == line and w["message"] == warning for w in by_file[name]["warnings"]), by_file[name]["warnings"]
        html = NoteSection.objects.get(source__path__endswith=name).html
        assert html.startswith('<pre class="plain">'), name
    assert not ComparisonTable.objects.filter(source__path__endswith="million-cells.md").exists()
    assert not ComparisonTable.objects.filter(source__path__endswith="wide-row.md").exists()

    # Thousands of "[" are text, however the renderer copes with them.
    brackets = NoteSection.objects.get(source__path__endswith="brackets.md")
    assert by_file["brackets.md"]["status"] == "imported" and brackets.text.count("[") == 100_000

    # The good note imported as it would alone.
    assert by_file["good.md"]["status"] == "imported" and by_file["good.md"]["warnings"] == []
    good = SourceFile.objects.get(path__endswith="good.md")
    assert ComparisonTable.objects.get(source=good).rows == [["S3 Standard-IA", "30 days"],
                                                           ["S3 Glacier Deep Archive", "180 days"]]
    assert QuestionPattern.objects.get(source=good).answer == "Amazon Kinesis Data Streams"
    assert Card.objects.filter(source=good).count() == 3
    assert report["imported"] == 8 and report["failed"] == 1


def test_an_html_table_over_the_column_limit_is_plain_text_with_a_warning():
    row = "<tr>" + "<td>a</td>" * 65 + "</tr>"
    draft = parse_note("wide.md", f"# Wide\n\n<table>{row}{row}</table>\n".encode(), 2 * 1024 * 1024)
    assert draft.tables == []
    assert [w.message for w in draft.warnings] == [
        f"table of 2 rows and up to 65 columns is over the limit of 64 columns and {MAX_TABLE_CELLS:,} cells;"
        " shown as plain text"]
    assert draft.sections[0].markdown.startswith("```\n<table>")
