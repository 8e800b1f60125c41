import time

from studyapp.notes.identity import Candidate, match


def c(primary, secondary=""):
    return Candidate(None, primary, secondary)


def test_it_pairs_identical_items_whatever_their_order():
    old = [c("Replay data", "KDS"), c("Archive", "Glacier")]
    new = [c("Archive", "Glacier"), c("Replay data", "KDS")]
    assert match(old, new) == {0: 1, 1: 0}


def test_it_keeps_identity_when_a_typo_is_fixed():
    assert match([c("Replay data from a strem", "KDS")], [c("Replay data from a stream", "KDS")]) == {0: 0}


def test_it_keeps_identity_when_only_the_answer_is_edited():
    assert match([c("Near real-time to S3", "Firehose")], [c("Near real-time to S3", "Amazon Data Firehose")]) == {0: 0}


def test_it_treats_a_different_cue_as_a_new_item():
    assert match([c("Replay data", "KDS")], [c("Archive data", "Glacier")]) == {}


def test_it_pairs_duplicates_one_to_one():
    assert match([c("Same", "x")], [c("Same", "x"), c("Same", "x")]) == {0: 0}


def test_thousands_of_items_edited_throughout_keep_their_identity_in_linear_time():
    """All pairs of 3,000 edited items would be 9 million comparisons (minutes); each is compared with the
    one whose body is the same, or those near its place, and still finds itself, rows added and
    removed elsewhere aside."""
    old = [c(f"Need number {n} of the big sheet", f"Service {n}") for n in range(3_000)]
    new = [c(f"Need number {n} of the big sheeet", f"Service {n}") for n in range(3_000)]
    new[5:5] = [c(f"A new need {n}", "New service") for n in range(20)]  # added near the top
    del new[2_000:2_010]  # removed further down
    started = time.perf_counter()
    pairs = match(old, new)
    assert time.perf_counter() - started < 60  # all pairs: hours
    assert len(pairs) == 3_000 - 10
    assert all(old[o].secondary == new[n].secondary for n, o in pairs.items())
    # Names and bodies both edited: compared with the items near each one's place.
    edited = [c(f"Need number {n} of the big sheeet", f"Service {n}!") for n in range(3_000)]
    started = time.perf_counter()
    pairs = match(old, edited)
    assert time.perf_counter() - started < 60
    assert pairs == {n: n for n in range(3_000)}


def test_a_renamed_heading_over_an_unchanged_body_is_found_far_from_its_place():
    body = "A section body long enough to say that it is the same section as before."
    old = [c(f"Heading {n}", f"Body {n} " * 10) for n in range(1_000)] + [c("Old name", body)]
    new = [c("New name", body)] + [c(f"Heading {n} edited!", f"Body {n} " * 10) for n in range(1_000)]
    pairs = match(old, new)
    assert pairs[0] == 1_000


def test_past_the_pair_budget_items_are_found_where_rows_added_above_them_moved_them():
    """Names edited throughout but every tenth row unchanged, answers repeated (many cues answer
    alike), rows added near the top and removed further down: each edited row still finds itself."""
    def row(n, typo):
        return c(f"Need number {n} of the big sheet" + ("e" if typo and n % 10 else ""), f"Service {n % 7}")

    old = [row(n, typo=False) for n in range(3_000)]
    new = [row(n, typo=True) for n in range(3_000)]
    new[5:5] = [c(f"A new need {n}", "New service") for n in range(20)]
    del new[2_000:2_010]
    pairs = match(old, new)
    assert len(pairs) == 3_000 - 10
    assert all(old[o].primary == new[n].primary.rstrip("e") for n, o in pairs.items())
