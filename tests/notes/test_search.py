"""Search served from a trigram index: what it finds, that the index serves it, and that the index
stays in step with every import (SQLite's FTS5 tables are ours to keep; PostgreSQL keeps its own)."""

import importlib
import re
import shutil
import sqlite3

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from studyapp.bench import corpus as corpus_notes
from studyapp.notes import bulk, search
from studyapp.notes.models import (
    ComparisonTable,
    ComparisonTableSearch,
    NoteSection,
    NoteSectionSearch,
    QuestionPattern,
    QuestionPatternSearch,
    Service,
    ServiceSearch,
)
from studyapp.notes.search import run_search

from .test_import import refused_insert, run_import

pytestmark = pytest.mark.django_db(transaction=True)

KINDS = {"services": Service, "sections": NoteSection, "tables": ComparisonTable, "patterns": QuestionPattern}
INDEXES = [ServiceSearch, NoteSectionSearch, ComparisonTableSearch, QuestionPatternSearch]

# Long and short terms, several at once, case, characters LIKE and FTS5 give meaning to, non-ASCII.
QUERIES = ["kinesis", "KINESIS Streams", "s3", "a", "ka", "s3 kinesis", "data stream", "firehose s3", "é",
           "→", "—", '"', '"replay data"', "_", "%", "'", "kinesis*", "(s3)", "a:b", "-", "and", "or not",
           "zzz", "🎯", "data data", "encryption sse-s3 s3", "x" * 40, 'x"y', '"""', "near*"]


@pytest.fixture
def corpus(tmp_path, notes_dir):
    target = tmp_path / "notes"
    shutil.copytree(notes_dir, target)
    run_import(target)
    return target


def found(query) -> dict[str, list[int]]:
    results = run_search(query)
    return {kind: [row.pk for row in results[kind]] for kind in KINDS}


def word_rank(names: str, term: str) -> int:
    """Where a term is among the words that name a row, as search ranks it: 0 a whole word, 1 the
    start of one, 2 elsewhere; a word is a run of [0-9a-z_], and a term is its words in order."""
    words, named = re.findall("[0-9a-z_]+", term), re.findall("[0-9a-z_]+", names)
    if not words:
        return 2
    places = [named[i:i + len(words)] for i in range(len(named) - len(words) + 1)]
    if words in places:
        return 0
    starts = any(p[:-1] == words[:-1] and p[-1].startswith(words[-1]) for p in places)
    return 1 if starts else 2


NAMES = {"services": lambda row: [row.name, *row.aliases, row.category],
         "sections": lambda row: row.heading_path,
         "tables": lambda row: [row.title, *row.columns],
         "patterns": lambda row: [row.prompt, row.answer]}


def substring_scan(query) -> dict[str, list[int]]:
    """What search means, computed in Python from every active row: the rows holding each term,
    best ranked first (the sum of word_rank over the terms, among what names the row), then by
    name (services) or by note and place; the first LIMIT of them."""
    terms = search.terms_of(query)
    expected = {}
    for kind, model in KINDS.items():
        rows = [row for row in model.objects.active() if terms and all(term in row.search_text for term in terms)]
        ties = (lambda row: row.name) if kind == "services" else (lambda row: (row.source_id, row.position))
        rows.sort(key=lambda row: (sum(word_rank(" ".join(NAMES[kind](row)).lower(), term) for term in terms),
                                   ties(row)))
        expected[kind] = [row.pk for row in rows][:search.LIMIT]
    return expected


def assert_index_in_step():
    """Each FTS5 index holds exactly the text of its table's rows, no more and no less: FTS5's own
    check, reading the table too (the `1`). PostgreSQL maintains its GIN indexes itself."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for index in INDEXES:
            table = index._meta.db_table
            cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def search_indexes() -> set[str]:
    """The search indexes the database holds: SQLite's FTS5 tables, PostgreSQL's GIN indexes."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return {index._meta.db_table for index in INDEXES} & set(connection.introspection.table_names(cursor))
        return {name for model in KINDS.values()
                for name in connection.introspection.get_constraints(cursor, model._meta.db_table)
                if name == f"{model._meta.db_table}_trgm"}


