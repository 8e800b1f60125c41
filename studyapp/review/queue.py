"""A learner's review queue read in single hand-written statements.

Hand-written to keep the budgets of a next card, of grade and next and of the dashboard
(studyapp/bench/targets.py): profiled at 100,000 cards, most of a review request went to the ORM
compiling its queue queries (each filters by phase, due time, burying, retirement and the
learner's scope), many times longer than the database took to run them (docs/performance.md).
The statements here are fixed text built once per database vendor; every value is a parameter.

What "available" means is written once, in `_DUE` and `_NEW`, for both the counts and the
heads. The one reads the review states' queue index (user, phase, due, ...) for a bounded span of
due times, the other cards from the learner's new-card floor on, so both cost the same at any
collection size.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from django.db import connection

from studyapp.notes.models import Domain

from .models import Card, ReviewLog, ReviewState, StudySettings
from .scheduler import Phase

# Schedules that can be shown: not suspended, not buried, on a card that is neither retired nor
# outside the learner's scope. Each statement adds the phases and the span of due times it reads,
# so that SQLite walks the queue index over just those (a learning card's span is a few rows; all
# reviews due today are thousands).
_DUE = """
    s.{user_id} = %(user)s AND s.{suspended} = %(no)s AND (s.{buried_until} IS NULL OR s.{buried_until} <= %(now)s)
    AND s.{card_id} NOT IN (SELECT r.{id} FROM {card_table} r WHERE r.{retired_at} IS NOT NULL)
    AND {in_scope}
"""

# Cards new to the learner from their floor on: no schedule yet (or one still new, unless it is
# set aside), active and in scope.
_NEW = """
    c.{retired_at} IS NULL AND c.{position} >= %(new_from)s AND {in_scope}
    AND NOT EXISTS (SELECT 1 FROM {state_table} o WHERE o.{card_id} = c.{id} AND o.{user_id} = %(user)s
                    AND (o.{phase} <> {new} OR o.{suspended} = %(yes)s OR o.{buried_until} > %(now)s))
"""

# The learner's choice of exams, domains and services; an empty choice means everything. The
# choice does not depend on the row, so each NOT EXISTS is evaluated once per statement. A chosen
# domain an exam note has retired stays chosen but offers nothing until a note lists it again.
_SCOPE = """
    (NOT EXISTS (SELECT 1 FROM {exams} WHERE {settings_id} = %(study)s)
     OR EXISTS (SELECT 1 FROM {card_table} x JOIN {exams} e ON e.{exam_id} = x.{exam_id}
                WHERE x.{id} = {card} AND e.{settings_id} = %(study)s))
    AND (NOT EXISTS (SELECT 1 FROM {domains} WHERE {settings_id} = %(study)s)
         OR EXISTS (SELECT 1 FROM {card_domains} cd JOIN {domains} d ON d.{domain_id} = cd.{domain_id}
                    JOIN {domain_table} a ON a.{id} = cd.{domain_id}
                    WHERE cd.{card_id} = {card} AND d.{settings_id} = %(study)s AND a.{retired_at} IS NULL))
    AND (NOT EXISTS (SELECT 1 FROM {services} WHERE {settings_id} = %(study)s)
         OR EXISTS (SELECT 1 FROM {card_services} cs JOIN {services} v ON v.{service_id} = cs.{service_id}
                    WHERE cs.{card_id} = {card} AND v.{settings_id} = %(study)s))
"""

# One service's cards only, as "Review this service" asks: within the learner's own choice, and
# the day's limits, as ever.
_FOCUS = """
    AND EXISTS (SELECT 1 FROM {card_services} f WHERE f.{card_id} = {card} AND f.{service_id} = %(service)s)
"""

_SESSION = """
SELECT
    (SELECT COUNT(*) FROM {state_table} s WHERE {due_where} AND s.{phase} IN {learning_phases}
     AND s.{due} <= %(now)s),
    (SELECT COUNT(*) FROM {state_table} s WHERE {due_where} AND s.{phase} IN {learning_phases}
     AND s.{due} <= %(soon)s),
    (SELECT COUNT(*) FROM {state_table} s WHERE {due_where} AND s.{phase} = {review} AND s.{due} < %(day_end)s),
    (SELECT s.{id} FROM {state_table} s WHERE {due_where} AND s.{phase} IN {learning_phases}
     AND s.{due} <= %(soon)s ORDER BY s.{due}, s.{id} LIMIT 1),
    (SELECT s.{id} FROM {state_table} s WHERE {due_where} AND s.{phase} IN {learning_phases}
     AND s.{due} <= %(soon)s AND s.{id} <> %(answered)s ORDER BY s.{due}, s.{id} LIMIT 1),
    (SELECT s.{id} FROM {state_table} s WHERE {due_where} AND s.{phase} = {review}
     AND s.{due} < %(day_end)s ORDER BY s.{due}, s.{id} LIMIT 1),
    (SELECT COUNT(*) FROM (SELECT 1 FROM {card_table} c WHERE {new_where} LIMIT %(new_left)s) n),
    (SELECT c.{id} FROM {card_table} c WHERE {new_where} ORDER BY c.{position}, c.{key} LIMIT 1),
    {first_missed}
