"""Search over services, note sections, tables and question patterns.

Every kind keeps a lower-cased `search_text` written at import time; a row matches when it holds
every term as a substring. A trigram index finds the candidates (FTS5 on SQLite, pg_trgm on
PostgreSQL, both from migration 0002), so a search is one query per kind, four in all, whose
work does not grow with the collection.
"""

import re
from collections import namedtuple

from django.db import connection
from django.db.models import Q

from .models import ComparisonTable, NoteSection, QuestionPattern, Service, address

LIMIT = 20
# How many of a kind's matches, in the order they were imported, are put in the page's order
# before the first LIMIT are shown. Up to WINDOW matches, a kind shows exactly its first LIMIT in
# that order; past it the sort would grow with the matches (thousands at 100,000 patterns).
WINDOW = 200
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


def _matching(kind: str, terms: list[str]) -> list:
    """A kind's first LIMIT rows holding every term.

    `contains` (LIKE) decides what matches, on both databases; the index only narrows the rows it
    looks at. PostgreSQL's pg_trgm index serves the LIKE itself; SQLite's FTS5 index is joined,
    and read in rowid order so the window stops at its first WINDOW rows.
    """
    model = MODELS[kind]
    matching = model.objects.active().filter(*(Q(search_text__contains=term) for term in terms)).order_by("pk")
    indexed = [term for term in terms if len(term) >= INDEXED]
    if connection.vendor == "sqlite" and indexed:
        matching = (matching.filter(search_index__search_text__match=fts_query(indexed))
                    .order_by("search_index__item_id"))
    rows = (model.objects.active().filter(pk__in=matching.values("pk")[:WINDOW])
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
    """Each kind's first LIMIT matches as rows of its SHOWN fields, the terms, and the total."""
    terms = terms_of(query)
    found = {kind: _matching(kind, terms) if terms else [] for kind in SHOWN}
    return {**found, "terms": terms, "total": sum(map(len, found.values()))}
