"""Recognising "question pattern → answer" mappings in notes written any way.

Learners write them as tables whose columns are named in their own words ("Signal", "Use case",
"If you see" beside "Service choice", "Pick", "Primary service"), as list items under a heading
that announces a quick reference ("**Firehose** = near real-time delivery"), and as Q:/A:
pairs. A table is read by what its columns hold, not by a list of exact names; a list item only
where its heading says the list is one of reminders, and only when its term is short enough to
be a cue. What looks like a mapping but is not taken is reported, with how to make it count.
"""

import re
from dataclasses import dataclass

# Words that head a column of cues and of answers. A header is matched by the phrase it starts
# or ends with ("Phrase in the question", "Primary service"), the longest one deciding: "Use
# case" is a cue, "Use" an answer.
CUE_PHRASES = {
    "question pattern", "question", "pattern", "cue", "keyword", "keywords", "signal", "signals",
    "scenario", "need", "needs", "use case", "use cases", "goal", "requirement", "requirements",
    "area", "situation", "if you see", "when you see", "symptom", "problem", "phrase",
}
ANSWER_PHRASES = {
    "answer", "service", "choice", "solution", "use", "tool", "pick", "choose", "fix",
    "aws service", "primary service", "correct answer", "best answer", "service choice",
}
# A column that says when to pick its row ("Use when", "Pick it when", "When replay is used")
# describes the row; only "When" on its own, "When you see" and "If you see" name cues.
CONDITION = re.compile(r"\b(?:when|if)\b")
EXPLANATION_HEADERS = {"explanation", "why", "reason", "rationale", "notes", "note"}
# An answer is a name or a short phrase; a column of paragraphs is not one.
ANSWER_WORDS = 15

TIP_HEADING = re.compile(
    r"exam tips?|quick ref(?:erence)?s?|key differentiators|cheat ?sheets?|reminders?|key points?|"
    r"key takeaways?|exam day|remember",
    re.I,
)
# A paragraph line that is a heading in all but name: "**Exam tips**", "Quick reference:".
PSEUDO_HEADING = re.compile(r"^(?:\*\*|__)?([^*_:]{2,60}?):?(?:\*\*|__)?:?$")
# Logseq writes its headings as outline items: "- ## Key points".
OUTLINE_HEADING = re.compile(r"^\s*[-*+]\s+#{1,6}\s+(.+)$")
# Obsidian's callout: "> [!tip] Exam tips" titles the quoted lines below it.
CALLOUT = re.compile(r"^>\s*\[!(\w+)\][+-]?\s*(.*)$")

ITEM = re.compile(r"^\s*+(?:>\s*+)*+(?:[-*+]|\d++[.)])\s++(?:\[[ xX]\]\s++)?(.*)$")
# "Note:", "Tip:" and their kind label a remark, they do not name a thing to learn.
LABELS = {"note", "notes", "tip", "tips", "remember", "warning", "important", "example", "todo", "caution",
          "nb", "update", "edit", "result", "rule", "why", "also", "see", "source", "sources", "exam tip"}
TERM_WORDS, TERM_CHARS = 4, 60

# Possessive runs (*+): "Q" and a million spaces with no colon is read once, not from each space.
QUESTION_LINE = re.compile(r"^\s*+(?:[-*+]\s++)?(?:\*\*|__)?(?:Q|Question)\s*+\d*+\s*+[:.](?:\*\*|__)?\s*+(.+)$")
ANSWER_LINE = re.compile(r"^\s*+(?:[-*+]\s++)?(?:\*\*|__)?(?:A|Answer)\s*+\d*+\s*+[:.](?:\*\*|__)?\s*+(.+)$")


