from django import template

from studyapp.notes.search import snippet as snippet_of

register = template.Library()


@register.filter
def snippet(text: str, terms: list[str]) -> str:
    """The part of a section's text around the first search term: plain text, escaped as usual."""
    return snippet_of(text, terms)
