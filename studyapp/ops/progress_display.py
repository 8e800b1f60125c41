"""Where `manage.py import_notes` shows its one progress bar: on the terminal, or to the upload page."""

import logging
import sys
import time

from studyapp.notes.progress import ImportProgress

logger = logging.getLogger(__name__)

# The page polls once a second; recording more often than this would only cost the import time.
RECORD_EVERY_SECONDS = 0.25


class TerminalBar:
    """One bar on stderr for the whole import, in percent, with the phase named and its units."""

    def __init__(self, file=None):
        from tqdm import tqdm

        self.bar = tqdm(total=100, unit="%", file=file or sys.stderr, leave=False,
                        bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

    def show(self, progress: ImportProgress):
        self.bar.set_description_str(progress.title, refresh=False)
        self.bar.set_postfix_str(f"{progress.done}/{progress.total} {progress.units} {progress.label[-40:]}",
                                 refresh=False)
        self.bar.n = progress.percent
        self.bar.refresh()

    def close(self):
        self.bar.close()


class ProgressRecorder:
    """Records an upload's progress for its page: every new phase, and otherwise a few times a second."""

    def __init__(self, run, clock=time.monotonic):
        self.run, self.clock = run, clock
        self.phase, self.last = None, float("-inf")

    def record(self, progress: ImportProgress):
        now = self.clock()
        if self.run is None or (progress.phase == self.phase and now - self.last < RECORD_EVERY_SECONDS):
            return
        try:
            self.run.record_progress(progress)
        except OSError:
            # The page loses its bar (it says it is waiting), never the import its work.
            logger.exception("the progress of import %s cannot be recorded", self.run.pk)
            self.run = None
            return
        self.phase, self.last = progress.phase, now