def query_plans(query) -> list[str]:
    """The plan of every query a search runs, as the database explains it."""
    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        run_search(query)
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table is a few rows, which PostgreSQL rightly reads whole; at 100,000 rows it
            # takes the index. Pricing the other ways out shows which index can serve the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            explain = "EXPLAIN "
        else:
            # The same for SQLite, which reads a measured table of a few rows whole: its measures
            # (ANALYZE, at every import) as they would be at 10,000 times the rows.
            cursor.execute("SELECT tbl, idx, stat FROM sqlite_stat1")
            for table, index, stat in cursor.fetchall():
                rows, *rest = stat.split()
                cursor.execute("UPDATE sqlite_stat1 SET stat = %s WHERE tbl = %s AND idx IS %s",
                               [" ".join([str(int(rows) * 10_000), *rest]), table, index])
            cursor.execute("ANALYZE sqlite_schema")  # read the measures again
            explain = "EXPLAIN QUERY PLAN "
        for sql, params in statements:
            cursor.execute(explain + sql, params)
            plans.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
        transaction.set_rollback(True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sqlite_schema")
    return plans


def test_every_kind_is_searched_through_its_trigram_index(corpus):
    # Ranking reads no row but its ranking index's entry: none, for terms the trigram index holds.
    for plan in query_plans("kinesis stream")[1:]:
        assert re.search(r"SEARCH U0 USING COVERING INDEX \w+_ranking", plan) or connection.vendor != "sqlite", plan
    plans = query_plans("kinesis s3")
    assert len(plans) == 4
    for plan, model in zip(plans, KINDS.values()):
        if connection.vendor == "sqlite":
            # The FTS5 table answers the MATCH (M); the kind's own table is only looked up by key,
            # never scanned.
            assert re.search(r"SCAN \w+ VIRTUAL TABLE INDEX \d+:M", plan), plan
            assert not re.search(r"SCAN (?!\w+ VIRTUAL TABLE)", plan), plan
            if model is not Service:  # the matches are ranked from their ranking index
                assert f"USING INDEX {model._meta.db_table}_ranking" in plan, plan
        else:
            assert f"Bitmap Index Scan on {model._meta.db_table}_trgm" in plan, plan


def test_search_finds_exactly_what_a_substring_scan_finds(corpus):
    for query in QUERIES:
        assert found(query) == substring_scan(query), query
    # Not a comparison of empty lists: short terms and odd characters find rows of every kind.
    for query in ["s3", "a", "ka", "é", "_", '"', "-"]:
        assert any(found(query).values()), query
    assert all(found("a").values())


def test_whole_words_rank_before_starts_of_words_before_insides_over_every_match(tmp_path):
    (tmp_path / "secrets.md").write_text("---\ntype: service\n---\n# AWS Secrets Manager\n\nRotates secrets.\n")
    (tmp_path / "ecr.md").write_text("---\ntype: service\n---\n# Amazon ECR\n\nStores container images.\n")
    # More matches inside a word than a search used to rank (the first 200 found), imported first.
    rows = "".join(f"| Rotate secret number {n} | AWS Secrets Manager |\n" for n in range(250))
    (tmp_path / "cues.md").write_text(
        "# Cues\n\n| Question pattern | Answer |\n|---|---|\n" + rows
        + "| Scan images for vulnerabilities when pushed | Amazon ECR image scanning |\n"
        + "| Pull images from an ECR-compatible registry | Amazon ECR |\n")
    run_import(tmp_path)

    results = run_search("ECR")
    assert [s.name for s in results["services"]] == ["Amazon ECR", "AWS Secrets Manager"]
    assert [p.answer for p in results["patterns"][:2]] == ["Amazon ECR image scanning", "Amazon ECR"]
    assert len(results["patterns"]) == search.LIMIT
    # A word's start ranks between: "secret" starts "secrets" and is inside no word here.
    assert [p.prompt for p in run_search("rotat")["patterns"][:1]] == ["Rotate secret number 0"]
    for query in ["ecr", "secret", "ecr image", "images", "rotate secret", "er", "(s3)"]:
        assert found(query) == substring_scan(query), query


def test_a_misspelt_search_that_finds_nothing_suggests_the_closest_words(corpus, django_assert_num_queries):
    with django_assert_num_queries(5):  # the four kinds, then the words about as long as the terms
        results = run_search("kinesiss")
    assert results["total"] == 0 and results["suggestion"] == "kinesis"
    assert run_search("firehose kinesiss")["suggestion"] == "firehose kinesis"  # a known word stays
    assert run_search("KINESIS strems")["suggestion"] == "kinesis streams"
    assert run_search("kinesis")["suggestion"] == ""  # it finds something
    for nothing_close in ["zzzzzz", "kin", "s3 zzzz"]:
        assert run_search(nothing_close)["suggestion"] == "", nothing_close
    with django_assert_num_queries(4):  # nothing to correct: no fifth query
        assert run_search("qq")["suggestion"] == ""


def test_the_words_follow_the_notes(corpus):
    assert run_search("quokkas")["suggestion"] == ""
    (corpus / "wombat.md").write_text("# Wombat notes\n\nA quokka digs.\n")
    run_import(corpus)
    assert run_search("quokkka")["suggestion"] == "quokka"
    (corpus / "wombat.md").write_text("# Wombat notes\n\nA wombat digs.\n")
    run_import(corpus)
    assert run_search("quokkka")["suggestion"] == ""


def test_reimporting_edited_notes_keeps_the_index_in_step(corpus):
    note = corpus / "patterns.md"
    original = note.read_text()
    edited = original.replace('| "Replay data" |', '| "Replay quokka data" |')
    edited = "".join(line for line in edited.splitlines(keepends=True)
                     if "Near real-time delivery to S3" not in line)  # removed: retired
    note.write_text(edited)
    (corpus / "wombat.md").write_text("# Wombat notes\n\nA wombat digs.\n\n| Cue | Answer |\n|---|---|\n"
                                      "| Where the wombat sleeps | A burrow |\n")
    run_import(corpus)

    assert_index_in_step()
    assert QuestionPattern.objects.filter(prompt="Near real-time delivery to S3", retired_at__isnull=False).exists()
    assert [p.prompt for p in run_search("quokka")["patterns"]] == ["Replay quokka data"]
    assert run_search("real-time delivery")["patterns"] == []
    assert run_search("wombat")["total"] >= 2
    for query in QUERIES + ["quokka", "wombat", "near real"]:
        assert found(query) == substring_scan(query), query

    note.write_text(original)  # the removed pattern comes back, the edit goes
    (corpus / "wombat.md").unlink()
    run_import(corpus)
    assert_index_in_step()
    assert run_search("quokka")["total"] == 0
    assert [p.prompt for p in run_search("real-time delivery")["patterns"]] == ["Near real-time delivery to S3"]
    for query in QUERIES:
        assert found(query) == substring_scan(query), query


def test_an_import_that_fails_while_writing_leaves_the_index_as_it_was(corpus):
    before = {query: found(query) for query in QUERIES}
    (corpus / "wombat.md").write_text("# Wombat notes\n\nA wombat digs.\n")
    note = corpus / "patterns.md"
    note.write_text(note.read_text().replace('| "Replay data" |', '| "Replay quokka data" |') + "\nWombat cue → explode\n")
    with refused_insert("notes_questionpattern", "answer", "explode"):
        with pytest.raises(Exception, match="refused"):
            run_import(corpus)

    assert_index_in_step()
    assert run_search("wombat")["total"] == run_search("quokka")["total"] == 0
    assert {query: found(query) for query in QUERIES} == before


def test_the_index_check_notices_an_index_out_of_step(tmp_path):
    """The migration's FTS5 index and triggers on a scratch SQLite table, whichever database the
    suite runs on: writes keep the index in step, and FTS5's check notices an index that is not."""
    migration = importlib.import_module("studyapp.notes.migrations.0002_search_index")
    scratch = sqlite3.connect(tmp_path / "scratch.sqlite3")
    scratch.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, search_text TEXT)")
    for statement in migration.SQLITE:
        scratch.execute(statement.format(index="item_search", table="item"))
    scratch.executemany("INSERT INTO item (search_text) VALUES (?)", [("amazon kinesis",), ("aws glue",)])
    scratch.execute("UPDATE item SET search_text = 'amazon s3 bucket' WHERE id = 1")
    scratch.execute("DELETE FROM item WHERE id = 2")

    def check():
        scratch.execute("INSERT INTO item_search (item_search, rank) VALUES ('integrity-check', 1)")

    check()
    matches = "SELECT rowid FROM item_search WHERE item_search MATCH ?"
    assert scratch.execute(matches, ['"s3 buck"']).fetchall() == [(1,)]
    assert scratch.execute(matches, ['"kinesis"']).fetchall() == scratch.execute(matches, ['"glue"']).fetchall() == []
    scratch.execute("INSERT INTO item_search (rowid, search_text) VALUES (999, 'ghost')")
    with pytest.raises(sqlite3.DatabaseError, match="malformed"):
        check()


