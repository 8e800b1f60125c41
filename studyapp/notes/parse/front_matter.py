"""A note's front matter: a little plain YAML, read safely and checked key by key.

PyYAML's safe loader still expands aliases (a 500-byte "billion laughs" makes gigabytes), reads
`.inf` and `1.0e+999` as infinity, reads 5,000-digit integers that Python then refuses to print,
and turns dates into date objects where the app expects text. Notes need none of that: anchors, aliases
and tags are refused, numbers must be finite and short, dates stay the text they were written
as, and each key the app reads is checked for what it means. A note that breaks a rule is
refused with the line of the key at fault; the rest of the import goes on.
"""

import math
import re

import yaml

from .text import Line, NoteError, decode, to_lines

KINDS = {"exam", "service", "concept", "topic", "patterns", "scenarios"}

# A note's front matter is a title and a dozen short keys; an exam note's, with its domains and
# their tasks, is under 4 KiB.
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_NESTING = 8
MAX_NUMBER_CHARS = 24  # longer than any count or weight, shorter than anything unbounded
MAX_LIST_ITEMS = 100

# The longest each text may be: what its database column holds (a service note's title is the
# service's name, of at most 200 characters).
TEXT_LIMITS = {"type": 20, "title": 200, "category": 100, "code": 20, "exam": 20}
ALIAS_CHARS = 200
DOMAIN_NAME_CHARS = 200
TASK_CHARS = 1_000
MAX_DOMAIN_NUMBER = 99
COUNT_RANGES = {
    "questions": (1, 1_000),
    "scored_questions": (1, 1_000),
    "minutes": (1, 24 * 60),
    "passing_score": (0, 10_000),
    "score_min": (0, 10_000),
    "score_max": (1, 10_000),
}


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that notes may not use."""


class _Loader(yaml.SafeLoader):
    """The safe loader without anchors, aliases, tags, timestamps, long or infinite numbers."""

    # Without the timestamp resolver, `2024-05-01` stays the text it was written as.
    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(problem="uses a YAML anchor or alias (& or *); write each value out",
                           problem_mark=event.start_mark)
        if getattr(event, "tag", None) not in (None, "!"):
            raise _Refused(problem=f"uses the YAML tag {event.tag}; write the value without it",
                           problem_mark=event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise _Refused(problem=f"nests lists or mappings over {MAX_NESTING} deep",
                               problem_mark=event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        _check_length(node)
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node):
        _check_length(node)
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise _Refused(problem=f"holds {node.value!r}, which is not a finite number",
                           problem_mark=node.start_mark)
        return value


def _check_length(node):
    if len(node.value) > MAX_NUMBER_CHARS:
        raise _Refused(problem=f"holds a number of {len(node.value):,} characters; at most "
                               f"{MAX_NUMBER_CHARS} are read", problem_mark=node.start_mark)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)


def split_front_matter(lines: list[Line]) -> tuple[dict, list[Line]]:
    """The checked front matter and the lines after it. Raises NoteError naming the line at fault."""
    if not lines or lines[0].text.strip() != "---":
        return {}, lines
    size = 0
    for index in range(1, len(lines)):
        if lines[index].text.strip() in {"---", "..."}:
            source = "\n".join(line.text for line in lines[1:index])
            meta, key_lines = _load(source, first_line=lines[1].number, opening_line=lines[0].number)
            _check(meta, key_lines)
            return meta, lines[index + 1 :]
        size += len(lines[index].text.encode()) + 1
        if size > MAX_FRONT_MATTER_BYTES:
            raise NoteError(f"front matter is not closed with '---' within {MAX_FRONT_MATTER_BYTES:,} bytes; "
                            "it holds the title and a few short keys", line=lines[0].number)
    raise NoteError("front matter starts with '---' but is never closed", line=lines[0].number)


def _load(source: str, first_line: int, opening_line: int) -> tuple[dict, dict[str, int]]:
    """The mapping, and the line in the file where each of its keys is written."""
    loader = _Loader(source)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except _Refused as exc:
        key = _key_above(source, exc.problem_mark.line)
        where = f"front matter '{key}'" if key else "front matter"
        raise NoteError(f"{where} {exc.problem}", line=first_line + exc.problem_mark.line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark else opening_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise NoteError(f"front matter is not valid YAML: {problem}", line=line) from None
    except ValueError as exc:  # the safe loader's int() of a scalar such as "0b_"
        raise NoteError(f"front matter holds a value that cannot be read: {exc}", line=opening_line) from None
    finally:
        loader.dispose()
    if node is None or meta is None:
        return {}, {}
    if not isinstance(meta, dict):
        raise NoteError("front matter must be a mapping of keys to values", line=opening_line)
    key_lines = {key.value: first_line + key.start_mark.line for key, _ in node.value
                 if isinstance(key, yaml.ScalarNode)}
    return meta, key_lines


TOP_LEVEL_KEY = re.compile(r"([^\s#:'\"{}\[\],&*!|>%@`-][^:]*):(?:[ \t]|$)")


def _key_above(source: str, line_index: int) -> str | None:
    """The top-level key written on the line, or on the nearest line above it that has one."""
    for line in reversed(source.split("\n")[: line_index + 1]):
        key = TOP_LEVEL_KEY.match(line)
        if key:
            return key.group(1).strip()
    return None


def _check(meta: dict, key_lines: dict[str, int]):
    def refuse(key, rule):
        raise NoteError(f"front matter '{key}' {rule}", line=key_lines.get(key))

    def text(key, value, limit, part="") -> None:
        if not isinstance(value, str):
            refuse(key, f"{part}must be text, not {_shown(value)}; put it in quotes if it is meant as text")
        if len(value) > limit:
            refuse(key, f"{part}is {len(value):,} characters long; at most {limit:,} are allowed")

    def items(key, value) -> list:
        listed = value if isinstance(value, list) else [value]
        if len(listed) > MAX_LIST_ITEMS:
            refuse(key, f"lists {len(listed):,} items; at most {MAX_LIST_ITEMS} are allowed")
        return listed

    def whole(key, value, low, high, part="") -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            refuse(key, f"{part}must be a whole number from {low:,} to {high:,}, not {_shown(value)}")

    for key, limit in TEXT_LIMITS.items():
        if meta.get(key) is not None:
            text(key, meta[key], limit)
    if meta.get("aliases") is not None:
        for alias in items("aliases", meta["aliases"]):
            text("aliases", alias, ALIAS_CHARS)
    if meta.get("synonyms") is not None:
        for group in items("synonyms", meta["synonyms"]):
            text("synonyms", group, ALIAS_CHARS, part="each item ")
            if group.count("=") < 1:
                refuse("synonyms", f"items are written 'one = another', not {_shown(group)}")
    for key, (low, high) in COUNT_RANGES.items():
        if meta.get(key) is not None:
            whole(key, meta[key], low, high)
    if meta.get("mapping_sections") is not None:
        for heading in items("mapping_sections", meta["mapping_sections"]):
            text("mapping_sections", heading, ALIAS_CHARS, part="each heading ")
    if meta.get("flashcards") is not None and not isinstance(meta["flashcards"], bool):
        refuse("flashcards", f"must be true or false, not {_shown(meta['flashcards'])}")
    if meta.get("tasks") is not None:
        items("tasks", meta["tasks"])  # each is read by task_numbers(), which warns of the others
    if meta.get("domains") is None:
        return
    if str(meta.get("type")).strip().lower() != "exam":
        items("domains", meta["domains"])  # each is read by domain_numbers(), which warns of the others
        return
    if not isinstance(meta["domains"], list):
        refuse("domains", "of an exam note must be a list of domains, each with a number, a name and a weight")
    for domain in items("domains", meta["domains"]):
        if not isinstance(domain, dict) or not {"number", "name", "weight"} <= domain.keys():
            refuse("domains", "of an exam note must be a list of domains, each with a number, a name and a weight")
        whole("domains", domain["number"], 1, MAX_DOMAIN_NUMBER, part="number ")
        text("domains", domain["name"], DOMAIN_NAME_CHARS, part="name ")
        weight = domain["weight"]
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 100:
            refuse("domains", f"weight must be a number from 0 to 100 (a percentage), not {_shown(weight)}")
        if domain.get("tasks") is not None:
            for task in items("domains", domain["tasks"]):
                text("domains", task, TASK_CHARS, part="task ")


def domain_numbers(value) -> tuple[list[int], list[str]]:
    """The domain numbers a note's `domains` lists, and a message for each item that is not one."""
    numbers, messages = [], []
    for item in value if isinstance(value, list) else [] if value is None else [value]:
        if isinstance(item, str) and item.strip().isdecimal() and len(item.strip()) <= 2:
            item = int(item)
        if isinstance(item, int) and not isinstance(item, bool) and 1 <= item <= MAX_DOMAIN_NUMBER:
            numbers.append(item)
        else:
            messages.append(f"front matter domain {_shown(item)} is not a domain number")
    return numbers, messages


