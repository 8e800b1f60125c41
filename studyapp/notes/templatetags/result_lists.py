"""Lists of notes written in one pass: search results, and a service's question patterns.

A search page lists up to 80 results, and rendered by template tags their few fields each cost
a third of the request (variable lookups, auto-escaping and localisation for every field of
every row). Here each list is one string join. Everything that comes from the notes is escaped,
as auto-escaping would: these lists hold plain text, never HTML.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


def _join(items) -> str:
    return mark_safe("".join(items))


@register.simple_tag
def service_results(services) -> str:
    return _join(f'<li><a href="{escape(s.get_absolute_url())}">{escape(s.name)}</a> '
                 f'<span class="muted">{escape(s.category)}</span></li>' for s in services)


@register.simple_tag
def table_results(tables) -> str:
    return _join(f'<li><a href="{escape(t.get_absolute_url())}">{escape(t.title)}</a> '
                 f'<span class="muted">{escape(t.source.title)}</span></li>' for t in tables)


@register.simple_tag
def section_results(sections) -> str:
    return _join(f'<li><a href="{escape(s.source.get_absolute_url())}#{escape(s.anchor)}">'
                 f'{escape(s.source.title)} › {escape(s.heading)}</a>'
                 f'<p class="snippet">{escape(s.snippet)}</p></li>' for s in sections)


@register.simple_tag
def pattern_list(patterns) -> str:
    return _join(('<dl class="patterns">', *map(_pattern, patterns), "</dl>"))


def _pattern(pattern) -> str:
    explanation = f" — {escape(pattern.explanation)}" if pattern.explanation else ""
    domain = f'<span class="tag">D{pattern.domain.number}</span>' if pattern.domain else ""
    return (f'<div class="pattern"><dt>{escape(pattern.prompt)}</dt>'
            f"<dd><strong>{escape(pattern.answer)}</strong>{explanation} {domain}</dd></div>")
