"""Search over services, note sections, tables and question patterns.

Every kind keeps a lower-cased `search_text` written at import time; a row matches when it holds
every term as a substring. A trigram index finds the candidates (FTS5 on SQLite, pg_trgm on
PostgreSQL, both from migration 0002), so a search is one query per kind, four in all, whose
work does not grow with the collection.
"""

import re
from functools import reduce
from operator import and_

from django.db import connection
from django.db.models import Q

from .models import ComparisonTable, NoteSection, QuestionPattern, Service

LIMIT = 20
# How many of a kind's matches, in the order they were imported, are put in the page's order
# before the first LIMIT are shown. Up to WINDOW matches, a kind shows exactly its first LIMIT in
# that order; past it the sort would grow with the matches (thousands at 100,000 patterns).
WINDOW = 200
# Trigrams: a shorter term is in no index, and only filters the rows the other terms find.
INDEXED = 3


def terms_of(query: str) -> list[str]:
    return [t for t in re.split(r"\s+", query.lower().strip()) if t][:8]


def fts_query(terms: list[str]) -> str:
    """An FTS5 query for rows holding every term: each a quoted phrase, which the trigram
    tokenizer matches as a substring, whatever characters it holds."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _matching(queryset, terms):
    # `LIKE '%term%'` decides what matches, on both databases; the index only narrows the rows
    # it looks at. PostgreSQL's pg_trgm index serves the LIKE itself; SQLite's FTS5 index is
    # joined, and read in rowid order so the window stops at its first WINDOW rows.
    matching = queryset.filter(reduce(and_, (Q(search_text__contains=t) for t in terms))).order_by("pk")
    indexed = [t for t in terms if len(t) >= INDEXED]
    if connection.vendor == "sqlite" and indexed:
        matching = (matching.filter(search_index__search_text__match=fts_query(indexed))
                    .order_by("search_index__item_id"))
    return queryset.filter(pk__in=matching.values("pk")[:WINDOW])


def snippet(text: str, terms: list[str], width: int = 180) -> str:
    lowered = text.lower()
    hits = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = text[start : start + width].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def run_search(query: str) -> dict:
    terms = terms_of(query)
    if not terms:
        return {"services": [], "sections": [], "tables": [], "patterns": [], "total": 0}
    services = list(_matching(Service.objects.active(), terms).only("name", "slug", "category", "summary")[:LIMIT])
    sections = list(
        _matching(NoteSection.objects.active(), terms)
        .select_related("source").only("heading_path", "anchor", "text", "source__title", "source__slug")[:LIMIT]
    )
    for section in sections:
        section.snippet = snippet(section.text, terms)
    tables = list(_matching(ComparisonTable.objects.active(), terms)
                  .select_related("source").only("key", "title", "columns", "source__title")[:LIMIT])
    patterns = list(_matching(QuestionPattern.objects.active(), terms)
                    .select_related("source", "domain").only("prompt", "answer", "explanation", "line",
                                                             "source__title", "source__slug", "domain__number",
                                                             "domain__name")[:LIMIT])
    total = len(services) + len(sections) + len(tables) + len(patterns)
    return {"services": services, "sections": sections, "tables": tables, "patterns": patterns, "total": total}
