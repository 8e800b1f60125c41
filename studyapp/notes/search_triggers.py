"""For migrations that change a searchable table on SQLite.

SQLite alters most columns by building a new table and dropping the old one, and the triggers
that keep its FTS5 search index in step (0002_search_index) go with the old table. A migration
that does so puts them back with `restore_search_triggers("QuestionPattern")` after it.
"""

from importlib import import_module

search_index = import_module("studyapp.notes.migrations.0002_search_index")


def restore_search_triggers(*kinds):
    def restore(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for name in kinds:
            table = apps.get_model("notes", name)._meta.db_table
            index = apps.get_model("notes", f"{name}Search")._meta.db_table
            for statement in search_index.SQLITE[2:]:  # the triggers, not the index itself
                schema_editor.execute(statement.format(index=index, table=table), params=None)
            # Rows written while the triggers were gone, if any, are read again.
            schema_editor.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')", params=None)
    return restore
