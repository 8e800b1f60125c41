import json
import os
import uuid
from collections import Counter
from datetime import timedelta
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection, models
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from . import words
from .processes import process_exists
from .progress import ImportProgress

# What reverse() leaves unquoted in an argument (RFC 3986's sub-delimiters and a few more).
URL_SAFE = "!$&'()*+,;=~:@"


def new_key() -> str:
    return uuid.uuid4().hex


def address(name: str, argument: str) -> str:
    """`reverse(name, args=[argument])` for the notes' one-argument addresses. Pages link notes by
    the dozen, and reverse() cost more than the rest of writing a link: each address is its
    name's fixed prefix, found once, then the quoted argument."""
    return f"{_prefix(name, get_script_prefix())}{quote(argument, safe=URL_SAFE)}/"


def last_heading(heading_path: list[str]) -> str:
    return heading_path[-1] if heading_path else ""


@cache
def _prefix(name: str, script_prefix: str) -> str:
    return reverse(name, args=["-"]).removesuffix("-/")


class SourceFile(models.Model):
    """A note file as last imported: what it was, when, and what the importer had to say."""

    path = models.CharField(max_length=500, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, default="topic")
    aliases = models.JSONField(default=list, blank=True)
    checksum = models.CharField(max_length=64)
    link_context = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    front_matter = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField()
    domains = models.ManyToManyField("Domain", blank=True, related_name="sources")
    tasks = models.JSONField(default=list, blank=True, help_text="The exam guide's task statements it teaches")
    # A default in the database too: rows written column by column (notes.bulk) may leave it out.
    citations = models.JSONField(default=list, db_default=[], blank=True,
                                 help_text="Its front matter's sources, named: [{label, url, where}]")

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.path

    def get_absolute_url(self):
        return address("notes:document", self.slug)


def task_statements(numbers: list[str], domains) -> list[str]:
    """Task statement numbers with their words, as the exam note's domains give them ("2.1 Choose
    a data store"); a number no domain names stays as it is."""
    named = {text.split(" ", 1)[0]: text for domain in domains for text in domain.tasks}
    return [named.get(number, number) for number in numbers]


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)


class Exam(models.Model):
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=300)
    question_count = models.PositiveSmallIntegerField(null=True, blank=True)
    scored_questions = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    passing_score = models.PositiveSmallIntegerField(null=True, blank=True)
    score_min = models.PositiveSmallIntegerField(null=True, blank=True)
    score_max = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.ForeignKey(SourceFile, null=True, blank=True, on_delete=models.SET_NULL)
    line = models.PositiveIntegerField(default=1)
    declared = models.BooleanField(default=False, help_text="Defined by an exam note, not inferred")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class Domain(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="domains")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    tasks = models.JSONField(default=list, blank=True)
    # Attempts, cards, bank questions and learners' choices point at a domain: an exam note that
    # drops it retires it, so they keep it, and it comes back as itself when a note lists it again.
    retired_at = models.DateTimeField(null=True, blank=True, help_text="Gone from its exam's note; kept for history")

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["exam", "number"]
        constraints = [models.UniqueConstraint(fields=["exam", "number"], name="one_domain_number_per_exam")]

    def __str__(self):
        return f"{self.exam.code} D{self.number} {self.name}"


class Imported(models.Model):
    """Fields every extracted item shares: where it came from, and whether it is still there."""

    key = models.CharField(max_length=32, unique=True, default=new_key, editable=False)
    source = models.ForeignKey(SourceFile, on_delete=models.CASCADE)
    line = models.PositiveIntegerField()
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="Gone from its note; kept for history")

    objects = ActiveQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["source", "position"]


class Service(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    aliases = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True)
    search_text = models.TextField(blank=True)
    search_names = models.TextField(blank=True, db_default="",
                                    help_text="What names it, for ranking (notes.words.naming)")
    domains = models.ManyToManyField(Domain, blank=True, related_name="services")
    source = models.OneToOneField(SourceFile, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="service")
    line = models.PositiveIntegerField(default=1)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("notes:service", self.slug)


class NoteSection(Imported):
    heading_path = models.JSONField(default=list)
    anchor = models.SlugField(max_length=200)
    html = models.TextField(help_text="Sanitised at import time, its citations lifted out")
    citations = models.JSONField(default=list, db_default=[], blank=True,
                                 help_text="Lifted out of its text: [{label, url, where}]")
    text = models.TextField(blank=True, help_text="Plain text, for search")
    search_text = models.TextField(blank=True)
    search_names = models.TextField(blank=True, db_default="",
                                    help_text="What names it, for ranking (notes.words.naming)")
    content_hash = models.CharField(max_length=64)
    services = models.ManyToManyField(Service, blank=True, related_name="mentioned_in")
    links_to = models.ManyToManyField(Service, blank=True, related_name="linked_from")
    links_to_notes = models.ManyToManyField(SourceFile, blank=True, related_name="linked_from")
    domains = models.ManyToManyField(Domain, blank=True, related_name="sections")

    class Meta(Imported.Meta):
        pass

    def __str__(self):
        return " › ".join(self.heading_path)

    @property
    def heading(self):
        return last_heading(self.heading_path)