def _words(header: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", header.lower())


def _longest(words: list[str], phrases) -> int:
    """The length in words of the longest phrase the header starts or ends with; 0 for none."""
    best = 0
    for phrase in phrases:
        size = len(phrase.split())
        if size <= len(words) and size > best and phrase.split() in (words[:size], words[-size:]):
            best = size
    return best


def column_role(header: str) -> str:
    """"cue", "answer" or "" for a column header given as plain text."""
    words = _words(header)
    if words == ["when"]:
        return "cue"
    if not words or (CONDITION.search(" ".join(words)) and words[:3] not in (["if", "you", "see"], ["when", "you", "see"])):
        return ""
    cue, answer = _longest(words, CUE_PHRASES), _longest(words, ANSWER_PHRASES)
    if cue > answer:
        return "cue"
    return "answer" if answer else ""


@dataclass(frozen=True)
class Columns:
    cue: int
    answer: int
    explanation: int | None


def mapping_columns(header: list[str], rows: list[list[str]] | None = None, declared=False) -> Columns | None:
    """The cue, answer and explanation columns of a mapping table (headers and cells as plain
    text), or None for a table that is not one. A declared table takes its first column as the
    cue and the next as the answer where no header says otherwise."""
    roles = [column_role(h) for h in header]
    cue = next((i for i, r in enumerate(roles) if r == "cue"), None)
    answer = next((i for i, r in enumerate(roles) if r == "answer" and i != cue), None)
    if declared and len(header) >= 2:
        cue = 0 if cue is None else cue
        answer = next((i for i in range(len(header)) if i != cue), None) if answer is None else answer
    if cue is None or answer is None:
        return None
    if not declared and len(header) > 2 and answer < cue:
        return None  # "Service | Kind | … | Use case": a row per service, compared on several things
    if rows and not declared and not _answers_are_short([r[answer] for r in rows if len(r) > answer]):
        return None
    keys = [" ".join(_words(h)) for h in header]
    explanation = next((i for i, k in enumerate(keys) if k in EXPLANATION_HEADERS and i not in {cue, answer}), None)
    return Columns(cue, answer, explanation)


def _answers_are_short(answers: list[str]) -> bool:
    filled = [a for a in answers if a.strip()]
    return bool(filled) and sum(len(a.split()) <= ANSWER_WORDS for a in filled) * 2 >= len(filled)


def cues_without_answers(header: list[str]) -> bool:
    """Whether a table names a column of cues but none of answers: one that may be meant as mappings."""
    roles = [column_role(h) for h in header]
    return "cue" in roles and "answer" not in roles


def announces_mappings(heading: str) -> bool:
    return bool(TIP_HEADING.search(heading))


def declared_sections(meta: dict) -> set[str]:
    """The headings, casefolded, that the front matter's `mapping_sections` names."""
    value = meta.get("mapping_sections")
    listed = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return {str(name).strip().casefold() for name in listed}


def pseudo_heading(text: str) -> str | None:
    """The heading a paragraph line stands for ("**Exam tips**", "Quick reference:"), if any."""
    outline = OUTLINE_HEADING.match(text)
    if outline:
        return outline.group(1).strip()
    stripped = text.strip()
    if any(arrow in stripped for arrow in ("→", "->", "=>")):
        return None  # "Replay → Kinesis:" is a mapping with a stray colon
    if not stripped or stripped.startswith(("-", "*", "+", ">", "|")) and not stripped.startswith("**"):
        return None
    match = PSEUDO_HEADING.match(stripped)
    return match.group(1).strip() if match and (stripped.endswith(":") or stripped.startswith(("**", "__"))) else None


def callout_title(text: str) -> str | None:
    match = CALLOUT.match(text.strip())
    return match.group(2).strip() if match else None


def term_item(text: str) -> tuple[str, str, str] | None:
    """A list item's (term, meaning, form) for `**Term** = meaning`, `**Term**: meaning`,
    `Term = meaning`, `Term: meaning` and `Term — meaning`, in Markdown; None for other lines.
    The term may be long: see short_term().

    Read with string methods: as patterns, a lazy term before " = " tries the separator from
    every space of a long run of them.
    """
    item = ITEM.match(text)
    if not item:
        return None
    body = item.group(1).strip()
    if body[:2] in ("**", "__"):
        close = body.find(body[:2], 2)
        if close > 2:
            term, rest = body[2:close].strip(), body[close + 2 :].strip()
            if term.endswith(":") and rest:
                return term[:-1].strip(), rest, "bold"
            if rest[:1] in ("=", ":", "—", "–", "-") and rest[1:].strip():
                return term, rest[1:].strip(), "bold"
    for separator, form in ((" = ", "equals"), (": ", "colon"), (" — ", "dash"), (" – ", "dash")):
        term, found, meaning = body.partition(separator)
        if found and term.strip() and meaning.strip() and (form != "equals" or ":" not in term):
            return term.strip(), meaning.strip(), form
    return None


def short_term(term: str) -> bool:
    """A name or a phrase of a few words, not a sentence nor a remark's label."""
    words = term.split()
    return (0 < len(words) <= TERM_WORDS and len(term) <= TERM_CHARS and term[-1] not in ".?!,;"
            and term.lower() not in LABELS and "(" not in term[:1])


def question_line(text: str) -> str | None:
    match = QUESTION_LINE.match(text)
    return match.group(1).strip() if match else None


def answer_line(text: str) -> str | None:
    match = ANSWER_LINE.match(text)
    return match.group(1).strip() if match else None
