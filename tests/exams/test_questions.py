"""The question generator, pure: facts in, questions out, the same for the same seed."""

import time

from studyapp.exams.questions import Bank, Fact, ScenarioItem, ServiceInfo, TableFacts, another_service_reason, domain_shares
from studyapp.review.cards import TableItem, table_cards

SERVICES = [
    ServiceInfo(1, "Amazon Kinesis Data Streams", ("KDS", "Kinesis Data Streams"), "Streaming", "Ordered, replayable streams"),
    ServiceInfo(2, "Amazon Data Firehose", ("Firehose", "Kinesis Data Firehose"), "Streaming", "Delivery with no code"),
    ServiceInfo(3, "Amazon MSK", ("MSK",), "Streaming", "Managed Apache Kafka"),
    ServiceInfo(4, "Amazon SQS", ("SQS",), "Messaging", "Queues"),
    ServiceInfo(5, "Amazon Managed Service for Apache Flink", ("Flink",), "Streaming", "Stateful stream processing"),
]


def fact(key, prompt, answer, family="list:1:streams", domains=(1,)):
    return Fact(key=key, prompt=prompt, answer=answer, explanation=f"Because {answer}", family=family,
                domain_ids=domains, source_url=f"/notes/docs/streams/#{key}")


STREAMS = [
    fact("a", "Replay records from the last day", "Amazon Kinesis Data Streams"),
    fact("b", "Deliver to S3 with no code", "Amazon Data Firehose"),
    fact("c", "Run existing Kafka clients unchanged", "Amazon MSK"),
    fact("d", "Decouple producers from consumers with a queue", "Amazon SQS"),
]


def test_a_question_has_one_right_answer_and_three_of_the_same_kind():
    bank = Bank(STREAMS, SERVICES)
    question = bank.single(STREAMS[0], seed=1)
    assert question.stem == "Replay records from the last day" and question.instruction == "Choose one."
    assert [o.text for o in question.options if o.correct] == ["Amazon Kinesis Data Streams"]
    # The list's streaming services, then the catalogue's, before the list's queue service.
    assert {o.text for o in question.options if not o.correct} == {
        "Amazon Data Firehose", "Amazon MSK", "Amazon Managed Service for Apache Flink"}
    assert question.source_url == "/notes/docs/streams/#a" and question.card_keys == ("a",)
    right = next(o for o in question.options if o.correct)
    assert right.explanation == "Because Amazon Kinesis Data Streams"
    firehose = next(o for o in question.options if o.text == "Amazon Data Firehose")
    assert firehose.explanation == ("That is the answer for another need: “Deliver to S3 with no code”. "
                                    "Because Amazon Data Firehose")
    assert bank.ambiguities(question) == [] and bank.off_kind(question) == []


def test_wrong_options_are_of_the_answers_kind_or_the_question_is_not_made():
    limits = [fact("t1", "Kinesis Data Streams default retention", "24 hours", family="list:2:limits"),
              fact("t2", "SQS longest retention", "14 days", family="list:2:limits"),
              fact("t3", "Lambda longest run", "15 minutes", family="list:2:limits"),
              fact("t4", "Aurora failover", "Under 30 seconds", family="list:2:limits"),
              fact("s1", "Largest SQS message", "256 KiB", family="list:2:limits"),
              fact("s2", "Largest DynamoDB item", "400 KB", family="list:2:limits"),
              fact("p1", "Replay a stream", "Amazon Kinesis Data Streams", family="list:2:limits")]
    bank = Bank(limits, SERVICES)
    question = bank.single(limits[0], seed=4)
    assert {o.text for o in question.options if not o.correct} == {"14 days", "15 minutes", "Under 30 seconds"}
    assert bank.off_kind(question) == []
    # Two sizes and a service are not three sizes: no question rather than a giveaway.
    assert bank.single(limits[4], seed=4) is None
    assert bank.kind_of("400 KB") == "size" and bank.kind_of("1 MB/s") == "rate"
    assert bank.kind_of("S3 Glacier Deep Archive") == "storage class" and bank.kind_of("Apache Parquet") == "format"
    assert bank.kind_of("CDCLatencySource") == "identifier" and bank.kind_of("KDS") == "service"


