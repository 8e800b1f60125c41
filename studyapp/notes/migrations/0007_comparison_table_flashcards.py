from importlib import import_module

from django.db import migrations, models

# SQLite adds a NOT NULL column by building the table anew, which drops its triggers: the ones
# that keep the table's search index in step (0002) are made again.
search_index = import_module("studyapp.notes.migrations.0002_search_index")
TRIGGERS = [statement for statement in search_index.SQLITE if statement.lstrip().startswith("CREATE TRIGGER")]


def restore_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    table = apps.get_model("notes", "ComparisonTable")._meta.db_table
    index = apps.get_model("notes", "ComparisonTableSearch")._meta.db_table
    for statement in TRIGGERS:
        schema_editor.execute(statement.format(index=index, table=table), params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0006_tasks'),
    ]

    operations = [
        migrations.AddField(
            model_name='comparisontable',
            name='flashcards',
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
    ]
