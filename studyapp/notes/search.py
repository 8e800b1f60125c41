"""Search over services, note sections, tables and question patterns.

Every kind keeps a lower-cased `search_text` written at import time; a row matches when it holds
every term as a substring. A trigram index finds the candidates (FTS5 on SQLite, pg_trgm on
PostgreSQL, both from migration 0002), so a search is one query per kind, four in all.

Every match is ranked, and each kind shows its best LIMIT: a term found as a whole word counts
before one found at the start of a word, and that before one found inside a word, so "ecr" lists
Amazon ECR before Secrets Manager. Rows of equal rank keep the page's order.
"""

import re
from collections import namedtuple
from functools import reduce
from operator import add

from django.db import connection
from django.db.models import BooleanField, Case, Func, IntegerField, Q, Value, When
from django.db.models.functions import Concat

from .models import ComparisonTable, NoteSection, QuestionPattern, SearchWord, Service, address

LIMIT = 20
# Trigrams: a shorter term is in no index, and only filters the rows the other terms find.
INDEXED = 3


# Control characters are in no search text, and a NUL ends an FTS5 query string early.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def terms_of(query: str) -> list[str]:
    return [t for t in re.split(r"\s+", CONTROL.sub(" ", query).lower().strip()) if t][:8]


def fts_query(terms: list[str]) -> str:
    """An FTS5 query for rows holding every term: each a quoted phrase, which the trigram
    tokenizer matches as a substring, whatever characters it holds."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


# What each kind shows of a result: named rows, not model instances, which took longer to build
# than the four searches took to run.
SHOWN = {
    "services": ("pk", "name", "slug", "category"),
    "sections": ("pk", "heading_path", "anchor", "text", "source__title", "source__slug"),
    "tables": ("pk", "key", "title", "source__title"),
    "patterns": ("pk", "prompt", "answer", "explanation", "domain__number", "task"),
}
MODELS = {"services": Service, "sections": NoteSection, "tables": ComparisonTable, "patterns": QuestionPattern}
# Each result's page, as its model's get_absolute_url gives it: a page of results links some sixty,
# and {% url %} for each took a tenth of the request.
ADDRESSES = {
    "services": lambda row: address("notes:service", row.slug),
    "sections": lambda row: f"{address('notes:document', row.source__slug)}#{row.anchor}",
    "tables": lambda row: address("notes:table", row.key),
}
RESULTS = {kind: namedtuple(f"{kind.title()}Result", [*SHOWN[kind], "url"]) for kind in ADDRESSES}


# Where a word ends: search_text is lower case, and anything but these (a space, punctuation, an
# arrow, any other character) stands between two words.
WORD = "0-9a-z_"
WHOLE, START, INSIDE = 0, 1, 2


class Glob(Func):
    """SQLite's GLOB, whose character classes find a word's edge in C; its LIKE cannot, and the
    REGEXP Django gives SQLite calls Python for every row."""

    function = "GLOB"
    output_field = BooleanField()


def _glob_literal(term: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", term)


def _found_as(term: str, whole: bool):
    """A condition for a row holding `term` at the start of a word, and at its end too if `whole`.
    An edge of the term that is not a word character ("(s3)") is an edge of a word already."""
    before = bool(re.match(f"[{WORD}]", term))
    after = whole and bool(re.match(f"[{WORD}]", term[-1]))
    if connection.vendor == "sqlite":
        padded = Concat(Value(" "), "search_text", Value(" "))
        pattern = ("*" + (f"[^{WORD}]" if before else "") + _glob_literal(term)
                   + (f"[^{WORD}]" if after else "") + "*")
        return Glob(Value(pattern), padded)
    return Q(search_text__regex=("(^|[^" + WORD + "])" if before else "") + re.escape(term)
             + ("($|[^" + WORD + "])" if after else ""))


def rank(terms: list[str]):
    """Each term's place in the row: WHOLE, START or INSIDE a word; the lower the sum, the better."""
    return reduce(add, (Case(When(_found_as(term, whole=True), then=Value(WHOLE)),
                             When(_found_as(term, whole=False), then=Value(START)),
                             default=Value(INSIDE), output_field=IntegerField()) for term in terms))


def _matching(kind: str, terms: list[str]) -> list:
    """A kind's best LIMIT rows holding every term, ranked over all of them (`rank`).

    `contains` (LIKE) decides what matches, on both databases; the index only narrows the rows it
    looks at. PostgreSQL's pg_trgm index serves the LIKE itself; SQLite's FTS5 index is joined.
    """
    model = MODELS[kind]
    matching = model.objects.active().filter(*(Q(search_text__contains=term) for term in terms))
    indexed = [term for term in terms if len(term) >= INDEXED]
    if connection.vendor == "sqlite" and indexed:
        matching = matching.filter(search_index__search_text__match=fts_query(indexed))
    rows = (matching.annotate(rank=rank(terms)).order_by("rank", *model._meta.ordering)
            .values_list(*SHOWN[kind], named=True)[:LIMIT])
    return [result(kind, row) for row in rows]


def result(kind: str, row):
    """A row of SHOWN fields as the page shows it: with its page's address, where it has one."""
    return RESULTS[kind](*row, ADDRESSES[kind](row)) if kind in ADDRESSES else row


def snippet(text: str, terms: list[str], width: int = 180) -> str:
    lowered = text.lower()
    hits = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = text[start : start + width].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def run_search(query: str) -> dict:
    """Each kind's best LIMIT matches as rows of its SHOWN fields, the terms, the total, and for a
    search that finds nothing, the query with its misspelt terms corrected ("" if none is)."""
    terms = terms_of(query)
    found = {kind: _matching(kind, terms) if terms else [] for kind in SHOWN}
    total = sum(map(len, found.values()))
    suggestion = SearchWord.suggestion(terms) if terms and not total else ""
    return {**found, "terms": terms, "total": total, "suggestion": suggestion}
