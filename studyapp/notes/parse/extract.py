"""From blocks to drafts: sections, comparison tables, question patterns, scenarios, exams."""

import bisect
import html
import re
from functools import lru_cache
from urllib.parse import quote, unquote

from .blocks import Block, Table
from . import mappings
from .front_matter import KINDS
from .drafts import (
    DomainDraft,
    ExamDraft,
    OptionDraft,
    PatternDraft,
    Problem,
    ScenarioDraft,
    SectionDraft,
    TableDraft,
)

WIKILINK = re.compile(r"\[\[([^\[\]|#\n]+)(?:#([^\[\]|\n]*))?(?:\|([^\[\]\n]+))?\]\]")
BACKTICKS = re.compile(r"`+")
ARROW = re.compile(r"→|⟶|⇒|(?<=\s)->(?=\s)|(?<=\s)=>(?=\s)")
LIST_MARKER = re.compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)]|[a-z][.)])\s+(?:\[[ xX]\]\s+)?")
# A line before a table that says what flashcards it makes (content/README.md, "Tables").
CARDS_MARKER = re.compile(r"^<!--\s*cards:\s*(none|facts|mappings)\s*-->$", re.I)
BOLD_LABEL_ITEM = re.compile(r"^\s*[-*+]\s+\*\*(.+?)\*\*\s*:?\s*(.+)$")
EXAM_TIP_LINE = re.compile(r"^\s*(?:[-*+]\s+)?\*\*exam tip:?\*\*:?\s*(.+)$", re.I)
# The citation's closing emphasis is cut off with rstrip() (see _citation): a lazy text before
# "[*_]*\s*$" would try the end of the line from every space of a long one.
SOURCE_LINE = re.compile(r"^\s*+[*_]*+source:[*_]*+\s*+(.*)$", re.I)
EXAM_CODE = re.compile(r"\b([A-Z]{3}-C0\d)\b")
# A number is only read from its first digit: starting inside a long run of digits with no "%"
# after it would read the rest of the run again from every digit.
PERCENT = re.compile(r"(?<!\d)(\d+(?:\.\d+)?)\s*%")



