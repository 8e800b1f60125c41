"""Words of what search looks through, pure: what names a row, by which search ranks its matches,
and the words it offers in place of a misspelt one ("kinesiss": did you mean "kinesis"?).

Both are worked out at import time. A row's naming words are stored beside its search text
(`search_names`), so ranking thousands of matches reads a short column rather than a note. The
vocabulary is counted into studyapp.notes.models.SearchWord; a search that finds nothing reads the
words about as long as its terms, the most common first and at most CANDIDATES of them, and
difflib picks the closest to each term, so its cost does not grow with the notes.
"""

import difflib
import re

# A word, for ranking: search text is lower case, and anything else (a space, punctuation, an
# arrow, any other character) stands between two words.
RANKED_WORD = re.compile(r"[0-9a-z_]+")
# Short enough for every row's to sit in its ranking index (migration 0010_search_words).
NAMING_CHARS = 300


def naming(*parts: str) -> str:
    """What names a row (a service's name, aliases and category, a section's headings, a table's
    title and columns, a pattern's cue and answer) as its words, each with a space either side:
    " amazon ecr elastic container registry ". A term is a whole word of it where " term " is in it.
    Its first NAMING_CHARS characters at most, whole words: a name, not a paragraph."""
    named, length = [], 1
    for word in RANKED_WORD.finditer(" ".join(parts).lower()):
        length += len(word[0]) + 1
        if length > NAMING_CHARS:
            break
        named.append(word[0])
    return " " + " ".join(named) + " "


def ranked_words(term: str) -> str:
    """A term as naming() writes words: "sse-s3" as "sse s3"; "" for a term of no word ("→")."""
    return " ".join(RANKED_WORD.findall(term))


# Words of letters only: "s3" or "2.1" is no word to correct a term to.
WORD = re.compile(r"[^\W\d_]{3,40}")
# Shorter terms are too close to too many words to say which was meant.
MIN_TERM = 4
# A word this many letters longer or shorter than the term can still be what was meant.
LENGTH_SLACK = 2
CANDIDATES = 5000
# difflib's ratio: "kinesiss" and "kinesis" are 0.93, "stream" and "steam" 0.91, "glue" and "blue" 0.75.
CUTOFF = 0.8


def vocabulary_of(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def correctable(term: str) -> bool:
    return len(term) >= MIN_TERM and WORD.fullmatch(term) is not None


def lengths(terms: list[str]) -> tuple[int, int] | None:
    """The word lengths to read for these terms, or None when there is none to correct."""
    sizes = [len(term) for term in terms if correctable(term)]
    return (min(sizes) - LENGTH_SLACK, max(sizes) + LENGTH_SLACK) if sizes else None


def closest(term: str, candidates: list[str]) -> str | None:
    """The candidate most like `term`, at least CUTOFF alike; of equals, the first (the most common)."""
    matcher = difflib.SequenceMatcher(b=term)
    best, best_score = None, CUTOFF
    for word in candidates:
        if abs(len(word) - len(term)) > LENGTH_SLACK:
            continue
        matcher.set_seq1(word)
        if matcher.real_quick_ratio() >= best_score and matcher.quick_ratio() >= best_score:
            score = matcher.ratio()
            if score > best_score or (best is None and score >= best_score):
                best, best_score = word, score
    return best


def suggestion(terms: list[str], candidates: list[str]) -> str:
    """The query with each misspelt term in the closest word's place; "" when none is misspelt."""
    known = set(candidates)
    corrected = [term if not correctable(term) or term in known else closest(term, candidates) or term
                 for term in terms]
    return " ".join(corrected) if corrected != terms else ""
