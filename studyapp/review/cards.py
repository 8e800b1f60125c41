"""Flashcards from imported notes, pure: plain items in, card drafts out.

A card's key comes from the item it is made from (a pattern's key, or a table's key with the
row and column it asks about), never from row ids, so re-importing notes keeps every learner's
history on the same card.
"""

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from studyapp.notes.parse.extract import pattern_columns


@dataclass(frozen=True)
class PatternItem:
    key: str
    prompt: str
    answer: str
    explanation: str
    group: str
    source_id: int | None
    anchor: str
    exam_id: int | None
    domain_ids: tuple[int, ...]
    service_ids: tuple[int, ...]


@dataclass(frozen=True)
class TableItem:
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    source_id: int | None
    exam_id: int | None
    domain_ids: tuple[int, ...]
    service_ids: tuple[int, ...]


@dataclass(frozen=True)
class CardDraft:
    key: str
    kind: str  # "pattern" or "cell"
    front: str
    context: str
    answer: str
    explanation: str
    source_id: int | None
    anchor: str
    exam_id: int | None
    domain_ids: tuple[int, ...]
    service_ids: tuple[int, ...]
    pattern_key: str = ""
    table_key: str = ""
    # Cards whose answers are of one kind share a family: the answers of one mapping list, or
    # the cells of one table column. Exam questions draw their wrong options from it.
    family: str = ""

    @property
    def position(self) -> int:
        # New cards come in a fixed shuffled order, so a day's new cards mix domains and notes
        # and the order does not change when notes are re-imported.
        return int(hashlib.sha256(self.key.encode()).hexdigest()[:8], 16)

    @property
    def content_hash(self) -> str:
        parts = (self.front, self.context, self.answer, self.explanation, self.source_id, self.anchor,
                 self.exam_id, sorted(self.domain_ids), sorted(self.service_ids), self.pattern_key, self.table_key,
                 self.family)
        return hashlib.sha256(repr(parts).encode()).hexdigest()


PUNCTUATION = re.compile(r"[^\w\s%./:+-]")
SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return SPACES.sub(" ", PUNCTUATION.sub(" ", text.casefold())).strip(" .")


def pattern_cards(patterns: Iterable[PatternItem], established: set[str]) -> list[CardDraft]:
    """One card per pattern; the same cue with the same answer in two notes makes one card.

    Of such duplicates, the pattern whose card already exists (in `established`) keeps it, so a
    learner's history does not move when a later note repeats an earlier one.
    """
    groups: dict[tuple[str, str], list[PatternItem]] = {}
    for item in patterns:
        groups.setdefault((normalise(item.prompt), normalise(item.answer)), []).append(item)
    drafts = []
    for items in groups.values():
        primary = next((i for i in items if i.key in established), items[0])
        drafts.append(CardDraft(
            key=primary.key, kind="pattern", front=primary.prompt, context=primary.group,
            answer=primary.answer, explanation=primary.explanation, source_id=primary.source_id,
            anchor=primary.anchor, exam_id=primary.exam_id,
            domain_ids=_union(i.domain_ids for i in items), service_ids=_union(i.service_ids for i in items),
            pattern_key=primary.key, family=f"list:{primary.source_id}:{normalise(primary.group)}",
        ))
    return drafts


# Cells that answer nothing on their own.
EMPTY_ANSWERS = {"", "-", "—", "–", "n/a", "na", "none", "yes", "no", "y", "n", "true", "false",
                 "✓", "✔", "✗", "✘", "x", "?", "varies", "depends", "same", "same as above"}
# A first column headed like this lists aspects, and the other columns are the things compared.
ASPECT_HEADERS = {"aspect", "aspects", "feature", "features", "dimension", "criterion", "criteria",
                  "characteristic", "property", "attribute", "factor", "consideration", "capability",
                  "parameter", "metric", "setting", "compared", "comparison", ""}
MAX_ANSWER_CHARS = 200


def table_cards(table: TableItem, services_named: Callable[[str], tuple[int, ...]]) -> list[CardDraft]:
    """Cards that ask for one cell of a comparison table, where that cell tells its row apart.

    "S3 Glacier Deep Archive: Minimum storage duration?" -> "180 days", only when no other
    storage class has the same answer in that column. Pattern tables are left to pattern_cards.
    """
    grid = table_grid(table, services_named)
    if grid is None:
        return []
    subjects, aspects, cells = grid

    # A row or column named twice would make the same question with two answers.
    subject_names = [normalise(s) for s in subjects]
    aspect_names = [normalise(a) for a in aspects]
    drafts = []
    subject_counts, aspect_counts = Counter(subject_names), Counter(aspect_names)
    for a, aspect in enumerate(aspects):
        column = [normalise(cells[s][a]) for s in range(len(subjects))]
        column_counts = Counter(column)
        for s, subject in enumerate(subjects):
            answer = cells[s][a].strip()
            if (not _askable(subject, aspect, answer) or column_counts[column[s]] > 1
                    or subject_counts[subject_names[s]] > 1 or aspect_counts[aspect_names[a]] > 1):
                continue
            front = f"{subject.strip()}: {aspect.strip()}?"
            if re.search(rf"(?<!\w){re.escape(normalise(answer))}(?!\w)", normalise(front)):
                continue  # the question gives its answer away
            drafts.append(CardDraft(
                key=_cell_key(table.key, subject, aspect), kind="cell", front=front, context=table.title,
                answer=answer, explanation="", source_id=table.source_id, anchor="", exam_id=table.exam_id,
                domain_ids=table.domain_ids, service_ids=services_named(subject) or table.service_ids,
                table_key=table.key, family=f"column:{table.key}:{normalise(aspect)}",
            ))
    return drafts


def table_grid(table: TableItem, services_named) -> tuple[list[str], list[str], list[list[str]]] | None:
    """The things a comparison table compares, the aspects it compares them on, and
    cells[subject][aspect]; None for a table that compares nothing (or is a pattern table)."""
    if len(table.columns) < 2 or pattern_columns(table.columns):
        return None
    grid = [row + [""] * (len(table.columns) - len(row)) for row in table.rows]
    if _lists_aspects(table.columns, services_named):
        # Transpose: the columns are the things compared, the first column names the aspects.
        subjects = table.columns[1:]
        aspects = [row[0] for row in grid]
        cells = [[row[1 + s] for row in grid] for s in range(len(subjects))]
    else:
        subjects = [row[0] for row in grid]
        aspects = table.columns[1:]
        cells = [row[1:] for row in grid]
    return (subjects, aspects, cells) if len(subjects) >= 2 else None


def _lists_aspects(columns: list[str], services_named) -> bool:
    if normalise(columns[0]) in ASPECT_HEADERS:
        return True
    named = sum(1 for c in columns[1:] if services_named(c))
    return len(columns) > 2 and named * 2 > len(columns) - 1


def _askable(subject: str, aspect: str, answer: str) -> bool:
    # A subject with no letter ("2", "1.") is a row number, which asks nothing clear.
    return (re.search(r"[^\W\d_]", subject) is not None and bool(normalise(aspect))
            and normalise(answer) not in EMPTY_ANSWERS and len(answer) <= MAX_ANSWER_CHARS)


def _cell_key(table_key: str, subject: str, aspect: str) -> str:
    return hashlib.sha256(f"{table_key}|{normalise(subject)}|{normalise(aspect)}".encode()).hexdigest()[:32]


def _union(groups: Iterable[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(sorted({value for group in groups for value in group}))
