from django.db import migrations, models

from studyapp.notes.search_triggers import restore_search_triggers


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0005_scenario_task_and_tests'),
    ]

    operations = [
        migrations.AddField(
            model_name='questionpattern',
            name='task',
            field=models.CharField(blank=True, help_text="The exam guide's task statement, e.g. 2.1", max_length=10),
        ),
        migrations.AddField(
            model_name='sourcefile',
            name='tasks',
            field=models.JSONField(blank=True, default=list, help_text="The exam guide's task statements it teaches"),
        ),
        # SQLite adds the column by rebuilding the table, which drops the triggers that keep its
        # search index in step.
        migrations.RunPython(restore_search_triggers("QuestionPattern"), migrations.RunPython.noop),
    ]
