"""What a stored, sanitised HTML fragment may hold: checked by parsing it, not by searching its text.

A payload shown as text (`<code>&lt;script&gt;</code>`) is harmless and must not trip the check;
only elements and attributes count. The allow-list is render.py's own, so widening it there
without thought shows up here as a failing test of the hostile corpus.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from studyapp.notes.render import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

# nh3 adds rel to links; escaped() marks a section shown as plain text.
EXTRA_ATTRIBUTES = {("a", "rel"), ("pre", "class")}
SAFE_SCHEMES = {"", "http", "https", "mailto"}
URL_ATTRIBUTES = {"href"}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            allowed = name in ALLOWED_ATTRIBUTES.get(tag, set()) or (tag, name) in EXTRA_ATTRIBUTES
            if not allowed:
                self.problems.append(f"{name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and _scheme(value or "") not in SAFE_SCHEMES:
                self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.problems.append("a comment")

    def handle_decl(self, decl):
        self.problems.append(f"a declaration <!{decl}>")

    def handle_pi(self, data):
        self.problems.append(f"a processing instruction <?{data}>")

    def unknown_decl(self, data):
        self.problems.append(f"a declaration <![{data}>")


def _scheme(url: str) -> str:
    # Browsers drop tabs, newlines and leading control characters and spaces before reading
    # the scheme, so a check must too.
    cleaned = re.sub(r"[\t\n\r]", "", url).lstrip("\x00- ")
    return urlsplit(cleaned).scheme.lower()


def unsafe_markup(html: str) -> list[str]:
    """Everything in `html` that the sanitiser's allow-list should have removed."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.problems
