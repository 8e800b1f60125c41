"""Lists of notes written in one pass: search results, and a service's question patterns.

A search page lists up to 80 results, and rendered by template tags their few fields each cost
a third of the request (variable lookups, auto-escaping and localisation for every field of
every row). Here each list is one string join. Everything that comes from the notes is escaped,
as auto-escaping would: these lists hold plain text, never HTML.

Each takes the rows of studyapp.notes.search.SHOWN: named rows, not model instances.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

from studyapp.notes.models import address, last_heading
from studyapp.notes.search import snippet

register = template.Library()


def _join(items) -> str:
    return mark_safe("".join(items))


@register.simple_tag
def service_results(services) -> str:
    return _join(f'<li><a href="{escape(address("notes:service", s.slug))}">{escape(s.name)}</a> '
                 f'<span class="muted">{escape(s.category)}</span></li>' for s in services)


@register.simple_tag
def table_results(tables) -> str:
    return _join(f'<li><a href="{escape(address("notes:table", t.key))}">{escape(t.title)}</a> '
                 f'<span class="muted">{escape(t.source__title)}</span></li>' for t in tables)


@register.simple_tag
def section_results(sections, terms) -> str:
    return _join(f'<li><a href="{escape(address("notes:document", s.source__slug))}#{escape(s.anchor)}">'
                 f'{escape(s.source__title)} › {escape(last_heading(s.heading_path))}</a>'
                 f'<p class="snippet">{escape(snippet(s.text, terms))}</p></li>' for s in sections)


@register.simple_tag
def pattern_list(patterns) -> str:
    return _join(('<dl class="patterns">', *map(_pattern, patterns), "</dl>"))


def _pattern(pattern) -> str:
    explanation = f" — {escape(pattern.explanation)}" if pattern.explanation else ""
    domain = f'<span class="tag">D{pattern.domain__number}</span>' if pattern.domain__number is not None else ""
    if pattern.task:
        domain += f' <span class="tag" title="Exam guide task statement">Task {escape(pattern.task)}</span>'
    return (f'<div class="pattern"><dt>{escape(pattern.prompt)}</dt>'
            f"<dd><strong>{escape(pattern.answer)}</strong>{explanation} {domain}</dd></div>")
