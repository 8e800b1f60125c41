"""The trie pattern finds what an alternation sorted longest first finds."""

import re

from studyapp.notes.names import any_of

NAMES = ["Amazon S3", "Amazon S3 Glacier", "S3", "AWS Glue", "AWS Glue DataBrew", "Glue", "Amazon EMR", "EMR Serverless"]


def _finder(pattern):
    return re.compile(r"(?<![\w-])(" + pattern + r")(?![\w-])")


def test_it_prefers_the_longest_name_that_ends_at_a_word_boundary():
    text = "Amazon S3 Glacier, Amazon S3-compatible, AWS Glue DataBrewery, AWS Glue DataBrew and EMR Serverless."
    found = [m.group(1) for m in _finder(any_of(NAMES)).finditer(text)]
    assert found == ["Amazon S3 Glacier", "AWS Glue", "AWS Glue DataBrew", "EMR Serverless"]


def test_it_matches_exactly_what_the_sorted_alternation_matches():
    alternation = "|".join(map(re.escape, sorted(NAMES, key=len, reverse=True)))
    text = " ".join(["S3 Glacier Amazon S3 Glacier Glue AWS Glue-DataBrew Amazon EMR Serverless EMR Serverless"] * 3)
    assert ([m.group(1) for m in _finder(any_of(NAMES)).finditer(text)]
            == [m.group(1) for m in _finder(alternation).finditer(text)])


def test_no_names_make_no_pattern():
    assert any_of([]) == ""
