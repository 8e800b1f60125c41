"""Exam-style questions from cards, pure and deterministic for a given seed.

Wrong options are of the same kind as the right answer: first the answers of the same mapping
list or table column, then services of the same category. A wrong option is never also right:
not the answer written differently, not an alias of the same service, and not the answer of
another mapping with the same cue. `Bank.ambiguities` checks every question against those rules
independently of how it was built.
"""

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from studyapp.notes.names import any_of

from studyapp.review.cards import telling_words

from .kinds import answer_kind, compatible

OPTIONS = 4
MULTIPLE_OPTIONS = 5
MAPPING_FAMILY = "list:"  # see review.cards: the family of a pattern card
# A cue the notes give more answers than this asks for no one thing (and every wrong option would
# be checked against all of them).
MAX_ANSWERS_PER_CUE = 10
# How many of a group's answers a question reads at most for its wrong options: a list whose
# answers are nearly all the same would otherwise be read whole for each of its questions.
MAX_DRAWS = 200
# Values that say too little for a "which TWO" question.
EMPTY_VALUES = {"", "-", "—", "n/a", "none", "yes", "no", "✓", "✗", "x"}


@dataclass(frozen=True)
class Fact:
    """What one card teaches, as a question needs it."""

    key: str
    prompt: str
    answer: str
    explanation: str
    family: str
    domain_ids: tuple[int, ...]
    source_url: str
    context: str = ""


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    name: str
    aliases: tuple[str, ...]
    category: str
    summary: str


@dataclass(frozen=True)
class ScenarioItem:
    key: str
    title: str
    stem: str
    options: tuple[tuple[str, bool, str], ...]  # (text, correct, explanation)
    domain_ids: tuple[int, ...]
    source_url: str
    task: str = ""
    tests: tuple[str, ...] = ()
    card_keys: tuple[str, ...] = ()  # the cards of the mappings it tests: an answer is a review of them


@dataclass(frozen=True)
class TableFacts:
    """A comparison table as things compared on aspects: cells[subject][aspect]."""

    key: str
    title: str
    subjects: tuple[str, ...]
    aspects: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    domain_ids: tuple[int, ...]
    source_url: str


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # "single", "multiple" or "scenario"
    stem: str
    options: tuple[Option, ...]
    domain_ids: tuple[int, ...]
    source_url: str
    card_keys: tuple[str, ...]
    context: str = ""
    task: str = ""  # the exam guide's task statement, where the item names one

    @property
    def choose(self) -> int:
        return sum(option.correct for option in self.options)

    @property
    def instruction(self) -> str:
        return "Choose one." if self.choose == 1 else f"Choose {_count_word(self.choose)}."