class ComparisonTable(Imported):
    title = models.CharField(max_length=300)
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    citation = models.CharField(max_length=300, blank=True)
    # What the note says of its flashcards with a `<!-- cards: none -->` or `<!-- cards: facts -->`
    # line before it: none, or its cells as facts even where they look like an example's figures or
    # judgments. Empty: decided from the table (review.cards).
    flashcards = models.CharField(max_length=10, blank=True)
    search_text = models.TextField(blank=True)
    search_names = models.TextField(blank=True, db_default="",
                                    help_text="What names it, for ranking (notes.words.naming)")
    content_hash = models.CharField(max_length=64)
    services = models.ManyToManyField(Service, blank=True, related_name="tables")

    class Meta(Imported.Meta):
        pass

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("notes:table", self.key)


class QuestionPattern(Imported):
    prompt = models.TextField()
    answer = models.CharField(max_length=500)
    explanation = models.TextField(blank=True)
    citation = models.CharField(max_length=300, blank=True)
    origin = models.CharField(max_length=10)
    group = models.CharField(max_length=300, blank=True)
    domain = models.ForeignKey(Domain, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="patterns")
    task = models.CharField(max_length=10, blank=True, help_text="The exam guide's task statement, e.g. 2.1")
    answer_services = models.ManyToManyField(Service, blank=True, related_name="answers")
    search_text = models.TextField(blank=True)
    search_names = models.TextField(blank=True, db_default="",
                                    help_text="What names it, for ranking (notes.words.naming)")
    content_hash = models.CharField(max_length=64)

    class Meta(Imported.Meta):
        pass

    def __str__(self):
        return f"{self.prompt} → {self.answer}"


class Scenario(Imported):
    title = models.CharField(max_length=300)
    stem = models.TextField()
    options = models.JSONField(default=list, help_text="[{text, correct, explanation}]")
    citation = models.CharField(max_length=300, blank=True)
    domain = models.ForeignKey(Domain, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="scenarios")
    task = models.CharField(max_length=10, blank=True, help_text="The exam guide's task statement, e.g. 2.1")
    tests = models.JSONField(default=list, blank=True, help_text="The cues of the mappings it tests")
    content_hash = models.CharField(max_length=64)

    class Meta(Imported.Meta):
        pass

    def __str__(self):
        return self.title

    @property
    def choose(self) -> int:
        return sum(bool(option["correct"]) for option in self.options)


class ImportRun(models.Model):
    """An import started from the browser, which runs in a process of its own: first as a preview,
    which writes nothing, then, once the user applies it, for real."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        PREVIEWED = "previewed", "Previewed: waiting to be applied"
        DONE = "done"
        FAILED = "failed"

    # A process is (or is about to be) at work on it.
    WORKING = (Status.QUEUED, Status.RUNNING)

    started_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # When its latest process (the preview's, then the import's) was asked for.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    files_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True, help_text="Of the process importing the files")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import {self.pk} ({self.status})"

    def fail(self, message: str, key: str = "fatal"):
        """Mark the run failed unless it has finished meanwhile; the report keeps the names given
        and the files refused."""
        report = {"names": self.report.get("names", {}), "rejected": self.report.get("rejected", []), key: message}
        ImportRun.objects.filter(pk=self.pk, status__in=self.WORKING).update(
            status=self.Status.FAILED, finished_at=timezone.now(), report=report)
        self.refresh_from_db()

    def fail_if_gone(self):
        """A process killed (out of memory, a restart) cannot say it failed: the page asks instead."""
        if not self.working:
            return
        if self.pid is None:
            if timezone.now() - (self.started_at or self.created_at) > START_GRACE:
                self.fail("The import never started. Upload the notes again.", "lost")
        elif not _import_process(self.pid, self.pk):
            self.fail(f"The import process ({self.pid}) ended without finishing. An import writes all or "
                      "nothing: upload the notes again to be sure they are in.", "lost")

    @property
    def working(self):
        """Whether a process is (or is about to be) at work on it: the page polls meanwhile."""
        return self.status in self.WORKING

    @property
    def folder(self) -> Path:
        """Where its files are stored, and its progress recorded."""
        return Path(settings.MEDIA_ROOT) / "uploads" / str(self.pk)

    def record_progress(self, progress: ImportProgress):
        # In a file rather than in the database: the import writes inside one transaction, or on a
        # copy of the database, either of which would hide its progress from the page until the end.
        target = self.folder / PROGRESS_FILE
        partial = target.with_name(f".{PROGRESS_FILE}.partial")
        partial.write_text(json.dumps(progress.as_dict()))
        os.replace(partial, target)  # the page never reads half a record

    @cached_property
    def progress(self) -> ImportProgress | None:
        """What its process last recorded, while it works; None before the first record."""
        if not self.working:
            return None
        try:
            recorded = json.loads((self.folder / PROGRESS_FILE).read_text())
        except (OSError, ValueError):
            return None
        return ImportProgress.from_dict(recorded) if isinstance(recorded, dict) else None

    @property
    def percent(self) -> int:
        if not self.working:
            return 100
        return self.progress.percent if self.progress else 0


PROGRESS_FILE = "progress.json"

# The upload view records the process it starts at once; a run with none after this never started.
START_GRACE = timedelta(minutes=2)


def _import_process(pid: int, run_pk: int) -> bool:
    """Whether `pid` is still the process importing this run. A process id is reused once its
    process is gone, and an ended child of this process lingers as a zombie until reaped: where
    /proc tells, it must not be a zombie, and its command line must be this run's import.

    A process that has only just been started may show an empty command line for a moment (the
    kernel sets it late in exec, after the parent may already have gone on): it is still starting."""
    if not process_exists(pid):
        return False
    if not Path("/proc/self").exists():
        return True  # no /proc here: the signal was all we could ask
    try:
        # The state follows the command name, which is in parentheses and may hold any character.
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, IndexError):
        return False
    except OSError:
        return True  # hidden from us: it exists
    if state == b"Z":
        return False
    if not command_line:
        return True
    arguments = command_line.split(b"\0")
    run = [b"--run", str(run_pk).encode()]
    return b"import_notes" in arguments and any(arguments[i:i + 2] == run for i in range(len(arguments)))


class TrigramText(models.TextField):
    """The column of an FTS5 trigram index; `__match` takes an FTS5 query."""


@TrigramText.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class SearchIndex(models.Model):
    """A kind's `search_text` in an SQLite FTS5 trigram index (migration 0002), joined to its row by
    rowid. The index reads the text from the row's own table, and triggers keep it in step with
    every insert, update and delete, so it commits or rolls back with the import. PostgreSQL has
    no such table: a pg_trgm GIN index serves the same `LIKE` there."""

    search_text = TrigramText()

    class Meta:
        abstract = True
        managed = False
        required_db_vendor = "sqlite"

    @classmethod
    def compact(cls):
        """Merge the index into one b-tree. Each INSERT statement adds one (FTS5 merges them only
        in groups), and a search reads every one: after the benchmark's first import, merging cut
        the SQL time of its searches by 15%."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


