"""Search over services, note sections, tables and question patterns.

Every kind keeps a lower-cased `search_text` written at import time, so a search is one
indexed-size query per kind, whatever the size of the collection: four queries in all.
"""

import re
from functools import reduce
from operator import and_

from django.db.models import Q

from .models import ComparisonTable, NoteSection, QuestionPattern, Service

LIMIT = 20


def terms_of(query: str) -> list[str]:
    return [t for t in re.split(r"\s+", query.lower().strip()) if t][:8]


def _matching(queryset, terms):
    return queryset.filter(reduce(and_, (Q(search_text__contains=t) for t in terms)))


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
