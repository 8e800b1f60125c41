"""Keeps the cards in step with the notes: the second step of an import (studyapp.ops.importing)."""

from bisect import bisect_right
from collections import defaultdict

from django.db.models import Count

from studyapp.notes.bulk import chunked, replace_m2m, sync_rows
from studyapp.notes.models import ComparisonTable, Domain, Exam, NoteSection, QuestionPattern, SourceFile
from studyapp.notes.mentions import MentionFinder
from studyapp.notes.progress import Callback, Phase

from .cards import CardDraft, PatternItem, TableItem, pattern_cards, table_cards
from .models import Card, ReviewLog

CARD_FIELDS = ["kind", "front", "context", "family", "answer", "explanation", "source_id", "anchor", "exam_id",
               "position", "content_hash", "pattern_id", "table_id"]


def sync_cards(now, progress: Callback | None = None) -> dict:
    """Create, update, retire and revive cards so that they match the active notes.

    `new_cards_from` in what it returns is the earliest place of a new or revived card: learners'
    new-card floors past it are to be lowered to it (`floors.lower_new_from`), which the import
    does last (see studyapp.ops.importing). `progress` hears of its four steps.
    """
    step = Phase(progress, "cards", 4).advance
    existing = {key: (pk, content_hash, retired_at) for key, pk, content_hash, retired_at
                in Card.objects.values_list("key", "pk", "content_hash", "retired_at")}
    established = {key for key, (_, _, retired_at) in existing.items() if retired_at is None}
    patterns = pattern_cards(_pattern_items(), established, _review_counts)
    step("question patterns")
    drafts = patterns.drafts + _table_drafts()
    step("tables")

    pattern_ids = dict(QuestionPattern.objects.values_list("key", "pk"))
    table_ids = dict(ComparisonTable.objects.values_list("key", "pk"))
    rows = {draft.key: ((draft.kind, draft.front, draft.context[:300], draft.family[:400], draft.answer,
                         draft.explanation, draft.source_id, draft.anchor[:200], draft.exam_id, draft.position,
                         draft.content_hash, pattern_ids.get(draft.pattern_key), table_ids.get(draft.table_key)),
                        draft.content_hash)
            for draft in drafts}
    synced = sync_rows(Card, CARD_FIELDS, rows, existing, now)
    step("cards")
    # New and revived cards may sit before a learner's new-card floor: search from them again.
    reopened = [d.position for d in drafts if d.key not in existing or existing[d.key][2] is not None]

    written = {*synced.created, *synced.changed}
    touched = [d for d in drafts if d.key in written]
    if touched:
        ids = synced.ids
        owner_ids = [ids[d.key] for d in touched]
        fresh = [ids[key] for key in synced.created]
        replace_m2m(Card.domains, owner_ids, [(ids[d.key], x) for d in touched for x in d.domain_ids], fresh_ids=fresh)
        replace_m2m(Card.services, owner_ids, [(ids[d.key], x) for d in touched for x in d.service_ids],
                    fresh_ids=fresh)
    step("domains and services")
    return {"cards": len(drafts), "created": len(synced.created), "changed": len(synced.changed),
            "retired": len(synced.retired), "merged": patterns.merged, "new_cards_from": min(reopened, default=None)}


def _review_counts(keys: list[str]) -> dict[str, int]:
    """How many times learners have reviewed each of these cards: which of near-duplicates stays."""
    counts = {}
    for chunk in chunked(keys):
        counts.update(ReviewLog.objects.filter(card__key__in=chunk).values_list("card__key")
                      .annotate(n=Count("id")).values_list("card__key", "n"))
    return counts


def _pattern_items() -> list[PatternItem]:
    services = through_pairs(QuestionPattern.answer_services.through, "questionpattern_id", "service_id")
    anchors = _section_anchors()
    exams = _ExamLookup()
    patterns = (QuestionPattern.objects.active().exclude(source__in=sources_without_flashcards())
                .order_by("source__path", "position")
                .values_list("pk", "key", "prompt", "answer", "explanation", "group", "source_id", "line",
                             "domain_id", "domain__exam_id"))
    return [
        PatternItem(
            key=key, prompt=prompt, answer=answer, explanation=explanation, group=group,
            source_id=source_id, anchor=anchors.get(source_id, lambda line: "")(line),
            exam_id=exam_id if domain_id else exams.single,
            domain_ids=(domain_id,) if domain_id else (), service_ids=tuple(services[pk]),
        )
        for pk, key, prompt, answer, explanation, group, source_id, line, domain_id, exam_id in patterns
    ]


def _table_drafts() -> list[CardDraft]:
    services = through_pairs(ComparisonTable.services.through, "comparisontable_id", "service_id")
    source_domains = through_pairs(SourceFile.domains.through, "sourcefile_id", "domain_id")
    exams = _ExamLookup()
    mentions = MentionFinder()

    def services_named(text: str) -> tuple[int, ...]:
        return tuple(mentions.ids[name] for name in mentions.find(text))

    drafts = []
    tables = ComparisonTable.objects.active().exclude(source__in=sources_without_flashcards())
    for table in tables.select_related("source").order_by("source__path", "position"):
        domain_ids = tuple(sorted(source_domains[table.source_id]))
        item = TableItem(
            key=table.key, title=table.title, columns=table.columns, rows=table.rows, source_id=table.source_id,
            exam_id=exams.for_domains(domain_ids), domain_ids=domain_ids, service_ids=tuple(services[table.pk]),
            cards=table.flashcards,
        )
        drafts.extend(table_cards(item, services_named))
    return drafts


def sources_without_flashcards():
    # A subquery, not exclude(front_matter__flashcards=False), which in SQL also drops every
    # note that does not mention the key.
    return SourceFile.objects.filter(front_matter__flashcards=False).values("pk")


def through_pairs(through, owner: str, target: str) -> dict[int, list[int]]:
    grouped = defaultdict(list)
    for owner_id, target_id in through.objects.values_list(owner, target):
        grouped[owner_id].append(target_id)
    return grouped


def _section_anchors():
    """Per note, a function from a line number to the anchor of the section holding that line."""
    by_source = defaultdict(list)
    for source_id, line, anchor in NoteSection.objects.active().order_by("source_id", "line").values_list(
            "source_id", "line", "anchor"):
        by_source[source_id].append((line, anchor))

    def finder(sections):
        lines = [line for line, _ in sections]
        return lambda line: sections[max(bisect_right(lines, line) - 1, 0)][1]

    return {source_id: finder(sections) for source_id, sections in by_source.items()}


class _ExamLookup:
    """The exam a card belongs to, from its domains."""

    def __init__(self):
        self.domain_exam = dict(Domain.objects.values_list("pk", "exam_id"))
        exam_ids = list(Exam.objects.values_list("pk", flat=True)[:2])
        # With one exam imported, a note without a domain still belongs to it.
        self.single = exam_ids[0] if len(exam_ids) == 1 else None

    def for_domains(self, domain_ids) -> int | None:
        exams = {self.domain_exam[d] for d in domain_ids if d in self.domain_exam}
        return exams.pop() if len(exams) == 1 else self.single
