from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_learners(apps, schema_editor):
    """Questions drawn before this migration: their learner, from their attempt."""
    Attempt = apps.get_model("exams", "Attempt")
    AttemptQuestion = apps.get_model("exams", "AttemptQuestion")
    AttemptQuestion.objects.update(user_id=Subquery(Attempt.objects.filter(pk=OuterRef("attempt_id")).values("user_id")))


class Migration(migrations.Migration):

    dependencies = [
        ("exams", "0004_bank_exam_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attemptquestion",
            name="user",
            field=models.ForeignKey(db_index=False, null=True, on_delete=models.CASCADE, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(copy_learners, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attemptquestion",
            name="user",
            field=models.ForeignKey(db_index=False, on_delete=models.CASCADE, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.RemoveIndex(model_name="attemptquestion", name="exams_attempt_question_keys"),
        migrations.AddIndex(
            model_name="attemptquestion",
            index=models.Index(fields=["user", "bank_key", "attempt"], name="exams_question_seen_by_user"),
        ),
    ]