TASK_NUMBER = re.compile(r"^(\d{1,2})\.(\d{1,2})$")


def task_numbers(value) -> tuple[list[str], list[str]]:
    """The exam guide task statements a note's `tasks` lists ("2.1"), and a message for each item
    that is not one. YAML reads `[2.1, 3.4]` as numbers; they mean the same as text."""
    tasks, messages = [], []
    for item in value if isinstance(value, list) else [] if value is None else [value]:
        written = str(item).strip() if isinstance(item, (str, int, float)) and not isinstance(item, bool) else None
        found = TASK_NUMBER.match(written or "")
        if found:
            tasks.append(f"{int(found.group(1))}.{int(found.group(2))}")
        else:
            messages.append(f"front matter task {_shown(item)} is not a task statement number such as 2.1")
    return list(dict.fromkeys(tasks)), messages


def _shown(value) -> str:
    """A value as the message shows it: short, whatever its size."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def read_front_matter(data: bytes, max_bytes: int) -> dict:
    """A note's checked front matter alone, or {} when it has none or it is wrong.

    Read the same way as by parse_note, which reports what is wrong; this never raises.
    """
    try:
        text = decode(data, max_bytes)
    except NoteError:
        return {}
    # The block must close within its byte limit, so within that many lines: the rest of a
    # note of two million short lines need not be read twice.
    enough = MAX_FRONT_MATTER_BYTES + 2
    head = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", enough)[:enough]
    try:
        return split_front_matter(to_lines("\n".join(head))[0])[0]
    except NoteError:
        return {}
