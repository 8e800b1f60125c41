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
    from studyapp.ops import importing
    from studyapp.review.models import Card

    build_questions = importing.sync_questions

    def die(now, progress=None):
        build_questions(now, progress)
        # What the open transaction has written, as only it can see it: proof that the kill
        # lands in the middle of a write, not before it.
        Path(marker).write_text(json.dumps({
            "patterns": sorted(QuestionPattern.objects.active().values_list("prompt", flat=True)),
            "cards": sorted(Card.objects.active().values_list("front", flat=True)),
        }))
        os.kill(os.getpid(), signal.SIGKILL)

    # The import's last writing step, so that the notes, cards and questions are all written.
    importing.sync_questions = die
    importing.import_notes(list(paths))
    sys.exit("the import finished without building its questions")


if __name__ == "__main__":
    main(*sys.argv[1:])
