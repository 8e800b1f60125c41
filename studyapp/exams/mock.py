"""Mock exams: drawing the questions, holding the clock, scoring, and feeding the schedule."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache

from django.db import connection, transaction

from studyapp.notes.bulk import insert_rows, parameter_limit
from studyapp.notes.models import Domain, Exam
from studyapp.review.models import Card, ReviewState, StudySettings
from studyapp.review.session import record_exam_answers

from .models import Attempt, AttemptQuestion, BankQuestion
from .questions import domain_shares

# Questions seen in an attempt this recently are drawn only when nothing fresher is left.
RECENT = timedelta(days=14)
# The draw samples this many questions of the bank for each one it needs.
SAMPLE = 8
WEAK_SAMPLE = 2
PASS_FRACTION = 0.70  # the share of right answers this estimate puts at the 720 pass line


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    fraction: float  # of the exam's questions and minutes

    def size(self, exam: Exam) -> tuple[int, int]:
        count = exam.question_count or 65
        minutes = exam.minutes or 130
        if self.name == "quick":
            return 10, max(round(minutes * 10 / count), 5)
        return max(round(count * self.fraction), 1), max(round(minutes * self.fraction), 1)


PRESETS = {
    "full": Preset("full", "Full exam", 1.0),
    "half": Preset("half", "Half exam", 0.5),
    "quick": Preset("quick", "Quick quiz", 0.0),
}


class ExamClosed(Exception):
    """The attempt is finished, or its time is up: answers are no longer taken."""


def start(user, exam: Exam, preset: str, now: datetime, count: int, minutes: int,
          domains: list[Domain] | None = None, seed: int | None = None, only_keys: list[str] | None = None,
          retake_of: Attempt | None = None) -> Attempt:
    seed = seed if seed is not None else random.SystemRandom().randrange(2**62)
    keys = only_keys or draw(user, exam, count, domains or list(exam.domains.active()), now, seed)
    bank = _bank_questions(keys)
    rng = random.Random(seed)
    with transaction.atomic(savepoint=False):  # often inside the caller's, which rolls back as a whole
        attempt = Attempt.objects.create(
            user=user, exam=exam, preset=preset, seed=seed, minutes=minutes, started_at=now,
            deadline=now + timedelta(minutes=minutes), total=len(keys), retake_of=retake_of,
        )
        rows = []
        for position, key in enumerate(keys, start=1):
            kind, stem, context, options, card_keys, source_url, domain_id = bank[key]
            options = list(options)  # the bank's own list, were a key drawn twice
            rng.shuffle(options)  # a fresh order each attempt, so positions are not learnt by heart
            rows.append((attempt.pk, user.pk, position, key, kind, stem, context, options,
                         sum(o["correct"] for o in options), card_keys, source_url, domain_id, [], False))
        # Plain values, not 65 model instances: the ORM's per-field work cost more than the insert.
        insert_rows(AttemptQuestion, QUESTION_COLUMNS, rows)
    return attempt


QUESTION_COLUMNS = ["attempt_id", "user_id", "position", "bank_key", "kind", "stem", "context", "options", "choose",
                    "card_keys", "source_url", "domain_id", "chosen", "flagged"]
# What an attempt copies of each question it draws, beside the key.
COPIED = ["kind", "stem", "context", "options", "card_keys", "source_url", "domain_id"]


def _bank_questions(keys: list[str]) -> dict[str, list]:
    """The drawn questions' copied fields by key, read as plain values (JSON decoded as the fields do)."""
    if not keys:
        return {}
    fields = [BankQuestion._meta.get_field(name) for name in COPIED]
    decoders = [getattr(f, "from_db_value", None) for f in fields]
    names = _names(connection.vendor)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names['key']}, {columns} FROM {names['bank']} "
                       f"WHERE {names['key']} IN ({_placeholders(len(keys))})", keys)
        return {key: [value if decode is None else decode(value, None, connection)
                      for value, decode in zip(values, decoders)] for key, *values in cursor.fetchall()}


