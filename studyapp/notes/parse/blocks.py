"""Cutting a note's lines into blocks: headings, code, tables and the text between them.

The scanner is fence-aware the way CommonMark is, with one difference that matters for real
notes: a fence that is never closed does not swallow the rest of the file. It is closed where
Markdown visibly resumes, and the note gets a warning.
"""

import bisect
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .text import Line

# A line may be two megabytes long, and every pattern here is tried on every line: none may
# backtrack over a long run more than once. Where two quantifiers could share the same
# characters ("\s*" then "\s*", "-+" then "\s*" then "\s*"), the possessive forms (*+, ++) keep
# each run read once; they give up only matches that could not have succeeded.
HEADING_START = re.compile(r" {0,3}(#{1,6})[ \t]")
FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}+|~{3,}+)[ \t]*+([^`\s]*+)[^`]*+$")
FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
DELIMITER_ROW = re.compile(r"^\s*+\|?+\s*+:?+-++:?+\s*+(?:\|\s*+:?+-++:?+\s*+)*+\|?+\s*+$")
# "Some title ........ 12": the greedy ".*" walks back over the line once, where a lazy one
# would read the run of dots again from each of its starting points.
TOC_ENTRY = re.compile(r"^\S.*\.{4}\s*+\d++\s*+$")
CHAT_RESIDUE = re.compile(
    r"^\s*(#+\s*)?\[?(\.\.\.\s*)?("
    r"previous content remains the same|rest of the existing content|"
    r"based on the provided context|if you want, i can|copy code$"
    r")",
    re.IGNORECASE,
)
LANGUAGE_WORD = re.compile(r"^[a-z][a-z0-9+#-]{0,15}$")
# Every cell becomes plain text, search text and perhaps a card, and the cards compare each
# cell with its column: a table of a million cells would take many minutes. Real comparison
# tables hold under a hundred.
MAX_TABLE_CELLS = 10_000
MAX_TABLE_COLUMNS = 64


@dataclass
class Table:
    header: list[str]  # cell Markdown
    rows: list[list[str]]
    has_header: bool = True
    ragged: bool = False


@dataclass
class Block:
    kind: str  # heading | code | table | text
    line: int
    lines: list[Line] = field(default_factory=list)
    level: int = 0
    text: str = ""
    lang: str = ""
    table: Table | None = None


def drop_debris(lines: list[Line]) -> tuple[list[Line], list[tuple[int, str]]]:
    """Remove what PDF conversion and chat assistants leave behind in notes."""
    kept, toc, chat = [], [], []
    for line in lines:
        if TOC_ENTRY.match(line.text):
            toc.append(line.number)
        elif CHAT_RESIDUE.match(line.text):
            chat.append(line.number)
        else:
            kept.append(Line(line.number, line.text.expandtabs(4)))
    warnings = []
    if toc:
        warnings.append((toc[0], f"dropped {len(toc)} table-of-contents lines with page numbers"))
    for number in chat:
        warnings.append((number, "dropped an editing placeholder or chat-assistant remark"))
    return kept, warnings


def parse_heading(text: str) -> tuple[int, str] | None:
    """An ATX heading's level and text, without its closing hashes; None if the line is not one.

    Done with string methods: as a regular expression, a lazy text followed by optional
    closing hashes tries the end of the line from every space of a padded heading.
    """
    start = HEADING_START.match(text)
    if not start:
        return None
    body = text[start.end() :].strip(" \t")
    if not body:
        return None
    unclosed = body.rstrip("#")
    if unclosed != body and unclosed[-1:] in (" ", "\t") and unclosed.strip(" \t"):
        body = unclosed
    return len(start.group(1)), body.strip()


def _is_strong_markdown(lines: list[Line], index: int) -> bool:
    """A line that is Markdown prose, not code: where an unclosed fence should have ended."""
    text = lines[index].text
    if re.match(r"^>\s*\S", text) or re.match(r"^#{2,6} +[A-Z0-9\[*]", text):
        return True
    following = lines[index + 1].text if index + 1 < len(lines) else ""
    return text.lstrip().startswith("|") and bool(DELIMITER_ROW.match(following)) and "-" in following


class _FenceLookahead:
    """For every line, where a fence opened there closes, and where Markdown next resumes.

    Found in one pass from the end, not searched for from each fence: a fence that is never
    closed reads on to the end of the file, and a note of two thousand fences of decreasing
    length, none closed, would read it two thousand times.
    """

    def __init__(self, lines: list[Line]):
        count = len(lines)
        self.closing: list[int | None] = [None] * count  # for an opening line: the line that closes it
        self.reopening: list[int | None] = [None] * count  # the next opening with a language, same character
        self.strong = [count] * (count + 1)  # the next line of Markdown prose at or after each line
        self.top_heading = [count] * (count + 1)  # the next "# Title" after a blank line, at or after
        # Per fence character, the closing lines after the current one that no nearer closing
        # line is as long as: their lengths grow from the nearest (last) to the farthest (first).
        closers = {"`": ([], []), "~": ([], [])}  # (negated lengths, line indexes)
        next_reopening = {"`": None, "~": None}
        for index in range(count - 1, -1, -1):
            text = lines[index].text
            opening, closing = FENCE_OPEN.match(text), FENCE_CLOSE.match(text)
            if opening:
                char, length = opening.group(2)[0], len(opening.group(2))
                negated, indexes = closers[char]
                longer = bisect.bisect_right(negated, -length)  # how many are at least this long
                self.closing[index] = indexes[longer - 1] if longer else None
                self.reopening[index] = next_reopening[char]
                if opening.group(3):
                    next_reopening[char] = index
            if closing:
                negated, indexes = closers[closing.group(1)[0]]
                while negated and -negated[-1] <= len(closing.group(1)):
                    negated.pop()
                    indexes.pop()
                negated.append(-len(closing.group(1)))
                indexes.append(index)
            self.strong[index] = index if _is_strong_markdown(lines, index) else self.strong[index + 1]
            starts_part = index and re.match(r"^# +[A-Z]", text) and not lines[index - 1].text.strip()
            self.top_heading[index] = index if starts_part else self.top_heading[index + 1]

    def recovery_point(self, start: int, stop: int) -> int | None:
        point = self.strong[start]
        return point if point < stop else None


def scan(lines: list[Line]) -> tuple[list[Block], list[tuple[int, str]]]:
    """Group lines into blocks; returns the blocks and warnings as (line, message)."""
    blocks: list[Block] = []
    warnings: list[tuple[int, str]] = []
    text_lines: list[Line] = []

    def flush_text():
        if text_lines:
            blocks.extend(_split_tables(list(text_lines), warnings))
            text_lines.clear()

    index, count = 0, len(lines)
    lookahead = None
    while index < count:
        line = lines[index]
        opening = FENCE_OPEN.match(line.text)
        if opening:
            lookahead = lookahead or _FenceLookahead(lines)
            end, resume, note = _find_fence_end(lines, index, lookahead)
            if note:
                warnings.append((line.number, note))
            flush_text()
            body = [l for l in lines[index + 1 : end] if l.text.strip().lower() != "copy code"]
            blocks.append(Block("code", line.number, body, lang=opening.group(3).lower()))
            index = resume
            continue
        heading = parse_heading(line.text)
        if heading:
            flush_text()
            level, text = heading
            blocks.append(Block("heading", line.number, [line], level=level, text=text))
        else:
            text_lines.append(line)
        index += 1
    flush_text()
    return _merge_language_hints(blocks), warnings


def _find_fence_end(lines, start, lookahead: _FenceLookahead) -> tuple[int, int, str]:
    """Where a fence opened at `start` ends: (end index, index to resume at, warning)."""
    closing, reopening = lookahead.closing[start], lookahead.reopening[start]
    if closing is not None and (reopening is None or closing < reopening):
        return closing, closing + 1, ""
    if reopening is not None:
        # A fence with a language cannot close a block, so the writer forgot to close the
        # earlier one; CommonMark would read all the prose in between as code.
        point = lookahead.recovery_point(start + 1, reopening) or reopening
        return point, point, _unclosed_message(lines, point)
    point = lookahead.recovery_point(start + 1, len(lines))
    if point is None and lookahead.top_heading[start + 1] < len(lines):
        point = lookahead.top_heading[start + 1]
    if point is None:
        return len(lines), len(lines), "code fence is never closed; the rest of the file is read as code"
    return point, point, _unclosed_message(lines, point)


def _unclosed_message(lines, point) -> str:
    where = lines[point].number if point < len(lines) else "the end"
    return f"code fence is never closed; closed it before line {where}"


def _merge_language_hints(blocks: list[Block]) -> list[Block]:
    """Fold a language named outside its fence into the fence that follows.

    Notes converted from PDF often carry the language as a fence of its own holding one
    word, or as a lone word on the line above the fence.
    """
    merged: list[Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if block.kind == "code" and not block.lang and previous is not None:
            hint = _language_hint(previous)
            if hint:
                block.lang = hint
                if previous.kind == "code":
                    merged.pop()
                else:
                    previous.lines = _without_last_word_line(previous.lines)
        merged.append(block)
    return merged


def _language_hint(block: Block) -> str:
    if block.kind == "code":
        words = [l.text.strip() for l in block.lines if l.text.strip()]
        if len(words) == 1 and LANGUAGE_WORD.match(words[0]):
            return words[0]
    if block.kind == "text":
        nonblank = [l for l in block.lines if l.text.strip()]
        if nonblank and LANGUAGE_WORD.match(nonblank[-1].text.strip()):
            return nonblank[-1].text.strip()
    return ""


def _without_last_word_line(lines: list[Line]) -> list[Line]:
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].text.strip():
            return lines[:index] + lines[index + 1 :]
    return lines


# Tables -------------------------------------------------------------------------------------


# What can change how a row splits: an escaped pipe, a code span's backtick, a wikilink's
# brackets, and the pipe itself. Everything between them is copied as it is.
CELL_TOKEN = re.compile(r"\\\||`|\[\[|\]\]|\|")


def split_cells(row: str) -> list[str]:
    """Cells of a pipe-table row; pipes in code spans, in [[target|label]] or escaped do not split."""
    text = row.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells, pieces, start, in_code, in_link = [], [], 0, False, False
    # Whether a "]]" follows a "[[" is known from where the last one is: looked for from each
    # "[[", a row of a million of them with no "]]" would be read a million times.
    last_closing = text.rfind("]]")
    for token in CELL_TOKEN.finditer(text):
        kind = token.group()
        if kind == "\\|":
            pieces += [text[start : token.start()], "|"]
            start = token.end()
        elif kind == "`":
            in_code = not in_code
        elif kind == "[[":
            if not in_code:
                in_link = last_closing >= token.start()  # a [[target|label]] keeps its pipe
        elif kind == "]]":
            in_link = False
        elif not in_code and not in_link:
            pieces.append(text[start : token.start()])
            cells.append("".join(pieces).strip())
            pieces, start = [], token.end()
    pieces.append(text[start:])
    cells.append("".join(pieces).strip())
    return cells


def _is_row(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def _split_tables(lines: list[Line], warnings) -> list[Block]:
    """Split a run of text lines into text blocks and table blocks."""
    out: list[Block] = []
    text: list[Line] = []
    index = 0
    # Where each "<table" ends is looked up, not searched for line by line: a file of a hundred
    # thousand "<table" lines that never close would otherwise be read to its end from each.
    closings = [i for i, line in enumerate(lines) if "</table>" in line.text.lower()]
    # A "<table" whose chunk holds no row makes every later "<table" up to the same closing a
    # part of it, to be read again and again: a hundred thousand "<table" lines above one
    # "</table>" would take days. They are read once, with the first.
    tableless_until = -1

    def flush():
        if text:
            out.append(Block("text", text[0].number, list(text)))
            text.clear()

    while index < len(lines):
        stripped = lines[index].text.strip()
        if stripped.lower().startswith("<table") and index > tableless_until:
            following = bisect.bisect_left(closings, index)
            end = closings[following] if following < len(closings) else len(lines)
            chunk = lines[index : end + 1]
            table = parse_html_table("\n".join(l.text for l in chunk))
            if table is None:
                tableless_until = end
            if table is not None:
                flush()
                width, rows = len(table.header), len(table.rows) + table.has_header
                out.append(_oversized(chunk, width, rows, warnings)
                           or Block("table", lines[index].number, chunk, table=table))
                index = end + 1
                continue
        if _is_row(stripped):
            end = index
            while end < len(lines) and (_is_row(lines[end].text) or DELIMITER_ROW.match(lines[end].text)
                                        and "-" in lines[end].text):
                end += 1
            chunk = lines[index:end]
            rows = sum(not (DELIMITER_ROW.match(l.text) and "-" in l.text) for l in chunk)
            if not rows:
                # Only delimiter rows: a rule drawn with pipes, with no cells to read.
                text.extend(chunk)
                index = end
                continue
            if len(chunk) >= 2:
                flush()
                # Counted before splitting: splitting a million cells is itself the slow part.
                width = max(l.text.strip().strip("|").count("|") + 1 for l in chunk)
                out.append(_oversized(chunk, width, rows, warnings)
                           or Block("table", lines[index].number, chunk, table=_pipe_table(chunk, warnings)))
                index = end
                continue
        text.append(lines[index])
        index += 1
    flush()
    return out


def _oversized(chunk: list[Line], width: int, rows: int, warnings) -> Block | None:
    """A table too large to compare cell by cell, as a block of plain text; None if it is not."""
    if width <= MAX_TABLE_COLUMNS and width * rows <= MAX_TABLE_CELLS:
        return None
    warnings.append((chunk[0].number, f"table of {rows:,} rows and up to {width:,} columns is over the limit of "
                                      f"{MAX_TABLE_COLUMNS} columns and {MAX_TABLE_CELLS:,} cells; shown as plain text"))
    return Block("code", chunk[0].number, chunk)


def _pipe_table(chunk: list[Line], warnings) -> Table:
    rows = [l for l in chunk if not (DELIMITER_ROW.match(l.text) and "-" in l.text)]
    has_header = len(chunk) > 1 and bool(DELIMITER_ROW.match(chunk[1].text)) and "-" in chunk[1].text
    cells = [split_cells(l.text) for l in rows]
    if has_header:
        header, body = cells[0], cells[1:]
    else:
        warnings.append((chunk[0].number, "table has no header row; its columns are unnamed"))
        header, body = [""] * max(len(r) for r in cells), cells
    width = max([len(header)] + [len(r) for r in body])
    ragged = any(len(r) != len(header) for r in body)
    if ragged:
        warnings.append((chunk[0].number, "table rows have differing numbers of cells; padded them"))
    header = header + [""] * (width - len(header))
    body = [r + [""] * (width - len(r)) for r in body]
    return Table(header, body, has_header=has_header, ragged=ragged)


class _TableHTML(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[bool, list[str]]] = []
        self.cell: list[str] | None = None
        self.header_row = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append((False, []))
        elif tag in {"td", "th"}:
            self.cell = []
            if tag == "th" and self.rows:
                self.rows[-1] = (True, self.rows[-1][1])
        elif tag == "br" and self.cell is not None:
            self.cell.append("<br>")

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self.cell is not None and self.rows:
            text = re.sub(r"[ \t\n]+", " ", "".join(self.cell)).strip()
            self.rows[-1][1].append(text.replace("|", "\\|"))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            # Cells become Markdown: text that was escaped in the HTML stays escaped.
            self.cell.append(html.escape(data, quote=False))


def parse_html_table(source: str) -> Table | None:
    parser = _TableHTML()
    # html.parser takes quadratic time over many "<" that never reach a ">" (thousands of
    # "<table" lines) or many unclosed comments and CDATA sections. Such a "<" starts no cell,
    # so it is read as text.
    parser.feed(re.sub(r"<(?![^<>]*>)|<(?=[!?])", "&lt;", source))
    parser.close()
    rows = [r for r in parser.rows if r[1]]
    if not rows:
        return None
    first_is_header = rows[0][0]
    header = rows[0][1] if first_is_header else []
    body = [r[1] for r in (rows[1:] if first_is_header else rows)]
    width = max([len(header)] + [len(r) for r in body])
    header = header + [""] * (width - len(header))
    body = [r + [""] * (width - len(r)) for r in body]
    return Table(header, body, has_header=first_is_header)
