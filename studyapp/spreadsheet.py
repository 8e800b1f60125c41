"""Cells we write into CSV files that a spreadsheet must show as text, never run.

A cue such as `=HYPERLINK(...)` or `+cmd|...` comes from someone's notes. Opened in a spreadsheet,
a cell starting with a formula character is evaluated (OWASP: CSV injection), so it is written
as text: with a leading apostrophe for spreadsheets, or, for Anki's HTML fields, with that first
character as an entity, which Anki shows as the character itself.
"""

import html

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _starts_formula(value: str) -> bool:
    # Some spreadsheets skip leading spaces before reading a formula.
    return value.lstrip(" ").startswith(FORMULA_STARTS)


def inert(value):
    """A spreadsheet cell that is read as text: a leading apostrophe where it could start a formula."""
    if isinstance(value, str) and _starts_formula(value):
        return "'" + value
    return value


def anki_html(text: str) -> str:
    """A field for an Anki CSV written with `#html:true`: escaped, lines as <br>, and a first
    character that could start a formula written as an entity, so the cell is text to a
    spreadsheet while Anki shows it exactly as written."""
    escaped = html.escape(text, quote=False).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    if _starts_formula(escaped):
        spaces = len(escaped) - len(escaped.lstrip(" "))
        escaped = "&nbsp;" * spaces + f"&#{ord(escaped[spaces])};" + escaped[spaces + 1:]
    return escaped
