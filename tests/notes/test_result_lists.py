"""The lists written in one pass escape every field taken from the notes, as auto-escaping would."""

from django.db.models.utils import create_namedtuple_class
from django.template import engines

from studyapp.notes.search import SHOWN
from studyapp.notes.templatetags.result_lists import pattern_list, section_results, service_results, table_results

HOSTILE = "<b onmouseover=\"x()\">'&amp;"
ESCAPED = "&lt;b onmouseover=&quot;x()&quot;&gt;&#x27;&amp;amp;"


def row(kind: str, **values):
    """A row as search reads it, with the fields the kind shows."""
    return create_namedtuple_class(*SHOWN[kind])(**{"pk": 1, **values})


def as_template(variable: str, value: str) -> str:
    """What `{{ value }}` prints: the escaping the tags must match."""
    return engines["django"].from_string("{{ " + variable + " }}").render({variable: value})


def test_the_expected_escape_is_the_templates_own():
    assert as_template("value", HOSTILE) == ESCAPED


def test_service_and_table_results_escape_names_categories_and_titles():
    assert service_results([row("services", name=HOSTILE, slug="kinesis", category=HOSTILE)]) == (
        f'<li><a href="/notes/services/kinesis/">{ESCAPED}</a> <span class="muted">{ESCAPED}</span></li>')
    assert table_results([row("tables", key="k", title=HOSTILE, source__title=HOSTILE)]) == (
        f'<li><a href="/notes/tables/k/">{ESCAPED}</a> <span class="muted">{ESCAPED}</span></li>')


def test_section_results_escape_titles_headings_anchors_and_snippets():
    section = row("sections", heading_path=["Top", HOSTILE], anchor='a"b', text=HOSTILE, source__title=HOSTILE,
                  source__slug="note")
    assert section_results([section], ["onmouseover"]) == (
        f'<li><a href="/notes/docs/note/#a&quot;b">{ESCAPED} › {ESCAPED}</a><p class="snippet">{ESCAPED}</p></li>')


def test_a_section_snippet_starts_near_the_first_term():
    text = "Lead-in words. " * 30 + "Kinesis replays data."
    [snippet] = [part for part in section_results([row("sections", heading_path=[], anchor="a", text=text,
                                                       source__title="T", source__slug="t")], ["replays"])
                 .split('<p class="snippet">')[1:]]
    assert snippet.startswith("…") and "Kinesis replays data." in snippet


def test_a_pattern_shows_its_explanation_domain_and_task_only_when_it_has_them():
    full = row("patterns", prompt=HOSTILE, answer=HOSTILE, explanation=HOSTILE, domain__number=3, task="3.<")
    bare = row("patterns", prompt="Which queue?", answer="SQS", explanation="", domain__number=None, task="")
    assert pattern_list([full, bare]) == (
        '<dl class="patterns">'
        f'<div class="pattern"><dt>{ESCAPED}</dt><dd><strong>{ESCAPED}</strong> — {ESCAPED} '
        '<span class="tag">D3</span> <span class="tag" title="Exam guide task statement">Task 3.&lt;</span></dd></div>'
        '<div class="pattern"><dt>Which queue?</dt><dd><strong>SQS</strong> </dd></div>'
        "</dl>")
