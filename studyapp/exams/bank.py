"""The question bank as the database holds it: active cards, services and scenario items."""

from collections import defaultdict

from studyapp.notes.models import ComparisonTable, Scenario, Service, SourceFile
from studyapp.notes.mentions import MentionFinder
from studyapp.notes.render import normalise_name
from studyapp.review.cards import TableItem, table_grid
from studyapp.review.models import Card, note_url
from studyapp.review.sync import sources_without_flashcards, through_pairs

from .questions import Bank, Fact, ScenarioItem, ServiceInfo, TableFacts


def load_bank(exam=None) -> Bank:
    cards = Card.objects.active()
    scenarios = Scenario.objects.active().select_related("source")
    if exam is not None:
        cards = cards.filter(exam=exam)
        scenarios = scenarios.filter(domain__exam=exam)
    domains = through_pairs(Card.domains.through, "card_id", "domain_id")
    facts, cards_by_cue = [], defaultdict(list)
    for pk, key, front, answer, explanation, family, context, kind, table_key, slug, anchor, cue in cards.values_list(
            "pk", "key", "front", "answer", "explanation", "family", "context", "kind", "table__key", "source__slug",
            "anchor", "pattern__prompt"):
        facts.append(Fact(key=key, prompt=front, answer=answer, explanation=explanation, family=family,
                          domain_ids=tuple(sorted(domains[pk])), source_url=note_url(kind, table_key, slug, anchor),
                          context=context))
        if cue:
            cards_by_cue[normalise_name(cue)].append(key)
    services = [
        ServiceInfo(id=s.pk, name=s.name, aliases=tuple(s.aliases), category=s.category, summary=s.summary)
        for s in Service.objects.active()
    ]
    items = [
        ScenarioItem(key=s.key, title=s.title, stem=s.stem,
                     options=tuple((o["text"], bool(o["correct"]), o.get("explanation", "")) for o in s.options),
                     domain_ids=(s.domain_id,) if s.domain_id else (),
                     source_url=s.source.get_absolute_url() if s.source_id else "", task=s.task, tests=tuple(s.tests),
                     card_keys=tuple(dict.fromkeys(key for cue in s.tests for key in cards_by_cue[normalise_name(cue)])))
        for s in scenarios
    ]
    synonyms = [[word.strip() for word in group.split("=")]
                for meta in SourceFile.objects.filter(front_matter__has_key="synonyms")
                .values_list("front_matter", flat=True)
                for group in meta["synonyms"] if isinstance(group, str)]
    return Bank(facts, services, items, _tables(exam), synonyms)


def _tables(exam) -> list[TableFacts]:
    mentions = MentionFinder()

    def services_named(text):
        return tuple(mentions.ids[name] for name in mentions.find(text))

    source_domains = through_pairs(SourceFile.domains.through, "sourcefile_id", "domain_id")
    tables = (ComparisonTable.objects.active().exclude(source__in=sources_without_flashcards())
              .select_related("source"))
    if exam is not None:
        tables = tables.filter(source__domains__exam=exam).distinct()
    found = []
    for table in tables:
        item = TableItem(key=table.key, title=table.title, columns=table.columns, rows=table.rows,
                         source_id=table.source_id, exam_id=None, domain_ids=(), service_ids=())
        grid = table_grid(item, services_named)
        if grid:
            subjects, aspects, cells = grid
            found.append(TableFacts(table.key, table.title, tuple(subjects), tuple(aspects),
                                    tuple(tuple(row) for row in cells), tuple(sorted(source_domains[table.source_id])),
                                    table.get_absolute_url()))
    return found
