"""Lines as long as a note may be, shaped against each pattern the reader tries on every line,
and lines as many as it may hold, against what it looks for from each of them.

The reader runs in the import's own process, outside the renderer's time limit: a pattern that
reads a long line again from each of its characters takes hours on a two-megabyte line. Each
shape below did, or took minutes (measured on shorter lines and extrapolated; each ran past 15 s
before this was fixed); read in linear time, each takes a second or less. The bound catches
quadratic reading; it is not a speed target.
"""

import time

import pytest

from studyapp.notes.citations import Library, lift
from studyapp.notes.parse import parse_note
from studyapp.notes.render import MAX_SECTION_CHARS, Renderer

from tests.notes.filling import MAX_BYTES, run


LONG_LINES = {
    # A table-of-contents line is "title ..... page"; these never reach a page number.
    "dots-after-a-word": run(".", "# Contents\n\nIntroduction "),
    "dots-then-spaces": run(" ", "# Contents\n\nChapter one .....", "x"),
    "padded-heading": run(" ", "# Heading", "end"),
    "tab-padded-heading": run("\t", "## Heading", "end #"),
    "tilde-fence-with-a-backtick": run("a", "~~~", "`"),
    "backtick-fence-padded": run(" ", "```", "`"),
    "delimiter-row-padded": run(" ", "| a | b |\n|---|-", "x|"),
    "delimiter-row-padded-with-tabs": run("\t", "| a | b |\n| :-: | :-:", "x |"),
    "unclosed-star-emphasis": run(" *a", "# Stars\n\n"),
    "unclosed-underscore-emphasis": run(" _a", "# Underscores\n\n"),
    "star-emphasis-in-a-table-cell": run(" *a", "| Question pattern | Answer |\n|---|---|\n| x |", " |"),
    "code-spans-of-every-length": "# Code\n\n" + "".join("`" * length + "a" for length in range(1, 2_046)),
    "padded-source-line": run(" ", "| a | b |\n|---|---|\n| c | d |\n\nSource: a", "b"),
    "digits-without-a-percent-sign": run("1", "# DEA-C01 weights\n\n| Domain | Weight |\n|---|---|\n| One | ", " |"),
    "indented-sentences": run("    This indented sentence reads as prose.\n", "# Prose\n\nA paragraph.\n"),
    # Mappings read from lists and Q:/A: lines (studyapp/notes/parse/mappings.py).
    "spaces-in-a-term-with-no-equals-sign": run(" ", "# Notes\n\n## Exam tips\n\n- a", "b"),
    "spaces-after-a-q-with-no-colon": run(" ", "# Notes\n\nQ", "x"),
    "quote-markers-before-no-list-item": run("> ", "# Notes\n\n## Cheat sheet\n\n", "x"),
    "digits-before-no-list-item": run("1", "# Notes\n\n## Key points\n\n", "x"),
    # Not quadratic, but thirty tries at a repair from every character: 30 s and 90 s.
    "mis-decoded-looking-accents": run("é", "# Accents\n\n"),
    "asian-text": run("日本語", "# Text\n\n"),
    "wikilink-openers-in-a-cell": run("[[", "| a | b |\n|---|---|\n| x | ", " |"),
    # Each "<table" was read as a table running to the one "</table>" below them all.
    "table-openers-above-one-closing": run("<table summary='never holds a row'>\n", "# Tables\n\n", "</table>\n"),
}


def fences_of_decreasing_length() -> str:
    """A thousand fences that no later, shorter one can close, then lines of text to fill the note.

    Each fence is closed where the quote after it resumes, once the reader knows no line closes it:
    searched for line by line, that is a thousand readings of the hundred thousand lines below.
    """
    fences = "".join("`" * length + "\n> q\n" for length in range(1_002, 2, -1))
    return run("Lines of text.\n", "# Fences\n\n" + fences)


LONG_LINES["fences-of-decreasing-length"] = fences_of_decreasing_length()


@pytest.mark.parametrize("name", LONG_LINES)
def test_it_reads_a_line_as_long_as_a_note_in_linear_time(name):
    data = LONG_LINES[name].encode()
    assert 0.99 * MAX_BYTES < len(data) <= MAX_BYTES
    started = time.monotonic()
    draft = parse_note(f"{name}.md", data, MAX_BYTES)
    assert time.monotonic() - started < 10  # hours when quadratic
    assert draft.sections


def test_it_checks_how_deep_a_long_numbered_line_nests_in_linear_time():
    # Checked in the import's own process before a section goes to the time-limited workers.
    source = "1" * (MAX_SECTION_CHARS - 1)
    started = time.monotonic()
    with Renderer() as renderer:
        [(html, warning)] = renderer.render_many([source], {})
    assert time.monotonic() - started < 10  # hours when quadratic
    assert warning == "section nests lists or quotes over 40 deep; shown as plain text"
    assert html.startswith('<pre class="plain">')


@pytest.mark.parametrize("name", LONG_LINES)
def test_it_lifts_the_citations_out_of_a_line_as_long_as_a_note_in_linear_time(name):
    library = Library({"002": "A document"}, {"A page": "https://docs.aws.amazon.com/a-page.html"})
    draft = parse_note(f"{name}.md", LONG_LINES[name].encode(), MAX_BYTES)
    started = time.monotonic()
    for section in draft.sections:
        lift(section.markdown, library)
    assert time.monotonic() - started < 10  # hours when quadratic


CITATION_LINES = {
    "documentation-openers": run("AWS documentation (", "# Sources\n\n"),
    "parentheses-around-spaces": run("( ", "# Groups\n\n(002:1) "),
    "spaces-before-a-group": run(" ", "# Groups\n\nText", "(002:1)"),
    "source-line-padded": run(" ", "Source: 002:1", "*"),
    "codes-without-end": run("002:1", "# Codes\n\n"),
    "markers-in-a-long-group": run(" 002:1,", "# Groups\n\n(", ")"),
}


@pytest.mark.parametrize("name", CITATION_LINES)
def test_citations_are_lifted_from_lines_shaped_against_them_in_linear_time(name):
    library = Library({"002": "A document"})
    started = time.monotonic()
    lift(CITATION_LINES[name], library)
    assert time.monotonic() - started < 10  # hours when quadratic
