"""Search results and a service's question patterns are written by templates, which escape every
field taken from the notes."""

from django.db.models.utils import create_namedtuple_class
from django.template.loader import get_template

from studyapp.notes.search import SHOWN, result

HOSTILE = "<b onmouseover=\"x()\">'&amp;"
ESCAPED = "&lt;b onmouseover=&quot;x()&quot;&gt;&#x27;&amp;amp;"


def row(kind: str, **values):
    """A row as search reads it, with the fields the kind shows."""
    return result(kind, create_namedtuple_class(*SHOWN[kind])(**{"pk": 1, **values}))


def results(**found) -> str:
    kinds = {"services": [], "patterns": [], "tables": [], "sections": [], **found}
    return get_template("notes/search.html#results").render(
        {"query": "x", "results": {**kinds, "terms": ["onmouseover"], "total": 1}})


def test_service_and_table_results_escape_names_categories_and_titles():
    page = results(services=[row("services", name=HOSTILE, slug="kinesis", category=HOSTILE)],
                   tables=[row("tables", key="k", title=HOSTILE, source__title=HOSTILE)])
    assert f'<li><a href="/notes/services/kinesis/">{ESCAPED}</a> <span class="muted">{ESCAPED}</span></li>' in page
    assert f'<li><a href="/notes/tables/k/">{ESCAPED}</a> <span class="muted">{ESCAPED}</span></li>' in page
    assert "<b " not in page


def test_section_results_escape_titles_headings_anchors_and_snippets():
    section = row("sections", heading_path=["Top", HOSTILE], anchor='a"b', text=HOSTILE, source__title=HOSTILE,
                  source__slug="note")
    assert (f'<li><a href="/notes/docs/note/#a&quot;b">{ESCAPED} › {ESCAPED}</a><p class="snippet">{ESCAPED}</p></li>'
            in results(sections=[section]))


def test_a_section_snippet_starts_near_the_first_term():
    text = "Lead-in words. " * 30 + "Kinesis replays data."
    page = get_template("notes/search.html#results").render({"query": "x", "results": {
        "services": [], "patterns": [], "tables": [], "total": 1, "terms": ["replays"],
        "sections": [row("sections", heading_path=[], anchor="a", text=text, source__title="T", source__slug="t")]}})
    snippet = page.split('<p class="snippet">')[1].split("</p>")[0]
    assert snippet.startswith("…") and "Kinesis replays data." in snippet


def test_a_pattern_shows_its_explanation_domain_and_task_only_when_it_has_them():
    full = row("patterns", prompt=HOSTILE, answer=HOSTILE, explanation=HOSTILE, domain__number=3, task="3.<")
    bare = row("patterns", prompt="Which queue?", answer="SQS", explanation="", domain__number=None, task="")
    assert get_template("notes/_patterns.html").render({"patterns": [full, bare]}) == (
        '<dl class="patterns">'
        f'<div class="pattern"><dt>{ESCAPED}</dt><dd><strong>{ESCAPED}</strong> — {ESCAPED} '
        '<span class="tag">D3</span> <span class="tag" title="Exam guide task statement">Task 3.&lt;</span></dd></div>'
        '<div class="pattern"><dt>Which queue?</dt><dd><strong>SQS</strong> </dd></div>'
        "</dl>\n")