def test_the_migration_indexes_what_was_imported_before_it(corpus):
    expected = {query: found(query) for query in QUERIES}
    assert len(search_indexes()) == 4
    executor = MigrationExecutor(connection)
    executor.migrate([("notes", "0001_initial")])
    try:
        assert search_indexes() == set()
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())  # and whatever depended on it
    assert len(search_indexes()) == 4
    assert_index_in_step()
    assert {query: found(query) for query in QUERIES} == expected
    assert found("kinesis")["patterns"]


def index_pages() -> dict[str, list]:
    """Each FTS5 index's stored pages: its b-trees, each page keyed by its b-tree's id."""
    with connection.cursor() as cursor:
        pages = {}
        for index in INDEXES:
            cursor.execute(f"SELECT id, block FROM {index._meta.db_table}_data ORDER BY id")
            pages[index._meta.db_table] = cursor.fetchall()
        return pages


def write_corpus(folder, notes: int, cards: int) -> list:
    """The benchmark's generated notes, written to `folder`; returns their paths."""
    paths = []
    for note in corpus_notes.generate(notes=notes, cards=cards):
        paths.append(folder / note.path)
        paths[-1].parent.mkdir(parents=True, exist_ok=True)
        paths[-1].write_text(note.text)
    return paths


def test_an_import_that_writes_most_of_a_kind_leaves_its_index_merged(tmp_path):
    # Enough patterns for several INSERT statements, each of which adds a b-tree to the index.
    write_corpus(tmp_path, notes=30, cards=2 * bulk.ROWS_PER_INSERT + 300)
    run_import(tmp_path)
    assert QuestionPattern.objects.count() > 2 * bulk.ROWS_PER_INSERT
    if connection.vendor != "sqlite":
        return  # PostgreSQL's GIN indexes need no merging
    merged = index_pages()
    for index in INDEXES:
        index.compact()
    assert index_pages() == merged
    assert found("stream") == substring_scan("stream") and found("stream")["patterns"]


