"""For migrations that change a searchable table on SQLite.

SQLite alters most columns by building a new table and dropping the old one, and the triggers
that keep its FTS5 search index in step (0002_search_index) go with the old table, as does its
ranking index (0010_search_words). A migration that does so puts them back with
`restore_search_triggers("QuestionPattern")` after it.
"""

from importlib import import_module

search_index = import_module("studyapp.notes.migrations.0002_search_index")


def _has_search_names(schema_editor, table) -> bool:
    # Migrations before 0010 remake tables that have no ranking index yet.
    with schema_editor.connection.cursor() as cursor:
        return "search_names" in {c.name for c in schema_editor.connection.introspection.get_table_description(
            cursor, table)}


def restore_search_triggers(*kinds):
    def restore(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        search_words = import_module("studyapp.notes.migrations.0010_search_words")  # which imports this
        for name in kinds:
            table = apps.get_model("notes", name)._meta.db_table
            index = apps.get_model("notes", f"{name}Search")._meta.db_table
            for statement in search_index.SQLITE[2:]:  # the triggers, not the index itself
                schema_editor.execute(statement.format(index=index, table=table), params=None)
            # Rows written while the triggers were gone, if any, are read again.
            schema_editor.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')", params=None)
            if name in search_words.RANKED and _has_search_names(schema_editor, table):
                schema_editor.execute(search_words.RANKING_INDEX.format(table=table), params=None)
    return restore
