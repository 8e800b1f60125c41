"""Citations lifted out of a section's Markdown before it is rendered. No Django: the import calls it.

Notes cite the seed documents by id and line ("(002:1502-1508)", "Source: 002:28-46, 003:172")
and AWS documentation by page ("AWS documentation (Amazon SQS quotas)"). A reader wants the text
without them and the sources in one quiet line under it: the codes in parentheses, the `Source:`
lines and a table's Source column leave the text and become the section's citations, named by
the document's title. A code that is part of a sentence ("002:443 says retention is ...") gives
way to the document's title, so the sentence still reads. Code blocks and code spans are left alone.

The titles and the addresses of the AWS pages are data in content/ (`Library.from_meta`).
"""

import re
from dataclasses import dataclass, field

# Every pattern here reads a line once (possessive quantifiers, bounded names): the import runs
# it in its own process, on lines as long as a note (tests/notes/test_long_lines.py).
CODE = r"(?<![\w:.])(\d{3}):(\d++(?:[-–]\d++)?+)(?![\w:])"
# A page's name may hold one pair of parentheses of its own: "k-Nearest Neighbor (k-NN)".
DOCUMENTATION = r"AWS documentation \(((?:[^()\n]|\([^()\n]{0,200}\)){1,300}+)\)"
CITATION = re.compile(f"{DOCUMENTATION}|{CODE}")
# Each lifted citation stands in the text as a marker until the text around it is tidied.
MARKER = "\ue000{}\ue001"
MARKERS = re.compile("\ue000(\\d+)\ue001")
# A group in parentheses that holds a citation, with the space before it: it goes when nothing
# but citations (and a "see") is left in it. It may hold one level of parentheses (a link).
GROUP = re.compile(r"( ?)\(((?:[^()\ue000]|\([^()]*+\))*+\ue000(?:[^()]|\([^()]*+\))*+)\)")
SOURCE_LINE = re.compile(r"^\s*+[*_]*+sources?:[*_]*+\s*+(.*)$", re.I)
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
BACKTICKS = re.compile(r"`++")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
DELIMITER_CHARACTERS = set("|-: \t")


@dataclass(frozen=True)
class Citation:
    label: str  # the document's title, or the AWS page's name
    url: str = ""  # only where the page's address is known for certain
    where: str = ""  # the seed document's id and lines ("002:28-46"), for staff


def grouped(citations: list[Citation]) -> list[dict]:
    """One entry per document or page, in the order first cited, with every place cited in it:
    what a section stores and its Sources line shows."""
    entries: dict[tuple[str, str], dict] = {}
    for citation in citations:
        entry = entries.setdefault((citation.label, citation.url), {
            "label": citation.label, "url": citation.url, "where": [],
            "kind": "document" if citation.where else "documentation"})
        if citation.where and citation.where not in entry["where"]:
            entry["where"].append(citation.where)
    return list(entries.values())


@dataclass(frozen=True)
class Library:
    documents: dict[str, str] = field(default_factory=dict)  # "002" -> its title
    pages: dict[str, str] = field(default_factory=dict)  # an AWS documentation page's name -> its address

    @classmethod
    def from_meta(cls, metas) -> "Library":
        """From notes' front matter: `source_documents` maps ids to titles, `documentation_pages`
        names of AWS documentation pages to their addresses. Anything else there is ignored."""
        documents, pages = {}, {}
        for meta in metas:
            documents |= _text_mapping(meta.get("source_documents"), lambda k, v: re.fullmatch(r"\d{3}", k))
            pages |= _text_mapping(meta.get("documentation_pages"),
                                   lambda k, v: v.startswith("https://docs.aws.amazon.com/"))
        return cls(documents, pages)

    def fingerprint(self) -> tuple:
        return tuple(sorted(self.documents.items())), tuple(sorted(self.pages.items()))


def _text_mapping(mapping, wanted) -> dict[str, str]:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): v.strip() for k, v in mapping.items()
            if isinstance(v, str) and v.strip() and wanted(str(k), v.strip())}


def lift_all(text: str, library: Library) -> list[Citation]:
    """Every citation a plain list of them names (a note's `sources`), each known one once."""
    found: list[Citation] = []
    _mark(text, found, library)
    return found