def test_synonyms_from_the_notes_are_never_offered_as_wrong():
    shards = [fact("a", "Kinesis ordering scope", "Per shard", family="list:3:scope"),
              fact("b", "Kafka ordering scope", "Per partition", family="list:3:scope"),
              fact("c", "SQS FIFO ordering scope", "Per message group", family="list:3:scope"),
              fact("d", "DynamoDB Streams ordering scope", "Per item", family="list:3:scope"),
              fact("e", "Firehose ordering scope", "None guaranteed", family="list:3:scope")]
    plain = Bank(shards, SERVICES)
    assert plain.same_answer("Per shard", "Per partition") is False
    bank = Bank(shards, SERVICES, synonyms=[["per shard", "per partition"], ["MB", "MiB", "megabytes"]])
    assert bank.same_answer("Per shard", "per partition") and bank.same_answer("1 MB/s", "1 MiB/s")
    for seed in range(10):
        question = bank.single(shards[0], seed=seed)
        assert "Per partition" not in {o.text for o in question.options}
        assert bank.ambiguities(question) == []


def test_generation_is_the_same_for_the_same_seed_and_varies_with_it():
    bank = Bank(STREAMS + [fact("e", "Stateful windows over a stream", "Amazon Managed Service for Apache Flink")], SERVICES)
    assert bank.single(STREAMS[1], seed=7) == bank.single(STREAMS[1], seed=7)
    orders = {tuple(o.text for o in bank.single(STREAMS[1], seed=s).options) for s in range(20)}
    assert len(orders) > 5


def test_when_the_list_runs_short_services_of_the_same_category_fill_in():
    short = [fact("a", "Replay records", "Amazon Kinesis Data Streams"), fact("b", "Deliver to S3", "Amazon Data Firehose")]
    question = Bank(short, SERVICES).single(short[0], seed=3)
    wrong = {o.text for o in question.options if not o.correct}
    assert wrong == {"Amazon Data Firehose", "Amazon MSK", "Amazon Managed Service for Apache Flink"}
    assert "Amazon SQS" not in wrong  # a messaging service is not the same kind as a streaming one
    flink = next(o for o in question.options if o.text.endswith("Flink"))
    assert flink.explanation == "Another streaming service, for another job: Stateful stream processing."


def test_a_wrong_option_is_never_also_right():
    facts = STREAMS + [
        fact("e", "Replay records from the last day", "Amazon MSK", family="list:2:other"),  # same cue, another answer
        fact("f", "Ship logs with no code", "Kinesis Data Firehose"),  # an alias of Firehose
        fact("g", "Deliver files to S3 with no code", "Firehose delivery to S3"),  # Firehose written another way
    ]
    bank = Bank(facts, SERVICES)
    wrong = {o.text for o in bank.distractors(facts[0])}
    assert "Amazon MSK" not in wrong
    deliver = bank.distractors(facts[1])
    assert not any("Firehose" in o.text for o in deliver)
    assert bank.same_answer("KDS", "Amazon Kinesis Data Streams") and bank.same_answer("Amazon S3", "S3")


def test_a_fact_without_three_good_wrong_options_makes_no_question():
    lonely = [fact("a", "Scope of Kafka ordering", "Per partition", family="list:9:kafka")]
    bank = Bank(lonely, SERVICES)
    assert bank.single(lonely[0], seed=1) is None
    assert bank.lacking_distractors() == lonely


def test_two_answers_for_one_cue_make_a_choose_two_question():
    facts = STREAMS + [fact("e", "Replay records from the last day", "Amazon MSK", family="list:1:streams")]
    bank = Bank(facts, SERVICES)
    [question] = bank.multiple_from_cues(seed=2)
    assert question.kind == "multiple" and question.instruction == "Choose TWO." and len(question.options) == 5
    assert {o.text for o in question.options if o.correct} == {"Amazon Kinesis Data Streams", "Amazon MSK"}
    assert bank.ambiguities(question) == []


STORAGE = TableFacts(
    key="t1", title="S3 storage classes", subjects=("Standard", "Standard-IA", "One Zone-IA", "Glacier Instant", "Deep Archive"),
    aspects=("Retrieval", "Minimum duration"),
    cells=(("Milliseconds", "None"), ("Milliseconds", "30 days"), ("Seconds", "30 days"),
           ("Minutes", "90 days"), ("Hours", "180 days")),
    domain_ids=(2,), source_url="/notes/tables/t1/",
)


def test_a_table_where_exactly_two_share_a_value_makes_a_choose_two_question():
    bank = Bank([], SERVICES, tables=[STORAGE])
    questions = {q.stem: q for q in bank.multiple_from_tables(seed=1)}
    assert set(questions) == {"S3 storage classes. Retrieval: which TWO have “Milliseconds”?",
                              "S3 storage classes. Minimum duration: which TWO have “30 days”?"}
    question = questions["S3 storage classes. Retrieval: which TWO have “Milliseconds”?"]
    assert {o.text for o in question.options if o.correct} == {"Standard", "Standard-IA"}
    hours = next(o for o in question.options if o.text == "Deep Archive")
    assert hours.explanation == "Deep Archive: Retrieval — Hours."
    assert bank.ambiguities(question) == []


