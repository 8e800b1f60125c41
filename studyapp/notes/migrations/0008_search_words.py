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
        ('notes', '0007_comparison_table_flashcards'),
    ]

    operations = [
        *(migrations.AddField(
            model_name=name.lower(),
            name='search_names',
            field=models.TextField(blank=True, help_text='What names it, for ranking (notes.words.naming)'),
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
        # SQLite adds a column by building the table anew, which drops its search index's triggers.
        migrations.RunPython(restore_search_triggers(*NAMING), migrations.RunPython.noop),
        migrations.RunPython(name_and_count, migrations.RunPython.noop),
    ]
