"""The words of search, pure: what names a row, and the closest word to a misspelt term."""

from studyapp.notes import words


def test_what_names_a_row_is_its_words_with_a_space_either_side():
    assert words.naming("Amazon ECR", "Elastic Container Registry") == " amazon ecr elastic container registry "
    assert words.naming("SSE-S3 (keys) → S3", "") == " sse s3 keys s3 "
    assert words.ranked_words("sse-s3") == "sse s3" and words.ranked_words("→") == ""


def test_a_misspelt_term_becomes_the_closest_word_and_of_equals_the_most_common():
    candidates = ["stream", "streams", "steam", "kinesis", "kinase"]  # the most common first
    assert words.suggestion(["kinesiss"], candidates) == "kinesis"
    assert words.suggestion(["strem"], candidates) == "stream"
    # Two words as close as each other: the one listed first, the more common.
    assert words.closest("kinesix", ["kinesiz", "kinesis"]) == "kinesiz"
    assert words.closest("kinesix", ["kinesis", "kinesiz"]) == "kinesis"
    assert words.suggestion(["kinesis", "strems"], candidates) == "kinesis streams"
    assert words.suggestion(["kinesis"], candidates) == ""  # a known word is no misspelling


def test_short_terms_and_terms_of_no_letters_are_left_alone():
    candidates = ["glue", "blue", "kinesis"]
    assert words.suggestion(["glu"], candidates) == ""  # under MIN_TERM: too close to too much
    assert words.suggestion(["s3", "2.1", "kinesis"], candidates) == ""
    assert words.lengths(["s3", "kin"]) is None
    assert words.lengths(["kinesiss", "glue"]) == (2, 10)


def test_nothing_close_enough_suggests_nothing():
    assert words.closest("zebra", ["stream", "kinesis", "glue"]) is None
    assert words.closest("kinesiss", ["kinesis"]) == "kinesis"
    assert words.closest("kinesiss", ["kin"]) is None  # too short to be what was meant
