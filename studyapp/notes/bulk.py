"""Bulk writes for the import and what is built on it: plain tuples in, one statement per batch.

An import writes hundreds of thousands of rows. Model instances and the ORM's per-field
compilation cost more than the database does at that scale, so these write plain values,
preparing only the columns whose Python value is not what the database takes (JSON, dates).
Everything runs on the caller's connection, inside the caller's transaction.
"""

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from django.db import connection

# Column types the database drivers take as Python gives them.
PLAIN_TYPES = {"AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "ForeignKey",
               "IntegerField", "OneToOneField", "PositiveIntegerField", "PositiveSmallIntegerField",
               "SlugField", "SmallIntegerField", "TextField"}
# Well under SQLite's oldest limit of 999 variables in one statement.
IN_BATCH = 900
# Rows an INSERT carries at most. SQLite's FTS5 triggers (the search index) cost several times as
# much per row when each row is a statement of its own, as with `executemany` (docs/performance.md).
ROWS_PER_INSERT = 1000


def chunked(values: Iterable, size: int = IN_BATCH):
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _columns(model, names: Sequence[str]):
    fields = [model._meta.get_field(name) for name in names]
    preparers = [None if f.get_internal_type() in PLAIN_TYPES else f for f in fields]
    return [connection.ops.quote_name(f.column) for f in fields], preparers


def _prepared(rows, preparers):
    if not any(preparers):
        return rows
    return (tuple(v if p is None else p.get_db_prep_save(v, connection) for v, p in zip(row, preparers))
            for row in rows)


def parameter_limit() -> int:
    if connection.vendor == "sqlite":
        # Django assumes 999; SQLite builds since 3.32 take 32,766.
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 65535  # PostgreSQL's wire protocol counts in 16 bits.


def insert_rows(model, names: Sequence[str], rows: Iterable[Sequence]) -> None:
    """INSERT rows given as tuples of values for the fields `names` (attnames: "source_id")."""
    columns, preparers = _columns(model, names)
    head = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) VALUES "
    row_sql = f"({', '.join(['%s'] * len(columns))})"
    per_statement = max(1, min(ROWS_PER_INSERT, parameter_limit() // len(columns)))
    with connection.cursor() as cursor:
        for chunk in chunked(rows, per_statement):
            cursor.execute(head + ", ".join([row_sql] * len(chunk)),
                           [value for row in _prepared(chunk, preparers) for value in row])


def update_rows(model, names: Sequence[str], rows: Iterable[tuple[int, Sequence]]) -> None:
    """UPDATE the fields `names` of rows given as (pk, values) pairs."""
    columns, preparers = _columns(model, names)
    sql = (f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET "
           f"{', '.join(f'{c} = %s' for c in columns)} WHERE {connection.ops.quote_name(model._meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        for chunk in chunked(rows, 5000):
            values = _prepared([v for _, v in chunk], preparers)
            cursor.executemany(sql, [(*v, pk) for v, (pk, _) in zip(values, chunk)])


def replace_m2m(descriptor, owner_ids, pairs, lookup=None, fresh_ids=()):
    """Set a many-to-many relation for many owners at once: batched deletes, then one insert.

    `pairs` holds (owner id, target) where target is a pk, or a key into `lookup`. Owners in
    `fresh_ids` were created by this import and hold no rows yet, so they cost no delete.
    """
    through = descriptor.through
    owner_field = descriptor.field.m2m_field_name() + "_id"
    target_field = descriptor.field.m2m_reverse_field_name() + "_id"
    fresh = set(fresh_ids)
    for chunk in chunked(o for o in dict.fromkeys(owner_ids) if o not in fresh):
        through.objects.filter(**{owner_field + "__in": chunk}).delete()
    rows = {}
    for owner, target in pairs:
        target_id = lookup.get(target) if lookup is not None else target
        if target_id is not None:
            rows[(owner, target_id)] = None
    insert_rows(through, [owner_field, target_field], rows)


@dataclass
class Synced:
    """What `sync_rows` did: the pk of every row now holding a key, and which it wrote."""

    ids: dict[str, int]
    created: list[str]  # keys
    changed: list[str]  # keys of rows updated: their values changed, or they were revived
    retired: list[int]  # pks


def sync_rows(model, names: Sequence[str], rows: dict[str, tuple], existing: dict[str, tuple], now,
              read_back=None) -> Synced:
    """Bring a kind of row in step with what an import built, leaving history where it is.

    `rows` maps each key that should be active to (values of the fields `names`, what tells a
    change); `existing` maps the keys of the rows already written, in the same scope, to (pk, what
    tells a change, retired_at). New keys are inserted; a row whose values changed, or that was
    retired, is updated and made active; an active row whose key is gone is retired, never deleted.
    `read_back()` gives the (key, pk) pairs among which the inserted rows' pks are found (by default,
    every row of `model`).
    """
    inserts, updates, changed = [], [], []
    for key, (values, sign) in rows.items():
        row = existing.get(key)
        if row is None:
            inserts.append((key, *values))
        elif row[1] != sign or row[2] is not None:
            updates.append((row[0], (*values, None)))
            changed.append(key)
    update_rows(model, [*names, "retired_at"], updates)
    insert_rows(model, ["key", *names], inserts)
    retired = [pk for key, (pk, _, retired_at) in existing.items() if retired_at is None and key not in rows]
    for chunk in chunked(retired):
        model.objects.filter(pk__in=chunk).update(retired_at=now)
    ids = {key: pk for key, (pk, *_) in existing.items()}
    if inserts:
        ids.update(read_back() if read_back is not None else model.objects.values_list("key", "pk"))
    return Synced(ids, [key for key, *_ in inserts], changed, retired)