# Inline text ----------------------------------------------------------------------------------


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the code spans of some lines start and end, as (start, end) offsets.

    A span opens and closes with backtick runs of the same length on the same line, as CommonMark
    has it. Each run is paired with the next run of its length, looked up rather than searched
    for: a line of runs of a thousand different lengths, none closed, would otherwise be read
    to its end from each of them.
    """
    spans = []
    offset = 0
    for line in text.split("\n"):
        runs = [(m.start(), m.end()) for m in BACKTICKS.finditer(line)]
        following, next_of_length = [None] * len(runs), {}
        for index in range(len(runs) - 1, -1, -1):
            length = runs[index][1] - runs[index][0]
            following[index] = next_of_length.get(length)
            next_of_length[length] = index
        index = 0
        while index < len(runs):
            closing = following[index]
            if closing is None:
                index += 1
                continue
            spans.append((offset + runs[index][0], offset + runs[closing][1]))
            index = closing + 1
        offset += len(line) + 1
    return spans


def _replace_code_spans(text: str, replace) -> str:
    """Each code span of `text` replaced by replace(code inside it)."""
    out, last = [], 0
    for start, end in code_spans(text):
        ticks = len(BACKTICKS.match(text, start).group())
        out += [text[last:start], replace(text[start + ticks : end - ticks])]
        last = end
    out.append(text[last:])
    return "".join(out)


def _outside_code(text: str, transform) -> str:
    """Apply `transform` to the parts of a line that are not inside a code span."""
    if "`" not in text:
        return transform(text)
    out, last = [], 0
    for start, end in code_spans(text):
        out += [transform(text[last:start]), text[start:end]]
        last = end
    out.append(transform(text[last:]))
    return "".join(out)


def _replace_delimited(text: str, opener, closer, replace) -> str:
    """re.sub of "opener, the shortest text on its line, closer" in linear time.

    `opener` and `closer` match one delimiter character each, with lookarounds that decide
    whether it can open or close. As one pattern with a lazy "(.+?)", every opener that is
    never closed (" *a *a *a…") reads on to the end of its line.
    """
    closers = [m.start() for m in closer.finditer(text)]
    line_ends = [m.start() for m in re.finditer("\n", text)] + [len(text)]
    out, last = [], 0
    for match in opener.finditer(text):
        start = match.start()
        if start < last:
            continue  # inside the text an earlier pair took
        found = bisect.bisect_left(closers, start + 2)  # at least one character between
        line_end = line_ends[bisect.bisect_left(line_ends, start)]
        if found == len(closers) or closers[found] > line_end:
            continue
        end = closers[found]
        out += [text[last:start], replace(text[start + 1 : end])]
        last = end + 1
    out.append(text[last:])
    return "".join(out)


def _wikilink_markdown(match) -> str:
    target, _, label = match.groups()
    shown = (label or target).strip().replace("]", "\\]")
    return f"[{shown}](wikilink:{quote(target.strip(), safe='')})"


def link_wikilinks(text: str) -> str:
    return _outside_code(text, lambda part: WIKILINK.sub(_wikilink_markdown, part))


def wikilink_targets(text: str) -> list[str]:
    found = []
    _outside_code(text, lambda part: found.extend(m.group(1).strip() for m in WIKILINK.finditer(part)) or part)
    return found


# Neither a label nor an address holds its own opening bracket: on a run of thousands of "[" or
# "](" each try then fails at once, instead of reading on to the end of the line.
IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
LINK = re.compile(r"\[([^\[\]]+)\]\([^()]*\)")
BREAK = re.compile(r"<br\s*/?>", re.I)
TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # "<" ends a tag too: "<a<a<a…" stays linear
STRONG = re.compile(r"(\*\*|__)(.+?)\1")
STAR_OPENER = re.compile(r"(?<![\w*])\*(?!\s)")
STAR_CLOSER = re.compile(r"(?<!\s)\*(?![\w*])")
UNDERSCORE_OPENER = re.compile(r"(?<![\w_])_(?!\s)")
UNDERSCORE_CLOSER = re.compile(r"(?<!\s)_(?![\w_])")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
SPACES = re.compile(r"[ \t]+")
# Characters that start some markup plain() removes; text with none of them is only spaced.
MARKUP_CHARS = re.compile(r"[\[!<*_`\\&]")


@lru_cache(maxsize=4096)  # a table's cells are read for its text, its rows and its patterns
def plain(markdown: str) -> str:
    """Markdown inline text as plain text: no markup, entities decoded, <br> as a line break."""
    text = markdown
    if MARKUP_CHARS.search(text):
        text = WIKILINK.sub(lambda m: (m.group(3) or m.group(1)).strip(), text)
        text = IMAGE.sub(r"\1", text)
        text = LINK.sub(r"\1", text)
        text = BREAK.sub("\n", text)
        text = TAG.sub("", text)
        text = STRONG.sub(r"\2", text)
        text = _replace_delimited(text, STAR_OPENER, STAR_CLOSER, str)
        text = _replace_delimited(text, UNDERSCORE_OPENER, UNDERSCORE_CLOSER, str)
        text = _replace_code_spans(text, str.strip)
        text = ESCAPE.sub(r"\1", text)
        text = html.unescape(text)
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _citation(line: str) -> str | None:
    """What a "Source: …" line cites, its emphasis taken off; None for any other line."""
    match = SOURCE_LINE.match(line)
    return match.group(1).rstrip().rstrip("*_") if match else None


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) > 1 and text[0] in "\"“'‘" and text[-1] in "\"”'’":
        text = text[1:-1].strip()
    return text.rstrip(":").strip()


def _header_key(cell: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s/]", "", plain(cell).lower())).strip()


def pattern_columns(header: list[str]) -> tuple[int, int] | None:
    """The cue and answer columns of a "question pattern → answer" table, or None for other tables."""
    columns = mappings.mapping_columns([plain(c) for c in header])
    return (columns.cue, columns.answer) if columns else None


def _split_explanation(text: str) -> tuple[str, str]:
    for separator in (" — ", " -- "):
        if separator in text:
            head, tail = text.split(separator, 1)
            return head.strip(), tail.strip()
    return text.strip(), ""


# Rendering input -------------------------------------------------------------------------------


def table_markdown(table: Table) -> str:
    def row(cells):
        return "| " + " | ".join(link_wikilinks(c) or " " for c in cells) + " |"

    lines = [row(table.header), "|" + "---|" * len(table.header)]
    lines.extend(row(r) for r in table.rows)
    return "\n".join(lines)


def code_markdown(block: Block) -> str:
    body = "\n".join(l.text for l in block.lines)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{block.lang}\n{body}\n{fence}"


def _dedent_stray_prose(lines):
    """Four-space-indented sentences after a paragraph are prose that lost its margin.

    Markdown would show them as a code block; notes pasted from elsewhere do this a lot.
    """
    out = []
    # Whether the nearest line above that is neither blank nor indented is a list item: carried
    # down the lines, as looking back from each indented line would read a long run of them
    # again and again.
    inside_list = False
    for line in lines:
        text = line.text
        if (text.startswith("    ") and not text.lstrip().startswith(("-", "*", "+"))
                and re.match(r"^ {4,}[A-Z][^=(){};<>]*[.?!:]$", text)
                and len(text.split()) >= 4
                and not inside_list):
            text = text.strip()
        elif text.strip() and not text.startswith("    "):
            inside_list = bool(LIST_MARKER.match(text))
        out.append(text)
    return out


MAKE_IT_COUNT = ("To make it count, put `<!-- cards: mappings -->` on the line above it, or list its heading "
                 "under `mapping_sections` in the front matter (content/README.md, \"Question patterns\").")


# Building the note ------------------------------------------------------------------------------


class Extractor:
    def __init__(self, blocks: list[Block], meta: dict, title: str, kind: str, default_domain, tasks=()):
        self.blocks = blocks
        self.tasks = list(tasks)
        self.meta = meta
        self.title = title
        self.kind = kind
        self.default_domain = default_domain
        self.sections: list[SectionDraft] = []
        self.tables: list[TableDraft] = []
        self.patterns: list[PatternDraft] = []
        self.scenarios: list[ScenarioDraft] = []
        self.warnings: list[Problem] = []
        self.inferred_exam: ExamDraft | None = None

    def run(self):
        path: list[tuple[int, str]] = []
        current_line, parts, texts, links = None, [], [], []
        heading_line = None

        def close_section():
            if parts or heading_line is not None:
                names = [name for _, name in path] or [self.title]
                markdown = "\n\n".join(p for p in parts if p.strip())
                self.sections.append(SectionDraft(
                    heading_path=names,
                    line=heading_line or current_line or 1,
                    markdown=markdown,
                    text="\n".join(t for t in texts if t),
                    wikilinks=links[:],
                    position=len(self.sections),
                ))

        for index, block in enumerate(self.blocks):
            if block.kind == "heading":
                close_section()
                parts, texts, links = [], [], []
                heading_line = block.line
                while path and path[-1][0] >= block.level:
                    path.pop()
                path.append((block.level, plain(block.text)))
                links.extend(wikilink_targets(block.text))
                continue
            current_line = current_line or block.line
            names = [name for _, name in path]
            if block.kind == "code":
                parts.append(code_markdown(block))
                texts.append("\n".join(l.text for l in block.lines))
            elif block.kind == "table":
                parts.append(table_markdown(block.table))
                cells = [c for row in [block.table.header, *block.table.rows] for c in row]
                texts.append(" ".join(plain(c) for c in cells))
                links.extend(t for c in cells for t in wikilink_targets(c))
                self._table(index, names, self._following_citation(index))
            else:
                text_lines = _dedent_stray_prose(block.lines)
                parts.append("\n".join(link_wikilinks(t) for t in text_lines))
                texts.append(plain("\n".join(t for t in text_lines if not CARDS_MARKER.match(t.strip()))))
                for line in block.lines:
                    links.extend(wikilink_targets(line.text))
                self._text_patterns(block, names)
        close_section()
        if self.kind == "scenarios":
            self._scenarios()

    def _following_citation(self, index) -> str:
        if index + 1 < len(self.blocks) and self.blocks[index + 1].kind == "text":
            for line in self.blocks[index + 1].lines:
                if line.text.strip():
                    return plain(_citation(line.text) or "")
        return ""

    def _lines_before(self, index: int) -> list[str]:
        """The non-blank lines of the paragraph right before a block."""
        previous = self.blocks[index - 1] if index else None
        if previous is None or previous.kind != "text":
            return []
        return [line.text.strip() for line in previous.lines if line.text.strip()]

    def _cards_marker(self, index: int) -> str:
        found = [m.group(1).lower() for line in self._lines_before(index) if (m := CARDS_MARKER.match(line))]
        return found[-1] if found else ""

    def _table_title(self, index: int, names: list[str]) -> str:
        heading = names[-1] if names else self.title
        lead = [line for line in self._lines_before(index) if not CARDS_MARKER.match(line)]
        if lead:
            label = re.match(r"^\*\*([^*]{2,80}?):?\*\*:?$", lead[-1])
            if label:
                return f"{heading}: {label.group(1).strip()}"
        return heading

    def _table(self, index: int, names: list[str], citation: str):
        block = self.blocks[index]
        table = block.table
        title = self._table_title(index, names)
        columns = [plain(c) for c in table.header]
        rows = [[plain(c) for c in row] for row in table.rows]
        marker = self._cards_marker(index)
        found = self._mapping_columns(table, columns, names, declared=marker == "mappings")
        if found is None and rows and (self._announces_mappings(names) or
                                       len(columns) == 2 and mappings.cues_without_answers(columns)):
            self.warnings.append(Problem(block.line, f"table {title!r} looks like a list of mappings but its "
                                                     "columns do not say which holds the cues and which the answers; "
                                                     f"not read as mappings. {MAKE_IT_COUNT}"))
        self.tables.append(TableDraft(title, columns, rows, block.line, citation, len(self.tables),
                                      cards=marker or ("mappings" if found else "")))
        keys = [_header_key(c) for c in table.header]
        if found:
            self._table_patterns(block, keys, found, title, citation)
        self._maybe_exam_weights(block, keys, rows, names)

    def _mapping_columns(self, table: Table, columns: list[str], names: list[str], declared: bool):
        declared = declared or self._declared_section(names)
        if not table.has_header and len(columns) == 2 and (declared or self._announces_mappings(names)):
            return mappings.Columns(0, 1, None)  # a bare two-column list of pairs under "Cheat sheet"
        return mappings.mapping_columns(columns, declared=declared)

    def _announces_mappings(self, names: list[str]) -> bool:
        # A note's title heading ("Exam-day reminders") speaks for the note, not for each section in it.
        return any(mappings.announces_mappings(name) for name in (names[1:] if len(names) > 1 else names))

    def _declared_section(self, names: list[str]) -> bool:
        """Whether the note's front matter names one of the headings above as a section of mappings."""
        declared = mappings.declared_sections(self.meta)
        return any(name.casefold() in declared for name in names)

    def _table_patterns(self, block, keys, found, title, citation):
        cue, answer, explanation = found.cue, found.answer, found.explanation
        domain = next((i for i, k in enumerate(keys) if k == "domain"), None)
        task = next((i for i, k in enumerate(keys) if k in {"task", "task statement"}), None)
        source = next((i for i, k in enumerate(keys) if k in {"source", "sources"}), None)
        for offset, row in enumerate(block.table.rows):
            prompt, reply = _unquote(plain(row[cue])), plain(row[answer])
            if not prompt or not reply:
                continue
            self._add_pattern(
                prompt=prompt,
                answer=reply,
                answer_links=wikilink_targets(row[answer]),
                explanation=plain(row[explanation]) if explanation is not None else "",
                line=block.line + 2 + offset if block.table.has_header else block.line + offset,
                domain=_domain_number(row[domain]) if domain is not None else None,
                citation=plain(row[source]) if source is not None else citation,
                origin="table",
                group=title,
                task=plain(row[task]) if task is not None else "",
            )

    def _add_pattern(self, domain=None, task="", **fields):
        domain = domain or self.default_domain
        written = TASK.fullmatch(task.strip())
        if task.strip() and not written:
            self.warnings.append(Problem(fields["line"], f"mapping's task {task!r} is not a task statement number "
                                                         "such as 2.1; left it without one"))
        task = f"{int(written.group(1))}.{int(written.group(2))}" if written else self.default_task(domain)
        if task and domain and not task.startswith(f"{domain}."):
            self.warnings.append(Problem(fields["line"], f"mapping's task {task} is not in its domain {domain}; "
                                                         "left it without one"))
            task = ""
        self.patterns.append(PatternDraft(domain=domain, position=len(self.patterns), task=task, **fields))

    def default_task(self, domain) -> str:
        """The task statement of an item that names none: the first its note lists in the item's
        domain (a note lists its main task statement first)."""
        return next((t for t in self.tasks if domain is None or t.startswith(f"{domain}.")), "")

    def _text_patterns(self, block: Block, names: list[str]):
        in_tips = self._announces_mappings(names)
        declared = self._declared_section(names)
        # The content/ format's "**Answer**: cue" (content/README.md); elsewhere the term is the cue.
        answer_first = (self.meta.get("type") or "").strip().lower() in KINDS
        group = names[-1] if names else self.title
        callout, lead, question, long_terms = None, None, None, []
        for line in block.lines:
            text = line.text
            if not text.strip():
                continue
            if not text.lstrip().startswith(">"):
                callout = None
            elif (title := mappings.callout_title(text)) is not None:
                callout = title
                continue
            if marker := CARDS_MARKER.match(text.strip()):
                lead = marker.group(1).lower()
                continue
            if (heading := mappings.pseudo_heading(text)) is not None:
                lead = heading
                continue
            if _citation(text) is not None:
                continue
            if question is not None and (reply := mappings.answer_line(text)) is not None:
                self._add_pattern(prompt=plain(question[1]), answer=plain(reply), answer_links=wikilink_targets(reply),
                                  explanation="", line=question[0], citation="", origin="qa", group=group)
                question = None
                continue
            question = None
            if (asked := mappings.question_line(text)) is not None:
                question = (line.number, asked)
                continue
            announced = (in_tips or declared or lead == "mappings"
                         or any(mappings.announces_mappings(t) for t in (callout, lead) if t))
            arrows = []
            _outside_code(text, lambda part: arrows.extend(ARROW.findall(part)) or part)
            if len(arrows) == 1:
                # "Lag grows => add shards" in a list of tips is a mapping; the same line in prose a flow.
                self._arrow_pattern(line, group, listed_tip=announced and bool(mappings.ITEM.match(text)))
                continue
            tip = EXAM_TIP_LINE.match(text)
            if tip and "=" in tip.group(1):
                self._equals_patterns(line, tip.group(1), group)
                continue
            if not announced:
                continue
            if answer_first:
                item = BOLD_LABEL_ITEM.match(text)
                if item:
                    self._add_pattern(
                        prompt=_unquote(plain(item.group(2))), answer=plain(item.group(1)).rstrip(":"),
                        answer_links=wikilink_targets(item.group(1)), explanation="",
                        line=line.number, citation="", origin="tip", group=group,
                    )
                continue
            found = mappings.term_item(text)
            if found is None:
                continue
            term, meaning, form = found
            if mappings.short_term(plain(term)):
                self._add_pattern(prompt=plain(term), answer=plain(meaning), answer_links=wikilink_targets(meaning),
                                  explanation="", line=line.number, citation="", origin="tip", group=group)
            elif form not in {"colon", "dash"}:
                long_terms.append(line.number)
        if long_terms:
            self.warnings.append(Problem(long_terms[0], f"{len(long_terms)} list items under {group!r} look like "
                                                        "mappings but their terms are sentences, too long to be cues; "
                                                        "not read as mappings. Shorten the term to a name or a phrase "
                                                        "of a few words."))

    def _arrow_pattern(self, line, group, listed_tip=False):
        body = LIST_MARKER.sub("", line.text, count=1)
        parts = ARROW.split(body, maxsplit=1)
        if len(parts) < 2:
            return  # the arrow's space was the list marker's: "- [x] -> S3" names no cue
        cue, rest = parts
        answer, explanation = _split_explanation(rest)
        prompt, reply = _unquote(plain(cue)), plain(answer)
        # "Site clicks → sent to Kinesis for fan-in." describes a data flow, not a cue.
        reads_as_flow = reply[:1].islower() and len(reply.split()) >= 4 and not listed_tip
        if prompt and reply and len(prompt) <= 300 and len(reply) <= 300 and not reads_as_flow:
            self._add_pattern(
                prompt=prompt, answer=reply, answer_links=wikilink_targets(answer),
                explanation=plain(explanation), line=line.number, citation="",
                origin="arrow", group=group,
            )

    def _equals_patterns(self, line, text, group):
        for part in text.split(";"):
            terms = [plain(t) for t in part.split("=")]
            if len(terms) >= 2 and all(terms):
                self._add_pattern(
                    prompt=", ".join(terms[1:]), answer=terms[0], answer_links=[],
                    explanation="", line=line.number, citation="", origin="tip", group=group,
                )

    def _maybe_exam_weights(self, block, keys, rows, names):
        name_col = next((i for i, k in enumerate(keys) if k in {"domain", "name", "domain name"}), None)
        weight_col = next((i for i, k in enumerate(keys) if "weight" in k), None)
        if name_col is None or weight_col is None:
            return
        domains = []
        for position, row in enumerate(rows, start=1):
            weight = PERCENT.search(row[weight_col]) or re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*", row[weight_col])
            if not weight:
                return
            label = row[name_col]
            numbered = re.match(r"^(?:domain\s*)?(\d+)\s*[:.)-]?\s*(.*)$", label, re.I)
            number, name = (int(numbered.group(1)), numbered.group(2)) if numbered else (position, label)
            if name_col != 0 or not name:
                other = next((r for i, r in enumerate(row) if i not in {name_col, weight_col} and r), "")
                name = name or other
            domains.append(DomainDraft(number, name.strip(), float(weight.group(1))))
        code = self.meta.get("exam") or self.meta.get("code")
        if not code:
            found = EXAM_CODE.search(" ".join([self.title, *names]))
            code = found.group(1) if found else None
        if code and domains:
            self.inferred_exam = ExamDraft(code=str(code), title=self.title, domains=domains,
                                           line=block.line, declared=False)

    def _scenarios(self):
        for section in self.sections:
            if len(section.heading_path) < 2 and section.heading_path == [self.title]:
                continue
            scenario = _scenario_from(section, self.default_domain, self.default_task)
            if isinstance(scenario, str):
                self.warnings.append(Problem(section.line, scenario))
            elif scenario is not None:
                scenario.position = len(self.scenarios)
                self.scenarios.append(scenario)