@lru_cache(maxsize=1 << 19)  # a bank of 100,000 cards compares each answer many times
def normalise(text: str) -> str:
    text = re.sub(r"[^\w\s%./+-]", " ", text.casefold())
    text = re.sub(r"\b(amazon|aws)\b", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .")


def _contains(longer: str, shorter: str) -> bool:
    """Whether `shorter` is in `longer` as whole words: not inside a word or a hyphenated name."""
    if not shorter:
        return False
    start = longer.find(shorter)
    while start != -1:
        end = start + len(shorter)
        if (start == 0 or not _joins(longer[start - 1])) and (end == len(longer) or not _joins(longer[end])):
            return True
        start = longer.find(shorter, start + 1)
    return False


def _joins(char: str) -> bool:
    return char.isalnum() or char in "_-"  # what the regex \w and "-" match


class Bank:
    """Every fact and service, indexed so that each question can be checked against all of them."""

    def __init__(self, facts: Iterable[Fact], services: Iterable[ServiceInfo] = (),
                 scenarios: Iterable[ScenarioItem] = (), tables: Iterable[TableFacts] = (),
                 synonyms: Iterable[Iterable[str]] = ()):
        self.facts = list(facts)
        self.services = list(services)
        self.scenarios = list(scenarios)
        self.tables = {t.key: t for t in tables}
        self.by_key = {f.key: f for f in self.facts}
        self.families: dict[str, list[Fact]] = defaultdict(list)
        self.answers_by_cue: dict[str, set[str]] = defaultdict(set)
        for fact in self.facts:
            self.families[fact.family].append(fact)
            self.answers_by_cue[normalise(fact.prompt)].add(fact.answer)
        self.service_of: dict[str, int] = {}
        self.by_category: dict[str, list[ServiceInfo]] = defaultdict(list)
        for service in self.services:
            for name in (service.name, *service.aliases):
                self.service_of.setdefault(normalise(name), service.id)
            if service.category:
                self.by_category[service.category].append(service)
        self.category_of = {s.id: s.category for s in self.services}
        names = [n for n in self.service_of if n]
        self._mention = re.compile(r"(?<![\w-])(" + any_of(names) + r")(?![\w-])") if names else None
        self._mentions: dict[str, frozenset[int]] = {}
        self._offers: dict[str, list] = {}
        self._kinds: dict[str, str] = {}
        # Words the notes declare to mean the same (front matter `synonyms`), each read as the
        # first of its group when answers are compared.
        self._same_as = {normalise(word): normalise(group[0]) for group in map(list, synonyms) if group
                         for word in group if normalise(word)}
        words = sorted(self._same_as, key=len, reverse=True)
        self._synonym = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])") if words else None

    # What counts as right -------------------------------------------------------------------

    def right_answers(self, fact: Fact) -> set[str]:
        return self.answers_by_cue[normalise(fact.prompt)]

    def same_answer(self, a: str, b: str) -> bool:
        """One answer written two ways: equal text, one inside the other, one service's names, or
        a service and a phrase that names it ("Firehose delivery to S3" is Amazon Data Firehose)."""
        x, y = self._canonical(normalise(a)), self._canonical(normalise(b))
        if not x or not y:
            return x == y
        if x == y or _contains(x, y) or _contains(y, x):
            return True
        x_service, y_service = self.service_of.get(x), self.service_of.get(y)
        return ((x_service is not None and x_service in self.services_in(y))
                or (y_service is not None and y_service in self.services_in(x)))

    def _canonical(self, normalised_text: str) -> str:
        if self._synonym is None:
            return normalised_text
        return self._synonym.sub(lambda m: self._same_as[m.group(1)], normalised_text)

    def kind_of(self, text: str) -> str:
        """The answer's kind (studyapp.exams.kinds): a wrong option is always of the right one's."""
        if text not in self._kinds:
            self._kinds[text] = answer_kind(text, lambda t: normalise(t) in self.service_of, self._names_a_service)
        return self._kinds[text]

    def _names_a_service(self, text: str) -> bool:
        """A service of the catalogue, or one of its features ("S3 Object Lock"): it starts with one."""
        plain = normalise(text)
        return plain in self.service_of or bool(self._mention and self._mention.match(plain))

    def services_in(self, normalised_text: str) -> frozenset[int]:
        if normalised_text not in self._mentions:
            found = self._mention.findall(normalised_text) if self._mention else []
            self._mentions[normalised_text] = frozenset(self.service_of[name] for name in found)
        return self._mentions[normalised_text]

    def is_right(self, fact: Fact, text: str) -> bool:
        return any(self.same_answer(text, right) for right in self.right_answers(fact))

    # Wrong options ----------------------------------------------------------------------------

    def distractors(self, fact: Fact, rights: Iterable[str] | None = None, limit: int | None = None,
                    rng: random.Random | None = None) -> list[Option]:
        """Acceptable wrong options for a fact: its own list's or column's answers first, then
        services of the answer's category. Each group is read in a random order when `rng` is
        given, drawn one at a time, and the reading stops at `limit`: a list of ten thousand
        mappings costs each of its questions a few draws, not a shuffle of the list."""
        rights = list(rights) if rights is not None else list(self.right_answers(fact))
        chosen: list[Option] = []
        cue = normalise(fact.prompt)
        kind = self.kind_of(fact.answer)
        # For a service, the family's services of its category first, then the category's, then the
        # family's others: a storage need is offered storage services before streaming ones.
        # The category's offers are built only when the family's run short.
        category = self.category_of.get(self.service_of.get(normalise(fact.answer)))
        if category:
            groups = (lambda: self._family_split(fact, category)[0], lambda: self._category_offers(fact),
                      lambda: self._family_split(fact, category)[1])
        else:
            groups = (lambda: self._family_offers(fact),)
        for group in groups:
            for drawn, (other_cue, text, explanation) in enumerate(self._by_topic(group(), cue, rng)):
                if limit is not None and (len(chosen) >= limit or drawn >= MAX_DRAWS):
                    break
                if (other_cue != cue and compatible(self.kind_of(text), kind)
                        and not _contains(cue, normalise(text))
                        and not (kind == "phrase" and any(_overlap(text, r) for r in rights))
                        and not any(self.same_answer(text, r) for r in rights + [o.text for o in chosen])):
                    chosen.append(Option(text, False, explanation))
            if limit is not None and len(chosen) >= limit:
                break
        return chosen

    def _by_topic(self, offers: list, cue: str, rng: random.Random | None):
        """Offers whose cues share the most words with this cue first, in a random order among
        equals: a need about Glue job events is offered the answers to other Glue needs before
        a Git practice from the same list. A list too long to rank is read in a random order."""
        if len(offers) > TOPIC_RANKED_MAX:
            yield from _in_random_order(offers, rng)
            return
        mine = _topic_words(cue)
        order = list(_in_random_order(offers, rng))
        order.sort(key=lambda offer: -len(mine & _topic_words(offer[0])))
        yield from order

    def _family_offers(self, fact: Fact) -> list[tuple[str, str, str]]:
        """(cue, answer, why it is wrong) for each fact of the family, built once per family."""
        if fact.family not in self._offers:
            self._offers[fact.family] = [(normalise(other.prompt), other.answer, _why_not(other))
                                         for other in self.families.get(fact.family, [])]
        return self._offers[fact.family]

    def _family_split(self, fact: Fact, category: str) -> tuple[list, list]:
        """The family's offers of services in `category`, and the rest; built once per family and category."""
        if (fact.family, category) not in self._offers:
            offers = self._family_offers(fact)
            same = [o for o in offers if self.category_of.get(self.service_of.get(normalise(o[1]))) == category]
            others = [o for o in offers if self.category_of.get(self.service_of.get(normalise(o[1]))) != category]
            self._offers[(fact.family, category)] = (same, others)
        return self._offers[(fact.family, category)]

    def _category_offers(self, fact: Fact) -> list[tuple[str, str, str]]:
        service = self.service_of.get(normalise(fact.answer))
        category = self.category_of.get(service) if service else None
        return [("", other.name, another_service_reason(other, category))
                for other in self.by_category.get(category, [])] if category else []

    # Questions --------------------------------------------------------------------------------

    def single(self, fact: Fact, seed: int | str) -> Question | None:
        """One right answer of four; None when the fact has fewer than three good wrong options,
        or when its cue has so many answers in the notes that it asks for no one thing.

        Only mappings make these. A table's other rows are no safe wrong options for a cell: what
        one row says ("add nodes yourself") is often also true of another, and a review of
        generated questions found most of the second answers there. Table cells are studied as
        flashcards and asked as "which TWO" questions, where the table itself decides."""
        if not fact.family.startswith(MAPPING_FAMILY) or len(self.right_answers(fact)) > MAX_ANSWERS_PER_CUE:
            return None
        rng = random.Random(f"{seed}:{fact.key}")
        wrong = self.distractors(fact, limit=OPTIONS - 1, rng=rng)
        if len(wrong) < OPTIONS - 1:
            return None
        options = [Option(fact.answer, True, fact.explanation or _where_from(fact)), *wrong]
        rng.shuffle(options)
        return Question(fact.key, "single", fact.prompt, tuple(options), fact.domain_ids, fact.source_url,
                        (fact.key,), fact.context)

    def multiple_from_cues(self, seed: int | str) -> list[Question]:
        """'Choose TWO' where two mappings give the same cue two different answers.

        Only mappings: two tables describing one thing in different words are not two answers.
        """
        questions = []
        grouped: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.facts:
            if fact.family.startswith(MAPPING_FAMILY):
                grouped[normalise(fact.prompt)].append(fact)
        for facts in grouped.values():
            distinct = []
            for fact in facts:
                if not any(self.same_answer(fact.answer, d.answer) for d in distinct):
                    distinct.append(fact)
                    if len(distinct) > 2:
                        break  # a third answer: not a "choose two", however many more follow
            if len(distinct) != 2:
                continue
            first, second = distinct
            rng = random.Random(f"{seed}:{first.key}:{second.key}")
            # The second fact's cue is the first's, so its right answers are already excluded.
            wrong = self.distractors(first, [first.answer, second.answer], limit=MULTIPLE_OPTIONS - 2, rng=rng)
            if len(wrong) < MULTIPLE_OPTIONS - 2:
                continue
            options = [Option(first.answer, True, first.explanation or _where_from(first)),
                       Option(second.answer, True, second.explanation or _where_from(second)), *wrong]
            rng.shuffle(options)
            questions.append(Question(f"two:{first.key}:{second.key}", "multiple", first.prompt, tuple(options),
                                      tuple(sorted({*first.domain_ids, *second.domain_ids})), first.source_url,
                                      (first.key, second.key), first.context))
        return questions

    def multiple_from_tables(self, seed: int | str) -> list[Question]:
        """'Choose TWO' where exactly two of the things a table compares share a value.

        "S3 storage classes, Retrieval: which TWO give Milliseconds?" The wrong options are the
        other things in the same table, each with a different value.
        """
        questions = []
        for table in self.tables.values():
            if len({normalise(s) for s in table.subjects}) != len(table.subjects):
                continue
            for a, aspect in enumerate(table.aspects):
                values = [normalise(row[a]) for row in table.cells]
                holding: dict[str, list[int]] = defaultdict(list)
                for i, v in enumerate(values):
                    holding[v].append(i)
                for value in sorted(holding):
                    holders = holding[value]
                    if len(holders) != 2 or not value or value in EMPTY_VALUES:
                        continue
                    rng = random.Random(f"{seed}:{table.key}:{a}:{value}")
                    # Rows with another value, drawn at random until there are enough.
                    others = []
                    for i in _in_random_order(range(len(values)), rng):
                        if values[i] and not self.same_answer(values[i], value):
                            others.append(i)
                            if len(others) == MULTIPLE_OPTIONS - 2:
                                break
                    if len(others) < MULTIPLE_OPTIONS - 2:
                        continue
                    chosen = holders + others
                    shown = table.cells[holders[0]][a]
                    options = [Option(table.subjects[i], i in holders,
                                      f"{table.subjects[i]}: {aspect} — {table.cells[i][a]}.") for i in chosen]
                    rng.shuffle(options)
                    stem = f"{table.title}. {aspect}: which TWO have “{shown}”?"
                    questions.append(Question(f"two:{table.key}:{a}:{value}", "multiple", stem, tuple(options),
                                              table.domain_ids, table.source_url, (), table.title))
        return questions

    def scenario(self, item: ScenarioItem, seed: int | str) -> Question:
        rng = random.Random(f"{seed}:{item.key}")
        options = [Option(text, correct, explanation) for text, correct, explanation in item.options]
        rng.shuffle(options)
        return Question(f"scenario:{item.key}", "scenario", item.stem, tuple(options), item.domain_ids,
                        item.source_url, item.card_keys, item.title, item.task)

    def all_questions(self, seed: int | str) -> list[Question]:
        singles = [q for q in (self.single(f, seed) for f in self.facts) if q is not None]
        return (singles + self.multiple_from_cues(seed) + self.multiple_from_tables(seed)
                + [self.scenario(s, seed) for s in self.scenarios])

    def lacking_distractors(self) -> list[Fact]:
        """Mappings that make no question for want of three good wrong options."""
        return [f for f in self.facts if f.family.startswith(MAPPING_FAMILY)
                and len(self.distractors(f, limit=OPTIONS - 1)) < OPTIONS - 1]

    # Checks -------------------------------------------------------------------------------------

    def ambiguities(self, question: Question) -> list[str]:
        """Why a question could be read two ways; empty when it cannot."""
        problems = []
        texts = [normalise(o.text) for o in question.options]
        if len(set(texts)) != len(texts):
            problems.append("two options read the same")
        if question.kind == "scenario":
            if question.choose not in (1, 2):
                problems.append(f"{question.choose} right options, expected one, or two of five")
            return problems
        if question.key.startswith("two:") and not question.card_keys:
            return problems + self._table_ambiguities(question)
        facts = [self.by_key[k] for k in question.card_keys]
        rights = [o for o in question.options if o.correct]
        for option in question.options:
            if option.correct:
                continue
            if any(self.is_right(fact, option.text) for fact in facts):
                problems.append(f"“{option.text}” is also right")
            if any(self.same_answer(option.text, r.text) for r in rights):
                problems.append(f"“{option.text}” is a right answer written differently")
        expected = 1 if question.kind == "single" else 2
        if len(rights) != expected:
            problems.append(f"{len(rights)} right options, expected {expected}")
        return problems

    def off_kind(self, question: Question) -> list[str]:
        """Wrong options of another kind than the right answer's (studyapp.exams.kinds), in a
        question built from cards. Scenario items are written whole, and checked by hand; a table's
        "which TWO" question offers the table's own rows."""
        if question.kind == "scenario" or not question.card_keys:
            return []
        kinds = {self.kind_of(o.text) for o in question.options if o.correct}
        return [f"“{o.text}” is a {self.kind_of(o.text)}, the answer a {' or '.join(sorted(kinds))}"
                for o in question.options
                if not o.correct and not any(compatible(self.kind_of(o.text), k) for k in kinds)]

    def _table_ambiguities(self, question: Question) -> list[str]:
        _, table_key, aspect, value = question.key.split(":", 3)
        table = self.tables[table_key]
        cell = {normalise(subject): table.cells[i][int(aspect)] for i, subject in enumerate(table.subjects)}
        problems = []
        for option in question.options:
            holds = self.same_answer(cell[normalise(option.text)], value)
            if holds != option.correct:
                problems.append(f"“{option.text}” {'has' if holds else 'lacks'} the value but is marked otherwise")
        if question.choose != 2:
            problems.append(f"{question.choose} right options, expected 2")
        return problems


