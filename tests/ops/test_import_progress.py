"""An import reports every phase to its one progress bar, on the terminal and to the upload page."""

import io

import pytest

from studyapp.notes.models import ImportRun
from studyapp.notes.progress import ORDER, ImportProgress
from studyapp.ops.importing import import_notes
from studyapp.ops.progress_display import RECORD_EVERY_SECONDS, ProgressRecorder, TerminalBar

from tests.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)


def heard_during(*arguments, **options):
    heard = []
    import_notes(*arguments, progress=lambda *event: heard.append(ImportProgress(*event)), now=NOW, **options)
    return heard


def test_a_first_import_reports_each_phase_in_order_from_none_done_to_all(notes):
    heard = heard_during([str(notes)])

    assert list(dict.fromkeys(p.phase for p in heard)) == ORDER
    for phase in ORDER:
        counts = [(p.done, p.total) for p in heard if p.phase == phase]
        total = counts[0][1]
        assert total > 0 and counts[0] == (0, total) and counts[-1] == (total, total)
        assert [done for done, _ in counts] == list(range(total + 1))
    reading = [p for p in heard if p.phase == "reading"]
    assert reading[-1].total == len(list(notes.rglob("*.md")))
    assert {p.label for p in reading[1:]} == {f"{path}" for path in map(str, notes.rglob("*.md"))}
    fractions = [p.fraction for p in heard]
    assert fractions == sorted(fractions) and fractions[-1] == 1


def test_reimporting_unchanged_notes_renders_nothing_and_builds_nothing(notes):
    import_notes([str(notes)], now=NOW)
    heard = heard_during([str(notes)])
    assert [(p.done, p.total) for p in heard if p.phase == "rendering"] == [(0, 0)]
    assert {p.phase for p in heard} == {"reading", "rendering", "writing"}


def test_the_terminal_shows_one_bar_with_the_phase_and_its_units():
    out = io.StringIO()
    bar = TerminalBar(file=out)
    bar.show(ImportProgress("writing", 2, 8, "sections"))
    bar.close()
    shown = out.getvalue()
    assert "Writing the notes" in shown and "2/8 steps sections" in shown
    assert f"{ImportProgress('writing', 2, 8).percent:3d}%" in shown


def test_the_upload_page_hears_each_new_phase_and_a_few_records_a_second(settings, tmp_path, alice):
    settings.MEDIA_ROOT = tmp_path
    run = ImportRun.objects.create(started_by=alice, status="running")
    run.folder.mkdir(parents=True)
    now = [100.0]
    recorder = ProgressRecorder(run, clock=lambda: now[0])

    def recorded():
        return ImportRun.objects.get(pk=run.pk).progress

    recorder.record(ImportProgress("reading", 1, 9))
    recorder.record(ImportProgress("reading", 2, 9))
    assert recorded() == ImportProgress("reading", 1, 9)
    now[0] += RECORD_EVERY_SECONDS
    recorder.record(ImportProgress("reading", 3, 9))
    assert recorded() == ImportProgress("reading", 3, 9)
    recorder.record(ImportProgress("rendering", 0, 4))
    assert recorded() == ImportProgress("rendering", 0, 4)


def test_progress_that_cannot_be_recorded_costs_the_page_its_bar_not_the_import(settings, tmp_path, alice):
    settings.MEDIA_ROOT = tmp_path
    run = ImportRun.objects.create(started_by=alice, status="running")  # its folder was never made
    recorder = ProgressRecorder(run)
    recorder.record(ImportProgress("reading", 1, 9))
    recorder.record(ImportProgress("rendering", 0, 4))
    assert ImportRun.objects.get(pk=run.pk).progress is None