def test_a_small_reimport_leaves_the_merging_to_the_index(tmp_path, monkeypatch):
    notes = write_corpus(tmp_path, notes=30, cards=600)
    run_import(tmp_path)
    compacted = []
    for index in INDEXES:
        monkeypatch.setattr(index, "compact", classmethod(lambda cls: compacted.append(cls)))
    note = notes[5]
    note.write_text(note.read_text() + "| Where the quokka sleeps | [[Bench Service 00001]] | under a bush |\n")
    run_import(tmp_path)
    assert [p.prompt for p in run_search("quokka")["patterns"]] == ["Where the quokka sleeps"]
    assert compacted == []
    # Rewriting every note's patterns is a large share, and merges that index again.
    for path in tmp_path.rglob("*.md"):
        path.write_text(path.read_text().replace(" (", " wombat ("))
    run_import(tmp_path)
    expected = [QuestionPatternSearch] if connection.vendor == "sqlite" else []
    assert [index for index in compacted if index is QuestionPatternSearch] == expected


def test_rows_rewritten_with_the_same_text_are_no_reason_to_merge(tmp_path, monkeypatch):
    # Every section links a note that does not exist yet; once it does, every section's HTML
    # changes (the link resolves) but none of their text.
    for n in range(8):
        (tmp_path / f"topic-{n}.md").write_text(f"# Topic {n}\n\n## Where\n\nSee [[Quokka]] for topic {n}.\n")
    run_import(tmp_path)
    compacted = []
    for index in INDEXES:
        monkeypatch.setattr(index, "compact", classmethod(lambda cls: compacted.append(cls)))
    (tmp_path / "quokka.md").write_text("# Quokka\n\nA small marsupial.\n")
    run_import(tmp_path)
    assert NoteSection.objects.filter(html__contains='href="/notes/docs/quokka/"').count() == 8
    assert NoteSectionSearch not in compacted
