"""Card drafts from patterns and tables: pure, no database."""

from studyapp.review.cards import PatternItem, TableItem, pattern_cards, table_cards


def pattern(key, prompt, answer, domain=1, services=()):
    return PatternItem(key=key, prompt=prompt, answer=answer, explanation="why", group="Cues", source_id=7,
                       anchor="cues", exam_id=1, domain_ids=(domain,), service_ids=services)


def table(columns, rows, key="t1", title="S3 storage classes", cards=""):
    return TableItem(key=key, title=title, columns=columns, rows=rows, source_id=3, exam_id=1,
                     domain_ids=(2,), service_ids=(10,), cards=cards)


SERVICES = {"amazon s3": 10, "s3": 10, "amazon kinesis data streams": 11}


def services_named(text):
    """As the import's mention finder: the services whose names the text holds as words."""
    words = f" {text.strip().lower()} "
    return tuple(sorted({pk for name, pk in SERVICES.items() if f" {name} " in words or f" {name}-" in words}))


STORAGE = table(
    ["Storage class", "Minimum storage duration", "Retrieval"],
    [["S3 Standard", "None", "Milliseconds"],
     ["S3 Standard-IA", "30 days", "Milliseconds"],
     ["S3 Glacier Deep Archive", "180 days", "Within 12 hours"]],
)


def test_each_pattern_becomes_a_card_keyed_by_the_pattern():
    cards = pattern_cards([pattern("a1", "Replay records", "Kinesis Data Streams")], established=set()).drafts
    assert [(c.key, c.front, c.answer, c.kind) for c in cards] == [("a1", "Replay records", "Kinesis Data Streams", "pattern")]
    assert cards[0].pattern_key == "a1" and cards[0].anchor == "cues"


def test_the_same_cue_and_answer_twice_make_one_card_in_both_domains():
    cards = pattern_cards([
        pattern("a1", "Stop deletes for 7 years", "S3 Object Lock", domain=2, services=(10,)),
        pattern("b2", "Stop deletes for 7 years.", "S3 object lock", domain=4),
    ], established=set()).drafts
    assert len(cards) == 1
    assert cards[0].key == "a1" and cards[0].domain_ids == (2, 4) and cards[0].service_ids == (10,)


def test_of_duplicates_the_one_with_an_existing_card_keeps_it():
    items = [pattern("a1", "Stop deletes", "Object Lock"), pattern("b2", "Stop deletes", "Object Lock")]
    assert [c.key for c in pattern_cards(items, established={"b2"}).drafts] == ["b2"]


def test_near_duplicate_cues_with_one_answer_make_one_card_the_most_reviewed_one():
    items = [pattern("a1", "Remove cold-start delay for a latency-sensitive function", "Provisioned concurrency"),
             pattern("b2", "Remove cold-start latency for a latency-sensitive function", "Provisioned concurrency"),
             # The same words, another answer: another question.
             pattern("c3", "Remove cold-start latency for a latency-sensitive function", "SnapStart"),
             # One answer, another need.
             pattern("d4", "Cap how many copies of a function run at once", "Provisioned concurrency")]
    asked = []

    def reviews(keys):
        asked.append(sorted(keys))
        return {"b2": 4, "a1": 1}

    made = pattern_cards(items, established={"a1", "b2"}, review_counts=reviews)
    assert sorted(c.key for c in made.drafts) == ["b2", "c3", "d4"] and made.merged == 1
    assert asked == [["a1", "b2"]]  # only near-duplicates are looked up
    # With no reviews, the card that exists stays.
    assert sorted(c.key for c in pattern_cards(items, established={"a1"}).drafts) == ["a1", "c3", "d4"]


def test_a_table_cell_becomes_a_card_only_where_its_answer_is_unique_in_its_column():
    cards = {c.front: c.answer for c in table_cards(STORAGE, services_named)}
    assert cards == {
        "S3 Standard-IA: minimum storage duration?": "30 days",
        "S3 Glacier Deep Archive: minimum storage duration?": "180 days",
        "S3 storage classes: retrieval for S3 Glacier Deep Archive?": "Within 12 hours",
    }  # "None" answers nothing; "Milliseconds" is shared by two rows


def test_a_table_of_aspects_asks_about_the_things_in_its_columns():
    compared = table(["Aspect", "Amazon S3", "Amazon Kinesis Data Streams"],
                     [["Unit of storage", "Object", "Record"], ["Ordering", "No", "Yes"]])
    cards = table_cards(compared, services_named)
    assert {c.front: (c.answer, c.service_ids) for c in cards} == {
        "Amazon S3: unit of storage?": ("Object", (10,)),
        "Amazon Kinesis Data Streams: unit of storage?": ("Record", (11,)),
    }


def test_a_cell_card_key_survives_an_edited_answer_but_not_a_renamed_row():
    before = {c.front: c.key for c in table_cards(STORAGE, services_named)}
    edited = table(STORAGE.columns, [STORAGE.rows[0], STORAGE.rows[1], ["S3 Glacier Deep Archive", "180 days (6 months)", "Within 12 hours"]])
    after = {c.front: c.key for c in table_cards(edited, services_named)}
    assert after == before
    renamed = table(STORAGE.columns, [STORAGE.rows[0], STORAGE.rows[1], ["Deep Archive", "180 days", "Within 12 hours"]])
    assert before["S3 storage classes: retrieval for S3 Glacier Deep Archive?"] not in {c.key for c in table_cards(renamed, services_named)}


