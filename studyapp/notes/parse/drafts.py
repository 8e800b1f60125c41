"""Plain data that the parser produces and the database sync consumes."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str


@dataclass
class SectionDraft:
    heading_path: list[str]
    line: int
    markdown: str  # ready to render; wikilinks are [label](wikilink:target)
    text: str  # plain text, for search and mentions
    wikilinks: list[str]
    position: int


@dataclass
class TableDraft:
    title: str
    columns: list[str]  # plain text
    rows: list[list[str]]  # plain text cells
    line: int
    citation: str
    position: int
    cards: str = ""  # "none" or "facts" where the note marks the table so, else ""


@dataclass
class PatternDraft:
    prompt: str
    answer: str
    answer_links: list[str]  # wikilink targets named in the answer
    explanation: str
    line: int
    domain: int | None
    citation: str
    origin: str  # table | arrow | tip
    group: str  # the table or list it came from: answers in one group are alike
    position: int
    task: str = ""  # the exam guide's task statement it teaches, e.g. "2.1"


@dataclass
class OptionDraft:
    text: str
    links: list[str]
    correct: bool
    explanation: str


@dataclass
class ScenarioDraft:
    title: str
    stem: str
    options: list[OptionDraft]
    domain: int | None
    citation: str
    line: int
    position: int
    task: str = ""  # the exam guide's task statement it teaches, "2.1"
    tests: list[str] = field(default_factory=list)  # the cues of the mappings it tests


@dataclass
class DomainDraft:
    number: int
    name: str
    weight: float
    tasks: list[str] = field(default_factory=list)


@dataclass
class ExamDraft:
    code: str
    title: str
    domains: list[DomainDraft]
    line: int
    declared: bool  # from an exam note, rather than inferred from a weights table
    question_count: int | None = None
    scored_questions: int | None = None
    minutes: int | None = None
    passing_score: int | None = None
    score_min: int | None = None
    score_max: int | None = None


@dataclass
class NoteDraft:
    title: str
    kind: str
    meta: dict
    aliases: list[str]
    category: str
    domains: list[int]
    tasks: list[str]  # the exam guide's task statements the note teaches, e.g. ["2.1", "2.3"]
    sections: list[SectionDraft]
    tables: list[TableDraft]
    patterns: list[PatternDraft]
    scenarios: list[ScenarioDraft]
    exam: ExamDraft | None
    warnings: list[Problem]