def draw(user, exam: Exam, count: int, domains: list[Domain], now: datetime, seed: int) -> list[str]:
    """Question keys by domain weight: weak cards first, then questions not seen lately, shuffled by seed.

    A bank can hold a hundred thousand questions, so the draw does not read them all: it reads the
    learner's weakest cards' questions, and a seeded random sample of the bank several times the
    size of the exam, which leaves enough to skip the questions seen in the last two weeks. A
    domain for which the sample holds too few of those is read whole, a probe per question (tens
    of milliseconds for a domain of tens of thousands): only a learner who has seen most of a
    domain in two weeks, or a domain far smaller than its share of the bank, costs that.
    """
    rng = random.Random(seed)
    shares = domain_shares(count, {d.pk: float(d.weight) for d in domains})
    with connection.cursor() as cursor:
        cursor.execute(_bounds_sql(connection.vendor))
        last_card, low, high = cursor.fetchone()
        # Weak cards from a seeded point of the learner's (user, card) index on, wrapping round:
        # a window read in index order, not a sort of every weak card.
        start = rng.randint(0, last_card or 0)
        domain_ids = list(shares) or [None]
        # As many ids as the statement can carry beside its other parameters: SQLite before 3.32
        # takes 999 in all, fewer than a 130-question exam's sample.
        wanted = min(count * SAMPLE, parameter_limit() - 2 * len(domain_ids) - DRAW_PARAMETERS)
        picks = []
        whole_bank = low is None or high - low < wanted
        if low is not None:
            picks = list(range(low, high + 1) if whole_bank else {rng.randint(low, high) for _ in range(wanted)})
            # Always as many as wanted, repeats changing nothing, so that one statement serves every draw.
            picks += picks[:1] * (wanted - len(picks))
        window = count * WEAK_SAMPLE
        weak_params = [user.pk, exam.pk, *domain_ids]
        lately = _seen_params(user, now)
        cursor.execute(_draw_sql(connection.vendor, len(domain_ids), len(picks)), [
            *lately, *weak_params, start, window, *lately, *weak_params, start, window, *lately, *picks])
        rows = cursor.fetchall()
    # The bank is searched by key or primary key alone, through their indexes, and the rest is
    # checked here: given the exam and domains as well, SQLite would scan the exam's index instead.
    parts: tuple[list, list, list] = ([], [], [])
    for part, key, domain_id, exam_id, retired_at, seen, _ in rows:
        if exam_id == exam.pk and domain_id in shares and retired_at is None:
            parts[part].append((key, domain_id, bool(seen)))
    weak, wrapped, sample = parts
    if len(weak) < window:  # wrapping round
        weak += wrapped
    rng.shuffle(weak)
    rng.shuffle(sample)
    drawn_weak = {key for key, _, _ in weak}
    others = [item for item in sample if item[0] not in drawn_weak]
    # A domain is read whole when its weak questions and the sample's questions not seen lately
    # fall short of its share (a small domain, or a learner who has seen much of it lately),
    # unless the sample already held the whole bank.
    usable = Counter(domain_id for _, domain_id, _ in weak)
    usable.update(domain_id for _, domain_id, seen in others if not seen)
    short = [domain_id for domain_id, share in shares.items() if usable[domain_id] < share]
    if short and not whole_bank:
        whole = [item for item in _domain_questions(user, exam, short, now) if item[0] not in drawn_weak]
        rng.shuffle(whole)
        others = [item for item in others if item[1] not in short] + whole
    # Weak cards first, seen lately or not; then the others, the questions not seen lately first.
    ranked = [(key, domain_id) for key, domain_id, _ in weak] + [
        (key, domain_id) for key, domain_id, _ in sorted(others, key=lambda item: item[2])]
    by_domain: dict[int, dict[str, None]] = {}
    for key, domain_id in ranked:
        by_domain.setdefault(domain_id, {})[key] = None  # an ordered set
    chosen = []
    for domain_id, share in shares.items():
        chosen.extend(list(by_domain.get(domain_id, {}))[:share])
    if len(chosen) < count:  # a domain ran short: fill from the others (any read whole too), best ranked first
        taken = set(chosen)
        rest = [key for key, _ in ranked if key not in taken]
        chosen.extend(list(dict.fromkeys(rest))[:count - len(chosen)])
    rng.shuffle(chosen)
    return chosen


