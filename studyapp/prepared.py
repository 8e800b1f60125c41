"""Querysets compiled once and run many times, for the reads every request makes.

Profiled at 100,000 cards, the ORM spent longer building and compiling each query of a request
than SQLite spent running it: 0.15 to 0.5 ms against a hundredth to a twentieth of that, six to
nine times a request. A `Prepared` query is written as an ordinary queryset, compiled by Django
once per database vendor, and run again with new values: the rows come back through the ORM's own
converters and related-object populators, so what it returns is what the queryset would have.

Only plain values (ints and strings, compared as they are) can be arguments; one a lookup
rewrites (`__contains`, a date) is refused when the query is compiled.

A queryset of named rows (`values_list(..., named=True)`) comes back as those rows, for lists
that only show a few fields: making a model instance cost more than reading its row.
"""

from django.db import connection
from django.db.models.query import ModelIterable, NamedValuesListIterable, get_related_populators
from django.db.models.utils import create_namedtuple_class
from django.db.transaction import TransactionManagementError

# The widest integer column (64 bits) on every database.
WIDEST = (-2**63, 2**63 - 1)
# Two sets of stand-ins for the arguments, compiled in turn: the parameters that change between
# the two compilations are the arguments, those that do not are the query's own constants. Small
# enough for any integer column (lookups on a value out of a column's range compile to nothing).
# The strings hold LIKE's wildcards and escape, so that a lookup escaping them (SQLite's iexact)
# changes them, and is refused like any other that rewrites its value.
_STAND_INS = {int: (lambda n: 30001 + 2 * n, lambda n: 30002 + 2 * n),
              str: (lambda n: f"\x00prepared-a{n}%_\\", lambda n: f"\x00prepared-b{n}%_\\")}


class Prepared:
    """`Prepared(lambda pk: Card.objects.select_related("source").filter(pk=pk), int)`: `.all(pk)`
    runs it as a list, `.one(pk)` as the single instance or None. The builder takes one
    argument of each given type and returns a queryset of model instances, or of named rows."""

    def __init__(self, build, *types: type):
        self.build, self.types, self._plans = build, types, {}

    def all(self, *values) -> list:
        if any(type(value) is not kind for value, kind in zip(values, self.types)):
            # The statement was compiled for values of these types; the ORM writes another for
            # others (`IS NULL` for None), so the queryset itself answers.
            return list(self.build(*values))
        if any(type(value) is int and not WIDEST[0] <= value <= WIDEST[1] for value in values):
            # No column holds it, so no row is selected by it, as the ORM's filters answer (SQLite
            # would raise OverflowError). Every argument here selects rows: excluding by such a
            # number would keep them all, so a prepared exclude() is given only stored ids.
            return []
        plan = self._plans.get(connection.vendor) or self._plans.setdefault(connection.vendor, _Plan(self))
        return plan.run(values)

    def one(self, *values):
        found = self.all(*values)
        if len(found) > 1:
            raise ValueError(f"{len(found)} rows where one was expected")
        return found[0] if found else None


class _Plan:
    # It keeps the compiler that made it, for its converters: they read only settings of the
    # connection, so the statement can run on any thread's connection to the same database.
    def __init__(self, prepared: Prepared):
        stand_ins = [_STAND_INS[t] for t in prepared.types]
        first = [a(n) for n, (a, _) in enumerate(stand_ins)]
        second = [b(n) for n, (_, b) in enumerate(stand_ins)]
        queryset = prepared.build(*first)
        named = queryset._iterable_class is NamedValuesListIterable and bool(queryset._fields)
        if queryset._prefetch_related_lookups or not (named or queryset._iterable_class is ModelIterable):
            raise ValueError("a prepared query returns model instances or rows of named fields, and prefetches nothing")
        self.compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, self.params = self.compiler.as_sql()
        other_sql, other_params = prepared.build(*second).query.get_compiler(using=queryset.db).as_sql()
        arguments = {(a, b): n for n, (a, b) in enumerate(zip(first, second))}
        self.slots = [None if a == b else arguments.get((a, b), -1) for a, b in zip(self.params, other_params)]
        if other_sql != self.sql or set(self.slots) - {None} != set(range(len(first))):
            raise ValueError("every argument must be a plain parameter of the query")
        if not named and (self.compiler.annotation_col_map or queryset._known_related_objects):
            raise ValueError("a prepared query returns model instances, with nothing set beside their fields")
        self.klass_info, self.select = self.compiler.klass_info, self.compiler.select
        # As the ORM checks each time a locking query runs.
        self.locks = queryset.query.select_for_update and connection.features.has_select_for_update
        self.row = create_namedtuple_class(*queryset._fields) if named else None
        if not named:
            self.model = self.klass_info["model"]
            fields = self.klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.attnames = [column[0].target.attname for column in self.select[self.start:self.end]]
        self.converters = self.compiler.get_converters(
            [column[0] for column in self.select[:self.compiler.col_count]])

    def run(self, values) -> list:
        if self.locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = [value if slot is None else values[slot] for value, slot in zip(self.params, self.slots)]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.row:
            # As the queryset does: past its fields a row may hold what it is ordered by.
            width = self.compiler.col_count
            return [tuple.__new__(self.row, row[:width]) for row in rows]
        populators = get_related_populators(self.klass_info, self.select, connection.alias)
        found = []
        for row in rows:
            instance = self.model.from_db(connection.alias, self.attnames, row[self.start:self.end])
            for populator in populators:
                populator.populate(row, instance)
            found.append(instance)
        return found


class Update:
    """`Update(ReviewState, ("phase", "due")).save(state)` is `state.save(update_fields=["phase", "due"])`
    without the compiling: the fields' values go through their own `get_db_prep_save`."""

    def __init__(self, model, fields: tuple[str, ...]):
        self.fields = [model._meta.get_field(name) for name in fields]
        self.model, self._statements = model, {}

    def save(self, instance) -> bool:
        """Write the fields of a saved instance; False if its row is gone."""
        if connection.vendor not in self._statements:
            quote = connection.ops.quote_name
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in self.fields)
            self._statements[connection.vendor] = (f"UPDATE {quote(self.model._meta.db_table)} SET {assignments} "
                                                   f"WHERE {quote(self.model._meta.pk.column)} = %s")
        values = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in self.fields]
        with connection.cursor() as cursor:
            cursor.execute(self._statements[connection.vendor], [*values, instance.pk])
            return cursor.rowcount == 1