def test_the_ambiguity_check_catches_a_question_built_wrongly():
    bank = Bank(STREAMS, SERVICES, tables=[STORAGE])
    good = bank.single(STREAMS[0], seed=1)
    bad_options = tuple(o if o.correct else type(o)(text="KDS", correct=False, explanation="") for o in good.options)
    assert bank.ambiguities(type(good)(**{**good.__dict__, "options": bad_options}))
    table_question = bank.multiple_from_tables(seed=1)[0]
    flipped = tuple(type(o)(o.text, not o.correct, o.explanation) for o in table_question.options)
    assert bank.ambiguities(type(table_question)(**{**table_question.__dict__, "options": flipped}))


def test_a_scenario_keeps_its_options_and_their_explanations():
    item = ScenarioItem("s1", "Partner files", "Partners send files over SFTP...", (
        ("AWS Transfer Family", True, "a managed SFTP endpoint"), ("Amazon Kinesis Data Streams", False, "no SFTP"),
        ("Amazon AppFlow", False, "SaaS sources only"), ("SFTP on EC2", False, "servers to run"),
    ), (1,), "/notes/docs/scenarios/")
    question = Bank([], SERVICES, [item]).scenario(item, seed=4)
    assert question.kind == "scenario" and question.choose == 1
    assert sorted((o.text, o.correct, o.explanation) for o in question.options) == sorted(item.options)


def test_a_full_exam_is_split_by_domain_weight():
    assert domain_shares(65, {1: 34, 2: 26, 3: 22, 4: 18}) == {1: 22, 2: 17, 3: 14, 4: 12}
    assert domain_shares(10, {1: 34, 2: 26, 3: 22, 4: 18}) == {1: 3, 2: 3, 3: 2, 4: 2}
    assert sum(domain_shares(33, {1: 34, 2: 26, 3: 22, 4: 18}).values()) == 33


# Linear in the bank ---------------------------------------------------------------------------
# A note may hold ten thousand mappings in one list or a table of thousands of rows. Each bound
# below is many times what linear work takes and far less than the quadratic work it replaced
# (a shuffle of the whole list for each of its questions: minutes): it catches that, it is not a
# speed target.
QUADRATIC_WOULD_TAKE_MINUTES = 15.0


def timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def test_ten_thousand_mappings_in_one_list_make_their_questions_in_linear_time():
    facts = [fact(f"k{n}", f"Need number {n} of the catalogue", f"Pick {n}", family="list:1:quick")
             for n in range(10_000)]
    bank = Bank(facts, SERVICES)
    questions, seconds = timed(lambda: bank.all_questions(seed=0))
    assert seconds < QUADRATIC_WOULD_TAKE_MINUTES
    assert len(questions) == 10_000 and all(len(q.options) == 4 for q in questions)
    assert not any(bank.ambiguities(q) for q in questions[:500])


def test_a_list_whose_answers_are_nearly_all_the_same_is_not_read_whole_for_each_question():
    facts = [fact(f"k{n}", f"Store object number {n}", "Amazon S3", family="list:1:same") for n in range(5_000)]
    facts += [fact("x", "Stream it", "Amazon Kinesis Data Streams", family="list:1:same")]
    bank = Bank(facts, SERVICES)
    questions, seconds = timed(lambda: bank.all_questions(seed=0))
    assert seconds < QUADRATIC_WOULD_TAKE_MINUTES
    assert not any(bank.ambiguities(q) for q in questions)


def test_a_table_of_thousands_of_rows_makes_cards_and_questions_in_linear_time():
    rows = [[f"Thing {n}", f"{n} days", "Shared" if n < 2 else f"Tier {n}"] for n in range(5_000)]
    table = TableFacts("big", "Things", tuple(r[0] for r in rows), ("Retention", "Tier"),
                       tuple((r[1], r[2]) for r in rows), (1,), "/notes/tables/big/")
    bank = Bank([], SERVICES, tables=[table])
    questions, seconds = timed(lambda: bank.multiple_from_tables(seed=0))
    assert seconds < QUADRATIC_WOULD_TAKE_MINUTES
    assert [q.stem for q in questions] == ["Things. Tier: which TWO have “Shared”?"]
    item = TableItem("big", "Things", ["Thing", "Retention", "Tier"], rows, None, None, (), ())
    cards, seconds = timed(lambda: table_cards(item, lambda text: ()))
    assert seconds < QUADRATIC_WOULD_TAKE_MINUTES and len(cards) == 2 * 5_000 - 2


def test_one_cue_given_thousands_of_answers_makes_no_choose_two_question_in_linear_time():
    facts = [fact(f"k{n}", "The same cue everywhere", f"Service answer {n}", family="list:1:one-cue")
             for n in range(10_000)]
    bank = Bank(facts, SERVICES)
    questions, seconds = timed(lambda: bank.multiple_from_cues(seed=0))
    assert seconds < QUADRATIC_WOULD_TAKE_MINUTES and questions == []