def draw_scenarios(user, exam: Exam, count: int, domains: list[Domain], now: datetime, seed: int) -> list[str]:
    """Scenario items only, by domain weight, those not seen in the last two weeks first.

    Scenario items are written by hand, hundreds not a hundred thousand, so they are read whole.
    """
    rng = random.Random(seed)
    shares = domain_shares(count, {d.pk: float(d.weight) for d in domains})
    items = list(BankQuestion.objects.filter(exam=exam, kind=BankQuestion.Kind.SCENARIO, retired_at__isnull=True,
                                             domain__in=list(shares)).values_list("key", "domain_id"))
    seen = set(AttemptQuestion.objects.filter(user=user, attempt__started_at__gte=now - RECENT,
                                              bank_key__in=[key for key, _ in items])
               .values_list("bank_key", flat=True))
    rng.shuffle(items)
    items.sort(key=lambda item: item[0] in seen)  # stable: the shuffle holds within each group
    chosen = []
    for domain_id, share in shares.items():
        chosen.extend([key for key, domain in items if domain == domain_id][:share])
    if len(chosen) < count:  # a domain ran short: the others fill in, fresh ones first
        taken = set(chosen)
        chosen.extend([key for key, _ in items if key not in taken][:count - len(chosen)])
    rng.shuffle(chosen)
    return chosen


# The draw's reads, written once per database vendor (and list length): built by the ORM, its
# five or six statements took longer to compile than to run. Two statements now: the id bounds,
# then the learner's weak cards' questions (from the seeded point on, and wrapping round) with the
# sample's; and a third only when a domain is read whole.
_BOUNDS = "SELECT (SELECT MAX({id}) FROM {card}), (SELECT MIN({id}) FROM {bank}), (SELECT MAX({id}) FROM {bank})"

# Only the weak cards of this exam's chosen domains that are still in use: with the others left
# out here, and weak questions not skipped for being recent, a window of a few more than the exam
# needs is enough.
_WEAK_KEYS = """
    SELECT c.{key} FROM {state} s JOIN {card} c ON c.{id} = s.{card_id}
    WHERE s.{user_id} = %s AND (s.{lapses} > 0 OR s.{difficulty} >= 7) AND c.{exam_id} = %s AND c.{retired_at} IS NULL
      AND EXISTS (SELECT 1 FROM {card_domains} cd WHERE cd.{card_id} = s.{card_id} AND cd.{domain_id} IN ({domains}))
      AND s.{card_id} {compare} %s
    ORDER BY s.{card_id} LIMIT %s
"""

# Whether the learner saw a question lately is a probe of their own attempts' questions, the same
# few hundred probes however many exams came before.
_QUESTIONS = """
    SELECT {part}, b.{key}, b.{domain_id}, b.{exam_id}, b.{retired_at},
        EXISTS (SELECT 1 FROM {asked} q JOIN {attempt} a ON a.{id} = q.{attempt_id}
                WHERE q.{user_id} = %s AND q.{bank_key} = b.{key} AND a.{started_at} >= %s),
        b.{id}
    FROM {bank} b WHERE {where}
"""


# The draw statement's parameters besides the sampled ids and the domains (twice): three times
# the recency probe's two, and each weak window's learner, exam, starting card and size.
DRAW_PARAMETERS = 3 * 2 + 2 * 4


def _seen_params(user, now: datetime) -> list:
    return [user.pk, connection.ops.adapt_datetimefield_value(now - RECENT)]


def _domain_questions(user, exam: Exam, domain_ids: list[int], now: datetime) -> list[tuple[str, int, bool]]:
    """Every active question of the exam's domains, as (key, domain id, seen lately), in bank order:
    found by exam and domain, through the bank's (exam, domain, retired_at) index."""
    names = _names(connection.vendor)
    where = (f"b.{names['exam_id']} = %s AND b.{names['domain_id']} IN ({_placeholders(len(domain_ids))}) "
             f"AND b.{names['retired_at']} IS NULL")
    with connection.cursor() as cursor:
        cursor.execute(_QUESTIONS.format(part=0, where=where, **names) + " ORDER BY 7",
                       [*_seen_params(user, now), exam.pk, *domain_ids])
        return [(key, domain_id, bool(seen)) for _, key, domain_id, _, _, seen, _ in cursor.fetchall()]


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


@cache
def _names(vendor: str) -> dict:
    quote = connection.ops.quote_name
    tables = {"card": Card, "state": ReviewState, "bank": BankQuestion, "asked": AttemptQuestion, "attempt": Attempt,
              "card_domains": Card.domains.through}
    columns = ["id", "key", "user_id", "card_id", "lapses", "difficulty", "exam_id", "retired_at", "domain_id",
               "attempt_id", "bank_key", "started_at"]
    return {**{name: quote(model._meta.db_table) for name, model in tables.items()},
            **{column: quote(column) for column in columns}}


@cache
def _bounds_sql(vendor: str) -> str:
    return _BOUNDS.format(**_names(vendor))


