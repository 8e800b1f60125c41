import json
import re
from collections import Counter, defaultdict

from django.core.management.base import BaseCommand

from studyapp.notes.models import ComparisonTable, Domain, QuestionPattern, Scenario, Service, SourceFile
from studyapp.notes.render import normalise_name

CATEGORIES = {
    "Storage", "Database", "Analytics", "Streaming", "Messaging", "Orchestration", "Integration",
    "Compute", "Migration and transfer", "Security and identity", "Governance", "Networking",
    "Monitoring", "Developer tools", "Cost management", "IoT", "Machine learning", "Support",
}
KINDS = {"exam", "service", "concept", "topic", "patterns", "scenarios"}
MIN_PATTERNS_PER_DOMAIN = 60
MIN_PATTERNS = 400
MIN_TABLES = 35
# The scenario bank a full exam draws from: issue 18's minimums for the DEA-C01 corpus.
MIN_SCENARIOS = 360
MIN_SCENARIOS_PER_DOMAIN = {"DEA-C01": {1: 120, 2: 95, 3: 80, 4: 65}}
MIN_SCENARIOS_PER_TASK = 8
MIN_MULTIPLE_RESPONSE_SHARE = 0.15
# Notes of these types say which of the exam guide's task statements they teach.
TAUGHT_KINDS = {"service", "concept", "topic", "patterns"}


