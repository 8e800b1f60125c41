"""Look-alike names: the skeleton two names share when one can be taken for the other. Pure."""

from studyapp.notes.lookalike import lookalike_letters, skeleton


def test_greek_and_cyrillic_letters_drawn_like_latin_ones_share_the_latin_names_skeleton():
    assert skeleton("\u0391mazon S3") == skeleton("Amazon S3")  # Greek capital alpha
    assert skeleton("Amazon \u0405\u0417") == skeleton("Amazon S3")  # Cyrillic dze and ze
    assert skeleton("AWS Gl\u0443e") != skeleton("AWS Glue")  # у is drawn like y, not u


def test_compatibility_forms_and_invisible_characters_fold_away():
    assert skeleton("Amazon \uff33\uff13") == skeleton("Amazon S3")  # fullwidth
    assert skeleton("Ama\u200dzon S3") == skeleton("Amazon S3")  # a zero-width joiner


def test_different_names_keep_different_skeletons():
    assert skeleton("Amazon S3 Glacier") != skeleton("Amazon S3")
    assert skeleton("Amazon EMR") != skeleton("Amazon EMP")


def test_the_letters_that_make_a_name_look_alike_are_named():
    assert lookalike_letters("\u0391mazon S\u200b3") == ["Α (U+0391 GREEK CAPITAL LETTER ALPHA)",
                                                       "\u200b (U+200B ZERO WIDTH SPACE)"]
    assert lookalike_letters("Amazon S3") == []