def test_a_cue_repeated_under_thousands_of_headings_makes_no_question_and_takes_linear_time():
    facts = []
    for group in range(5_000):
        facts += [fact(f"x{group}", "The same cue everywhere", f"Ans {group}", family=f"list:1:g{group}")]
        facts += [fact(f"o{group}-{n}", f"Other need {group}-{n}", f"Alt {group}-{n}", family=f"list:1:g{group}")
                  for n in range(3)]
    bank = Bank(facts, SERVICES)
    questions, seconds = timed(lambda: bank.all_questions(seed=0))
    assert seconds < QUADRATIC_WOULD_TAKE_MINUTES
    assert not any(q.stem == "The same cue everywhere" for q in questions)
    assert len(questions) == 3 * 5_000


def test_wrong_options_are_no_version_of_the_answer_nor_named_in_the_question_nor_cells():
    fixes = [fact("r", "A nightly job missed a window of source records", "Replay the missed window",
                  family="list:4:fixes"),
             fact("d", "Plan pipelines so that any day can be run again", "Design for replayability",
                  family="list:4:fixes"),
             fact("i", "Writes repeated by retries must not double count", "Idempotent writes", family="list:4:fixes"),
             fact("c", "Late records must land in the right day", "Event-time partitioning", family="list:4:fixes"),
             fact("q", "Malformed records must not stop the job", "Dead-letter queue", family="list:4:fixes"),
             fact("b", "Back up Amazon EFS and Amazon EBS volumes on one schedule", "AWS Backup",
                  family="list:4:backup"),
             fact("e", "Shared POSIX file system for many instances", "Amazon EFS", family="list:4:backup"),
             fact("v", "Block storage for one instance", "Amazon EBS", family="list:4:backup"),
             fact("l", "Snapshots of EBS volumes on a schedule, nothing else", "Amazon Data Lifecycle Manager",
                  family="list:4:backup")]
    services = SERVICES + [ServiceInfo(n, name, (), "Storage", "") for n, name in
                           [(6, "AWS Backup"), (7, "Amazon EFS"), (8, "Amazon EBS"), (9, "Amazon Data Lifecycle Manager")]]
    bank = Bank(fixes, services)
    for seed in range(20):
        replay = bank.single(fixes[0], seed=seed)
        assert "Design for replayability" not in {o.text for o in replay.options}
        assert bank.single(fixes[5], seed=seed) is None  # EFS and EBS are named in its question
    cell = Fact(key="t", prompt="S3 storage classes: retrieval for S3 Standard?", answer="Milliseconds",
                explanation="", family="column:t1:retrieval", domain_ids=(1,), source_url="")
    assert Bank([cell], SERVICES).single(cell, seed=1) is None

    cited = ServiceInfo(10, "Amazon Macie", (), "Security", "Amazon Macie finds sensitive data in S3 (002:409-410). "
                                                           "The seeds name it for PII.")
    assert another_service_reason(cited, "Security") == ("Another security service, for another job: "
                                                   "Amazon Macie finds sensitive data in S3.")


def test_wrong_options_come_from_the_same_topic_first_and_a_service_is_no_phrase():
    ops = [fact("a", "Run a Lambda function when a Glue job run fails", "EventBridge rule on the job state change",
                family="list:5:ops"),
           fact("b", "Retry a Glue job run that failed on a transient error", "The job's maximum retries",
                family="list:5:ops"),
           fact("c", "Stop a Glue job run that hangs for hours", "The job timeout", family="list:5:ops"),
           fact("d", "Resume a Glue job run from the data it already processed", "Job bookmarks", family="list:5:ops"),
           fact("e", "Review changes to pipeline code before they reach production", "Pull requests",
                family="list:5:ops"),
           fact("f", "Scan less data in an Athena query", "Name only the needed columns", family="list:5:ops"),
           fact("g", "Deliver records to S3 with no code", "Amazon Data Firehose", family="list:5:ops")]
    bank = Bank(ops, SERVICES)
    for seed in range(10):
        wrong = {o.text for o in bank.single(ops[0], seed=seed).options if not o.correct}
        assert wrong == {"The job's maximum retries", "The job timeout", "Job bookmarks"}
    assert bank.kind_of("Amazon Data Firehose") == "service" and bank.kind_of("KDS enhanced fan-out") == "feature"
    # A service is offered services (its category's), never the list's phrases.
    firehose = bank.single(ops[6], seed=1)
    assert {bank.kind_of(o.text) for o in firehose.options} == {"service"}
