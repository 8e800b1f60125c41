"""Citations lifted out of a section's Markdown before it is rendered: pure, no database."""

from studyapp.notes.citations import Citation, Library, grouped, lift, lift_all

LIBRARY = Library.from_meta([{
    "source_documents": {"002": "Path to DEA-C01", "003": "Section 2: Ingestion", "9": "not an id"},
    "documentation_pages": {"Amazon SQS quotas": "https://docs.aws.amazon.com/sqs-quotas.html",
                            "Somewhere else": "https://example.com/page"},
}])


def test_the_library_keeps_three_digit_ids_and_aws_documentation_addresses_only():
    assert LIBRARY.documents == {"002": "Path to DEA-C01", "003": "Section 2: Ingestion"}
    assert LIBRARY.pages == {"Amazon SQS quotas": "https://docs.aws.amazon.com/sqs-quotas.html"}


def test_codes_in_parentheses_leave_the_text_and_become_citations():
    text, found = lift("Data is copied to three zones (002:37). Retention (003:172, 002:55) is a day.", LIBRARY)
    assert text == "Data is copied to three zones. Retention is a day."
    assert found == [Citation("Path to DEA-C01", "", "002:37"), Citation("Section 2: Ingestion", "", "003:172"),
                     Citation("Path to DEA-C01", "", "002:55")]


def test_a_code_in_a_sentence_gives_way_to_the_documents_title():
    text, _ = lift("- 002:443 says retention is 7 days at most.", LIBRARY)
    assert text == "- *Path to DEA-C01* says retention is 7 days at most."


def test_a_source_line_and_a_source_column_leave_the_text():
    markdown = ("| Cue | Answer | Source |\n|---|---|---|\n| Replay | [KDS](wikilink:KDS) | 002:28-46 |\n\n"
                "Source: 003:172, AWS documentation (Amazon SQS quotas)\n")
    text, found = lift(markdown, LIBRARY)
    assert text == "| Cue | Answer |\n| --- | --- |\n| Replay | [KDS](wikilink:KDS) |\n\n"
    assert grouped(found) == [
        {"label": "Path to DEA-C01", "url": "", "where": ["002:28-46"], "kind": "document"},
        {"label": "Section 2: Ingestion", "url": "", "where": ["003:172"], "kind": "document"},
        {"label": "Amazon SQS quotas", "url": "https://docs.aws.amazon.com/sqs-quotas.html", "where": [],
         "kind": "documentation"},
    ]


def test_words_beside_a_citation_in_parentheses_stay():
    text, _ = lift("Fan-out (002:1279-1335, [Fan-in and fan-out](wikilink:Fan-in and fan-out)).", LIBRARY)
    assert text == "Fan-out ([Fan-in and fan-out](wikilink:Fan-in and fan-out))."
    text, found = lift("Quotas apply (see AWS documentation (k-Nearest Neighbor (k-NN) search)).", LIBRARY)
    assert text == "Quotas apply." and found == [Citation("k-Nearest Neighbor (k-NN) search")]


def test_code_times_and_unknown_ids_are_left_alone():
    markdown = "At 12:30 run `002:37` and 004:5.\n```\n(002:37)\n```"
    assert lift(markdown, LIBRARY) == (markdown, [])


def test_a_notes_sources_are_named_each_once_per_place():
    found = lift_all("003:169-188, 003:281, AWS documentation (Amazon SQS quotas), 001:3", LIBRARY)
    assert grouped(found) == [
        {"label": "Section 2: Ingestion", "url": "", "where": ["003:169-188", "003:281"], "kind": "document"},
        {"label": "Amazon SQS quotas", "url": "https://docs.aws.amazon.com/sqs-quotas.html", "where": [],
         "kind": "documentation"},
    ]
