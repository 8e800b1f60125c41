"""Flashcards from imported notes, pure: plain items in, card drafts out.

A card's key comes from the item it is made from (a pattern's key, or a table's key with the
row and column it asks about), never from row ids, so re-importing notes keeps every learner's
history on the same card.
"""

import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
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
    cards: str = ""  # the note's marker: "none", "facts", or "" to decide from the table


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


# Two cues with the same answer whose content words overlap at least this much (Jaccard: shared
# words over all words) ask the same thing in other words: "Remove cold-start delay for a
# latency-sensitive function" and "Remove cold-start latency for a latency-sensitive function".
# Chosen on content/: at 0.5 each of the pairs found is one question asked twice; below 0.45, pairs
# that ask two things ("... in parallel child workflows" / "... within one workflow") begin to come in.
NEAR_DUPLICATE = 0.5
CUE_STOP_WORDS = {"a", "an", "the", "of", "to", "for", "in", "on", "with", "and", "or", "is", "are", "be", "by",
                  "from", "that", "which", "what", "when", "how", "it", "its", "as", "at", "into", "your", "you",
                  "can", "must", "need", "needs", "needed"}


@dataclass(frozen=True)
class PatternCards:
    drafts: list[CardDraft]
    merged: int  # near-duplicate cues folded into another's card


def pattern_cards(patterns: Iterable[PatternItem], established: set[str],
                  review_counts: Callable[[list[str]], dict[str, int]] = lambda keys: {}) -> PatternCards:
    """One card per pattern; the same cue with the same answer in two notes makes one card, and so
    do near-duplicate cues with the same answer (NEAR_DUPLICATE).

    Of duplicates, the card learners have reviewed most stays (`review_counts` of the candidates),
    else the one that already exists (in `established`), so a learner's history does not move when
    a later note repeats an earlier one; the others' cards are retired, their logs kept.
    """
    groups: dict[tuple[str, str], list[PatternItem]] = {}
    for item in patterns:
        groups.setdefault((normalise(item.prompt), normalise(item.answer)), []).append(item)
    merged_groups = _near_duplicates(groups)
    contested = [i.key for items in merged_groups if len({(normalise(i.prompt)) for i in items}) > 1 for i in items]
    reviews = review_counts(contested) if contested else {}
    drafts = []
    for items in merged_groups:
        primary = max(items, key=lambda i: (reviews.get(i.key, 0), i.key in established))
        drafts.append(CardDraft(
            key=primary.key, kind="pattern", front=primary.prompt, context=primary.group,
            answer=primary.answer, explanation=primary.explanation, source_id=primary.source_id,
            anchor=primary.anchor, exam_id=primary.exam_id,
            domain_ids=_union(i.domain_ids for i in items), service_ids=_union(i.service_ids for i in items),
            pattern_key=primary.key, family=f"list:{primary.source_id}:{normalise(primary.group)}",
        ))
    return PatternCards(drafts, len(groups) - len(merged_groups))


