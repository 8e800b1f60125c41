from django.dispatch import Signal

# Sent inside an import's transaction once its notes are written: `now`, `changed` (False when
# every file was unchanged) and `outcome`, a dict the receivers share. Apps that build on the
# notes (review cards, then exam questions) listen.
notes_imported = Signal()

# Sent next, just before the transaction commits, with the same `outcome`. Writes to rows that
# learners' own requests also lock (their new-card floors) wait until here, so that those rows
# are held for the end of the import only, not for all of it.
notes_import_ending = Signal()
