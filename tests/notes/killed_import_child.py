"""Run by test_killed_import in a child process: `python killed_import_child.py MARKER NOTES...`.

Imports the notes against the database in DATABASE_URL and kills itself with SIGKILL inside the
import's transaction, once the notes, cards and questions are written but not committed.
"""

import json
import os
import signal
import sys
from pathlib import Path

import django


def main(marker, *paths):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
    django.setup()
    from studyapp.notes.models import QuestionPattern
    from studyapp.notes.signals import notes_imported
    from studyapp.notes.sync import import_notes
    from studyapp.review.models import Card

    def die(sender, **kwargs):
        # What the open transaction has written, as only it can see it: proof that the kill
        # lands in the middle of a write, not before it.
        Path(marker).write_text(json.dumps({
            "patterns": sorted(QuestionPattern.objects.active().values_list("prompt", flat=True)),
            "cards": sorted(Card.objects.active().values_list("front", flat=True)),
        }))
        os.kill(os.getpid(), signal.SIGKILL)

    # Connected after the review and exams apps' receivers, so their writes are in too.
    notes_imported.connect(die, weak=False)
    import_notes(list(paths))
    sys.exit("the import finished without sending notes_imported")


if __name__ == "__main__":
    main(*sys.argv[1:])
