"""The exam's question navigator: 65 links written in one pass.

The exam's progress partial answers every click in an exam. Rendered by template tags, the
navigator's links (each with its class, current marker and what a screen reader says of it) took
longer than all the rest of the request; here they are one string join. Nothing in them comes
from the learner or the notes: question numbers, fixed words, and addresses from `reverse()`,
which are escaped all the same.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

CURRENT = ' aria-current="page"'


@register.simple_tag
def question_links(links: list[dict]) -> str:
    return mark_safe("".join(_link(**link) for link in links))


def _link(number: int, url: str, answered: bool, flagged: bool, current: bool) -> str:
    classes = " ".join(name for name, on in (("answered", answered), ("flagged", flagged)) if on)
    status = (", answered" if answered else ", not answered") + (", flagged" if flagged else "")
    return (f'<li><a href="{escape(url)}" class="{classes}"{CURRENT if current else ""}>{number}'
            f'<span class="visually-hidden">{status}</span></a></li>')