def test_cells_that_ask_nothing_clear_make_no_card():
    numbered = table(["Domain", "Name"], [["1", "Ingestion"], ["2", "Storage"]])
    assert table_cards(numbered, services_named) == []
    one_row = table(["Class", "Duration"], [["S3 Standard-IA", "30 days"]])
    assert table_cards(one_row, services_named) == []
    twice_named = table(["Class", "Duration"], [["IA", "30 days"], ["IA", "90 days"], ["Glacier", "90 days"]])
    assert table_cards(twice_named, services_named) == []
    giveaway = table(["Class", "Tier"], [["Glacier Flexible", "Glacier"], ["Standard", "Hot"]])
    assert [c.front for c in table_cards(giveaway, services_named)] == ["S3 storage classes: tier for Standard?"]


def test_judgments_scores_explanations_examples_and_case_studies_make_no_cards():
    modes = table(["Mode", "Cost", "Flexibility", "Score", "Why", "Billing"],
                  [["On-demand", "Higher", "Very high", "4", "No planning", "Per request"],
                   ["Provisioned", "Lower", "Medium: set capacity ahead", "3/5", "Steady load", "Per hour of capacity"],
                   ["Reserved", "Lowest", "Low", "2", "Committed use", "Upfront and hourly"]],
                  title="DynamoDB capacity modes")
    assert {c.front: c.answer for c in table_cards(modes, services_named)} == {
        "DynamoDB capacity modes: billing for On-demand?": "Per request",
        "DynamoDB capacity modes: billing for Provisioned?": "Per hour of capacity",
        "DynamoDB capacity modes: billing for Reserved?": "Upfront and hourly",
    }
    for title in ["Cost example for a retail peak", "Case study: a bank's archive", "Worked pricing"]:
        assert table_cards(table(STORAGE.columns, STORAGE.rows, title=title), services_named) == []
    # The note has the last word: a marked table makes no cards, or makes them from what looks
    # like an example.
    assert table_cards(table(STORAGE.columns, STORAGE.rows, cards="none"), services_named) == []
    example = table(STORAGE.columns, STORAGE.rows, title="Storage classes by example", cards="facts")
    assert len(table_cards(example, services_named)) == 3


def test_a_front_stands_alone_whatever_the_row_and_column_are_called():
    formats = table(["Format", "Good for", "Layout of the data on disk"],
                    [["Avro", "Streaming", "Rows, schema in the file"],
                     ["Parquet", "Analytics", "Columns in row groups"]], title="File formats")
    assert {c.front for c in table_cards(formats, services_named)} == {
        "File formats: what is Avro good for?", "File formats: what is Parquet good for?",
        "File formats: layout of the data on disk for Avro?", "File formats: layout of the data on disk for Parquet?"}
    # A row that names a service needs no title to say what it is about.
    classes = table(["Class", "Minimum storage duration"], [["S3 Standard-IA", "30 days"], ["S3 Glacier", "90 days"]])
    assert {c.front for c in table_cards(classes, services_named)} == {
        "S3 Standard-IA: minimum storage duration?", "S3 Glacier: minimum storage duration?"}


def test_pattern_tables_are_left_to_the_patterns():
    cues = table(["Question pattern", "Answer"], [["Replay", "KDS"], ["Deliver to S3", "Firehose"]])
    assert table_cards(cues, services_named) == []


def test_new_card_order_is_fixed_by_the_key_and_mixes_sources():
    cards = table_cards(STORAGE, services_named)
    assert [c.position for c in cards] == [c.position for c in table_cards(STORAGE, services_named)]
    assert len({c.position for c in cards}) == len(cards)


def test_a_rows_why_column_explains_its_cards():
    transfer = table(["Situation", "Best fit", "Why"],
                     [["Petabytes and no network", "AWS Snowball Edge", "The data travels on a device"],
                      ["Ongoing sync from on premises", "AWS DataSync", "An agent copies changes on a schedule"]],
                     title="Choosing a transfer service")
    explained = {c.answer: c.explanation for c in table_cards(transfer, services_named)}
    assert explained == {"AWS Snowball Edge": "The data travels on a device",
                         "AWS DataSync": "An agent copies changes on a schedule"}


def test_a_cell_that_runs_to_a_sentence_makes_no_card_unless_it_holds_a_figure():
    replay = table(["Service", "How replay works", "Retention"],
                   [["Amazon S3", "Objects remain until deleted, so files can be processed again", "Until deleted"],
                    ["Amazon Kinesis Data Streams", "Consumers read again from any retained sequence number",
                     "24 hours by default, up to 365 days if the stream's retention is raised"]],
                   title="Replay by service")
    assert {c.answer for c in table_cards(replay, services_named)} == {
        "Until deleted", "24 hours by default, up to 365 days if the stream's retention is raised"}
