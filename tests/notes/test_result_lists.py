"""The lists written in one pass escape every field taken from the notes, as auto-escaping would."""

from django.template import engines

from studyapp.notes.models import ComparisonTable, Domain, NoteSection, QuestionPattern, Service, SourceFile
from studyapp.notes.templatetags.result_lists import pattern_list, section_results, service_results, table_results

HOSTILE = "<b onmouseover=\"x()\">'&amp;"
ESCAPED = "&lt;b onmouseover=&quot;x()&quot;&gt;&#x27;&amp;amp;"


def as_template(variable: str, value: str) -> str:
    """What `{{ value }}` prints: the escaping the tags must match."""
    return engines["django"].from_string("{{ " + variable + " }}").render({variable: value})


def test_the_expected_escape_is_the_templates_own():
    assert as_template("value", HOSTILE) == ESCAPED


def test_service_and_table_results_escape_names_categories_and_titles():
    source = SourceFile(slug="s", title=HOSTILE)
    assert service_results([Service(name=HOSTILE, slug="kinesis", category=HOSTILE)]) == (
        f'<li><a href="/notes/services/kinesis/">{ESCAPED}</a> <span class="muted">{ESCAPED}</span></li>')
    assert table_results([ComparisonTable(key="k", title=HOSTILE, source=source)]) == (
        f'<li><a href="/notes/tables/k/">{ESCAPED}</a> <span class="muted">{ESCAPED}</span></li>')


def test_section_results_escape_titles_headings_anchors_and_snippets():
    section = NoteSection(heading_path=["Top", HOSTILE], anchor='a"b', source=SourceFile(slug="note", title=HOSTILE))
    section.snippet = HOSTILE
    assert section_results([section]) == (
        f'<li><a href="/notes/docs/note/#a&quot;b">{ESCAPED} › {ESCAPED}</a><p class="snippet">{ESCAPED}</p></li>')


def test_a_pattern_shows_its_explanation_and_domain_only_when_it_has_them():
    domain = Domain(number=3, name="Operations")
    full = QuestionPattern(prompt=HOSTILE, answer=HOSTILE, explanation=HOSTILE, domain=domain)
    bare = QuestionPattern(prompt="Which queue?", answer="SQS", explanation="")
    assert pattern_list([full, bare]) == (
        '<dl class="patterns">'
        f'<div class="pattern"><dt>{ESCAPED}</dt><dd><strong>{ESCAPED}</strong> — {ESCAPED} '
        '<span class="tag">D3</span></dd></div>'
        '<div class="pattern"><dt>Which queue?</dt><dd><strong>SQS</strong> </dd></div>'
        "</dl>")
