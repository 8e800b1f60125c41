"""An import, from the files to the question bank, as one reader can follow it.

1. The notes are read, parsed and rendered (studyapp.notes.sync.read_notes), outside any
   transaction: nothing is written yet, and a file that cannot be read is reported and skipped.
2. An import that will change something backs the whole database up, unless the database holds
   nothing an import could lose (`nothing_to_lose`). A preview takes no backup and keeps nothing.
3. The notes are written (studyapp.notes.sync.write_notes), then the cards built on them
   (studyapp.review.sync.sync_cards), then the exam questions built on the cards
   (studyapp.exams.sync.sync_questions), in one transaction, so that all of it applies or none of
   it does. On SQLite that transaction runs on a copy of the backup, and a second, short one
   applies its result to the live database (studyapp.ops.rehearsal), so that learners' answers
   do not wait for the building.
4. Last, in the live database's transaction, the learners' new-card floors are lowered, whose
   rows learners' own answers lock too, so that they are held for the end of the import only.
"""

import os
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from studyapp.exams.models import BankQuestion
from studyapp.exams.sync import sync_questions
from studyapp.notes.processes import process_exists
from studyapp.notes.progress import Callback
from studyapp.notes.reports import Report, totals
from studyapp.notes.sync import read_notes, write_notes
from studyapp.review.floors import lower_new_from
from studyapp.review.models import Card
from studyapp.review.sync import sync_cards

from .backup import create_backup, import_backup
from .rehearsal import (
    apply_rehearsal,
    attached,
    imported_models,
    one_import_at_a_time,
    rehearsable,
    rehearsal_database,
)


def import_notes(arguments, progress: Callback | None = None, now=None, names=None, preview=False) -> Report:
    """Import note files and folders. `names` lets an upload keep the names the user gave.
    `progress` hears of each phase (studyapp.notes.progress). A `preview` builds everything an
    import would and keeps none of it: its report says what the import would do."""
    now = now or timezone.now()
    reading = read_notes(arguments, progress=progress, names=names)
    report = reading.report

    def build():
        return _build(reading, now, progress, changed=bool(reading.changed))

    if preview:
        report.preview = True
        _preview(build)
    elif not reading.changed:
        with import_transaction():
            build()
    elif rehearsable():
        with one_import_at_a_time(), _rehearsal_source(report) as source:
            with rehearsal_database(source) as rehearsal:
                with import_transaction():
                    new_cards_from = build()
            with attached(rehearsal), import_transaction():
                apply_rehearsal(rehearsal)
                _lower_floors(new_cards_from)
    else:
        with one_import_at_a_time():
            if not nothing_to_lose():
                report.backup = str(import_backup().path)
            with import_transaction():
                _lower_floors(build())
    return report


def _build(reading, now, progress, changed: bool):
    """The notes, then the cards built on them, then the questions built on the cards; the place
    of the earliest new card, if any."""
    report = reading.report
    write_notes(reading, now, progress)
    cards = sync_cards(now, progress) if changed or not Card.objects.exists() else {}
    report.cards = {name: cards[name] for name in ("created", "changed", "retired", "merged") if name in cards}
    if changed or not BankQuestion.objects.exists():
        questions = sync_questions(now, progress)
        report.questions = {name: questions[name] for name in ("created", "changed", "retired")}
    _count_cards(reading.changed)
    # Counted here, in the import's transaction, so that a preview counts what it would leave.
    report.totals = totals()
    return cards.get("new_cards_from")


def _count_cards(items):
    """Each written note's active flashcards, beside its sections, tables and mappings."""
    per_source = dict(Card.objects.active().filter(source_id__in=[i.source_id for i in items])
                      .values_list("source_id").annotate(n=Count("pk")).values_list("source_id", "n"))
    for item in items:
        item.report.counts["cards"] = per_source.get(item.source_id, 0)


def _preview(build):
    """Build as an import would, then throw it all away: on a copy of the database where imports
    are rehearsed (so learners never wait for a preview), else in a transaction rolled back."""
    if not rehearsable():
        with import_transaction():
            build()
            transaction.set_rollback(True)
        return
    with _scratch_copy() as source:
        with rehearsal_database(source) as rehearsal, import_transaction():
            build()
        rehearsal.copy.unlink(missing_ok=True)


def nothing_to_lose() -> bool:
    """Whether the database is empty as far as an import goes: no row in any table an import
    writes (notes, cards, questions). Learners' history hangs on cards and questions, which are
    retired but never deleted, so a database with any history is never empty; accounts and
    settings are not an import's to change. A backup of it would bring back no notes at all, so a
    first import takes none."""
    return not any(model.objects.exists() for model in imported_models())


@contextmanager
def _rehearsal_source(report):
    """The database as it was, for the rehearsal to start from: the import's backup, or, when
    there is nothing to lose, a copy kept by no one."""
    if nothing_to_lose():
        with _scratch_copy() as source:
            yield source
        return
    backup = import_backup().path
    report.backup = str(backup)
    yield backup


@contextmanager
def _scratch_copy():
    """A copy of the live database that is deleted afterwards (not a backup: never kept or listed)."""
    folder = Path(settings.BACKUP_DIR)
    remove_stale_scratch_copies(folder)
    copy = create_backup(folder / f".scratch-{os.getpid()}-{uuid4().hex}.sqlite3").path
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def remove_stale_scratch_copies(folder: Path):
    """Those of processes that are gone (killed in the middle of a preview); previews run side by
    side, so a copy whose process still runs is left to it."""
    for stale in folder.glob(".scratch-*"):
        pid = stale.name.split("-")[1]
        if pid.isdigit() and not process_exists(int(pid)):
            stale.unlink(missing_ok=True)


def _lower_floors(new_cards_from):
    if new_cards_from is not None:
        lower_new_from(new_cards_from)


# Learners' requests give up on SQLite's write lock after a few seconds and are asked to try again
# (settings.SQLITE_OPTIONS); an import, which waits for their short transactions, waits longer.
IMPORT_LOCK_WAIT_MS = 120_000


@contextmanager
def import_transaction():
    """The import's one transaction, which waits longer for the write lock than requests do."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{IMPORT_LOCK_WAIT_MS}ms'")
            yield
        return
    # SQLite takes the lock as the transaction begins, so the connection waits longer from before then.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {IMPORT_LOCK_WAIT_MS}")
    try:
        with transaction.atomic():
            yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")