def _near_duplicates(groups: dict[tuple[str, str], list[PatternItem]]) -> list[list[PatternItem]]:
    """The groups, those of one answer whose cues are near-duplicates joined, in their first order.

    Candidate pairs come from prefix filtering: with each cue's words in one order (rarest first),
    two cues can reach the threshold only if they share a word among the first few of each, so an
    answer given to thousands of cues is not compared pair by pair.
    """
    words = {cue: frozenset(w for w in cue.replace("/", " ").split() if w not in CUE_STOP_WORDS)
             for cue, _ in groups}
    frequency = Counter(w for cue_words in words.values() for w in cue_words)
    parent = list(range(len(groups)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    keys = list(groups)
    by_answer: dict[str, list[int]] = {}
    for index, (_, answer) in enumerate(keys):
        by_answer.setdefault(answer, []).append(index)
    for indexes in by_answer.values():
        if len(indexes) < 2:
            continue
        seen: dict[str, list[int]] = {}
        for i in indexes:
            mine = words[keys[i][0]]
            ordered = sorted(mine, key=lambda w: (frequency[w], w))
            prefix = ordered[:len(ordered) - math.ceil(NEAR_DUPLICATE * len(ordered)) + 1]
            candidates = {j for w in prefix for j in seen.get(w, ())}
            for j in sorted(candidates):
                theirs = words[keys[j][0]]
                if len(mine & theirs) >= NEAR_DUPLICATE * len(mine | theirs):
                    parent[root(i)] = root(j)
            for w in prefix:
                seen.setdefault(w, []).append(i)
    joined: dict[int, list[PatternItem]] = {}
    for index, key in enumerate(keys):
        joined.setdefault(root(index), []).extend(groups[key])
    return list(joined.values())


# Cells that answer nothing on their own.
EMPTY_ANSWERS = {"", "-", "—", "–", "n/a", "na", "none", "yes", "no", "y", "n", "true", "false",
                 "✓", "✔", "✗", "✘", "x", "?", "varies", "depends", "configurable", "same", "same as above"}
# A first column headed like this lists aspects, and the other columns are the things compared.
ASPECT_HEADERS = {"aspect", "aspects", "feature", "features", "dimension", "criterion", "criteria",
                  "characteristic", "property", "attribute", "factor", "consideration", "capability",
                  "parameter", "metric", "setting", "compared", "comparison", ""}
MAX_ANSWER_CHARS = 200
# A cell a learner can recall is a fact in a few words ("180 days", "Per shard-hour", "S3 Standard");
# a cell that runs to a sentence explains or describes, and no two learners would recall it alike.
# Cells with a figure in them ("1 MB/s or 1,000 records per second") are facts at any length.
MAX_ANSWER_WORDS = 6
# A table that works through an example or a case study teaches that example's figures and
# choices, not facts to recall: it makes no cards unless its note marks it `<!-- cards: facts -->`.
EXAMPLE_TITLE = re.compile(r"\b(examples?|case stud(y|ies)|worked|sample)\b", re.I)
# Words that judge rather than state. A cell of nothing else ("Lower", "Very high") says nothing
# on its own, and a column of mostly such cells ("Medium: T-SQL differences") is a ranking of
# the table's own, not a fact of AWS.
JUDGMENT_WORDS = {"low", "lower", "lowest", "medium", "moderate", "high", "higher", "highest", "very", "fast",
                  "faster", "fastest", "slow", "slower", "slowest", "good", "better", "best", "poor", "excellent",
                  "limited", "strong", "stronger", "weak", "weaker", "simple", "simpler", "complex", "easy", "easier",
                  "hard", "harder", "minimal", "small", "smaller", "large", "larger", "cheap", "cheaper", "expensive",
                  "least", "most", "more", "less", "to", "and", "or", "fair", "great"}
# A column of scores ("4", "3/5", "★★★") rates the rows by the table's own measure.
SCORE = re.compile(r"^(?:\d|10)(?:\s*/\s*(?:5|10))?$|^[★☆*]+$")
# Columns that explain or weigh up the rows rather than state a fact about them: no cards.
UNASKED_ASPECTS = {"notes", "note", "why", "reason", "reasons", "comments", "comment", "remarks", "details",
                   "explanation", "rationale", "fit", "fits", "fits best", "best for", "typical fit", "strengths",
                   "weaknesses", "pros", "cons", "priority", "flexibility", "complexity", "kind", "example",
                   "examples", "why it fits", "when to use", "typical uses", "use cases", "typical workloads",
                   "when replay is used", "scale and throughput"}
# Of those, the columns that say why: a row's cards take their cell as the explanation.
EXPLAINING_ASPECTS = {"why", "reason", "reasons", "rationale", "explanation", "notes", "note", "why it fits"}
# A column named in this many words or fewer says what it asks only beside the table's title.
SHORT_ASPECT_WORDS = 2
TRAILING_PREPOSITIONS = {"for", "in", "of", "to", "with", "by", "on", "at"}


def table_cards(table: TableItem, services_named: Callable[[str], tuple[int, ...]]) -> list[CardDraft]:
    """Cards that ask for one cell of a comparison table, where that cell tells its row apart.

    "S3 Glacier Deep Archive: Minimum storage duration?" -> "180 days", only when no other
    storage class has the same answer in that column. Pattern tables are left to pattern_cards.
    """
    grid = table_grid(table, services_named)
    if grid is None or table.cards == "none" or (table.cards != "facts" and EXAMPLE_TITLE.search(table.title)):
        return []
    subjects, aspects, cells = grid

    # A row or column named twice would make the same question with two answers.
    subject_names = [normalise(s) for s in subjects]
    aspect_names = [normalise(a) for a in aspects]
    drafts = []
    subject_counts, aspect_counts = Counter(subject_names), Counter(aspect_names)
    why = next((a for a, name in enumerate(aspect_names) if name in EXPLAINING_ASPECTS), None)
    for a, aspect in enumerate(aspects):
        column = [normalise(cells[s][a]) for s in range(len(subjects))]
        if table.cards != "facts" and not _states_facts(aspect, column):
            continue
        column_counts = Counter(column)
        for s, subject in enumerate(subjects):
            answer = cells[s][a].strip()
            if (not _askable(subject, aspect, answer) or column_counts[column[s]] > 1
                    or subject_counts[subject_names[s]] > 1 or aspect_counts[aspect_names[a]] > 1
                    or (table.cards != "facts" and _judges(column[s]))):
                continue
            front = _front(table.title, subject.strip(), aspect.strip(), bool(services_named(subject)))
            telling = telling_words(answer)
            if (re.search(rf"(?<!\w){re.escape(normalise(answer))}(?!\w)", normalise(front))
                    or telling and telling <= telling_words(subject)):
                continue  # the question gives its answer away ("NoSQL databases" → "NoSQL APIs")
            drafts.append(CardDraft(
                key=_cell_key(table.key, subject, aspect), kind="cell", front=front, context=table.title,
                answer=answer, explanation=cells[s][why].strip() if why is not None else "",
                source_id=table.source_id, anchor="", exam_id=table.exam_id,
                domain_ids=table.domain_ids, service_ids=services_named(subject) or table.service_ids,
                table_key=table.key, family=f"column:{table.key}:{normalise(aspect)}",
            ))
    return drafts


def table_grid(table: TableItem, services_named) -> tuple[list[str], list[str], list[list[str]]] | None:
    """The things a comparison table compares, the aspects it compares them on, and
    cells[subject][aspect]; None for a table that compares nothing (or is a pattern table)."""
    if len(table.columns) < 2 or table.cards == "mappings" or pattern_columns(table.columns):
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


def _front(title: str, subject: str, aspect: str, names_a_service: bool) -> str:
    """The question, in words that stand without the table: "S3 Glacier Deep Archive: minimum
    storage duration?" where the row names a service and the column says what it asks, else with
    the table's title ("S3 storage classes: retrieval for S3 Glacier Flexible Retrieval?",
    "DynamoDB capacity modes: knowledge of usage for Provisioned?")."""
    aspect = aspect.rstrip("?").strip()
    if aspect.split()[-1].lower() in TRAILING_PREPOSITIONS:  # "Good for", "Used for"
        return f"{title}: what is {subject} {_lower_first(aspect)}?"
    if len(aspect.split()) > SHORT_ASPECT_WORDS and names_a_service:
        return f"{subject}: {_lower_first(aspect)}?"
    return f"{title}: {_lower_first(aspect)} for {subject}?"


def telling_words(text: str, ignore: Collection[str] = ("amazon",)) -> set[str]:
    """The words that say what a text is about: five letters or more, by their first six ("replay"
    and "replayability" are one), `ignore` left out. Two texts that share one are about one thing."""
    return {word[:6] for word in re.findall(r"[a-z0-9]+", text.casefold()) if len(word) >= 5 and word not in ignore}


def _lower_first(text: str) -> str:
    # "Pricing" reads as "pricing"; "SLA" and "IOPS" keep their capitals.
    return text[0].lower() + text[1:] if text[:2].istitle() or (text[:1].isupper() and text[1:2].islower()) else text


def _states_facts(aspect: str, column: list[str]) -> bool:
    """Whether a column states facts about the rows, rather than explaining, judging or scoring them."""
    if normalise(aspect) in UNASKED_ASPECTS or EXAMPLE_TITLE.search(aspect):  # "Banking example"
        return False
    values = [value for value in column if value not in EMPTY_ANSWERS]
    if not values:
        return False
    if all(SCORE.match(value) for value in values):
        return False
    judged = sum(1 for value in values if _first_word(value) in JUDGMENT_WORDS)
    return judged * 2 < len(values)


def _judges(value: str) -> bool:
    return bool(value) and all(word in JUDGMENT_WORDS for word in value.split())


def _first_word(value: str) -> str:
    return re.split(r"[\s,:;(]", value, maxsplit=1)[0]


def _askable(subject: str, aspect: str, answer: str) -> bool:
    # A subject with no letter ("2", "1.") is a row number, which asks nothing clear.
    recallable = len(answer.split()) <= MAX_ANSWER_WORDS or re.search(r"\d", answer) is not None
    return (re.search(r"[^\W\d_]", subject) is not None and bool(normalise(aspect)) and recallable
            and normalise(answer) not in EMPTY_ANSWERS and len(answer) <= MAX_ANSWER_CHARS)


def _cell_key(table_key: str, subject: str, aspect: str) -> str:
    return hashlib.sha256(f"{table_key}|{normalise(subject)}|{normalise(aspect)}".encode()).hexdigest()[:32]


def _union(groups: Iterable[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(sorted({value for group in groups for value in group}))
