from collections import Counter

from django.db import migrations, models

from studyapp.notes import vocabulary

KINDS = ["Service", "NoteSection", "ComparisonTable", "QuestionPattern"]


def count_words(apps, schema_editor):
    """The words of notes imported before this migration, as SearchWord.rebuild counts them."""
    counts = Counter()
    for name in KINDS:
        rows = apps.get_model("notes", name).objects.filter(retired_at__isnull=True)
        for text in rows.values_list("search_text", flat=True).iterator(chunk_size=5000):
            counts.update(vocabulary.words(text))
    SearchWord = apps.get_model("notes", "SearchWord")
    SearchWord.objects.bulk_create((SearchWord(word=word, length=len(word), rows=rows)
                                    for word, rows in counts.items()), batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0007_comparison_table_flashcards'),
    ]

    operations = [
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
        migrations.RunPython(count_words, migrations.RunPython.noop),
    ]
