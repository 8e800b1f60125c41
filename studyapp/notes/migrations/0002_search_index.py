import django.db.models.deletion
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

import studyapp.notes.models


# Each searchable kind's `search_text`, indexed for substring search (studyapp/notes/search.py).
KINDS = ["Service", "NoteSection", "ComparisonTable", "QuestionPattern"]

# SQLite: an FTS5 trigram index that reads the text from the row's own table (external content),
# kept in step by triggers, so every write the import makes, in bulk or not, reaches it inside
# the import's transaction. An update that leaves the text alone (retiring a row, moving it in
# its note) costs the index nothing.
SQLITE = [
    "CREATE VIRTUAL TABLE {index} USING fts5(search_text, content='{table}', content_rowid='id', "
    "tokenize='trigram')",
    # The rows imported before this migration.
    "INSERT INTO {index}({index}) VALUES ('rebuild')",
    """CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN
         INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
    # An external-content index forgets a row's text by being told what it was.
    """CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN
         INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
       END""",
    """CREATE TRIGGER {index}_update AFTER UPDATE OF search_text ON {table}
       WHEN old.search_text IS NOT new.search_text BEGIN
         INSERT INTO {index}({index}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
         INSERT INTO {index}(rowid, search_text) VALUES (new.id, new.search_text);
       END""",
]
SQLITE_DROP = ["DROP TRIGGER {index}_insert", "DROP TRIGGER {index}_delete", "DROP TRIGGER {index}_update",
               "DROP TABLE {index}"]


def _gin(model):
    # PostgreSQL: pg_trgm's GIN index serves `LIKE '%term%'` itself, so the queries stay as they are.
    return GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name=f"{model._meta.db_table}_trgm")


def _each_kind(apps, schema_editor, sqlite, postgresql):
    vendor = schema_editor.connection.vendor
    for name in KINDS:
        model = apps.get_model("notes", name)
        if vendor == "sqlite":
            index = apps.get_model("notes", f"{name}Search")._meta.db_table
            for statement in sqlite:
                schema_editor.execute(statement.format(index=index, table=model._meta.db_table), params=None)
        elif vendor == "postgresql":
            postgresql(model)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Not TrigramExtension: on Django 5.2 its reverse queries pg_extension whatever the database,
        # so `migrate notes 0001` would fail on SQLite. Never dropped on the way back, either: other
        # things may use pg_trgm.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    _each_kind(apps, schema_editor, SQLITE, lambda model: schema_editor.add_index(model, _gin(model)))


def drop_indexes(apps, schema_editor):
    _each_kind(apps, schema_editor, SQLITE_DROP, lambda model: schema_editor.remove_index(model, _gin(model)))


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ComparisonTableSearch',
            fields=[
                ('search_text', studyapp.notes.models.TrigramText()),
                ('item', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_index', serialize=False, to='notes.comparisontable')),
            ],
            options={
                'db_table': 'notes_comparisontable_search',
                'abstract': False,
                'managed': False,
                'required_db_vendor': 'sqlite',
            },
        ),
        migrations.CreateModel(
            name='NoteSectionSearch',
            fields=[
                ('search_text', studyapp.notes.models.TrigramText()),
                ('item', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_index', serialize=False, to='notes.notesection')),
            ],
            options={
                'db_table': 'notes_notesection_search',
                'abstract': False,
                'managed': False,
                'required_db_vendor': 'sqlite',
            },
        ),
        migrations.CreateModel(
            name='QuestionPatternSearch',
            fields=[
                ('search_text', studyapp.notes.models.TrigramText()),
                ('item', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_index', serialize=False, to='notes.questionpattern')),
            ],
            options={
                'db_table': 'notes_questionpattern_search',
                'abstract': False,
                'managed': False,
                'required_db_vendor': 'sqlite',
            },
        ),
        migrations.CreateModel(
            name='ServiceSearch',
            fields=[
                ('search_text', studyapp.notes.models.TrigramText()),
                ('item', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_index', serialize=False, to='notes.service')),
            ],
            options={
                'db_table': 'notes_service_search',
                'abstract': False,
                'managed': False,
                'required_db_vendor': 'sqlite',
            },
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