class ServiceSearch(SearchIndex):
    item = models.OneToOneField(Service, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING,
                                related_name="search_index")

    class Meta(SearchIndex.Meta):
        db_table = "notes_service_search"


class NoteSectionSearch(SearchIndex):
    item = models.OneToOneField(NoteSection, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING,
                                related_name="search_index")

    class Meta(SearchIndex.Meta):
        db_table = "notes_notesection_search"


class ComparisonTableSearch(SearchIndex):
    item = models.OneToOneField(ComparisonTable, primary_key=True, db_column="rowid",
                                on_delete=models.DO_NOTHING, related_name="search_index")

    class Meta(SearchIndex.Meta):
        db_table = "notes_comparisontable_search"


class QuestionPatternSearch(SearchIndex):
    item = models.OneToOneField(QuestionPattern, primary_key=True, db_column="rowid",
                                on_delete=models.DO_NOTHING, related_name="search_index")

    class Meta(SearchIndex.Meta):
        db_table = "notes_questionpattern_search"


class SearchWord(models.Model):
    """A word of what search looks through, and in how many rows: what a search that finds nothing
    offers in place of a misspelt term (studyapp.notes.words). Counted anew by every import
    that changes a note."""

    word = models.CharField(max_length=40, unique=True)
    length = models.PositiveSmallIntegerField()
    rows = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["length", "-rows"], name="notes_searchword_length_rows")]

    def __str__(self):
        return self.word

    @classmethod
    def rebuild(cls):
        counts = Counter()
        for model in SEARCH_INDEXES:
            for text in model.objects.active().values_list("search_text", flat=True).iterator(chunk_size=5000):
                counts.update(words.vocabulary_of(text))
        cls.objects.all().delete()
        cls.objects.bulk_create((cls(word=word, length=len(word), rows=rows) for word, rows in counts.items()),
                                batch_size=2000)

    @classmethod
    def suggestion(cls, terms: list[str]) -> str:
        """`terms` with each misspelt one replaced by the closest word, or ""; one query at most."""
        lengths = words.lengths(terms)
        if lengths is None:
            return ""
        candidates = list(cls.objects.filter(length__range=lengths).order_by("-rows", "word")
                          .values_list("word", flat=True)[:words.CANDIDATES])
        return words.suggestion(terms, candidates)


def analyze_searchable():
    """SQLite: measure the searchable tables, so that its planner knows how wide their rows are and
    reads a search's matches through their ranking indexes (migration 0010) rather than their rows.
    A sample of each index is enough (analysis_limit). PostgreSQL measures its tables itself."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 1000")
        for model in (NoteSection, ComparisonTable, QuestionPattern):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


SEARCH_INDEXES = {Service: ServiceSearch, NoteSection: NoteSectionSearch, ComparisonTable: ComparisonTableSearch,
                  QuestionPattern: QuestionPatternSearch}
