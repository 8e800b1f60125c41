"""Search over services, note sections, tables and question patterns.

Every kind keeps a lower-cased `search_text` written at import time; a row matches when it holds
every term as a substring. A trigram index finds the candidates (FTS5 on SQLite, pg_trgm on
PostgreSQL, both from migration 0002), so a search is one query per kind, four in all.

Every match is ranked, and each kind shows its best LIMIT: a term that is a whole word of what
names the row counts before one that starts a word of it, and that before one found anywhere else,
so "ecr" lists Amazon ECR before Secrets Manager.
"""

import re
from collections import namedtuple
from functools import reduce
from operator import add

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

from .models import ComparisonTable, NoteSection, QuestionPattern, SearchWord, Service, address
from .words import ranked_words

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


WHOLE, START, INSIDE = 0, 1, 2
# Rows of equal rank in the page's order, but by the note's place rather than its title: a join to
# every match's note, to sort thousands of them by title, took longer than the rest of a search.
TIES = {"services": ("name",), "sections": ("source_id", "position"), "tables": ("source_id", "position"),
        "patterns": ("source_id", "position")}


def _names_hold(text: str):
    # instr() and strpos() rather than LIKE, whose '%' each character of the row tries a match at:
    # ranking thousands of matches took twice as long.
    return GreaterThan(StrIndex("search_names", Value(text)), 0)


def rank(terms: list[str]):
    """Each term's place in what names the row (`search_names`, notes.words.naming): WHOLE, START
    or INSIDE a word, INSIDE too when only the rest of the text holds it; the lower the sum, the
    better. A term of no word characters ("→") is INSIDE everywhere, so it orders nothing."""
    places = []
    for term in terms:
        words = ranked_words(term)
        places.append(Case(When(_names_hold(f" {words} "), then=Value(WHOLE)),
                           When(_names_hold(f" {words}"), then=Value(START)),
                           default=Value(INSIDE), output_field=IntegerField()) if words else Value(INSIDE))
    return reduce(add, places)


def _matching(kind: str, terms: list[str]) -> list:
    """A kind's best LIMIT rows holding every term, ranked over all of them (`rank`).

    A row matches when it holds every term. PostgreSQL's pg_trgm index serves `contains` (LIKE)
    itself. On SQLite, FTS5's trigram index answers a phrase of three characters or more exactly
    as LIKE would (search_text and the terms are lower case), so only shorter terms need the LIKE.
    """
    model = MODELS[kind]
    indexed = [term for term in terms if len(term) >= INDEXED]
    matching = model.objects.active()
    if connection.vendor == "sqlite" and indexed:
        matching = matching.filter(search_index__search_text__match=fts_query(indexed))
        unindexed = [term for term in terms if len(term) < INDEXED]
    else:
        unindexed = terms
    matching = matching.filter(*(Q(search_text__contains=term) for term in unindexed))
    order = ("rank", *TIES[kind])
    # The best rows' keys first, then what they show: sorting every match with the columns shown
    # (a section's text, its note's title) took longer than finding and ranking them.
    best = matching.annotate(rank=rank(terms)).order_by(*order).values("pk")[:LIMIT]
    rows = (model.objects.filter(pk__in=best).annotate(rank=rank(terms)).order_by(*order)
            .values_list(*SHOWN[kind], named=True))
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
