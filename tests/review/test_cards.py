"""Card drafts from patterns and tables: pure, no database."""

from studyapp.review.cards import PatternItem, TableItem, pattern_cards, table_cards


def pattern(key, prompt, answer, domain=1, services=()):
    return PatternItem(key=key, prompt=prompt, answer=answer, explanation="why", group="Cues", source_id=7,
                       anchor="cues", exam_id=1, domain_ids=(domain,), service_ids=services)


def table(columns, rows, key="t1"):
    return TableItem(key=key, title="S3 storage classes", columns=columns, rows=rows, source_id=3, exam_id=1,
                     domain_ids=(2,), service_ids=(10,))


SERVICES = {"amazon s3": 10, "amazon kinesis data streams": 11}


def services_named(text):
    found = SERVICES.get(text.strip().lower())
    return (found,) if found else ()


STORAGE = table(
    ["Storage class", "Minimum storage duration", "Retrieval"],
    [["S3 Standard", "None", "Milliseconds"],
     ["S3 Standard-IA", "30 days", "Milliseconds"],
     ["S3 Glacier Deep Archive", "180 days", "Within 12 hours"]],
)


def test_each_pattern_becomes_a_card_keyed_by_the_pattern():
    cards = pattern_cards([pattern("a1", "Replay records", "Kinesis Data Streams")], established=set())
    assert [(c.key, c.front, c.answer, c.kind) for c in cards] == [("a1", "Replay records", "Kinesis Data Streams", "pattern")]
    assert cards[0].pattern_key == "a1" and cards[0].anchor == "cues"


def test_the_same_cue_and_answer_twice_make_one_card_in_both_domains():
    cards = pattern_cards([
        pattern("a1", "Stop deletes for 7 years", "S3 Object Lock", domain=2, services=(10,)),
        pattern("b2", "Stop deletes for 7 years.", "S3 object lock", domain=4),
    ], established=set())
    assert len(cards) == 1
    assert cards[0].key == "a1" and cards[0].domain_ids == (2, 4) and cards[0].service_ids == (10,)


def test_of_duplicates_the_one_with_an_existing_card_keeps_it():
    items = [pattern("a1", "Stop deletes", "Object Lock"), pattern("b2", "Stop deletes", "Object Lock")]
    assert [c.key for c in pattern_cards(items, established={"b2"})] == ["b2"]


def test_a_table_cell_becomes_a_card_only_where_its_answer_is_unique_in_its_column():
    cards = {c.front: c.answer for c in table_cards(STORAGE, services_named)}
    assert cards == {
        "S3 Standard-IA: Minimum storage duration?": "30 days",
        "S3 Glacier Deep Archive: Minimum storage duration?": "180 days",
        "S3 Glacier Deep Archive: Retrieval?": "Within 12 hours",
    }  # "None" answers nothing; "Milliseconds" is shared by two rows


def test_a_table_of_aspects_asks_about_the_things_in_its_columns():
    compared = table(["Aspect", "Amazon S3", "Amazon Kinesis Data Streams"],
                     [["Unit of storage", "Object", "Record"], ["Ordering", "No", "Yes"]])
    cards = table_cards(compared, services_named)
    assert {c.front: (c.answer, c.service_ids) for c in cards} == {
        "Amazon S3: Unit of storage?": ("Object", (10,)),
        "Amazon Kinesis Data Streams: Unit of storage?": ("Record", (11,)),
    }


def test_a_cell_card_key_survives_an_edited_answer_but_not_a_renamed_row():
    before = {c.front: c.key for c in table_cards(STORAGE, services_named)}
    edited = table(STORAGE.columns, [STORAGE.rows[0], STORAGE.rows[1], ["S3 Glacier Deep Archive", "180 days (6 months)", "Within 12 hours"]])
    after = {c.front: c.key for c in table_cards(edited, services_named)}
    assert after == before
    renamed = table(STORAGE.columns, [STORAGE.rows[0], STORAGE.rows[1], ["Deep Archive", "180 days", "Within 12 hours"]])
    assert before["S3 Glacier Deep Archive: Retrieval?"] not in {c.key for c in table_cards(renamed, services_named)}


def test_cells_that_ask_nothing_clear_make_no_card():
    numbered = table(["Domain", "Name"], [["1", "Ingestion"], ["2", "Storage"]])
    assert table_cards(numbered, services_named) == []
    one_row = table(["Class", "Duration"], [["S3 Standard-IA", "30 days"]])
    assert table_cards(one_row, services_named) == []
    twice_named = table(["Class", "Duration"], [["IA", "30 days"], ["IA", "90 days"], ["Glacier", "90 days"]])
    assert table_cards(twice_named, services_named) == []
    giveaway = table(["Class", "Tier"], [["Glacier Flexible", "Glacier"], ["Standard", "Hot"]])
    assert [c.front for c in table_cards(giveaway, services_named)] == ["Standard: Tier?"]


def test_pattern_tables_are_left_to_the_patterns():
    cues = table(["Question pattern", "Answer"], [["Replay", "KDS"], ["Deliver to S3", "Firehose"]])
    assert table_cards(cues, services_named) == []


def test_new_card_order_is_fixed_by_the_key_and_mixes_sources():
    cards = table_cards(STORAGE, services_named)
    assert [c.position for c in cards] == [c.position for c in table_cards(STORAGE, services_named)]
    assert len({c.position for c in cards}) == len(cards)
