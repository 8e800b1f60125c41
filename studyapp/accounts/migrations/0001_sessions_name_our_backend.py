"""Sessions started before the model backend moved to `studyapp.accounts.backends` name Django's;
Django signs out a session whose backend is no longer configured, so they are renamed instead."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import migrations

DJANGOS = "django.contrib.auth.backends.ModelBackend"
OURS = "studyapp.accounts.backends.ModelBackend"


def rename(old: str, new: str):
    def run(apps, schema_editor):
        # The store's own signing and serialising, with the project's SECRET_KEY.
        from django.contrib.sessions.backends.db import SessionStore

        store = SessionStore()
        for session in apps.get_model("sessions", "Session").objects.iterator():
            data = store.decode(session.session_data)
            if data.get(BACKEND_SESSION_KEY) == old:
                session.session_data = store.encode({**data, BACKEND_SESSION_KEY: new})
                session.save(update_fields=["session_data"])
    return run


class Migration(migrations.Migration):

    dependencies = [("sessions", "0001_initial")]

    operations = [migrations.RunPython(rename(DJANGOS, OURS), rename(OURS, DJANGOS))]
