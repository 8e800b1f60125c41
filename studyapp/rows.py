"""Single rows read as model instances, and written back, by statements built once: for what
every review request reads and writes.

Profiled at 100,000 cards, a Django `get()` spent 0.15-0.5 ms building and compiling its query
and SQLite a twentieth of that running it; a review request made six of them. A `Row` writes its
SELECT once per database vendor from the models' own table and column names, and turns the row
into instances through the fields' own converters and `Model.from_db`, the way the ORM does, so
what comes back is the instance `get()` would have returned, related objects included.
"""

from dataclasses import dataclass

from django.db import connection


class Row:
    """`Row(ReviewState, by=("id",), related=("card", "card__source")).get(pk)` is
    `ReviewState.objects.select_related("card__source").filter(id=pk).first()` without the
    compiling. `by` names columns compared for equality; `lock` holds the row until the
    transaction ends where the database can (SQLite's IMMEDIATE transactions hold it anyway)."""

    def __init__(self, model, by: tuple[str, ...], related: tuple[str, ...] = (), lock: bool = False):
        if lock and related:
            raise ValueError("a locked read takes no related rows: PostgreSQL cannot lock an outer join's side")
        self.model, self.by, self.related, self.lock = model, by, related, lock
        self._plans = {}

    def get(self, *values):
        """The instance whose `by` columns equal `values`, or None."""
        if connection.vendor not in self._plans:
            self._plans[connection.vendor] = self._plan()
        sql, tables = self._plans[connection.vendor]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
        if row is None:
            return None
        made = []
        for table in tables:
            values = row[table.start:table.start + len(table.attnames)]
            # A related row the LEFT JOIN did not find: a null foreign key.
            instance = None if values[0] is None else table.model.from_db(
                connection.alias, table.attnames,
                [_converted(value, *column) for value, column in zip(values, table.columns)])
            if table.field is not None and made[table.parent] is not None:
                table.field.set_cached_value(made[table.parent], instance)
            made.append(instance)
        return made[0]

    def _plan(self) -> tuple[str, list["_Table"]]:
        quote = connection.ops.quote_name
        tables, columns, joins, numbers = [], [], [], {"": 0}
        for path in ("", *self.related):
            parent_path, _, name = path.rpartition("__")
            if path:
                parent = numbers[parent_path]
                field = tables[parent].model._meta.get_field(name)
                model = field.related_model
            else:
                parent, field, model = None, None, self.model
            number = numbers[path] = len(tables)
            # The primary key first: when it is null, the joined row is not there.
            fields = [model._meta.pk, *(f for f in model._meta.concrete_fields if not f.primary_key)]
            expressions = [f.get_col(f"t{number}") for f in fields]
            tables.append(_Table(model, parent, field, len(columns), [f.attname for f in fields],
                                 [(e, _converters(e)) for e in expressions]))
            columns += [f"t{number}.{quote(f.column)}" for f in fields]
            if field is not None:
                joins.append(f"LEFT JOIN {quote(model._meta.db_table)} t{number} "
                             f"ON t{number}.{quote(field.target_field.column)} = t{parent}.{quote(field.column)}")
        where = " AND ".join(f"t0.{quote(self.model._meta.get_field(name).column)} = %s" for name in self.by)
        lock = " FOR UPDATE" if self.lock and connection.features.has_select_for_update else ""
        sql = (f"SELECT {', '.join(columns)} FROM {quote(self.model._meta.db_table)} t0 {' '.join(joins)} "
               f"WHERE {where}{lock}")
        return sql, tables


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


@dataclass(frozen=True)
class _Table:
    model: type
    parent: int | None  # the table this one is joined to, by its foreign key `field`
    field: object
    start: int  # where its columns begin in the row
    attnames: list
    columns: list  # (expression, its converters), as the ORM's compiler applies them


def _converters(expression) -> list:
    return connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)


def _converted(value, expression, converters):
    for converter in converters:
        value = converter(value, expression, connection)
    return value
