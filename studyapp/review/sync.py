"""Keeps the cards in step with the notes; runs inside each import's transaction."""

from bisect import bisect_right
from collections import defaultdict

from studyapp.notes.models import ComparisonTable, Domain, Exam, NoteSection, QuestionPattern, SourceFile
from studyapp.notes.bulk import replace_m2m
from studyapp.notes.sync import MentionFinder

from .cards import CardDraft, PatternItem, TableItem, pattern_cards, table_cards
from .models import Card

CARD_FIELDS = ["kind", "front", "context", "family", "answer", "explanation", "source_id", "anchor", "exam_id",
               "position", "content_hash", "retired_at", "pattern_id", "table_id"]


def on_notes_imported(sender, now, changed, **kwargs):
    if changed or not Card.objects.exists():
        sync_cards(now)


def sync_cards(now) -> dict:
    """Create, update, retire and revive cards so that they match the active notes."""
    existing = {card.key: card for card in Card.objects.all()}
    established = {key for key, card in existing.items() if card.retired_at is None}
    drafts = pattern_cards(_pattern_items(), established) + _table_drafts()

    pattern_ids = dict(QuestionPattern.objects.values_list("key", "pk"))
    table_ids = dict(ComparisonTable.objects.values_list("key", "pk"))
    created, changed = [], []
    for draft in drafts:
        values = dict(
            kind=draft.kind, front=draft.front, context=draft.context[:300], family=draft.family[:400],
            answer=draft.answer,
            explanation=draft.explanation, source_id=draft.source_id, anchor=draft.anchor[:200],
            exam_id=draft.exam_id, position=draft.position, content_hash=draft.content_hash, retired_at=None,
            pattern_id=pattern_ids.get(draft.pattern_key), table_id=table_ids.get(draft.table_key),
        )
        card = existing.get(draft.key)
        if card is None:
            created.append(Card(key=draft.key, **values))
        elif card.content_hash != draft.content_hash or card.retired_at is not None:
            for name, value in values.items():
                setattr(card, name, value)
            changed.append(card)
    Card.objects.bulk_create(created, batch_size=500)
    Card.objects.bulk_update(changed, CARD_FIELDS, batch_size=500)

    live = {d.key for d in drafts}
    retired = Card.objects.active().exclude(key__in=live).update(retired_at=now) if existing else 0

    touched = {c.key for c in created} | {c.key for c in changed}
    if touched:
        ids = dict(Card.objects.filter(key__in=touched).values_list("key", "pk"))
        touched_drafts = [d for d in drafts if d.key in ids]
        owner_ids = list(ids.values())
        replace_m2m(Card.domains, owner_ids, [(ids[d.key], x) for d in touched_drafts for x in d.domain_ids])
        replace_m2m(Card.services, owner_ids, [(ids[d.key], x) for d in touched_drafts for x in d.service_ids])
    return {"cards": len(drafts), "created": len(created), "changed": len(changed), "retired": retired}


def _pattern_items() -> list[PatternItem]:
    services = through_pairs(QuestionPattern.answer_services.through, "questionpattern_id", "service_id")
    anchors = _section_anchors()
    exams = _ExamLookup()
    patterns = (QuestionPattern.objects.active().exclude(source__in=sources_without_flashcards())
                .select_related("domain", "source").order_by("source__path", "position"))
    return [
        PatternItem(
            key=p.key, prompt=p.prompt, answer=p.answer, explanation=p.explanation, group=p.group,
            source_id=p.source_id, anchor=anchors.get(p.source_id, lambda line: "")(p.line),
            exam_id=p.domain.exam_id if p.domain else exams.single,
            domain_ids=(p.domain_id,) if p.domain_id else (), service_ids=tuple(services[p.pk]),
        )
        for p in patterns
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