def _in_random_order(items: list, rng: random.Random | None):
    """The items in a random order, drawn lazily (a Fisher-Yates shuffle that swaps as it goes,
    with the swaps kept aside so the list is not copied); in their own order without `rng`."""
    if rng is None:
        yield from items
        return
    moved: dict[int, int] = {}
    for index in range(len(items)):
        pick = rng.randrange(index, len(items))
        yield items[moved.get(pick, pick)]
        moved[pick] = moved.get(index, index)


def domain_shares(total: int, weights: dict) -> dict:
    """Split `total` questions by domain weight, rounding so the parts add up to the total
    (largest remainder): 65 at 34/26/22/18 gives 22/17/14/12."""
    weight_sum = sum(weights.values())
    if not total or not weight_sum:
        return {key: 0 for key in weights}
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(weights, key=lambda key: (-(exact[key] - shares[key]), str(key)))
    for key in by_remainder[:total - sum(shares.values())]:
        shares[key] += 1
    return shares


# Lists longer than this are read in a random order rather than ranked by topic for each question.
TOPIC_RANKED_MAX = 300


@lru_cache(maxsize=1 << 16)
def _topic_words(cue: str) -> frozenset[str]:
    return frozenset(w[:5] for w in re.findall(r"[a-z0-9]+", cue) if len(w) >= 4 and w not in TOPIC_STOP_WORDS)


