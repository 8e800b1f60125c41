"""An import, from the files to the question bank, as one reader can follow it.

1. The notes are read, parsed and rendered (studyapp.notes.sync.read_notes), outside any
   transaction: nothing is written yet, and a file that cannot be read is reported and skipped.
2. An import that will change something backs the whole database up.
3. The notes are written (studyapp.notes.sync.write_notes), then the cards built on them
   (studyapp.review.sync.sync_cards), then the exam questions built on the cards
   (studyapp.exams.sync.sync_questions), in one transaction, so that all of it applies or none of
   it does. On SQLite that transaction runs on a copy of the backup, and a second, short one
   applies its result to the live database (studyapp.ops.rehearsal), so that learners' answers
   do not wait for the building.
4. Last, in the live database's transaction, the learners' new-card floors are lowered, whose
   rows learners' own answers lock too, so that they are held for the end of the import only.
"""

from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from studyapp.exams.models import BankQuestion
from studyapp.exams.sync import sync_questions
from studyapp.notes.reports import Report, totals
from studyapp.notes.sync import read_notes, write_notes
from studyapp.review.models import Card
from studyapp.review.floors import lower_new_from
from studyapp.review.sync import sync_cards

from .backup import import_backup
from .rehearsal import apply_rehearsal, attached, one_import_at_a_time, rehearsable, rehearsal_database


def import_notes(arguments, progress=None, now=None, names=None) -> Report:
    """Import note files and folders. `names` lets an upload keep the names the user gave."""
    now = now or timezone.now()
    reading = read_notes(arguments, progress=progress, names=names)
    if not reading.changed:
        with import_transaction():
            _build(reading, now, changed=False)
    elif rehearsable():
        with one_import_at_a_time():
            # Only an import that will write is backed up, so re-importing unchanged notes costs no disk.
            backup = import_backup().path
            reading.report.backup = str(backup)
            with rehearsal_database(backup) as rehearsal:
                with import_transaction():
                    new_cards_from = _build(reading, now, changed=True)
            with attached(rehearsal), import_transaction():
                apply_rehearsal(rehearsal)
                _lower_floors(new_cards_from)
    else:
        reading.report.backup = str(import_backup().path)
        with import_transaction():
            _lower_floors(_build(reading, now, changed=True))
    reading.report.totals = totals()
    return reading.report


def _build(reading, now, changed: bool):
    """The notes, then the cards built on them, then the questions built on the cards; the place
    of the earliest new card, if any."""
    write_notes(reading, now)
    cards = sync_cards(now) if changed or not Card.objects.exists() else {}
    reading.report.cards = {name: cards[name] for name in ("created", "changed", "retired", "merged") if name in cards}
    if changed or not BankQuestion.objects.exists():
        questions = sync_questions(now)
        reading.report.questions = {name: questions[name] for name in ("created", "changed", "retired")}
    return cards.get("new_cards_from")


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


