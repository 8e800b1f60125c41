"""Notes that attack the note reader, imported in one run beside a good note: each is refused
with its line and a message naming what is wrong, or imported, shown as plain text where it
must be, in bounded time and memory; the good note imports as it would alone.

The small notes are in tests/fixtures/hostile-reader/ (its README says what each one does);
the large ones are made here.
"""

import io
import json
import resource
import shutil
import time

import pytest
from django.core.management import call_command

from studyapp.notes.models import ComparisonTable, Exam, NoteSection, QuestionPattern, SourceFile

from tests.conftest import FIXTURES
from tests.notes.filling import MAX_BYTES, run

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE_READER = FIXTURES / "hostile-reader"

GOOD = """---
type: concept
title: Good note
domains: [1]
---
# Good note

## Storage classes
| Class | Minimum storage duration |
|---|---|
| S3 Standard-IA | 30 days |
| S3 Glacier Deep Archive | 180 days |

Replay records from a stream → Amazon Kinesis Data Streams
"""


LARGE = {
    # Lines as long as a note may be, against the patterns tried on every line (quadratic: hours).
    "toc-dots.md": run(".", "# Contents\n\nIntroduction "),
    "padded-heading.md": run(" ", "# Heading", "end"),
    "unclosed-emphasis-in-a-cell.md": run(" _a", "| Question pattern | Answer |\n|---|---|\n| x |", " |"),
    "code-spans-of-every-length.md": "# Code\n\n" + "".join("`" * length + "a" for length in range(1, 2_046)),
    "padded-delimiter-row.md": run(" ", "| a | b |\n|---|-", "x|"),
    # Raw lists nested 24,000 deep: the sanitiser took 6 s over them, outside any time limit.
    "nested-raw-lists.md": "# Lists\n\n" + "<ul><li>" * 24_000 + "\n",
    # Front matter over 64 KiB, and one that never closes in a file of two megabytes.
    "long-front-matter.md": "---\ntitle: Long\nsources:\n" + "  - '001:1-2'\n" * 6_000 + "---\n# Long\n",
    "unclosed-front-matter.md": run("key: value\n", "---\ntitle: Never closed\n"),
}

REFUSED = [
    ("alias-bomb.md", 3, "front matter 'a' uses a YAML anchor or alias (& or *); write each value out"),
    ("recursive-alias.md", 4, "front matter 'aliases' uses a YAML anchor or alias (& or *); write each value out"),
    ("infinite-question-count.md", 5, "front matter 'questions' holds '.inf', which is not a finite number"),
    ("nan-domain-weight.md", 9, "front matter 'domains' holds '.NaN', which is not a finite number"),
    ("negative-minutes.md", 6, "front matter 'minutes' must be a whole number from 1 to 1,440, not -130"),
    ("huge-passing-score.md", 5,
     "front matter 'passing_score' holds a number of 5,000 characters; at most 24 are read"),
    ("deep-nesting.md", 3, "front matter 'tags' nests lists or mappings over 8 deep"),
    ("number-as-title.md", 3,
     "front matter 'title' must be text, not 1.1; put it in quotes if it is meant as text"),
    ("boolean-as-domain-name.md", 5,
     "front matter 'domains' name must be text, not False; put it in quotes if it is meant as text"),
    ("binary-tag.md", 3,
     "front matter 'logo' uses the YAML tag tag:yaml.org,2002:binary; write the value without it"),
    ("flashcards-as-text.md", 3, "front matter 'flashcards' must be true or false, not 'sometimes'"),
    ("list-as-type.md", 3,
     "front matter 'type' must be text, not ['service', 'concept']; put it in quotes if it is meant as text"),
    ("aliases-as-mapping.md", 4,
     "front matter 'aliases' must be text, not {'KDS': 'Kinesis Data Streams'}; put it in quotes if it is meant as text"),
    ("infinite-unknown-key.md", 3, "front matter 'confidence' holds '-.inf', which is not a finite number"),
    ("long-front-matter.md", 1, "front matter is not closed with '---' within 65,536 bytes; "
                                "it holds the title and a few short keys"),
    ("unclosed-front-matter.md", 1, "front matter is not closed with '---' within 65,536 bytes; "
                                    "it holds the title and a few short keys"),
]


@pytest.fixture
def folder(tmp_path):
    shutil.copytree(HOSTILE_READER, tmp_path, dirs_exist_ok=True)
    (tmp_path / "good.md").write_text(GOOD)
    for name, text in LARGE.items():
        (tmp_path / name).write_text(text)
        assert len(text.encode()) <= MAX_BYTES, name
    return tmp_path


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def test_notes_that_attack_the_reader_are_refused_or_degraded_and_the_good_note_imports(folder, settings):
    settings.NOTES_RENDER_SECONDS = 0.5  # what overruns it overruns the usual limit too, sooner
    out = io.StringIO()
    peak_before, started = peak_rss_bytes(), time.monotonic()
    with pytest.raises(SystemExit) as exit_info:  # some files are refused, so the command exits 1
        call_command("import_notes", str(folder), "--json", stdout=out)
    seconds, growth = time.monotonic() - started, peak_rss_bytes() - peak_before
    assert exit_info.value.code == 1
    # Safety bounds, not speed targets: quadratic reading took hours, the alias bomb 34 s and 1.8 GB.
    assert seconds < 90
    assert growth < 600 * 1024 * 1024
    report = json.loads(out.getvalue())
    by_file = {d["path"].rsplit("/", 1)[1]: d for d in report["details"]}

    # Refused: the file named, the line of the key at fault, a message that says what to change.
    for name, line, message in REFUSED:
        assert by_file[name]["status"] == "error", name
        assert by_file[name]["error"] == {"file": str(folder / name), "line": line, "message": message}
    assert len(report["errors"]) == len(REFUSED)
    assert not SourceFile.objects.filter(path__in=[str(folder / name) for name, _, _ in REFUSED]).exists()
    assert not Exam.objects.exists()  # every exam note above was refused

    # Imported in linear time; what is too large or too slow to render is shown as escaped text.
    assert by_file["padded-heading.md"]["status"] == "imported"
    for name in ["toc-dots.md", "unclosed-emphasis-in-a-cell.md", "code-spans-of-every-length.md",
                 "padded-delimiter-row.md", "nested-raw-lists.md"]:
        assert by_file[name]["status"] == "imported", name
        assert NoteSection.objects.get(source__path__endswith=name).html.startswith('<pre class="plain">'), name
    assert {"line": 1, "message": "Markdown took over 0.5 s to render; shown as plain text",
            "file": str(folder / "nested-raw-lists.md")} in by_file["nested-raw-lists.md"]["warnings"]

    # Dates where text is expected stay the text they were written as, and are stored as JSON text.
    dates = SourceFile.objects.get(path__endswith="dates-kept-as-text.md")
    assert dates.title == "2024-05-01"
    assert dates.front_matter == {"type": "concept", "title": "2024-05-01", "reviewed": "2024-05-01 10:30:00",
                                  "sources": ["001:10-20"]}

    # The good note imported as it would alone, and the folder's README with it.
    assert by_file["good.md"]["status"] == "imported" and by_file["good.md"]["warnings"] == []
    good = SourceFile.objects.get(path__endswith="good.md")
    assert ComparisonTable.objects.get(source=good).rows == [["S3 Standard-IA", "30 days"],
                                                           ["S3 Glacier Deep Archive", "180 days"]]
    assert QuestionPattern.objects.get(source=good).answer == "Amazon Kinesis Data Streams"
    assert by_file["README.md"]["status"] == "imported"
    assert report["imported"] == len(by_file) - len(REFUSED)