TOPIC_STOP_WORDS = {"that", "with", "from", "into", "must", "need", "needs", "they", "their", "them", "this",
                    "what", "when", "which", "each", "every", "without", "only", "more", "than", "data"}
# Words too common among answers to say that two of them are about the same thing.
COMMON_WORDS = {"amazon", "service", "services", "storage", "access", "table", "tables", "query", "queries",
                "cluster", "clusters", "instance", "instances", "based", "level", "policy", "policies", "function",
                "functions", "data", "stream", "streams", "records", "files", "object", "objects", "their", "other",
                "which", "without", "within", "through"}
CITATION = re.compile(r"\s*\((?:\d{3}:[^)]*|AWS documentation[^)]*)\)")


def _overlap(option: str, answer: str) -> bool:
    """Whether a wrong option shares a telling word with the answer ("Design for replayability"
    beside "Replay the missed window"): one is then likely a version of the other, or gives it away.
    Asked of phrases only: services that share a name (Amazon Redshift, Redshift Spectrum) are the
    contrasts the exam tests."""
    return bool(telling_words(option, COMMON_WORDS) & telling_words(answer, COMMON_WORDS))


def another_service_reason(service: ServiceInfo, category: str) -> str:
    """Why a service of the answer's category is wrong here: it does another job, said in the first
    sentence of its summary (without the note's source references)."""
    summary = CITATION.sub("", service.summary or "").strip()
    first = re.split(r"(?<=[.!?])\s", summary, maxsplit=1)[0].strip() if summary else ""
    if not first or len(first) > 240:
        return f"{service.name} is another {category.lower()} service, for another job."
    return f"Another {category.lower()} service, for another job: {first.rstrip('.')}."


def _why_not(other: Fact) -> str:
    """Why an answer of the same list or table column is wrong here: it answers its own question."""
    if other.family.startswith(MAPPING_FAMILY):
        reason = f"That is the answer for another need: “{other.prompt.rstrip('.?')}”."
        return f"{reason} {other.explanation}" if other.explanation else reason
    return f"That answers another question of the same table: “{other.prompt}”"


def _where_from(fact: Fact) -> str:
    return f"So the table “{fact.context}” gives it." if fact.context else "So the notes give it."


def _count_word(n: int) -> str:
    return {2: "TWO", 3: "THREE"}.get(n, str(n))