"""

# A new card the learner answered wrong in a mock exam comes before the others: its schedule row,
# still new, has a due time (when it was missed), which the queue index holds in order.
_FIRST_MISSED = """
    (SELECT s.{card_id} FROM {state_table} s WHERE {due_where} AND s.{phase} = {new} AND s.{due} IS NOT NULL
     ORDER BY s.{due}, s.{id} LIMIT 1)
"""

_DASHBOARD = """
SELECT
    COUNT(*) FILTER (WHERE (s.{phase} IN {learning_phases} AND s.{due} <= %(now)s)
                     OR (s.{phase} = {review} AND s.{due} < %(day_end)s)),
    COUNT(*) FILTER (WHERE s.{due} < %(day_end)s),
    MIN(s.{due}) FILTER (WHERE s.{phase} IN {learning_phases} AND s.{due} > %(now)s AND s.{due} < %(day_end)s),
    {forecast},
    (SELECT COUNT(*) FROM (SELECT 1 FROM {card_table} c WHERE {new_where} LIMIT %(new_left)s) n)
FROM {state_table} s WHERE {due_where} AND s.{phase} IN {scheduled_phases} AND s.{due} <= %(horizon)s
"""

_NEW_KEYS = """
SELECT c.{key} FROM {card_table} c WHERE {new_where}
ORDER BY (SELECT o.{due} FROM {state_table} o WHERE o.{card_id} = c.{id} AND o.{user_id} = %(user)s) IS NULL,
         (SELECT o.{due} FROM {state_table} o WHERE o.{card_id} = c.{id} AND o.{user_id} = %(user)s),
         c.{position}, c.{key}
"""

# Today's tally, and whether the learner chose any exam, domain or service (read here, where every
# sitting already goes, so that the queue's statements can leave the scope out when not).
_TALLY = """
SELECT COUNT(*) FILTER (WHERE {phase_before} = {new} AND {mode} <> %(exam)s),
       COUNT(*) FILTER (WHERE {phase_before} = {review} AND {mode} <> %(exam)s),
       COUNT(*) FILTER (WHERE {mode} <> %(exam)s), COUNT(*) FILTER (WHERE {mode} = %(exam)s),
       EXISTS (SELECT 1 FROM {exams} WHERE {settings_id} = %(study)s)
       OR EXISTS (SELECT 1 FROM {domains} WHERE {settings_id} = %(study)s)
       OR EXISTS (SELECT 1 FROM {services} WHERE {settings_id} = %(study)s)
FROM {log_table} WHERE {user_id} = %(user)s AND {day} = %(day)s
"""


@cache
def _names(vendor: str) -> dict:
    """Quoted table and column names, so the statements follow the models' own names."""
    quote = connection.ops.quote_name
    names = {
        "state_table": ReviewState._meta.db_table, "card_table": Card._meta.db_table,
        "log_table": ReviewLog._meta.db_table,
        "exams": StudySettings.exams.through._meta.db_table,
        "domains": StudySettings.domains.through._meta.db_table,
        "services": StudySettings.services.through._meta.db_table,
        "card_domains": Card.domains.through._meta.db_table,
        "domain_table": Domain._meta.db_table,
        "card_services": Card.services.through._meta.db_table,
    }
    columns = ["id", "user_id", "card_id", "phase", "due", "suspended", "buried_until", "retired_at", "position",
               "key", "exam_id", "domain_id", "service_id", "phase_before", "day", "mode"]
    quoted = {name: quote(value) for name, value in names.items()}
    quoted.update({column: quote(column) for column in columns})
    quoted["settings_id"] = quote("studysettings_id")
    quoted.update(new=int(Phase.NEW), review=int(Phase.REVIEW),
                  learning_phases=f"({int(Phase.LEARNING)}, {int(Phase.RELEARNING)})",
                  scheduled_phases=f"({int(Phase.LEARNING)}, {int(Phase.REVIEW)}, {int(Phase.RELEARNING)})")
    return quoted