OPTION = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s+(.+)$")


# A scenario item has one right option among three to five, or, as the exam's multiple-response
# items do, two right among five ("Choose TWO"), scored all or nothing.
CHOOSE_TWO_OPTIONS = 5
TASK = re.compile(r"\b(\d{1,2})\.(\d{1,2})\b")


def _scenario_from(section: SectionDraft, default_domain, default_task):
    domain, citation, task, tests, stem, options = default_domain, "", "", [], [], []
    for raw in section.markdown.split("\n"):
        option = OPTION.match(raw)
        if option:
            text, why = _split_explanation(option.group(2))
            options.append(OptionDraft(plain(text), _link_targets_in_markdown(text),
                                       option.group(1).lower() == "x", plain(why)))
            continue
        field = re.match(r"^\s*(domain|source|task|tests):\s*(.+)$", raw, re.I)
        name = field.group(1).lower() if field else ""
        if name == "domain":
            domain = _domain_number(field.group(2)) or domain
        elif name == "task":
            found = TASK.search(field.group(2))
            task = f"{int(found.group(1))}.{int(found.group(2))}" if found else task
        elif name == "tests":
            tests = [cue for cue in (plain(part).strip() for part in _tested_cues(field.group(2))) if cue]
        elif field:
            citation = plain(field.group(2))
        elif raw.strip() and not options:
            stem.append(raw)
    if not options:
        return None
    right = sum(o.correct for o in options)
    if not (right == 1 or (right == 2 and len(options) == CHOOSE_TWO_OPTIONS)):
        return ("scenario needs exactly one option marked [x], or two among five for a \"Choose TWO\" "
                "item; skipped it")
    if task and domain and not task.startswith(f"{domain}."):
        return f"scenario's task {task} is not in its domain {domain}; skipped it"
    task = task or default_task(domain)
    return ScenarioDraft(section.heading_path[-1], plain("\n".join(stem)), options, domain,
                         citation, section.line, 0, task, tests)


# Cues are separated by ";"; a cue that holds one is written in double quotes.
TESTED_CUE = re.compile(r'"([^"]*)"|([^;"]+)')


def _tested_cues(text: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) for m in TESTED_CUE.finditer(text)]


def _link_targets_in_markdown(text: str) -> list[str]:
    """Targets of wikilinks that link_wikilinks() already turned into Markdown links."""
    return [unquote(t) for t in re.findall(r"\]\(wikilink:([^)\s]+)\)", text)]


def _domain_number(text: str) -> int | None:
    match = re.search(r"\d+", text or "")
    return int(match.group(0)) if match else None