@lru_cache(maxsize=64)
def _draw_sql(vendor: str, domains: int, picks: int) -> str:
    names = _names(vendor)

    def weak(compare: str) -> str:
        return _WEAK_KEYS.format(compare=compare, domains=_placeholders(domains), **names)

    parts = [
        _QUESTIONS.format(part=0, where=f"b.{names['key']} IN ({weak('>=')})", **names),
        _QUESTIONS.format(part=1, where=f"b.{names['key']} IN ({weak('<')})", **names),
        _QUESTIONS.format(part=2, where=f"b.{names['id']} IN ({_placeholders(picks) or 'NULL'})", **names),
    ]
    # In a fixed order, so that the seeded shuffles that follow give the same draw on every database.
    return " UNION ALL ".join(parts) + " ORDER BY 1, 7"


def answer(attempt: Attempt, question: AttemptQuestion, chosen: list[int], now: datetime):
    """Save the options chosen, as they are clicked; a one-answer question keeps the last."""
    valid = sorted({i for i in chosen if 0 <= i < len(question.options)})
    with transaction.atomic():
        _hold_open(attempt, now)
        question.chosen = valid[-1:] if question.choose == 1 else valid
        question.answered_at = now
        question.save(update_fields=["chosen", "answered_at"])


def flag(attempt: Attempt, question: AttemptQuestion, now: datetime):
    with transaction.atomic():
        _hold_open(attempt, now)
        # Toggled from the value under the lock: two quick clicks flag and unflag.
        question.refresh_from_db(fields=["flagged"])
        question.flagged = not question.flagged
        question.save(update_fields=["flagged"])


def _hold_open(attempt: Attempt, now: datetime):
    """Lock the attempt and check, under the lock, that it still takes answers.

    Finishing takes the same lock before it scores, so an answer sent at the moment of "Finish"
    is either saved before the score is counted or refused; the attempt the request read earlier
    may already be out of date.
    """
    current = Attempt.objects.select_for_update().only("finished_at", "deadline").get(pk=attempt.pk)
    attempt.finished_at = current.finished_at
    if not current.open_at(now):
        raise ExamClosed


def finish(attempt: Attempt, now: datetime) -> Attempt:
    """Score the attempt as it stands (at most at its deadline) and count its answers as reviews."""
    with transaction.atomic():
        # The learner's settings row before the attempt's, in the order every start and every
        # answer to the schedule takes them: taken the other way round, two requests deadlock.
        StudySettings.objects.for_user(attempt.user, lock=True)
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.finished:
            return attempt
        questions = list(attempt.questions.all())
        attempt.finished_at = min(now, attempt.deadline)
        attempt.correct = sum(q.is_correct for q in questions)
        attempt.scaled_score = scaled_score(attempt.correct, attempt.total, attempt.exam)
        attempt.save(update_fields=["finished_at", "correct", "scaled_score"])
        answered = [q for q in questions if q.chosen]
        cards = {c.key: c for c in Card.objects.filter(key__in={k for q in answered for k in q.card_keys})}
        results = [(cards[k], q.is_correct) for q in answered for k in q.card_keys if k in cards]
        record_exam_answers(attempt.user, results, attempt.finished_at)
    return attempt


def finish_if_over(attempt: Attempt, now: datetime) -> Attempt:
    if not attempt.finished and now >= attempt.deadline:
        return finish(attempt, now)
    return attempt


def scaled_score(correct: int, total: int, exam: Exam) -> int:
    """An estimate on the exam's scale: AWS does not publish its scaling, so this puts 70% right
    at the pass line and runs straight from the bottom of the scale to the top through it."""
    low, high, passing = exam.score_min or 100, exam.score_max or 1000, exam.passing_score or 720
    fraction = correct / total if total else 0
    if fraction <= PASS_FRACTION:
        return round(low + (passing - low) * fraction / PASS_FRACTION)
    return round(passing + (high - passing) * (fraction - PASS_FRACTION) / (1 - PASS_FRACTION))


def by_domain(attempt: Attempt, questions: list[AttemptQuestion]) -> list[dict]:
    rows: dict = {}
    for question in questions:
        row = rows.setdefault(question.domain_id, {"domain": question.domain, "right": 0, "total": 0})
        row["total"] += 1
        row["right"] += question.is_correct
    for row in rows.values():
        row["percent"] = round(100 * row["right"] / row["total"])
    return sorted(rows.values(), key=lambda r: (r["domain"] is None, r["domain"].number if r["domain"] else 0))
