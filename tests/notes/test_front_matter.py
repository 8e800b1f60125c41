"""Front matter is read without aliases, tags or unbounded values, and each key is checked."""

import time
import tracemalloc

import pytest

from studyapp.notes.parse import NoteError, parse_note, read_front_matter

MAX_BYTES = 2 * 1024 * 1024

BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]"""


def note(front_matter: str, body: str = "# Body\n\nText.\n") -> bytes:
    return f"---\n{front_matter}\n---\n{body}".encode()


def refusal(data: bytes) -> NoteError:
    with pytest.raises(NoteError) as error:
        parse_note("note.md", data, MAX_BYTES)
    assert read_front_matter(data, MAX_BYTES) == {}  # what the import reads first never raises
    return error.value


def test_it_refuses_an_alias_bomb_at_once_naming_its_first_anchor():
    tracemalloc.start()
    started = time.monotonic()
    error = refusal(note("title: Laughs\n" + BILLION_LAUGHS))
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 5 and peak < 50 * 1024 * 1024  # 34 s and 1.8 GB when the aliases were expanded
    assert error.line == 3
    assert error.message == "front matter 'a' uses a YAML anchor or alias (& or *); write each value out"


@pytest.mark.parametrize("yaml, line", [
    ("title: Loop\nself: &loop [*loop]", 3),
    ("title: &name Named\naliases: [*name]", 2),
    ("title: Merge\nbase: &base {a: 1}\nchild:\n  <<: *base", 3),
])
def test_it_refuses_anchors_and_aliases_of_any_kind(yaml, line):
    error = refusal(note(yaml))
    assert error.line == line and "anchor or alias" in error.message


@pytest.mark.parametrize("yaml, line, message", [
    ("title: Tagged\nsecret: !!binary aGVsbG8=", 3, "front matter 'secret' uses the YAML tag tag:yaml.org,2002:binary; "
                                                     "write the value without it"),
    ("title: Set\nitems: !!set {a, b}", 3, "front matter 'items' uses the YAML tag tag:yaml.org,2002:set; "
                                            "write the value without it"),
    ("title: Deep\nnested: " + "[" * 50 + "]" * 50, 3, "front matter 'nested' nests lists or mappings over 8 deep"),
    ("title: Infinite\nscore: .inf", 3, "front matter 'score' holds '.inf', which is not a finite number"),
    ("title: Not a number\nratio: .NaN", 3, "front matter 'ratio' holds '.NaN', which is not a finite number"),
    ("title: Overflow\nratio: 1.0e+999", 3, "front matter 'ratio' holds '1.0e+999', which is not a finite number"),
    ("title: Huge\nbig: " + "9" * 5000, 3, "front matter 'big' holds a number of 5,000 characters; at most 24 are read"),
    ("title: Broken\ndomains: [1, 2\n", 4, None),
])
def test_it_refuses_values_no_note_needs_naming_their_line(yaml, line, message):
    error = refusal(note(yaml))
    assert error.line == line
    if message:
        assert error.message == message
    else:
        assert error.message.startswith("front matter is not valid YAML: ")


@pytest.mark.parametrize("yaml, line, message", [
    ("type: service\ntitle: 2024", 3,
     "front matter 'title' must be text, not 2024; put it in quotes if it is meant as text"),
    ("title: yes", 2, "front matter 'title' must be text, not True; put it in quotes if it is meant as text"),
    ("title: [a, b]", 2, "front matter 'title' must be text, not ['a', 'b']; put it in quotes if it is meant as text"),
    ("title: " + "t" * 201, 2, "front matter 'title' is 201 characters long; at most 200 are allowed"),
    ("title: Ok\ncategory: {a: 1}", 3,
     "front matter 'category' must be text, not {'a': 1}; put it in quotes if it is meant as text"),
    ("title: Ok\naliases: [KDS, 3.5]", 3,
     "front matter 'aliases' must be text, not 3.5; put it in quotes if it is meant as text"),
    ("title: Ok\naliases: [" + ", ".join(["a"] * 101) + "]", 3,
     "front matter 'aliases' lists 101 items; at most 100 are allowed"),
    ("title: Ok\naliases: " + "a" * 300, 3, "front matter 'aliases' is 300 characters long; at most 200 are allowed"),
    ("title: Ok\ntype: [exam]", 3,
     "front matter 'type' must be text, not ['exam']; put it in quotes if it is meant as text"),
    ("title: Ok\nflashcards: 'no'", 3, "front matter 'flashcards' must be true or false, not 'no'"),
    ("type: exam\ncode: DEA-C01\nquestions: -5", 4,
     "front matter 'questions' must be a whole number from 1 to 1,000, not -5"),
    ("type: exam\ncode: DEA-C01\nminutes: 130.5", 4,
     "front matter 'minutes' must be a whole number from 1 to 1,440, not 130.5"),
    ("type: exam\ncode: DEA-C01\npassing_score: 99999999", 4,
     "front matter 'passing_score' must be a whole number from 0 to 10,000, not 99999999"),
    ("type: exam\ncode: DEA-C01\nscore_max: true", 4,
     "front matter 'score_max' must be a whole number from 1 to 10,000, not True"),
    ("type: exam\ncode: DEA-C01\nscored_questions: '50'", 4,
     "front matter 'scored_questions' must be a whole number from 1 to 1,000, not '50'"),
    ("type: exam\ncode: [DEA, C01]", 3,
     "front matter 'code' must be text, not ['DEA', 'C01']; put it in quotes if it is meant as text"),
    ("type: exam\ncode: DEA-C01\ndomains:\n  - {number: 1, name: Ingestion, weight: 150}", 4,
     "front matter 'domains' weight must be a number from 0 to 100 (a percentage), not 150"),
    ("type: exam\ncode: DEA-C01\ndomains:\n  - {number: 1, name: Ingestion, weight: -1}", 4,
     "front matter 'domains' weight must be a number from 0 to 100 (a percentage), not -1"),
    ("type: exam\ncode: DEA-C01\ndomains:\n  - {number: 0, name: Ingestion, weight: 34}", 4,
     "front matter 'domains' number must be a whole number from 1 to 99, not 0"),
    ("type: exam\ncode: DEA-C01\ndomains:\n  - {number: 1, name: 2024, weight: 34}", 4,
     "front matter 'domains' name must be text, not 2024; put it in quotes if it is meant as text"),
    ("type: exam\ncode: DEA-C01\ndomains:\n  - {number: 1, weight: 34}", 4,
     "front matter 'domains' of an exam note must be a list of domains, each with a number, a name and a weight"),
    ("type: exam\ncode: DEA-C01\ndomains: 3", 4,
     "front matter 'domains' of an exam note must be a list of domains, each with a number, a name and a weight"),
])
def test_it_refuses_a_value_that_does_not_fit_its_key_naming_the_key_and_its_line(yaml, line, message):
    error = refusal(note(yaml))
    assert (error.line, error.message) == (line, message)


def test_it_refuses_front_matter_over_64_kib_naming_the_opening_line():
    error = refusal(note("title: Long\nsources:\n" + "  - '001:1-2'\n" * 6_000))
    assert error.line == 1
    assert error.message == ("front matter is not closed with '---' within 65,536 bytes; "
                             "it holds the title and a few short keys")


def test_it_stops_looking_for_the_end_of_front_matter_after_64_kib():
    data = ("---\ntitle: Never closed\n" + "x: y\n" * 400_000).encode()
    started = time.monotonic()
    error = refusal(data)
    assert time.monotonic() - started < 5
    assert error.line == 1 and "not closed with '---' within 65,536 bytes" in error.message


@pytest.mark.parametrize("front_matter", ["", "# only a comment", "~"])
def test_empty_front_matter_is_no_front_matter(front_matter):
    draft = parse_note("empty.md", note(front_matter), MAX_BYTES)
    assert draft.meta == {} and draft.title == "Body"


def test_it_keeps_dates_as_the_text_they_were_written_as():
    draft = parse_note("note.md", note("title: 2024-05-01\nreviewed: 2024-05-01 10:00:00"), MAX_BYTES)
    assert draft.title == "2024-05-01"
    assert draft.meta == {"title": "2024-05-01", "reviewed": "2024-05-01 10:00:00"}


def test_it_reads_well_formed_front_matter_as_before():
    data = note("type: exam\ntitle: Data Engineer\ncode: DEA-C01\nquestions: 65\nscored_questions: 50\n"
                "minutes: 130\npassing_score: 720\nscore_min: 100\nscore_max: 1000\nflashcards: false\n"
                "domains:\n  - number: 1\n    name: Ingestion\n    weight: 34\n    tasks: [Ingest data]\n"
                "  - {number: 2, name: Store, weight: 26.5}")
    draft = parse_note("exam.md", data, MAX_BYTES)
    exam = draft.exam
    assert (exam.code, exam.question_count, exam.scored_questions, exam.minutes) == ("DEA-C01", 65, 50, 130)
    assert (exam.passing_score, exam.score_min, exam.score_max) == (720, 100, 1000)
    assert [(d.number, d.name, d.weight, d.tasks) for d in exam.domains] == [
        (1, "Ingestion", 34.0, ["Ingest data"]), (2, "Store", 26.5, [])]
    assert read_front_matter(data, MAX_BYTES)["flashcards"] is False


def test_a_domain_that_is_not_a_number_is_skipped_with_a_warning_as_before():
    draft = parse_note("note.md", note("title: Ok\ndomains: [1, '2', x, 0, 100, true]"), MAX_BYTES)
    assert draft.domains == [1, 2]
    assert [w.message for w in draft.warnings] == [
        f"front matter domain {value} is not a domain number" for value in ("'x'", "0", "100", "True")]
