"""One progress bar over the whole import: each phase's units done of units total, in order."""

from studyapp.notes.progress import ORDER, PHASES, ImportProgress, Phase


def test_the_bar_runs_from_nothing_to_all_through_the_phases_in_order():
    steps = [ImportProgress(phase, done, 4) for phase in ORDER for done in range(5)]
    fractions = [step.fraction for step in steps]
    assert fractions[0] == 0 and fractions[-1] == 1
    assert fractions == sorted(fractions)
    # Each phase starts where the one before ended.
    assert ImportProgress("writing", 0, 8).fraction == ImportProgress("rendering", 3, 3).fraction


def test_a_phase_takes_its_share_of_the_bar():
    assert sum(share for _, _, share in PHASES.values()) == 100
    reading = PHASES["reading"][2]
    assert ImportProgress("reading", 1, 2).percent == reading // 2
    assert ImportProgress("rendering", 0, 10).percent == reading


def test_a_phase_with_nothing_to_do_or_counted_past_its_total_stays_in_its_share():
    assert ImportProgress("cards", 0, 0).fraction == ImportProgress("cards", 0, 4).fraction
    assert ImportProgress("cards", 9, 4).fraction == ImportProgress("questions", 0, 3).fraction


def test_a_record_reads_back_and_a_damaged_one_is_none():
    progress = ImportProgress("rendering", 3, 7, "notes/s3.md")
    assert ImportProgress.from_dict(progress.as_dict()) == progress
    assert ImportProgress.from_dict({"phase": "sleeping", "done": 1, "total": 2}) is None
    assert ImportProgress.from_dict({"phase": "reading", "done": "many", "total": 2}) is None
    assert ImportProgress.from_dict({"done": 1}) is None


def test_a_phase_reports_its_start_and_each_unit():
    heard = []
    phase = Phase(lambda *event: heard.append(event), "writing", 2)
    phase.advance("files")
    phase.advance("services")
    assert heard == [("writing", 0, 2, ""), ("writing", 1, 2, "files"), ("writing", 2, 2, "services")]
    Phase(None, "writing", 2).advance()  # no one listening