def lift(markdown: str, library: Library) -> tuple[str, list[Citation]]:
    """The Markdown without its citations, and the citations in the order cited."""
    found: list[Citation] = []
    out: list[str] = []
    fence = None
    table_drop: int | None = None  # the Source column of the table being read
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence:
            fence = None if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) else fence
            out.append(line)
            continue
        if opening:
            fence = opening.group(1)
            out.append(line)
            continue
        if "|" in line and index + 1 < len(lines) and _delimiter_row(lines[index + 1]) \
                and not _delimiter_row(line):
            table_drop = _source_column(line)
        elif "|" not in line:
            table_drop = None
        if table_drop is not None and "|" in line:
            line = _without_cell(line, table_drop, found, library)
        source = SOURCE_LINE.match(line)
        cited = source.group(1).rstrip().rstrip("*_") if source else ""
        if cited and _only_citations(cited, library):
            _mark(cited, found, library)
            continue
        out.append(_tidy(_mark_outside_code(line, found, library), found))
    return "\n".join(out), found


def _delimiter_row(line: str) -> bool:
    return "-" in line and set(line) <= DELIMITER_CHARACTERS


def _source_column(header: str) -> int | None:
    cells = _cells(header)
    for position, cell in enumerate(cells):
        if cell.strip().strip("*_").strip().lower() in {"source", "sources"}:
            return position
    return None


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return UNESCAPED_PIPE.split(inner)


def _without_cell(line: str, position: int, found: list, library: Library) -> str:
    cells = _cells(line)
    if position < len(cells):
        _mark(cells.pop(position), found, library)
    return "| " + " | ".join(cell.strip() for cell in cells) + " |"


def _only_citations(text: str, library: Library) -> bool:
    rest = CITATION.sub(lambda m: "" if _known(m, library) else m.group(0), text)
    return bool(text.strip()) and not re.sub(r"[\s,;.]", "", rest)


def _known(match: re.Match, library: Library) -> bool:
    return match.group(1) is not None or match.group(2) in library.documents


def _citation(match: re.Match, library: Library) -> Citation:
    if match.group(1) is not None:
        name = " ".join(match.group(1).split())
        return Citation(name, library.pages.get(name, ""))
    document, lines = match.group(2), match.group(3)
    return Citation(library.documents[document], "", f"{document}:{lines}")


def _mark(text: str, found: list, library: Library) -> str:
    """The text with each citation it holds as a marker, the citation added to `found`."""
    def marker(match):
        if not _known(match, library):
            return match.group(0)
        found.append(_citation(match, library))
        return MARKER.format(len(found) - 1)
    return CITATION.sub(marker, text)


def _mark_outside_code(line: str, found: list, library: Library) -> str:
    if "`" not in line:
        return _mark(line, found, library)
    parts, last = [], 0
    for start, end in _code_spans(line):
        parts.append(_mark(line[last:start], found, library))
        parts.append(line[start:end])
        last = end
    parts.append(_mark(line[last:], found, library))
    return "".join(parts)


def _code_spans(line: str) -> list[tuple[int, int]]:
    """Where the line's code spans are, as CommonMark reads them: a run of backticks up to the next
    run of the same length, else the run is plain text. The next run of each length is found in one
    pass from the end, so that a line of unmatched runs is not read again from each."""
    runs = [(run.start(), run.end()) for run in BACKTICKS.finditer(line)]
    following, after = [None] * len(runs), {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index], after[length] = after.get(length), index
    spans, index = [], 0
    while index < len(runs):
        closing = following[index]
        if closing is None:
            index += 1
            continue
        spans.append((runs[index][0], runs[closing][1]))
        index = closing + 1
    return spans


def _tidy(line: str, found: list) -> str:
    if "\ue000" not in line:
        return line
    line = GROUP.sub(_group_without_citations, line)
    # What is left is part of a sentence: the document is named there, in its own words.
    return MARKERS.sub(lambda m: f"*{_escaped(_named(found[int(m.group(1))]))}*", line)


def _group_without_citations(match: re.Match) -> str:
    pieces = [piece.strip(" \t,;") for piece in MARKERS.split(match.group(2))[::2]]
    rest = ", ".join(piece for piece in pieces if piece)
    if rest.lower().rstrip(":") in {"", "see", "see also", "source", "sources", "from"}:
        return ""
    return f"{match.group(1)}({rest})"


def _named(citation: Citation) -> str:
    return citation.label if citation.where else f"AWS documentation: {citation.label}"


def _escaped(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)
