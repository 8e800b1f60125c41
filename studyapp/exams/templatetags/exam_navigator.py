"""The exam's question navigator, answered on every click in an exam: 65 links, each with its
state for eyes and screen readers, written with `format_html_join` (a template loop over them
took longer than the rest of the request)."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

CURRENT = mark_safe(' aria-current="page"')  # a constant: nothing from the learner or the notes


@register.simple_tag
def question_links(links: list[dict]):
    return format_html_join("", '<li><a href="{}" class="{}"{}>{}<span class="visually-hidden">{}</span></a></li>', (
        (link["url"], link["classes"], CURRENT if link["current"] else "", link["number"],
         (", answered" if link["answered"] else ", not answered") + (", flagged" if link["flagged"] else ""))
        for link in links))
