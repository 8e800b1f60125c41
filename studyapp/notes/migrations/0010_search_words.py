from collections import Counter

from django.db import migrations, models

from studyapp.notes import words
from studyapp.notes.search_triggers import restore_search_triggers

# Each kind and the fields that name a row of it, as the import writes them (studyapp.notes.writer).
NAMING = {
    "Service": lambda row: words.naming(row.name, *row.aliases, row.category),
    "NoteSection": lambda row: words.naming(*row.heading_path),
    "ComparisonTable": lambda row: words.naming(row.title, *row.columns),
    "QuestionPattern": lambda row: words.naming(row.prompt, row.answer),
}


# SQLite: all a search reads of a match while ranking it (studyapp.notes.search), in an index keyed
# by id. SQLite looks each match up there rather than in its row, where search_names lies past the
# section's text or the table's cells, once ANALYZE has measured the table (analyze_searchable):
# ranking the 6,000 sections of the benchmark that say "stream" took 17 ms, and 3 ms so. PostgreSQL
# keeps long values out of the row, and needs none. Like the search index's triggers, a table that
# SQLite builds anew loses it: studyapp.notes.search_triggers puts both back.
RANKED = ["NoteSection", "ComparisonTable", "QuestionPattern"]
RANKING_INDEX = ("CREATE INDEX IF NOT EXISTS {table}_ranking "
                 "ON {table} (id, retired_at, source_id, position, search_names)")


def create_ranking_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in RANKED:
            schema_editor.execute(RANKING_INDEX.format(table=apps.get_model("notes", name)._meta.db_table), params=None)


def drop_ranking_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in RANKED:
            schema_editor.execute(f"DROP INDEX IF EXISTS {apps.get_model('notes', name)._meta.db_table}_ranking",
                                  params=None)


def analyze(apps, schema_editor):
    # As models.analyze_searchable does, for the planner to take the ranking indexes.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("PRAGMA analysis_limit = 1000", params=None)
        for name in RANKED:
            schema_editor.execute(f"ANALYZE {apps.get_model('notes', name)._meta.db_table}", params=None)


def name_and_count(apps, schema_editor):
    """For notes imported before this migration: each row's naming words, and the vocabulary
    (SearchWord.rebuild)."""
    counts = Counter()
    for name, naming in NAMING.items():
        model = apps.get_model("notes", name)
        batch = []
        for row in model.objects.iterator(chunk_size=2000):
            row.search_names = naming(row)
            batch.append(row)
            if row.retired_at is None:
                counts.update(words.vocabulary_of(row.search_text))
            if len(batch) == 2000:
                model.objects.bulk_update(batch, ["search_names"])
                batch = []
        model.objects.bulk_update(batch, ["search_names"])
    SearchWord = apps.get_model("notes", "SearchWord")
    SearchWord.objects.bulk_create((SearchWord(word=word, length=len(word), rows=rows)
                                    for word, rows in counts.items()), batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0009_citations'),
    ]

    operations = [
        *(migrations.AddField(
            model_name=name.lower(),
            name='search_names',
            field=models.TextField(blank=True, db_default='',
                                   help_text='What names it, for ranking (notes.words.naming)'),
        ) for name in NAMING),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(max_length=40, unique=True)),
                ('length', models.PositiveSmallIntegerField()),
                ('rows', models.PositiveIntegerField()),
            ],
            options={
                'indexes': [models.Index(fields=['length', '-rows'], name='notes_searchword_length_rows')],
            },
        ),
        # SQLite adds a column by building the table anew, which drops its search index's triggers
        # (and makes the ranking indexes, now that there is a column for them).
        migrations.RunPython(restore_search_triggers(*NAMING), migrations.RunPython.noop),
        migrations.RunPython(name_and_count, migrations.RunPython.noop),
        migrations.RunPython(create_ranking_indexes, drop_ranking_indexes),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
