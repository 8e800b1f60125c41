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
