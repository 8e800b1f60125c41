"""On SQLite, an import is rehearsed on a copy of the database, and only its result is applied.

SQLite lets one connection write at a time, and every learner's answer is a write. Writing a large
note and building its cards and questions takes seconds; done in the live database, every answer
would wait that long. So the import runs whole on a copy of the backup it has just taken, and the
live database's one transaction copies over only the rows the rehearsal changed, a few statements
per table: the import still applies whole or not at all, and the write lock is held briefly.
PostgreSQL locks rows, not the database, so there (and inside a caller's transaction, which a
copy could not see) an import builds in place.

Two things keep the copy's result right for the live database: only an import writes the tables
it owns (a guard fails the rehearsal if it writes any other), and imports take turns (a lock file
beside the database), so those tables are still as the copy found them when the result is applied.
"""

import fcntl
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection

from studyapp.notes.models import SEARCH_INDEXES, analyze_searchable


def rehearsable() -> bool:
    return connection.vendor == "sqlite" and not connection.in_atomic_block


def imported_models() -> list:
    """The models an import writes, and nothing else does (the admin shows them read-only or,
    for exams and services, edits that the next import of their note replaces)."""
    notes = [m for m in apps.get_app_config("notes").get_models(include_auto_created=True)
             if m._meta.managed and m._meta.model_name != "importrun"]
    card = apps.get_model("review", "Card")
    return notes + [card, card.domains.through, card.services.through, apps.get_model("exams", "BankQuestion")]


# PostgreSQL names advisory locks by number: any fixed one, the same in every process.
IMPORT_LOCK_KEY = 22_0001


@contextmanager
def one_import_at_a_time():
    """Imports that change notes take turns: on SQLite by a file lock beside the database, on
    PostgreSQL by an advisory lock of the session."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
        return
    # Named like SQLite's own -wal and -shm files beside the database.
    lock_path = Path(f"{connection.settings_dict['NAME']}-import-lock")
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


@dataclass
class Rehearsal:
    copy: Path
    # The search indexes the import merged (SearchIndex.compact), to be merged on the live database too.
    compacted: list = field(default_factory=list)


@contextmanager
def rehearsal_database(backup: Path):
    """The default connection, pointed at a copy of `backup` for the duration."""
    for stale in backup.parent.glob(".rehearsal-*"):  # left by an import that was killed
        stale.unlink()
    rehearsal = Rehearsal(backup.with_name(f".rehearsal-{backup.name}"))
    shutil.copyfile(backup, rehearsal.copy)
    live = connection.settings_dict
    connection.close()
    # A copy of the settings, not a change to them: other threads' connections share that dict.
    connection.settings_dict = {**live, "NAME": str(rehearsal.copy)}
    try:
        with connection.execute_wrapper(_watch_writes(rehearsal)):
            yield rehearsal
    except BaseException:
        connection.close()
        rehearsal.copy.unlink(missing_ok=True)
        raise
    finally:
        connection.close()
        connection.settings_dict = live


WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.IGNORECASE)


def _watch_writes(rehearsal: Rehearsal):
    owned = {m._meta.db_table for m in imported_models()}
    indexes = {index._meta.db_table: index for index in SEARCH_INDEXES.values()}

    def watch(execute, sql, params, many, context):
        if match := WRITE.match(sql):
            if match[1] in indexes:
                if indexes[match[1]] not in rehearsal.compacted:
                    rehearsal.compacted.append(indexes[match[1]])
            elif match[1] not in owned:
                raise RuntimeError(f"an import wrote {match[1]}, which it does not own: the rehearsal on a copy "
                                   f"would lose that write (studyapp.ops.rehearsal)")
        return execute(sql, params, many, context)

    return watch


@contextmanager
def attached(rehearsal: Rehearsal):
    """The rehearsed copy, readable as `rehearsal.<table>` on the live connection (attached
    outside any transaction, as SQLite requires)."""
    with connection.cursor() as cursor:
        cursor.execute("ATTACH DATABASE %s AS rehearsal", [str(rehearsal.copy)])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DETACH DATABASE rehearsal")
        rehearsal.copy.unlink(missing_ok=True)


def apply_rehearsal(rehearsal: Rehearsal) -> None:
    """Make the live tables an import owns equal to the attached rehearsal's, row by row: rows it
    dropped are deleted, and rows it added or changed are written, so that the search index's
    triggers and the foreign keys see ordinary writes. Hand-written SQL, because copying between
    two attached databases in a few statements is what keeps the write lock short."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in imported_models():
            table = quote(model._meta.db_table)
            pk = quote(model._meta.pk.column)
            columns = [quote(f.column) for f in model._meta.local_concrete_fields]
            listed = ", ".join(columns)
            cursor.execute(f"DELETE FROM main.{table} WHERE {pk} NOT IN (SELECT {pk} FROM rehearsal.{table})")
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != pk)
            cursor.execute(
                f"INSERT INTO main.{table} ({listed}) "
                f"SELECT * FROM (SELECT {listed} FROM rehearsal.{table} EXCEPT SELECT {listed} FROM main.{table}) "
                f"WHERE true ON CONFLICT ({pk}) DO UPDATE SET {updates}")
    for index in rehearsal.compacted:
        index.compact()
    analyze_searchable()  # the planner's measures are not rows: the live database takes its own