class Command(BaseCommand):
    help = "Check the imported study corpus against the rules in content/README.md."

    def add_arguments(self, parser):
        parser.add_argument("--prefix", default="content/", help="only check notes stored under this path")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, prefix, json: bool, **options):
        problems = check(prefix)
        if json:
            self.stdout.write(_dumps(problems))
        else:
            for problem in problems:
                self.stdout.write(f"{problem['file']}:{problem['line'] or ''} {problem['message']}")
            self.stdout.write(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the content.")
        if problems:
            raise SystemExit(1)


def check(prefix: str) -> list[dict]:
    problems = []

    def add(file, line, message):
        problems.append({"file": file, "line": line, "message": message})

    sources = list(SourceFile.objects.filter(path__startswith=prefix).exclude(path__endswith="README.md"))
    if not sources:
        add(prefix, None, "no notes imported from here")
        return problems
    for source in sources:
        meta = source.front_matter
        if meta.get("type") not in KINDS:
            add(source.path, 1, f"front matter 'type' must be one of {sorted(KINDS)}")
        if not meta.get("title"):
            add(source.path, 1, "front matter needs a 'title'")
        if not meta.get("sources"):
            add(source.path, 1, "front matter needs 'sources' saying where the facts come from")
        if meta.get("type") in TAUGHT_KINDS and "tasks" not in meta:
            add(source.path, 1, "front matter needs 'tasks': the exam guide task statements the note teaches "
                                "([] for a note that teaches none)")
        if meta.get("type") == "service" and meta.get("category") not in CATEGORIES:
            add(source.path, 1, f"category {meta.get('category')!r} is not one of the README's categories")
        for warning in source.warnings:
            add(source.path, warning["line"], f"import warning: {warning['message']}")

    titles = defaultdict(list)
    for source in sources:
        titles[normalise_name(source.title)].append(source.path)
    for title, paths in titles.items():
        if len(paths) > 1:
            add(paths[1], 1, f"the title {title!r} is also the title of {paths[0]}; a wikilink to it is ambiguous")

    owners = defaultdict(set)
    for service in Service.objects.active():
        for name in [service.name, *service.aliases]:
            owners[normalise_name(name)].add(service.name)
    for name, services in owners.items():
        if len(services) > 1:
            add(prefix, None, f"the name {name!r} belongs to several services: {sorted(services)}")

    patterns = list(QuestionPattern.objects.active().filter(source__path__startswith=prefix)
                    .select_related("source", "domain").prefetch_related("answer_services"))
    answers = defaultdict(set)
    for pattern in patterns:
        if not pattern.citation:
            add(pattern.source.path, pattern.line, f"mapping {pattern.prompt!r} has no source")
        if pattern.domain is None:
            add(pattern.source.path, pattern.line, f"mapping {pattern.prompt!r} has no exam domain")
        elif not pattern.task:
            add(pattern.source.path, pattern.line, f"mapping {pattern.prompt!r} has no task statement (a Task "
                                                   "column, or a note whose front matter lists one task in its domain)")
        if re.match(r"^(Amazon|AWS) [A-Z]", pattern.answer) and not pattern.answer_services.all():
            add(pattern.source.path, pattern.line, f"answer {pattern.answer!r} names no known service")
        services = sorted(s.name for s in pattern.answer_services.all())
        answers[normalise_name(pattern.prompt)].add(" + ".join(services) if services else normalise_name(pattern.answer))
    for pattern in patterns:
        distinct = answers[normalise_name(pattern.prompt)]
        if len(distinct) > 1:
            add(pattern.source.path, pattern.line, f"cue {pattern.prompt!r} has different answers: {sorted(distinct)}")
    if len(patterns) < MIN_PATTERNS:
        add(prefix, None, f"{len(patterns)} mappings; the corpus needs at least {MIN_PATTERNS}")
    for domain in Domain.objects.active().select_related("exam"):
        count = sum(1 for p in patterns if p.domain_id == domain.pk)
        if count < MIN_PATTERNS_PER_DOMAIN:
            add(prefix, None, f"{domain.exam.code} domain {domain.number} has {count} mappings; it needs {MIN_PATTERNS_PER_DOMAIN}")
    tables = ComparisonTable.objects.active().filter(source__path__startswith=prefix, source__kind__in=["topic", "exam", "concept", "service"]).count()
    if tables < MIN_TABLES:
        add(prefix, None, f"{tables} comparison tables; the corpus needs at least {MIN_TABLES}")
    check_scenarios(prefix, {normalise_name(p.prompt) for p in patterns}, add)
    return problems


# A test-wise candidate picks the longest option; chance alone makes the right one the longest in
# a quarter of four-option items and 40% of five-option items with two right.
MAX_LONGEST_RIGHT = {1: 0.35, 2: 0.50}


def check_scenarios(prefix: str, cues: set[str], add):
    """Every scenario item names its task statement and the mappings it tests, gives a reason for
    every option, and does not give its answer away by the length of the right option."""
    scenarios = list(Scenario.objects.active().filter(source__path__startswith=prefix).select_related("source"))
    longest_right = defaultdict(list)
    for item in scenarios:
        where = (item.source.path, item.line)
        if not item.task:
            add(*where, f"scenario {item.title!r} names no task statement (a 'Task: 2.1' line)")
        if not item.tests:
            add(*where, f"scenario {item.title!r} names no mapping it tests (a 'Tests: cue; cue' line)")
        for cue in item.tests:
            if normalise_name(cue) not in cues:
                add(*where, f"scenario {item.title!r} tests {cue!r}, which is no mapping's cue")
        for option in item.options:
            if not option.get("explanation"):
                add(*where, f"scenario {item.title!r}: option {option['text']!r} gives no reason")
        longest = max(len(option["text"]) for option in item.options)
        longest_right[item.choose].append(any(o["correct"] and len(o["text"]) == longest for o in item.options))
    check_scenario_counts(prefix, scenarios, add)
    for choose, flags in longest_right.items():
        share = sum(flags) / len(flags)
        if share > MAX_LONGEST_RIGHT.get(choose, 1):
            add(prefix, None, f"the right option is the longest in {share:.0%} of the {len(flags)} scenario items "
                              f"with {choose} right; at most {MAX_LONGEST_RIGHT[choose]:.0%}")


def check_scenario_counts(prefix: str, scenarios: list[Scenario], add):
    """Enough scenario items for full mock exams: in all, per domain, per task statement, and
    multiple-response ones among them."""
    if len(scenarios) < MIN_SCENARIOS:
        add(prefix, None, f"{len(scenarios)} scenario items; the corpus needs at least {MIN_SCENARIOS}")
    two = sum(item.choose == 2 for item in scenarios)
    if scenarios and two / len(scenarios) < MIN_MULTIPLE_RESPONSE_SHARE:
        add(prefix, None, f"{two} of {len(scenarios)} scenario items are \"Choose TWO\"; at least "
                          f"{MIN_MULTIPLE_RESPONSE_SHARE:.0%} must be")
    per_domain = Counter(item.domain_id for item in scenarios)
    per_task = Counter((item.domain_id, item.task) for item in scenarios)
    for domain in Domain.objects.active().select_related("exam"):
        needed = MIN_SCENARIOS_PER_DOMAIN.get(domain.exam.code, {}).get(domain.number, 0)
        if per_domain[domain.pk] < needed:
            add(prefix, None, f"{domain.exam.code} domain {domain.number} has {per_domain[domain.pk]} scenario "
                              f"items; it needs {needed}")
        for task in domain.tasks:
            number = str(task).split(" ", 1)[0]
            if per_task[(domain.pk, number)] < MIN_SCENARIOS_PER_TASK:
                add(prefix, None, f"{domain.exam.code} task statement {number} has {per_task[(domain.pk, number)]} "
                                  f"scenario items; it needs {MIN_SCENARIOS_PER_TASK}")


def _dumps(value):
    return json.dumps(value, indent=2, ensure_ascii=False)