def _statement(template: str, scoped: bool, focused: bool = False, **extra) -> str:
    names = _names(connection.vendor)

    def in_scope(card: str) -> str:
        # With no choice made every card is in scope; without the scope, PostgreSQL plans the
        # session statement in a fifth of the time.
        scope = _SCOPE.format(card=card, **names) if scoped else "1 = 1"
        return scope + _FOCUS.format(card=card, **names) if focused else scope

    due_where = _DUE.format(in_scope=in_scope(f"s.{names['card_id']}"), **names)
    new_where = _NEW.format(in_scope=in_scope(f"c.{names['id']}"), **names)
    return template.format(due_where=due_where, new_where=new_where, **names, **extra)


# Each statement is built once per vendor: the vendor, unused in the body, is the cache key.
@cache
def _session_sql(vendor: str, scoped: bool, focused: bool = False) -> str:
    return _statement(_SESSION, scoped, focused, first_missed=_statement(_FIRST_MISSED, scoped, focused))


@cache
def _dashboard_sql(vendor: str, days: int, scoped: bool) -> str:
    names = _names(vendor)
    forecast = ", ".join(f"COUNT(*) FILTER (WHERE s.{names['due']} >= %(start{n})s AND s.{names['due']} < %(end{n})s)"
                         for n in range(days))
    return _statement(_DASHBOARD, scoped, forecast=forecast)


@cache
def _new_keys_sql(vendor: str, scoped: bool) -> str:
    return _statement(_NEW_KEYS, scoped)



@cache
def _tally_sql(vendor: str) -> str:
    return _TALLY.format(**_names(vendor))


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value) if isinstance(value, date) else value


def _run(sql: str, params: dict, rows: bool = False):
    values = {name: _adapt(value) for name, value in params.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchall() if rows else cursor.fetchone()


def _common(study: StudySettings, now: datetime, horizon: datetime, new_left: int) -> dict:
    return {"user": study.user_id, "study": study.pk, "now": now, "horizon": horizon, "new_from": study.new_from,
            "new_left": new_left, "yes": True, "no": False}


@dataclass(frozen=True)
class Queue:
    learning: int  # learning cards due now
    learning_soon: int  # and those due within the learn-ahead time
    review: int  # reviews due today, before the daily limit
    learning_head: int | None  # the review state to show first of each kind
    # The first learning card but the one just answered: Anki does not show a card twice in a row
    # while it has another to show.
    learning_other: int | None
    review_head: int | None
    new: int  # new cards left, up to the day's limit
    first_new: int | None  # a card id: one missed in a mock exam, else the next in order


def session_queue(study: StudySettings, now: datetime, soon: datetime, day_end: datetime, new_left: int,
                  answered: int | None = None, service: int | None = None) -> Queue:
    """`answered`: the schedule just answered, not to be shown again at once if another will do.
    `service`: only that service's cards."""
    params = _common(study, now, max(day_end, soon), new_left) | {"soon": soon, "day_end": day_end,
                                                                  "answered": answered or 0, "service": service or 0}
    row = _run(_session_sql(connection.vendor, study.scoped, service is not None), params)
    return Queue(*(value or 0 for value in row[:3]), row[3], row[4], row[5], row[6] or 0, row[8] or row[7])


def dashboard_counts(study: StudySettings, now: datetime, day_end: datetime, days: list, new_left: int) -> tuple:
    """(due now, due today, when the next learning card is due later today, [due on each of
    `days`], new cards left): one statement."""
    params = _common(study, now, days[-1].end, new_left) | {"day_end": day_end}
    for n, day in enumerate(days):
        params |= {f"start{n}": day.start, f"end{n}": day.end}
    row = _run(_dashboard_sql(connection.vendor, len(days), study.scoped), params)
    next_due = row[2]
    if isinstance(next_due, str):  # SQLite hands an aggregate of a datetime column back as text
        next_due = connection.ops.convert_datetimefield_value(next_due, None, connection)
    return row[0] or 0, row[1] or 0, next_due, [value or 0 for value in row[3:-1]], row[-1] or 0


def tally(study: StudySettings, day) -> tuple[int, int, int, int]:
    """Today's (new, reviews, answers), mock exam answers left out, and the mock exam answers.
    Notes on `study` whether the learner chose a scope, for the statements that follow."""
    *counts, scoped = _run(_tally_sql(connection.vendor),
                           {"user": study.user_id, "study": study.pk, "day": day, "exam": ReviewLog.Mode.EXAM.value})
    study.scoped = bool(scoped)
    return tuple(value or 0 for value in counts)


def new_keys(study: StudySettings, now: datetime) -> list[str]:
    """Every card new to the learner, in the order the queue introduces them."""
    return [key for (key,) in _run(_new_keys_sql(connection.vendor, study.scoped), _common(study, now, now, 0), rows=True)]
